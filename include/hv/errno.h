/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal short names for the ABI's error numbers (include/public/errno.h). */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

#include <public/errno.h>

#define EPERM           HV_EPERM
#define ENOENT          HV_ENOENT
#define ESRCH           HV_ESRCH
#define ENXIO           HV_ENXIO
#define E2BIG           HV_E2BIG
#define ENOEXEC         HV_ENOEXEC
#define ENOMEM          HV_ENOMEM
#define EACCES          HV_EACCES
#define EFAULT          HV_EFAULT
#define EBUSY           HV_EBUSY
#define EEXIST          HV_EEXIST
#define EXDEV           HV_EXDEV
#define EINVAL          HV_EINVAL
#define ENOSPC          HV_ENOSPC
#define ERANGE          HV_ERANGE
#define ENOSYS          HV_ENOSYS
#define ENODATA         HV_ENODATA
#define EOVERFLOW       HV_EOVERFLOW
#define EBADMSG         HV_EBADMSG
#define EOPNOTSUPP      HV_EOPNOTSUPP
#define EADDRINUSE      HV_EADDRINUSE
#define EADDRNOTAVAIL   HV_EADDRNOTAVAIL
#define ENOTRECOVERABLE HV_ENOTRECOVERABLE

#endif /* HV_ERRNO_H */

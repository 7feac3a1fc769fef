/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The name of an ABI error number (include/public/errno.h), for console
 * lines.  Portable: the hypervisor and the dom0 test guest both use it.
 */
#include <public/errno.h>
#include <hv/errno-name.h>

const char *errno_name(long err)
{
    /* Packed table; clang-format would put one entry per line. */
    /* clang-format off */
    static const struct { long nr; const char *name; } names[] = {
        { HV_EPERM, "EPERM" }, { HV_ENOENT, "ENOENT" }, { HV_ESRCH, "ESRCH" },
        { HV_ENXIO, "ENXIO" }, { HV_E2BIG, "E2BIG" }, { HV_ENOEXEC, "ENOEXEC" },
        { HV_ENOMEM, "ENOMEM" }, { HV_EACCES, "EACCES" },
        { HV_EFAULT, "EFAULT" }, { HV_EBUSY, "EBUSY" }, { HV_EEXIST, "EEXIST" },
        { HV_EXDEV, "EXDEV" }, { HV_EINVAL, "EINVAL" }, { HV_ENOSPC, "ENOSPC" },
        { HV_ERANGE, "ERANGE" }, { HV_ENOSYS, "ENOSYS" },
        { HV_ENODATA, "ENODATA" }, { HV_EOVERFLOW, "EOVERFLOW" },
        { HV_EBADMSG, "EBADMSG" }, { HV_EOPNOTSUPP, "EOPNOTSUPP" },
        { HV_EADDRINUSE, "EADDRINUSE" }, { HV_EADDRNOTAVAIL, "EADDRNOTAVAIL" },
        { HV_ENOTRECOVERABLE, "ENOTRECOVERABLE" },
    };
    /* clang-format on */

    if (err < 0)
        err = -err;
    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].nr == err)
            return names[i].name;
    return 0;
}

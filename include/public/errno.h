/* SPDX-License-Identifier: MIT */
/*
 * Error numbers returned by hypercalls, as negative values in %rax.
 *
 * The values are Xen's (which are Linux's on x86).  Each hypercall's header
 * says which of these it returns and on which condition; this file is the
 * one list of every value the ABI uses.
 */
#ifndef HV_PUBLIC_ERRNO_H
#define HV_PUBLIC_ERRNO_H

#define HV_EPERM      1  /* Caller is not privileged for this operation.     */
#define HV_ENOENT     2  /* Nothing of that kind exists (e.g. no image).     */
#define HV_ESRCH      3  /* No such domain or CPU.                           */
#define HV_ENXIO      6  /* An entry names frame 0, or a count of 0.         */
#define HV_E2BIG      7  /* A count or length is above a documented cap.     */
#define HV_ENOEXEC    8  /* An image's format is not acceptable.             */
#define HV_ENOMEM     12 /* The hypervisor could not allocate memory.        */
#define HV_EACCES     13 /* Access to a frame or range is not allowed.       */
#define HV_EFAULT     14 /* A guest pointer could not be read or written.    */
#define HV_EBUSY      16 /* The resource is in use; try again later.         */
#define HV_EEXIST     17 /* Something is already there (e.g. a mapping).     */
#define HV_EXDEV      18 /* A reference crosses a boundary it must not.      */
#define HV_EINVAL     22 /* A field holds a value with no meaning.           */
#define HV_ENOSPC     28 /* The target region is too small.                  */
#define HV_ERANGE     34 /* A value would be truncated or is out of range.   */
#define HV_ENOSYS     38 /* Unknown hypercall number.                        */
#define HV_ENODATA    61 /* A required datum is missing.                     */
#define HV_EOVERFLOW  75 /* An address plus a length wraps around.           */
#define HV_EBADMSG    74 /* An entry refers to something it may not.         */
#define HV_EOPNOTSUPP 95 /* Unknown sub-operation of a known hypercall.      */
#define HV_EADDRINUSE 98 /* A destination overlaps memory already in use.    */
#define HV_EADDRNOTAVAIL                                                       \
    99 /* An address is misaligned or outside its range.   */
#define HV_ENOTRECOVERABLE                                                     \
    131 /* The operation is unsafe in the current state.  */

#endif /* HV_PUBLIC_ERRNO_H */

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HV_ERRNO_NAME_H
#define HV_ERRNO_NAME_H

/* "EINVAL" for 22 or -22; NULL for a number the ABI does not use. */
const char *errno_name(long err);

#endif /* HV_ERRNO_NAME_H */

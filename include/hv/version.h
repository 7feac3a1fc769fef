/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HV_VERSION_H
#define HV_VERSION_H

#define HV_NAME           "kexec-hv"
#define HV_VERSION_MAJOR  0
#define HV_VERSION_MINOR  1
#define HV_EXTRAVERSION   ".0"
#define HV_VERSION_STRING "0.1.0"

#endif /* HV_VERSION_H */

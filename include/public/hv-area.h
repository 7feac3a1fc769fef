/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own virtual area: L4 slots 256-271, as Xen's.  No
 * guest mapping lies in it (start-info.h), and no kexec MAP entry may
 * (kexec.h).  Plain constants, usable from C, assembly and the linker
 * script; arch/x86/include/asm/config.h lays its areas out inside it.
 */
#ifndef HV_PUBLIC_HV_AREA_H
#define HV_PUBLIC_HV_AREA_H

#define HYPERVISOR_VIRT_START 0xffff800000000000 /* first byte */
#define HYPERVISOR_VIRT_END   0xffff880000000000 /* first byte after */

#endif /* HV_PUBLIC_HV_AREA_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory bring-up (arch/x86/mm/setup.c) and the crash region
 * (common/crash-region.c).
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/types.h>

/* The region reserved by crashkernel=; size 0 when there is none. */
struct crash_region {
    maddr_t start;
    uint64_t size;
};
extern struct crash_region crash_region;

void mm_init(void);
maddr_t image_virt_to_maddr(const void *va);
/* Map a firmware table (ACPI) read-only into the direct map, on demand. */
void *map_firmware_table(maddr_t pa, uint64_t size);

#endif /* HV_MM_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader handed over (hv/boot-info.h), and the memory map
 * normalisation both boot paths share.  Portable.
 */
#include <hv/boot-info.h>

struct boot_info boot_info;

/*
 * Sort by start (insertion sort: at most BOOT_MAX_MEM_REGIONS entries),
 * drop empty regions, and merge touching regions of the same type.
 * Overlaps between types are left alone; the allocator only ever adds
 * RAM and then removes every non-RAM range, so the stricter type wins.
 */
void memmap_normalise(struct boot_info *bi)
{
    struct mem_region *m = bi->mem;
    unsigned int n = 0;

    for (unsigned int i = 0; i < bi->nr_mem; i++)
        if (m[i].size)
            m[n++] = m[i];

    for (unsigned int i = 1; i < n; i++) {
        struct mem_region r = m[i];
        unsigned int j = i;

        while (j > 0 && maddr_x(m[j - 1].start) > maddr_x(r.start)) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = r;
    }

    bi->nr_mem = 0;
    for (unsigned int i = 0; i < n; i++) {
        struct mem_region *last = bi->nr_mem ? &m[bi->nr_mem - 1] : NULL;

        if (last && last->type == m[i].type &&
            maddr_x(last->start) + last->size == maddr_x(m[i].start))
            last->size += m[i].size;
        else
            m[bi->nr_mem++] = m[i];
    }
}

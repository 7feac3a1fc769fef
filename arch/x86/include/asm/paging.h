/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one on-demand mapper.  map_pages() walks a 4-level tree from its
 * root, allocating intermediate tables as it goes; it serves the
 * hypervisor's own mappings, the dom0 builder and the kexec handoff
 * tables.  It has no hidden state: tables are reached through the
 * pt_ops of the caller, so the same code runs on the host in unit tests.
 */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <hv/arch.h> /* mfn_to_virt(), maddr_to_virt() */
#include <asm/page.h>
#include <hv/types.h>

struct pt_ops {
    /* A zeroed frame for a new table, or INVALID_MFN. */
    mfn_t (*alloc_table)(void *ctx);
    /* Where a table frame can be read and written now. */
    pte_t *(*table_va)(void *ctx, mfn_t mfn);
    void *ctx;
};

/* map_pages() flags beyond the PTE bits: */
#define MAP_SMALL_ONLY (_AC(1, UL) << 9)  /* never use 2 MiB pages */
#define MAP_REPLACE    (_AC(1, UL) << 10) /* overwrite existing leaves */
/*
 * Upper-level entries carry P|RW|A (and U when the leaf flags have U) so
 * that the leaf alone decides the permissions.
 */

/*
 * Map count 4 KiB pages from va to mfn with the given PTE flags (flags
 * with _PAGE_PRESENT clear unmap).  2 MiB pages are used where va, mfn
 * and the remaining count allow, unless MAP_SMALL_ONLY; a 2 MiB page in
 * the way of a smaller mapping is split.  Without MAP_REPLACE an already
 * present leaf with a different target or flags is -EEXIST.
 * Returns 0, -ENOMEM, -EEXIST or -EINVAL (misaligned/non-canonical).
 * A failure part-way leaves the earlier pages mapped.
 */
int map_pages(const struct pt_ops *ops, mfn_t root, vaddr_t va, mfn_t mfn,
              uint64_t count, uint64_t flags);

/*
 * Translate va through the tree: returns the leaf entry, with *level set
 * to 1 (4 KiB) or 2 (2 MiB), or 0 when not mapped.
 */
pte_t lookup_pte(const struct pt_ops *ops, mfn_t root, vaddr_t va, int *level);

/* The hypervisor's own tables (arch/x86/mm/setup.c). */
extern const struct pt_ops hv_pt_ops;
extern mfn_t idle_pg_table_mfn;
int map_hv_pages(vaddr_t va, mfn_t mfn, uint64_t count, uint64_t flags);
void *ioremap(maddr_t pa, uint64_t size);
void flush_tlb_local(void);

/*
 * Copy whole pages 8 bytes at a time (`rep movsq`, as the kexec
 * trampoline relocates): the kexec load's copy.  Under TCG a `rep movsb`
 * (memcpy()) moves one byte per step and is several times slower; on
 * hardware the two are alike.
 */
static inline void copy_pages(void *dst, const void *src, uint64_t pages)
{
    uint64_t words = pages * (PAGE_SIZE / 8);

    /* clang-format off */
    asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) :: "memory");
    /* clang-format on */
}

#endif /* ASM_PAGING_H */

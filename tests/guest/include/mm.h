/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's view of its memory (include/public/start-info.h): the P2M
 * list (gfn -> mfn), the read-only view of its page-table frames, the
 * scratch window and its L1 table.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include "lib.h"
#include <public/start-info.h>

#define _PAGE_PRESENT  (1UL << 0)
#define _PAGE_RW       (1UL << 1)
#define _PAGE_USER     (1UL << 2)
#define _PAGE_PWT      (1UL << 3)
#define _PAGE_PCD      (1UL << 4)
#define _PAGE_ACCESSED (1UL << 5)
#define _PAGE_DIRTY    (1UL << 6)
#define _PAGE_PSE      (1UL << 7)
#define _PAGE_GLOBAL   (1UL << 8)
#define _PAGE_AVL0     (1UL << 9)
#define _PAGE_NX       (1UL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000UL
#define NO_MFN         (~0UL)
#define NO_GFN         (~0UL)

/* Flags for a normal data mapping, with and without _PAGE_USER. */
#define PTE_RW_NOUSER (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RW        (PTE_RW_NOUSER | _PAGE_USER)
#define PTE_RO        (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

#define SCRATCH_PAGES 512 /* the scratch window is 2 MiB */

extern const struct start_info *si;

static inline uint64_t mfn_pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

static inline uint64_t pte_mfn(uint64_t pte)
{
    return (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* P2M list (read-only, kept current by the hypervisor). */
uint64_t gfn_to_mfn(uint64_t gfn); /* P2M_INVALID if none / out of range */
uint64_t mfn_to_gfn(uint64_t mfn); /* NO_GFN if not in the P2M list */

/* Page-table view: the read-only VA of a page-table frame, or NULL. */
const volatile uint64_t *pt_view_of_mfn(uint64_t mfn);
uint64_t l4_mfn(void); /* the frame whose view VA is pt_base */

/*
 * Walks the current tables (through the view) to the L1 entry of va.
 * Returns its view address and sets *maddr to its machine address, or
 * NULL (no table, large page, or a table outside the view).
 */
const volatile uint64_t *l1e_of_va(uint64_t va, uint64_t *maddr);
uint64_t va_to_mfn(uint64_t va); /* NO_MFN if not mapped by an L1 */

/* Scratch window: slot i is scratch_va + i * 4 KiB. */
uint64_t scratch_slot_va(unsigned int slot);
uint64_t scratch_slot_maddr(unsigned int slot); /* of its L1 entry */
uint64_t scratch_slot_pte(unsigned int slot);   /* read through the view */

/*
 * A gfn at or above first_free_gfn with a frame, not handed out before in
 * this run (a bump allocator over the whole run); NO_GFN when exhausted.
 */
uint64_t take_free_gfn(void);

/*
 * memory_op XENMEM_increase/decrease_reservation (cmd) of nr order-0
 * extents at gfns, for DOMID_SELF; and XENMEM_current_reservation.
 */
long reservation(unsigned int cmd, uint64_t *gfns, uint64_t nr);
long current_reservation(void);

/* One MMU_NORMAL_PT_UPDATE request for DOMID_SELF. */
long mmu_update1(uint64_t ptr, uint64_t val);

/*
 * Map/unmap a scratch slot with update_va_mapping(UVMF_INVLPG).  The
 * flags get _PAGE_USER added (needed in pv-page-user=guest mode,
 * harmless when forced).
 */
long scratch_map(unsigned int slot, uint64_t mfn, uint64_t flags);
long scratch_unmap(unsigned int slot);

/*
 * Flush this CPU's TLB (update_va_mapping of the last, never mapped,
 * scratch slot with UVMF_TLB_FLUSH): needed after mmu_update changed or
 * removed an entry the guest has used.
 */
long flush_tlb(void);

#endif

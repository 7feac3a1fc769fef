/* SPDX-License-Identifier: GPL-2.0-only */
/* P2M list, page-table view and scratch window helpers (include/mm.h). */
#include "guest.h"

static const volatile uint64_t *p2m(void)
{
    return (const volatile uint64_t *)si->p2m_list;
}

uint64_t gfn_to_mfn(uint64_t gfn)
{
    return gfn < si->p2m_size ? p2m()[gfn] : P2M_INVALID;
}

uint64_t mfn_to_gfn(uint64_t mfn)
{
    for (uint64_t gfn = 0; gfn < si->p2m_size; gfn++)
        if (p2m()[gfn] == mfn)
            return gfn;
    return NO_GFN;
}

const volatile uint64_t *pt_view_of_mfn(uint64_t mfn)
{
    const uint64_t *mfns = (const uint64_t *)si->pt_view_mfns;

    for (uint64_t i = 0; i < si->nr_pt_frames; i++)
        if (mfns[i] == mfn)
            return (const volatile uint64_t *)(si->pt_view + i * PAGE_SIZE);
    return NULL;
}

uint64_t l4_mfn(void)
{
    const uint64_t *mfns = (const uint64_t *)si->pt_view_mfns;
    uint64_t i = (si->pt_base - si->pt_view) / PAGE_SIZE;

    if (si->pt_base < si->pt_view || i >= si->nr_pt_frames ||
        (si->pt_base & (PAGE_SIZE - 1)))
        return NO_MFN;
    return mfns[i];
}

const volatile uint64_t *l1e_of_va(uint64_t va, uint64_t *maddr)
{
    const volatile uint64_t *table = (const volatile uint64_t *)si->pt_base;
    uint64_t mfn = l4_mfn();

    for (int level = 4; level > 1; level--) {
        unsigned int idx = (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
        uint64_t e = table[idx];

        if (!(e & _PAGE_PRESENT) || (level < 4 && (e & _PAGE_PSE)))
            return NULL;
        mfn = pte_mfn(e);
        table = pt_view_of_mfn(mfn);
        if (!table)
            return NULL;
    }
    if (maddr)
        *maddr = (mfn << PAGE_SHIFT) + 8 * ((va >> PAGE_SHIFT) & 511);
    return &table[(va >> PAGE_SHIFT) & 511];
}

uint64_t va_to_mfn(uint64_t va)
{
    const volatile uint64_t *l1e = l1e_of_va(va, NULL);

    if (!l1e || !(*l1e & _PAGE_PRESENT))
        return NO_MFN;
    return pte_mfn(*l1e);
}

uint64_t scratch_slot_va(unsigned int slot)
{
    return si->scratch_va + (uint64_t)slot * PAGE_SIZE;
}

static unsigned int scratch_index(unsigned int slot)
{
    return ((si->scratch_va >> PAGE_SHIFT) + slot) & 511;
}

uint64_t scratch_slot_maddr(unsigned int slot)
{
    return (si->scratch_l1_mfn << PAGE_SHIFT) + 8 * scratch_index(slot);
}

uint64_t scratch_slot_pte(unsigned int slot)
{
    const volatile uint64_t *l1 = pt_view_of_mfn(si->scratch_l1_mfn);

    return l1 ? l1[scratch_index(slot)] : ~0UL;
}

uint64_t take_free_gfn(void)
{
    static uint64_t next;

    if (next < si->first_free_gfn)
        next = si->first_free_gfn;
    for (; next < si->p2m_size; next++) {
        uint64_t mfn = gfn_to_mfn(next);

        if (mfn != P2M_INVALID)
            return next++;
    }
    return NO_GFN;
}

long reservation(unsigned int cmd, uint64_t *gfns, uint64_t nr)
{
    struct xen_memory_reservation r = {
        .extent_start = PTR(gfns),
        .nr_extents = nr,
        .domid = DOMID_SELF,
    };

    return hc_memory_op(cmd, PTR(&r));
}

long current_reservation(void)
{
    static const domid_t self = DOMID_SELF;

    return hc_memory_op(XENMEM_current_reservation, PTR(&self));
}

long mmu_update1(uint64_t ptr, uint64_t val)
{
    struct mmu_update req = { .ptr = ptr, .val = val };

    return hc_mmu_update(PTR(&req), 1, 0, DOMID_SELF);
}

long scratch_map(unsigned int slot, uint64_t mfn, uint64_t flags)
{
    return hc_update_va_mapping(scratch_slot_va(slot),
                                mfn_pte(mfn, flags | _PAGE_USER), UVMF_INVLPG);
}

long scratch_unmap(unsigned int slot)
{
    return hc_update_va_mapping(scratch_slot_va(slot), 0, UVMF_INVLPG);
}

long flush_tlb(void)
{
    return hc_update_va_mapping(scratch_slot_va(SCRATCH_PAGES - 1), 0,
                                UVMF_TLB_FLUSH);
}

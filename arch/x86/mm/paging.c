/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The on-demand mapper (see asm/paging.h).  Portable C over pt_ops: it
 * touches no hardware, so the host unit tests run it over plain memory.
 * TLB flushing is the caller's business.
 */
#include <asm/paging.h>
#include <hv/errno.h>
#include <hv/page-alloc.h>

#define LEAF_FLAGS_MASK (~PTE_ADDR_MASK & ~(MAP_SMALL_ONLY | MAP_REPLACE))
/* Bits of a 2 MiB leaf that move to its 4 KiB leaves when it is split. */
#define PSE_PAT (1UL << 12)

static uint64_t table_flags(uint64_t leaf_flags)
{
    /* Upper levels never restrict: the leaf decides. */
    return _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
           (leaf_flags & _PAGE_USER);
}

static pte_t *table_of(const struct pt_ops *ops, pte_t e)
{
    return ops->table_va(ops->ctx, pte_mfn(e));
}

/* Replace a 2 MiB leaf with a table of 512 equivalent 4 KiB leaves. */
static int split_superpage(const struct pt_ops *ops, pte_t *l2e)
{
    mfn_t t = ops->alloc_table(ops->ctx);
    pte_t *l1;
    uint64_t base = *l2e & PTE_ADDR_MASK & ~(SUPERPAGE_SIZE - 1);
    uint64_t flags = *l2e & ~PTE_ADDR_MASK & ~_PAGE_PSE;

    if (mfn_is_invalid(t))
        return -ENOMEM;
    l1 = ops->table_va(ops->ctx, t);
    flags &= ~PSE_PAT;
    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        l1[i] = (base + ((uint64_t)i << PAGE_SHIFT)) | flags;
    *l2e = mfn_pte(t, table_flags(flags) | (flags & _PAGE_USER));
    return 0;
}

/*
 * The table below entry e (at a level above the leaf), allocating it
 * when absent.  Upper entries gain _PAGE_USER when a user leaf needs it.
 */
static pte_t *next_table(const struct pt_ops *ops, pte_t *e, uint64_t flags)
{
    if (!(*e & _PAGE_PRESENT)) {
        mfn_t t = ops->alloc_table(ops->ctx);

        if (mfn_is_invalid(t))
            return NULL;
        *e = mfn_pte(t, table_flags(flags));
    } else if ((flags & _PAGE_USER) && !(*e & _PAGE_USER)) {
        *e |= _PAGE_USER;
    }
    return table_of(ops, *e);
}

static int set_leaf(pte_t *e, pte_t val, uint64_t flags)
{
    if ((*e & _PAGE_PRESENT) && *e != val && !(flags & MAP_REPLACE) &&
        (val & _PAGE_PRESENT))
        return -EEXIST;
    *e = val;
    return 0;
}

int map_pages(const struct pt_ops *ops, mfn_t root, vaddr_t va_start,
              mfn_t mfn_start, uint64_t count, uint64_t flags)
{
    /* The walk steps through numbers; the types are the interface. */
    uint64_t va = vaddr_x(va_start), mfn = mfn_x(mfn_start);
    bool present = flags & _PAGE_PRESENT;
    uint64_t leaf_flags = flags & LEAF_FLAGS_MASK;

    if (!IS_ALIGNED(va, PAGE_SIZE) || !is_canonical(va) ||
        (count && !is_canonical(va + (count - 1) * PAGE_SIZE)) ||
        (present && (mfn >> (PADDR_BITS - PAGE_SHIFT))))
        return -EINVAL;

    while (count) {
        pte_t *l4 = ops->table_va(ops->ctx, root), *l3, *l2, *l1;
        pte_t *l2e;
        uint64_t ma = mfn << PAGE_SHIFT;
        int rc;

        /* Unmapping where no table exists: nothing to do for this page. */
        if (!present &&
            (!(l4[pt_index(va, L4_SHIFT)] & _PAGE_PRESENT) ||
             !(table_of(ops,
                        l4[pt_index(va, L4_SHIFT)])[pt_index(va, L3_SHIFT)] &
               _PAGE_PRESENT))) {
            va += PAGE_SIZE;
            mfn++;
            count--;
            continue;
        }
        l3 = next_table(ops, &l4[pt_index(va, L4_SHIFT)], flags);
        if (!l3)
            return -ENOMEM;
        l2 = next_table(ops, &l3[pt_index(va, L3_SHIFT)], flags);
        if (!l2)
            return -ENOMEM;
        l2e = &l2[pt_index(va, L2_SHIFT)];
        if (!present && !(*l2e & _PAGE_PRESENT)) {
            va += PAGE_SIZE;
            mfn++;
            count--;
            continue;
        }

        if (!(flags & MAP_SMALL_ONLY) && count >= PT_ENTRIES &&
            IS_ALIGNED(va, SUPERPAGE_SIZE) && IS_ALIGNED(ma, SUPERPAGE_SIZE) &&
            (!(*l2e & _PAGE_PRESENT) || (*l2e & _PAGE_PSE) ||
             (flags & MAP_REPLACE))) {
            /* A whole 2 MiB page; a table replaced here is leaked on
             * purpose: it may still be referenced by a TLB walk. */
            rc = set_leaf(l2e, present ? (ma | leaf_flags | _PAGE_PSE) : 0,
                          flags);
            if (rc)
                return rc;
            va += SUPERPAGE_SIZE;
            mfn += PT_ENTRIES;
            count -= PT_ENTRIES;
            continue;
        }

        if ((*l2e & (_PAGE_PRESENT | _PAGE_PSE)) ==
            (_PAGE_PRESENT | _PAGE_PSE)) {
            pte_t want = present ? (ma | leaf_flags) : 0;
            uint64_t cur = (*l2e & PTE_ADDR_MASK) + (va & (SUPERPAGE_SIZE - 1));
            uint64_t curf = *l2e & ~PTE_ADDR_MASK & ~_PAGE_PSE & ~PSE_PAT;

            /* Same translation already there: nothing to split. */
            if (present && want == (cur | curf)) {
                va += PAGE_SIZE;
                mfn++;
                count--;
                continue;
            }
            if (!(flags & MAP_REPLACE) && present)
                return -EEXIST;
            rc = split_superpage(ops, l2e);
            if (rc)
                return rc;
        }
        l1 = next_table(ops, l2e, flags);
        if (!l1)
            return -ENOMEM;
        rc = set_leaf(&l1[pt_index(va, L1_SHIFT)],
                      present ? (ma | leaf_flags) : 0, flags);
        if (rc)
            return rc;
        va += PAGE_SIZE;
        mfn++;
        count--;
    }
    return 0;
}

pte_t lookup_pte(const struct pt_ops *ops, mfn_t root, vaddr_t va_t, int *level)
{
    uint64_t va = vaddr_x(va_t);

    pte_t e = ops->table_va(ops->ctx, root)[pt_index(va, L4_SHIFT)];

    *level = 0;
    if (!(e & _PAGE_PRESENT))
        return 0;
    e = table_of(ops, e)[pt_index(va, L3_SHIFT)];
    if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
        return 0; /* 1 GiB pages are never created by map_pages */
    e = table_of(ops, e)[pt_index(va, L2_SHIFT)];
    if (!(e & _PAGE_PRESENT))
        return 0;
    if (e & _PAGE_PSE) {
        *level = 2;
        return e;
    }
    e = table_of(ops, e)[pt_index(va, L1_SHIFT)];
    if (!(e & _PAGE_PRESENT))
        return 0;
    *level = 1;
    return e;
}

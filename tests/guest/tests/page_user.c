/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page_user (seed 002): tell whether the hypervisor forces _PAGE_USER on
 * the L1 entries the guest installs, the way the xen-devel thread settled
 * it: write an entry without the bit and read back whether it was turned
 * on.  Then use the answer to map memory that ring 3 can actually use.
 *
 * Rules guarded (xen.h, mmu_update and XENFEAT_page_user_forced):
 *   - by default the hypervisor sets _PAGE_USER on every L1 entry a guest
 *     installs and XENFEAT_page_user_forced is set; with the hypervisor
 *     option pv-page-user=guest it leaves the entry as written and the
 *     feature bit is clear.  The detected mode must match the feature bit;
 *   - apart from _PAGE_USER, an accepted entry reads back exactly as
 *     written (through the read-only page-table view);
 *   - 4 free frames mapped with update_va_mapping (UVMF_INVLPG) and
 *     mmu_update hold what is written to them, each its own;
 *   - unmapping (val 0) is accepted and the entries read back 0.
 *
 * Expected guest lines: "page_user: hypervisor forces _PAGE_USER"
 * (default) or "page_user: guest must set _PAGE_USER" (pv-page-user=guest),
 * no FAIL line, "Test result: SUCCESS".  No hypervisor refusal lines.
 */
#include "guest.h"

#define NR_PAGES 4

DEFINE_TEST(page_user, "detect forced _PAGE_USER, then map and use 4 pages")
{
    const volatile uint64_t *l1 = pt_view_of_mfn(si->scratch_l1_mfn);
    struct xen_feature_info fi = { .submap_idx = 0 };
    uint64_t gfn[NR_PAGES], mfn[NR_PAGES];
    uint64_t user, pte, done;
    bool forced, feature;
    long rc;

    if (!check_true(l1 != NULL,
                    "scratch L1 (mfn %#lx) is in the page-table "
                    "view",
                    si->scratch_l1_mfn))
        return;
    info("scratch L1 view at %p, scratch_va %#lx", (const void *)l1,
         si->scratch_va);
    for (int i = 0; i < NR_PAGES; i++) {
        gfn[i] = take_free_gfn();
        if (gfn[i] == NO_GFN) {
            error("no free gfn left (first_free_gfn %lu, p2m_size %lu)",
                  si->first_free_gfn, si->p2m_size);
            return;
        }
        mfn[i] = gfn_to_mfn(gfn[i]);
    }
    check_eq(scratch_slot_pte(0), 0, "scratch slot 0 starts empty");

    /* The probe: an entry without _PAGE_USER. */
    rc = mmu_update1(scratch_slot_maddr(0) | MMU_NORMAL_PT_UPDATE,
                     mfn_pte(mfn[0], PTE_RW_NOUSER));
    if (!check_eq(rc, 0,
                  "mmu_update of gfn %#lx (mfn %#lx) without "
                  "_PAGE_USER",
                  gfn[0], mfn[0]))
        return;
    pte = scratch_slot_pte(0);
    info("entry written %#lx, read back %#lx", mfn_pte(mfn[0], PTE_RW_NOUSER),
         pte);
    check_eq(pte & ~_PAGE_USER, mfn_pte(mfn[0], PTE_RW_NOUSER),
             "the entry reads back as written, _PAGE_USER aside");
    forced = pte & _PAGE_USER;

    rc = hc_xen_version(XENVER_get_features, PTR(&fi));
    check_true(rc >= 0, "xen_version get_features: %ld", rc);
    feature = fi.submap & XENFEAT_page_user_forced;
    info(forced ? "hypervisor forces _PAGE_USER" : "guest must set _PAGE_USER");
    check_eq(forced, feature,
             "detected mode (%s) agrees with "
             "XENFEAT_page_user_forced (%s)",
             forced ? "forced" : "guest", feature ? "set" : "clear");

    /* From here on, every entry gets _PAGE_USER when the guest must set it. */
    user = forced ? 0 : _PAGE_USER;
    if (!forced) {
        rc = hc_update_va_mapping(scratch_slot_va(0),
                                  mfn_pte(mfn[0], PTE_RW_NOUSER | user),
                                  UVMF_INVLPG);
        check_eq(rc, 0, "update_va_mapping rewrites slot 0 with _PAGE_USER");
    }
    check_eq(scratch_slot_pte(0), mfn_pte(mfn[0], PTE_RW),
             "slot 0 maps mfn %#lx with _PAGE_USER", mfn[0]);

    /* Three more: two with update_va_mapping, one with mmu_update. */
    for (int i = 1; i <= 2; i++) {
        rc = hc_update_va_mapping(scratch_slot_va(i),
                                  mfn_pte(mfn[i], PTE_RW_NOUSER | user),
                                  UVMF_INVLPG);
        check_eq(rc, 0, "update_va_mapping slot %d -> gfn %#lx mfn %#lx", i,
                 gfn[i], mfn[i]);
    }
    {
        struct mmu_update req = {
            .ptr = scratch_slot_maddr(3) | MMU_NORMAL_PT_UPDATE,
            .val = mfn_pte(mfn[3], PTE_RW_NOUSER | user),
        };

        done = 0;
        rc = hc_mmu_update(PTR(&req), 1, PTR(&done), DOMID_SELF);
        check_eq(rc, 0, "mmu_update slot 3 -> gfn %#lx mfn %#lx", gfn[3],
                 mfn[3]);
        check_eq(done, 1, "mmu_update success_count");
    }
    for (int i = 1; i < NR_PAGES; i++)
        check_eq(scratch_slot_pte(i), mfn_pte(mfn[i], PTE_RW),
                 "slot %d reads back with _PAGE_USER", i);

    /* Write all four, then read all four: each frame holds its own data. */
    for (int i = 0; i < NR_PAGES; i++) {
        volatile uint64_t *p = (volatile uint64_t *)scratch_slot_va(i);

        for (unsigned int w = 0; w < PAGE_SIZE / 8; w++)
            p[w] = (mfn[i] << 20) ^ (w * 0x9e3779b97f4a7c15UL) ^ i;
    }
    for (int i = 0; i < NR_PAGES; i++) {
        volatile uint64_t *p = (volatile uint64_t *)scratch_slot_va(i);
        unsigned int bad = 0;

        for (unsigned int w = 0; w < PAGE_SIZE / 8; w++)
            bad += p[w] != ((mfn[i] << 20) ^ (w * 0x9e3779b97f4a7c15UL) ^ i);
        check_eq(bad, 0, "pattern reads back from slot %d (mfn %#lx)", i,
                 mfn[i]);
    }

    /* Unmap: slots 0-2 with update_va_mapping, slot 3 with mmu_update. */
    for (int i = 0; i < 3; i++)
        check_eq(scratch_unmap(i), 0, "update_va_mapping unmaps slot %d", i);
    check_eq(mmu_update1(scratch_slot_maddr(3) | MMU_NORMAL_PT_UPDATE, 0), 0,
             "mmu_update unmaps slot 3");
    check_eq(flush_tlb(), 0, "update_va_mapping UVMF_TLB_FLUSH");
    for (int i = 0; i < NR_PAGES; i++)
        check_eq(scratch_slot_pte(i), 0, "slot %d reads back 0", i);
}

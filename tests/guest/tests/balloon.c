/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon: memory_op decrease_reservation / increase_reservation.
 *
 * Rules guarded (xen.h, XENMEM_*_reservation):
 *   - decreasing a free gfn returns 1, current_reservation drops by 1 and
 *     the P2M entry becomes P2M_INVALID;
 *   - a frame must belong to the caller: a gfn already given back, a gfn
 *     >= p2m_size -> -EACCES;
 *   - a page-table frame (the scratch L1, the L4), a boot page (start_info)
 *     or a boot module page (the first module after dom0's own image, when
 *     the run has one) -> -EPERM; frames that have no gfn (the hypervisor
 *     may keep page tables and start_info out of the P2M list) are noted
 *     and skipped;
 *   - a frame mapped anywhere in the caller's tables -> -EBUSY (mapped in
 *     the scratch window, read-write or read-only); after the unmap the
 *     same gfn goes.  A page of the guest's own image: -EBUSY or -EPERM
 *     (xen.h does not say whether the image counts as a boot page);
 *   - a refused call changes neither the reservation nor the P2M list;
 *   - nr_extents 0 returns 0; a bad extent_start or argument -> -EFAULT;
 *   - increasing by 1 returns 1 and writes a gfn whose P2M entry is a new
 *     valid frame, usable once mapped; current_reservation goes up by 1.
 *
 * Expected guest lines: PASS only, "Test result: SUCCESS".  Expected
 * hypervisor lines: "(HV) d0 memory_op: ... (-EACCES)", "... (-EPERM)",
 * "... (-EBUSY)", "... (-EFAULT)".
 */
#include "guest.h"

static domid_t self = DOMID_SELF;

/* decrease_reservation of one gfn that must be refused with want. */
static void refuse(uint64_t gfn, long want, const char *what)
{
    uint64_t g = gfn, mfn = gfn_to_mfn(gfn);
    long before = current_reservation();

    check_eq(reservation(XENMEM_decrease_reservation, &g, 1), want,
             "decrease_reservation of %s (gfn %#lx)", what, gfn);
    check_eq(current_reservation(), before,
             "... current_reservation unchanged");
    check_eq(gfn_to_mfn(gfn), mfn, "... P2M entry unchanged");
}

DEFINE_TEST(balloon, "decrease/increase_reservation and their refusals")
{
    long cur0 = current_reservation(), cur;
    uint64_t a = take_free_gfn(), b = take_free_gfn();
    uint64_t mfn_b = gfn_to_mfn(b), g, mfn, gfn;
    struct xen_memory_reservation r;

    check_eq(cur0, si->nr_pages, "current_reservation == nr_pages at start");
    if (b == NO_GFN) {
        error("no free gfns");
        return;
    }

    /* a free gfn goes */
    g = a;
    info("giving back gfn %#lx (mfn %#lx)", a, gfn_to_mfn(a));
    check_eq(reservation(XENMEM_decrease_reservation, &g, 1), 1,
             "decrease_reservation of free gfn %#lx", a);
    check_eq(current_reservation(), cur0 - 1,
             "current_reservation dropped by 1");
    check_eq(gfn_to_mfn(a), P2M_INVALID,
             "P2M entry of gfn %#lx is "
             "P2M_INVALID",
             a);

    /* frames that are not ours */
    refuse(a, -HV_EACCES, "a gfn already given back");
    refuse(si->p2m_size, -HV_EACCES, "gfn p2m_size");
    refuse(~0UL, -HV_EACCES, "gfn ~0");

    /* page tables and boot pages */
    gfn = mfn_to_gfn(si->scratch_l1_mfn);
    if (gfn != NO_GFN)
        refuse(gfn, -HV_EPERM, "the scratch L1 page table");
    else
        info("the scratch L1 (mfn %#lx) has no gfn: not tested",
             si->scratch_l1_mfn);
    gfn = mfn_to_gfn(l4_mfn());
    if (gfn != NO_GFN)
        refuse(gfn, -HV_EPERM, "the L4 page table");
    if (si->nr_modules) {
        refuse(si->modules[0].first_gfn, -HV_EPERM, "a boot module page");
        refuse(si->modules[0].first_gfn +
                   ((si->modules[0].size - 1) >> PAGE_SHIFT),
               -HV_EPERM, "the last page of a boot module");
    } else {
        info("no boot module besides dom0: boot-module pages not tested");
    }
    mfn = va_to_mfn(PTR(si));
    gfn = mfn == NO_MFN ? NO_GFN : mfn_to_gfn(mfn);
    if (gfn != NO_GFN)
        refuse(gfn, -HV_EPERM, "the start_info page");
    else
        info("start_info (mfn %#lx) has no gfn: not tested", mfn);

    /* mapped frames */
    mfn = va_to_mfn(PTR(&self));
    gfn = mfn == NO_MFN ? NO_GFN : mfn_to_gfn(mfn);
    if (check_true(gfn != NO_GFN && gfn < si->first_free_gfn,
                   "the image page of a global variable has gfn %#lx "
                   "(< first_free_gfn)",
                   gfn)) {
        /* mapped (-EBUSY); a boot page too, if the image counts (-EPERM) */
        uint64_t g2 = gfn;
        long before = current_reservation(), rc;

        rc = reservation(XENMEM_decrease_reservation, &g2, 1);
        check_true(rc == -HV_EBUSY || rc == -HV_EPERM,
                   "decrease_reservation of a page of the guest image (gfn "
                   "%#lx) gives -EBUSY or -EPERM: %ld %s",
                   gfn, rc, errno_name(rc) ? errno_name(rc) : "");
        check_eq(current_reservation(), before,
                 "... current_reservation unchanged");
        check_eq(gfn_to_mfn(gfn), mfn, "... P2M entry unchanged");
    }
    if (check_eq(scratch_map(0, mfn_b, PTE_RW), 0,
                 "map gfn %#lx into the scratch window", b)) {
        refuse(b, -HV_EBUSY, "a gfn mapped in the scratch window");
        check_eq(hc_update_va_mapping(scratch_slot_va(0),
                                      mfn_pte(mfn_b, PTE_RO), UVMF_INVLPG),
                 0, "remap it read-only");
        refuse(b, -HV_EBUSY, "a gfn mapped read-only");
        check_eq(scratch_unmap(0), 0, "unmap it");
    }
    g = b;
    check_eq(reservation(XENMEM_decrease_reservation, &g, 1), 1,
             "decrease_reservation of gfn %#lx once unmapped", b);
    check_eq(gfn_to_mfn(b), P2M_INVALID, "... its P2M entry is P2M_INVALID");
    check_eq(current_reservation(), cur0 - 2,
             "current_reservation dropped by 2 in all");

    /* empty and bad arguments */
    check_eq(reservation(XENMEM_decrease_reservation, &g, 0), 0,
             "decrease_reservation of 0 extents");
    for (unsigned int i = 0; i < nr_bad_guest_ptrs; i++) {
        check_eq(reservation(XENMEM_decrease_reservation,
                             (uint64_t *)bad_guest_ptrs[i], 1),
                 -HV_EFAULT, "decrease_reservation with extent_start %#lx",
                 bad_guest_ptrs[i]);
        check_eq(hc_memory_op(XENMEM_decrease_reservation, bad_guest_ptrs[i]),
                 -HV_EFAULT, "decrease_reservation with its argument at %#lx",
                 bad_guest_ptrs[i]);
        check_eq(hc_memory_op(XENMEM_increase_reservation, bad_guest_ptrs[i]),
                 -HV_EFAULT, "increase_reservation with its argument at %#lx",
                 bad_guest_ptrs[i]);
    }
    check_eq(current_reservation(), cur0 - 2,
             "current_reservation unchanged by those");

    /* increase by one */
    g = ~0UL;
    check_eq(reservation(XENMEM_increase_reservation, &g, 1), 1,
             "increase_reservation of 1");
    info("new gfn %#lx, mfn %#lx", g, gfn_to_mfn(g));
    if (check_true(g < si->p2m_size, "the new gfn %#lx < p2m_size %lu", g,
                   si->p2m_size) &&
        check_true(gfn_to_mfn(g) != P2M_INVALID, "its P2M entry is valid")) {
        mfn = gfn_to_mfn(g);
        check_eq(scratch_map(1, mfn, PTE_RW), 0, "map the new frame");
        *(volatile uint64_t *)scratch_slot_va(1) = 0xba11005e;
        check_eq(*(volatile uint64_t *)scratch_slot_va(1), 0xba11005e,
                 "the new frame is usable");
        check_eq(scratch_unmap(1), 0, "unmap it");
    }
    cur = current_reservation();
    check_eq(cur, cur0 - 1, "current_reservation went up by 1");
    check_true(hc_memory_op(XENMEM_maximum_reservation, PTR(&self)) >= cur,
               "maximum_reservation >= current_reservation");

    /* extent_order must be 0: not documented with an errno, refused */
    r = (struct xen_memory_reservation){ .extent_start = PTR(&g),
                                         .nr_extents = 1,
                                         .extent_order = 1,
                                         .domid = DOMID_SELF };
    g = ~0UL;
    check_true(hc_memory_op(XENMEM_increase_reservation, PTR(&r)) <= 0,
               "increase_reservation with extent_order 1 does nothing");
    check_eq(current_reservation(), cur, "... current_reservation unchanged");
}

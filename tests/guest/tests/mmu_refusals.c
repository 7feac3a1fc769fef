/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmu_refusals: every rule of mmu_update / update_va_mapping that refuses
 * an entry (include/public/xen.h), and that a refusal changes nothing.
 *
 * Rules guarded:
 *   - a frame the caller does not own cannot be mapped: -EACCES (mfn 0,
 *     mfn 0x200 = 2 MiB where the hypervisor image sits under Multiboot,
 *     a frame above RAM);
 *   - a crash-region frame cannot be mapped: -EACCES, with its own
 *     hypervisor line.  The ABI does not publish the region yet: the
 *     integration test boots with crashkernel=32M@256M and passes
 *     crash_mfn=0x10000 on the guest command line (skipped without it);
 *   - a page-table frame of the caller (its L4, the scratch L1) may be
 *     mapped read-only (0, and it reads the same as the view), never
 *     writable: -EPERM;
 *   - start_info, the hypercall page and the P2M list, mapped read-only,
 *     cannot be mapped again writable (refused; xen.h names no errno);
 *   - ptr must address an entry of one of the caller's L1 tables: a data
 *     frame, the L4, a frame not owned -> -EINVAL;
 *   - flags outside P, RW, U, PWT, PCD, A, D, NX: -EINVAL (PSE, G, AVL bit
 *     9, bit 52); all the allowed flags together are accepted;
 *   - update_va_mapping of a hypervisor VA, of a VA with no L1 table or a
 *     non-canonical VA: -EINVAL;
 *   - domid must be DOMID_SELF and MMU_NORMAL_PT_UPDATE is the only
 *     command: xen.h names no errno, so only "refused (< 0)" is checked;
 *   - batches stop at the first refused request, return its errno, report
 *     the requests applied in success_count, and those stay applied;
 *   - after every refusal the target entry still reads 0.
 *
 * Expected guest lines: PASS only, "Test result: SUCCESS".  Expected
 * hypervisor lines: "(HV) d0 mmu_update: ... (-EACCES)", "... (-EPERM)",
 * "... (-EINVAL)", one about the crash region, and
 * "(HV) d0 update_va_mapping: ... (-EINVAL)".
 */
#include "guest.h"

#define SLOT 8 /* the scratch slot the refused entries aim at */

static uint64_t slot_ptr(unsigned int slot)
{
    return scratch_slot_maddr(slot) | MMU_NORMAL_PT_UPDATE;
}

/* mmu_update of one entry into SLOT, expecting want; SLOT stays empty. */
static void refuse(uint64_t val, long want, const char *what)
{
    long rc = mmu_update1(slot_ptr(SLOT), val);

    check_eq(rc, want, "mmu_update %s (val %#lx)", what, val);
    check_eq(scratch_slot_pte(SLOT), 0, "... and the entry is still empty");
    if (rc == 0)
        scratch_unmap(SLOT);
}

static bool mfn_is_ours(uint64_t mfn)
{
    return mfn_to_gfn(mfn) != NO_GFN;
}

static void test_not_owned(void)
{
    static const struct {
        uint64_t mfn;
        const char *what;
    } frames[] = {
        { 0, "mfn 0 (never owned)" },
        { 0x200, "mfn 0x200 (hypervisor image under Multiboot)" },
        { 0x100000, "mfn 0x100000 (4 GiB: above RAM)" },
        { 0xffffffffUL, "mfn 0xffffffff (far above RAM)" },
    };
    uint64_t crash;

    for (unsigned int i = 0; i < ARRAY_SIZE(frames); i++) {
        if (mfn_is_ours(frames[i].mfn)) {
            info("%s is in our P2M list here: not tested", frames[i].what);
            continue;
        }
        refuse(mfn_pte(frames[i].mfn, PTE_RW), -HV_EACCES, frames[i].what);
        refuse(mfn_pte(frames[i].mfn, PTE_RO), -HV_EACCES, frames[i].what);
    }
    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT), mfn_pte(0x200, PTE_RW),
                                  UVMF_INVLPG),
             mfn_is_ours(0x200) ? 0 : -HV_EACCES,
             "update_va_mapping of mfn 0x200");
    scratch_unmap(SLOT);

    if (!cmdline_u64("crash_mfn", &crash)) {
        info("no crash_mfn= on the command line: crash region not tested");
        return;
    }
    check_true(!mfn_is_ours(crash),
               "crash region mfn %#lx is not in our "
               "P2M list",
               crash);
    refuse(mfn_pte(crash, PTE_RW), -HV_EACCES,
           "of the crash region's "
           "first frame");
    refuse(mfn_pte(crash, PTE_RO), -HV_EACCES,
           "of the crash region's "
           "first frame read-only");
    refuse(mfn_pte(crash + 1, PTE_RO), -HV_EACCES,
           "of the crash region's "
           "second frame read-only");
    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT), mfn_pte(crash, PTE_RO),
                                  UVMF_INVLPG),
             -HV_EACCES, "update_va_mapping of the crash region");
}

static void test_page_tables(void)
{
    uint64_t l4 = l4_mfn(), l1 = si->scratch_l1_mfn;
    const volatile uint64_t *view = (const volatile uint64_t *)si->pt_base;
    const volatile uint64_t *mapped = (const volatile uint64_t *)
        scratch_slot_va(SLOT);
    unsigned int diff = 0;

    if (!check_true(l4 != NO_MFN, "the L4 (view VA %#lx) has an mfn: %#lx",
                    si->pt_base, l4))
        return;
    refuse(mfn_pte(l4, PTE_RW), -HV_EPERM, "of our L4 writable");
    refuse(mfn_pte(l1, PTE_RW), -HV_EPERM, "of the scratch L1 writable");
    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT), mfn_pte(l4, PTE_RW),
                                  UVMF_INVLPG),
             -HV_EPERM, "update_va_mapping of our L4 writable");
    check_eq(scratch_slot_pte(SLOT), 0, "... and the entry is still empty");
    for (uint64_t i = 0; i < si->nr_pt_frames; i++) {
        uint64_t mfn = ((const uint64_t *)si->pt_view_mfns)[i];

        if (mmu_update1(slot_ptr(SLOT), mfn_pte(mfn, PTE_RW)) != -HV_EPERM) {
            fail("page-table frame %lu (mfn %#lx) can be mapped writable", i,
                 mfn);
            scratch_unmap(SLOT);
        }
    }
    pass("none of the %lu page-table frames can be mapped writable",
         si->nr_pt_frames);

    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT), mfn_pte(l4, PTE_RO),
                                  UVMF_INVLPG),
             0, "update_va_mapping of our L4 read-only");
    check_eq(scratch_slot_pte(SLOT), mfn_pte(l4, PTE_RO),
             "... reads back read-only");
    for (unsigned int i = 0; i < 512; i++)
        diff += mapped[i] != view[i];
    check_eq(diff, 0, "the L4 mapped read-only reads the same as the view");
    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT), mfn_pte(l4, PTE_RW),
                                  UVMF_INVLPG),
             -HV_EPERM, "update_va_mapping upgrading it to writable");
    check_eq(scratch_slot_pte(SLOT), mfn_pte(l4, PTE_RO),
             "... leaves it read-only");
    check_eq(scratch_unmap(SLOT), 0, "unmapping it");
    check_eq(scratch_slot_pte(SLOT), 0, "... reads back 0");
}

/*
 * start_info, the hypercall page and the P2M list are mapped read-only
 * (start-info.h); no second, writable mapping of them may be made.  xen.h
 * names no errno for that (it depends on who owns them), so only "refused"
 * is checked.  The P2M list matters most: the hypervisor trusts it.
 */
static void test_readonly_boot_frames(void)
{
    const struct {
        uint64_t va;
        const char *what;
    } ro[] = {
        { PTR(si), "start_info" },
        { si->hypercall_page, "the hypercall page" },
        { si->p2m_list, "the P2M list (first page)" },
        { si->p2m_list + ((si->p2m_size * 8 - 1) & ~(PAGE_SIZE - 1)),
          "the P2M list (last page)" },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++) {
        uint64_t mfn = va_to_mfn(ro[i].va);
        long rc;

        if (!check_true(mfn != NO_MFN, "%s (%#lx) is mapped: mfn %#lx",
                        ro[i].what, ro[i].va, mfn))
            continue;
        rc = mmu_update1(slot_ptr(SLOT), mfn_pte(mfn, PTE_RW));
        check_true(rc < 0, "mmu_update mapping %s writable is refused: %ld %s",
                   ro[i].what, rc, errno_name(rc) ? errno_name(rc) : "");
        check_eq(scratch_slot_pte(SLOT), 0, "... the entry is still empty");
        if (rc >= 0)
            scratch_unmap(SLOT);
    }
}

static void test_bad_ptr(uint64_t data_mfn)
{
    uint64_t l4 = l4_mfn();
    uint64_t val = mfn_pte(data_mfn, PTE_RW);

    check_eq(mmu_update1((data_mfn << PAGE_SHIFT) | MMU_NORMAL_PT_UPDATE, val),
             -HV_EINVAL, "mmu_update with ptr in a data frame (mfn %#lx)",
             data_mfn);
    check_eq(mmu_update1((l4 << PAGE_SHIFT) + 8 * 300, val), -HV_EINVAL,
             "mmu_update with ptr in our L4 (mfn %#lx, entry 300)", l4);
    check_eq(mmu_update1((l4 << PAGE_SHIFT), 0), -HV_EINVAL,
             "mmu_update of 0 with ptr in our L4 (entry 0)");
    check_eq(mmu_update1(0, val), -HV_EINVAL,
             "mmu_update with ptr 0 (mfn 0, not ours)");
    check_eq(mmu_update1(0x200UL << PAGE_SHIFT, 0), -HV_EINVAL,
             "mmu_update with ptr in mfn 0x200 (not ours)");
    check_eq(mmu_update1(~0UL & ~7UL, 0), -HV_EINVAL,
             "mmu_update with ptr 0xffff...f8");

    /* Rules without a documented errno: only "refused" is checked. */
    check_true(mmu_update1(scratch_slot_maddr(SLOT) | 1, val) < 0,
               "mmu_update with command 1 is refused");
    check_true(mmu_update1(scratch_slot_maddr(SLOT) | 3, val) < 0,
               "mmu_update with command 3 is refused");
    check_true(mmu_update1(scratch_slot_maddr(SLOT) + 4, val) < 0,
               "mmu_update with a misaligned ptr (+4) is refused");
    {
        static const uint64_t domids[] = { 0, 1, 0x7ff1, 0xffff };
        struct mmu_update req = { slot_ptr(SLOT), val };

        for (unsigned int i = 0; i < ARRAY_SIZE(domids); i++) {
            long rc = hc_mmu_update(PTR(&req), 1, 0, domids[i]);

            check_true(rc < 0,
                       "mmu_update with domid %#lx (not DOMID_SELF) "
                       "is refused: %ld",
                       domids[i], rc);
            if (rc >= 0)
                scratch_unmap(SLOT);
        }
    }
    check_eq(scratch_slot_pte(SLOT), 0, "... the entry is still empty");
}

static void test_bad_flags(uint64_t mfn)
{
    static const struct {
        uint64_t bit;
        const char *name;
    } bits[] = {
        { _PAGE_PSE, "PSE/PAT (bit 7)" }, { _PAGE_GLOBAL, "G (bit 8)" },
        { _PAGE_AVL0, "AVL (bit 9)" },    { 1UL << 11, "AVL (bit 11)" },
        { 1UL << 52, "bit 52" },          { 1UL << 62, "bit 62" },
    };
    uint64_t all = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT |
                   _PAGE_PCD | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX;

    for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
        char what[64];

        snprintf(what, sizeof(what), "with flag %s", bits[i].name);
        refuse(mfn_pte(mfn, PTE_RW | bits[i].bit), -HV_EINVAL, what);
    }
    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT),
                                  mfn_pte(mfn, PTE_RW | _PAGE_PSE),
                                  UVMF_INVLPG),
             -HV_EINVAL, "update_va_mapping with PSE");

    /* NX alone (bit 63: an entry that is negative as a signed value) */
    check_eq(mmu_update1(slot_ptr(SLOT), mfn_pte(mfn, PTE_RW | _PAGE_NX)), 0,
             "mmu_update with NX");
    check_eq(scratch_slot_pte(SLOT), mfn_pte(mfn, PTE_RW | _PAGE_NX),
             "... reads back with NX");
    check_eq(hc_update_va_mapping(scratch_slot_va(SLOT),
                                  mfn_pte(mfn, PTE_RO | _PAGE_NX), UVMF_INVLPG),
             0, "update_va_mapping with NX");
    check_eq(scratch_slot_pte(SLOT), mfn_pte(mfn, PTE_RO | _PAGE_NX),
             "... reads back with NX");
    check_eq(scratch_unmap(SLOT), 0, "... unmapped");

    check_eq(mmu_update1(slot_ptr(SLOT), mfn_pte(mfn, all)), 0,
             "mmu_update with P RW U PWT PCD A D NX");
    check_eq(scratch_slot_pte(SLOT), mfn_pte(mfn, all),
             "... reads back exactly");
    check_eq(scratch_unmap(SLOT), 0, "... unmapped");
    /* a not-present entry is always accepted, whatever it holds */
    check_eq(mmu_update1(slot_ptr(SLOT), 0), 0,
             "mmu_update writing 0 to an empty entry");
}

static void test_bad_va(void)
{
    static const struct {
        uint64_t va;
        const char *what;
    } vas[] = {
        { 0xffff82d040000000UL, "the hypervisor image" },
        { 0xffff830000000000UL, "the hypervisor direct map" },
        { 0xffff800000000000UL, "the start of the hypervisor area" },
        { 0xffff87fffffff000UL, "the end of the hypervisor area" },
        { 0x0000100000000000UL, "an address with no L1 table" },
        { 0x8000000000000000UL, "a non-canonical address" },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(vas); i++) {
        check_eq(hc_update_va_mapping(vas[i].va, 0, UVMF_INVLPG), -HV_EINVAL,
                 "update_va_mapping of 0 at %#lx (%s)", vas[i].va, vas[i].what);
    }
    check_eq(hc_update_va_mapping(0xffff82d040000000UL,
                                  mfn_pte(gfn_to_mfn(si->first_free_gfn),
                                          PTE_RW),
                                  UVMF_INVLPG),
             -HV_EINVAL,
             "update_va_mapping of one of our frames at "
             "0xffff82d040000000");
}

static void test_batch(uint64_t mfn_a, uint64_t mfn_b)
{
    struct mmu_update req[3] = {
        { slot_ptr(SLOT + 1), mfn_pte(mfn_a, PTE_RW) },
        { slot_ptr(SLOT + 2), mfn_pte(0, PTE_RW) }, /* refused */
        { slot_ptr(SLOT + 3), mfn_pte(mfn_b, PTE_RW) },
    };
    uint64_t done = 77;
    long rc = hc_mmu_update(PTR(req), 3, PTR(&done), DOMID_SELF);

    check_eq(rc, -HV_EACCES,
             "batch of 3 with the 2nd refused returns its "
             "errno");
    check_eq(done, 1, "... success_count 1");
    check_eq(scratch_slot_pte(SLOT + 1), mfn_pte(mfn_a, PTE_RW),
             "... the 1st request stays applied");
    check_eq(scratch_slot_pte(SLOT + 2), 0, "... the 2nd is not applied");
    check_eq(scratch_slot_pte(SLOT + 3), 0, "... the 3rd is not applied");

    /* a batch refused at its first request applies nothing */
    req[0].val = mfn_pte(0x200, PTE_RW);
    req[1].val = mfn_pte(mfn_b, PTE_RW);
    done = 77;
    rc = hc_mmu_update(PTR(req), 2, PTR(&done), DOMID_SELF);
    check_eq(rc, mfn_is_ours(0x200) ? 0 : -HV_EACCES,
             "batch refused at its 1st request");
    check_eq(done, 0, "... success_count 0");
    check_eq(scratch_slot_pte(SLOT + 1), mfn_pte(mfn_a, PTE_RW),
             "... the earlier mapping is untouched");
    check_eq(scratch_slot_pte(SLOT + 2), 0, "... the 2nd is not applied");

    /* a refused request in the middle of a batch, then a good batch */
    req[0] = (struct mmu_update){ slot_ptr(SLOT + 1), 0 };
    req[1] = (struct mmu_update){ slot_ptr(SLOT + 2), 0 };
    req[2] = (struct mmu_update){ slot_ptr(SLOT + 3), 0 };
    done = 77;
    check_eq(hc_mmu_update(PTR(req), 3, PTR(&done), DOMID_SELF), 0,
             "batch of 3 unmaps");
    check_eq(done, 3, "... success_count 3");
    check_eq(flush_tlb(), 0, "TLB flush");
    for (unsigned int s = SLOT + 1; s <= SLOT + 3; s++)
        check_eq(scratch_slot_pte(s), 0, "slot %u reads back 0", s);

    /* a bad success_count pointer: unspecified result, must not hurt */
    req[0] = (struct mmu_update){ slot_ptr(SLOT + 1), 0 };
    rc = hc_mmu_update(PTR(req), 1, 0x1000, DOMID_SELF);
    info("mmu_update with success_count at 0x1000 returned %ld", rc);
}

DEFINE_TEST(mmu_refusals, "every mmu_update/update_va_mapping refusal")
{
    uint64_t gfn_a = take_free_gfn(), gfn_b = take_free_gfn();
    uint64_t mfn_a = gfn_to_mfn(gfn_a), mfn_b = gfn_to_mfn(gfn_b);

    if (gfn_b == NO_GFN) {
        error("no free gfns");
        return;
    }
    if (!check_true(pt_view_of_mfn(si->scratch_l1_mfn) != NULL,
                    "scratch L1 is in the page-table view"))
        return;
    check_eq(scratch_slot_pte(SLOT), 0, "scratch slot %u starts empty", SLOT);

    test_not_owned();
    test_page_tables();
    test_readonly_boot_frames();
    test_bad_ptr(mfn_a);
    test_bad_flags(mfn_a);
    test_bad_va();
    test_batch(mfn_a, mfn_b);
    check_true(hc_xen_version(XENVER_version, 0) > 0,
               "the hypervisor still answers after all the refusals");
}

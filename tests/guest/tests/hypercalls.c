/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hypercalls: the good and the bad paths of every hypercall of
 * include/public/xen.h, one after the other in the same run (a refused
 * call must leave the guest running and the hypervisor healthy).
 *
 * Rules guarded (xen.h):
 *   - an unknown hypercall number gives -ENOSYS (every number below
 *     NR_HYPERCALLS that xen.h does not define); an unknown sub-operation
 *     of a known call gives -EOPNOTSUPP;
 *   - a pointer argument that faults gives -EFAULT: unmapped (0x1000, an
 *     unmapped scratch page, a buffer running off a mapped page), the
 *     hypervisor's image (0xffff82d040000000), non-canonical
 *     (0x8000000000000000); and a write to a page the guest may only read
 *     (start_info, the hypercall page, the page-table view) is a fault
 *     too, and leaves that page unchanged;
 *   - console_io: write returns 0, count > CONSOLEIO_MAX gives -E2BIG;
 *     read (privileged) returns 0..count;
 *   - xen_version: version > 0, extraversion a NUL-terminated string of
 *     at most XEN_EXTRAVERSION_LEN bytes, get_features (submap 0 only);
 *   - sched_op: yield 0, shutdown with an unknown reason -EINVAL;
 *   - memory_op: current_reservation == start_info.nr_pages, maximum >=
 *     current, machine_memory_map fills at most nr_entries entries, one
 *     of them RAM;
 *   - mmu_update: count 0 is 0, success_count reports what was applied;
 *     update_va_mapping maps and unmaps a scratch page.
 * Needs a privileged dom0 (the default).
 *
 * Expected guest lines: "PASS: hypercalls: ..." only, then
 * "Test result: SUCCESS".  Expected hypervisor lines: one per refused
 * call, "(HV) d0 <call>: <reason> (-<ERRNO>)", with -EFAULT, -E2BIG,
 * -EOPNOTSUPP, -ENOSYS and -EINVAL among them.
 */
#include "guest.h"

static char big_buf[CONSOLEIO_MAX + 1];

/* Bad pointers: the fixed ones plus an unmapped page of the scratch window. */
static unsigned int bad_ptrs(uint64_t *out)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < nr_bad_guest_ptrs; i++)
        out[n++] = bad_guest_ptrs[i];
    out[n++] = scratch_slot_va(SCRATCH_PAGES - 1);
    return n;
}

static void test_unknown_numbers(void)
{
    static const unsigned int known[] = {
        __HYPERVISOR_mmu_update,        __HYPERVISOR_memory_op,
        __HYPERVISOR_update_va_mapping, __HYPERVISOR_xen_version,
        __HYPERVISOR_console_io,        __HYPERVISOR_sched_op,
        __HYPERVISOR_kexec_op,          __HYPERVISOR_debug_op,
    };
    unsigned int bad = 0, tried = 0;

    for (unsigned int nr = 0; nr < NR_HYPERCALLS; nr++) {
        bool is_known = false;
        long rc;

        for (unsigned int k = 0; k < ARRAY_SIZE(known); k++)
            is_known |= known[k] == nr;
        if (is_known)
            continue;
        rc = hypercall0(nr);
        tried++;
        if (nr == 0 || nr == 50 || nr == NR_HYPERCALLS - 1)
            check_eq(rc, -HV_ENOSYS, "unknown hypercall %u", nr);
        else if (rc != -HV_ENOSYS) {
            check_eq(rc, -HV_ENOSYS, "unknown hypercall %u", nr);
            bad++;
        }
    }
    check_eq(bad, 0,
             "all %u unknown hypercall numbers below %u give "
             "-ENOSYS",
             tried, NR_HYPERCALLS);
    info("hypercall numbers >= NR_HYPERCALLS (%u) cannot be called through "
         "the page: not tested",
         NR_HYPERCALLS);
}

static void test_console_io(void)
{
    static const char msg[] = "hypercalls: console_io write of a line\n";
    uint64_t bad[8];
    unsigned int nbad = bad_ptrs(bad);
    char rbuf[16];
    long rc;

    check_eq(hc_console_io(CONSOLEIO_write, sizeof(msg) - 1, PTR(msg)), 0,
             "console_io write");
    check_eq(hc_console_io(CONSOLEIO_write, 0, PTR(msg)), 0,
             "console_io write of 0 bytes");
    for (unsigned int i = 0; i < nbad; i++)
        check_eq(hc_console_io(CONSOLEIO_write, 8, bad[i]), -HV_EFAULT,
                 "console_io write from %#lx", bad[i]);

    memset(big_buf, '.', sizeof(big_buf));
    check_eq(hc_console_io(CONSOLEIO_write, CONSOLEIO_MAX + 1, PTR(big_buf)),
             -HV_E2BIG, "console_io write of CONSOLEIO_MAX + 1 bytes");
    check_eq(hc_console_io(CONSOLEIO_write, ~0UL, PTR(big_buf)), -HV_E2BIG,
             "console_io write of ~0 bytes");
    check_eq(hc_console_io(7, 1, PTR(msg)), -HV_EOPNOTSUPP,
             "console_io unknown cmd 7");
    check_eq(hc_console_io(~0UL, 1, PTR(msg)), -HV_EOPNOTSUPP,
             "console_io unknown cmd ~0");

    if (si->flags & SIF_PRIVILEGED) {
        rc = hc_console_io(CONSOLEIO_read, sizeof(rbuf), PTR(rbuf));
        check_true(rc >= 0 && rc <= (long)sizeof(rbuf),
                   "console_io read (privileged) returns 0..%zu: %ld",
                   sizeof(rbuf), rc);
    }
}

/* A buffer that starts on a mapped page and runs into an unmapped one. */
static void test_straddling_buffer(void)
{
    uint64_t gfn = take_free_gfn(), mfn = gfn_to_mfn(gfn);
    char *page = (char *)scratch_slot_va(0);
    static const char tail[] = "straddle";
    long rc;

    if (gfn == NO_GFN) {
        error("no free gfn for the straddling-buffer check");
        return;
    }
    rc = scratch_map(0, mfn, PTE_RW);
    if (!check_eq(rc, 0,
                  "update_va_mapping of free gfn %#lx (mfn %#lx) "
                  "at scratch slot 0",
                  gfn, mfn))
        return;
    /* scratch slot 1 is not mapped */
    memcpy(page + PAGE_SIZE - 4, tail, 4);
    check_eq(hc_console_io(CONSOLEIO_write, 8, PTR(page + PAGE_SIZE - 4)),
             -HV_EFAULT, "console_io write of 8 bytes, the last 4 unmapped");
    check_eq(hc_xen_version(XENVER_extraversion, PTR(page + PAGE_SIZE - 4)),
             -HV_EFAULT,
             "xen_version extraversion into a buffer running "
             "off a mapped page");
    check_eq(scratch_unmap(0), 0, "update_va_mapping unmap of scratch slot 0");
    check_eq(scratch_slot_pte(0), 0, "scratch slot 0 entry reads back 0");
}

static void test_xen_version(void)
{
    uint64_t bad[8];
    unsigned int nbad = bad_ptrs(bad);
    char extra[XEN_EXTRAVERSION_LEN + 8];
    struct xen_feature_info fi;
    long v, rc;
    size_t len;

    v = hc_xen_version(XENVER_version, 0);
    check_true(v > 0, "xen_version version %ld.%ld (%#lx) > 0", v >> 16,
               v & 0xffff, v);

    memset(extra, 0x7f, sizeof(extra));
    rc = hc_xen_version(XENVER_extraversion, PTR(extra));
    check_true(rc >= 0, "xen_version extraversion returns >= 0: %ld", rc);
    len = strnlen(extra, XEN_EXTRAVERSION_LEN);
    check_true(len > 0 && len < XEN_EXTRAVERSION_LEN,
               "extraversion '%.*s' is non-empty and NUL-terminated "
               "within %d bytes",
               (int)len, extra, XEN_EXTRAVERSION_LEN);
    check_true(extra[XEN_EXTRAVERSION_LEN] == 0x7f,
               "extraversion wrote nothing past XEN_EXTRAVERSION_LEN");
    for (unsigned int i = 0; i < nbad; i++)
        check_eq(hc_xen_version(XENVER_extraversion, bad[i]), -HV_EFAULT,
                 "xen_version extraversion to %#lx", bad[i]);

    /* Read-only pages: the hypervisor must not write them for the guest. */
    {
        const struct {
            const char *what;
            uint64_t va;
        } ro[] = {
            { "start_info (read-only)", PTR(si) },
            { "the hypercall page (read-only)", si->hypercall_page },
            { "the L4 in the page-table view", si->pt_base },
            { "the P2M list (read-only)", si->p2m_list },
        };

        for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++) {
            uint8_t before[XEN_EXTRAVERSION_LEN];

            memcpy(before, (const void *)ro[i].va, sizeof(before));
            check_eq(hc_xen_version(XENVER_extraversion, ro[i].va), -HV_EFAULT,
                     "xen_version extraversion to %s", ro[i].what);
            check_true(!memcmp(before, (const void *)ro[i].va, sizeof(before)),
                       "%s unchanged", ro[i].what);
        }
    }

    fi.submap_idx = 0;
    fi.submap = 0xdeadbeef;
    rc = hc_xen_version(XENVER_get_features, PTR(&fi));
    check_true(rc >= 0, "xen_version get_features returns >= 0: %ld", rc);
    check_true(!(fi.submap & ~(XENFEAT_page_user_forced | XENFEAT_kexec)),
               "get_features submap 0 = %#x: only defined bits", fi.submap);
    info("features:%s%s",
         (fi.submap & XENFEAT_page_user_forced) ? " page_user_forced" : "",
         (fi.submap & XENFEAT_kexec) ? " kexec" : "");
    fi.submap_idx = 1;
    fi.submap = 0xdeadbeef;
    rc = hc_xen_version(XENVER_get_features, PTR(&fi));
    check_true(rc >= 0, "xen_version get_features submap 1 returns >= 0: %ld",
               rc);
    check_eq(fi.submap, 0, "get_features submap 1 has no bits");
    for (unsigned int i = 0; i < nbad; i++)
        check_eq(hc_xen_version(XENVER_get_features, bad[i]), -HV_EFAULT,
                 "xen_version get_features with %#lx", bad[i]);

    check_eq(hc_xen_version(99, PTR(extra)), -HV_EOPNOTSUPP,
             "xen_version unknown cmd 99");
}

static void test_sched_op(void)
{
    uint64_t bad[8];
    unsigned int nbad = bad_ptrs(bad);
    struct sched_shutdown s;

    check_eq(hc_sched_op(SCHEDOP_yield, 0), 0, "sched_op yield");
    for (int i = 0; i < 20; i++)
        if (hc_sched_op(SCHEDOP_yield, 0)) {
            fail("sched_op yield #%d failed", i);
            break;
        }
    for (unsigned int i = 0; i < nbad; i++)
        check_eq(hc_sched_op(SCHEDOP_shutdown, bad[i]), -HV_EFAULT,
                 "sched_op shutdown with %#lx", bad[i]);
    s.reason = 99;
    check_eq(hc_sched_op(SCHEDOP_shutdown, PTR(&s)), -HV_EINVAL,
             "sched_op shutdown reason 99");
    s.reason = 2; /* SHUTDOWN_suspend in Xen, not in this ABI */
    check_eq(hc_sched_op(SCHEDOP_shutdown, PTR(&s)), -HV_EINVAL,
             "sched_op shutdown reason 2");
    check_eq(hc_sched_op(77, 0), -HV_EOPNOTSUPP, "sched_op unknown cmd 77");
    check_eq(hc_sched_op(1, 0), -HV_EOPNOTSUPP,
             "sched_op unknown cmd 1 (Xen's block)");
}

static void test_memory_op(void)
{
    uint64_t bad[8];
    unsigned int nbad = bad_ptrs(bad);
    domid_t self = DOMID_SELF;
    static struct e820_entry map[64];
    struct xen_memory_map mm;
    long cur, max, rc;
    unsigned int ram = 0;

    cur = hc_memory_op(XENMEM_current_reservation, PTR(&self));
    check_eq(cur, si->nr_pages,
             "memory_op current_reservation == "
             "start_info.nr_pages");
    max = hc_memory_op(XENMEM_maximum_reservation, PTR(&self));
    check_true(max >= cur, "memory_op maximum_reservation %ld >= current %ld",
               max, cur);
    for (unsigned int i = 0; i < nbad; i++) {
        check_eq(hc_memory_op(XENMEM_current_reservation, bad[i]), -HV_EFAULT,
                 "memory_op current_reservation with %#lx", bad[i]);
        check_eq(hc_memory_op(XENMEM_maximum_reservation, bad[i]), -HV_EFAULT,
                 "memory_op maximum_reservation with %#lx", bad[i]);
    }

    if (si->flags & SIF_PRIVILEGED) {
        memset(map, 0xa5, sizeof(map));
        mm = (struct xen_memory_map){ .nr_entries = ARRAY_SIZE(map),
                                      .buffer = PTR(map) };
        rc = hc_memory_op(XENMEM_machine_memory_map, PTR(&mm));
        check_true(rc >= 0, "memory_op machine_memory_map returns >= 0: %ld",
                   rc);
        check_true(mm.nr_entries > 0 && mm.nr_entries <= ARRAY_SIZE(map),
                   "machine_memory_map: %u entries (1..%zu)", mm.nr_entries,
                   ARRAY_SIZE(map));
        for (unsigned int i = 0; i < mm.nr_entries && i < ARRAY_SIZE(map);
             i++) {
            info("e820 %2u: %016lx - %016lx type %u", i, map[i].addr,
                 map[i].addr + map[i].size, map[i].type);
            ram += map[i].type == 1;
        }
        check_true(ram > 0, "machine_memory_map has %u RAM entries (> 0)", ram);

        /* capacity 1: at most one entry written, the next one untouched */
        memset(map, 0xa5, sizeof(map));
        mm = (struct xen_memory_map){ .nr_entries = 1, .buffer = PTR(map) };
        rc = hc_memory_op(XENMEM_machine_memory_map, PTR(&mm));
        check_true(rc >= 0 && mm.nr_entries <= 1,
                   "machine_memory_map with capacity 1: rc %ld, %u entries", rc,
                   mm.nr_entries);
        check_eq(map[1].addr, 0xa5a5a5a5a5a5a5a5UL,
                 "machine_memory_map with capacity 1 leaves entry 1 alone");

        for (unsigned int i = 0; i < nbad; i++) {
            check_eq(hc_memory_op(XENMEM_machine_memory_map, bad[i]),
                     -HV_EFAULT, "memory_op machine_memory_map with %#lx",
                     bad[i]);
            mm = (struct xen_memory_map){ .nr_entries = 4, .buffer = bad[i] };
            check_eq(hc_memory_op(XENMEM_machine_memory_map, PTR(&mm)),
                     -HV_EFAULT, "machine_memory_map into buffer %#lx", bad[i]);
        }
    } else {
        error("dom0 is not privileged: machine_memory_map not tested");
    }

    check_eq(hc_memory_op(99, PTR(&self)), -HV_EOPNOTSUPP,
             "memory_op unknown cmd 99");
    check_eq(hc_memory_op(2, PTR(&self)), -HV_EOPNOTSUPP,
             "memory_op unknown cmd 2 (Xen's populate_physmap)");
}

static void test_mmu_update(void)
{
    uint64_t bad[8];
    unsigned int nbad = bad_ptrs(bad);
    uint64_t gfn = take_free_gfn(), mfn = gfn_to_mfn(gfn);
    struct mmu_update req[2];
    uint64_t done;
    long rc;

    check_eq(hc_mmu_update(0, 0, 0, DOMID_SELF), 0, "mmu_update with count 0");
    done = 77;
    check_eq(hc_mmu_update(0, 0, PTR(&done), DOMID_SELF), 0,
             "mmu_update with count 0 and success_count");
    check_eq(done, 0, "success_count of an empty batch");
    for (unsigned int i = 0; i < nbad; i++)
        check_eq(hc_mmu_update(bad[i], 1, 0, DOMID_SELF), -HV_EFAULT,
                 "mmu_update with requests at %#lx", bad[i]);

    if (gfn == NO_GFN) {
        error("no free gfn for the mmu_update good path");
        return;
    }
    /* two requests, both applied */
    req[0] = (struct mmu_update){ scratch_slot_maddr(2) | MMU_NORMAL_PT_UPDATE,
                                  mfn_pte(mfn, PTE_RW) };
    req[1] = (struct mmu_update){ scratch_slot_maddr(3) | MMU_NORMAL_PT_UPDATE,
                                  mfn_pte(mfn, PTE_RO) };
    done = 77;
    rc = hc_mmu_update(PTR(req), 2, PTR(&done), DOMID_SELF);
    check_eq(rc, 0, "mmu_update of 2 scratch entries (mfn %#lx RW and RO)",
             mfn);
    check_eq(done, 2, "success_count of 2 applied requests");
    check_eq(scratch_slot_pte(2), mfn_pte(mfn, PTE_RW),
             "scratch slot 2 reads back through the view");
    check_eq(scratch_slot_pte(3), mfn_pte(mfn, PTE_RO),
             "scratch slot 3 reads back through the view");

    /* the alias works: write through slot 2, read through slot 3 */
    *(volatile uint64_t *)scratch_slot_va(2) = 0x1234567890abcdefUL;
    check_eq(*(volatile uint64_t *)scratch_slot_va(3), 0x1234567890abcdefUL,
             "a write through slot 2 is seen through slot 3");

    req[0].val = 0;
    req[1].val = 0;
    check_eq(hc_mmu_update(PTR(req), 2, PTR(&done), DOMID_SELF), 0,
             "mmu_update unmapping both");
    check_eq(flush_tlb(), 0, "TLB flush (update_va_mapping UVMF_TLB_FLUSH)");
    check_eq(scratch_slot_pte(2) | scratch_slot_pte(3), 0,
             "both entries read back 0");

    /* update_va_mapping */
    check_eq(hc_update_va_mapping(scratch_slot_va(4), mfn_pte(mfn, PTE_RW),
                                  UVMF_INVLPG),
             0, "update_va_mapping map (UVMF_INVLPG)");
    check_eq(*(volatile uint64_t *)scratch_slot_va(4), 0x1234567890abcdefUL,
             "the frame reads back through the new mapping");
    check_eq(hc_update_va_mapping(scratch_slot_va(4), mfn_pte(mfn, PTE_RO),
                                  UVMF_TLB_FLUSH),
             0, "update_va_mapping remap read-only (UVMF_TLB_FLUSH)");
    check_eq(hc_update_va_mapping(scratch_slot_va(4), 0, UVMF_INVLPG), 0,
             "update_va_mapping unmap");
    check_eq(scratch_slot_pte(4), 0, "unmapped entry reads back 0");
    check_eq(hc_update_va_mapping(scratch_slot_va(4), 0, UVMF_NONE), 0,
             "update_va_mapping unmap of an empty entry (UVMF_NONE)");
}

DEFINE_TEST(hypercalls, "good and bad paths of every hypercall")
{
    if (!check_true(si->flags & SIF_PRIVILEGED,
                    "start_info.flags %#x has SIF_PRIVILEGED", si->flags))
        return;
    test_unknown_numbers();
    test_console_io();
    test_xen_version();
    test_sched_op();
    test_memory_op();
    test_mmu_update();
    test_straddling_buffer();
    check_eq(hc_xen_version(XENVER_version, 0) > 0, 1,
             "the hypervisor still answers after all the refusals");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unpriv: dom0 booted unprivileged (hypervisor option dom0-unprivileged).
 *
 * Rules guarded (xen.h): calls marked [privileged] give -EPERM to a domain
 * whose start_info.flags lack SIF_PRIVILEGED, and only those:
 *   - start_info.flags has no SIF_PRIVILEGED;
 *   - memory_op machine_memory_map -> -EPERM (the buffer untouched);
 *   - console_io read -> -EPERM (the buffer untouched);
 *   - kexec_op (37), cmd 6 (Xen's status) with a zeroed argument -> -EPERM,
 *     and get_features does not offer XENFEAT_kexec;
 *   - console_io write, xen_version, sched_op yield, memory_op
 *     current_reservation and an update_va_mapping of the scratch window
 *     still work.
 *
 * Expected guest lines: PASS only, "Test result: SUCCESS".  Expected
 * hypervisor lines: "(HV) d0 memory_op: ... (-EPERM)",
 * "(HV) d0 console_io: ... (-EPERM)", "(HV) d0 kexec_op: ... (-EPERM)".
 */
#include "guest.h"

DEFINE_TEST(unpriv, "an unprivileged dom0 gets -EPERM for privileged calls")
{
    static const char msg[] = "unpriv: console_io write still works\n";
    static struct e820_entry map[8];
    struct xen_memory_map mm = { .nr_entries = 8, .buffer = PTR(map) };
    struct xen_feature_info fi = { .submap_idx = 0 };
    uint8_t zero[256], rbuf[16];
    domid_t self = DOMID_SELF;
    uint64_t gfn, mfn;
    long rc;

    check_eq(si->flags & SIF_PRIVILEGED, 0,
             "start_info.flags %#x lacks SIF_PRIVILEGED", si->flags);

    memset(map, 0xa5, sizeof(map));
    check_eq(hc_memory_op(XENMEM_machine_memory_map, PTR(&mm)), -HV_EPERM,
             "memory_op machine_memory_map");
    check_eq(map[0].addr, 0xa5a5a5a5a5a5a5a5UL, "... the buffer untouched");

    memset(rbuf, 0xa5, sizeof(rbuf));
    check_eq(hc_console_io(CONSOLEIO_read, sizeof(rbuf), PTR(rbuf)), -HV_EPERM,
             "console_io read");
    check_eq(rbuf[0], 0xa5, "... the buffer untouched");

    memset(zero, 0, sizeof(zero));
    check_eq(hc_kexec_op(6, PTR(zero)), -HV_EPERM, "kexec_op cmd 6 (status)");
    check_eq(hc_kexec_op(0, PTR(zero)), -HV_EPERM, "kexec_op cmd 0 (exec)");

    rc = hc_xen_version(XENVER_get_features, PTR(&fi));
    check_true(rc >= 0, "xen_version get_features: %ld", rc);
    check_eq(fi.submap & XENFEAT_kexec, 0, "XENFEAT_kexec is not offered");

    /* what stays available */
    check_eq(hc_console_io(CONSOLEIO_write, sizeof(msg) - 1, PTR(msg)), 0,
             "console_io write");
    check_true(hc_xen_version(XENVER_version, 0) > 0, "xen_version version");
    check_eq(hc_sched_op(SCHEDOP_yield, 0), 0, "sched_op yield");
    check_eq(hc_memory_op(XENMEM_current_reservation, PTR(&self)), si->nr_pages,
             "memory_op current_reservation");
    gfn = take_free_gfn();
    mfn = gfn_to_mfn(gfn);
    if (gfn == NO_GFN) {
        error("no free gfn");
        return;
    }
    check_eq(scratch_map(0, mfn, PTE_RW), 0,
             "update_va_mapping of a free frame");
    *(volatile uint64_t *)scratch_slot_va(0) = 0x600df00d;
    check_eq(*(volatile uint64_t *)scratch_slot_va(0), 0x600df00d,
             "... and it is usable");
    check_eq(scratch_unmap(0), 0, "update_va_mapping unmap");
}

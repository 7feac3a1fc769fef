/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debug_gate: crash injection is a test hook, not a guest's right.
 *
 * Rules guarded (include/public/xen.h, debug_op):
 *   - without the hypervisor option debug-inject, DEBUGOP_inject gives
 *     -EOPNOTSUPP for every crash kind (panic first, then the ones that
 *     take other CPUs or NMIs: df, nmi, hang, console, regionwrite), for
 *     an unknown kind and for an unreadable name: the gate is checked
 *     before any input is taken;
 *   - DEBUGOP_fail_alloc (arm an allocation failure) gives -EOPNOTSUPP;
 *   - DEBUGOP_free_frames still answers (a read-only count) and is the
 *     same before and after the refusals: nothing was taken;
 *   - the machine is alive afterwards: xen_version and sched_op yield
 *     work, and the test ends with its verdict and a poweroff.
 * With debug-inject on, the first call (panic) does not return: the
 * hypervisor panics (QEMU status 9) and this test prints no verdict.
 *
 * Expected guest lines: "debug_gate: injecting 'panic'", PASS only,
 * "Test result: SUCCESS" (option off).  Expected hypervisor lines:
 * "(HV) d0 debug_op: crash injection needs the boot option debug-inject
 * (-EOPNOTSUPP)", one per refused call (option off); "(HV) Injecting
 * 'panic'" and a panic (option on).
 */
#include "guest.h"

static long debug_op(uint64_t cmd, uint64_t arg)
{
    return hypercall2(__HYPERVISOR_debug_op, cmd, arg);
}

DEFINE_TEST(debug_gate, "debug_op crash injection needs debug-inject")
{
    static const char *const kinds[] = {
        "panic", "df", "nmi", "hang", "console", "regionwrite", "no_such",
    };
    long before, rc;

    before = debug_op(DEBUGOP_free_frames, 0);
    if (!check_true(before > 0,
                    "debug_op free_frames answers without "
                    "debug-inject (%ld)",
                    before))
        return;

    for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
        info("injecting '%s'", kinds[i]);
        rc = debug_op(DEBUGOP_inject, PTR(kinds[i]));
        check_eq(rc, -HV_EOPNOTSUPP, "debug_op inject '%s' refused", kinds[i]);
    }
    for (unsigned int i = 0; i < nr_bad_guest_ptrs; i++)
        check_eq(debug_op(DEBUGOP_inject, bad_guest_ptrs[i]), -HV_EOPNOTSUPP,
                 "debug_op inject with name %#lx refused before reading it",
                 bad_guest_ptrs[i]);

    check_eq(debug_op(DEBUGOP_fail_alloc, 1), -HV_EOPNOTSUPP,
             "debug_op fail_alloc refused");
    check_eq(debug_op(DEBUGOP_free_frames, 0), before,
             "... hypervisor free frames unchanged");
    check_true(hc_xen_version(XENVER_version, 0) > 0,
               "xen_version still answers");
    check_eq(hc_sched_op(SCHEDOP_yield, 0), 0, "sched_op yield still works");
}

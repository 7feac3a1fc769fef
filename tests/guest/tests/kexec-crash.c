/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-crash, kexec-reload, kexec-unsafe: CRASH images and what runs
 * when dom0 crashes.  Every test here ends by crashing dom0 (the
 * command-line word via=shutdown, the default: sched_op shutdown
 * SHUTDOWN_crash; via=fault: ud2 in the guest; via=exec: KEXEC_CMD_kexec
 * of the crash image, which panics), so none prints a verdict
 * unless something went wrong first.  The hypervisor must be booted with
 * crashkernel= (the integration tests use crashkernel=64M@256M).
 *
 *   kexec-crash   check64 (modules[0]) loaded as the crash image at the
 *                 crash region + 1 MiB, with a MAP and a zero range inside
 *                 the region; then the crash: the image must run
 *                 ("check64: verdict PASS", QEMU status 65).
 *
 *   kexec-reload  crash image A (image id 1) at region + 1 MiB, then
 *                 crash image B (image id 2; modules[1] if the run has it,
 *                 else modules[0] again) at region + 1 MiB + 16 KiB, so
 *                 that B's pages land on A's, shifted, and B's zero range
 *                 is A's first page.  With the hypervisor option
 *                 kexec_test_reload_panic=N the reload panics after N of
 *                 B's pages are in the region: the crash path must run B,
 *                 whole (relocated from its staged copy): "check64: image
 *                 id 2" and a passing verdict.  Without the option the
 *                 reload returns, and the crash runs B in place.
 *
 *   kexec-crash-refused-reload
 *                 as kexec-exec-refused-reload (kexec-exec.c) with crash
 *                 images: A, a refused load, B; the crash must run B.
 *
 *   kexec-unsafe  a crash image and a default image loaded, then one free
 *                 gfn ballooned out: status gains KEXEC_STATUS_UNSAFE; load
 *                 (either type) and exec (either type) give
 *                 -ENOTRECOVERABLE and change nothing; unload still works
 *                 (exec of a type with nothing loaded gives -ENOENT: that
 *                 check comes first in common/kexec.c); then the crash:
 *                 the crash path is best effort and does not look at the
 *                 safety state, so the crash image loaded before the
 *                 ballooning runs and passes.
 */
#include "kexec-guest.h"

DEFINE_KX_TEST(kexec_crash, "kexec-crash",
               "load check64 as the crash image, crash dom0: it runs")
{
    uint64_t start, size;
    struct kx_opts o;

    if (!kx_crash_region(&start, &size))
        return;
    o = kx_crash_opts(0, start, size, KX_CRASH_OFFSET, 1);
    kx_check_status(KEXEC_TYPE_CRASH, 0, "before the load");
    if (kx_load_image(&o, "check64 as the crash image"))
        return;
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "after the load");
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "after loading a crash image");
    kx_crash_dom0();
}

DEFINE_KX_TEST(kexec_reload, "kexec-reload",
               "reload the crash image (A id 1 -> B id 2), crash: B runs")
{
    uint64_t start, size;
    unsigned int mod_b = si->nr_modules > 1 ? 1 : 0;
    struct kx_opts a, b;

    if (!kx_crash_region(&start, &size))
        return;
    a = kx_crash_opts(0, start, size, KX_CRASH_OFFSET, 1);
    b = kx_crash_opts(mod_b, start, size, KX_CRASH_OFFSET + 4 * PAGE_SIZE, 2);
    b.zero_maddr = a.base; /* A's first page: non-zero before */
    b.zero_pages = 1;

    if (kx_load_image(&a, "crash image A (image id 1)"))
        return;
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "after loading A");
    info("reloading: crash image B (image id 2, module %u) at %#lx; with "
         "kexec_test_reload_panic=N the hypervisor panics while writing "
         "it and B must run",
         mod_b, b.base);
    if (kx_load_image(&b, "crash image B (image id 2) over A"))
        return;
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "after reloading B");
    kx_crash_dom0();
}

static domid_t self = DOMID_SELF;

static long balloon_out_one(void)
{
    uint64_t gfn = take_free_gfn();
    struct xen_memory_reservation r = {
        .extent_start = PTR(&gfn),
        .nr_extents = 1,
        .domid = DOMID_SELF,
    };

    if (gfn == NO_GFN)
        return -1;
    info("ballooning out gfn %#lx (mfn %#lx)", gfn, gfn_to_mfn(gfn));
    return hc_memory_op(XENMEM_decrease_reservation, PTR(&r));
}

DEFINE_KX_TEST(kexec_unsafe, "kexec-unsafe",
               "after ballooning: load/exec refused, the crash image runs")
{
    const long L = KEXEC_STATUS_LOADED, U = KEXEC_STATUS_UNSAFE;
    uint64_t start, size;
    struct kx_opts c, d = {
        .module = 0,
        .type = KEXEC_TYPE_DEFAULT,
        .base = KX_DEFAULT_BASE,
        .image_id = 9,
        .map = true,
    };
    struct kexec_load ld;
    struct kxl_result res;
    long cur;

    if (!kx_crash_region(&start, &size))
        return;
    c = kx_crash_opts(0, start, size, KX_CRASH_OFFSET, 1);
    if (kx_load_image(&c, "the crash image (before ballooning)") ||
        kx_load_image(&d, "a default image (before ballooning)"))
        return;
    kx_check_status(KEXEC_TYPE_CRASH, L, "before ballooning");
    kx_check_status(KEXEC_TYPE_DEFAULT, L, "before ballooning");

    cur = hc_memory_op(XENMEM_current_reservation, PTR(&self));
    if (!check_eq(balloon_out_one(), 1, "decrease_reservation of one free gfn"))
        return;
    check_eq(hc_memory_op(XENMEM_current_reservation, PTR(&self)), cur - 1,
             "current_reservation dropped by 1");
    kx_check_status(KEXEC_TYPE_CRASH, L | U, "after ballooning");
    kx_check_status(KEXEC_TYPE_DEFAULT, L | U, "after ballooning");

    /* load and exec refuse; nothing changes */
    if (!kx_build(&d, &ld, &res))
        check_eq(kx_load(&ld), -HV_ENOTRECOVERABLE,
                 "load of a default image when unsafe");
    kx_check_status(KEXEC_TYPE_DEFAULT, L | U, "after the refused load");
    if (!kx_build(&c, &ld, &res))
        check_eq(kx_load(&ld), -HV_ENOTRECOVERABLE,
                 "load of a crash image when unsafe");
    kx_check_status(KEXEC_TYPE_CRASH, L | U, "after the refused load");
    check_eq(kx_exec(KEXEC_TYPE_DEFAULT), -HV_ENOTRECOVERABLE,
             "exec of the default image when unsafe");
    check_eq(kx_exec(KEXEC_TYPE_CRASH), -HV_ENOTRECOVERABLE,
             "exec of the crash image when unsafe");
    kx_check_status(KEXEC_TYPE_CRASH, L | U, "after the refused execs");
    kx_check_status(KEXEC_TYPE_DEFAULT, L | U, "after the refused execs");

    /* unload is not gated; exec with nothing loaded: -ENOENT first */
    check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "unload the default image");
    kx_check_status(KEXEC_TYPE_DEFAULT, U, "after the unload");
    check_eq(kx_exec(KEXEC_TYPE_DEFAULT), -HV_ENOENT,
             "exec of the default image when none is loaded (and unsafe)");
    kx_check_status(KEXEC_TYPE_CRASH, L | U, "before the crash");

    /* the crash path is best effort: the crash image must still run */
    kx_crash_dom0();
}

DEFINE_KX_TEST(kexec_crash_refused_reload, "kexec-crash-refused-reload",
               "crash load, refused load, reload, crash: the reload runs")
{
    uint64_t start, size;

    if (!kx_crash_region(&start, &size))
        return;
    if (kx_refused_then_reload(KEXEC_TYPE_CRASH, start + KX_CRASH_OFFSET, start,
                               size))
        return;
    info("crashing: image id 2 must run");
    kx_crash_dom0();
}

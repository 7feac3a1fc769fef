/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-alloc-fail: an allocation failure at every allocation of a crash
 * reload (debug_op DEBUGOP_fail_alloc, needs debug-inject).
 *
 * Load crash image A (id 1); then for N = 1, 2, ...: arm the failure of
 * the Nth frame allocation, load crash image B (id 2) over A, disarm
 * (which returns how many allocations the load made).  While the Nth
 * was reached the load must give -ENOMEM, DEBUGOP_free_frames must be
 * what it was before the attempt, and the crash image must still be
 * LOADED, unless the load recovered from it (a fallback allocation):
 * then it must have succeeded, and the absorbed points are counted.  The
 * first N the load does not reach ends the walk: the load
 * must then have succeeded.  "walked K allocation points" is printed.
 *
 *   keep=b (default)  after the walk B is loaded; crash: B must run.
 *   keep=a            the walk above, then A reloaded over B (id 1 again),
 *                     then N = 1 .. K again over it, each failing; crash:
 *                     the previous image, A, must run whole.
 *   type=default      the same walks over DEFAULT images (A at 64 MiB, B
 *                     1 MiB above), ended by KEXEC_CMD_kexec instead of a
 *                     crash: the image kept must run.
 */
#include "kexec-guest.h"

static long debug_op(uint64_t cmd, uint64_t arg)
{
    return hypercall2(__HYPERVISOR_debug_op, cmd, arg);
}

/*
 * One attempt with allocation n failing.  Returns 1 if the failure fired
 * (and the load was refused cleanly), 2 if it fired and the load succeeded
 * all the same (a fallback), 0 if the load did not reach it (and
 * succeeded), -1 on a FAIL.
 */
static int attempt(const struct kx_opts *o, uint64_t n)
{
    struct kexec_load ld;
    struct kxl_result res;
    long before, rc, count, after;

    if (kx_build(o, &ld, &res))
        return -1;
    before = debug_op(DEBUGOP_free_frames, 0);
    if (debug_op(DEBUGOP_fail_alloc, n) < 0) {
        fail("debug_op fail_alloc %lu refused", n);
        return -1;
    }
    rc = kx_load(&ld);
    count = debug_op(DEBUGOP_fail_alloc, 0);
    after = debug_op(DEBUGOP_free_frames, 0);
    if (count < (long)n) {
        if (!check_eq(rc, 0,
                      "load with allocation %lu failing: not reached "
                      "(%ld allocations), loaded",
                      n, count))
            return -1;
        return 0;
    }
    if (rc == 0) { /* the builder fell back to another allocation */
        info("allocation %lu of %ld failing: absorbed, loaded", n, count);
        return 2;
    }
    if (rc != -HV_ENOMEM || after != before ||
        kx_status(o->type) != KEXEC_STATUS_LOADED) {
        fail("allocation %lu of %ld failing: load %ld (want -ENOMEM), free "
             "frames %ld -> %ld, status %ld",
             n, count, rc, before, after, kx_status(o->type));
        return -1;
    }
    return 1;
}

/* The end: the image kept runs (crash, or kexec of the default one). */
static void run_kept(const struct kx_opts *o)
{
    long rc;

    if (o->type == KEXEC_TYPE_CRASH) {
        kx_crash_dom0();
        return;
    }
    info("executing the default image: the next lines are the image's");
    rc = kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec returned %ld", rc);
}

DEFINE_KX_TEST(kexec_alloc_fail, "kexec-alloc-fail",
               "a reload failing at each allocation: -ENOMEM, no leak")
{
    uint64_t start, size, n;
    size_t len;
    const char *keep = cmdline_find("keep", &len);
    bool keep_a = keep && len == 1 && keep[0] == 'a';
    const char *type = cmdline_find("type", &len);
    bool dflt = type && len == 7 && !strncmp(type, "default", 7);
    struct kx_opts a, b;
    int r = 1;
    uint64_t absorbed = 0;

    if (dflt) {
        a = kx_default_opts(KX_DEFAULT_BASE, 1);
        b = kx_default_opts(KX_DEFAULT_BASE + 0x100000, 2);
    } else {
        if (!kx_crash_region(&start, &size))
            return;
        a = kx_crash_opts(0, start, size, KX_CRASH_OFFSET, 1);
        b = kx_crash_opts(0, start, size, KX_CRASH_OFFSET + 4 * PAGE_SIZE, 2);
    }
    if (kx_load_image(&a, dflt ? "default image A (image id 1)"
                               : "crash image A (image id 1)"))
        return;
    for (n = 1; r > 0; n++) {
        r = attempt(&b, n);
        absorbed += r == 2;
    }
    if (r < 0)
        return;
    n -= 2; /* the last N reached */
    check_true(n > absorbed,
               "walked %lu allocation points of a %s reload "
               "(%lu absorbed by a fallback), each other -ENOMEM, every frame "
               "given back, the old image loaded",
               n, dflt ? "default" : "crash", absorbed);
    if (keep_a) {
        if (kx_load_image(&a, "image A (image id 1) over B"))
            return;
        for (uint64_t i = 1; i <= n; i++) {
            r = attempt(&b, i);
            if (r == 2 && kx_load_image(&a, "image A again"))
                return;
            if (r <= 0) {
                fail("allocation %lu of %lu: the load did not reach it", i, n);
                return;
            }
        }
        if (r != 1)
            return;
        pass("%lu failing reloads over A, the last -ENOMEM", n);
    }
    run_kept(keep_a ? &a : &b);
}

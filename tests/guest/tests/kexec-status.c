/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-status: load / reload / unload sequences of both image types and
 * KEXEC_CMD_kexec_status after each step.
 *
 * Rule guarded (include/public/kexec.h): status reports whether an image
 * of that type is loaded: the loaded slot, not a position bit (Xen's bug:
 * after load, load, unload it still said "loaded").  At most one image
 * per type, loading replaces, unload gives 0 even with nothing loaded,
 * the two types do not affect each other; an unknown type or a non-zero
 * pad gives -EINVAL, an unreadable argument -EFAULT.
 *
 * The images: check64 (modules[0]) as the default image at 64 MiB and as
 * the crash image at the crash region + 1 MiB (crashkernel= needed).
 * Nothing is executed.  Expected guest lines: PASS only, "Test result:
 * SUCCESS" (QEMU status 3).  Expected hypervisor lines: "(HV) kexec:
 * loaded a default image", "... a crash image", "(HV) kexec: unloaded the
 * default image", "... the crash image", and refusals "(HV) d0 kexec_op:
 * status: unknown type ... (-EINVAL)", "... unreadable (-EFAULT)".
 */
#include "kexec-guest.h"

static uint64_t crash_start, crash_size;

static bool load(uint32_t type, uint64_t id)
{
    struct kx_opts o = {
        .module = 0,
        .type = (uint8_t)type,
        .image_id = id,
        .map = true,
    };

    if (type == KEXEC_TYPE_CRASH) {
        o.base = crash_start + KX_CRASH_OFFSET;
        o.region_start = crash_start;
        o.region_size = crash_size;
    } else {
        o.base = KX_DEFAULT_BASE;
    }
    return kx_load_image(&o, type == KEXEC_TYPE_CRASH ? "a crash image"
                                                      : "a default image") == 0;
}

static bool unload(uint32_t type)
{
    return check_eq(kx_unload(type), 0, "unload the %s image",
                    type == KEXEC_TYPE_CRASH ? "crash" : "default");
}

static void sequences(uint32_t t)
{
    const long L = KEXEC_STATUS_LOADED;
    uint32_t other = !t;

    info("--- sequences for the %s image",
         t == KEXEC_TYPE_CRASH ? "crash" : "default");
    kx_check_status(t, 0, "at the start");
    if (!load(t, 1))
        return;
    kx_check_status(t, L, "after load");
    kx_check_status(other, 0, "(other type) after load");
    load(t, 2);
    kx_check_status(t, L, "after load, load");
    unload(t);
    kx_check_status(t, 0, "after load, load, unload");
    unload(t);
    kx_check_status(t, 0, "after load, load, unload, unload");
    load(t, 3);
    kx_check_status(t, L, "after ..., load");
    unload(t);
    kx_check_status(t, 0, "after ..., load, unload");
    load(t, 4);
    load(t, 5);
    load(t, 6);
    kx_check_status(t, L, "after load x3");
    unload(t);
    kx_check_status(t, 0, "after load x3, unload");
    kx_check_status(other, 0, "(other type) after all of it");
}

DEFINE_KX_TEST(kexec_status, "kexec-status",
               "status after load, reload, unload of both types")
{
    const long L = KEXEC_STATUS_LOADED;
    struct kexec_exec ex;

    if (!kx_crash_region(&crash_start, &crash_size))
        return;
    sequences(KEXEC_TYPE_DEFAULT);
    sequences(KEXEC_TYPE_CRASH);

    info("--- both types");
    if (!load(KEXEC_TYPE_DEFAULT, 7) || !load(KEXEC_TYPE_CRASH, 8))
        return;
    kx_check_status(KEXEC_TYPE_DEFAULT, L, "with both loaded");
    kx_check_status(KEXEC_TYPE_CRASH, L, "with both loaded");
    unload(KEXEC_TYPE_CRASH);
    kx_check_status(KEXEC_TYPE_CRASH, 0, "after unloading it");
    kx_check_status(KEXEC_TYPE_DEFAULT, L, "after unloading the crash image");
    load(KEXEC_TYPE_CRASH, 9);
    unload(KEXEC_TYPE_DEFAULT);
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "after unloading it");
    kx_check_status(KEXEC_TYPE_CRASH, L, "after unloading the default image");
    unload(KEXEC_TYPE_CRASH);
    kx_check_status(KEXEC_TYPE_CRASH, 0, "after unloading both");
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "after unloading both");

    info("--- bad arguments");
    ex = (struct kexec_exec){ .type = 2 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_status, PTR(&ex)), -HV_EINVAL,
             "status of type 2");
    ex = (struct kexec_exec){ .type = ~0u };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_status, PTR(&ex)), -HV_EINVAL,
             "status of type ~0");
    ex = (struct kexec_exec){ .type = KEXEC_TYPE_DEFAULT, .pad = 1 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_status, PTR(&ex)), -HV_EINVAL,
             "status with pad 1");
    ex = (struct kexec_exec){ .type = 2 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_unload, PTR(&ex)), -HV_EINVAL,
             "unload of type 2");
    for (unsigned int i = 0; i < nr_bad_guest_ptrs; i++)
        check_eq(hc_kexec_op(KEXEC_CMD_kexec_status, bad_guest_ptrs[i]),
                 -HV_EFAULT, "status with its argument at %#lx",
                 bad_guest_ptrs[i]);
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "at the end");
    kx_check_status(KEXEC_TYPE_CRASH, 0, "at the end");
}

/*
 * kexec-safe: every transition of "kexec is safe" (include/public/kexec.h,
 * KEXEC_STATUS_UNSAFE), read through KEXEC_CMD_kexec_status:
 *   safe at boot; a refused decrease_reservation leaves it safe; each
 *   frame ballooned out makes (keeps) it unsafe; increase_reservation of
 *   fewer frames than are out keeps it unsafe, of all of them makes it
 *   safe again (load works again); again out, then one increase asking
 *   for more frames than are out: safe (the extra is not available).
 * Then the default image loaded while safe again is executed: check64
 * must run and pass (status 65).
 */
static bool balloon_out(unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        uint64_t gfn = take_free_gfn();

        if (gfn == NO_GFN) {
            error("no free gfn to balloon out");
            return false;
        }
        if (!check_eq(reservation(XENMEM_decrease_reservation, &gfn, 1), 1,
                      "decrease_reservation of gfn %#lx", gfn))
            return false;
    }
    return true;
}

DEFINE_KX_TEST(kexec_safe, "kexec-safe",
               "every transition of the kexec-is-safe state, seen by status")
{
    const long L = KEXEC_STATUS_LOADED, U = KEXEC_STATUS_UNSAFE;
    struct kx_opts d = {
        .module = 0,
        .type = KEXEC_TYPE_DEFAULT,
        .base = KX_DEFAULT_BASE,
        .image_id = 1,
        .map = true,
    };
    uint64_t gfns[4] = { 0x7fffffffUL };
    struct kexec_load ld;
    struct kxl_result res;

    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "at boot");
    check_eq(reservation(XENMEM_decrease_reservation, gfns, 1), -HV_EACCES,
             "decrease_reservation of a gfn with no frame");
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "after a refused decrease");

    if (!balloon_out(1))
        return;
    kx_check_status(KEXEC_TYPE_DEFAULT, U, "one frame out");
    if (!balloon_out(1))
        return;
    kx_check_status(KEXEC_TYPE_DEFAULT, U, "two frames out");
    check_eq(reservation(XENMEM_increase_reservation, gfns, 1), 1,
             "increase_reservation of one frame");
    kx_check_status(KEXEC_TYPE_DEFAULT, U, "one of two frames back");
    if (!kx_build(&d, &ld, &res))
        check_eq(kx_load(&ld), -HV_ENOTRECOVERABLE,
                 "load while one frame is out");
    check_eq(reservation(XENMEM_increase_reservation, gfns, 1), 1,
             "increase_reservation of the second frame");
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "both frames back: safe again");

    if (kx_load_image(&d, "a default image when safe again"))
        return;
    kx_check_status(KEXEC_TYPE_DEFAULT, L, "after the load");
    if (!balloon_out(1))
        return;
    kx_check_status(KEXEC_TYPE_DEFAULT, L | U, "one frame out again");
    check_eq(kx_exec(KEXEC_TYPE_DEFAULT), -HV_ENOTRECOVERABLE,
             "exec while a frame is out");
    check_eq(reservation(XENMEM_increase_reservation, gfns, 4), 1,
             "increase_reservation asking for 4 frames gives the 1 missing");
    kx_check_status(KEXEC_TYPE_DEFAULT, L, "the frame back: safe again");

    info("executing the default image: check64 must run");
    kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec of the default image returned");
}

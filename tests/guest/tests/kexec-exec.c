/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-exec64, kexec-exec32, kexec-handoff-fault: load a DEFAULT image
 * with tools/kexec-loader/ and run it with KEXEC_CMD_kexec.
 *
 *   kexec-exec64   modules[0] = check64 (ET_DYN), BASE 0x4000000 (64 MiB),
 *                  KEXEC_ARCH_64, a MAP of 0xffffc00000000000 -> BASE
 *                  (2 pages), a zero range (a dom0 frame filled with 0xa5
 *                  first), the parameter block filled (image id 1).
 *   kexec-exec32   modules[0] = check32 (ET_EXEC at 0x2000000),
 *                  KEXEC_ARCH_32, a zero range below 4 GiB, no MAP.
 *   kexec-handoff-fault
 *                  as kexec-exec64; the hypervisor runs with
 *                  kexec_test_handoff_fault, so the trampoline faults
 *                  after switching to the handoff tables.
 *   kexec-crash32  check32 (modules[0]) loaded as the CRASH image where
 *                  it is linked (crashkernel= must cover 0x2000000), a
 *                  zero range in the region, then dom0 crashes.
 *   kexec-exec-refused-reload
 *                  check64 loaded (image id 1), a load the image builder
 *                  refuses (two MAPs of one address, -EADDRINUSE), check64
 *                  loaded again (image id 2), then KEXEC_CMD_kexec: image
 *                  id 2 must run (kx_refused_then_reload()).
 *
 * Rules guarded (include/public/kexec.h): get_limits reports the struct
 * sizes; status is 0 before and LOADED after a load (the default slot
 * only); KEXEC_CMD_kexec does not return; the image sees the handoff
 * state the ABI promises (the image checks it and prints its own lines).
 *
 * Expected guest lines: PASS only, then no verdict (the kexec ends the
 * guest).  Expected afterwards: "(HV) kexec: executing the default
 * image", then the image's "check64: verdict PASS" (or check32) and QEMU
 * status 65; for kexec-handoff-fault "(HV) kexec: fault in the handoff:
 * vector 0x0000000000000006 ..." and QEMU status 11.  Should the kexec
 * return, FAIL and "Test result: FAILURE".
 */
#include "kexec-guest.h"

static void exec_default(const struct kx_opts *o, uint8_t want_arch,
                         const char *what)
{
    struct kexec_limits l;
    struct kexec_load ld;
    struct kxl_result res;
    long rc;

    if (check_eq(kx_get_limits(&l), 0, "get_limits")) {
        check_eq(l.entry_size, sizeof(struct kexec_entry),
                 "get_limits: entry_size");
        check_eq(l.load_size, sizeof(struct kexec_load),
                 "get_limits: load_size");
        info("limits: %lu entries, %lu pages, physical limit %#lx",
             l.max_entries, l.max_pages, l.phys_limit);
    }
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "before the load");
    if (kx_build(o, &ld, &res))
        return;
    if (!check_eq(ld.arch, want_arch, "%s: the ELF class gives arch %s", what,
                  want_arch == KEXEC_ARCH_32 ? "KEXEC_ARCH_32"
                                             : "KEXEC_ARCH_64"))
        return;
    rc = kx_load(&ld);
    if (!check_eq(rc, 0, "load %s as the default image", what)) {
        info("... bad_entry %#lx", ld.bad_entry);
        return;
    }
    kx_check_status(KEXEC_TYPE_DEFAULT, KEXEC_STATUS_LOADED, "after the load");
    kx_check_status(KEXEC_TYPE_CRASH, 0, "after loading a default image");
    info("executing the default image (%s), entry %#lx: the next lines "
         "are the image's",
         what, ld.entry_maddr);
    rc = kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec returned %ld", rc);
}

DEFINE_KX_TEST(kexec_exec64, "kexec-exec64",
               "load check64 (modules[0]) at 64 MiB and kexec it")
{
    struct kx_opts o = kx_default_opts(KX_DEFAULT_BASE, 1);

    exec_default(&o, KEXEC_ARCH_64, "check64");
}

DEFINE_KX_TEST(kexec_exec32, "kexec-exec32",
               "load check32 (modules[0]) as linked and kexec it")
{
    struct kx_opts o = {
        .module = 0,
        .type = KEXEC_TYPE_DEFAULT,
        .base = 0,
        .image_id = 1,
        .zero_pages = 1,
    };

    exec_default(&o, KEXEC_ARCH_32, "check32");
}

DEFINE_KX_TEST(kexec_handoff_fault, "kexec-handoff-fault",
               "kexec check64 with kexec_test_handoff_fault: caught fault")
{
    struct kx_opts o = kx_default_opts(KX_DEFAULT_BASE, 1);

    exec_default(&o, KEXEC_ARCH_64, "check64");
}

/* kexec-guest.h */
long kx_refused_then_reload(uint8_t type, uint64_t base, uint64_t region_start,
                            uint64_t region_size)
{
    struct kx_opts o = {
        .module = 0,
        .type = type,
        .base = base,
        .image_id = 1,
        .map = true,
        .region_start = region_start,
        .region_size = region_size,
    };
    struct kexec_load ld;
    struct kxl_result res;
    long rc;

    if (kx_load_image(&o, "image 1"))
        return -1;
    kx_check_status(type, KEXEC_STATUS_LOADED, "after loading image 1");
    if (kx_build(&o, &ld, &res))
        return -1;
    /*
     * kx_ents ends with the MAP (of entry 1): append a second MAP of the
     * same address, to the entry before the MAP (another target, so that
     * the builder's page tables see a conflict).
     */
    kx_ents[ld.nr_entries] = kx_ents[ld.nr_entries - 1];
    kx_ents[ld.nr_entries].arg1 = ld.nr_entries - 2;
    kx_ents[ld.nr_entries].arg2 = 1;
    ld.nr_entries++;
    rc = kx_load(&ld);
    if (check_eq(rc, -HV_EADDRINUSE, "a load with two MAPs of %#lx",
                 kx_ents[ld.nr_entries - 1].arg0))
        check_eq(ld.bad_entry, ld.nr_entries - 1, "... bad_entry");
    kx_check_status(type, KEXEC_STATUS_LOADED, "after the refused load");
    o.image_id = 2;
    rc = kx_load_image(&o, "image 2 after the refused load");
    kx_check_status(type, KEXEC_STATUS_LOADED, "after loading image 2");
    return rc;
}

DEFINE_KX_TEST(kexec_exec_refused_reload, "kexec-exec-refused-reload",
               "load, refused load, reload: the reloaded image kexecs")
{
    long rc;

    if (kx_refused_then_reload(KEXEC_TYPE_DEFAULT, KX_DEFAULT_BASE, 0, 0))
        return;
    info("executing the default image: image id 2 must run");
    rc = kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec returned %ld", rc);
}

/*
 * kexec-crash32: check32 (modules[0], linked at 0x2000000) loaded as the
 * crash image where it is linked, so the run's crashkernel= must put the
 * region over 0x2000000; a zero range in the region; then dom0 crashes:
 * the 32-bit image must run through the crash path.
 */
DEFINE_KX_TEST(kexec_crash32, "kexec-crash32",
               "load check32 as the crash image, crash dom0: it runs")
{
    uint64_t start, size;
    struct kx_opts o = {
        .module = 0,
        .type = KEXEC_TYPE_CRASH,
        .base = 0,
        .image_id = 1,
        .zero_pages = 1,
    };

    if (!kx_crash_region(&start, &size))
        return;
    o.region_start = start;
    o.region_size = size;
    o.zero_maddr = start + ((size / 2) & ~(PAGE_SIZE - 1));
    kx_check_status(KEXEC_TYPE_CRASH, 0, "before the load");
    if (kx_load_image(&o, "check32 as the crash image"))
        return;
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "after the load");
    kx_crash_dom0();
}

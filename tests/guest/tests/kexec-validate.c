/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-validate: every validation rule of KEXEC_CMD_kexec_load
 * (include/public/kexec.h), one case each, plus the refusals of the other
 * commands; nothing may change on a refusal.
 *
 * First a good crash image (check64, modules[0], via tools/kexec-loader/)
 * is loaded.  Then a small good list G is built by hand and loaded once
 * as a default image (and unloaded) to show it is good:
 *
 *   [0] DEST D0 (64 MiB)   [1] COPY src1 x1   [2] ZERO x2
 *   [3] DEST D0 + 64 KiB   [4] COPY src2 x1   [5] MAP 0xffffc00000000000 -> [1] x1
 *   entry_maddr D0, KEXEC_ARCH_64, KEXEC_TYPE_DEFAULT
 *
 * (src1, src2: fresh dom0 frames.)  Each case takes G, breaks one thing,
 * loads, and checks the exact errno and bad_entry (KEXEC_BAD_HEADER for
 * the header); then that the crash image is still LOADED and no default
 * image appeared.  -EPERM is the unpriv test's.  At the end G still
 * loads, and dom0 crashes (via= as in kexec-crash.c): the crash image
 * loaded first must run and pass ("check64: verdict PASS", status 65).
 *
 * Expected guest lines: PASS only, no verdict (the crash ends the run).
 * Expected hypervisor lines: one "(HV) d0 kexec_op: ... (-E...)" per
 * refusal, "kexec: running the crash image".
 */
#include "kexec-guest.h"

#define D0 KX_DEFAULT_BASE
#define H  KEXEC_BAD_HEADER

static struct kexec_entry E[16];
static struct kexec_load LD;
static uint64_t src1, src2, hv_start, hv_size, cr_start, cr_size;
static struct kexec_limits lim;

static struct kexec_entry ent(uint16_t op, uint64_t a0, uint64_t a1,
                              uint64_t a2)
{
    return (struct kexec_entry){ .op = op, .arg0 = a0, .arg1 = a1, .arg2 = a2 };
}

static void good(void)
{
    memset(E, 0, sizeof(E));
    E[0] = ent(KEXEC_OP_DEST, D0, 0, 0);
    E[1] = ent(KEXEC_OP_COPY, src1, 1, 0);
    E[2] = ent(KEXEC_OP_ZERO, 0, 2, 0);
    E[3] = ent(KEXEC_OP_DEST, D0 + 0x10000, 0, 0);
    E[4] = ent(KEXEC_OP_COPY, src2, 1, 0);
    E[5] = ent(KEXEC_OP_MAP, KX_MAP_VA, 1, 1);
    LD = (struct kexec_load){
        .size = sizeof(LD),
        .type = KEXEC_TYPE_DEFAULT,
        .arch = KEXEC_ARCH_64,
        .flags = 0,
        .entry_maddr = D0,
        .entries = PTR(E),
        .nr_entries = 6,
        .bad_entry = 0x5a5a,
    };
}

/* Nothing changed: the crash image loaded, no default image. */
static void unchanged(const char *what)
{
    long c = kx_status(KEXEC_TYPE_CRASH), d = kx_status(KEXEC_TYPE_DEFAULT);

    if (c != KEXEC_STATUS_LOADED || d != 0)
        fail("%s: status after the refusal: crash %ld (want LOADED), default "
             "%ld (want 0)",
             what, c, d);
}

/* The hypervisor's free frames (debug_op DEBUGOP_free_frames). */
static long free_frames(void)
{
    return hypercall2(__HYPERVISOR_debug_op, DEBUGOP_free_frames, 0);
}

static void expect(const char *what, long err, uint64_t bad)
{
    long before = free_frames(), rc = kx_load(&LD);

    if (check_eq(rc, -err, "%s", what))
        check_eq(LD.bad_entry, bad, "... bad_entry");
    if (rc) /* a refused load gives back all it took */
        check_eq(free_frames(), before, "... hypervisor free frames unchanged");
    if (!rc && LD.type == KEXEC_TYPE_DEFAULT) {
        /* wrongly accepted: take it away again, so that the next cases
           start from the state they expect (the FAIL above stays) */
        info("... accepted: unloading it again");
        kx_unload(KEXEC_TYPE_DEFAULT);
    }
    unchanged(what);
}

/* G with one thing broken: the statements, then the load. */
#define CASE(what, err, bad, ...)                                              \
    do {                                                                       \
        good();                                                                \
        __VA_ARGS__;                                                           \
        expect(what, err, bad);                                                \
    } while (0)

static void load_rules(void)
{
    /* -EINVAL */
    CASE("size smaller than the struct", HV_EINVAL, H,
         LD.size = sizeof(LD) - 8);
    CASE("size 0", HV_EINVAL, H, LD.size = 0);
    CASE("type 2", HV_EINVAL, H, LD.type = 2);
    CASE("arch 0", HV_EINVAL, H, LD.arch = 0);
    CASE("arch 3", HV_EINVAL, H, LD.arch = 3);
    CASE("header flags 1", HV_EINVAL, H, LD.flags = 1);
    CASE("op 0", HV_EINVAL, 4, E[4].op = 0);
    CASE("op 5 (unknown)", HV_EINVAL, 4, E[4].op = 5);
    CASE("entry flags 1", HV_EINVAL, 2, E[2].flags = 1);
    CASE("entry pad 1", HV_EINVAL, 2, E[2].pad = 1);
    CASE("DEST with arg1 set", HV_EINVAL, 3, E[3].arg1 = 1);
    CASE("DEST with arg2 set", HV_EINVAL, 3, E[3].arg2 = 1);
    CASE("COPY with arg2 set", HV_EINVAL, 1, E[1].arg2 = D0);
    CASE("ZERO with arg0 set", HV_EINVAL, 2, E[2].arg0 = src1);

    /* -E2BIG */
    CASE("nr_entries above max_entries", HV_E2BIG, H,
         LD.nr_entries = lim.max_entries + 1);
    CASE("ZERO of more pages than max_pages", HV_E2BIG, 2,
         E[2].arg1 = lim.max_pages + 1);

    /* -EFAULT: the entry list */
    CASE("entries at 0x1000 (unmapped)", HV_EFAULT, H, LD.entries = 0x1000);
    CASE("entries in the hypervisor", HV_EFAULT, H,
         LD.entries = 0xffff82d040000000UL);
    CASE("entries non-canonical", HV_EFAULT, H,
         LD.entries = 0x8000000000000000UL);
    CASE("entries running off the end of the list into unmapped memory",
         HV_EFAULT, H, LD.nr_entries = 4096);

    /* -ENXIO */
    CASE("nr_entries 0", HV_ENXIO, H, LD.nr_entries = 0);
    CASE("DEST of frame 0", HV_ENXIO, 0, E[0].arg0 = 0);
    CASE("COPY of source frame 0", HV_ENXIO, 1, E[1].arg0 = 0);
    CASE("COPY of 0 frames", HV_ENXIO, 1, E[1].arg1 = 0);
    CASE("ZERO of 0 pages", HV_ENXIO, 2, E[2].arg1 = 0);
    CASE("MAP of 0 pages", HV_ENXIO, 5, E[5].arg2 = 0);

    /* -EADDRNOTAVAIL */
    CASE("DEST not page aligned", HV_EADDRNOTAVAIL, 3, E[3].arg0 += 0x800);
    CASE("destination not RAM (0xfee00000, the local APIC)", HV_EADDRNOTAVAIL,
         4, E[3].arg0 = 0xfee00000UL);
    CASE("MAP address not page aligned", HV_EADDRNOTAVAIL, 5,
         E[5].arg0 = KX_MAP_VA + 0x800);
    CASE("MAP address not canonical", HV_EADDRNOTAVAIL, 5,
         E[5].arg0 = 0x0000800000000000UL);
    CASE("MAP address in the hypervisor's area", HV_EADDRNOTAVAIL, 5,
         E[5].arg0 = 0xffff830000000000UL);

    /* -EOVERFLOW */
    CASE("destination + length wraps", HV_EOVERFLOW, 4,
         E[3].arg0 = 0xfffffffffffff000UL);

    /* -ERANGE */
    CASE("destination above the physical limit", HV_ERANGE, 4,
         E[3].arg0 = lim.phys_limit);

    /* -EBADMSG */
    CASE("COPY before any DEST", HV_EBADMSG, 0,
         E[0] = ent(KEXEC_OP_COPY, src1, 1, 0));
    CASE("ZERO before any DEST", HV_EBADMSG, 0,
         E[0] = ent(KEXEC_OP_ZERO, 0, 1, 0));
    CASE("MAP naming itself", HV_EBADMSG, 5, E[5].arg1 = 5);
    CASE("MAP naming a later entry", HV_EBADMSG, 5, E[5].arg1 = 6;
         E[6] = ent(KEXEC_OP_ZERO, 0, 1, 0); LD.nr_entries = 7);
    CASE("MAP naming a DEST", HV_EBADMSG, 5, E[5].arg1 = 0);
    CASE("MAP naming a MAP", HV_EBADMSG, 6,
         E[6] = ent(KEXEC_OP_MAP, KX_MAP_VA + 0x100000, 5, 1);
         LD.nr_entries = 7);
    CASE("MAP longer than its entry", HV_EBADMSG, 5, E[5].arg2 = 2);

    /* -EACCES */
    CASE("COPY of a hypervisor-image frame", HV_EACCES, 4,
         E[4].arg0 = (hv_start >> PAGE_SHIFT) + 1);
    if (hv_start == 0x200000) /* Multiboot: the image is at 2 MiB */
        CASE("COPY of frame 0x201 (the hypervisor's)", HV_EACCES, 4,
             E[4].arg0 = 0x201);
    else
        info("the hypervisor image is not at 2 MiB: frame 0x201 not tried");
    CASE("COPY of a crash-region frame", HV_EACCES, 4,
         E[4].arg0 = cr_start >> PAGE_SHIFT);
    CASE("COPY of a P2M-list frame (the hypervisor's)", HV_EACCES, 4,
         E[4].arg0 = va_to_mfn(si->p2m_list));

    /* -EADDRINUSE */
    CASE("overlapping destinations", HV_EADDRINUSE, 4, E[3].arg0 = D0 + 0x1000);
    CASE("the same destination twice", HV_EADDRINUSE, 4, E[3].arg0 = D0);
    /* (a DEFAULT image may overwrite it: kexec-hv loads hv.elf there) */
    CASE("crash image over the hypervisor image", HV_EADDRINUSE, 4,
         LD.type = KEXEC_TYPE_CRASH;
         E[0].arg0 = cr_start + 0x200000; LD.entry_maddr = E[0].arg0;
         E[3].arg0 = hv_start & ~(PAGE_SIZE - 1));
    CASE("two MAPs of one address (to different pages)", HV_EADDRINUSE, 6,
         E[6] = ent(KEXEC_OP_MAP, KX_MAP_VA, 4, 1);
         LD.nr_entries = 7);
    CASE("two identical MAPs of one address", HV_EADDRINUSE, 6, E[6] = E[5];
         LD.nr_entries = 7);
    CASE("MAP of an address mapped 1:1 already (another destination)",
         HV_EADDRINUSE, 5, E[5].arg0 = D0 + 0x10000);
    CASE("MAP of an address mapped 1:1 already (its own destination)",
         HV_EADDRINUSE, 5, E[5].arg0 = D0);

    /* -ENOSPC */
    CASE("crash image outside the crash region", HV_ENOSPC, 1,
         LD.type = KEXEC_TYPE_CRASH);
    CASE("crash image running past the crash region", HV_ENOSPC, 4,
         LD.type = KEXEC_TYPE_CRASH;
         E[0].arg0 = cr_start + 0x200000; LD.entry_maddr = E[0].arg0;
         E[3].arg0 = cr_start + cr_size - PAGE_SIZE;
         E[4] = ent(KEXEC_OP_ZERO, 0, 2, 0));

    /* -ENOEXEC */
    CASE("entry point outside the image", HV_ENOEXEC, H,
         LD.entry_maddr = D0 + 0x8000);
    CASE("entry point 0", HV_ENOEXEC, H, LD.entry_maddr = 0);
}

static void other_refusals(void)
{
    static const unsigned int bad_cmds[] = { 1, 2, 8, 99, 0x80000000u };
    struct kexec_range r;
    struct kexec_exec ex;
    uint64_t s, z;

    for (unsigned int i = 0; i < ARRAY_SIZE(bad_cmds); i++)
        check_eq(hc_kexec_op(bad_cmds[i], PTR(&ex)), -HV_EOPNOTSUPP,
                 "kexec_op command %u (unknown)", bad_cmds[i]);
    check_eq(kx_get_range(3, &s, &z), -HV_EINVAL, "get_range of range 3");
    check_eq(kx_get_range(99, &s, &z), -HV_EINVAL, "get_range of range 99");
    check_eq(kx_exec(KEXEC_TYPE_DEFAULT), -HV_ENOENT,
             "exec of the default image with none loaded");
    ex = (struct kexec_exec){ .type = 2 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec, PTR(&ex)), -HV_EINVAL,
             "exec of type 2");
    ex = (struct kexec_exec){ .type = KEXEC_TYPE_DEFAULT, .pad = 7 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec, PTR(&ex)), -HV_EINVAL,
             "exec with pad 7");
    for (unsigned int i = 0; i < nr_bad_guest_ptrs; i++) {
        uint64_t p = bad_guest_ptrs[i];

        check_eq(hc_kexec_op(KEXEC_CMD_kexec_load, p), -HV_EFAULT,
                 "load with its argument at %#lx", p);
        check_eq(hc_kexec_op(KEXEC_CMD_kexec_get_limits, p), -HV_EFAULT,
                 "get_limits with its argument at %#lx", p);
        check_eq(hc_kexec_op(KEXEC_CMD_kexec_get_range, p), -HV_EFAULT,
                 "get_range with its argument at %#lx", p);
        check_eq(hc_kexec_op(KEXEC_CMD_kexec, p), -HV_EFAULT,
                 "exec with its argument at %#lx", p);
    }
    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_XEN };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r)), 0,
             "get_range KEXEC_RANGE_MA_XEN still works");
    unchanged("the other commands");
}

/* Two source frames of dom0's own, the limits and the crash region. */
static bool take_sources_and_limits(void)
{
    uint64_t g1 = take_free_gfn(), g2 = take_free_gfn();

    if (g2 == NO_GFN) {
        error("no free gfns for the source frames");
        return false;
    }
    src1 = gfn_to_mfn(g1);
    src2 = gfn_to_mfn(g2);
    return check_eq(kx_get_limits(&lim), 0, "get_limits") &&
           kx_crash_region(&cr_start, &cr_size);
}

/* The crash image (check64) that must survive every refusal. */
static bool load_survivor(void)
{
    struct kx_opts c = {
        .module = 0,
        .type = KEXEC_TYPE_CRASH,
        .base = cr_start + KX_CRASH_OFFSET,
        .image_id = 1,
        .map = true,
        .region_start = cr_start,
        .region_size = cr_size,
    };
    return !kx_load_image(&c, "the crash image (check64)");
}

DEFINE_KX_TEST(kexec_validate, "kexec-validate",
               "every load rule: errno, bad_entry, nothing changes; then crash")
{
    if (!take_sources_and_limits() ||
        !check_eq(kx_get_range(KEXEC_RANGE_MA_XEN, &hv_start, &hv_size), 0,
                  "get_range KEXEC_RANGE_MA_XEN"))
        return;
    info("hypervisor image %#lx, %#lx bytes; limits: %lu entries, %lu pages, "
         "physical limit %#lx; source frames %#lx %#lx",
         hv_start, hv_size, lim.max_entries, lim.max_pages, lim.phys_limit,
         src1, src2);

    if (!load_survivor())
        return;
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "at the start");
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "at the start");

    /* G is good */
    good();
    if (!check_eq(kx_load(&LD), 0, "the good list G loads as a default image"))
        return;
    kx_check_status(KEXEC_TYPE_DEFAULT, KEXEC_STATUS_LOADED, "after loading G");
    check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "unload G");
    kx_check_status(KEXEC_TYPE_DEFAULT, 0, "after unloading G");

    load_rules();
    other_refusals();

    /* still usable after all the refusals */
    good();
    check_eq(kx_load(&LD), 0, "G still loads after the refusals");
    check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "unload G");
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "before the crash");

    kx_crash_dom0();
}

/*
 * kexec-abi: the ABI's points a caller must be able to know in advance
 * (include/public/kexec.h), one case each, refusals checked as above:
 *   - get_range(MA_CRASH) is the crash load range: the region minus its
 *     last page (the VMCOREINFO copy); a CRASH load filling it exactly
 *     loads, one page more is -ENOSPC;
 *   - a MAP of VA 0..64 MiB onto a ZERO of 0x8000 pages at 64 MiB loads
 *     (the control page is placed outside every MAP: the hypervisor line
 *     names it, the pytest checks where);
 *   - a MAP over a later entry's destination: -EADDRINUSE naming the MAP;
 *   - MAP pages: exactly max_map_pages load, one more is -E2BIG naming
 *     the MAP that crosses the limit;
 *   - a MAP from the low half into the hole: -EADDRNOTAVAIL;
 *   - which errno wins when an entry breaks several rules;
 *   - a list within max_entries but longer than readable memory: -EFAULT;
 *   - COPY of the start_info or hypercall-page frame: -EACCES;
 *   - get_range with nr != 0 for a range that is not per CPU: -EINVAL;
 *   - console_io read with nothing waiting: a buffer in the hypervisor's
 *     area is -EFAULT, an unmapped guest address gives 0.
 * Then the crash: the check64 crash image loaded before the refusals runs.
 */
static struct kexec_entry BIG[40];

/* DEST 64 MiB, ZERO 0x8000 pages, then MAPs of that entry from VA va of
   pages in all, at most 0x8000 a MAP; LD points at BIG. */
static void map_list(uint64_t va, uint64_t pages)
{
    uint64_t n = 0;

    memset(BIG, 0, sizeof(BIG));
    BIG[n++] = ent(KEXEC_OP_DEST, D0, 0, 0);
    BIG[n++] = ent(KEXEC_OP_ZERO, 0, 0x8000, 0);
    for (; pages && n < ARRAY_SIZE(BIG); n++) {
        uint64_t p = pages < 0x8000 ? pages : 0x8000;

        BIG[n] = ent(KEXEC_OP_MAP, va, 1, p);
        va += p * PAGE_SIZE;
        pages -= p;
    }
    if (pages)
        error("max_map_pages too large for %lu MAPs", ARRAY_SIZE(BIG) - 2);
    LD = (struct kexec_load){
        .size = sizeof(LD),
        .type = KEXEC_TYPE_DEFAULT,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = D0,
        .entries = PTR(BIG),
        .nr_entries = n,
        .bad_entry = 0x5a5a,
    };
}

static void load_and_unload(const char *what)
{
    long rc = kx_load(&LD);

    if (check_eq(rc, 0, "%s loads", what))
        check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "... and unloads");
    else
        info("... bad_entry %#lx", LD.bad_entry);
    unchanged(what);
}

static void crash_load_range(void)
{
    uint64_t vs, vz;

    check_eq(kx_get_range(KEXEC_RANGE_MA_VMCOREINFO, &vs, &vz), 0,
             "get_range KEXEC_RANGE_MA_VMCOREINFO");
    check_eq(vs, cr_start + cr_size,
             "MA_CRASH ends where the VMCOREINFO page begins (%#lx)",
             cr_start + cr_size);
    info("crash load range %#lx, %#lx bytes", cr_start, cr_size);
    memset(E, 0, sizeof(E));
    E[0] = ent(KEXEC_OP_DEST, cr_start, 0, 0);
    E[1] = ent(KEXEC_OP_ZERO, 0, cr_size >> PAGE_SHIFT, 0);
    LD = (struct kexec_load){
        .size = sizeof(LD),
        .type = KEXEC_TYPE_CRASH,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = cr_start,
        .entries = PTR(E),
        .nr_entries = 2,
    };
    check_eq(kx_load(&LD), 0, "a crash load filling the crash load range");
    E[1].arg1++;
    E[1].arg2 = 0;
    check_eq(kx_load(&LD), -HV_ENOSPC, "one page more: -ENOSPC");
    check_eq(LD.bad_entry, 1, "... bad_entry");
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED,
                    "after the refused load");
}

static void abi_cases(void)
{
    uint64_t s, z, si_mfn = va_to_mfn(PTR(si)),
                   hc_mfn = va_to_mfn(hypercall_page_va);
    struct kexec_range r;

    /* item: the MAP of the issue: VA 0..64 MiB onto the ZERO at 64 MiB */
    map_list(0, 0x4000);
    load_and_unload(
        "MAP of VA 0..64 MiB onto a ZERO of 0x8000 pages at 64 MiB");
    map_list(0, 0x4000);
    BIG[3] = ent(KEXEC_OP_MAP, 0x8000000UL, 1, 0x4000); /* 128 MiB..192 MiB */
    LD.nr_entries = 4;
    expect("a MAP over the ZERO's own 1:1 addresses", HV_EADDRINUSE, 3);

    /* a MAP over a destination that only a later entry names */
    CASE("a MAP over a later entry's destination", HV_EADDRINUSE, 5,
         E[5] = ent(KEXEC_OP_MAP, D0 + 0x20000, 1, 1);
         E[6] = ent(KEXEC_OP_DEST, D0 + 0x20000, 0, 0);
         E[7] = ent(KEXEC_OP_ZERO, 0, 1, 0); LD.nr_entries = 8);

    /* MAP pages against max_map_pages */
    info("max_map_pages %lu", lim.max_map_pages);
    map_list(0xffffc00000000000UL, lim.max_map_pages);
    load_and_unload("MAPs of exactly max_map_pages pages");
    map_list(0xffffc00000000000UL, lim.max_map_pages);
    BIG[LD.nr_entries] = ent(KEXEC_OP_MAP, 0xffffe00000000000UL, 1, 1);
    LD.nr_entries++;
    expect("MAPs of max_map_pages + 1 pages", HV_E2BIG, LD.nr_entries - 1);

    /* the open points */
    CASE("a MAP from the low half into the hole", HV_EADDRNOTAVAIL, 5,
         E[5] = ent(KEXEC_OP_MAP, 0x00007ffffffff000UL, 2, 2));
    CASE("several rules: COPY of frame 0 before any DEST (-ENXIO first)",
         HV_ENXIO, 0, E[0] = ent(KEXEC_OP_COPY, 0, 1, 0));
    CASE("several rules: ZERO with arg0 set before any DEST (-EINVAL first)",
         HV_EINVAL, 0, E[0] = ent(KEXEC_OP_ZERO, 1, 1, 0));
    CASE("several rules: destination above the limit and not RAM (-ERANGE)",
         HV_ERANGE, 4, E[3].arg0 = lim.phys_limit + 0x100000);
    CASE("several rules: MAP misaligned and of 0 pages (-EADDRNOTAVAIL)",
         HV_EADDRNOTAVAIL, 5, E[5].arg0 += 0x10;
         E[5].arg2 = 0);
    CASE("several rules: bad type, 0 entries (-EINVAL first)", HV_EINVAL, H,
         LD.type = 7;
         LD.nr_entries = 0);
    CASE("several rules: an entry's flags and a MAP over a destination "
         "(the entry's rule first)",
         HV_EINVAL, 4, E[5].arg0 = D0;
         E[4].flags = 1);
    CASE("nr_entries max_entries, the list longer than readable memory "
         "(-EFAULT, not -ENOMEM)",
         HV_EFAULT, H, LD.nr_entries = lim.max_entries);
    CASE("COPY of the start_info frame (the hypervisor's)", HV_EACCES, 4,
         E[4].arg0 = si_mfn);
    CASE("COPY of the hypercall-page frame (the hypervisor's)", HV_EACCES, 4,
         E[4].arg0 = hc_mfn);

    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_VMCOREINFO, .nr = 1 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r)), -HV_EINVAL,
             "get_range MA_VMCOREINFO with nr 1");
    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_HVINFO, .nr = 1 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r)), -HV_EINVAL,
             "get_range MA_HVINFO with nr 1");
    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_CRASH, .nr = 3 };
    check_eq(hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r)), -HV_EINVAL,
             "get_range MA_CRASH with nr 3");
    check_eq(kx_get_range(KEXEC_RANGE_MA_HVINFO, &s, &z), 0,
             "get_range MA_HVINFO with nr 0 still works");
    check_eq(hc_console_io(CONSOLEIO_read, 16, 0xffff830000000000UL),
             -HV_EFAULT,
             "console_io read into the hypervisor's area, nothing "
             "waiting");
    check_eq(hc_console_io(CONSOLEIO_read, 16, 0x1000), 0,
             "console_io read into an unmapped guest page, nothing waiting");
    unchanged("the open points");
}

DEFINE_KX_TEST(kexec_abi, "kexec-abi",
               "MAP rules, MAP limit, crash load range, the ABI's open points")
{
    if (!take_sources_and_limits())
        return;
    crash_load_range();

    if (!load_survivor())
        return;
    abi_cases();
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "before the crash");
    kx_crash_dom0();
}

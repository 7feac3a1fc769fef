/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench: the figures of `make bench` that need dom0 (docs/benchmarks.md).
 * One console line per measurement, in the one format tools/bench.py reads:
 *     BENCH <figure-name> <value> <unit> [ref=<ref-name>:<ref-value>]
 * Values are plain decimals (one decimal place); a throughput comes with
 * the hypervisor's own memcpy over the same bytes in this boot
 * (debug_op DEBUGOP_bench_copy, which also gives the TSC's kHz that turns
 * dom0's rdtsc cycles into time).  MB is 10^6 bytes.
 *
 *   null-hypercall   ns per xen_version(XENVER_version), over 100000 calls
 *   sched-yield      ns per sched_op(SCHEDOP_yield), over 100000 calls
 *   load-64KiB, load-16MiB, load-64MiB
 *                    MB/s of one kexec_op load of a DEFAULT image made of a
 *                    DEST and COPY entries of that many dom0 frames (the
 *                    hypercall, rdtsc to rdtsc), ref=memcpy:<MB/s>; the
 *                    image is unloaded after each load (not timed)
 *                    after a first load that is not timed (QEMU's first
 *                    touch of guest RAM)
 *   hv-movsq-64KiB, hv-movsq-16MiB, hv-movsq-64MiB
 *                    MB/s of the hypervisor's `rep movsq` over the same
 *                    bytes (the load's copy_pages()), ref=memcpy:<MB/s>
 *   hv-memcpy-pages-64KiB, ...-16MiB, ...-64MiB
 *                    MB/s of memcpy() a page at a time over the same
 *                    bytes, ref=memcpy:<MB/s>
 *   load-fixed-14pages
 *                    the median, in microseconds, of 20 loads of a 14-page
 *                    image (each unloaded); every sample and the min and max
 *                    are on an info line next to it
 *
 * bench_reloc (below) is a test of its own: it ends the boot.
 *
 * Needs the hypervisor options debug-inject (bench_copy) and
 * dom0_mem=128M or more (the 64 MiB image's frames are dom0's).
 * Checks: every call succeeds, the images load and unload.
 */
#include "kexec-guest.h"
#include "../../images/verdict.h"

#define BENCH_CALLS       100000
#define BENCH_FIXED_LOADS 20
#define BENCH_FIXED_PAGES 14
#define BENCH_DEST        0x4000000UL /* 64 MiB: the destination base */
#define BENCH_MAX_PAGES   (64UL << 20 >> PAGE_SHIFT)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    /* clang-format on */
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t tsc_khz;

/* A value in tenths as a plain decimal "N.D". */
static void bench_line(const char *name, uint64_t tenths, const char *unit,
                       const char *ref, uint64_t ref_tenths)
{
    if (ref)
        printf("BENCH %s %lu.%lu %s ref=%s:%lu.%lu\n", name, tenths / 10,
               tenths % 10, unit, ref, ref_tenths / 10, ref_tenths % 10);
    else
        printf("BENCH %s %lu.%lu %s\n", name, tenths / 10, tenths % 10, unit);
}

/* MB/s (in tenths) of bytes in cycles. */
static uint64_t mbps_tenths(uint64_t bytes, uint64_t cycles)
{
    /* bytes / (cycles / (khz * 1000)) / 10^6 * 10 */
    return cycles ? bytes * tsc_khz / cycles / 100 : 0;
}

/* Microseconds (in tenths) of cycles. */
static uint64_t us_tenths(uint64_t cycles)
{
    return cycles * 10000 / tsc_khz;
}

static long bench_copy(uint64_t bytes, struct debug_bench_copy *bc)
{
    bc->bytes = bytes;
    return hypercall2(__HYPERVISOR_debug_op, DEBUGOP_bench_copy, PTR(bc));
}

/* ---- hypercall round trips ---------------------------------------------- */

static void bench_round_trip(void)
{
    uint64_t t0, t1, t2;
    long bad = 0;

    t0 = rdtsc();
    for (unsigned int i = 0; i < BENCH_CALLS; i++)
        bad |= hc_xen_version(XENVER_version, 0) <= 0;
    t1 = rdtsc();
    for (unsigned int i = 0; i < BENCH_CALLS; i++)
        bad |= hc_sched_op(SCHEDOP_yield, 0);
    t2 = rdtsc();
    check_eq(bad, 0, "%u xen_version and %u sched_op yield calls succeed",
             BENCH_CALLS, BENCH_CALLS);
    /* ns * 10 per call = cycles * 10 / calls * 10^6 / kHz */
    bench_line("null-hypercall",
               (t1 - t0) * 10 / BENCH_CALLS * 1000000 / tsc_khz, "ns", NULL, 0);
    bench_line("sched-yield", (t2 - t1) * 10 / BENCH_CALLS * 1000000 / tsc_khz,
               "ns", NULL, 0);
}

/* ---- loads ------------------------------------------------------------------ */

static struct kexec_entry bench_ents[BENCH_MAX_PAGES + 1];

/*
 * A DEST and COPY entries of `pages` frames (one COPY per run of
 * contiguous machine frames) into [BENCH_DEST, + pages); *ld for it.  The
 * frames are dom0's first ones, after first_mfn if that is not NO_MFN.
 */
static bool build_image(uint64_t pages, uint64_t first_mfn,
                        struct kexec_load *ld)
{
    uint64_t n = 0, own = pages - (first_mfn != NO_MFN);

    if (pages > BENCH_MAX_PAGES || own > si->nr_pages) {
        error("%lu pages to copy, dom0 has %lu frames (boot with dom0_mem= "
              "large enough)",
              pages, (unsigned long)si->nr_pages);
        return false;
    }
    bench_ents[n++] = (struct kexec_entry){ .op = KEXEC_OP_DEST,
                                            .arg0 = BENCH_DEST };
    if (first_mfn != NO_MFN)
        bench_ents[n++] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                                .arg0 = first_mfn,
                                                .arg1 = 1 };
    for (uint64_t g = 0; g < own; g++) {
        uint64_t mfn = gfn_to_mfn(g);
        struct kexec_entry *last = &bench_ents[n - 1];

        if (mfn == P2M_INVALID) {
            error("dom0 frame %lu has no machine frame", g);
            return false;
        }
        if (last->op == KEXEC_OP_COPY && last->arg0 + last->arg1 == mfn)
            last->arg1++;
        else
            bench_ents[n++] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                                    .arg0 = mfn,
                                                    .arg1 = 1 };
    }
    *ld = (struct kexec_load){
        .size = sizeof(*ld),
        .type = KEXEC_TYPE_DEFAULT,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = BENCH_DEST,
        .entries = PTR(bench_ents),
        .nr_entries = n,
    };
    return true;
}

/* The cycles of one load of ld (then unloaded), or 0 after a FAIL line. */
static uint64_t timed_load(struct kexec_load *ld, const char *what)
{
    uint64_t t0, t1;
    long rc;

    t0 = rdtsc();
    rc = kx_load(ld);
    t1 = rdtsc();
    if (rc) {
        fail("load %s: %ld (bad_entry %#lx)", what, rc, ld->bad_entry);
        return 0;
    }
    rc = kx_unload(KEXEC_TYPE_DEFAULT);
    if (rc) {
        fail("unload after %s: %ld", what, rc);
        return 0;
    }
    return t1 - t0;
}

static void bench_load(const char *name, uint64_t bytes)
{
    struct debug_bench_copy bc;
    struct kexec_load ld;
    uint64_t cycles;
    char hv_name[32];
    long rc;

    if (!build_image(bytes >> PAGE_SHIFT, NO_MFN, &ld))
        return;
    /* A first load, not timed: QEMU gives the guest's RAM host pages at
       their first touch, which would be timed here instead of the load. */
    if (!timed_load(&ld, name))
        return;
    cycles = timed_load(&ld, name);
    rc = bench_copy(bytes, &bc);
    if (!check_eq(rc, 0,
                  "%s: load of %lu pages (%lu entries), and "
                  "bench_copy of as many bytes",
                  name, bytes >> PAGE_SHIFT, (unsigned long)ld.nr_entries) ||
        !cycles)
        return;
    info("%s: load %lu cycles, hypervisor memcpy %lu, rep movsq %lu, "
         "memcpy by pages %lu",
         name, cycles, bc.memcpy_cycles, bc.movsq_cycles,
         bc.memcpy_page_cycles);
    bench_line(name, mbps_tenths(bytes, cycles), "MB/s", "memcpy",
               mbps_tenths(bytes, bc.memcpy_cycles));
    /* "hv-movsq-16MiB" for "load-16MiB" */
    snprintf(hv_name, sizeof(hv_name), "hv-movsq-%s", name + 5);
    bench_line(hv_name, mbps_tenths(bytes, bc.movsq_cycles), "MB/s", "memcpy",
               mbps_tenths(bytes, bc.memcpy_cycles));
    snprintf(hv_name, sizeof(hv_name), "hv-memcpy-pages-%s", name + 5);
    bench_line(hv_name, mbps_tenths(bytes, bc.memcpy_page_cycles), "MB/s",
               "memcpy", mbps_tenths(bytes, bc.memcpy_cycles));
}

static void bench_fixed_load(void)
{
    uint64_t us[BENCH_FIXED_LOADS];
    struct kexec_load ld;
    char all[BENCH_FIXED_LOADS * 12];
    size_t at = 0;

    if (!build_image(BENCH_FIXED_PAGES, NO_MFN, &ld))
        return;
    for (unsigned int i = 0; i < BENCH_FIXED_LOADS; i++) {
        uint64_t c = timed_load(&ld, "load-fixed-14pages");

        if (!c)
            return;
        us[i] = us_tenths(c);
        at += snprintf(all + at, sizeof(all) - at, " %lu.%lu", us[i] / 10,
                       us[i] % 10);
    }
    check_eq(kx_status(KEXEC_TYPE_DEFAULT), 0,
             "%u loads of %u pages, each "
             "unloaded: no default image left",
             BENCH_FIXED_LOADS, BENCH_FIXED_PAGES);
    info("load-fixed-14pages samples (us):%s", all);
    /* insertion sort: 20 values */
    for (unsigned int i = 1; i < BENCH_FIXED_LOADS; i++)
        for (unsigned int j = i; j && us[j - 1] > us[j]; j--) {
            uint64_t t = us[j];

            us[j] = us[j - 1];
            us[j - 1] = t;
        }
    info("load-fixed-14pages: min %lu.%lu us, max %lu.%lu us", us[0] / 10,
         us[0] % 10, us[BENCH_FIXED_LOADS - 1] / 10,
         us[BENCH_FIXED_LOADS - 1] % 10);
    bench_line("load-fixed-14pages", us[BENCH_FIXED_LOADS / 2], "us", NULL, 0);
}

/* ---- relocation at exec (figure 4) ----------------------------------------- */

/*
 * The image's first page: 64-bit code at BENCH_DEST that ends the run
 * with IMAGE_EXIT_BENCH through the debug-exit port, so that the boot
 * shows the handoff reached it.  Executed only at its destination.
 */
static uint8_t reloc_stub[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE))) = {
    0xb0, IMAGE_EXIT_BENCH,      /* mov $IMAGE_EXIT_BENCH, %al */
    0xe6, IMAGE_DEBUG_EXIT_PORT, /* out %al, $0xf4 */
    0xfa, 0xf4,                  /* 1: cli; hlt */
    0xeb, 0xfc,                  /* jmp 1b */
};

/*
 * bench_reloc [reloc-pages=N]: load a DEFAULT image of N pages (default
 * 4096: 16 MiB), the stub page first, then dom0's own frames, and execute
 * it.  The hypervisor, booted with kexec_test_bench_reloc, times its
 * relocation at the handoff and prints the cycles; the stub then exits.
 * This test's own line only says what was loaded.
 */
DEFINE_TEST(bench_reloc, "a DEFAULT image executed, its relocation timed "
                         "by the hypervisor (with kexec_test_bench_reloc)")
{
    struct kexec_load ld;
    uint64_t pages = 4096, stub_mfn = va_to_mfn((uint64_t)reloc_stub);
    long rc;

    cmdline_u64("reloc-pages", &pages);
    if (!check_true(pages >= 2 && pages <= BENCH_MAX_PAGES,
                    "reloc-pages=%lu "
                    "(2 .. %lu)",
                    pages, BENCH_MAX_PAGES) ||
        !check_true(stub_mfn != NO_MFN, "the stub page has a frame") ||
        !build_image(pages, stub_mfn, &ld))
        return;
    rc = kx_load(&ld);
    if (!check_eq(rc, 0, "load of a %lu-page DEFAULT image (%lu entries)",
                  pages, (unsigned long)ld.nr_entries))
        return;
    info("executing a %lu-page image: the hypervisor times its relocation",
         pages);
    rc = kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec returned %ld", rc);
}

DEFINE_TEST(bench, "BENCH lines: hypercall round trips, kexec load throughput")
{
    struct debug_bench_copy bc;

    if (!check_eq(bench_copy(PAGE_SIZE, &bc), 0,
                  "debug_op bench_copy "
                  "(needs debug-inject)"))
        return;
    tsc_khz = bc.tsc_khz;
    if (!check_true(tsc_khz > 0, "the TSC's frequency: %lu kHz", tsc_khz))
        return;
    bench_round_trip();
    bench_fixed_load();
    bench_load("load-64KiB", 64UL << 10);
    bench_load("load-16MiB", 16UL << 20);
    bench_load("load-64MiB", 64UL << 20);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host benchmark of common/kimage.c's kimage_validate(): nanoseconds per
 * entry for lists of 2, 10, 100, ... 1,000,000 entries (2, not 1: no list
 * of one entry is valid, a COPY needs a DEST before it) (make bench-host-bin builds it
 * at -O2, without sanitizers, into build/unit/bench-validate; make test
 * runs only a smoke run of it, tests/integration/test_bench_host.py).
 *
 *   bench-validate [--max N] [--samples S] [--shuffled]
 *
 * The list (build_list()): what a loader makes, a DEST, then single-page
 * COPY and ZERO entries alternating with consecutive destinations, and a
 * new DEST (one page further on, leaving a hole) every 16 entries.
 * --shuffled puts the 16-entry groups in a random order (fixed seed):
 * the destinations then go up and down, validation's worst case.
 *
 * The method: for each size N, a sample validates ceil(65536 / N) fresh
 * copies of the list (each with its own destinations) back to back
 * between two clock_gettime (CLOCK_MONOTONIC) calls, so that at least
 * 65536 entries are timed and the clock's own cost stays below 1%; what
 * validation wrote (arg2) is undone outside the timed part.  The figure is the median over S samples
 * (default 31) of time / entries validated.  Every validation must
 * succeed: the program exits 1 otherwise.
 *
 * Output, one line per figure (tools/bench.py reads them):
 *   BENCH validate-ns-per-entry-<N> <ns> ns
 *   BENCH validate-flatness <max/min over the sizes> ratio
 * and, on stderr, the min and max sample of each size.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hv/kimage.h>

#define RAM_START  MiB(1)
#define PHYS_LIMIT GiB(64)
#define OWN_FIRST  0x100u /* the caller owns [0x100, 0x200) */
#define OWN_COUNT  0x100u
#define DEST_BASE  MiB(16)
#define GROUP      16    /* entries per DEST */
#define MIN_TIMED  65536 /* entries per sample at least */

static bool fake_owned(void *ctx, mfn_t frame)
{
    uint64_t mfn = mfn_x(frame);

    return mfn - OWN_FIRST < OWN_COUNT;
}

static bool fake_ram(void *ctx, maddr_t start_ma, uint64_t size)
{
    uint64_t start = maddr_x(start_ma);

    return start >= RAM_START && start + size >= start &&
           start + size <= PHYS_LIMIT;
}

/* xorshift64: a fixed, portable sequence for --shuffled. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct kexec_entry entry(uint16_t op, uint64_t a0, uint64_t a1)
{
    return (struct kexec_entry){ .op = op, .arg0 = a0, .arg1 = a1 };
}

/*
 * n entries: groups of GROUP (a DEST, then COPY/ZERO of one page each);
 * group g's destination is base + g * (GROUP + 1) pages, in list
 * order g = 0, 1, ... or, if shuffled, a random permutation of them.
 */
static void build_list(struct kexec_entry *ents, uint64_t n, bool shuffled,
                       uint64_t base)
{
    uint64_t groups = (n + GROUP - 1) / GROUP;
    uint64_t *order = malloc(groups * sizeof(*order));

    if (!order)
        abort();
    for (uint64_t g = 0; g < groups; g++)
        order[g] = g;
    if (shuffled)
        for (uint64_t g = groups - 1; g > 0; g--) {
            uint64_t k = rng() % (g + 1), t = order[g];

            order[g] = order[k];
            order[k] = t;
        }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t g = i / GROUP, k = i % GROUP;

        if (k == 0)
            ents[i] = entry(KEXEC_OP_DEST,
                            base + order[g] * (GROUP + 1) * PAGE_SIZE, 0);
        else if (k & 1)
            ents[i] = entry(KEXEC_OP_COPY, OWN_FIRST + i % OWN_COUNT, 1);
        else
            ents[i] = entry(KEXEC_OP_ZERO, 0, 1);
    }
    free(order);
}

/* The bytes of destination address space one list spans, holes included. */
static uint64_t region_bytes(uint64_t n)
{
    return (n + GROUP - 1) / GROUP * (GROUP + 1) * PAGE_SIZE;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The destination record one validation needs (kimage.h): nothing to
   clear between validations. */
static struct kimage_dests dests;

static void dests_init(struct kimage_machine *m, uint64_t max_n)
{
    dests.runs = calloc(max_n, sizeof(*dests.runs));
    if (!dests.runs)
        abort();
    m->dests = &dests;
}

/* Undo what validation wrote into the list (arg2 of COPY and ZERO). */
static void clear_arg2(struct kexec_entry *ents, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (ents[i].op == KEXEC_OP_COPY || ents[i].op == KEXEC_OP_ZERO)
            ents[i].arg2 = 0;
}

/* Median ns per entry of n-entry lists; min and max samples returned too. */
static double bench_size(struct kimage_machine *m, uint64_t n, unsigned samples,
                         bool shuffled, double *min, double *max)
{
    uint64_t copies = (MIN_TIMED + n - 1) / n;
    struct kexec_entry *ents = malloc(copies * n * sizeof(*ents));
    double *t = malloc(samples * sizeof(*t));
    struct kexec_load hdr = {
        .size = sizeof(hdr),
        .type = KEXEC_TYPE_DEFAULT,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = 0,
        .nr_entries = n,
    };
    double median;

    if (!ents || !t)
        abort();
    /* each copy its own destinations: the copies of a sample are
       validated one after the other with nothing undone between them */
    for (uint64_t c = 0; c < copies; c++)
        build_list(&ents[c * n], n, shuffled, DEST_BASE + c * region_bytes(n));
    m->max_entries = m->max_pages = m->max_map_pages = n;

    for (unsigned s = 0; s < samples; s++) {
        uint64_t t0, t1;

        t0 = now_ns();
        for (uint64_t c = 0; c < copies; c++) {
            struct kexec_entry *list = &ents[c * n];
            struct kimage_summary sum;
            uint64_t bad;
            const char *why;
            int rc;

            hdr.entries = (uintptr_t)list;
            hdr.entry_maddr = list[0].arg0; /* the first destination page */
            rc = kimage_validate(&hdr, list, m, &sum, &bad, &why);
            if (rc) {
                fprintf(stderr,
                        "bench-validate: %lu entries: refused %d at "
                        "%ld: %s\n",
                        (unsigned long)n, rc, (long)bad, why);
                exit(1);
            }
        }
        t1 = now_ns();
        t[s] = (double)(t1 - t0) / (double)(copies * n);
        clear_arg2(ents, copies * n);
    }
    qsort(t, samples, sizeof(*t), cmp_double);
    *min = t[0];
    *max = t[samples - 1];
    median = samples & 1 ? t[samples / 2]
                         : (t[samples / 2 - 1] + t[samples / 2]) / 2;
    free(t);
    free(ents);
    return median;
}

int main(int argc, char **argv)
{
    uint64_t max_n = 1000000;
    unsigned samples = 31;
    bool shuffled = false;
    struct kimage_machine m = {
        .frame_owned = fake_owned,
        .is_ram = fake_ram,
        .phys_limit = PHYS_LIMIT,
        .hv_start = MiB(2),
        .hv_end = MiB(4),
    };
    double lo = 0, hi = 0;
    const char *prefix;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max") && i + 1 < argc)
            max_n = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
            samples = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--shuffled"))
            shuffled = true;
        else {
            fprintf(stderr, "usage: %s [--max N] [--samples S] [--shuffled]\n",
                    argv[0]);
            return 2;
        }
    }
    if (!samples || max_n < 2 || max_n > 1000000) {
        fprintf(stderr, "bench-validate: --max 2..1000000, --samples >= 1\n");
        return 2;
    }
    prefix = shuffled ? "validate-shuffled" : "validate";
    dests_init(&m, max_n);
    /* 2, 10, 100, ...: no list of 1 entry is valid (a COPY needs a DEST) */
    for (uint64_t n = 2; n <= max_n; n = n == 2 ? 10 : n * 10) {
        double min, max, med = bench_size(&m, n, samples, shuffled, &min, &max);

        printf("BENCH %s-ns-per-entry-%lu %.2f ns\n", prefix, (unsigned long)n,
               med);
        fprintf(stderr,
                "  %lu entries: median %.2f, min %.2f, max %.2f ns "
                "per entry over %u samples\n",
                (unsigned long)n, med, min, max, samples);
        fflush(stdout);
        lo = n == 2 || med < lo ? med : lo;
        hi = med > hi ? med : hi;
    }
    printf("BENCH %s-flatness %.2f ratio\n", prefix, hi / lo);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-bench-load: the cost of one KEXEC_CMD_kexec_load of a small image
 * (check64, modules[0], as a DEFAULT image at KX_DEFAULT_BASE), for the
 * benchmark of validation against RAM size (tests/integration/
 * test_bench_load.py boots it with 1 GiB and with 64 GiB).
 *
 * The list is built once; the same list is loaded KX_BENCH_LOADS times
 * (each load replaces the image before it: the hypervisor's copy of the
 * list, validation, the build, the swap and the free of the old image,
 * and its console line, are all timed), with rdtsc right around the
 * hypercall.  One line gives the median, min and max in TSC cycles; the
 * pytest turns cycles into microseconds with the hypervisor's "TSC: ...
 * MHz" boot line.
 */
#include "kexec-guest.h"

#define KX_BENCH_LOADS 21

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    /* clang-format on */
    return ((uint64_t)hi << 32) | lo;
}

DEFINE_KX_TEST(kexec_bench_load, "kexec-bench-load",
               "cycles of one load of a small image, median of 21")
{
    struct kx_opts o = { .module = 0,
                         .type = KEXEC_TYPE_DEFAULT,
                         .base = KX_DEFAULT_BASE,
                         .image_id = 1 };
    uint64_t t[KX_BENCH_LOADS];
    struct kexec_load ld;
    struct kxl_result res;
    unsigned int ok = 0;

    if (kx_build(&o, &ld, &res))
        return;
    for (unsigned int i = 0; i < KX_BENCH_LOADS; i++) {
        uint64_t t0 = rdtsc();
        long rc = kx_load(&ld);

        t[i] = rdtsc() - t0;
        ok += rc == 0;
    }
    if (!check_eq(ok, KX_BENCH_LOADS,
                  "every one of %u loads of the same "
                  "image succeeded",
                  KX_BENCH_LOADS))
        return;
    /* insertion sort: 21 values */
    for (unsigned int i = 1; i < KX_BENCH_LOADS; i++)
        for (unsigned int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            uint64_t x = t[j];

            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    info("bench-load: %u loads of %lu entries (%lu pages): median %lu "
         "cycles, min %lu, max %lu",
         KX_BENCH_LOADS, (unsigned long)ld.nr_entries,
         (unsigned long)(res.copy_pages + res.zero_pages),
         (unsigned long)t[KX_BENCH_LOADS / 2], (unsigned long)t[0],
         (unsigned long)t[KX_BENCH_LOADS - 1]);
    check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "unload the default image");
}

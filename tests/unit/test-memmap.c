/* SPDX-License-Identifier: GPL-2.0-only */
/* common/memmap.c: memmap_normalise() sorts, drops and merges. */
#include "harness.h"

#include <hv/boot-info.h>

static struct boot_info bi;

static void set_map(const struct mem_region *m, unsigned int n)
{
    memset(&bi, 0, sizeof(bi));
    if (n)
        memcpy(bi.mem, m, n * sizeof(*m));
    bi.nr_mem = n;
}

static void expect_map(const struct mem_region *m, unsigned int n)
{
    ck_assert_uint_eq(bi.nr_mem, n);
    for (unsigned int i = 0; i < n; i++)
        ck_assert_msg(maddr_eq(bi.mem[i].start, m[i].start) &&
                          bi.mem[i].size == m[i].size &&
                          bi.mem[i].type == m[i].type,
                      "entry %u: %#lx+%#lx type %u, expected %#lx+%#lx type %u",
                      i, (unsigned long)maddr_x(bi.mem[i].start),
                      (unsigned long)bi.mem[i].size, bi.mem[i].type,
                      (unsigned long)maddr_x(m[i].start),
                      (unsigned long)m[i].size, m[i].type);
}

START_TEST(test_empty)
{
    set_map(NULL, 0);
    memmap_normalise(&bi);
    ck_assert_uint_eq(bi.nr_mem, 0);
}
END_TEST

START_TEST(test_sorts)
{
    static const struct mem_region in[] = {
        { { GiB(4) }, GiB(1), MEM_RAM },
        { { MiB(1) }, MiB(100), MEM_RAM },
        { { 0xfec00000 }, KiB(4), MEM_RESERVED },
        { { 0 }, KiB(640), MEM_RAM },
        { { MiB(200) }, MiB(1), MEM_ACPI },
    };
    static const struct mem_region out[] = {
        { { 0 }, KiB(640), MEM_RAM },
        { { MiB(1) }, MiB(100), MEM_RAM },
        { { MiB(200) }, MiB(1), MEM_ACPI },
        { { 0xfec00000 }, KiB(4), MEM_RESERVED },
        { { GiB(4) }, GiB(1), MEM_RAM },
    };

    set_map(in, ARRAY_SIZE(in));
    memmap_normalise(&bi);
    expect_map(out, ARRAY_SIZE(out));
}
END_TEST

START_TEST(test_merges_touching_same_type)
{
    static const struct mem_region in[] = {
        { { MiB(2) }, MiB(2), MEM_RAM },
        { { 0 }, MiB(1), MEM_RAM },
        { { MiB(1) }, MiB(1), MEM_RAM },
        { { MiB(4) }, MiB(4), MEM_RAM },
    };
    static const struct mem_region out[] = {
        { { 0 }, MiB(8), MEM_RAM },
    };

    set_map(in, ARRAY_SIZE(in));
    memmap_normalise(&bi);
    expect_map(out, ARRAY_SIZE(out));
}
END_TEST

START_TEST(test_keeps_types_and_gaps)
{
    static const struct mem_region in[] = {
        { { 0 }, MiB(1), MEM_RAM },
        { { MiB(1) }, MiB(1), MEM_RESERVED },     /* touching, other type */
        { { MiB(2) }, MiB(1), MEM_RAM },          /* touching, other type */
        { { MiB(3) + KiB(4) }, MiB(1), MEM_RAM }, /* a 4 KiB gap */
        { { MiB(8) }, MiB(1), MEM_NVS },
        { { MiB(9) }, MiB(1), MEM_NVS }, /* merges */
    };
    static const struct mem_region out[] = {
        { { 0 }, MiB(1), MEM_RAM },
        { { MiB(1) }, MiB(1), MEM_RESERVED },
        { { MiB(2) }, MiB(1), MEM_RAM },
        { { MiB(3) + KiB(4) }, MiB(1), MEM_RAM },
        { { MiB(8) }, MiB(2), MEM_NVS },
    };

    set_map(in, ARRAY_SIZE(in));
    memmap_normalise(&bi);
    expect_map(out, ARRAY_SIZE(out));
}
END_TEST

START_TEST(test_drops_empty)
{
    static const struct mem_region in[] = {
        { { MiB(5) }, 0, MEM_RESERVED }, { { 0 }, MiB(1), MEM_RAM },
        { { MiB(1) }, 0, MEM_RESERVED }, /* empty: must not split */
        { { MiB(1) }, MiB(1), MEM_RAM }, { { 0 }, 0, MEM_RAM },
    };
    static const struct mem_region out[] = {
        { { 0 }, MiB(2), MEM_RAM },
    };

    set_map(in, ARRAY_SIZE(in));
    memmap_normalise(&bi);
    expect_map(out, ARRAY_SIZE(out));

    {
        static const struct mem_region all_empty[] = {
            { { 0 }, 0, MEM_RAM },
            { { MiB(1) }, 0, MEM_RAM },
        };

        set_map(all_empty, ARRAY_SIZE(all_empty));
        memmap_normalise(&bi);
        ck_assert_uint_eq(bi.nr_mem, 0);
    }
}
END_TEST

START_TEST(test_full_table)
{
    /* BOOT_MAX_MEM_REGIONS contiguous RAM pieces in reverse order. */
    set_map(NULL, 0);
    for (unsigned int i = 0; i < BOOT_MAX_MEM_REGIONS; i++) {
        bi.mem[i].start = _maddr((uint64_t)(BOOT_MAX_MEM_REGIONS - 1 - i) *
                                 MiB(1));
        bi.mem[i].size = MiB(1);
        bi.mem[i].type = MEM_RAM;
    }
    bi.nr_mem = BOOT_MAX_MEM_REGIONS;
    memmap_normalise(&bi);
    ck_assert_uint_eq(bi.nr_mem, 1);
    ck_assert_uint_eq(maddr_x(bi.mem[0].start), 0);
    ck_assert_uint_eq(bi.mem[0].size, BOOT_MAX_MEM_REGIONS * MiB(1));
}
END_TEST

START_TEST(test_full_table_alternating)
{
    /* Alternating types, shuffled: nothing merges, all sorted. */
    set_map(NULL, 0);
    for (unsigned int i = 0; i < BOOT_MAX_MEM_REGIONS; i++) {
        /* 37 is odd, so this is a permutation of the slots */
        unsigned int slot = (i * 37) % BOOT_MAX_MEM_REGIONS;

        bi.mem[i].start = _maddr((uint64_t)slot * MiB(1));
        bi.mem[i].size = MiB(1);
        bi.mem[i].type = slot % 2 ? MEM_RESERVED : MEM_RAM;
    }
    bi.nr_mem = BOOT_MAX_MEM_REGIONS;
    memmap_normalise(&bi);
    ck_assert_uint_eq(bi.nr_mem, BOOT_MAX_MEM_REGIONS);
    for (unsigned int i = 0; i < BOOT_MAX_MEM_REGIONS; i++) {
        ck_assert_uint_eq(maddr_x(bi.mem[i].start), (uint64_t)i * MiB(1));
        ck_assert_uint_eq(bi.mem[i].type, i % 2 ? MEM_RESERVED : MEM_RAM);
    }
}
END_TEST

START_TEST(test_idempotent)
{
    static const struct mem_region in[] = {
        { { MiB(3) }, MiB(1), MEM_RAM },
        { { 0 }, MiB(1), MEM_RAM },
        { { MiB(1) }, MiB(2), MEM_RESERVED },
        { { MiB(4) }, MiB(4), MEM_RAM },
    };
    struct mem_region once[ARRAY_SIZE(in)];
    unsigned int n;

    set_map(in, ARRAY_SIZE(in));
    memmap_normalise(&bi);
    n = bi.nr_mem;
    ck_assert_uint_eq(n, 3);
    memcpy(once, bi.mem, n * sizeof(once[0]));
    memmap_normalise(&bi);
    expect_map(once, n);
}
END_TEST

static Suite *memmap_suite(void)
{
    Suite *s = suite_create("memmap");
    TCase *tc = tcase_create("normalise");

    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_sorts);
    tcase_add_test(tc, test_merges_touching_same_type);
    tcase_add_test(tc, test_keeps_types_and_gaps);
    tcase_add_test(tc, test_drops_empty);
    tcase_add_test(tc, test_full_table);
    tcase_add_test(tc, test_full_table_alternating);
    tcase_add_test(tc, test_idempotent);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(memmap_suite());
}

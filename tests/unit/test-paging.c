/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arch/x86/mm/paging.c over host memory: page-table "frames" are 4 KiB
 * slots of a malloc'd arena and an mfn is a slot's index.  Slot 0 is
 * never handed out, so a zero entry followed as a table is caught.
 */
#include "harness.h"

#include <hv/page-alloc.h>
#include <asm/paging.h>

#define ARENA_FRAMES 256

struct arena {
    pte_t (*frames)[PT_ENTRIES];
    unsigned int used; /* slots handed out, including slot 0 */
    int budget;        /* tables still allowed; < 0: unlimited */
};

static struct arena arena;
static mfn_t root;

static mfn_t arena_alloc(void *ctx)
{
    struct arena *a = ctx;

    if (a->budget == 0 || a->used == ARENA_FRAMES)
        return INVALID_MFN;
    if (a->budget > 0)
        a->budget--;
    /* Dirty first: map_pages must not rely on anything but "zeroed". */
    memset(a->frames[a->used], 0, PAGE_SIZE);
    return _mfn(a->used++);
}

static pte_t *arena_va(void *ctx, mfn_t frame)
{
    struct arena *a = ctx;
    uint64_t mfn = mfn_x(frame);

    ck_assert_msg(mfn > 0 && mfn < a->used, "table_va(%#lx): not a table",
                  (unsigned long)mfn);
    return a->frames[mfn];
}

static const struct pt_ops ops = {
    .alloc_table = arena_alloc,
    .table_va = arena_va,
    .ctx = &arena,
};

/* The tests name addresses and frames as numbers; the mapper is typed. */
static int n_map_pages(const struct pt_ops *o, mfn_t r, uint64_t va,
                       uint64_t mfn, uint64_t count, uint64_t flags)
{
    return map_pages(o, r, _vaddr(va), _mfn(mfn), count, flags);
}

static pte_t n_lookup_pte(const struct pt_ops *o, mfn_t r, uint64_t va,
                          int *level)
{
    return lookup_pte(o, r, _vaddr(va), level);
}

static void setup(void)
{
    arena.frames = aligned_alloc(PAGE_SIZE, ARENA_FRAMES * PAGE_SIZE);
    ck_assert_ptr_nonnull(arena.frames);
    memset(arena.frames, 0xa5, ARENA_FRAMES * PAGE_SIZE);
    arena.used = 1;
    arena.budget = -1;
    root = arena_alloc(&arena);
}

static void teardown(void)
{
    free(arena.frames);
}

#define FLAGS_RW  PAGE_HV_RW
#define ADDR(pte) ((pte)&PTE_ADDR_MASK)

/* The translation of va: leaf address, level, and selected flags. */
static void expect_map(uint64_t va, uint64_t mfn, int level, uint64_t flags)
{
    int lvl = -1;
    pte_t pte = n_lookup_pte(&ops, root, va, &lvl);
    uint64_t check = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX;

    ck_assert_msg(lvl == level, "va %#lx: level %d, expected %d",
                  (unsigned long)va, lvl, level);
    ck_assert_msg(pte & _PAGE_PRESENT, "va %#lx: not present",
                  (unsigned long)va);
    ck_assert_msg(ADDR(pte) == mfn << PAGE_SHIFT,
                  "va %#lx: maps %#lx, expected %#lx", (unsigned long)va,
                  (unsigned long)ADDR(pte), (unsigned long)(mfn << PAGE_SHIFT));
    ck_assert_msg((pte & check) == (flags & check),
                  "va %#lx: flags %#lx, expected %#lx", (unsigned long)va,
                  (unsigned long)(pte & check), (unsigned long)(flags & check));
    ck_assert_msg(!!(pte & _PAGE_PSE) == (level == 2),
                  "va %#lx: PSE %d at level %d", (unsigned long)va,
                  !!(pte & _PAGE_PSE), level);
    /* The MAP_* requests are not PTE bits. */
    ck_assert(!(pte & (MAP_SMALL_ONLY | MAP_REPLACE)));
}

static void expect_unmapped(uint64_t va)
{
    int lvl = -1;

    ck_assert_msg(n_lookup_pte(&ops, root, va, &lvl) == 0,
                  "va %#lx: still mapped", (unsigned long)va);
    ck_assert_int_eq(lvl, 0);
}

/* The entry for va at level 4, 3 or 2, read straight from the tables. */
static pte_t walk(uint64_t va, int level)
{
    static const int shifts[] = { 0, L1_SHIFT, L2_SHIFT, L3_SHIFT, L4_SHIFT };
    pte_t *t = arena_va(&arena, root);

    for (int l = 4;; l--) {
        pte_t e = t[pt_index(va, shifts[l])];

        if (l == level)
            return e;
        ck_assert_msg(e & _PAGE_PRESENT, "va %#lx: level %d not present",
                      (unsigned long)va, l);
        t = arena_va(&arena, pte_mfn(e));
    }
}

/* Every present table entry reachable from the root points at a table. */
static unsigned int check_tree(mfn_t t, int level)
{
    pte_t *tab = arena_va(&arena, t);
    unsigned int tables = 1;

    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        if (!(tab[i] & _PAGE_PRESENT) || level == 1 ||
            (level == 2 && (tab[i] & _PAGE_PSE)))
            continue;
        tables += check_tree(pte_mfn(tab[i]), level - 1);
    }
    return tables;
}

#define VA_LOW  0x0000000040000000UL /* 1 GiB */
#define VA_HIGH 0xffff830000000000UL /* the directmap */

START_TEST(test_map_4k)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH + 0x3000, 0x12345, 1,
                                 FLAGS_RW),
                     0);
    expect_map(VA_HIGH + 0x3000, 0x12345, 1, FLAGS_RW);
    expect_unmapped(VA_HIGH + 0x2000);
    expect_unmapped(VA_HIGH + 0x4000);
    expect_unmapped(VA_LOW + 0x3000);
    /* root, L3, L2, L1 */
    ck_assert_uint_eq(arena.used, 5);

    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x777, 1, PAGE_HV_RO), 0);
    expect_map(VA_LOW, 0x777, 1, PAGE_HV_RO);
    ck_assert(!(n_lookup_pte(&ops, root, VA_LOW, &(int){ 0 }) & _PAGE_RW));
    expect_map(VA_HIGH + 0x3000, 0x12345, 1, FLAGS_RW);
    ck_assert_uint_eq(check_tree(root, 4), arena.used - 1);
}
END_TEST

START_TEST(test_map_range)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + 0x1ff000, 0x1000, 16,
                                 FLAGS_RW),
                     0);
    /* Crosses a 2 MiB boundary; every page its own frame. */
    for (uint64_t i = 0; i < 16; i++)
        expect_map(VA_LOW + 0x1ff000 + i * PAGE_SIZE, 0x1000 + i, 1, FLAGS_RW);
    expect_unmapped(VA_LOW + 0x1fe000);
    expect_unmapped(VA_LOW + 0x1ff000 + 16 * PAGE_SIZE);
    /* count 0 maps nothing */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x1, 0, FLAGS_RW), 0);
    expect_unmapped(VA_HIGH);
}
END_TEST

START_TEST(test_superpage)
{
    unsigned int before;

    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x200, 512, FLAGS_RW), 0);
    expect_map(VA_LOW, 0x200, 2, FLAGS_RW);
    {
        int lvl;
        pte_t a = n_lookup_pte(&ops, root, VA_LOW, &lvl);
        pte_t b = n_lookup_pte(&ops, root, VA_LOW + 0x1ff000, &lvl);

        ck_assert_uint_eq(a, b); /* one entry for the whole 2 MiB */
        ck_assert_int_eq(lvl, 2);
    }
    expect_unmapped(VA_LOW + SUPERPAGE_SIZE);

    /* 513 pages: a superpage, then one 4 KiB page (the only new table). */
    before = arena.used;
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + 4 * SUPERPAGE_SIZE, 0x400,
                                 513, FLAGS_RW),
                     0);
    expect_map(VA_LOW + 4 * SUPERPAGE_SIZE, 0x400, 2, FLAGS_RW);
    expect_map(VA_LOW + 5 * SUPERPAGE_SIZE, 0x600, 1, FLAGS_RW);
    ck_assert_uint_eq(arena.used, before + 1);

    /* 1024 pages: two superpages. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x800, 1024, FLAGS_RW),
                     0);
    expect_map(VA_HIGH, 0x800, 2, FLAGS_RW);
    expect_map(VA_HIGH + SUPERPAGE_SIZE + 0x5000, 0xa00, 2, FLAGS_RW);
}
END_TEST

START_TEST(test_no_superpage_when_unaligned)
{
    /* mfn not 2 MiB aligned */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x201, 512, FLAGS_RW), 0);
    expect_map(VA_LOW, 0x201, 1, FLAGS_RW);
    expect_map(VA_LOW + 0x1ff000, 0x400, 1, FLAGS_RW);

    /* va not 2 MiB aligned */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH + 0x1000, 0x400, 512,
                                 FLAGS_RW),
                     0);
    expect_map(VA_HIGH + 0x1000, 0x400, 1, FLAGS_RW);
    expect_map(VA_HIGH + SUPERPAGE_SIZE, 0x5ff, 1, FLAGS_RW);

    /* fewer than 512 pages */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH + 8 * SUPERPAGE_SIZE,
                                 0x800, 511, FLAGS_RW),
                     0);
    expect_map(VA_HIGH + 8 * SUPERPAGE_SIZE, 0x800, 1, FLAGS_RW);
}
END_TEST

START_TEST(test_small_only)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x200, 512,
                                 FLAGS_RW | MAP_SMALL_ONLY),
                     0);
    for (uint64_t i = 0; i < 512; i++)
        expect_map(VA_LOW + i * PAGE_SIZE, 0x200 + i, 1, FLAGS_RW);
}
END_TEST

START_TEST(test_split_on_remap)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x200, 512, FLAGS_RW), 0);
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + 5 * PAGE_SIZE, 0x9999, 1,
                                 PAGE_HV_RO | MAP_REPLACE),
                     0);
    expect_map(VA_LOW + 5 * PAGE_SIZE, 0x9999, 1, PAGE_HV_RO);
    /* The other 511 pages keep their translation and permissions. */
    for (uint64_t i = 0; i < 512; i++)
        if (i != 5)
            expect_map(VA_LOW + i * PAGE_SIZE, 0x200 + i, 1, FLAGS_RW);
    ck_assert_uint_eq(check_tree(root, 4), arena.used - 1);
}
END_TEST

START_TEST(test_split_on_unmap)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x400, 512, FLAGS_RW), 0);
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH + 0x10000, 0, 2, 0), 0);
    expect_unmapped(VA_HIGH + 0x10000);
    expect_unmapped(VA_HIGH + 0x11000);
    for (uint64_t i = 0; i < 512; i++)
        if (i != 0x10 && i != 0x11)
            expect_map(VA_HIGH + i * PAGE_SIZE, 0x400 + i, 1, FLAGS_RW);
}
END_TEST

START_TEST(test_eexist)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x100, 1, FLAGS_RW), 0);
    /* Another target or other flags: refused, old mapping intact. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x101, 1, FLAGS_RW),
                     -EEXIST);
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x100, 1, PAGE_HV_RO),
                     -EEXIST);
    expect_map(VA_LOW, 0x100, 1, FLAGS_RW);
    /* The very same mapping again is fine. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x100, 1, FLAGS_RW), 0);
    /* MAP_REPLACE overwrites. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x101, 1,
                                 PAGE_HV_RO | MAP_REPLACE),
                     0);
    expect_map(VA_LOW, 0x101, 1, PAGE_HV_RO);

    /* A different 4 KiB page inside a superpage, without MAP_REPLACE. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x200, 512, FLAGS_RW), 0);
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH + 0x3000, 0x5, 1,
                                 FLAGS_RW),
                     -EEXIST);
    expect_map(VA_HIGH + 0x3000, 0x200, 2, FLAGS_RW); /* not split */
    /* ...while the page it already maps is fine. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH + 0x3000, 0x203, 1,
                                 FLAGS_RW),
                     0);
    /* A whole superpage over a different one. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x400, 512, FLAGS_RW),
                     -EEXIST);
    expect_map(VA_HIGH, 0x200, 2, FLAGS_RW);
}
END_TEST

START_TEST(test_unmap)
{
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x100, 4, FLAGS_RW), 0);
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + PAGE_SIZE, 0, 2, 0), 0);
    expect_map(VA_LOW, 0x100, 1, FLAGS_RW);
    expect_unmapped(VA_LOW + PAGE_SIZE);
    expect_unmapped(VA_LOW + 2 * PAGE_SIZE);
    expect_map(VA_LOW + 3 * PAGE_SIZE, 0x103, 1, FLAGS_RW);

    /* A whole superpage. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x200, 512, FLAGS_RW), 0);
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0, 512, 0), 0);
    expect_unmapped(VA_HIGH);
    expect_unmapped(VA_HIGH + 0x1ff000);

    /* Unmapping what was never mapped is harmless. */
    ck_assert_int_eq(n_map_pages(&ops, root, 0xffff880000000000UL, 0, 3, 0), 0);
    /* and the page can be mapped afresh */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + PAGE_SIZE, 0x555, 1,
                                 FLAGS_RW),
                     0);
    expect_map(VA_LOW + PAGE_SIZE, 0x555, 1, FLAGS_RW);
}
END_TEST

START_TEST(test_einval)
{
    unsigned int before = arena.used;

    /* Non-canonical: bit 47 not copied upwards, or upper bits junk. */
    ck_assert_int_eq(n_map_pages(&ops, root, 0x0000800000000000UL, 1, 1,
                                 FLAGS_RW),
                     -EINVAL);
    ck_assert_int_eq(n_map_pages(&ops, root, 0xffff7ffffffff000UL, 1, 1,
                                 FLAGS_RW),
                     -EINVAL);
    ck_assert_int_eq(n_map_pages(&ops, root, 0x1234000000000000UL, 1, 1,
                                 FLAGS_RW),
                     -EINVAL);
    /* A range running into the hole. */
    ck_assert_int_eq(n_map_pages(&ops, root, 0x00007ffffffff000UL, 1, 2,
                                 FLAGS_RW),
                     -EINVAL);
    /* Not page aligned. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + 0x800, 1, 1, FLAGS_RW),
                     -EINVAL);
    ck_assert_uint_eq(arena.used, before); /* nothing built */
}
END_TEST

START_TEST(test_enomem)
{
    unsigned int tables;

    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x100, 1, FLAGS_RW), 0);
    tables = check_tree(root, 4);

    /* A va in a fresh L4 slot needs L3, L2 and L1: allow 0, 1 or 2. */
    for (int budget = 0; budget < 3; budget++) {
        uint64_t va = VA_HIGH + ((uint64_t)(budget + 1) << L4_SHIFT);

        arena.budget = budget;
        ck_assert_int_eq(n_map_pages(&ops, root, va, 0x200, 1, FLAGS_RW),
                         -ENOMEM);
        expect_unmapped(va);
        expect_map(VA_LOW, 0x100, 1, FLAGS_RW);
        /* Whatever was built is a well-formed (empty) tree. */
        tables = check_tree(root, 4);
        ck_assert_uint_eq(tables, arena.used - 1);
    }
    arena.budget = -1;
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x200, 1, FLAGS_RW), 0);
    expect_map(VA_HIGH, 0x200, 1, FLAGS_RW);
    expect_map(VA_LOW, 0x100, 1, FLAGS_RW);
}
END_TEST

START_TEST(test_enomem_split)
{
    int lvl;
    pte_t before;

    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x200, 512, FLAGS_RW), 0);
    before = n_lookup_pte(&ops, root, VA_LOW, &lvl);
    arena.budget = 0;
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW + 0x5000, 0x7, 1,
                                 FLAGS_RW | MAP_REPLACE),
                     -ENOMEM);
    /* The superpage is still whole and unchanged. */
    ck_assert_uint_eq(n_lookup_pte(&ops, root, VA_LOW + 0x5000, &lvl), before);
    ck_assert_int_eq(lvl, 2);
    ck_assert_uint_eq(check_tree(root, 4), arena.used - 1);
}
END_TEST

START_TEST(test_intermediate_flags)
{
    const uint64_t upper = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;

    /* A user leaf: U on every level above it. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_LOW, 0x100, 1,
                                 PAGE_HV_RO | _PAGE_USER),
                     0);
    for (int l = 4; l >= 2; l--) {
        pte_t e = walk(VA_LOW, l);

        ck_assert_msg((e & upper) == upper, "level %d: %#lx", l,
                      (unsigned long)e);
        ck_assert_msg(e & _PAGE_USER, "level %d: no U", l);
        ck_assert_msg(!(e & _PAGE_NX), "level %d: NX above a leaf", l);
    }
    expect_map(VA_LOW, 0x100, 1, PAGE_HV_RO | _PAGE_USER);

    /* A supervisor, read-only leaf elsewhere: no U, but still RW above. */
    ck_assert_int_eq(n_map_pages(&ops, root, VA_HIGH, 0x200, 1, PAGE_HV_RO), 0);
    for (int l = 4; l >= 2; l--) {
        pte_t e = walk(VA_HIGH, l);

        ck_assert_msg((e & upper) == upper, "level %d: %#lx", l,
                      (unsigned long)e);
        ck_assert_msg(!(e & _PAGE_USER), "level %d: U set", l);
    }

    /* A user superpage: U at levels 4 and 3. */
    ck_assert_int_eq(n_map_pages(&ops, root, 0x0000400000000000UL, 0x400, 512,
                                 FLAGS_RW | _PAGE_USER),
                     0);
    ck_assert(walk(0x0000400000000000UL, 4) & _PAGE_USER);
    ck_assert(walk(0x0000400000000000UL, 3) & _PAGE_USER);
    expect_map(0x0000400000000000UL, 0x400, 2, FLAGS_RW | _PAGE_USER);
}
END_TEST

static Suite *paging_suite(void)
{
    Suite *s = suite_create("paging");
    TCase *tc = tcase_create("map_pages");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_map_4k);
    tcase_add_test(tc, test_map_range);
    tcase_add_test(tc, test_superpage);
    tcase_add_test(tc, test_no_superpage_when_unaligned);
    tcase_add_test(tc, test_small_only);
    tcase_add_test(tc, test_split_on_remap);
    tcase_add_test(tc, test_split_on_unmap);
    tcase_add_test(tc, test_eexist);
    tcase_add_test(tc, test_unmap);
    tcase_add_test(tc, test_einval);
    tcase_add_test(tc, test_enomem);
    tcase_add_test(tc, test_enomem_split);
    tcase_add_test(tc, test_intermediate_flags);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(paging_suite());
}

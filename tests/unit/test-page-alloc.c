/* SPDX-License-Identifier: GPL-2.0-only */
/* common/page-alloc.c: accounting, placement rules and misuse detection. */
#include "harness.h"

#include <hv/page-alloc.h>

/*
 * These tests reason in plain frame numbers and byte addresses; the
 * allocator's interface is typed (hv/addr.h).  The n_ wrappers convert.
 */
#define N_INVALID mfn_x(INVALID_MFN)
static uint64_t n_alloc_frames(uint64_t count, uint64_t align, uint64_t limit)
{
    return mfn_x(alloc_frames(count, align, _mfn(limit)));
}
static uint64_t n_alloc_frame(uint64_t limit)
{
    return n_alloc_frames(1, 1, limit);
}
static void n_free_frames(uint64_t mfn, uint64_t n)
{
    free_frames(_mfn(mfn), n);
}
static void n_free_frame(uint64_t mfn)
{
    free_frame(_mfn(mfn));
}
static bool n_frame_is_free(uint64_t mfn)
{
    return frame_is_free(_mfn(mfn));
}
static void n_frames_add(uint64_t start, uint64_t size)
{
    frames_add(_maddr(start), size);
}
static void n_frames_reserve(uint64_t start, uint64_t size)
{
    frames_reserve(_maddr(start), size);
}
static void n_frames_init(uint64_t *bitmap, uint64_t max)
{
    frames_init(bitmap, _mfn(max));
}
static uint64_t n_frames_max_mfn(void)
{
    return mfn_x(frames_max_mfn());
}

#define MAX_MFN 4096 /* 16 MiB of "RAM" */

static uint64_t bitmap[MAX_MFN / 64 + 1];

static struct frame_stats stats(void)
{
    struct frame_stats st;

    frames_get_stats(&st);
    ck_assert_uint_eq(st.total, st.free + st.allocated);
    return st;
}

static void setup(void)
{
    memset(bitmap, 0, sizeof(bitmap));
    n_frames_init(bitmap, MAX_MFN);
    harness_printk_count = 0;
}

START_TEST(test_init)
{
    struct frame_stats st = stats();

    ck_assert_uint_eq(st.total, 0);
    ck_assert_uint_eq(st.free, 0);
    ck_assert_uint_eq(st.reserved, 0);
    ck_assert_uint_eq(st.allocated, 0);
    ck_assert_uint_eq(st.bad_frees, 0);
    ck_assert_uint_eq(n_frames_max_mfn(), MAX_MFN);
    for (uint64_t m = 0; m < MAX_MFN; m++)
        ck_assert(!n_frame_is_free(m));
    ck_assert_uint_eq(n_alloc_frame(0), N_INVALID);
}
END_TEST

START_TEST(test_add_whole)
{
    struct frame_stats st;

    n_frames_add(0, MAX_MFN * PAGE_SIZE);
    st = stats();
    /* frame 0 is never made available */
    ck_assert_uint_eq(st.total, MAX_MFN - 1);
    ck_assert_uint_eq(st.free, MAX_MFN - 1);
    ck_assert(!n_frame_is_free(0));
    ck_assert(n_frame_is_free(1));
    ck_assert(n_frame_is_free(MAX_MFN - 1));
    ck_assert(!n_frame_is_free(MAX_MFN));

    /* Adding it again, or beyond the bitmap, changes nothing. */
    n_frames_add(0, 2 * MAX_MFN * PAGE_SIZE);
    n_frames_add(PAGE_SIZE, PAGE_SIZE);
    st = stats();
    ck_assert_uint_eq(st.total, MAX_MFN - 1);
    ck_assert_uint_eq(st.free, MAX_MFN - 1);
}
END_TEST

START_TEST(test_add_rounds_inward)
{
    struct frame_stats st;

    /* Bytes [0x1800, 0x4800): only frames 2 and 3 are wholly inside. */
    n_frames_add(0x1800, 0x3000);
    st = stats();
    ck_assert_uint_eq(st.total, 2);
    ck_assert(!n_frame_is_free(1));
    ck_assert(n_frame_is_free(2));
    ck_assert(n_frame_is_free(3));
    ck_assert(!n_frame_is_free(4));

    /* Less than a frame: nothing. */
    n_frames_add(0x10800, 0xfff);
    n_frames_add(0x20001, 0x1000);
    ck_assert_uint_eq(stats().total, 2);
}
END_TEST

START_TEST(test_add_overlapping)
{
    struct frame_stats st;

    n_frames_add(0x10000, 0x10000); /* frames 0x10-0x1f */
    n_frames_add(0x18000, 0x10000); /* 0x18-0x27: 8 new */
    n_frames_add(0x8000, 0x40000);  /* 0x08-0x47: covers both */
    n_frames_add(0x48000, 0x1000);  /* touching on the right */
    st = stats();
    ck_assert_uint_eq(st.total, 0x49 - 0x08);
    ck_assert_uint_eq(st.free, 0x49 - 0x08);
    for (uint64_t m = 0; m < 0x60; m++)
        ck_assert_msg(n_frame_is_free(m) == (m >= 0x08 && m < 0x49), "mfn %#lx",
                      (unsigned long)m);
}
END_TEST

START_TEST(test_reserve_rounds_outward)
{
    struct frame_stats st;

    n_frames_add(0x10000, 0x10000); /* frames 0x10-0x1f */
    /* Bytes [0x12800, 0x13800) touch frames 0x12 and 0x13. */
    n_frames_reserve(0x12800, 0x1000);
    st = stats();
    ck_assert_uint_eq(st.total, 14);
    ck_assert_uint_eq(st.free, 14);
    ck_assert_uint_eq(st.reserved, 2);
    ck_assert(n_frame_is_free(0x11));
    ck_assert(!n_frame_is_free(0x12));
    ck_assert(!n_frame_is_free(0x13));
    ck_assert(n_frame_is_free(0x14));

    /* A single byte takes its whole frame. */
    n_frames_reserve(0x1ffff, 1);
    ck_assert(!n_frame_is_free(0x1f));
    ck_assert_uint_eq(stats().reserved, 3);
}
END_TEST

START_TEST(test_reserve_accounting)
{
    struct frame_stats st;

    n_frames_add(0x10000, 0x10000);      /* 16 frames */
    n_frames_reserve(0x100000, 0x10000); /* not RAM: no effect */
    n_frames_reserve(0x12000, 0x2000);   /* 2 frames */
    n_frames_reserve(0x12000, 0x3000);   /* 1 more; 2 already gone */
    n_frames_reserve(0xe000, 0x4000);    /* straddles the start: 2 */
    st = stats();
    ck_assert_uint_eq(st.reserved, 5);
    ck_assert_uint_eq(st.total, 11);
    ck_assert_uint_eq(st.free, 11);

    /* RAM added back after a reservation is available again. */
    n_frames_add(0x12000, 0x1000);
    st = stats();
    ck_assert_uint_eq(st.total, 12);
    ck_assert(n_frame_is_free(0x12));
}
END_TEST

START_TEST(test_never_zero)
{
    n_frames_add(0, 2 * PAGE_SIZE); /* frames 0 and 1 */
    ck_assert_uint_eq(stats().total, 1);
    ck_assert_uint_eq(n_alloc_frame(0), 1);
    ck_assert_uint_eq(n_alloc_frame(0), N_INVALID);
    ck_assert_uint_eq(n_alloc_frames(2, 1, 0), N_INVALID);
}
END_TEST

START_TEST(test_limit)
{
    unsigned int n = 0;
    uint64_t m;

    n_frames_add(0, MAX_MFN * PAGE_SIZE);
    while ((m = n_alloc_frame(0x100)) != N_INVALID) {
        ck_assert_uint_lt(m, 0x100);
        ck_assert_uint_gt(m, 0);
        n++;
    }
    ck_assert_uint_eq(n, 0xff); /* frames 1-0xff */
    ck_assert_uint_eq(stats().allocated, 0xff);

    /* Higher frames are still there for a looser limit. */
    m = n_alloc_frame(0);
    ck_assert_uint_ge(m, 0x100);
    m = n_alloc_frame(MAX_MFN * 8); /* limit above max: same as none */
    ck_assert_uint_ge(m, 0x100);
    ck_assert_uint_lt(m, MAX_MFN);
    ck_assert_uint_eq(n_alloc_frames(2, 1, 0x101), N_INVALID);
}
END_TEST

START_TEST(test_contiguous_aligned)
{
    uint64_t m;

    n_frames_add(PAGE_SIZE, 39 * PAGE_SIZE); /* frames 1-39 */
    n_frames_reserve(8 * PAGE_SIZE, PAGE_SIZE);

    /* [1, 8) is free but 8 is not: the first aligned run of 8 is 16. */
    m = n_alloc_frames(8, 8, 0);
    ck_assert_uint_eq(m, 16);
    for (uint64_t i = 16; i < 24; i++)
        ck_assert(!n_frame_is_free(i));
    ck_assert(n_frame_is_free(15));
    ck_assert(n_frame_is_free(24));
    ck_assert_uint_eq(stats().allocated, 8);

    /* Unaligned runs come first-fit from the hint. */
    m = n_alloc_frames(5, 1, 0);
    ck_assert_uint_eq(m, 24);
    m = n_alloc_frames(16, 1, 0); /* no run of 16 anywhere */
    ck_assert_uint_eq(m, N_INVALID);
    m = n_alloc_frames(7, 1, 0);
    ck_assert_uint_eq(m, 29);
    m = n_alloc_frames(7, 1, 0); /* only 36-39 left above: wraps */
    ck_assert_uint_eq(m, 1);
    m = n_alloc_frames(4, 4, 0); /* from the hint (8): 12, not 9 */
    ck_assert_uint_eq(m, 12);
    ck_assert_uint_eq(stats().free, 7); /* 9-11 and 36-39 */
    ck_assert_uint_eq(stats().allocated, 31);
}
END_TEST

START_TEST(test_big_aligned)
{
    uint64_t m;

    n_frames_add(0, MAX_MFN * PAGE_SIZE);
    m = n_alloc_frames(512, 512, 0);
    ck_assert_uint_eq(m, 512); /* 0 is aligned but never used */
    m = n_alloc_frames(512, 512, 0);
    ck_assert_uint_eq(m, 1024);
    m = n_alloc_frames(1, 2048, 0);
    ck_assert_uint_eq(m, 2048);
    ck_assert_uint_eq(n_alloc_frames(1, 4096, 0), N_INVALID);
    ck_assert_uint_eq(n_alloc_frames(MAX_MFN, 1, 0), N_INVALID);
    ck_assert_uint_eq(n_alloc_frames(UINT64_MAX, 1, 0), N_INVALID);
    ck_assert_uint_eq(n_alloc_frames(1, 1UL << 63, 0), N_INVALID);
    ck_assert_uint_eq(stats().allocated, 1025);
}
END_TEST

START_TEST(test_bad_arguments)
{
    struct frame_stats before, after;

    n_frames_add(0, MAX_MFN * PAGE_SIZE);
    before = stats();
    ck_assert_uint_eq(n_alloc_frames(0, 1, 0), N_INVALID);
    ck_assert_uint_eq(n_alloc_frames(4, 3, 0), N_INVALID); /* not 2^n */
    ck_assert_uint_eq(n_alloc_frames(4, 12, 0), N_INVALID);
    after = stats();
    ck_assert(!memcmp(&before, &after, sizeof(before)));
    /* align 0 is taken as 1 */
    ck_assert_uint_ne(n_alloc_frames(3, 0, 0), N_INVALID);
}
END_TEST

START_TEST(test_free_and_reuse)
{
    uint64_t got[16];
    struct frame_stats st;

    n_frames_add(0x100 * PAGE_SIZE, 16 * PAGE_SIZE);
    for (int i = 0; i < 16; i++) {
        got[i] = n_alloc_frame(0);
        ck_assert_uint_ge(got[i], 0x100);
        ck_assert_uint_lt(got[i], 0x110);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(got[i], got[j]);
    }
    ck_assert_uint_eq(n_alloc_frame(0), N_INVALID);
    st = stats();
    ck_assert_uint_eq(st.free, 0);
    ck_assert_uint_eq(st.allocated, 16);

    n_free_frame(got[5]);
    ck_assert(n_frame_is_free(got[5]));
    st = stats();
    ck_assert_uint_eq(st.free, 1);
    ck_assert_uint_eq(st.allocated, 15);
    ck_assert_uint_eq(n_alloc_frame(0), got[5]);
    ck_assert_uint_eq(n_alloc_frame(0), N_INVALID);

    n_free_frames(0x104, 8);
    ck_assert_uint_eq(stats().free, 8);
    ck_assert_uint_eq(n_alloc_frames(8, 4, 0), 0x104);
    ck_assert_uint_eq(stats().bad_frees, 0);
    ck_assert_uint_eq(harness_printk_count, 0);
}
END_TEST

START_TEST(test_hint_rotates)
{
    uint64_t a, b;

    n_frames_add(0, 64 * PAGE_SIZE);
    a = n_alloc_frame(0);
    n_free_frame(a);
    b = n_alloc_frame(0);
    /* Just-freed frames rest while the hint moves on. */
    ck_assert_uint_gt(b, a);
    for (int i = 0; i < 61; i++)
        ck_assert_uint_gt(n_alloc_frame(0), b);
    /* The top is used up: the search wraps round to the bottom. */
    ck_assert_uint_eq(n_alloc_frame(0), a);
    ck_assert_uint_eq(n_alloc_frame(0), N_INVALID);
}
END_TEST

START_TEST(test_bad_frees)
{
    uint64_t m;
    struct frame_stats st;

    n_frames_add(0x10 * PAGE_SIZE, 0x10 * PAGE_SIZE); /* 0x10-0x1f */
    n_frames_reserve(0x18 * PAGE_SIZE, PAGE_SIZE);
    m = n_alloc_frame(0);

    n_free_frame(m);
    st = stats();
    ck_assert_uint_eq(st.bad_frees, 0);
    ck_assert_uint_eq(harness_printk_count, 0);

    n_free_frame(m); /* double free */
    st = stats();
    ck_assert_uint_eq(st.bad_frees, 1);
    ck_assert_uint_eq(st.free, 15);
    ck_assert_uint_eq(harness_printk_count, 1);
    ck_assert_ptr_nonnull(strstr(harness_printk_last, "not allocated"));

    n_free_frame(0x1a); /* free, never allocated */
    n_free_frame(0x18); /* reserved */
    n_free_frame(0x5);  /* not RAM */
    n_free_frame(0);
    n_free_frame(MAX_MFN + 3); /* beyond the bitmap */
    st = stats();
    ck_assert_uint_eq(st.bad_frees, 6);
    ck_assert_uint_eq(st.free, 15);
    ck_assert_uint_eq(st.allocated, 0);
    ck_assert_uint_eq(st.reserved, 1);
    ck_assert(!n_frame_is_free(0x18));
    ck_assert(!n_frame_is_free(0x5));
    ck_assert_uint_eq(harness_printk_count, 6);
}
END_TEST

START_TEST(test_bad_frees_partial)
{
    uint64_t m;
    struct frame_stats st;

    n_frames_add(0x10 * PAGE_SIZE, 0x10 * PAGE_SIZE); /* 0x10-0x1f */
    m = n_alloc_frames(4, 4, 0);
    ck_assert_uint_eq(m, 0x10);

    /* Four allocated among eight: only those four are freed. */
    n_free_frames(0xe, 8);
    st = stats();
    ck_assert_uint_eq(st.bad_frees, 4);
    ck_assert_uint_eq(st.allocated, 0);
    ck_assert_uint_eq(st.free, 16);
    ck_assert(!n_frame_is_free(0xe));
    ck_assert(!n_frame_is_free(0xf));

    /* A count running past the end of the address space. */
    m = n_alloc_frame(0);
    n_free_frames(m, UINT64_MAX);
    st = stats();
    ck_assert_uint_eq(st.allocated, 0);
    ck_assert_uint_eq(st.free, 16);
    ck_assert_uint_eq(st.bad_frees - 4, UINT64_MAX - 1); /* all but m */
}
END_TEST

START_TEST(test_reserve_allocated)
{
    uint64_t m;
    struct frame_stats st;

    n_frames_add(0x10 * PAGE_SIZE, 0x10 * PAGE_SIZE);
    m = n_alloc_frame(0);
    n_frames_reserve(m * PAGE_SIZE, PAGE_SIZE);
    st = stats();
    ck_assert_uint_eq(st.allocated, 0);
    ck_assert_uint_eq(st.reserved, 1);
    ck_assert_uint_eq(st.total, 15);
    /* It is no longer the allocator's to take back. */
    n_free_frame(m);
    ck_assert_uint_eq(stats().bad_frees, 1);
    ck_assert(!n_frame_is_free(m));
}
END_TEST

START_TEST(test_odd_max)
{
    /* max_mfn not a multiple of 64: no frame at or above it is used. */
    static uint64_t small[16];
    unsigned int n = 0;
    uint64_t m;

    n_frames_init(small, 1000);
    n_frames_add(0, 2000 * PAGE_SIZE);
    ck_assert_uint_eq(stats().total, 999);
    while ((m = n_alloc_frame(0)) != N_INVALID) {
        ck_assert_uint_lt(m, 1000);
        n++;
    }
    ck_assert_uint_eq(n, 999);
    ck_assert_uint_eq(n_alloc_frames(1, 1, 0), N_INVALID);
}
END_TEST

/* Tiny xorshift generator: the same sequence every run. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

enum { M_NONE, M_FREE, M_ALLOC };

/*
 * Random adds, reserves, allocations and frees against a plain array
 * model: results must be legal, failures must be real, counters right.
 */
START_TEST(test_model)
{
    enum { N = 300 };
    static uint64_t bm[(N + 63) / 64];
    uint8_t model[N];
    uint64_t reserved = 0;
    unsigned int allocs = 0, refusals = 0, frees = 0, bad_frees = 0;

    memset(model, M_NONE, sizeof(model));
    n_frames_init(bm, N);

    for (int op = 0; op < 4000; op++) {
        unsigned int kind = rnd(10);
        uint64_t s = rnd(N + 20), e = s + rnd(40);
        struct frame_stats st;
        uint64_t nfree = 0, nalloc = 0;

        if (kind == 0) {
            n_frames_add(s * PAGE_SIZE, (e - s) * PAGE_SIZE);
            for (uint64_t i = MAX(s, 1); i < MIN(e, N); i++)
                if (model[i] == M_NONE)
                    model[i] = M_FREE;
        } else if (kind == 1 && rnd(4) == 0) {
            n_frames_reserve(s * PAGE_SIZE, (e - s) * PAGE_SIZE);
            for (uint64_t i = s; i < MIN(e, N); i++) {
                if (model[i] != M_NONE)
                    reserved++;
                model[i] = M_NONE;
            }
        } else if (kind < 6) {
            uint64_t count = 1 + rnd(rnd(2) ? 4 : 24);
            uint64_t align = 1UL << rnd(4);
            uint64_t limit = rnd(3) ? 0 : rnd(N + 10);
            uint64_t lim = (!limit || limit > N) ? N : limit;
            uint64_t m = n_alloc_frames(count, align, limit);

            if (m == N_INVALID) {
                /* Then no aligned run of free frames fits below lim. */
                for (uint64_t c = align; c + count <= lim; c += align) {
                    uint64_t i = c;

                    while (i < c + count && model[i] == M_FREE)
                        i++;
                    ck_assert_msg(i < c + count,
                                  "op %d: %lu@%lu free at %lu but refused", op,
                                  (unsigned long)count, (unsigned long)align,
                                  (unsigned long)c);
                }
                refusals++;
            } else {
                ck_assert_uint_gt(m, 0);
                ck_assert_uint_eq(m % align, 0);
                ck_assert_uint_le(m + count, lim);
                for (uint64_t i = m; i < m + count; i++) {
                    ck_assert_msg(model[i] == M_FREE, "op %d: mfn %lu not free",
                                  op, (unsigned long)i);
                    model[i] = M_ALLOC;
                }
                allocs++;
            }
        } else {
            /* Free a random allocated run, sometimes running on past it. */
            uint64_t at = rnd(N), n = 0;
            uint64_t before = stats().bad_frees, bad = 0;

            while (at < N && model[at] != M_ALLOC)
                at++;
            if (at == N)
                continue;
            while (at + n < N && model[at + n] == M_ALLOC && n < 8)
                n++;
            if (rnd(5) == 0)
                n += 1 + rnd(3);
            n_free_frames(at, n);
            for (uint64_t i = at; i < at + n; i++) {
                if (i < N && model[i] == M_ALLOC)
                    model[i] = M_FREE;
                else
                    bad++;
            }
            ck_assert_uint_eq(stats().bad_frees - before, bad);
            frees++;
            bad_frees += bad != 0;
        }

        for (uint64_t i = 0; i < N; i++) {
            ck_assert_msg(n_frame_is_free(i) == (model[i] == M_FREE),
                          "op %d: mfn %lu", op, (unsigned long)i);
            nfree += model[i] == M_FREE;
            nalloc += model[i] == M_ALLOC;
        }
        st = stats();
        ck_assert_uint_eq(st.free, nfree);
        ck_assert_uint_eq(st.allocated, nalloc);
        ck_assert_uint_eq(st.reserved, reserved);
    }
    /* Every path was taken often. */
    ck_assert_uint_gt(allocs, 300);
    ck_assert_uint_gt(refusals, 300);
    ck_assert_uint_gt(frees, 300);
    ck_assert_uint_gt(bad_frees, 50);
}
END_TEST

static Suite *page_alloc_suite(void)
{
    Suite *s = suite_create("page-alloc");
    TCase *acct = tcase_create("accounting");
    TCase *alloc = tcase_create("allocation");
    TCase *frees = tcase_create("free");
    TCase *model = tcase_create("model");

    tcase_add_checked_fixture(acct, setup, NULL);
    tcase_add_test(acct, test_init);
    tcase_add_test(acct, test_add_whole);
    tcase_add_test(acct, test_add_rounds_inward);
    tcase_add_test(acct, test_add_overlapping);
    tcase_add_test(acct, test_reserve_rounds_outward);
    tcase_add_test(acct, test_reserve_accounting);
    suite_add_tcase(s, acct);

    tcase_add_checked_fixture(alloc, setup, NULL);
    tcase_add_test(alloc, test_never_zero);
    tcase_add_test(alloc, test_limit);
    tcase_add_test(alloc, test_contiguous_aligned);
    tcase_add_test(alloc, test_big_aligned);
    tcase_add_test(alloc, test_bad_arguments);
    tcase_add_test(alloc, test_odd_max);
    suite_add_tcase(s, alloc);

    tcase_add_checked_fixture(frees, setup, NULL);
    tcase_add_test(frees, test_free_and_reuse);
    tcase_add_test(frees, test_hint_rotates);
    tcase_add_test(frees, test_bad_frees);
    tcase_add_test(frees, test_bad_frees_partial);
    tcase_add_test(frees, test_reserve_allocated);
    suite_add_tcase(s, frees);

    tcase_set_timeout(model, 60);
    tcase_add_test(model, test_model);
    suite_add_tcase(s, model);
    return s;
}

int main(void)
{
    return harness_run(page_alloc_suite());
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common/ratelimit.c: the bucket an unprivileged domain's console lines
 * take from: a full burst, then one line per `cost` ticks, and a count of
 * the lines dropped in between, reported with the next line let through.
 */
#include "harness.h"

#include <hv/ratelimit.h>

#define COST 500u /* ticks per line */

static bool take(struct ratelimit *rl, uint64_t now, uint64_t *dropped)
{
    return ratelimit_take(rl, now, dropped);
}

START_TEST(test_burst_then_refusals)
{
    struct ratelimit rl = { .burst = 4, .cost = COST };
    uint64_t dropped;

    for (unsigned int i = 0; i < 4; i++) {
        ck_assert(take(&rl, 1000, &dropped));
        ck_assert_uint_eq(dropped, 0);
    }
    for (unsigned int i = 0; i < 100; i++)
        ck_assert(!take(&rl, 1000 + i, &dropped));
    ck_assert_uint_eq(rl.suppressed, 100);
}
END_TEST

START_TEST(test_resume_reports_the_count)
{
    struct ratelimit rl = { .burst = 2, .cost = COST };
    uint64_t dropped;

    ck_assert(take(&rl, 0, &dropped));
    ck_assert(take(&rl, 0, &dropped));
    ck_assert(!take(&rl, 10, &dropped));
    ck_assert(!take(&rl, COST - 1, &dropped)); /* not yet a token */
    ck_assert(take(&rl, COST, &dropped));      /* one token back */
    ck_assert_uint_eq(dropped, 2);
    ck_assert(!take(&rl, COST, &dropped));
    ck_assert(take(&rl, 2 * COST, &dropped));
    ck_assert_uint_eq(dropped, 1);
    ck_assert_uint_eq(rl.suppressed, 0);
}
END_TEST

START_TEST(test_refill_is_capped_at_the_burst)
{
    struct ratelimit rl = { .burst = 3, .cost = COST };
    uint64_t dropped;
    unsigned int passed = 0;

    ck_assert(take(&rl, 0, &dropped));
    /* A long quiet spell refills the bucket to 3 lines, no more. */
    for (unsigned int i = 0; i < 10; i++)
        passed += take(&rl, 1000000, &dropped);
    ck_assert_uint_eq(passed, 3);
    ck_assert_uint_eq(rl.suppressed, 7);
}
END_TEST

START_TEST(test_clock_going_back_adds_nothing)
{
    struct ratelimit rl = { .burst = 1, .cost = COST };
    uint64_t dropped;

    ck_assert(take(&rl, 10 * COST, &dropped));
    ck_assert(!take(&rl, 0, &dropped));
    ck_assert(!take(&rl, COST - 1, &dropped)); /* from 0, not 10 * COST */
    ck_assert(take(&rl, COST, &dropped));
    ck_assert_uint_eq(dropped, 2);
}
END_TEST

START_TEST(test_take_suppressed_resets)
{
    struct ratelimit rl = { .burst = 1, .cost = COST };
    uint64_t dropped;

    ck_assert(take(&rl, 0, &dropped));
    ck_assert(!take(&rl, 1, &dropped));
    ck_assert(!take(&rl, 2, &dropped));
    ck_assert_uint_eq(ratelimit_take_suppressed(&rl), 2);
    ck_assert_uint_eq(ratelimit_take_suppressed(&rl), 0);
    ck_assert(take(&rl, 2 + COST, &dropped));
    ck_assert_uint_eq(dropped, 0);
}
END_TEST

static Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("bucket");

    tcase_add_test(tc, test_burst_then_refusals);
    tcase_add_test(tc, test_resume_reports_the_count);
    tcase_add_test(tc, test_refill_is_capped_at_the_burst);
    tcase_add_test(tc, test_clock_going_back_adds_nothing);
    tcase_add_test(tc, test_take_suppressed_resets);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(ratelimit_suite());
}

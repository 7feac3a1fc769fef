/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests and their verdicts.
 *
 * A test is a function registered with DEFINE_TEST(name, summary) in the
 * .tests section; `test=name` on the guest's command line runs it.  While
 * it runs, every check prints one line:
 *     PASS: <test>: <msg>
 *     FAIL: <test>: <msg> (got X, want Y)
 * plus, when the test cannot proceed, "ERROR: <test>: <msg>", and notes
 * "<test>: <msg>" (info()).  The run ends with exactly one of
 *     Test result: SUCCESS | FAILURE | ERROR
 * (worst wins, FAILURE worse than ERROR as in XTF; a test that ran no
 * check is an ERROR), then sched_op shutdown poweroff.
 */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include "lib.h"

struct test_desc {
    const char *name;
    const char *summary;
    void (*fn)(void);
};

#define DEFINE_TEST(tname, tsummary)                                           \
    static void test_fn_##tname(void);                                         \
    static const struct test_desc test_desc_##tname __used __aligned(8)        \
        __attribute__((section(".tests"))) = { #tname, tsummary,               \
                                               test_fn_##tname };              \
    static void test_fn_##tname(void)

extern const struct test_desc __tests_start[], __tests_end[];

enum test_status { TEST_SUCCESS, TEST_ERROR, TEST_FAILURE };

/* The name of the running test ("dom0" outside of any test). */
extern const char *current_test;

void info(const char *fmt, ...) __printf(1, 2);
void pass(const char *fmt, ...) __printf(1, 2);
void fail(const char *fmt, ...) __printf(1, 2);
void error(const char *fmt, ...) __printf(1, 2);

/* Each prints PASS or FAIL and returns whether it passed. */
bool check_eq_(int64_t got, int64_t want, const char *fmt, ...) __printf(3, 4);
bool check_true(bool cond, const char *fmt, ...) __printf(2, 3);
#define check_eq(got, want, ...)                                               \
    check_eq_((int64_t)(got), (int64_t)(want), __VA_ARGS__)

/* A hypercall's result: rc == -want_errno (want_errno > 0), or 0. */
#define check_rc(rc, want, ...) check_eq(rc, want, __VA_ARGS__)

/* Run bookkeeping (lib/main.c). */
void report_begin(const char *name);
enum test_status report_end(void);
__noreturn void report_verdict(enum test_status st, const char *why);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few libcheck assertions the unit tests' fakes (fake-arch.c,
 * fake-loader-env.c) use, for the fuzzers: there is no Check runner to
 * longjmp back to, so a failed assertion aborts, which libFuzzer reports
 * as a crash with the input that caused it.
 */
#ifndef TESTS_FUZZ_SHIM_CHECK_H
#define TESTS_FUZZ_SHIM_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct Suite Suite;

#define ck_abort_msg(...)                                                      \
    do {                                                                       \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                        \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)
#define ck_assert_msg(cond, ...)                                               \
    do {                                                                       \
        if (!(cond))                                                           \
            ck_abort_msg(__VA_ARGS__);                                         \
    } while (0)
#define ck_assert(cond) ck_assert_msg(cond, "assertion failed: %s", #cond)
#define ck_assert_uint_op__(a, op, b)                                          \
    ck_assert_msg((uintmax_t)(a)op(uintmax_t)(b), "%s %s %s: %ju, %ju", #a,    \
                  #op, #b, (uintmax_t)(a), (uintmax_t)(b))
#define ck_assert_uint_eq(a, b) ck_assert_uint_op__(a, ==, b)
#define ck_assert_uint_lt(a, b) ck_assert_uint_op__(a, <, b)
#define ck_assert_uint_le(a, b) ck_assert_uint_op__(a, <=, b)
#define ck_assert_int_eq(a, b)                                                 \
    ck_assert_msg((intmax_t)(a) == (intmax_t)(b), "%s == %s: %jd, %jd", #a,    \
                  #b, (intmax_t)(a), (intmax_t)(b))

#endif

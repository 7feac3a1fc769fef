/* SPDX-License-Identifier: GPL-2.0-only */
/* common/param.c: parse_params() against a local option table. */
#include "harness.h"

#include <hv/param.h>

/* Guard bytes after each narrow integer catch stores of the wrong width. */
static struct {
    uint8_t v;
    uint8_t guard[7];
} opt_u8;
static struct {
    uint16_t v;
    uint8_t guard[6];
} opt_u16;
static struct {
    uint32_t v;
    uint8_t guard[4];
} opt_u32;
static uint64_t opt_u64;
static uint64_t opt_size;
static struct {
    uint32_t v;
    uint8_t guard[4];
} opt_size32;
static bool opt_flag, opt_other;
static char opt_str[8];
static char custom_seen[64];
static int custom_calls;
/* The gate and three test hooks, in a table of their own. */
static bool opt_gate, opt_hook_flag;
static uint32_t opt_hook_num;
static char opt_hook_str[8];

static int parse_custom(const char *val)
{
    custom_calls++;
    strlcpy(custom_seen, val, sizeof(custom_seen));
    return strcmp(val, "bad") ? 0 : -EINVAL;
}

static const struct param params[] = {
    { .name = "flag",
      .type = PARAM_BOOL,
      .var = &opt_flag,
      .size = sizeof(opt_flag) },
    { .name = "other",
      .type = PARAM_BOOL,
      .var = &opt_other,
      .size = sizeof(opt_other) },
    { .name = "u8", .type = PARAM_UINT, .var = &opt_u8.v, .size = 1 },
    { .name = "u16", .type = PARAM_UINT, .var = &opt_u16.v, .size = 2 },
    { .name = "u32", .type = PARAM_UINT, .var = &opt_u32.v, .size = 4 },
    { .name = "u64", .type = PARAM_UINT, .var = &opt_u64, .size = 8 },
    { .name = "mem", .type = PARAM_SIZE, .var = &opt_size, .size = 8 },
    { .name = "mem32", .type = PARAM_SIZE, .var = &opt_size32.v, .size = 4 },
    { .name = "name",
      .type = PARAM_STRING,
      .var = opt_str,
      .size = sizeof(opt_str) },
    { .name = "custom", .type = PARAM_CUSTOM, .parse = parse_custom },
};

/* Two lines per entry; clang-format would rewrap them. */
/* clang-format off */
static const struct param gated_params[] = {
    { .name = "hook_flag", .type = PARAM_BOOL, .flags = PARAM_TEST_HOOK,
      .var = &opt_hook_flag, .size = sizeof(opt_hook_flag) },
    { .name = "hook_num", .type = PARAM_UINT, .flags = PARAM_TEST_HOOK,
      .var = &opt_hook_num, .size = sizeof(opt_hook_num) },
    { .name = "hook_str", .type = PARAM_STRING, .flags = PARAM_TEST_HOOK,
      .var = opt_hook_str, .size = sizeof(opt_hook_str) },
    { .name = "flag", .type = PARAM_BOOL, .var = &opt_flag,
      .size = sizeof(opt_flag) },
    { .name = "gate", .type = PARAM_BOOL, .flags = PARAM_TEST_GATE,
      .var = &opt_gate, .size = sizeof(opt_gate) },
};
/* clang-format on */

#define MAX_REPORTS 8
static char reports[MAX_REPORTS][256];
static unsigned int nr_reports;

static void __printf(1, 2) report(const char *fmt, ...)
{
    va_list ap;

    ck_assert_uint_lt(nr_reports, MAX_REPORTS);
    va_start(ap, fmt);
    vsnprintf(reports[nr_reports++], sizeof(reports[0]), fmt, ap);
    va_end(ap);
}

static int parse(const char *cmdline)
{
    return parse_params(cmdline, params, params + ARRAY_SIZE(params), report);
}

static int parse_gated(const char *cmdline)
{
    return parse_params(cmdline, gated_params,
                        gated_params + ARRAY_SIZE(gated_params), report);
}

static const uint8_t zero_guard[8];

static void check_guards(void)
{
    ck_assert(!memcmp(opt_u8.guard, zero_guard, sizeof(opt_u8.guard)));
    ck_assert(!memcmp(opt_u16.guard, zero_guard, sizeof(opt_u16.guard)));
    ck_assert(!memcmp(opt_u32.guard, zero_guard, sizeof(opt_u32.guard)));
    ck_assert(!memcmp(opt_size32.guard, zero_guard, sizeof(opt_size32.guard)));
}

static void reset(void)
{
    memset(&opt_u8, 0, sizeof(opt_u8));
    memset(&opt_u16, 0, sizeof(opt_u16));
    memset(&opt_u32, 0, sizeof(opt_u32));
    memset(&opt_size32, 0, sizeof(opt_size32));
    opt_u64 = opt_size = 0;
    opt_flag = opt_other = false;
    memset(opt_str, 0, sizeof(opt_str));
    memset(custom_seen, 0, sizeof(custom_seen));
    custom_calls = 0;
    opt_gate = opt_hook_flag = false;
    opt_hook_num = 0;
    memset(opt_hook_str, 0, sizeof(opt_hook_str));
    memset(reports, 0, sizeof(reports));
    nr_reports = 0;
}

START_TEST(test_bool_forms)
{
    static const struct {
        const char *cmd;
        bool init, want;
    } cases[] = {
        { "flag", false, true },        { "no-flag", true, false },
        { "flag=1", false, true },      { "flag=yes", false, true },
        { "flag=on", false, true },     { "flag=true", false, true },
        { "flag=enable", false, true }, { "flag=0", true, false },
        { "flag=no", true, false },     { "flag=off", true, false },
        { "flag=false", true, false },  { "flag=disable", true, false },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        reset();
        opt_flag = cases[i].init;
        ck_assert_msg(parse(cases[i].cmd) == 0, "'%s' failed", cases[i].cmd);
        ck_assert_msg(opt_flag == cases[i].want, "'%s' gave %d", cases[i].cmd,
                      opt_flag);
        ck_assert_uint_eq(nr_reports, 0);
        ck_assert(!opt_other);
    }
}
END_TEST

START_TEST(test_bool_bad)
{
    static const char *const bad[] = {
        "flag=maybe", "flag=", "no-flag=1", "no-flag=off", "flag=ON1",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        reset();
        opt_flag = true;
        ck_assert_msg(parse(bad[i]) == 1, "'%s' accepted", bad[i]);
        ck_assert(opt_flag); /* unchanged */
        ck_assert_uint_eq(nr_reports, 1);
        ck_assert_ptr_nonnull(strstr(reports[0], "'flag'"));
    }
    reset();
    ck_assert_int_eq(parse("flag=maybe"), 1);
    ck_assert_ptr_nonnull(strstr(reports[0], "'maybe'"));
}
END_TEST

START_TEST(test_uint_widths)
{
    ck_assert_int_eq(parse("u8=255 u16=65535 u32=4294967295 "
                           "u64=18446744073709551615"),
                     0);
    ck_assert_uint_eq(opt_u8.v, 255);
    ck_assert_uint_eq(opt_u16.v, 65535);
    ck_assert_uint_eq(opt_u32.v, UINT32_MAX);
    ck_assert_uint_eq(opt_u64, UINT64_MAX);
    check_guards();

    /* One past each width: rejected, old value kept. */
    ck_assert_int_eq(parse("u8=256 u16=65536 u32=4294967296 "
                           "u64=18446744073709551616"),
                     4);
    ck_assert_uint_eq(nr_reports, 4);
    ck_assert_uint_eq(opt_u8.v, 255);
    ck_assert_uint_eq(opt_u16.v, 65535);
    ck_assert_uint_eq(opt_u32.v, UINT32_MAX);
    ck_assert_uint_eq(opt_u64, UINT64_MAX);
    ck_assert_ptr_nonnull(strstr(reports[0], "'u8'"));
    ck_assert_ptr_nonnull(strstr(reports[0], "'256'"));
    check_guards();
}
END_TEST

START_TEST(test_uint_syntax)
{
    ck_assert_int_eq(parse("u32=0x10"), 0);
    ck_assert_uint_eq(opt_u32.v, 16);
    ck_assert_int_eq(parse("u32=010"), 0);
    ck_assert_uint_eq(opt_u32.v, 8);
    ck_assert_int_eq(parse("u32=0"), 0);
    ck_assert_uint_eq(opt_u32.v, 0);

    opt_u32.v = 77;
    ck_assert_int_eq(parse("u32=12abc u32= u32 u32=-1 u32=4K"), 5);
    ck_assert_uint_eq(nr_reports, 5);
    ck_assert_uint_eq(opt_u32.v, 77);
    check_guards();
}
END_TEST

START_TEST(test_size)
{
    static const struct {
        const char *cmd;
        uint64_t want;
    } cases[] = {
        { "mem=123", 123 },       { "mem=4k", KiB(4) },
        { "mem=16M", MiB(16) },   { "mem=1G", GiB(1) },
        { "mem=2T", 2ULL << 40 }, { "mem=0x1000", 0x1000 },
        { "mem=0x10M", MiB(16) },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        reset();
        ck_assert_msg(parse(cases[i].cmd) == 0, "'%s' failed", cases[i].cmd);
        ck_assert_msg(opt_size == cases[i].want, "'%s' gave %#lx", cases[i].cmd,
                      (unsigned long)opt_size);
    }

    reset();
    opt_size = 5;
    ck_assert_int_eq(parse("mem=4Q mem=16MB mem=16777216T mem= mem"), 5);
    ck_assert_uint_eq(opt_size, 5);
}
END_TEST

/* A size that does not fit the variable is a bad value, as for integers. */
START_TEST(test_size_width)
{
    ck_assert_int_eq(parse("mem32=3G"), 0);
    ck_assert_uint_eq(opt_size32.v, GiB(3));
    ck_assert_int_eq(parse("mem32=4G"), 1);
    ck_assert_uint_eq(opt_size32.v, GiB(3));
    ck_assert_uint_eq(nr_reports, 1);
    check_guards();
}
END_TEST

START_TEST(test_string)
{
    ck_assert_int_eq(parse("name=1234567"), 0); /* 7 + NUL fits */
    ck_assert_str_eq(opt_str, "1234567");
    ck_assert_int_eq(parse("name=12345678"), 1); /* 8 + NUL does not */
    ck_assert_str_eq(opt_str, "1234567");
    ck_assert_ptr_nonnull(strstr(reports[0], "'name'"));
    ck_assert_int_eq(parse("name"), 1); /* a value is needed */
    ck_assert_str_eq(opt_str, "1234567");
    ck_assert_int_eq(parse("name=a=b"), 0); /* first '=' splits */
    ck_assert_str_eq(opt_str, "a=b");
    ck_assert_int_eq(parse("name="), 0);
    ck_assert_str_eq(opt_str, "");
}
END_TEST

START_TEST(test_custom)
{
    ck_assert_int_eq(parse("custom=abc"), 0);
    ck_assert_int_eq(custom_calls, 1);
    ck_assert_str_eq(custom_seen, "abc");

    ck_assert_int_eq(parse("custom"), 0); /* no value: called with "" */
    ck_assert_int_eq(custom_calls, 2);
    ck_assert_str_eq(custom_seen, "");

    ck_assert_int_eq(parse("custom=bad"), 1);
    ck_assert_int_eq(custom_calls, 3);
    ck_assert_uint_eq(nr_reports, 1);
    ck_assert_ptr_nonnull(strstr(reports[0], "'custom'"));
    ck_assert_ptr_nonnull(strstr(reports[0], "'bad'"));
}
END_TEST

START_TEST(test_unknown)
{
    ck_assert_int_eq(parse("foo flag bar=1 fla flagx no-u32 no-"), 6);
    ck_assert(opt_flag);
    ck_assert_uint_eq(nr_reports, 6);
    ck_assert_ptr_nonnull(strstr(reports[0], "'foo'"));
    ck_assert_ptr_nonnull(strstr(reports[0], "unknown"));
    ck_assert_ptr_nonnull(strstr(reports[1], "'bar'"));
    ck_assert_ptr_nonnull(strstr(reports[2], "'fla'"));
    ck_assert_ptr_nonnull(strstr(reports[3], "'flagx'"));
    ck_assert_ptr_nonnull(strstr(reports[4], "'no-u32'"));
    ck_assert_uint_eq(opt_u32.v, 0);
}
END_TEST

START_TEST(test_problems_do_not_stop_parsing)
{
    ck_assert_int_eq(parse("u8=999 flag nope u16=7 name=waytoolong other"), 3);
    ck_assert(opt_flag);
    ck_assert(opt_other);
    ck_assert_uint_eq(opt_u16.v, 7);
    ck_assert_uint_eq(opt_u8.v, 0);
    ck_assert_uint_eq(nr_reports, 3);
}
END_TEST

START_TEST(test_spaces)
{
    ck_assert_int_eq(parse(""), 0);
    ck_assert_int_eq(parse("      "), 0);
    ck_assert_int_eq(parse("   flag     u32=5   name=x  "), 0);
    ck_assert(opt_flag);
    ck_assert_uint_eq(opt_u32.v, 5);
    ck_assert_str_eq(opt_str, "x");
    ck_assert_uint_eq(nr_reports, 0);
}
END_TEST

/* Any white space ends a word: a line break inside a reported word would
   split its console line in two (found by tests/fuzz/fuzz-cmdline). */
START_TEST(test_white_space_separates)
{
    ck_assert_int_eq(parse("flag\tu32=5\nname=x\r\nbad\nno-such\v\f"), 2);
    ck_assert(opt_flag);
    ck_assert_uint_eq(opt_u32.v, 5);
    ck_assert_str_eq(opt_str, "x");
    ck_assert_uint_eq(nr_reports, 2);
    ck_assert_str_eq(reports[0], "cmdline: unknown option 'bad', ignored\n");
    ck_assert_str_eq(reports[1],
                     "cmdline: unknown option 'no-such', ignored\n");
}
END_TEST

START_TEST(test_last_wins)
{
    ck_assert_int_eq(parse("u32=1 u32=2 flag no-flag"), 0);
    ck_assert_uint_eq(opt_u32.v, 2);
    ck_assert(!opt_flag);
}
END_TEST

START_TEST(test_too_long)
{
    char cmd[400];

    memset(cmd, 'x', 300);
    strcpy(cmd + 300, " flag");
    ck_assert_int_eq(parse(cmd), 1);
    ck_assert_uint_eq(nr_reports, 1);
    ck_assert_ptr_nonnull(strstr(reports[0], "too long"));
    ck_assert(opt_flag); /* the next word is still parsed */
}
END_TEST

/* Nothing of a test hook is applied; one line each names it and the gate. */
static void check_hooks_refused(const char *cmd)
{
    reset();
    ck_assert_msg(parse_gated(cmd) == 3, "'%s': want 3 problems", cmd);
    ck_assert_msg(!opt_gate, "'%s' turned the gate on", cmd);
    ck_assert(!opt_hook_flag);
    ck_assert_uint_eq(opt_hook_num, 0);
    ck_assert_str_eq(opt_hook_str, "");
    ck_assert(opt_flag); /* an ordinary option still applies */
    ck_assert_uint_eq(nr_reports, 3);
    ck_assert_str_eq(reports[0],
                     "cmdline: 'hook_flag' is a test hook: needs gate, "
                     "ignored\n");
    ck_assert_str_eq(reports[1],
                     "cmdline: 'hook_num' is a test hook: needs gate, "
                     "ignored\n");
    ck_assert_str_eq(reports[2],
                     "cmdline: 'hook_str' is a test hook: needs gate, "
                     "ignored\n");
}

START_TEST(test_hooks_need_the_gate)
{
    /* No gate, or the gate's off forms, wherever they are on the line. */
    check_hooks_refused("hook_flag hook_num=5 flag hook_str=abc");
    check_hooks_refused("gate=0 hook_flag hook_num=5 flag hook_str=abc");
    check_hooks_refused("hook_flag hook_num=5 flag hook_str=abc no-gate");
    check_hooks_refused("gate hook_flag hook_num=5 flag hook_str=abc gate=off");
    check_hooks_refused(
        "no-gate hook_flag hook_num=5 gate=no flag hook_str=abc");
}
END_TEST

START_TEST(test_gate_lets_hooks_in)
{
    static const char *const lines[] = {
        "gate hook_flag hook_num=5 flag hook_str=abc",
        "hook_flag hook_num=5 flag hook_str=abc gate", /* gate last */
        "hook_flag gate=1 hook_num=5 flag hook_str=abc",
        "no-gate hook_flag hook_num=5 flag hook_str=abc gate=yes",
    };

    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        reset();
        ck_assert_msg(parse_gated(lines[i]) == 0, "'%s' failed", lines[i]);
        ck_assert(opt_gate);
        ck_assert(opt_hook_flag);
        ck_assert_uint_eq(opt_hook_num, 5);
        ck_assert_str_eq(opt_hook_str, "abc");
        ck_assert(opt_flag);
        ck_assert_uint_eq(nr_reports, 0);
    }
}
END_TEST

/* The gate's own problems are reported once; a bad value leaves it off. */
START_TEST(test_gate_bad_value)
{
    ck_assert_int_eq(parse_gated("hook_flag gate=maybe nope"), 3);
    ck_assert(!opt_gate);
    ck_assert(!opt_hook_flag);
    ck_assert_uint_eq(nr_reports, 3);
    ck_assert_str_eq(reports[0], "cmdline: bad value for 'gate': 'maybe', "
                                 "ignored\n");
    ck_assert_ptr_nonnull(strstr(reports[1], "'hook_flag' is a test hook"));
    ck_assert_ptr_nonnull(strstr(reports[2], "unknown option 'nope'"));
}
END_TEST

/* A hook's bad value, with the gate on, is an ordinary bad value. */
START_TEST(test_gated_hook_bad_value)
{
    opt_hook_num = 9;
    ck_assert_int_eq(parse_gated("hook_num=x gate"), 1);
    ck_assert_uint_eq(opt_hook_num, 9);
    ck_assert_uint_eq(nr_reports, 1);
    ck_assert_str_eq(reports[0], "cmdline: bad value for 'hook_num': 'x', "
                                 "ignored\n");
}
END_TEST

/* A table without a gate (the others here) refuses its hooks too. */
START_TEST(test_hooks_without_a_gate)
{
    static const struct param no_gate[] = {
        { .name = "hook_flag",
          .type = PARAM_BOOL,
          .flags = PARAM_TEST_HOOK,
          .var = &opt_hook_flag,
          .size = sizeof(opt_hook_flag) },
    };

    ck_assert_int_eq(parse_params("hook_flag", no_gate, no_gate + 1, report),
                     1);
    ck_assert(!opt_hook_flag);
    ck_assert_ptr_nonnull(strstr(reports[0], "'hook_flag' is a test hook"));
}
END_TEST

static Suite *param_suite(void)
{
    Suite *s = suite_create("param");
    TCase *tc = tcase_create("parse_params");

    tcase_add_checked_fixture(tc, reset, NULL);
    tcase_add_test(tc, test_bool_forms);
    tcase_add_test(tc, test_bool_bad);
    tcase_add_test(tc, test_uint_widths);
    tcase_add_test(tc, test_uint_syntax);
    tcase_add_test(tc, test_size);
    tcase_add_test(tc, test_size_width);
    tcase_add_test(tc, test_string);
    tcase_add_test(tc, test_custom);
    tcase_add_test(tc, test_unknown);
    tcase_add_test(tc, test_problems_do_not_stop_parsing);
    tcase_add_test(tc, test_spaces);
    tcase_add_test(tc, test_white_space_separates);
    tcase_add_test(tc, test_last_wins);
    tcase_add_test(tc, test_too_long);
    tcase_add_test(tc, test_hooks_need_the_gate);
    tcase_add_test(tc, test_gate_lets_hooks_in);
    tcase_add_test(tc, test_gate_bad_value);
    tcase_add_test(tc, test_gated_hook_bad_value);
    tcase_add_test(tc, test_hooks_without_a_gate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(param_suite());
}

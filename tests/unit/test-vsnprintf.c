/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common/vsnprintf.c against the C library: the same format and arguments
 * must give the same bytes and the same return value.  Also parse_ulong()
 * and parse_size().
 */
#include "harness.h"

#include <limits.h>
#include <sys/types.h>

/*
 * The C library's snprintf through a pointer, so that GCC cannot fold the
 * call at compile time and we really compare with glibc.
 */
static int (*volatile libc_snprintf)(char *, size_t, const char *,
                                     ...) = snprintf;

/* Output may contain NUL (%c of 0), so compare the bytes up to the return. */
#define CMP(...)                                                               \
    do {                                                                       \
        char h_[256], l_[256];                                                 \
        int hr_ = hv_snprintf(h_, sizeof(h_), __VA_ARGS__);                    \
        int lr_ = libc_snprintf(l_, sizeof(l_), __VA_ARGS__);                  \
                                                                               \
        ck_assert_msg(hr_ == lr_ && hr_ < (int)sizeof(h_) &&                   \
                          !memcmp(h_, l_, hr_ + 1),                            \
                      "%s: hv \"%s\" (%d), libc \"%s\" (%d)", #__VA_ARGS__,    \
                      h_, hr_, l_, lr_);                                       \
    } while (0)

START_TEST(test_integers)
{
    CMP("%d", 0);
    CMP("%d", 42);
    CMP("%d", -42);
    CMP("%d", INT_MAX);
    CMP("%d", INT_MIN);
    CMP("%i", -7);
    CMP("%u", 0u);
    CMP("%u", UINT_MAX);
    CMP("%x", 0xdeadbeefu);
    CMP("%X", 0xdeadbeefu);
    CMP("%o", 8u);
    CMP("%o", UINT_MAX);
    CMP("%x", 0u);
    CMP("a%db%uc%xd%oe", -1, 2u, 0xabu, 9u);
}
END_TEST

/* Flag conflicts GCC warns about ("%+ d", "%-06d") are in test_combinations. */
START_TEST(test_flags)
{
    CMP("[%-6d]", 42);
    CMP("[%06d]", 42);
    CMP("[%06d]", -42);
    CMP("[% d]", 42);
    CMP("[% d]", -42);
    CMP("[%+d]", 42);
    CMP("[%+d]", 0);
    CMP("[% 06d]", 42);
    CMP("[%+06d]", -42);
    CMP("[%#x]", 255u);
    CMP("[%#X]", 255u);
    CMP("[%#x]", 0u); /* no 0x for zero */
    CMP("[%#o]", 8u);
    CMP("[%#o]", 0u);
    CMP("[%#010x]", 0xabu); /* zeros after the prefix */
    CMP("[%#-10x]", 0xabu);
    CMP("[%#10o]", 8u);
}
END_TEST

START_TEST(test_width_precision)
{
    CMP("[%8d]", 123);
    CMP("[%1d]", 12345); /* width never truncates */
    CMP("[%.5d]", 42);
    CMP("[%.5d]", -42);
    CMP("[%8.5d]", -42);
    CMP("[%-8.5d]", 42);
    CMP("[%.0d]", 0); /* empty */
    CMP("[%5.0d]", 0);
    CMP("[%.0x]", 0u);
    CMP("[%#.0x]", 0u);
    CMP("[%#.0o]", 0u); /* '#' keeps one 0 */
    CMP("[%.3x]", 0xau);
    CMP("[%#.3x]", 0xau);
    CMP("[%+.3d]", 7);
    CMP("[%20u]", UINT_MAX);
}
END_TEST

START_TEST(test_star)
{
    CMP("[%*d]", 6, 42);
    CMP("[%-*d]", 6, 42);
    CMP("[%*d]", -6, 42); /* negative width: left-justified */
    CMP("[%.*d]", 4, 42);
    CMP("[%.*d]", -1, 42); /* negative precision: as if omitted */
    CMP("[%0*d]", 5, -3);
    CMP("[%*.*x]", 8, 4, 0xabu);
    CMP("[%.*s]", 2, "hello");
    CMP("[%*s]", 7, "ab");
    CMP("[%*c]", 3, 'z');
}
END_TEST

START_TEST(test_length_modifiers)
{
    CMP("%hhd", 300); /* converted to signed char */
    CMP("%hhd", 200);
    CMP("%hhu", 257);
    CMP("%hhx", 0x1ff);
    CMP("%hd", 70000);
    CMP("%hd", -32768);
    CMP("%hu", 65537);
    CMP("%hx", 0x12345);
    CMP("%ld", LONG_MIN);
    CMP("%ld", LONG_MAX);
    CMP("%lu", ULONG_MAX);
    CMP("%lx", 0xffff82d040000000UL);
    CMP("%lX", 0xffff82d040000000UL);
    CMP("%lo", ULONG_MAX);
    CMP("%lld", LLONG_MIN);
    CMP("%lli", LLONG_MAX);
    CMP("%llu", ULLONG_MAX);
    CMP("%llx", 0x123456789abcdefULL);
    CMP("%zu", SIZE_MAX);
    CMP("%zx", (size_t)0x1000);
    CMP("%zd", (ssize_t)-5);
    CMP("%td", (ptrdiff_t)-3);
    CMP("%jd", INTMAX_MIN);
    CMP("%ju", UINTMAX_MAX);
    CMP("[%-20lld]", -1LL);
    CMP("[%#22llo]", ULLONG_MAX);
}
END_TEST

START_TEST(test_chars_strings)
{
    char unterminated[4] = { 'a', 'b', 'c', 'd' };

    CMP("%c", 'A');
    CMP("[%5c]", 'A');
    CMP("[%-5c]", 'A');
    CMP("x%cy", 0); /* a NUL in the middle */
    CMP("%s", "hello");
    CMP("%s", "");
    CMP("[%10s]", "hello");
    CMP("[%-10s]", "hello");
    CMP("[%.3s]", "hello");
    CMP("[%10.3s]", "hello");
    CMP("[%-10.3s]", "hello");
    CMP("[%.0s]", "hello");
    CMP("[%.10s]", "hello");
    /* A precision bounds the read: no NUL needed (ASan checks it). */
    CMP("[%.4s]", unterminated);
    CMP("%s=%s", "key", "value");
}
END_TEST

START_TEST(test_pointers_percent)
{
    CMP("%p", (void *)0x1234);
    CMP("%p", (void *)0xffff82d040001234UL);
    CMP("[%20p]", (void *)0xabc);
    CMP("[%-20p]", (void *)0xabc);
    CMP("%%");
    CMP("100%%");
    CMP("%%d");
    CMP("[%5d%%]", 3);
    CMP("plain text");
}
END_TEST

/*
 * Every combination of flags, width and precision for each integer
 * conversion, built at run time.  '+' and ' ' are left out for unsigned
 * conversions: GCC rejects those at compile time (-Wformat -Werror), so
 * the hypervisor never formats them.
 */
START_TEST(test_combinations)
{
    static const char *const flags[] = {
        "",   "-",  "0",  " ",  "+",   "#",   "-0",    "0#",
        "+ ", "-#", " 0", "+0", "#-+", " #0", "-+ 0#",
    };
    static const char *const widths[] = { "", "1", "6", "24" };
    static const char *const precs[] = { "", ".", ".0", ".1", ".2", ".7" };
    static const char convs[] = "diuxXo";
    static const long long vals[] = {
        0,       1,       -1,        7,         8,
        9,       42,      -42,       255,       4096,
        INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, 0x100000000LL,
    };
    unsigned int checked = 0;

    for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
        for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
            for (size_t p = 0; p < ARRAY_SIZE(precs); p++)
                for (const char *c = convs; *c; c++)
                    for (int ll = 0; ll < 2; ll++)
                        for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
                            bool is_signed = *c == 'd' || *c == 'i';
                            char fmt[32], h[64], l[64];
                            int hr, lr;

                            if (!is_signed && strpbrk(flags[f], "+ "))
                                continue;
                            /* '#' with %o and a precision: see test_alt_octal_precision. */
                            if (*c == 'o' && strchr(flags[f], '#') &&
                                precs[p][0])
                                continue;
                            libc_snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c",
                                          flags[f], widths[w], precs[p],
                                          ll ? "ll" : "", *c);
                            if (ll) {
                                hr = hv_snprintf(h, sizeof(h), fmt, vals[v]);
                                lr = libc_snprintf(l, sizeof(l), fmt, vals[v]);
                            } else {
                                hr = hv_snprintf(h, sizeof(h), fmt,
                                                 (int)vals[v]);
                                lr = libc_snprintf(l, sizeof(l), fmt,
                                                   (int)vals[v]);
                            }
                            ck_assert_msg(hr == lr && !strcmp(h, l),
                                          "\"%s\" of %lld: hv \"%s\" (%d), "
                                          "libc \"%s\" (%d)",
                                          fmt, vals[v], h, hr, l, lr);
                            checked++;
                        }
    ck_assert_uint_gt(checked, 10000);
}
END_TEST

/*
 * C: '#' with %o raises the precision just enough for a leading 0; when
 * the precision already gives one, no extra 0 is added.
 */
START_TEST(test_alt_octal_precision)
{
    CMP("[%#.4o]", 8u);
    CMP("[%#.3o]", 8u);
    CMP("[%#.2o]", 8u);
    CMP("[%#.1o]", 8u);
    CMP("[%#8.4o]", 1u);
    CMP("[%#-8.5o]", 0777u);
    CMP("[%#.4o]", 0u);
}
END_TEST

/* For every buffer size around the output length: same bytes, same return. */
START_TEST(test_truncation)
{
    static const struct {
        const char *fmt;
        const char *s;
        int d;
    } cases[] = {
        { "%s-%d", "abcdef", 12345 },
        { "[%8s|%-4d]", "xy", -3 },
        { "%s%d", "", 0 },
        { "%.2s%05d", "truncate", 42 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int full = libc_snprintf(NULL, 0, cases[i].fmt, cases[i].s, cases[i].d);

        for (size_t size = 0; size <= (size_t)full + 2; size++) {
            char h[64], l[64];
            int hr, lr;

            memset(h, '#', sizeof(h));
            memset(l, '#', sizeof(l));
            hr = hv_snprintf(h, size, cases[i].fmt, cases[i].s, cases[i].d);
            lr = libc_snprintf(l, size, cases[i].fmt, cases[i].s, cases[i].d);
            ck_assert_int_eq(hr, full);
            ck_assert_int_eq(hr, lr);
            ck_assert_msg(!memcmp(h, l, sizeof(h)),
                          "\"%s\" size %zu: hv \"%.*s\", libc \"%.*s\"",
                          cases[i].fmt, size, (int)sizeof(h), h, (int)sizeof(l),
                          l);
            if (size) /* always terminated within the buffer */
                ck_assert_uint_lt(strnlen(h, size), size);
        }
    }
}
END_TEST

START_TEST(test_truncation_edges)
{
    char buf[8];
    volatile size_t one = 1, zero = 0;

    /* size 0: nothing written, not even with a NULL buffer */
    ck_assert_int_eq(hv_snprintf(NULL, zero, "%d", 12345), 5);
    memset(buf, 'Z', sizeof(buf));
    ck_assert_int_eq(hv_snprintf(buf, zero, "abc"), 3);
    ck_assert_int_eq(buf[0], 'Z');

    /* size 1: just the terminator */
    ck_assert_int_eq(hv_snprintf(buf, one, "abc"), 3);
    ck_assert_int_eq(buf[0], '\0');
    ck_assert_int_eq(buf[1], 'Z');

    /* exact fit: 7 characters and the NUL */
    memset(buf, 'Z', sizeof(buf));
    ck_assert_int_eq(hv_snprintf(buf, sizeof(buf), "%07d", 42), 7);
    ck_assert_str_eq(buf, "0000042");

    /* one too many: last character dropped, full length returned */
    ck_assert_int_eq(hv_snprintf(buf, sizeof(buf), "%08d", 42), 8);
    ck_assert_str_eq(buf, "0000004");

    /* far longer than the buffer */
    ck_assert_int_eq(hv_snprintf(buf, sizeof(buf), "%300d", 1), 300);
    ck_assert_str_eq(buf, "       ");
}
END_TEST

START_TEST(test_symbol)
{
    char buf[64];

    /* %pS goes through format_symbol(); host-shims.c prints "sym@<hex>". */
    ck_assert_int_eq(hv_snprintf(buf, sizeof(buf), "%pS", (void *)0x1234), 8);
    ck_assert_str_eq(buf, "sym@1234");
    hv_snprintf(buf, sizeof(buf), "[%12pS]", (void *)0x1234);
    ck_assert_str_eq(buf, "[    sym@1234]");
    hv_snprintf(buf, sizeof(buf), "[%-12pS]", (void *)0x1234);
    ck_assert_str_eq(buf, "[sym@1234    ]");
    hv_snprintf(buf, sizeof(buf), "at %pS!", (void *)0xffff82d040000010UL);
    ck_assert_str_eq(buf, "at sym@ffff82d040000010!");
    /* an 'S' not right after the 'p' is plain text */
    hv_snprintf(buf, sizeof(buf), "%p S", (void *)0x10);
    ck_assert_str_eq(buf, "0x10 S");
}
END_TEST

/* Everything vsnprintf needs is in the va_list: check the v-variant too. */
static int call_hv_v(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

START_TEST(test_vsnprintf)
{
    char buf[32];

    ck_assert_int_eq(call_hv_v(buf, sizeof(buf), "%s:%d:%lx", "f", 7, 0xabcUL),
                     7);
    ck_assert_str_eq(buf, "f:7:abc");
}
END_TEST

struct ulong_case {
    const char *s;
    bool ok;
    uint64_t val;
    size_t used; /* characters consumed (0 when !ok) */
};

START_TEST(test_parse_ulong)
{
    static const struct ulong_case cases[] = {
        { "0", true, 0, 1 },
        { "123", true, 123, 3 },
        { "123abc", true, 123, 3 },
        { "42 rest", true, 42, 2 },
        { "0x1F", true, 31, 4 },
        { "0XfF", true, 255, 4 },
        { "0x", true, 0, 1 }, /* the "0" alone */
        { "0xg", true, 0, 1 },
        { "017", true, 15, 3 },
        { "0778", true, 63, 3 }, /* octal stops at 8 */
        { "18446744073709551615", true, UINT64_MAX, 20 },
        { "0xffffffffffffffff", true, UINT64_MAX, 18 },
        { "01777777777777777777777", true, UINT64_MAX, 23 },
        { "18446744073709551616", false, 0, 0 },
        { "99999999999999999999999", false, 0, 0 },
        { "0x10000000000000000", false, 0, 0 },
        { "", false, 0, 0 },
        { "abc", false, 0, 0 },
        { "-1", false, 0, 0 },
        { " 1", false, 0, 0 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct ulong_case *c = &cases[i];
        const char *end = NULL;
        uint64_t v = 0xdead;
        bool ok = parse_ulong(c->s, &end, &v);

        ck_assert_msg(ok == c->ok, "parse_ulong(\"%s\") returned %d", c->s, ok);
        ck_assert_msg(end == c->s + c->used, "parse_ulong(\"%s\") used %td",
                      c->s, end - c->s);
        if (ok)
            ck_assert_msg(v == c->val, "parse_ulong(\"%s\") = %#lx", c->s,
                          (unsigned long)v);
    }
}
END_TEST

START_TEST(test_parse_size)
{
    static const struct ulong_case cases[] = {
        { "16", true, 16, 2 },
        { "16K", true, KiB(16), 3 },
        { "16k", true, KiB(16), 3 },
        { "2M", true, MiB(2), 2 },
        { "2m", true, MiB(2), 2 },
        { "3G", true, GiB(3), 2 },
        { "1T", true, 1ULL << 40, 2 },
        { "1t", true, 1ULL << 40, 2 },
        { "512B", true, 512, 4 },
        { "0x10M", true, MiB(16), 5 },
        { "4X", true, 4, 1 }, /* unknown suffix is left alone */
        { "64M@16M", true, MiB(64), 3 },
        { "16777215T", true, 16777215ULL << 40, 9 },
        { "16777216T", false, 0, 0 }, /* 2^64 */
        { "17179869184G", false, 0, 0 },
        { "18446744073709551616", false, 0, 0 },
        { "", false, 0, 0 },
        { "M", false, 0, 0 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct ulong_case *c = &cases[i];
        const char *end = NULL;
        uint64_t v = 0xdead;
        bool ok = parse_size(c->s, &end, &v);

        ck_assert_msg(ok == c->ok, "parse_size(\"%s\") returned %d", c->s, ok);
        ck_assert_msg(end == c->s + c->used, "parse_size(\"%s\") used %td",
                      c->s, end - c->s);
        if (ok)
            ck_assert_msg(v == c->val, "parse_size(\"%s\") = %#lx", c->s,
                          (unsigned long)v);
    }
}
END_TEST

static Suite *vsnprintf_suite(void)
{
    Suite *s = suite_create("vsnprintf");
    TCase *fmt = tcase_create("format");
    TCase *trunc = tcase_create("truncation");
    TCase *parse = tcase_create("parse");

    tcase_add_test(fmt, test_integers);
    tcase_add_test(fmt, test_flags);
    tcase_add_test(fmt, test_width_precision);
    tcase_add_test(fmt, test_star);
    tcase_add_test(fmt, test_length_modifiers);
    tcase_add_test(fmt, test_chars_strings);
    tcase_add_test(fmt, test_pointers_percent);
    tcase_add_test(fmt, test_combinations);
    tcase_add_test(fmt, test_alt_octal_precision);
    tcase_add_test(fmt, test_symbol);
    tcase_add_test(fmt, test_vsnprintf);
    suite_add_tcase(s, fmt);

    tcase_add_test(trunc, test_truncation);
    tcase_add_test(trunc, test_truncation_edges);
    suite_add_tcase(s, trunc);

    tcase_add_test(parse, test_parse_ulong);
    tcase_add_test(parse, test_parse_size);
    suite_add_tcase(s, parse);
    return s;
}

int main(void)
{
    return harness_run(vsnprintf_suite());
}

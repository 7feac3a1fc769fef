/* SPDX-License-Identifier: GPL-2.0-only */
/* PASS/FAIL/ERROR lines and the verdict (include/report.h). */
#include "guest.h"

const char *current_test = "dom0";

static enum test_status status; /* of the running test */
static unsigned long nr_checks, nr_failed;

static void vreport(const char *tag, const char *fmt, va_list ap,
                    const char *suffix)
{
    char msg[400];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    printf("%s%s%s: %s%s\n", tag, *tag ? ": " : "", current_test, msg,
           suffix ? suffix : "");
}

static void worsen(enum test_status st)
{
    if (st > status)
        status = st;
}

void info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("", fmt, ap, NULL);
    va_end(ap);
}

void pass(const char *fmt, ...)
{
    va_list ap;

    nr_checks++;
    va_start(ap, fmt);
    vreport("PASS", fmt, ap, NULL);
    va_end(ap);
}

void fail(const char *fmt, ...)
{
    va_list ap;

    nr_checks++;
    nr_failed++;
    worsen(TEST_FAILURE);
    va_start(ap, fmt);
    vreport("FAIL", fmt, ap, NULL);
    va_end(ap);
}

void error(const char *fmt, ...)
{
    va_list ap;

    worsen(TEST_ERROR);
    va_start(ap, fmt);
    vreport("ERROR", fmt, ap, NULL);
    va_end(ap);
}

/* An errno as "-EFAULT", a small number in decimal, anything else in hex. */
static void fmt_value(char *buf, size_t size, int64_t v)
{
    const char *name = (v < 0 && v > -4096) ? errno_name(v) : NULL;

    if (name)
        snprintf(buf, size, "-%s", name);
    else if (v > -65536 && v < 65536)
        snprintf(buf, size, "%ld", (long)v);
    else
        snprintf(buf, size, "%#lx", (unsigned long)v);
}

bool check_eq_(int64_t got, int64_t want, const char *fmt, ...)
{
    char g[32], w[32], suffix[80];
    va_list ap;
    bool ok = got == want;

    va_start(ap, fmt);
    if (ok) {
        nr_checks++;
        vreport("PASS", fmt, ap, NULL);
    } else {
        nr_checks++;
        nr_failed++;
        worsen(TEST_FAILURE);
        fmt_value(g, sizeof(g), got);
        fmt_value(w, sizeof(w), want);
        snprintf(suffix, sizeof(suffix), " (got %s, want %s)", g, w);
        vreport("FAIL", fmt, ap, suffix);
    }
    va_end(ap);
    return ok;
}

bool check_true(bool cond, const char *fmt, ...)
{
    va_list ap;

    nr_checks++;
    if (!cond) {
        nr_failed++;
        worsen(TEST_FAILURE);
    }
    va_start(ap, fmt);
    vreport(cond ? "PASS" : "FAIL", fmt, ap, NULL);
    va_end(ap);
    return cond;
}

void report_begin(const char *name)
{
    current_test = name;
    status = TEST_SUCCESS;
    nr_checks = nr_failed = 0;
    printf("--- %s: start\n", name);
}

enum test_status report_end(void)
{
    static const char *const names[] = { "SUCCESS", "ERROR", "FAILURE" };

    if (!nr_checks)
        error("the test ran no check");
    printf("--- %s: %s (%lu checks, %lu failed)\n", current_test, names[status],
           nr_checks, nr_failed);
    current_test = "dom0";
    return status;
}

__noreturn void report_verdict(enum test_status st, const char *why)
{
    static const char *const names[] = { "SUCCESS", "ERROR", "FAILURE" };

    if (why)
        printf("%s: %s\n", st == TEST_SUCCESS ? "dom0" : "ERROR: dom0", why);
    printf("Test result: %s\n", names[st]);
    hc_shutdown(SHUTDOWN_poweroff);
    printf("ERROR: dom0: sched_op shutdown poweroff returned\n");
    hc_shutdown(SHUTDOWN_crash);
    for (;;)
        __asm__ volatile("ud2");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit tests' printk(), which keeps what the hypervisor sources
 * printed, and the Check runner.  printk() is weak: the tests that link
 * common/ whole (fake-arch.h) get the hypervisor's own.  panic() and
 * format_symbol() are host-shims.c's, shared with the fuzzers; strlcpy()
 * is common/lib/strlcpy.c's.
 */
#include "harness.h"

#include <hv/console.h>

unsigned int harness_printk_count;
char harness_printk_last[512];

__attribute__((weak)) void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(harness_printk_last, sizeof(harness_printk_last), fmt, ap);
    va_end(ap);
    harness_printk_count++;
}

int harness_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

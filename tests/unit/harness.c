/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hypervisor sources expect from the rest of the hypervisor,
 * provided on the host: panic(), printk() and the %pS symbol hook.  They
 * are weak: the tests that link common/ whole (fake-arch.h) get the
 * hypervisor's own.
 */
#include "harness.h"

#include <hv/bug.h>
#include <hv/console.h>

unsigned int harness_printk_count;
char harness_printk_last[512];

__attribute__((weak)) void panic(const char *fmt, ...)
{
    va_list ap;

    fputs("panic: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

__attribute__((weak)) void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(harness_printk_last, sizeof(harness_printk_last), fmt, ap);
    va_end(ap);
    harness_printk_count++;
}

__attribute__((weak)) int format_symbol(char *buf, size_t size, uint64_t addr)
{
    return snprintf(buf, size, "sym@%lx", (unsigned long)addr);
}

/* glibc before 2.38 has no strlcpy; common/param.c uses it. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
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

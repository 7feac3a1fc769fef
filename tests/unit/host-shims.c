/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hypervisor sources expect from their surroundings on the host,
 * the same for the unit tests (harness.c adds printk() and the Check
 * runner) and the fuzzers (fuzz-support.c adds printk() and the input
 * reader).  panic() and format_symbol() are weak: the binaries that link
 * common/ whole get the hypervisor's own.  common/lib/string.c is not
 * linked on the host, where its memcpy() and the rest would replace the
 * C library's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/bug.h>
#include <hv/lib.h>

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

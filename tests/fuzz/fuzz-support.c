/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hypervisor and loader sources expect from their surroundings,
 * for the fuzzers that do not link common/ whole (those get common/'s
 * own panic() and printk()).  Weak, like tests/unit/harness.c's, which
 * cannot be linked here: it needs a Check runner.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

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

/* Formatted (so that the formatter sees every argument), then dropped. */
__attribute__((weak)) void printk(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
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

/* ---- reading the fuzzer's bytes ----------------------------------------- */

uint64_t fz_take(struct fz *f, unsigned int bytes)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < bytes; i++)
        v |= (uint64_t)(f->pos < f->size ? f->data[f->pos++] : 0) << (8 * i);
    return v;
}

const uint8_t *fz_rest(struct fz *f, size_t *n)
{
    const uint8_t *p = f->data + f->pos;

    *n = f->size - f->pos;
    f->pos = f->size;
    return p;
}

int fz_verbose(void)
{
    static int v = -1;

    if (v < 0)
        v = getenv("FUZZ_VERBOSE") && *getenv("FUZZ_VERBOSE") != '0';
    return v;
}

void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: oracle: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

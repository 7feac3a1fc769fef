/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzers' printk(), for those that do not link common/ whole (those
 * get common/'s own), and the input reader.  Weak, like
 * tests/unit/harness.c's, which cannot be linked here: it needs a Check
 * runner.  panic() and format_symbol() are tests/unit/host-shims.c's,
 * strlcpy() common/lib/strlcpy.c's, as in the unit tests.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

/* Formatted (so that the formatter sees every argument), then dropped. */
__attribute__((weak)) void printk(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
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

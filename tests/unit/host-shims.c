/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hypervisor sources expect from their surroundings on the host,
 * the same for the unit tests (harness.c adds printk() and the Check
 * runner) and the fuzzers (fuzz-support.c adds printk() and the input
 * reader).  Weak: the binaries that link common/ whole get the
 * hypervisor's own.  strlcpy() is the hypervisor's, common/lib/strlcpy.c,
 * linked by the same makefiles.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

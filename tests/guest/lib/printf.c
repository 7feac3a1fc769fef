/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's console output (console_io CONSOLEIO_write). */
#include "lib.h"
#include "hypercall.h"

/*
 * The formatter is the hypervisor's own, common/vsnprintf.c, compiled into
 * the guest (tests/guest.mk); %pS has no symbols to look up here.
 */
int format_symbol(char *buf, size_t size, uint64_t addr)
{
    return snprintf(buf, size, "%#lx", (unsigned long)addr);
}

void console_write(const char *s, size_t len)
{
    while (len) {
        size_t n = len > CONSOLEIO_MAX ? CONSOLEIO_MAX : len;

        if (hc_console_io(CONSOLEIO_write, n, PTR(s)) < 0)
            return;
        s += n;
        len -= n;
    }
}

void vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n >= (int)sizeof(buf)) {
        n = sizeof(buf) - 1;
        buf[n - 1] = '\n'; /* truncated: still end the line */
    }
    console_write(buf, n);
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

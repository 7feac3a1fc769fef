/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk() and the console lock (see include/hv/console.h).
 *
 * The lock is recursive per CPU: a fault taken while a CPU prints (the
 * register dump of a fault inside printk, an NMI) must not deadlock on
 * the CPU's own lock.  Another CPU's lock is waited for, but only for a
 * bounded number of spins, after which the line is printed anyway: a
 * garbled line beats a silent hang.
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/param.h>

static uint64_t loglvl = 2; /* print ERR, WARNING and INFO */
integer_param("loglvl", loglvl);

static struct {
    volatile int owner; /* CPU holding the lock, or -1 */
    unsigned int depth;
} console_lock = { .owner = -1 };

#define CONSOLE_LOCK_SPINS 100000000UL

static bool console_lock_acquire(void)
{
    int me = (int)arch_cpu_id();
    uint64_t spins = 0;

    if (console_lock.owner == me) {
        console_lock.depth++;
        return true;
    }
    for (;;) {
        int free = -1;

        if (__atomic_compare_exchange_n(&console_lock.owner, &free, me, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            console_lock.depth = 1;
            return true;
        }
        if (++spins > CONSOLE_LOCK_SPINS)
            return false; /* print unlocked rather than hang */
        arch_cpu_relax();
    }
}

static void console_lock_release(bool held)
{
    if (held && --console_lock.depth == 0)
        __atomic_store_n(&console_lock.owner, -1, __ATOMIC_RELEASE);
}

/* Test hook (inject=console): take the lock and never give it back. */
void console_lock_hold_for_test(void)
{
    console_lock_acquire();
}

void console_force_unlock(void)
{
    console_lock.depth = 0;
    __atomic_store_n(&console_lock.owner, -1, __ATOMIC_RELEASE);
}

void console_init(void)
{
    arch_console_init();
}

void console_write(const char *buf, size_t len)
{
    bool held = console_lock_acquire();

    arch_console_write(buf, len);
    console_lock_release(held);
}

void vprintk(const char *fmt, va_list ap)
{
    static char line[512]; /* used under the console lock only */
    static bool at_line_start = true;
    unsigned int level = 2;
    bool held;
    int len;

    if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>') {
        level = fmt[1] - '0';
        fmt += 3;
    }
    if (level > loglvl)
        return;

    held = console_lock_acquire();
    len = vsnprintf(line, sizeof(line), fmt, ap);
    if (len >= (int)sizeof(line))
        len = sizeof(line) - 1;
    /* Line by line, each after its "(HV) " prefix: one write per run. */
    for (int i = 0; i < len;) {
        int end = i;

        while (end < len && line[end] != '\n')
            end++;
        if (end < len)
            end++; /* the newline goes with its line */
        if (at_line_start)
            arch_console_write("(HV) ", 5);
        arch_console_write(&line[i], (size_t)(end - i));
        at_line_start = line[end - 1] == '\n';
        i = end;
    }
    console_lock_release(held);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

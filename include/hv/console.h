/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: printk() onto the 16550 serial port.
 *
 * Every line is prefixed with "(HV) " in the manner of Xen's "(XEN) ".
 * A message may begin with one of the level markers below; lines above the
 * threshold set by loglvl= are dropped.  The console lock serialises lines
 * between CPUs; the crash path takes it over with console_force_unlock()
 * so that a CPU that died holding it cannot silence the crash.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

#define HVLOG_ERR     "<0>"
#define HVLOG_WARNING "<1>"
#define HVLOG_INFO    "<2>"
#define HVLOG_DEBUG   "<3>"

void console_init(void);
void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
/* Write raw bytes (no prefix, no level) under the console lock. */
void console_write(const char *buf, size_t len);
/* Crash path: forget any owner of the console lock. */
void console_force_unlock(void);
/* inject=console: hold the lock forever on this CPU. */
void console_lock_hold_for_test(void);

#endif /* HV_CONSOLE_H */

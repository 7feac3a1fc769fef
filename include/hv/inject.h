/* SPDX-License-Identifier: GPL-2.0-only */
/* Crash injection (arch/x86/inject.c). */
#ifndef HV_INJECT_H
#define HV_INJECT_H

#include <hv/types.h>

/*
 * Boot option debug-inject: lets in the test hooks (inject=, the
 * *_test_* options) and debug_op(DEBUGOP_inject).  Off by default.
 */
extern bool opt_debug_inject;

/* Raise the named crash; -EINVAL for an unknown kind. */
int inject_crash(const char *kind);
/* inject= from the command line, at the end of boot. */
void run_injection(void);
/* Read the serial port for the administrator's debug key 'C' (crash). */
void debug_key_poll(void);

#endif /* HV_INJECT_H */

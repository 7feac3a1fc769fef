/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Constants head.S needs from the C headers (which it cannot include).
 * lib/main.c checks each against include/public/ at build time.
 */
#ifndef GUEST_ASM_DEFS_H
#define GUEST_ASM_DEFS_H

#define SI_HYPERCALL_PAGE 96  /* offsetof(struct start_info, hypercall_page) */
#define SI_STACK_TOP      104 /* offsetof(struct start_info, stack_top) */

#define HC_SCHED_OP          29 /* __HYPERVISOR_sched_op */
#define HC_STUB_SIZE         32 /* HYPERCALL_STUB_SIZE */
#define HC_SCHEDOP_SHUTDOWN  2  /* SCHEDOP_shutdown */
#define HC_SHUTDOWN_POWEROFF 0  /* SHUTDOWN_poweroff */
#define HC_SHUTDOWN_CRASH    3  /* SHUTDOWN_crash */

#endif

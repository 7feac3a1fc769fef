/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time self tests and fault injection (arch/x86/selftest.c). */
#ifndef ASM_SELFTEST_H
#define ASM_SELFTEST_H

#include <asm/config.h>

/* An address in the hypervisor's own area, never a valid guest pointer. */
#define HV_SELFTEST_HV_ADDR HV_VIRT_START

void run_selftests(void);

#endif /* ASM_SELFTEST_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* TSC calibrated against the PIT (arch/x86/smp/time.c). */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <hv/types.h>

extern uint64_t tsc_khz;
void time_init(void);
void udelay(uint64_t us);
void mdelay(uint64_t ms);
/* TSC ticks for a number of microseconds (after time_init). */
uint64_t us_to_tsc(uint64_t us);

#endif /* ASM_TIME_H */

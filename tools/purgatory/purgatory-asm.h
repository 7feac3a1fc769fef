/* SPDX-License-Identifier: MIT */
/*
 * What head.S and purgatory.c share: offsets into struct purgatory_args
 * (purgatory.c checks them with _Static_assert) and the CPU bits.
 */
#ifndef PURGATORY_ASM_H
#define PURGATORY_ASM_H

#define PA_ENTRY 32 /* purgatory_args.entry */
#define PA_RSI   40 /* purgatory_args.regs.rsi */
#define PA_RBX   48
#define PA_RSP   56
#define PA_RBP   64

#define CR0_PE         (1 << 0)
#define CR0_MP         (1 << 1)
#define CR0_EM         (1 << 2)
#define CR0_ET         (1 << 4)
#define CR0_NE         (1 << 5)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)

#define PURGATORY_STACK_SIZE 16384

#endif

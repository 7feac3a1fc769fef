/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register frame that every exception, interrupt and (later) hypercall
 * entry builds on the stack (arch/x86/entry.S).  Field order is the push
 * order reversed; the hardware frame follows error_code.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <hv/types.h>

struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx;
    uint64_t r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    /* Pushed by the CPU: */
    uint64_t rip, cs, rflags, rsp, ss;
};

#define REGS_OFF_ENTRY_VECTOR 124 /* checked in traps.c */

static inline bool regs_from_guest(const struct cpu_user_regs *r)
{
    return (r->cs & 3) != 0;
}

#endif /* ASM_REGS_H */

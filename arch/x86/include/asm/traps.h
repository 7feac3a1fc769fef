/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

#define TRAP_DE  0
#define TRAP_NMI 2
#define TRAP_BP  3
#define TRAP_UD  6
#define TRAP_DF  8
#define TRAP_GP  13
#define TRAP_PF  14
#define TRAP_MC  18

/* Interrupt vectors (LAPIC). */
#define VECTOR_IPI_PING   0xf1 /* test IPI: counts and EOIs */
#define VECTOR_IPI_INJECT 0xf3 /* crash injection on another CPU */
#define VECTOR_IPI_FLUSH  0xf4 /* flush this CPU's TLB */
/* kexec_test_arm_timers: vectors that only the next kernel could see. */
#define VECTOR_KEXEC_TEST_TIMER   0x40
#define VECTOR_KEXEC_TEST_IOAPIC  0x41
#define VECTOR_KEXEC_TEST_PENDING 0x42
#define VECTOR_SPURIOUS           0xff

void do_trap(struct cpu_user_regs *regs);
/* Xen-style register dump and stack trace of a hypervisor context. */
void show_registers(const struct cpu_user_regs *regs);
void show_stack_trace(uint64_t rip, uint64_t rbp);
const char *trap_name(unsigned int vector);

/*
 * Per-vector handlers for interrupts (>= 32) and NMI, installed by the
 * SMP code; return normally after their EOI.
 */
typedef void (*irq_handler_t)(struct cpu_user_regs *regs);
void set_irq_handler(unsigned int vector, irq_handler_t fn);
extern irq_handler_t nmi_callback; /* NULL: an unexpected NMI is fatal */

__noreturn void switch_stack_and_call(uint64_t new_rsp, void (*fn)(void));

#endif /* ASM_TRAPS_H */

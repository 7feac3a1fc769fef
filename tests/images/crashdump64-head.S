/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crashdump64: entry stub, GDT switch and exception stubs.
 *
 * Entered like check64 (KEXEC_ARCH_64: every GPR zero, no stack, only the
 * image's own pages, its MAPs and the control page mapped), through the
 * same stub as check64 (ENTRY64, head.S.inc): it records the entry state
 * (entry-state.h: common.c reads it), clears the .bss, takes its stack
 * from the .bss and calls crashdump64_main().
 *
 * Position independent: every memory operand is RIP-relative.
 */
#include "entry-state.h"
#include "head.S.inc"

    .code64

/* ---- entry: the stub of head.S.inc, then crashdump64_main() -------------- */

    ENTRY64 crashdump64_main

/* ---- void load_gdt(const struct dtr *gdtr) ----------------------------------
 *
 * lgdt, then reload CS (0x10, 64-bit code) with a far return and the data
 * selectors (0x18): the image's own GDT replaces the control page's, which
 * the image's page tables need not map.
 */
    .text
    .globl load_gdt
    .hidden load_gdt
    .type load_gdt, @function
load_gdt:
    lgdt    (%rdi)
    pushq   $0x10
    lea     1f(%rip), %rax
    push    %rax
    lretq
1:  mov     $0x18, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    ret
    .size load_gdt, . - load_gdt

/* ---- exceptions ---------------------------------------------------------------
 *
 * The 32 stubs (head.S.inc) go to exc_common: the GPRs, then
 * exc_handler(struct exc_frame *), which reports and ends the run.
 */
    EXC_STUBS

exc_common:
    EXC_PUSH_GPRS
    cld
    mov     %rsp, %rdi
    and     $-16, %rsp
    call    exc_handler         /* does not return */
7:  cli
    hlt
    jmp     7b

/* ---- data (all .bss): head.S.inc ----------------------------------------- */

    ENTRY_DATA

    .section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crashdump64: entry stub, GDT switch and exception stubs.
 *
 * Entered like check64 (KEXEC_ARCH_64: every GPR zero, no stack, only the
 * image's own pages, its MAPs and the control page mapped).  The stub
 * records the entry state exactly as check64-head.S does (entry-state.h:
 * common.c reads it), clears the .bss, takes its stack from the .bss and
 * calls crashdump64_main().
 *
 * Position independent: every memory operand is RIP-relative.
 */
#include "entry-state.h"

#define STACK_SIZE 16384

    .code64

    .section .text.entry, "ax", @progbits
    .globl _start
    .hidden _start
    .type _start, @function
_start:
    mov     %rax, entry_state+ES_GPR(0)(%rip)
    mov     %rbx, entry_state+ES_GPR(1)(%rip)
    mov     %rcx, entry_state+ES_GPR(2)(%rip)
    mov     %rdx, entry_state+ES_GPR(3)(%rip)
    mov     %rsi, entry_state+ES_GPR(4)(%rip)
    mov     %rdi, entry_state+ES_GPR(5)(%rip)
    mov     %rbp, entry_state+ES_GPR(6)(%rip)
    mov     %rsp, entry_state+ES_GPR(7)(%rip)
    mov     %r8,  entry_state+ES_GPR(8)(%rip)
    mov     %r9,  entry_state+ES_GPR(9)(%rip)
    mov     %r10, entry_state+ES_GPR(10)(%rip)
    mov     %r11, entry_state+ES_GPR(11)(%rip)
    mov     %r12, entry_state+ES_GPR(12)(%rip)
    mov     %r13, entry_state+ES_GPR(13)(%rip)
    mov     %r14, entry_state+ES_GPR(14)(%rip)
    mov     %r15, entry_state+ES_GPR(15)(%rip)

    lea     entry_state+ES_FLAGS+8(%rip), %rsp
    pushfq                                  /* -> entry_state.flags */

    mov     %cs, entry_state+ES_CS(%rip)
    mov     %ds, entry_state+ES_DS(%rip)
    mov     %es, entry_state+ES_ES(%rip)
    mov     %ss, entry_state+ES_SS(%rip)
    mov     %fs, entry_state+ES_FS(%rip)
    mov     %gs, entry_state+ES_GS(%rip)
    sgdt    entry_state+ES_GDTR(%rip)
    sidt    entry_state+ES_IDTR(%rip)

    cld

    /* Scan the .bss after the record (count, first non-zero address),
     * then clear it. */
    lea     entry_state+ES_SIZE(%rip), %rsi
    lea     __bss_end(%rip), %rdi
    xor     %ecx, %ecx
    xor     %edx, %edx
1:  cmp     %rdi, %rsi
    jae     3f
    cmpb    $0, (%rsi)
    je      2f
    test    %rdx, %rdx
    jnz     4f
    mov     %rsi, %rdx
4:  inc     %rcx
2:  inc     %rsi
    jmp     1b
3:  mov     %rcx, entry_state+ES_BSS_DIRTY(%rip)
    mov     %rdx, entry_state+ES_BSS_FIRST(%rip)
    test    %rcx, %rcx
    jz      5f
    lea     entry_state+ES_SIZE(%rip), %rdi
    lea     __bss_end(%rip), %rcx
    sub     %rdi, %rcx
    xor     %eax, %eax
    rep stosb
5:
    lea     stack_top(%rip), %rsp
    xor     %ebp, %ebp
    call    crashdump64_main
6:  cli
    hlt
    jmp     6b
    .size _start, . - _start

/* ---- void load_gdt(const void *gdtr) ------------------------------------------
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
 * 32 stubs of 16 bytes at exc_stubs + 16 * vector (a dummy error code
 * where the CPU pushes none, then the vector), then exc_common: the GPRs,
 * exc_handler(struct exc_frame *), which reports and ends the run.
 */
    .macro EXC_STUB vec
    .p2align 4
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || \
        (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || \
        (\vec == 29) || (\vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $\vec
    jmp     exc_common
    .endm

    .p2align 4
    .globl exc_stubs
    .hidden exc_stubs
exc_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    EXC_STUB \v
    .endr

exc_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    cld
    mov     %rsp, %rdi
    and     $-16, %rsp
    call    exc_handler         /* does not return */
7:  cli
    hlt
    jmp     7b

/* ---- data (all .bss) --------------------------------------------------------- */

    .section .bss.entry, "aw", @nobits
    .p2align 4
    .globl entry_state
    .hidden entry_state
entry_state:
    .skip   ES_SIZE

    .bss
    .p2align 4
stack:
    .skip   STACK_SIZE
stack_top:

    .section .note.GNU-stack, "", @progbits

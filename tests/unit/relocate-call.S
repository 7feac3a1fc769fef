/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * void relocate_pages_checked(const uint64_t *list, uint64_t out[6])
 *
 * Calls relocate_pages(list) (arch/x86/kexec/kexec-tramp.S) with known
 * values in every callee-saved register (RELOC_CANARY_* below) and stores
 * what they hold after the call in out[]: rbx, rbp, r12, r13, r14, r15.
 * The caller's own values are saved and restored around it.
 */
        .text
        .globl relocate_pages_checked
        .type relocate_pages_checked, @function
relocate_pages_checked:
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rsi                    /* out; keeps the stack 16-aligned */
        movabs  $0x1111111111111111, %rbx
        movabs  $0x2222222222222222, %rbp
        movabs  $0x3333333333333333, %r12
        movabs  $0x4444444444444444, %r13
        movabs  $0x5555555555555555, %r14
        movabs  $0x6666666666666666, %r15
        call    relocate_pages
        pop     %rax                    /* out */
        mov     %rbx, 0(%rax)
        mov     %rbp, 8(%rax)
        mov     %r12, 16(%rax)
        mov     %r13, 24(%rax)
        mov     %r14, 32(%rax)
        mov     %r15, 40(%rax)
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        ret
        .size relocate_pages_checked, . - relocate_pages_checked

        .section .note.GNU-stack, "", @progbits

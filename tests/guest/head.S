/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the dom0 test guest (include/public/start-info.h): ring 3,
 * 64-bit, %rsi = struct start_info *, %rsp = top of the boot stack.
 *
 * Keeps start_info, (re)loads %rsp from start_info->stack_top, calls
 * guest_main(start_info).  guest_main() ends the run itself; should it
 * return, power off through sched_op, and if even that returns, ask for a
 * domain crash and finally execute ud2 so that the run never hangs quietly.
 */
#include "asm-defs.h"

    .section .text.head, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    mov     %rsi, %r12                  /* callee-saved: survives guest_main */
    mov     SI_STACK_TOP(%r12), %rsp
    and     $~15, %rsp
    xor     %ebp, %ebp                  /* end of the frame chain */
    mov     %r12, %rdi
    call    guest_main

    /* guest_main returned: sched_op(SCHEDOP_shutdown, {SHUTDOWN_poweroff}) */
    sub     $16, %rsp
    movl    $HC_SHUTDOWN_POWEROFF, (%rsp)
1:  mov     $HC_SCHEDOP_SHUTDOWN, %edi
    mov     %rsp, %rsi
    mov     SI_HYPERCALL_PAGE(%r12), %rax
    add     $(HC_SCHED_OP * HC_STUB_SIZE), %rax
    call    *%rax
    cmpl    $HC_SHUTDOWN_CRASH, (%rsp)
    je      2f
    movl    $HC_SHUTDOWN_CRASH, (%rsp)
    jmp     1b
2:  ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check32: entry stub and exception stubs.  Linked at 0x02000000; absolute
 * addressing throughout.
 *
 * Exit codes (tests/images/verdict.h): 0x20 to port 0xf4 when every check
 * passed (QEMU status 65), 0x21 when one failed (QEMU status 67).
 */
#include "entry-state.h"
#include "head.S.inc"

/* A Multiboot (v1) header, for smoke tests straight under QEMU -kernel
 * only: 12 bytes of data that a kexec entry never looks at.  Flags 0: QEMU
 * loads the ELF segments and enters at e_entry (with %eax, %ebx and the
 * GDT of Multiboot, so those checks fail there, by design). */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0
    .section .multiboot, "a", @progbits
    .p2align 2
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)

    .code32

/* ---- entry ------------------------------------------------------------------
 *
 * Entered with every GPR zero, EFLAGS 0x2, no usable stack.  Record the
 * state before changing any of it: the 8 GPRs (movs), EFLAGS through a
 * one-slot stack that is the record's own ES_FLAGS field, then selectors
 * and descriptor-table registers; only then anything that changes flags.
 */
    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    mov     %eax, entry_state+ES_GPR(0)
    mov     %ebx, entry_state+ES_GPR(1)
    mov     %ecx, entry_state+ES_GPR(2)
    mov     %edx, entry_state+ES_GPR(3)
    mov     %esi, entry_state+ES_GPR(4)
    mov     %edi, entry_state+ES_GPR(5)
    mov     %ebp, entry_state+ES_GPR(6)
    mov     %esp, entry_state+ES_GPR(7)

    mov     $entry_state+ES_FLAGS+4, %esp
    pushfl                                  /* -> entry_state.flags */

    mov     %cs, entry_state+ES_CS
    mov     %ds, entry_state+ES_DS
    mov     %es, entry_state+ES_ES
    mov     %ss, entry_state+ES_SS
    mov     %fs, entry_state+ES_FS
    mov     %gs, entry_state+ES_GS
    sgdt    entry_state+ES_GDTR
    sidt    entry_state+ES_IDTR

    cld

    /* Scan the .bss after the record for non-zero bytes, then clear it. */
    mov     $entry_state+ES_SIZE, %esi
    mov     $__bss_end, %edi
    xor     %ecx, %ecx
    xor     %edx, %edx
1:  cmp     %edi, %esi
    jae     3f
    cmpb    $0, (%esi)
    je      2f
    test    %edx, %edx
    jnz     4f
    mov     %esi, %edx
4:  inc     %ecx
2:  inc     %esi
    jmp     1b
3:  mov     %ecx, entry_state+ES_BSS_DIRTY
    mov     %edx, entry_state+ES_BSS_FIRST
    test    %ecx, %ecx
    jz      5f
    mov     $entry_state+ES_SIZE, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb
5:
    mov     $stack_top, %esp
    xor     %ebp, %ebp
    call    check32_main
6:  cli
    hlt
    jmp     6b
    .size _start, . - _start

/* ---- exceptions --------------------------------------------------------------
 *
 * The 32 stubs (head.S.inc) go to exc_common, which calls
 * exc_handler(struct exc_frame *); it reports and ends the run.
 */
    .text
    EXC_STUBS

exc_common:
    EXC_PUSH_GPRS               /* pusha */
    cld
    push    %esp                /* struct exc_frame * */
    call    exc_handler
    add     $4, %esp
    popa
    add     $8, %esp            /* vector, error code */
    iret

/* ---- data (all .bss): head.S.inc ----------------------------------------- */

    ENTRY_DATA

    .section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check64: entry stub, exception stubs and fault-tolerant memory probes.
 *
 * Exit codes (tests/images/verdict.h): 0x20 to port 0xf4 when every check
 * passed (QEMU status 65), 0x21 when one failed (QEMU status 67).
 *
 * Position independent: every memory operand is RIP-relative, no absolute
 * address is stored anywhere (the image runs wherever the loader put it,
 * unrelocated).
 */
#include "entry-state.h"
#include "head.S.inc"

    .code64

/* ---- entry: the stub of head.S.inc, then check64_main() ------------------ */

    ENTRY64 check64_main

/* ---- exceptions --------------------------------------------------------------
 *
 * The 32 stubs (head.S.inc) go to exc_common, which saves the GPRs, calls
 * exc_handler(struct exc_frame *) and returns with iretq (exc_handler may
 * change the saved RIP: that is how a probe recovers from a page fault).
 * Same privilege level, no IST: no TSS.
 */
    .text
    EXC_STUBS

/* Vectors 32 .. 255, 16 bytes apart like the exception stubs: the
 * interrupt check (check64.c) points the IDT at them. */
    .p2align 4
    .globl irq_stubs
    .hidden irq_stubs
irq_stubs:
    .set    vec, 32
    .rept   224
    .p2align 4
    pushq   $0
    pushq   $vec
    jmp     exc_common
    .set    vec, vec + 1
    .endr

exc_common:
    EXC_PUSH_GPRS
    cld
    mov     %rsp, %rdi          /* 16-byte aligned: 5 + 2 + 15 slots = 22 */
    call    exc_handler
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp           /* vector, error code */
    iretq

/* ---- probes ------------------------------------------------------------------
 *
 * bool probe_read(uint64_t va, uint64_t *val)    true: *val = *(u64 *)va
 * bool probe_write(uint64_t va, uint64_t val)    true: *(u64 *)va = val
 * int  probe_rewrite(uint64_t va)                0: the word at va read and
 *                                                written back unchanged;
 *                                                1: the read faulted;
 *                                                2: the write faulted
 *
 * A probe that faults does not finish: exc_handler() sees a #PF whose RIP
 * is one of the *_insn labels, records CR2 and the error code (probe_cr2,
 * probe_error) and resumes at the matching fixup.  probe_write and
 * probe_rewrite set CR0.WP around the store, so that a read-only mapping
 * faults even at CPL 0 (the contract's CR0 has WP clear); the fixups
 * restore CR0 from %rcx, which the exception path preserves.
 * probe_rewrite does its read and its write with no call in between, so it
 * is safe even on a live stack slot (its own return address included).
 */
    .globl probe_read, probe_read_insn, probe_read_fixup
    .hidden probe_read, probe_read_insn, probe_read_fixup
    .type probe_read, @function
probe_read:
probe_read_insn:
    mov     (%rdi), %rax
    mov     %rax, (%rsi)
    mov     $1, %eax
    ret
probe_read_fixup:
    xor     %eax, %eax
    ret
    .size probe_read, . - probe_read

    .globl probe_write, probe_write_insn, probe_write_fixup
    .hidden probe_write, probe_write_insn, probe_write_fixup
    .type probe_write, @function
probe_write:
    mov     %cr0, %rcx
    mov     %rcx, %rdx
    or      $0x10000, %rdx      /* CR0.WP */
    mov     %rdx, %cr0
probe_write_insn:
    mov     %rsi, (%rdi)
    mov     %rcx, %cr0
    mov     $1, %eax
    ret
probe_write_fixup:
    mov     %rcx, %cr0
    xor     %eax, %eax
    ret
    .size probe_write, . - probe_write

    .globl probe_rewrite, probe_rewrite_rinsn, probe_rewrite_winsn
    .globl probe_rewrite_rfixup, probe_rewrite_wfixup
    .hidden probe_rewrite, probe_rewrite_rinsn, probe_rewrite_winsn
    .hidden probe_rewrite_rfixup, probe_rewrite_wfixup
    .type probe_rewrite, @function
probe_rewrite:
    mov     %cr0, %rcx
    mov     %rcx, %rdx
    or      $0x10000, %rdx      /* CR0.WP */
    mov     %rdx, %cr0
probe_rewrite_rinsn:
    mov     (%rdi), %rax
probe_rewrite_winsn:
    mov     %rax, (%rdi)
    mov     %rcx, %cr0
    xor     %eax, %eax
    ret
probe_rewrite_rfixup:
    mov     %rcx, %cr0
    mov     $1, %eax
    ret
probe_rewrite_wfixup:
    mov     %rcx, %cr0
    mov     $2, %eax
    ret
    .size probe_rewrite, . - probe_rewrite

/* ---- data (all .bss): head.S.inc ----------------------------------------- */

    ENTRY_DATA

    .section .note.GNU-stack, "", @progbits

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

#define STACK_SIZE 16384

    .code64

/* ---- entry ------------------------------------------------------------------
 *
 * Entered with every GPR zero, RFLAGS 0x2, no usable stack.  Record the
 * state before changing any of it: the 16 GPRs (plain movs: no flags, no
 * register changes), then RFLAGS through a one-slot stack that is the
 * record's own ES_FLAGS field (lea and mov do not touch the flags; pushfq
 * stores the entry RFLAGS there), then selectors and descriptor-table
 * registers (no flags either).  Only then anything that changes flags.
 */
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

    /* Scan the .bss after the record for non-zero bytes (count, first
     * address), then clear it so that the C code finds it as it expects. */
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
    call    check64_main
6:  cli
    hlt
    jmp     6b
    .size _start, . - _start

/* ---- exceptions --------------------------------------------------------------
 *
 * 32 stubs of 16 bytes each at exc_stubs + 16 * vector: push a dummy error
 * code where the CPU pushes none, push the vector, go to exc_common, which
 * saves the GPRs, calls exc_handler(struct exc_frame *) and returns with
 * iretq (exc_handler may change the saved RIP: that is how a probe
 * recovers from a page fault).  Same privilege level, no IST: no TSS.
 */
    .text
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

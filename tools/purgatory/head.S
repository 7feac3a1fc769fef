/* SPDX-License-Identifier: MIT */
/*
 * purgatory: the entry, the exception stubs, the exit and the jump into
 * the next image.  Position independent: every memory operand is
 * RIP-relative and no absolute address is stored in the image (the build
 * refuses any relocation), so it runs wherever the loader put it.
 *
 * Entered in the kexec handoff state (include/public/kexec.h,
 * KEXEC_ARCH_64): long mode, the handoff's 1:1 tables, every GPR zero
 * (%rsp too), RFLAGS 0x2, the control page's GDT, a null IDT.
 */
#include "purgatory-asm.h"
#include "purgatory-args.h"

    .code64

    .macro GLOBAL sym
    .globl \sym
    .hidden \sym
    .endm

/* ---- entry ------------------------------------------------------------------ */

    .section .text.entry, "ax", @progbits
    GLOBAL _start
    .type _start, @function
_start:
    cli
    cld
    lea     stack_top(%rip), %rsp

    /* What the handoff gave, to give it back before the jump. */
    sgdt    handoff_gdtr(%rip)
    mov     %cr0, %rax
    mov     %rax, handoff_cr0(%rip)
    mov     %cr4, %rax
    mov     %rax, handoff_cr4(%rip)

    /* Our own GDT (the base is only known at run time). */
    lea     gdt(%rip), %rax
    mov     %rax, gdt_ptr+2(%rip)
    lgdt    gdt_ptr(%rip)
    lea     1f(%rip), %rax
    pushq   $PURGATORY_CS64
    push    %rax
    lretq
1:  mov     $PURGATORY_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs

    /* SSE on, for the SHA extensions: CR0.EM clear, CR0.MP set,
     * CR4.OSFXSR | OSXMMEXCPT. */
    mov     %cr0, %rax
    and     $~CR0_EM, %rax
    or      $CR0_MP, %rax
    mov     %rax, %cr0
    mov     %cr4, %rax
    or      $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
    mov     %rax, %cr4

    xor     %ebp, %ebp
    call    purgatory_main      /* installs the IDT first; never returns */
    mov     $PURGATORY_EXIT_FAULT, %edi
    jmp     purgatory_exit
    .size _start, . - _start

/* ---- exit: void purgatory_exit(uint32_t code, noreturn) ------------------------
 *
 * The code to the isa-debug-exit port (exit_port, if not 0), then halt
 * with interrupts off for good. */
    .text
    GLOBAL purgatory_exit
    .type purgatory_exit, @function
purgatory_exit:
    cli
    movzwl  purgatory_args+26(%rip), %edx   /* exit_port */
    test    %edx, %edx
    jz      2f
    mov     %edi, %eax
    outb    %al, %dx
2:  hlt
    jmp     2b
    .size purgatory_exit, . - purgatory_exit

/* ---- the jump: void purgatory_enter_linux64(void), noreturn --------------------
 *
 * Give back the handoff's CPU state (its GDT, whose 0x10 / 0x18 are
 * PURGATORY_CS64 / PURGATORY_DS too; the null IDT; its CR0 and CR4, so SSE
 * off again), CS 0x10, DS = ES = SS = FS = GS = 0x18, RFLAGS 0x2, every
 * GPR zero but %rsi %rbx %rsp %rbp from regs, and jump to entry.  From the
 * lidt on, no instruction here can fault. */
    GLOBAL purgatory_enter_linux64
    .type purgatory_enter_linux64, @function
purgatory_enter_linux64:
    cli
    lgdt    handoff_gdtr(%rip)
    lidt    null_idtr(%rip)
    mov     handoff_cr4(%rip), %rax
    mov     %rax, %cr4
    mov     handoff_cr0(%rip), %rax
    mov     %rax, %cr0
    lea     3f(%rip), %rax
    pushq   $PURGATORY_CS64
    push    %rax
    lretq
3:  mov     $PURGATORY_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    xor     %eax, %eax
    xor     %ecx, %ecx
    xor     %edx, %edx
    xor     %edi, %edi
    xor     %r8d, %r8d
    xor     %r9d, %r9d
    xor     %r10d, %r10d
    xor     %r11d, %r11d
    xor     %r12d, %r12d
    xor     %r13d, %r13d
    xor     %r14d, %r14d
    xor     %r15d, %r15d
    pushq   $2                  /* after the xors, which set flags */
    popfq
    /* mov does not touch RFLAGS; the jump reads entry from memory */
    mov     purgatory_args+PA_RSI(%rip), %rsi
    mov     purgatory_args+PA_RBX(%rip), %rbx
    mov     purgatory_args+PA_RBP(%rip), %rbp
    mov     purgatory_args+PA_RSP(%rip), %rsp
    jmp     *purgatory_args+PA_ENTRY(%rip)
    .size purgatory_enter_linux64, . - purgatory_enter_linux64

/* ---- the jump: void purgatory_enter_multiboot32(void), noreturn ----------------
 *
 * The machine state of the Multiboot Specification 0.6.96, 3.2: 32-bit
 * protected mode, paging and long mode off (EFER = 0, CR4 = 0, CR0 = PE |
 * ET | NE), CS = PURGATORY_CS32 and DS = ES = FS = GS = SS =
 * PURGATORY_DS of purgatory's GDT (flat 4 GiB; the OS must load its own
 * before it reloads a segment register), the null IDT, EFLAGS = 0x2 (IF
 * and VM clear), %eax = 0x2BADB002, %ebx = regs.rbx (the information
 * structure), every other GPR zero, %esp too.  Everything here runs 1:1
 * below 4 GiB (check_args): paging goes off under our feet.
 *
 * The last jump is `ljmp *abs32` through mb_entry_far, whose absolute
 * address is patched into the instruction at run time (this code is
 * position independent and no register may hold it at the jump). */
    GLOBAL purgatory_enter_multiboot32
    .type purgatory_enter_multiboot32, @function
purgatory_enter_multiboot32:
    cli
    lidt    null_idtr(%rip)
    mov     purgatory_args+PA_ENTRY(%rip), %eax
    mov     %eax, mb_entry_far(%rip)
    movw    $PURGATORY_CS32, mb_entry_far+4(%rip)
    lea     mb_entry_far(%rip), %rax
    mov     %eax, mb_ljmp_operand(%rip)
    lea     mb_compat(%rip), %rax
    mov     %eax, mb_compat_far(%rip)
    movw    $PURGATORY_CS32, mb_compat_far+4(%rip)
    mov     purgatory_args+PA_RBX(%rip), %ebx    /* kept to the end */
    ljmpl   *mb_compat_far(%rip)

    .code32
mb_compat:                          /* compatibility mode, CS32 */
    mov     $PURGATORY_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %fs
    mov     %eax, %gs
    mov     %eax, %ss
    mov     %cr0, %eax              /* paging off: long mode ends */
    and     $0x7fffffff, %eax
    mov     %eax, %cr0
    mov     $0xc0000080, %ecx       /* EFER = 0 */
    xor     %eax, %eax
    xor     %edx, %edx
    wrmsr
    mov     %eax, %cr4
    mov     $(CR0_PE | CR0_ET | CR0_NE), %eax
    mov     %eax, %cr0
    pushl   $2
    popfl
    mov     $0x2BADB002, %eax       /* mov does not touch EFLAGS */
    mov     $0, %ecx
    mov     $0, %edx
    mov     $0, %esi
    mov     $0, %edi
    mov     $0, %ebp
    mov     $0, %esp
    .byte   0xff, 0x2d              /* ljmp *abs32: m16:32 at the operand */
mb_ljmp_operand:
    .long   0
    .code64
    .size purgatory_enter_multiboot32, . - purgatory_enter_multiboot32

/* ---- exceptions ----------------------------------------------------------------
 *
 * exc_stubs: 32 stubs, 16 bytes apart (idt_install() in purgatory.c points
 * vectors 0..31 at them).  Each pushes a dummy error code where the CPU
 * pushes none, then the vector, and goes to purgatory_fault(frame), which
 * prints and exits.  An NMI (vector 2) is not a fault: it returns. */
    .p2align 4
    GLOBAL exc_stubs
exc_stubs:
    .set    vec, 0
    .rept   32
    .p2align 4
    .if vec == 2
    iretq
    .else
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $vec
    jmp     exc_common
    .endif
    .set    vec, vec + 1
    .endr

exc_common:
    mov     %rsp, %rdi          /* vector, error, rip, cs, rflags, rsp, ss */
    and     $~15, %rsp
    call    purgatory_fault
1:  hlt
    jmp     1b

/* ---- data ------------------------------------------------------------------- */

    .data
    .p2align 3
/* 0x08 32-bit flat code, 0x10 64-bit code, 0x18 flat data: the selectors
 * of the handoff GDT and of Linux's boot protocol. */
gdt:
    .quad   0
    .quad   0x00cf9a000000ffff  /* PURGATORY_CS32 */
    .quad   0x00af9a000000ffff  /* PURGATORY_CS64 */
    .quad   0x00cf92000000ffff  /* PURGATORY_DS */
gdt_end:
    .p2align 3
    .word   0, 0, 0
gdt_ptr:
    .word   gdt_end - gdt - 1
    .quad   0                   /* base: filled at run time */
    .p2align 3
    .word   0, 0, 0
null_idtr:
    .word   0
    .quad   0
    .p2align 3
    .word   0, 0, 0
handoff_gdtr:
    .word   0
    .quad   0
    .p2align 3
mb_entry_far:                       /* m16:32: the Multiboot entry */
    .long   0
    .word   0
    .p2align 3
mb_compat_far:                      /* m16:32: mb_compat */
    .long   0
    .word   0
    .p2align 3
handoff_cr0:
    .quad   0
handoff_cr4:
    .quad   0

/* The one block the loader fills (purgatory-args.h). */
    .section .purgatory_args, "a", @progbits
    .p2align 12
    GLOBAL purgatory_args
    .type purgatory_args, @object
purgatory_args:
    .zero   PURGATORY_ARGS_SIZE
    .size purgatory_args, PURGATORY_ARGS_SIZE

    .bss
    .p2align 12
    GLOBAL purgatory_idt
purgatory_idt:
    .zero   256 * 16
    .p2align 4
stack:
    .zero   PURGATORY_STACK_SIZE
stack_top:

    .section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smoke-test handoff shim (NOT part of the hypervisor): a Multiboot
 * kernel for QEMU -kernel that plays the hypervisor's kexec handoff for
 * one test image given as a Multiboot module (handoff.c), so that the
 * images can be run without the hypervisor.  This file: the Multiboot
 * entry, and the "control page": GDT and the two trampolines that set the
 * CPU state of include/public/kexec.h and jump.
 */

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003     /* modules page aligned, memory info */

    .section .multiboot, "a", @progbits
    .p2align 2
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)

    .code32
    .text
    .globl _start
_start:
    mov     $stack_top, %esp
    push    %ebx                /* Multiboot info */
    push    %eax                /* magic */
    call    smoke_main
1:  cli
    hlt
    jmp     1b

    .bss
    .p2align 4
    .skip   16384
stack_top:

/* ---- the control page ------------------------------------------------------
 *
 * One page, identity mapped in the handoff tables (handoff.c maps it);
 * handoff.c fills the ctl_* fields, then calls handoff64 or handoff32.
 */
    .section .control, "awx", @progbits
    .p2align 12
    .globl control_page
control_page:
gdt:
    .quad   0
    .quad   0x00cf9a000000ffff  /* 0x08: flat 32-bit code */
    .quad   0x00af9a000000ffff  /* 0x10: 64-bit code */
    .quad   0x00cf92000000ffff  /* 0x18: flat data */
gdt_end:
    .p2align 3
gdtr:
    .word   gdt_end - gdt - 1
    .long   gdt
    .p2align 3
idtr_null:
    .word   0
    .long   0

    .p2align 3
    .globl ctl_regs, ctl_flags, ctl_entry, ctl_cr0, ctl_cr3, ctl_cr4, ctl_efer
ctl_regs:   .skip 16 * 8        /* rax rbx rcx rdx rsi rdi rbp rsp r8..r15 */
ctl_flags:  .quad 0x2
ctl_entry:  .quad 0
ctl_cr0:    .long 0
ctl_cr3:    .long 0
ctl_cr4:    .long 0
ctl_efer:   .long 0
    .p2align 4
ctl_stack:  .skip 64
ctl_stack_top:

/* void handoff64(void): long mode with the tables of ctl_cr3, then the
 * image's 64-bit entry.  Does not return. */
    .globl handoff64
handoff64:
    cli
    lgdt    gdtr
    ljmp    $0x08, $1f
1:  mov     $0x18, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    mov     $ctl_stack_top, %esp
    lidt    idtr_null
    mov     ctl_cr4, %eax
    mov     %eax, %cr4
    mov     ctl_cr3, %eax
    mov     %eax, %cr3
    mov     $0xc0000080, %ecx
    mov     ctl_efer, %eax      /* LME; LMA follows with paging */
    xor     %edx, %edx
    wrmsr
    mov     ctl_cr0, %eax
    mov     %eax, %cr0          /* paging on: compatibility mode */
    ljmp    $0x10, $2f

    .code64
2:  lea     ctl_stack_top(%rip), %rsp
    pushq   ctl_flags(%rip)
    popfq
    /* movs only from here: the flags stay as loaded */
    mov     ctl_regs+0*8(%rip), %rax
    mov     ctl_regs+1*8(%rip), %rbx
    mov     ctl_regs+2*8(%rip), %rcx
    mov     ctl_regs+3*8(%rip), %rdx
    mov     ctl_regs+4*8(%rip), %rsi
    mov     ctl_regs+5*8(%rip), %rdi
    mov     ctl_regs+6*8(%rip), %rbp
    mov     ctl_regs+8*8(%rip), %r8
    mov     ctl_regs+9*8(%rip), %r9
    mov     ctl_regs+10*8(%rip), %r10
    mov     ctl_regs+11*8(%rip), %r11
    mov     ctl_regs+12*8(%rip), %r12
    mov     ctl_regs+13*8(%rip), %r13
    mov     ctl_regs+14*8(%rip), %r14
    mov     ctl_regs+15*8(%rip), %r15
    mov     ctl_regs+7*8(%rip), %rsp
    jmp     *ctl_entry(%rip)

/* void handoff32(void): protected mode, paging off, the GDT above, then
 * the image's 32-bit entry.  Does not return. */
    .code32
    .globl handoff32
handoff32:
    cli
    lgdt    gdtr
    ljmp    $0x08, $1f
1:  mov     $0x18, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    mov     $ctl_stack_top, %esp
    lidt    idtr_null
    mov     ctl_cr0, %eax
    mov     %eax, %cr0
    mov     ctl_cr4, %eax
    mov     %eax, %cr4
    mov     $0xc0000080, %ecx
    mov     ctl_efer, %eax
    xor     %edx, %edx
    wrmsr
    pushl   ctl_flags
    popfl
    mov     ctl_regs+0*8, %eax
    mov     ctl_regs+1*8, %ebx
    mov     ctl_regs+2*8, %ecx
    mov     ctl_regs+3*8, %edx
    mov     ctl_regs+4*8, %esi
    mov     ctl_regs+5*8, %edi
    mov     ctl_regs+6*8, %ebp
    mov     ctl_regs+7*8, %esp
    jmp     *ctl_entry

    .p2align 12
control_page_end:

    .section .note.GNU-stack, "", @progbits

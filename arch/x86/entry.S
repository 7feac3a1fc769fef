/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry.
 *
 * One 16-byte stub per vector (the IDT points at idt_stubs + 16 * vector).
 * A stub makes the frame uniform, pushing a zero error code where the CPU
 * pushes none and the vector number beside it, then jumps to
 * handle_exception, which saves every GPR as struct cpu_user_regs
 * (asm/regs.h) and calls do_trap(regs).  NMI, #DF and #MC arrive on
 * their own IST stacks (asm/config.h).  SMAP: AC is cleared on entry so
 * that a handler never runs with guest access open by accident; iretq
 * restores the interrupted RFLAGS.
 */
#include <asm/desc.h>
#include <asm/smp.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
        .globl idt_stubs
idt_stubs:
        .set    vec, 0
        .rept   256
        .balign 16
        .if     HAS_ERRCODE(vec)
        movl    $vec, 4(%rsp)
        .else
        pushq   $0
        movl    $vec, 4(%rsp)
        .endif
        jmp     handle_exception
        .set    vec, vec + 1
        .endr

/*
 * Every interrupt vector of the drain IDT (apic_take_pending(), on the
 * way to a kexec handoff): the interrupt leaves the IRR and is returned
 * from at once; its handler is not run, the caller sends the EOI.
 */
        .balign 16
        .globl drain_interrupt
drain_interrupt:
        iretq

/*
 * Call-frame information, so that a debugger (gdb on a vmcore) unwinds
 * from a CPU stopped anywhere in here into the interrupted code: the CFA
 * is the interrupted stack, above the error code and the iret frame
 * (rip at CFA-40, rsp at CFA-16), as for a signal frame.
 */
        .cfi_sections .debug_frame
handle_exception:
        .cfi_startproc simple
        .cfi_signal_frame
        .cfi_def_cfa rsp, 48
        .cfi_offset rip, -40
        .cfi_offset rsp, -16
        cld
        push    %rdi
        .cfi_adjust_cfa_offset 8
        push    %rsi
        .cfi_adjust_cfa_offset 8
        push    %rdx
        .cfi_adjust_cfa_offset 8
        push    %rcx
        .cfi_adjust_cfa_offset 8
        push    %rax
        .cfi_adjust_cfa_offset 8
        push    %r8
        .cfi_adjust_cfa_offset 8
        push    %r9
        .cfi_adjust_cfa_offset 8
        push    %r10
        .cfi_adjust_cfa_offset 8
        push    %r11
        .cfi_adjust_cfa_offset 8
        push    %rbx
        .cfi_adjust_cfa_offset 8
        push    %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset rbp, 0
        push    %r12
        .cfi_adjust_cfa_offset 8
        push    %r13
        .cfi_adjust_cfa_offset 8
        push    %r14
        .cfi_adjust_cfa_offset 8
        push    %r15
        .cfi_adjust_cfa_offset 8
        testb   $1, cpu_has_smap_byte(%rip)
        jz      1f
        clac
1:      mov     %rsp, %rdi
        /* Align the stack for C; the frame pointer chain starts afresh. */
        mov     %rsp, %rbp
        .cfi_def_cfa rbp, 168
        and     $~15, %rsp
        call    do_trap
        mov     %rbp, %rsp
        .cfi_def_cfa rsp, 168
/* Pop a struct cpu_user_regs from %rsp and return to where it says. */
restore_all:
        pop     %r15
        .cfi_adjust_cfa_offset -8
        pop     %r14
        .cfi_adjust_cfa_offset -8
        pop     %r13
        .cfi_adjust_cfa_offset -8
        pop     %r12
        .cfi_adjust_cfa_offset -8
        pop     %rbp
        .cfi_adjust_cfa_offset -8
        pop     %rbx
        .cfi_adjust_cfa_offset -8
        pop     %r11
        .cfi_adjust_cfa_offset -8
        pop     %r10
        .cfi_adjust_cfa_offset -8
        pop     %r9
        .cfi_adjust_cfa_offset -8
        pop     %r8
        .cfi_adjust_cfa_offset -8
        pop     %rax
        .cfi_adjust_cfa_offset -8
        pop     %rcx
        .cfi_adjust_cfa_offset -8
        pop     %rdx
        .cfi_adjust_cfa_offset -8
        pop     %rsi
        .cfi_adjust_cfa_offset -8
        pop     %rdi
        .cfi_adjust_cfa_offset -8
        add     $8, %rsp        /* error code and vector */
        .cfi_adjust_cfa_offset -8
        iretq
        .cfi_endproc

/*
 * Hypercall entry: `syscall` from a ring-3 guest (LSTAR).  %rcx holds the
 * guest RIP, %r11 its RFLAGS, %rsp is still the guest's.  SYSCALL_MASK
 * has cleared IF, DF, TF and AC.  The CPU's stack top is found through
 * %gs after swapgs (KERNEL_GS_BASE = struct cpu_info; the hypervisor
 * itself never uses %gs otherwise).  The frame built is the same struct
 * cpu_user_regs as for exceptions, so the same exit path (iretq) serves
 * both; do_hypercall() refuses a non-canonical return RIP first.
 */
        .globl syscall_entry
syscall_entry:
        swapgs
        mov     %rsp, %gs:CPUINFO_guest_rsp
        mov     %gs:CPUINFO_stack_top, %rsp
        pushq   $GUEST_DS               /* ss */
        pushq   %gs:CPUINFO_guest_rsp   /* rsp */
        swapgs
        push    %r11                    /* rflags */
        pushq   $GUEST_CS               /* cs */
        push    %rcx                    /* rip */
        pushq   $0
        movl    $0x100, 4(%rsp)         /* entry_vector: not a vector */
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        xor     %ebp, %ebp
        mov     %rsp, %rdi
        call    do_hypercall
        jmp     restore_all

/* void enter_guest(struct cpu_user_regs *regs): first entry into a guest. */
        .globl enter_guest
enter_guest:
        mov     $GUEST_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %rdi, %rsp
        jmp     restore_all

/*
 * void switch_stack_and_call(uint64_t new_rsp, void (*fn)(void))
 * Continue on another stack; fn must not return.
 */
        .globl switch_stack_and_call
switch_stack_and_call:
        mov     %rdi, %rsp
        xor     %ebp, %ebp
        call    *%rsi
        ud2

        .globl halt_forever
halt_forever:
        cli
1:      hlt
        jmp     1b

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kexec trampoline.  Copied into the image's control page at load time
 * and run from there; position independent (data is reached RIP-relative
 * at KEXEC_CTRL_DATA from the start of the copy).  See asm/kexec.h for the
 * page's layout and the relocation list, include/public/kexec.h for the
 * CPU state it promises at the image's entry.
 *
 * Entered by machine_kexec() at the control page's alias address in the
 * hypervisor's tables, interrupts off:
 *   1. CR3 = relocation tables (they map this page at the alias too, and
 *      1:1, with every destination, staging and list page);
 *   2. continue at the 1:1 address; load the page's GDT and fault IDT,
 *      its stack; CS = 0x10, data segments 0x18; CR4 = PAE; CR0 minimal;
 *   3. relocate_pages(list) when the image still has pages to move;
 *   4. CR3 = handoff tables (destinations, this page, the MAP entries);
 *   5. EFER = LME; IDT limit 0; every GPR zero; jump to the entry, or
 *      for a 32-bit image drop through compatibility mode to protected
 *      mode with paging and long mode off, then jump.
 * A fault from step 2 to the jump lands in a stub of the page's IDT,
 * which prints vector, RIP and CR2 on COM1 and stops the machine.
 */
#include <asm/kexec.h>
#include <hv/shutdown.h>

#define DATA(field) (kexec_tramp_start + KEXEC_CTRL_DATA + KCTL_##field)(%rip)

        .section .text.kexec, "ax", @progbits
        .code64
        .balign 16
        .globl kexec_tramp_start
kexec_tramp_start:
        cli
        mov     DATA(reloc_cr3), %rax
        mov     %rax, %cr3
        mov     DATA(control_maddr), %rax
        add     $(.Lidentity - kexec_tramp_start), %rax
        jmp     *%rax
.Lidentity:
        lgdt    DATA(gdtr)
        lidt    DATA(idtr)
        lea     (kexec_tramp_start + KEXEC_CTRL_STACK)(%rip), %rsp
        pushq   $0x10
        lea     .Lcs_reloaded(%rip), %rax
        push    %rax
        lretq
.Lcs_reloaded:
        mov     $0x18, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $0x20, %eax             /* CR4 = PAE: no SMEP/SMAP/PGE... */
        mov     %rax, %cr4
        mov     $0x80000031, %eax       /* CR0 = PG | NE | ET | PE */
        mov     %rax, %cr0

        mov     DATA(list), %rdi
        test    %rdi, %rdi
        jz      1f
        call    relocate_pages
1:
        mov     DATA(handoff_cr3), %rax
        mov     %rax, %cr3
        testl   $KCTL_FLAG_FAULT, DATA(flags)
        jz      2f
        ud2                             /* test: the fault handler must catch this */
2:
        mov     $0xc0000080, %ecx       /* EFER: LME and LMA stay, NXE/SCE off */
        rdmsr
        and     $0x500, %eax
        xor     %edx, %edx
        wrmsr
        lidt    DATA(idtr_zero)
        cmpl    $2, DATA(arch)          /* KEXEC_ARCH_32 */
        je      .Lto32
        xor     %eax, %eax
        xor     %ebx, %ebx
        xor     %ecx, %ecx
        xor     %edx, %edx
        xor     %esi, %esi
        xor     %edi, %edi
        xor     %ebp, %ebp
        xor     %r8d, %r8d
        xor     %r9d, %r9d
        xor     %r10d, %r10d
        xor     %r11d, %r11d
        xor     %r12d, %r12d
        xor     %r13d, %r13d
        xor     %r14d, %r14d
        xor     %r15d, %r15d
        pushq   $2                      /* RFLAGS = 0x2: the xors set ZF|PF */
        popfq
        mov     $0, %esp                /* mov, unlike xor, leaves the flags */
        jmp     *DATA(entry)

.Lto32:
        ljmpl   *DATA(far32)
        .code32
        .globl kexec_tramp_32
kexec_tramp_32:
        mov     $0x18, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     %cr0, %eax              /* paging off: long mode ends */
        and     $0x7fffffff, %eax
        mov     %eax, %cr0
        mov     $0xc0000080, %ecx       /* EFER = 0 */
        xor     %eax, %eax
        xor     %edx, %edx
        wrmsr
        mov     %eax, %cr4
        mov     $0x31, %eax             /* CR0 = NE | ET | PE */
        mov     %eax, %cr0
        xor     %eax, %eax
        xor     %ebx, %ebx
        xor     %ecx, %ecx
        xor     %edx, %edx
        xor     %esi, %esi
        xor     %edi, %edi
        xor     %ebp, %ebp
        pushl   $2                      /* EFLAGS = 0x2 */
        popfl
        mov     $0, %esp
        /* ljmp *abs32: the displacement is patched at load time with the
         * 1:1 address of the page's far pointer (KCTL_entry32). */
        .byte   0xff, 0x2d
        .globl kexec_tramp_far_entry32
kexec_tramp_far_entry32:
        .long   0
        .code64

/*
 * void relocate_pages(const uint64_t *list)
 * Walk a relocation list (asm/kexec.h) and copy or zero pages.  A proper
 * SysV function: it uses only caller-saved registers and returns.
 */
        .balign 16
        .globl relocate_pages
relocate_pages:
        cld
        xor     %r8d, %r8d              /* current destination */
.Lnext:
        mov     (%rdi), %rax
        add     $8, %rdi
        mov     %rax, %rdx
        and     $~IND_FLAGS, %rdx       /* address */
        test    $IND_DESTINATION, %al
        jz      1f
        mov     %rdx, %r8
        jmp     .Lnext
1:      test    $IND_INDIRECTION, %al
        jz      2f
        mov     %rdx, %rdi
        jmp     .Lnext
2:      test    $IND_SOURCE, %al
        jz      3f
        mov     %rdi, %r9               /* rep movsq uses rdi/rsi/rcx */
        mov     %rdx, %rsi
        mov     %r8, %rdi
        mov     $512, %ecx
        rep     movsq
        mov     %rdi, %r8               /* destination advanced by a page */
        mov     %r9, %rdi
        jmp     .Lnext
3:      test    $IND_ZERO, %al
        jz      4f
        mov     %rdi, %r9
        mov     %r8, %rdi
        mov     $512, %ecx
        xor     %eax, %eax
        rep     stosq
        mov     %rdi, %r8
        mov     %r9, %rdi
        jmp     .Lnext
4:      test    $IND_DONE, %al
        jz      .Lnext                  /* an empty word: skip it */
        ret

/*
 * Fault stubs for the page's IDT (vectors 0-31, 16 bytes each).  Each
 * makes the frame uniform (an error code of 0 where the CPU pushes none)
 * and pushes its vector.
 */
        .balign 16
        .globl kexec_fault_stubs
kexec_fault_stubs:
        .set    vec, 0
        .rept   32
        .balign 16
        .if     vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
        pushq   $vec
        .else
        pushq   $0
        pushq   $vec
        .endif
        jmp     kexec_fault
        .set    vec, vec + 1
        .endr

/* Print "(HV) kexec: fault in the handoff: vector V rip R cr2 C" and stop. */
kexec_fault:
        lea     .Lmsg1(%rip), %rsi
        call    kputs
        mov     (%rsp), %rax            /* vector */
        call    kputhex
        lea     .Lmsg2(%rip), %rsi
        call    kputs
        mov     16(%rsp), %rax          /* rip (after vector, error code) */
        call    kputhex
        lea     .Lmsg3(%rip), %rsi
        call    kputs
        mov     %cr2, %rax
        call    kputhex
        lea     .Lmsg4(%rip), %rsi
        call    kputs
        mov     $EXIT_KEXEC_FAULT, %al
        mov     $0xf4, %dx
        outb    %al, %dx
1:      cli
        hlt
        jmp     1b

kputs:                                  /* %rsi: NUL-terminated string */
        lodsb
        test    %al, %al
        jz      2f
        call    kputc
        jmp     kputs
2:      ret

kputhex:                                /* %rax: 16 hex digits */
        mov     %rax, %rbx
        mov     $16, %ecx
3:      rol     $4, %rbx
        mov     %ebx, %eax
        and     $0xf, %eax
        add     $'0', %al
        cmp     $'9', %al
        jbe     4f
        add     $('a' - '9' - 1), %al
4:      push    %rcx
        call    kputc
        pop     %rcx
        dec     %ecx
        jnz     3b
        ret

kputc:                                  /* %al, polled COM1 */
        mov     %eax, %r8d
        mov     $0x3fd, %dx
5:      inb     %dx, %al
        test    $0x20, %al
        jz      5b
        mov     $0x3f8, %dx
        mov     %r8d, %eax
        outb    %al, %dx
        ret

.Lmsg1: .asciz  "(HV) kexec: fault in the handoff: vector 0x"
.Lmsg2: .asciz  " rip 0x"
.Lmsg3: .asciz  " cr2 0x"
.Lmsg4: .asciz  "\r\n"

        .globl kexec_tramp_end
kexec_tramp_end:

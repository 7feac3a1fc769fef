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
 *   1. CR0.WP off (the alias is read-only: the fault handler's stack is
 *      in this page); the page's GDT, fault IDT and stack, all at the
 *      alias, which both the hypervisor's and the relocation tables map;
 *   2. CR3 = relocation tables (they map this page at the alias too, and
 *      1:1, with every destination, staging and list page);
 *   3. continue at the 1:1 address; the same GDT, IDT and stack at their
 *      1:1 addresses; CS = 0x10, data segments 0x18; CR4 = PAE; CR0
 *      minimal;
 *   4. relocate_pages(list) when the image still has pages to move;
 *   5. CR3 = handoff tables (destinations, this page, the MAP entries);
 *   6. EFER = LME; every GPR but %rsp zero, RFLAGS = 0x2; then the null
 *      IDT, %rsp = 0 and the jump.  A 32-bit image first drops through
 *      compatibility mode to protected mode with paging and long mode off,
 *      where a 32-bit IDT of the same stubs takes over.
 * Step 1's own instructions run with the hypervisor's IDT and stack;
 * every instruction after its lidt, up to the null IDT, with the page's
 * fault IDT and a stack in this page: a fault lands in a stub, which prints
 * vector, RIP and CR2 on COM1 and stops the machine.  Unprotected are
 * only instructions that cannot fault: after `lidt` of the null IDT,
 * `mov $0, %esp` and the jump through the page's own data (64-bit); or
 * `mov $0, %ebp`, `mov $0, %esp` and the far jump through the page's own
 * far pointer (32-bit); and in the 32-bit path the one `lidt` of the
 * 32-bit IDT right after paging goes off (its operand is in this page,
 * flat segment, paging off).  include/public/kexec.h says the same.
 */
#include <asm/kexec.h>
#include <hv/shutdown.h>

#define DATA(field) (kexec_tramp_start + KEXEC_CTRL_DATA + KCTL_##field)(%rip)
/* In 32-bit code, with %ebp = the page's 1:1 address. */
#define DATA32(field) (KEXEC_CTRL_DATA + KCTL_##field)(%ebp)

        .section .text.kexec, "ax", @progbits
        .code64
        .balign 16
        .globl kexec_tramp_start
kexec_tramp_start:
        cli
        mov     %cr0, %rax              /* WP off: the stack below is in */
        btr     $16, %rax               /* this read-only alias */
        mov     %rax, %cr0
        lgdt    DATA(gdtr_alias)
        lidt    DATA(idtr_alias)
        lea     (kexec_tramp_start + KEXEC_CTRL_STACK)(%rip), %rsp
        mov     DATA(reloc_cr3), %rax
        mov     %rax, %cr3
        testl   $KCTL_FLAG_FAULT_RELOC, DATA(flags)
        jz      1f
        ud2                             /* test: the fault handler must catch this */
1:
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
        testl   $KCTL_FLAG_BENCH_RELOC, DATA(flags)
        jnz     .Lbench_reloc
        call    relocate_pages
.Lrelocated:
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
        cmpl    $2, DATA(arch)          /* KEXEC_ARCH_32 */
        je      .Lto32
        pushq   $2                      /* RFLAGS = 0x2: the movs below */
        popfq                           /* leave the flags alone */
        mov     $0, %eax
        mov     $0, %ebx
        mov     $0, %ecx
        mov     $0, %edx
        mov     $0, %esi
        mov     $0, %edi
        mov     $0, %ebp
        mov     $0, %r8d
        mov     $0, %r9d
        mov     $0, %r10d
        mov     $0, %r11d
        mov     $0, %r12d
        mov     $0, %r13d
        mov     $0, %r14d
        mov     $0, %r15d
        lidt    DATA(idtr_zero)
        /* No fault handler from here: two instructions that cannot fault
         * (a register move; a jump through this page's own data to the
         * entry, which the validator put in a destination). */
        mov     $0, %esp
        jmp     *DATA(entry)

.Lto32:
        mov     DATA(control_maddr), %rbp
        ljmpl   *DATA(far32)
        .code32
        .globl kexec_tramp_32
kexec_tramp_32:
        /* Compatibility mode: faults still go through the 64-bit IDT. */
        mov     $0x18, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     %cr0, %eax              /* paging off: long mode ends */
        and     $0x7fffffff, %eax
        mov     %eax, %cr0
        lidt    DATA32(idtr32)          /* cannot fault: flat, in this page */
        testl   $KCTL_FLAG_FAULT_32, DATA32(flags)
        jz      3f
        ud2                             /* test: the 32-bit IDT must catch this */
3:
        mov     $0xc0000080, %ecx       /* EFER = 0 */
        xor     %eax, %eax
        xor     %edx, %edx
        wrmsr
        mov     %eax, %cr4
        mov     $0x31, %eax             /* CR0 = NE | ET | PE */
        mov     %eax, %cr0
        pushl   $2                      /* EFLAGS = 0x2: the movs below */
        popfl                           /* leave the flags alone */
        mov     $0, %eax
        mov     $0, %ebx
        mov     $0, %ecx
        mov     $0, %edx
        mov     $0, %esi
        mov     $0, %edi
        lidt    DATA32(idtr_zero)
        /* No fault handler from here: three instructions that cannot
         * fault (two register moves; a far jump through this page's own
         * far pointer, to CS 0x08 of this page's GDT). */
        mov     $0, %ebp
        mov     $0, %esp
        /* ljmp *abs32: the displacement is patched at load time with the
         * 1:1 address of the page's far pointer (KCTL_entry32). */
        .byte   0xff, 0x2d
        .globl kexec_tramp_far_entry32
kexec_tramp_far_entry32:
        .long   0
        .code64

/*
 * The benchmark of figure 4 (docs/benchmarks.md; kexec_test_bench_reloc):
 * the same list walked twice in this state, first with byte moves (`rep
 * movsb`/`stosb`: the reference), then by relocate_pages itself,
 * which leaves every destination as a plain walk would (staging frames
 * are never destinations).  Prints
 *   (HV) kexec: bench: relocate_pages 0x<cycles> bytewise 0x<cycles> pages 0x<n>
 * and goes on to the handoff.  %r12-%r15 are this code's own.
 */
.Lbench_reloc:
        mov     %rdi, %r15              /* the list */
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        mov     %rdx, %r12
        call    relocate_pages_bytewise /* %rax = pages */
        mov     %rax, %r14
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        mov     %rdx, %r13
        mov     %r15, %rdi
        call    relocate_pages
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        sub     %r13, %rdx              /* relocate_pages */
        sub     %r12, %r13              /* byte moves */
        mov     %rdx, %r12
        lea     .Lbench1(%rip), %rsi
        call    kputs
        mov     %r12, %rax
        call    kputhex
        lea     .Lbench2(%rip), %rsi
        call    kputs
        mov     %r13, %rax
        call    kputhex
        lea     .Lbench3(%rip), %rsi
        call    kputs
        mov     %r14, %rax
        call    kputhex
        lea     .Lmsg4(%rip), %rsi
        call    kputs
        jmp     .Lrelocated

/*
 * void relocate_pages(const uint64_t *list)
 * Walk a relocation list (asm/kexec.h) and copy or zero pages.  A proper
 * SysV function: it uses only caller-saved registers and returns.
 * RELOCATE_WALK makes it, and the benchmark's byte-move walk (which also
 * returns the number of pages in %rax), from the one text.
 */
.macro RELOCATE_WALK name, movs, stos, per_page, bench
        .balign 16
        .globl \name
\name:
        cld
        xor     %r8d, %r8d              /* current destination */
        .if \bench
        xor     %r10d, %r10d            /* pages */
        .endif
.Lnext\@:
        mov     (%rdi), %rax
        add     $8, %rdi
        mov     %rax, %rdx
        and     $~IND_FLAGS, %rdx       /* address */
        test    $IND_DESTINATION, %al
        jz      1f
        mov     %rdx, %r8
        jmp     .Lnext\@
1:      test    $IND_INDIRECTION, %al
        jz      2f
        mov     %rdx, %rdi
        jmp     .Lnext\@
2:      test    $IND_SOURCE, %al
        jz      3f
        mov     %rdi, %r9               /* rep movs uses rdi/rsi/rcx */
        mov     %rdx, %rsi
        mov     %r8, %rdi
        mov     $\per_page, %ecx
        rep     \movs
        mov     %rdi, %r8               /* destination advanced by a page */
        mov     %r9, %rdi
        .if \bench
        inc     %r10
        .endif
        jmp     .Lnext\@
3:      test    $IND_ZERO, %al
        jz      4f
        mov     %rdi, %r9
        mov     %r8, %rdi
        mov     $\per_page, %ecx
        xor     %eax, %eax
        rep     \stos
        mov     %rdi, %r8
        mov     %r9, %rdi
        .if \bench
        inc     %r10
        .endif
        jmp     .Lnext\@
4:      test    $IND_DONE, %al
        jz      .Lnext\@                /* an empty word: skip it */
        .if \bench
        mov     %r10, %rax
        .endif
        ret
.endm

        RELOCATE_WALK relocate_pages, movsq, stosq, 512, 0
        RELOCATE_WALK relocate_pages_bytewise, movsb, stosb, 4096, 1

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

/*
 * Print "(HV) kexec: fault in the handoff: vector V rip R cr2 C" and stop.
 * The 32-bit IDT uses the same stubs: their bytes (push imm8, jmp rel)
 * and the three instructions below decode the same in 32-bit and 64-bit
 * mode, and send a fault taken in protected mode (CS 0x08) on to
 * kexec_fault32.
 */
kexec_fault:
        mov     %cs, %eax
        cmp     $0x08, %eax
        je      kexec_fault32
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


/* The same line from protected mode, 32-bit fields ("eip"); no RIP-relative
 * addressing here, so %ebp = this page's address, found with call/pop. */
        .code32
kexec_fault32:
        call    1f
1:      pop     %ebp
        sub     $(1b - kexec_tramp_start), %ebp
        lea     (.Lmsg1 - kexec_tramp_start)(%ebp), %esi
        call    kputs32
        mov     (%esp), %eax            /* vector */
        call    kputhex32
        lea     (.Lmsg2_32 - kexec_tramp_start)(%ebp), %esi
        call    kputs32
        mov     8(%esp), %eax           /* eip (after vector, error code) */
        call    kputhex32
        lea     (.Lmsg3 - kexec_tramp_start)(%ebp), %esi
        call    kputs32
        mov     %cr2, %eax
        call    kputhex32
        lea     (.Lmsg4 - kexec_tramp_start)(%ebp), %esi
        call    kputs32
        mov     $EXIT_KEXEC_FAULT, %al
        mov     $0xf4, %dx
        outb    %al, %dx
2:      cli
        hlt
        jmp     2b

kputs32:                                /* %esi: NUL-terminated string */
        lodsb
        test    %al, %al
        jz      3f
        call    kputc32
        jmp     kputs32
3:      ret

kputhex32:                              /* %eax: 8 hex digits */
        mov     %eax, %ebx
        mov     $8, %ecx
4:      rol     $4, %ebx
        mov     %ebx, %eax
        and     $0xf, %eax
        add     $'0', %al
        cmp     $'9', %al
        jbe     5f
        add     $('a' - '9' - 1), %al
5:      push    %ecx
        call    kputc32
        pop     %ecx
        dec     %ecx
        jnz     4b
        ret

kputc32:                                /* %al, polled COM1 */
        mov     %eax, %edi
        mov     $0x3fd, %dx
6:      inb     %dx, %al
        test    $0x20, %al
        jz      6b
        mov     $0x3f8, %dx
        mov     %edi, %eax
        outb    %al, %dx
        ret
        .code64

.Lmsg1: .asciz  "(HV) kexec: fault in the handoff: vector 0x"
.Lmsg2: .asciz  " rip 0x"
.Lmsg3: .asciz  " cr2 0x"
.Lmsg4: .asciz  "\r\n"
.Lmsg2_32: .asciz " eip 0x"
.Lbench1: .asciz  "(HV) kexec: bench: relocate_pages 0x"
.Lbench2: .asciz  " bytewise 0x"
.Lbench3: .asciz  " pages 0x"

        .globl kexec_tramp_end
kexec_tramp_end:

        .section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AP start-up trampoline.
 *
 * ap_trampoline_start..ap_trampoline_end is a blob that smpboot.c copies
 * into a page below 1 MiB; the SIPI starts the AP there in real mode with
 * %cs = page >> 4, %ip = 0.  The blob is position independent: every
 * reference inside it is an offset from its start, made absolute with
 * the base in %ebx (= %cs << 4) where needed (the GDT pointer and the
 * two far jumps are patched at run time by the AP itself).
 *
 *   real mode -> 32-bit protected mode (flat, paging off)
 *   -> CR4.PAE, CR3 = the trampoline root, EFER.LME (+NXE), CR0.PG|WP
 *   -> 64-bit mode on the trampoline root, which maps the page 1:1 and
 *      shares the hypervisor's upper half
 *   -> ap_start64 at its high address, which loads the real CR3 and the
 *      AP's stack and calls ap_start_c().
 *
 * The parameter block (struct ap_tramp_params in smpboot.c) is filled by
 * the BSP before each SIPI.
 */
/* asm/processor.h is C only. */
#define MSR_EFER    0xc0000080
#define CR4_PAE     (1 << 5)

#define OFF(x)  ((x) - ap_trampoline_start)

#define TR_CS32 0x08
#define TR_DS32 0x10
#define TR_CS64 0x18

/* CR0 on the way: PE|MP|ET|NE (and CD/NW cleared); then PG|WP. */
#define TR_CR0_PM  0x00000033
#define TR_CR0_LM  0x80010033

        .section .rodata, "a", @progbits
        .balign 16
        .globl ap_trampoline_start
ap_trampoline_start:
        .code16
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        movl    $1, OFF(ap_tramp_started)      /* the BSP skips the 2nd SIPI */
        xor     %ebx, %ebx
        mov     %ax, %bx
        shl     $4, %ebx                        /* %ebx = physical base */

        lea     OFF(tr_gdt)(%ebx), %eax
        mov     %eax, OFF(tr_gdt_ptr) + 2
        lea     OFF(tr_pm)(%ebx), %eax
        mov     %eax, OFF(tr_pm_jump)
        lea     OFF(tr_lm)(%ebx), %eax
        mov     %eax, OFF(tr_lm_jump)

        lgdtl   OFF(tr_gdt_ptr)
        mov     $TR_CR0_PM, %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tr_pm_jump)

        .code32
tr_pm:
        mov     $TR_DS32, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     OFF(ap_tramp_params) + 0(%ebx), %eax   /* cr3 (below 4 GiB) */
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      OFF(ap_tramp_params) + 8(%ebx), %eax   /* efer: LME, NXE */
        wrmsr
        mov     $TR_CR0_LM, %eax
        mov     %eax, %cr0                              /* compatibility mode */
        ljmpl   *OFF(tr_lm_jump)(%ebx)

        .code64
tr_lm:
        mov     %ebx, %ebx                      /* upper half undefined */
        mov     OFF(ap_tramp_params) + 16(%rbx), %rcx  /* real cr3 */
        mov     OFF(ap_tramp_params) + 24(%rbx), %rdx  /* stack (cpu_info) */
        mov     OFF(ap_tramp_params) + 32(%rbx), %rax  /* ap_start64 */
        jmp     *%rax

        .balign 8
tr_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff      /* TR_CS32 */
        .quad   0x00cf92000000ffff      /* TR_DS32 */
        .quad   0x00af9a000000ffff      /* TR_CS64 */
tr_gdt_end:
        .balign 8
tr_gdt_ptr:
        .word   tr_gdt_end - tr_gdt - 1
        .long   0                       /* patched: base + OFF(tr_gdt) */
        .balign 8
tr_pm_jump:
        .long   0                       /* patched: base + OFF(tr_pm) */
        .word   TR_CS32
        .balign 8
tr_lm_jump:
        .long   0                       /* patched: base + OFF(tr_lm) */
        .word   TR_CS64

        .balign 8
        .globl ap_tramp_params
ap_tramp_params:
        .quad   0       /* +0  cr3: the trampoline root */
        .quad   0       /* +8  EFER bits to set */
        .quad   0       /* +16 the real cr3 */
        .quad   0       /* +24 initial %rsp: the AP's struct cpu_info */
        .quad   0       /* +32 ap_start64, high address */
        .globl ap_tramp_started
ap_tramp_started:
        .long   0       /* +40 set by the AP on arrival */
        .long   0
        .globl ap_trampoline_end
ap_trampoline_end:

/*
 * The AP's first instructions at the high address, still on the
 * trampoline root: %rcx = the real cr3, %rdx = its cpu_info.
 */
        .text
        .globl ap_start64
ap_start64:
        mov     %rcx, %cr3              /* the trampoline page is gone now */
        mov     %rdx, %rsp
        and     $~15, %rsp
        xor     %ebp, %ebp
        call    ap_start_c
        ud2

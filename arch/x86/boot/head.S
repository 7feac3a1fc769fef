/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiboot (v1) entry.
 *
 * QEMU's Multiboot loader enters `start` in 32-bit protected mode, paging
 * off, with %eax = 0x2BADB002 and %ebx = the physical address of the
 * Multiboot information.  We switch to long mode on static boot page
 * tables that map the low 4 GiB 1:1 and the image at HV_VIRT_START (2 MiB
 * pages, no table is built at run time), jump to the high mapping, and
 * call multiboot_entry(magic, info).  arch/x86/mm/setup.c then replaces
 * these tables with the real ones.
 */
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/page.h>

#define PHYS(x) ((x) - HV_VIRT_START + HV_LOAD_PHYS)

#define MB_MAGIC        0x1BADB002
#define MB_BOOT_MAGIC   0x2BADB002
/* bit 0: page-align modules; bit 1: memory map; bit 16: address fields */
#define MB_FLAGS        ((1 << 0) | (1 << 1) | (1 << 16))

#define BOOT_PTE_2M     (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)
#define BOOT_PDE        (_PAGE_PRESENT | _PAGE_RW)

        .section .text.head, "ax", @progbits
        .code32
        .align 8
multiboot_header:
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)
        /* The a.out kludge: QEMU refuses ELF64 without these. */
        .long PHYS(multiboot_header)    /* header_addr */
        .long PHYS(__text_start)        /* load_addr */
        .long PHYS(__load_end)          /* load_end_addr */
        .long PHYS(__bss_end)           /* bss_end_addr */
        .long PHYS(start)               /* entry_addr */

        .globl start
start:
        cli
        cld
        mov     $PHYS(boot_stack_top), %esp
        mov     %eax, %edi              /* magic, kept for the C entry */
        mov     %ebx, %esi              /* info */

        cmp     $MB_BOOT_MAGIC, %eax
        jne     .Lbad_magic

        /* PAE on, CR3 = the static boot tables. */
        mov     %cr4, %eax
        or      $(1 << 5), %eax
        mov     %eax, %cr4
        mov     $PHYS(boot_l4), %eax
        mov     %eax, %cr3

        /* EFER.LME, and NXE where the CPU has it (CPUID 0x80000001 EDX[20]). */
        mov     %edi, %ebp
        mov     $0x80000001, %eax
        cpuid
        mov     $(1 << 8), %ebx
        bt      $20, %edx
        jnc     1f
        or      $(1 << 11), %ebx
1:      mov     $0xc0000080, %ecx
        rdmsr
        or      %ebx, %eax
        wrmsr
        mov     %ebp, %edi

        /* Paging on with write protect: we are in compatibility mode. */
        mov     %cr0, %eax
        or      $0x80010001, %eax
        mov     %eax, %cr0

        lgdt    PHYS(boot_gdt_ptr32)
        ljmp    $HV_CS, $PHYS(start64)

.Lbad_magic:
        /* Not loaded by Multiboot: say so on COM1 and stop. */
        mov     $PHYS(bad_magic_msg), %esi
        mov     $0x3f8, %dx
2:      lodsb
        test    %al, %al
        jz      3f
        out     %al, %dx
        jmp     2b
3:      hlt
        jmp     3b

        .code64
start64:
        movabs  $start64_high, %rax
        jmp     *%rax

start64_high:
        lgdt    boot_gdt_ptr64(%rip)
        mov     $HV_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        /* %edi = magic, %esi = info (zero-extended by the 32-bit moves). */
        call    multiboot_entry
        ud2

/*
 * Shared by the UEFI path: reload segments from the boot GDT (we may come
 * from the firmware's), switch to the boot stack and call start_hv().
 * Entered at its high address with the image mapped there.
 */
        .globl boot_common_high
boot_common_high:
        lgdt    boot_gdt_ptr64(%rip)
        mov     $HV_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        pushq   $HV_CS
        lea     1f(%rip), %rax
        push    %rax
        lretq                           /* reload %cs with our HV_CS */
1:      call    start_hv
        ud2

        .section .rodata, "a", @progbits
bad_magic_msg:
        .asciz  "hv: not entered by a Multiboot loader, stopping\r\n"

        /* Where this image was linked to run (multiboot.c). */
        .balign 8
        .globl  hv_load_phys
hv_load_phys:
        .quad   HV_LOAD_PHYS

        .section .data.page_aligned, "aw", @progbits
        .align 4096
/* L4: slot 0 -> identity 0-4 GiB; the image's slot -> boot_l3_high. */
boot_l4:
        .quad   PHYS(boot_l3_ident) + BOOT_PDE
        .fill   ((HV_VIRT_START >> L4_SHIFT) & 511) - 1, 8, 0
        .quad   PHYS(boot_l3_high) + BOOT_PDE
        .fill   511 - ((HV_VIRT_START >> L4_SHIFT) & 511), 8, 0
boot_l3_ident:
        .quad   PHYS(boot_l2_ident) + 0 * 4096 + BOOT_PDE
        .quad   PHYS(boot_l2_ident) + 1 * 4096 + BOOT_PDE
        .quad   PHYS(boot_l2_ident) + 2 * 4096 + BOOT_PDE
        .quad   PHYS(boot_l2_ident) + 3 * 4096 + BOOT_PDE
        .fill   508, 8, 0
boot_l3_high:
        .fill   (HV_VIRT_START >> L3_SHIFT) & 511, 8, 0
        .quad   PHYS(boot_l2_high) + BOOT_PDE
        .fill   511 - ((HV_VIRT_START >> L3_SHIFT) & 511), 8, 0
boot_l2_high:
        .set    i, 0
        .rept   HV_IMAGE_MAX >> L2_SHIFT
        .quad   HV_LOAD_PHYS + (i << L2_SHIFT) + BOOT_PTE_2M
        .set    i, i + 1
        .endr
        .fill   512 - (HV_IMAGE_MAX >> L2_SHIFT), 8, 0
boot_l2_ident:
        .set    i, 0
        .rept   2048
        .quad   (i << L2_SHIFT) + BOOT_PTE_2M
        .set    i, i + 1
        .endr

        .align 16
/* Flat boot GDT: null, 64-bit code (HV_CS), data (HV_DS). */
        .globl boot_gdt
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff
        .quad   0x00cf92000000ffff
boot_gdt_end:
boot_gdt_ptr32:
        .word   boot_gdt_end - boot_gdt - 1
        .long   PHYS(boot_gdt)
        .align 8
boot_gdt_ptr64:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

/*
 * The BSP's boot stack: one full stack block, so that get_cpu_info()
 * works from the first C instruction (struct cpu_info at the top).
 */
        .section .bss.stack_aligned, "aw", @nobits
        .align STACK_SIZE
        .globl boot_stack
boot_stack:
        .skip   STACK_SIZE - 512        /* 512 >= sizeof(struct cpu_info) */
boot_stack_top:
        .skip   512

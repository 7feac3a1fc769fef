/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Last step of the UEFI entry (arch/x86/boot/efi-boot.c), after
 * ExitBootServices and the re-relocation of the image:
 *
 *   void efi_enter_hv(uint64_t cr3, uint64_t entry)   (never returns)
 *
 * Switch to the transitional page tables (cr3), which map the low 4 GiB
 * 1:1 (so this code, running at its physical address, stays mapped) and
 * the image at HV_VIRT_START, then jump to entry: the high address of
 * boot_common_high (head.S), which loads the boot GDT, moves to the boot
 * stack and calls start_hv().  No stack is used after the switch.
 * EFER (NXE included) and CR0 stay as the firmware left them; CR4.PAE is
 * on, as always in long mode.
 */
#include <asm/config.h>

#define X86_CR4_PGE (1 << 7)

        .text
        .globl efi_enter_hv
        .type efi_enter_hv, @function
efi_enter_hv:
        cli
        cld
        mov     %rdi, %cr3
        /* Drop any global translation the firmware left behind. */
        mov     %cr4, %rax
        test    $X86_CR4_PGE, %eax
        jz      1f
        and     $~X86_CR4_PGE, %rax
        mov     %rax, %cr4
        or      $X86_CR4_PGE, %rax
        mov     %rax, %cr4
1:      jmp     *%rsi
        .size efi_enter_hv, . - efi_enter_hv

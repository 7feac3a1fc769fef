/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * purgatory.elf (tools/purgatory/), built into dom0 as kexec-tools builds
 * its purgatory in: the Linux loader test places it in front of the kernel.
 * PURGATORY_ELF_PATH comes from tests/guest.mk.
 */
        .section .rodata.purgatory, "a"
        .balign 4096
        .globl purgatory_elf, purgatory_elf_end
purgatory_elf:
        .incbin PURGATORY_ELF_PATH
purgatory_elf_end:
        .section .note.GNU-stack, "", @progbits

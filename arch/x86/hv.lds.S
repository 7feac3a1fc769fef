/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One linker script for both images, from the same objects:
 *   hv.elf  ELF64, booted by QEMU's Multiboot loader (physical load at
 *           HV_LOAD_PHYS through AT(), the a.out kludge fields of the
 *           Multiboot header give QEMU the same addresses);
 *   hv-crash.elf  the same at another HV_LOAD_PHYS (asm/config.h), for
 *           a crash region;
 *   hv.efi  PE32+ (-DEFI), loaded anywhere by the firmware, which applies
 *           the base relocations ld emits in .reloc.
 * Both have identical virtual addresses, so one symbol table serves both.
 * Sections are page aligned so that the image can be mapped W^X:
 * text RX, rodata R, data and bss RW.
 */
#include <asm/config.h>
#include <asm/kexec.h>

#ifdef EFI
OUTPUT_FORMAT("pei-x86-64")
ENTRY(efi_main)
#define PHDR(x)
#define LOAD_AT(sec)
#else
OUTPUT_FORMAT("elf64-x86-64")
ENTRY(start)
PHDRS
{
    text PT_LOAD FLAGS(5);    /* R X */
    rodata PT_LOAD FLAGS(4);  /* R   */
    data PT_LOAD FLAGS(6);    /* R W */
}
#define PHDR(x) :x
#define LOAD_AT(sec) AT(ADDR(sec) - HV_VIRT_START + HV_LOAD_PHYS)
#endif
OUTPUT_ARCH(i386:x86-64)

SECTIONS
{
    /* The first page holds the PE headers in hv.efi; it is unused in hv.elf. */
    __image_start = HV_VIRT_START;
    . = HV_VIRT_START + 0x1000;

    .text : LOAD_AT(.text) {
        __text_start = .;
        *(.text.head)
        *(.text .text.*)
        . = ALIGN(4096);
        __text_end = .;
    } PHDR(text)

    .rodata : LOAD_AT(.rodata) {
        __rodata_start = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __params_start = .;
        KEEP(*(.params))
        __params_end = .;
        . = ALIGN(8);
        __ex_table_start = .;
        KEEP(*(.extable))
        __ex_table_end = .;
        . = ALIGN(8);
        KEEP(*(.hvsyms))
        . = ALIGN(4096);
        __rodata_end = .;
    } PHDR(rodata)

    .data : LOAD_AT(.data) {
        __data_start = .;
        *(.data.page_aligned)
        *(.data .data.*)
#ifndef EFI
        . = ALIGN(4096);
#endif
    } PHDR(data)

    __load_end = .;

    .bss ALIGN(4096) : LOAD_AT(.bss) {
        __bss_start = .;
        *(.bss.stack_aligned)
        *(.bss.page_aligned)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4096);
        __bss_end = .;
    } PHDR(data)

#ifdef EFI
    /*
     * After .bss, so that every other section has the same address in
     * both images: text, data and bss, and so the bytes of .text (the
     * build id) and every symbol agree between hv.elf and hv.efi.
     */
    .reloc ALIGN(4096) : {
        __base_relocs_start = .;
        *(.reloc)
        __base_relocs_end = .;
    }
#endif
    __image_end = .;

    /DISCARD/ : {
#ifdef EFI
        /* OVMF refuses sections outside the image; hv.elf keeps the debug info. */
        *(.debug*)
#endif
        *(.comment) *(.comment.*) *(.note) *(.note.*)
        *(.eh_frame) *(.eh_frame_hdr) *(.interp) *(.dynamic)
        *(.dynsym) *(.dynstr) *(.gnu.hash) *(.hash)
    }
}

ASSERT(__image_end - HV_VIRT_START <= HV_IMAGE_MAX, "image larger than HV_IMAGE_MAX")
ASSERT((__text_start & 0xfff) == 0, "text not page aligned")
/* The trampoline is copied into a control page, below its data and stack. */
ASSERT(kexec_tramp_end - kexec_tramp_start <= KEXEC_CTRL_CODE_MAX,
       "the kexec trampoline outgrew KEXEC_CTRL_CODE_MAX")

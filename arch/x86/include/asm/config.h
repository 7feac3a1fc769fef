/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual and physical layout constants, shared by C, assembly and the
 * linker script.  docs/memory-layout.md draws the same table.
 *
 * The hypervisor owns L4 slots 256-271 (0xffff800000000000 up to
 * 0xffff880000000000), as Xen does; everything else is left for guests.
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#ifdef __ASSEMBLER__
#define _AC(x, y) x
#else
#define _AC(x, y) x##y
#endif

#include <public/hv-area.h>

/* The one definition is public: the ABI names it (hv-area.h). */
#define HV_VIRT_AREA_START HYPERVISOR_VIRT_START
#define HV_VIRT_AREA_END   HYPERVISOR_VIRT_END

/* Per-CPU stacks with unmapped guard pages (arch/x86/smp/smpboot.c). */
#define STACKS_VIRT_START _AC(0xffff820000000000, UL)
/* MMIO mapped on demand (ioremap). */
#define IOREMAP_VIRT_START _AC(0xffff82c000000000, UL)
#define IOREMAP_VIRT_END   _AC(0xffff82d000000000, UL)
/* kexec control pages, executable aliases (4 slots: 2 per image type). */
#define KEXEC_VIRT_START _AC(0xffff82e000000000, UL)
/* The hypervisor image: text, rodata, data, bss. */
#define HV_VIRT_START _AC(0xffff82d040000000, UL)
/*
 * Multiboot loads the image here; UEFI puts it wherever it likes.  The
 * build links a second Multiboot image, hv-crash.elf, with another value
 * (HV_CRASH_LOAD_PHYS in the Makefile): a crash hypervisor runs inside
 * the crash region, as Linux's kdump kernels once had to be linked for
 * theirs (CONFIG_PHYSICAL_START).  Only head.S and the linker script use
 * it; C code asks boot_info.image_start.
 */
#ifndef HV_LOAD_PHYS
#define HV_LOAD_PHYS _AC(0x200000, UL)
#endif
#define HV_IMAGE_MAX _AC(0x1000000, UL) /* 16 MiB, checked by hv.lds */
/* Every byte of RAM, 1:1 with machine addresses, no execute. */
#define DIRECTMAP_VIRT_START _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_END   _AC(0xffff840000000000, UL)

/*
 * Per-CPU stack block: STACK_SIZE bytes, STACK_SIZE aligned, so that
 * get_cpu_info() is a mask of %rsp whichever of its stacks a CPU is on.
 *   page 0: #DF IST stack     page 1: NMI IST stack
 *   page 2: #MC IST stack     page 3: guard (never mapped)
 *   pages 4-7: the primary stack; struct cpu_info at its very top.
 */
#define STACK_ORDER      3
#define STACK_SIZE       (_AC(4096, UL) << STACK_ORDER)
#define IST_DF_PAGE      0
#define IST_NMI_PAGE     1
#define IST_MC_PAGE      2
#define STACK_GUARD_PAGE 3

#define NR_CPUS 8

#endif /* ASM_CONFIG_H */

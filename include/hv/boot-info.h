/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one description of what the boot loader handed over.  The Multiboot
 * path (arch/x86/boot/multiboot.c) and the UEFI path (arch/x86/boot/efi-boot.c)
 * both fill it in, then converge on start_hv().  It holds arrays, not
 * pointers into loader memory, so that nothing in it dangles once the
 * loader's memory is reused.
 */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <hv/types.h>

#define BOOT_MAX_MEM_REGIONS 128
#define BOOT_MAX_MODULES     8
#define BOOT_CMDLINE_MAX     1024

/* Memory region types, as E820's. */
enum mem_type {
    MEM_RAM = 1,
    MEM_RESERVED = 2,
    MEM_ACPI = 3,
    MEM_NVS = 4,
    MEM_UNUSABLE = 5,
};

struct mem_region {
    maddr_t start;
    uint64_t size;
    uint32_t type; /* enum mem_type */
};

struct boot_module {
    maddr_t start; /* machine address, page aligned */
    uint64_t size; /* bytes */
    char cmdline[256];
};

struct boot_info {
    const char *loader;             /* "Multiboot" or "UEFI" (rodata) */
    char loader_name[32];           /* Multiboot boot_loader_name, or "" */
    char cmdline[BOOT_CMDLINE_MAX]; /* hypervisor command line */
    unsigned int nr_mem;
    struct mem_region mem[BOOT_MAX_MEM_REGIONS];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    maddr_t rsdp;                   /* ACPI RSDP: from UEFI, then the one
                                           acpi_init() checked; 0 if none */
    maddr_t image_start, image_end; /* where the hypervisor image lies */
};

extern struct boot_info boot_info;

/* Common C entry of both boot paths; runs on the BSP's boot stack. */
__noreturn void start_hv(void);

/* Sort the memory map by address and merge adjacent regions of one type. */
void memmap_normalise(struct boot_info *bi);

#endif /* HV_BOOT_INFO_H */

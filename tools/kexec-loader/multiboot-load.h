/* SPDX-License-Identifier: MIT */
/*
 * multiboot-load: a Multiboot (version 1) kernel, such as this project's
 * own hv.elf, with its modules -> a kexec_op entry list, the role a boot
 * loader (GRUB, QEMU's -kernel) plays at power-on and kexec-tools'
 * multiboot-x86 loader plays for kexec.  Portable and freestanding like
 * the rest of tools/kexec-loader (built into the dom0 test guest and into
 * tests/unit/test-multiboot-load.c).  Field names and offsets are those
 * of the Multiboot Specification 0.6.96, sections 3.1 (the header), 3.2
 * (the machine state) and 3.3 (the information structure); docs/kexec.md
 * has the handoff field by field.
 * ---------------------------------------------------------------------
 * WHAT IT ACCEPTS (kxl_mb_parse), each refusal its own code:
 *   the header: a 32-bit aligned magic 0x1BADB002 within the first 8192
 *     bytes of the file, followed by flags and checksum, with
 *     magic + flags + checksum == 0 (mod 2^32)    else KXLM_ENOHEADER /
 *                                                      KXLM_ECHECKSUM
 *     (the first magic with a good checksum is the header; magics with
 *     bad ones only, KXLM_ECHECKSUM; the 12 bytes inside the 8192)
 *   flags: bit 0 (modules page aligned) and bit 1 (memory information)
 *     are honoured; bit 2 (video mode) is refused  KXLM_EVIDEO; any other
 *     bit of 0-15 (a requirement this loader does not know) KXLM_EFLAGS;
 *     bits 17-31 are ignored, as the specification says of optional bits
 *   bit 16, the address fields (header_addr, load_addr, load_end_addr,
 *     bss_end_addr, entry_addr) inside the file, load_addr <= header_addr,
 *     the header's file offset >= header_addr - load_addr, load_end_addr
 *     0 (the file's end) or > load_addr and inside the file, bss_end_addr
 *     0 or >= load_end_addr, entry_addr in [load_addr, end of the loaded
 *     or bss part), everything below 4 GiB          else KXLM_EADDRFIELDS
 *   without bit 16: an ELF32 i386 ET_EXEC (segments by p_paddr, entered
 *     at e_entry); an ELF64 without bit 16 is refused, as QEMU refuses it
 *                                                  KXLM_EELF
 * WHERE IT GOES (kxl_mb_build), every destination inside
 *   [region_start, + region_size) when region_size != 0 (the crash
 *   region), else anywhere the caller says:
 *   the kernel   bit 16: the file bytes from the header's offset minus
 *                (header_addr - load_addr), (load_end_addr - load_addr)
 *                bytes of them (the rest of the file when load_end_addr
 *                is 0), at load_addr, zero fill to bss_end_addr; entered
 *                at entry_addr.  Its pages are [load_addr rounded down,
 *                end rounded up); a load_addr inside a page has that page
 *                built in a bounce frame (zeros below load_addr).
 *                ELF32: as kxl_build places ET_EXEC.
 *   from req->info_maddr up (page aligned, caller's choice, outside the
 *                kernel): the information structure page(s) -- struct
 *                kxl_mb_info, the module list, the memory map, the
 *                strings; at most KXLM_MAX_INFO_PAGES pages, else
 *                KXLM_EARG) -- then each module, page aligned, in order
 *                (a module of 0 bytes takes no page and gets no entries).
 *                A part that does not fit the region, meets the kernel or
 *                ends above 4 GiB: KXLM_EFIT.
 * THE INFORMATION STRUCTURE: flags = MEM | CMDLINE | MODS | MMAP |
 *   LOADER_NAME (bits 0, 2, 3, 6, 9); mem_lower = KiB of RAM from 0 up to
 *   640 KiB, mem_upper = KiB of the RAM range that starts at 1 MiB (0 if
 *   none), both from req->mem; cmdline = req->cmdline; mods_count,
 *   mods_addr -> struct kxl_mb_module[] (mod_start, mod_end exclusive,
 *   string -> the module's command line, reserved 0); mmap_length,
 *   mmap_addr -> entries of {size = 20, base_addr, length, type} from
 *   req->mem in its order; boot_loader_name = "kexec-hv"; every other
 *   field 0.  All addresses are machine addresses below 4 GiB.
 * THE RESULT: the entry list (DEST/COPY/ZERO), where each part went, and
 *   res->segs[]: the memory image of every part (as linux-load's), for the
 *   caller's SHA-256 digests (purgatory verifies them) -- [dest, dest +
 *   memsz) holds lead_zero zero bytes, then data[0 .. filesz), then zeros
 *   (lead_zero is 0 but for a kernel part that starts inside a page).
 *   On a refusal res is zero but for hdr (as far as it was parsed) and
 *   kxl_error: nothing to load.  The caller adds purgatory
 *   (PURGATORY_MODE_MULTIBOOT32, regs.rbx = res->info_maddr) and points it
 *   at res->entry_maddr.
 */
#ifndef KEXEC_LOADER_MULTIBOOT_LOAD_H
#define KEXEC_LOADER_MULTIBOOT_LOAD_H

#include "kexec-loader.h"
#include <public/xen.h>

#define KXLM_HEADER_MAGIC   0x1BADB002u
#define KXLM_BOOT_MAGIC     0x2BADB002u /* %eax at the entry */
#define KXLM_SEARCH_BYTES   8192u
#define KXLM_MAX_MODULES    8u
#define KXLM_MAX_MMAP       64u
#define KXLM_LOADER_NAME    "kexec-hv"
#define KXLM_MAX_INFO_PAGES 4u /* the information structure */
#define KXLM_MAX_SEGS                                                          \
    (KXL_MAX_SEGMENTS + KXLM_MAX_INFO_PAGES + KXLM_MAX_MODULES)

/* Header flags (Multiboot 0.6.96, 3.1.2). */
#define KXLM_HF_PAGE_ALIGN  (1u << 0)
#define KXLM_HF_MEMORY_INFO (1u << 1)
#define KXLM_HF_VIDEO_MODE  (1u << 2)
#define KXLM_HF_ADDRESS     (1u << 16)

/* Information structure flags (3.3). */
#define KXLM_IF_MEM         (1u << 0)
#define KXLM_IF_CMDLINE     (1u << 2)
#define KXLM_IF_MODS        (1u << 3)
#define KXLM_IF_MMAP        (1u << 6)
#define KXLM_IF_LOADER_NAME (1u << 9)

enum kxl_mb_error {
    KXLM_OK = 0,
    KXLM_EARG = -1, /* bad request (NULL, unaligned, too many
                                 modules or map entries, ...) */
    KXLM_ENOHEADER = -2,
    KXLM_ECHECKSUM = -3,
    KXLM_EVIDEO = -4,
    KXLM_EFLAGS = -5,
    KXLM_EADDRFIELDS = -6,
    KXLM_EELF = -7, /* no address fields and not an ELF32 i386
                                 ET_EXEC that kxl_build takes
                                 (res->kxl_error says why) */
    KXLM_EFIT = -8,
    KXLM_EBUILD = -9, /* the entry list: res->kxl_error (KXL_E*) */
};

/* "KXLM_EVIDEO: the header asks for a video mode (flags bit 2)", ... */
const char *kxl_mb_strerror(int err);

struct kxl_mb_header {
    uint32_t flags;
    uint32_t header_offset; /* of the magic, in the file */
    bool address_fields;    /* bit 16: the five below are valid */
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

int kxl_mb_parse(const void *image, size_t size, struct kxl_mb_header *h);

struct kxl_mb_module_req {
    const void *data;
    size_t size;
    const char *cmdline; /* NUL terminated; "" (or NULL) for none */
};

struct kxl_mb_req {
    const void *image; /* the kernel file */
    size_t image_size;
    const char *cmdline; /* the kernel's command line (NULL: "") */
    const struct kxl_mb_module_req *modules; /* <= KXLM_MAX_MODULES */
    uint32_t nr_modules;
    const struct e820_entry *mem; /* the machine memory map, <= KXLM_MAX_MMAP */
    uint32_t nr_mem;
    kxl_maddr_t info_maddr; /* page aligned, below 4 GiB */
    kxl_maddr_t region_start;
    uint64_t region_size; /* 0: no region check */
};

/* The information structure (3.3), as the kernel reads it. */
struct kxl_mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};

struct kxl_mb_module {
    uint32_t mod_start, mod_end, string, reserved;
};

struct kxl_mb_mmap { /* packed: size is at offset -4 */
    uint32_t size;   /* 20: the bytes after this field */
    uint64_t base_addr, length;
    uint32_t type;
} __attribute__((packed));

struct kxl_mb_segment {
    const char *name; /* "kernel", "info" ("info 1" ...),
                                       "module 0", ... */
    kxl_maddr_t dest; /* page aligned */
    uint64_t memsz;   /* a page multiple */
    uint64_t lead_zero;
    const void *data;
    uint64_t filesz;
};

struct kxl_mb_result {
    uint64_t nr_entries;
    struct kxl_mb_header hdr;
    kxl_maddr_t entry_maddr;              /* the 32-bit entry */
    kxl_maddr_t kernel_start, kernel_end; /* page aligned */
    kxl_maddr_t info_maddr, info_end;     /* the information structure's
                                               pages */
    kxl_maddr_t module_maddr[KXLM_MAX_MODULES];
    kxl_maddr_t end; /* page aligned end of the highest part */
    uint32_t nr_segs;
    struct kxl_mb_segment segs[KXLM_MAX_SEGS];
    int kxl_error; /* KXLM_EBUILD / KXLM_EELF: the KXL_E* */
};

/*
 * Build the entry list for req into ents[0 .. cap-1] (bounce frames from
 * env for the information structure and partial pages).  KXLM_OK with
 * res filled, or a KXLM_E* code and nothing to load.
 */
int kxl_mb_build(const struct kxl_mb_req *req, const struct kxl_env *env,
                 struct kexec_entry *ents, size_t cap,
                 struct kxl_mb_result *res);

#endif /* KEXEC_LOADER_MULTIBOOT_LOAD_H */

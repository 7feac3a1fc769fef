/* SPDX-License-Identifier: MIT */
/*
 * linux-load: a Linux x86-64 bzImage (and, for speed, the vmlinux inside
 * it) -> a kexec_op entry list, the role kexec-tools' bzImage64 loader
 * plays.  Portable and freestanding like the rest of tools/kexec-loader
 * (built into the dom0 test guest and into tests/unit/test-linux-load.c).
 * The facts it relies on, with their sources, are in
 * docs/linux-crash-kernel.md; field names and offsets are those of
 * Linux's Documentation/arch/x86/boot.rst and zero-page.rst.
 *
 * ---------------------------------------------------------------------
 * WHAT IT ACCEPTS (kxl_linux_parse), each refusal its own code:
 *   a file of at least 1024 bytes with boot_flag 0xAA55 (0x1FE) and
 *   "HdrS" (0x202)                                   else KXLL_ENOTBZ
 *   version (0x206) >= 0x020C                        else KXLL_EVERSION
 *   loadflags (0x211) bit 0, LOADED_HIGH             else KXLL_ELOADHIGH
 *   xloadflags (0x236) bits 0 and 1 (XLF_KERNEL_64,
 *     XLF_CAN_BE_LOADED_ABOVE_4G)                    else KXLL_ENO64
 *   relocatable_kernel (0x234) != 0                  else KXLL_ERELOC
 *   kernel_alignment (0x230) a power of two >= 4096,
 *     init_size (0x260) != 0                         else KXLL_EHEADER
 *   the protected-mode part, from ((setup_sects (0x1F1) or 4) + 1) * 512
 *     to the end of the file, not empty; syssize (0x1F4, 16-byte units)
 *     inside the file                                else KXLL_ETRUNC
 *
 * WHERE IT GOES (kxl_linux_build), inside [region_start, + region_size -
 * reserve_top), every address page aligned:
 *   the kernel   at K = the first kernel_alignment boundary >= region_start
 *                and >= pref_address (0x258) when pref_address is inside
 *                the region.  bzImage: the protected-mode part, zero fill
 *                up to init_size, entered at K + 0x200 (startup_64).
 *                vmlinux (when given: the bzImage's payload, decompressed,
 *                an ELF64 ET_EXEC): its PT_LOADs moved together by p_paddr
 *                so that the lowest lands at K (2 MiB aligned: the kernel
 *                hangs otherwise), entered at e_entry moved the same way;
 *                it is checked to fit in init_size (it is the payload).
 *   from the top of the usable part down: boot_params (one page), the
 *                command line (one page), the initrd (if any).
 *   A part that does not fit: KXLL_EKERNELFIT / KXLL_EINITRDFIT.
 *
 * BOOT_PARAMS ("zero page"): all zero, then the setup header copied from
 * the bzImage (0x1F1 .. 0x202 + byte 0x201), then: type_of_loader 0xFF
 * (no ID of ours), loadflags = LOADED_HIGH only, cmd_line_ptr (+ext),
 * ramdisk_image/size (+ext), acpi_rsdp_addr (0x70) when given, the e820
 * table (0x1E8 count, 0x2D0 entries, at most 128: else KXLL_EE820).  The
 * sentinel (0x1EF) stays 0.
 *
 * THE E820 THE KERNEL GETS:
 *   KEXEC_TYPE_CRASH, as kexec-tools builds it for a crash kernel: RAM
 *     below 640 KiB (the real-mode trampoline needs it) as RAM, every
 *     machine range that is not RAM with its own type (ACPI tables, NVS,
 *     reserved), and the crash region minus [elfcorehdr_maddr, +
 *     elfcorehdr_size) as RAM; sorted by address.
 *   KEXEC_TYPE_DEFAULT: the machine map, as it is.
 *
 * THE COMMAND LINE: req->cmdline, then for KEXEC_TYPE_CRASH
 * " elfcorehdr=<elfcorehdr_maddr / 1024>K"; its length must not exceed
 * cmdline_size (0x238)                               else KXLL_ECMDLINE.
 *
 * THE RESULT: the entry list (DEST/COPY/ZERO), where each part went, and
 * res->segs[]: the memory image of every part, for the caller's SHA-256
 * digests (purgatory verifies them): [dest, dest + memsz) holds
 * lead_zero zero bytes, then data[0 .. filesz), then zeros.  The caller
 * adds purgatory and points it at entry_maddr with %rsi = boot_params.
 */
#ifndef KEXEC_LOADER_LINUX_LOAD_H
#define KEXEC_LOADER_LINUX_LOAD_H

#include "kexec-loader.h"
#include <public/xen.h>

#define KXLL_BOOT_PROTOCOL_MIN 0x020Cu
#define KXLL_E820_MAX          128u
#define KXLL_LOW_RAM_END       0xA0000u  /* 640 KiB */
#define KXLL_VMLINUX_ALIGN     0x200000u /* 2 MiB */
#define KXLL_MAX_SEGS          (KXL_MAX_SEGMENTS + 3)

enum kxl_linux_error {
    KXLL_OK = 0,
    KXLL_EARG = -1, /* bad request (NULL, unaligned, ...) */
    KXLL_ENOTBZ = -2,
    KXLL_EVERSION = -3,
    KXLL_ELOADHIGH = -4,
    KXLL_ENO64 = -5,
    KXLL_ERELOC = -6,
    KXLL_EHEADER = -7,
    KXLL_ETRUNC = -8,
    KXLL_ECMDLINE = -9,
    KXLL_EKERNELFIT = -10,
    KXLL_EINITRDFIT = -11,
    KXLL_EE820 = -12,
    KXLL_EVMLINUX = -13, /* the vmlinux: not an ELF64 x86-64 ET_EXEC
                                kxl_build takes (res->kxl_error says
                                why), or larger than init_size */
    KXLL_EBUILD = -14,   /* the entry list: res->kxl_error (KXL_E*) */
};

/* "KXLL_EVERSION: boot protocol version (0x206) older than 2.12", ... */
const char *kxl_linux_strerror(int err);

struct kxl_linux_header {
    uint16_t version;
    uint8_t setup_sects; /* as found (0 means 4) */
    uint8_t loadflags;
    uint16_t xloadflags;
    uint8_t relocatable_kernel;
    uint8_t min_alignment;
    uint32_t kernel_alignment;
    uint32_t cmdline_size;
    uint32_t init_size;
    uint32_t payload_offset, payload_length;
    uint64_t pref_address;
    uint64_t pm_offset, pm_size; /* the protected-mode part in the file */
    uint32_t hdr_end;            /* setup header: bytes [0x1F1, hdr_end) */
};

int kxl_linux_parse(const void *bzimage, size_t size,
                    struct kxl_linux_header *h);

struct kxl_linux_req {
    const void *bzimage; /* required: its header, and the kernel */
    size_t bzimage_size;
    const void *vmlinux; /* optional: its payload, decompressed */
    size_t vmlinux_size;
    const void *initrd; /* optional */
    size_t initrd_size;
    const char *cmdline;          /* the caller's words, NUL terminated */
    uint8_t type;                 /* KEXEC_TYPE_CRASH or _DEFAULT */
    kxl_maddr_t region_start;     /* page aligned */
    uint64_t region_size;         /* page aligned */
    uint64_t reserve_top;         /* bytes at the region's top left to the
                                       caller (purgatory, the core header) */
    const struct e820_entry *mem; /* the machine memory map */
    uint32_t nr_mem;
    kxl_maddr_t acpi_rsdp;        /* 0: not passed */
    kxl_maddr_t elfcorehdr_maddr; /* CRASH only */
    uint64_t elfcorehdr_size;
};

struct kxl_linux_segment {
    const char *name; /* "kernel", "initrd", ... */
    kxl_maddr_t dest; /* page aligned */
    uint64_t memsz;   /* a page multiple */
    uint64_t lead_zero;
    const void *data;
    uint64_t filesz;
};

struct kxl_linux_result {
    uint64_t nr_entries;
    struct kxl_linux_header hdr;
    bool fast; /* the vmlinux was loaded */
    kxl_maddr_t kernel_maddr;
    uint64_t kernel_size, kernel_align;
    kxl_maddr_t entry_maddr; /* startup_64 */
    kxl_maddr_t boot_params_maddr, cmdline_maddr;
    kxl_maddr_t initrd_maddr; /* 0: none */
    kxl_maddr_t usable_end;   /* region end - reserve_top */
    uint32_t nr_e820;
    uint32_t cmdline_len;
    const char *cmdline; /* the line as written (a bounce page) */
    unsigned int nr_segs;
    struct kxl_linux_segment segs[KXLL_MAX_SEGS];
    int kxl_error;  /* KXLL_EBUILD / KXLL_EVMLINUX detail */
    uint32_t where; /* its index, or KXL_WHERE_NONE */
};

int kxl_linux_build(const struct kxl_linux_req *req, const struct kxl_env *env,
                    struct kexec_entry *ents, size_t cap,
                    struct kxl_linux_result *res);

/*
 * The e820 table the kernel gets (see above) into out[0 .. cap): returns
 * the count, or KXLL_EE820 when more than cap entries are needed.
 */
int kxl_linux_e820(const struct kxl_linux_req *req, struct e820_entry *out,
                   uint32_t cap);

#endif /* KEXEC_LOADER_LINUX_LOAD_H */

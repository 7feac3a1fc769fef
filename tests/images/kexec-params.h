/* SPDX-License-Identifier: MIT */
/*
 * The parameter block of the kexec test images (tests/images/check64,
 * tests/images/check32), shared with the loader that fills it
 * (tools/kexec-loader/).  Self-contained: <stdint.h> only, fixed-width
 * fields, explicit padding, every uint64_t at an 8-byte offset, so that
 * the layout is the same for gcc -m64, gcc -m32 (where a bare uint64_t is
 * only 4-byte aligned) and any host compiler.  Little endian.
 *
 * WHERE IT IS.  Each image has exactly one block: the ELF section named
 * ".kexec_params" (SHT_PROGBITS, sh_addr page aligned, sh_size 4096),
 * also the global symbol `kexec_params`.  It lies inside the image's data
 * PT_LOAD segment and its file bytes are all zero in the image as built.
 * The loader writes the filled block into those bytes (file offset
 * sh_offset) before it hands the segment to the hypervisor; the image
 * reads it in place (RIP-relative in check64, absolute in check32) and
 * never writes it.
 *
 * WHERE THE IMAGE GOES.  Let low = the lowest p_vaddr of the PT_LOAD
 * segments.  The loader chooses a page-aligned machine address BASE and
 * puts every PT_LOAD segment at BASE + (p_vaddr - low): p_filesz bytes
 * from the file, then zeros up to p_memsz (the .bss: the images check it
 * is zero at entry), and enters at BASE + (e_entry - low).
 *   check64: ELF64 ET_DYN linked at 0, position independent, no
 *            relocations at all: any page-aligned BASE works, nothing is
 *            patched.  Entered with KEXEC_ARCH_64.
 *   check32: ELF32 ET_EXEC linked at 0x02000000: BASE must be 0x02000000.
 *            Entered with KEXEC_ARCH_32.
 *
 * CHECKSUMS (seg[].crc32).  The CRC-32 of zlib (IEEE 802.3: reflected,
 * polynomial 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF;
 * Python's zlib.crc32(data), crc32("123456789") = 0xCBF43926) of the
 * segment's memory image, the p_memsz bytes [p_vaddr, p_vaddr + p_memsz):
 *     the file bytes [p_offset, p_offset + p_filesz),
 *     then p_memsz - p_filesz zero bytes,
 *     where every byte inside the parameter block [sh_addr, sh_addr + 4096)
 *     counts as ZERO (the block holds the CRCs, so it cannot cover itself;
 *     compute the CRCs before writing the block, over the zero bytes that
 *     the built image has there, and the rule holds by construction).
 * The image recomputes the CRC over its memory at run time, with the
 * block and its .bss treated as zero (the .bss is separately checked to
 * have been zero at entry: see tests/images/README.md).
 *
 * DESTINATIONS.  Every destination page of the load must be one of: the
 * image's pages [BASE, BASE + image span rounded up to a page), the zero
 * range (zero_maddr), a map target (maps[].target_maddr), the foreign
 * range (foreign_maddr: another program of the load, e.g. purgatory).  check64 relies
 * on this to decide which neighbouring pages must be unmapped (see
 * nr_unmapped): the page just below BASE and the page just after the
 * image's last page must be none of those (or be listed as the zero range
 * or a map target, in which case the image does not probe them).
 *
 * All reserved and padding fields must be 0.
 */
#ifndef KEXEC_PARAMS_H
#define KEXEC_PARAMS_H

#include <stdint.h>

#define KXPARAM_SECTION      ".kexec_params"
#define KXPARAM_SYMBOL       "kexec_params"
#define KXPARAM_MAGIC        "KXPARAM1" /* 8 bytes, no NUL stored */
#define KXPARAM_MAGIC_LEN    8
#define KXPARAM_VERSION      1u
#define KXPARAM_SIZE         4096u /* the whole section */
#define KXPARAM_MAX_SEGS     8u
#define KXPARAM_MAX_MAPS     8u
#define KXPARAM_MAX_UNMAPPED 16u

/* One PT_LOAD segment, in program-header order. */
struct kxparam_seg {
    uint64_t vaddr_offset; /* p_vaddr - low (low: lowest PT_LOAD p_vaddr) */
    uint64_t memsz;        /* p_memsz */
    uint32_t crc32;        /* CRC-32 of the memory image (rule above) */
    uint32_t pad;          /* 0 */
};                         /* 24 bytes */

/* One KEXEC_OP_MAP entry of the load, as the image should see it. */
struct kxparam_map {
    uint64_t va;           /* the MAP entry's arg0 (page aligned, canonical) */
    uint64_t target_maddr; /* machine address of the first page that arg0
                               maps to: the first destination page of the
                               COPY or ZERO entry named by the MAP's arg1 */
    uint64_t pages;        /* the MAP entry's arg2 */
};                         /* 24 bytes */

struct kexec_params {
    /* 0x000 */ char magic[8];        /* KXPARAM_MAGIC: "KXPARAM1", no NUL.  All
                                       zero in the built image: an image that
                                       finds no magic reports "parameter block
                                       not filled" and fails. */
    /* 0x008 */ uint32_t version;     /* KXPARAM_VERSION */
    /* 0x00c */ uint32_t pad0;        /* 0 */
    /* 0x010 */ uint64_t image_id;    /* any value the loader chooses (e.g. a
                                       generation counter); printed in decimal
                                       as "<image>: image id N" so that a test
                                       can tell which of two loaded images ran */
    /* 0x018 */ uint64_t base;        /* BASE: the machine address where the
                                       lowest PT_LOAD segment starts (page
                                       aligned); the image compares it with
                                       where it actually runs */
    /* 0x020 */ uint32_t nr_segments; /* PT_LOAD segments with p_memsz != 0,
                                       at most KXPARAM_MAX_SEGS */
    /* 0x024 */ uint32_t pad1;        /* 0 */
    /* 0x028 */ struct kxparam_seg seg[KXPARAM_MAX_SEGS];
    /* seg[0 .. nr_segments-1], in program-
                                       header order; the rest zero */
    /* 0x0e8 */ uint64_t zero_maddr; /* first machine address of a range of
                                       destination pages that the load fills
                                       with KEXEC_OP_ZERO (page aligned; for
                                       check32 the range must end at or below
                                       4 GiB); the image checks every byte of
                                       it is 0.  To make the check mean
                                       something, give the range pages that
                                       held non-zero data before the exec. */
    /* 0x0f0 */ uint64_t zero_pages; /* pages in that range; 0: no such check */
    /* 0x0f8 */ uint32_t nr_maps;    /* KEXEC_OP_MAP entries described below,
                                       at most KXPARAM_MAX_MAPS (check32
                                       ignores them: paging is off) */
    /* 0x0fc */ uint32_t pad2;       /* 0 */
    /* 0x100 */ struct kxparam_map maps[KXPARAM_MAX_MAPS];
    /* 0x1c0 */ uint32_t nr_unmapped; /* entries of unmapped[] used, at most
                                       KXPARAM_MAX_UNMAPPED */
    /* 0x1c4 */ uint32_t pad3;        /* 0 */
    /* 0x1c8 */ uint64_t unmapped[KXPARAM_MAX_UNMAPPED];
    /* extra virtual addresses that the loader
                                       knows must NOT be mapped at entry (any
                                       alignment: the image probes a load of 8
                                       bytes at the address rounded down to 8);
                                       check64 only, in addition to its own
                                       list (tests/images/README.md) */
    /* 0x248 */ uint64_t expect_type;   /* KEXEC_TYPE_* the image was loaded as
                                       (0 default, 1 crash); printed only */
    /* 0x250 */ uint64_t foreign_maddr; /* first machine address of the pages
                                       of another program of the same load
                                       (tools/purgatory/, which runs before
                                       the image): page aligned; check64
                                       counts them in its page walk as
                                       identity-mapped destinations and does
                                       not probe them (the kexec loader leaves
                                       it 0; the dom0 test kexec-purgatory
                                       fills it in the bounce copy) */
    /* 0x258 */ uint64_t foreign_pages; /* pages in that range; 0: none */
    /* 0x260 */ uint8_t reserved[0xfe8 - 0x260]; /* 0 */
                                                 /*
     * The crash-dump fields, at the end of the block (added after the
     * fields above, which did not move).  Used by crashdump64 only; the
     * kexec loader (tools/kexec-loader/kexec-loader.c) leaves them 0 and
     * the dom0 test kexec-vmcore fills them in the bounce copy of the
     * block before the load (tests/guest/tests/kexec-vmcore.c).
     */
    /* 0xfe8 */ uint64_t elfcorehdr_maddr; /* machine address of the ELF core
                                       header (tools/kexec-loader/elfcore.h)
                                       that the load puts in the crash region
                                       beside the image; 0: none */
    /* 0xff0 */ uint64_t elfcorehdr_size;  /* its bytes */
    /* 0xff8 */ uint32_t nr_cpus; /* CPUs of the crashed hypervisor, as dom0
                                       counted them (get_range
                                       KEXEC_RANGE_MA_CPU nr = n succeeds for
                                       every n < nr_cpus); 0: unknown */
    /* 0xffc */ uint32_t pad4;    /* 0 */
};

#ifndef __cplusplus
#define KXPARAM_CHECK_OFF(f, off)                                              \
    _Static_assert(__builtin_offsetof(struct kexec_params, f) == (off),        \
                   "struct kexec_params: offset of " #f)
KXPARAM_CHECK_OFF(version, 0x008);
KXPARAM_CHECK_OFF(image_id, 0x010);
KXPARAM_CHECK_OFF(base, 0x018);
KXPARAM_CHECK_OFF(nr_segments, 0x020);
KXPARAM_CHECK_OFF(seg, 0x028);
KXPARAM_CHECK_OFF(zero_maddr, 0x0e8);
KXPARAM_CHECK_OFF(zero_pages, 0x0f0);
KXPARAM_CHECK_OFF(nr_maps, 0x0f8);
KXPARAM_CHECK_OFF(maps, 0x100);
KXPARAM_CHECK_OFF(nr_unmapped, 0x1c0);
KXPARAM_CHECK_OFF(unmapped, 0x1c8);
KXPARAM_CHECK_OFF(expect_type, 0x248);
KXPARAM_CHECK_OFF(foreign_maddr, 0x250);
KXPARAM_CHECK_OFF(foreign_pages, 0x258);
KXPARAM_CHECK_OFF(reserved, 0x260);
KXPARAM_CHECK_OFF(elfcorehdr_maddr, 0xfe8);
KXPARAM_CHECK_OFF(elfcorehdr_size, 0xff0);
KXPARAM_CHECK_OFF(nr_cpus, 0xff8);
KXPARAM_CHECK_OFF(pad4, 0xffc);
_Static_assert(sizeof(struct kxparam_seg) == 24, "struct kxparam_seg size");
_Static_assert(sizeof(struct kxparam_map) == 24, "struct kxparam_map size");
_Static_assert(sizeof(struct kexec_params) == KXPARAM_SIZE,
               "struct kexec_params size");
#undef KXPARAM_CHECK_OFF
#endif

#endif /* KEXEC_PARAMS_H */

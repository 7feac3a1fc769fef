/* SPDX-License-Identifier: MIT */
/*
 * kexec-loader: turn an ELF image into a kexec_op entry list
 * (include/public/kexec.h), the role kexec-tools plays for Linux.
 *
 * Portable and freestanding: <stdint.h>, <stddef.h>, <stdbool.h> and the
 * public headers only, no C library, no global state.  Built into the
 * dom0 test guest (tests/guest.mk) and into the host unit tests
 * (tests/unit/test-kexec-loader.c).  The only side effects are the
 * caller's two callbacks and the writes into the bounce frames they hand
 * out; the ELF buffer is never written (so a boot module can be loaded
 * again and again).
 *
 * ---------------------------------------------------------------------
 * WHAT IT ACCEPTS
 *
 *   ELF64 x86-64 or ELF32 i386, little endian, ET_EXEC or ET_DYN, with
 *   1 .. KXL_MAX_SEGMENTS PT_LOAD segments of p_memsz != 0 (PT_LOAD with
 *   p_memsz 0 and every other program header are ignored), each with
 *   p_filesz <= p_memsz and its file bytes inside the buffer.
 *
 * WHERE THE SEGMENTS GO (machine addresses)
 *
 *   ET_DYN:  BASE + (p_vaddr - low_page), where low_page is the lowest
 *            PT_LOAD p_vaddr rounded down to a page and BASE is
 *            req->base (page aligned).  For images linked at a page
 *            boundary (all real ones) that is tests/images/kexec-params.h's
 *            rule: BASE + (p_vaddr - lowest p_vaddr).
 *   ET_EXEC: p_paddr, as linked.  BASE is then the lowest p_paddr rounded
 *            down to a page; req->base must be 0 or exactly that.
 *   by_paddr (ELF64 ET_EXEC only, e.g. a Linux vmlinux): every segment
 *            moves by the same delta, BASE + (p_paddr - low_paddr_page),
 *            with BASE = req->base (0: as linked); e_entry is then a
 *            physical address, inside a segment's [p_paddr, + p_memsz).
 *   The entry point is the machine address of e_entry (a p_vaddr inside
 *   a segment's [p_vaddr, p_vaddr + p_memsz)).
 *
 * THE ENTRY LIST PRODUCED, in this order:
 *
 *   for each PT_LOAD segment (program-header order):
 *     DEST  first page of the segment (its start rounded down)
 *     then, page by page, runs of
 *       COPY  machine-contiguous whole pages taken straight from the ELF
 *             buffer: a page that lies entirely inside [p_offset,
 *             p_offset + p_filesz) and whose buffer address is congruent
 *             to its destination modulo 4096;
 *       COPY  bounce frames (consecutive ones merge when their machine
 *             frames are contiguous): every other page holding file bytes,
 *             i.e. a partial first page (bytes below the segment start
 *             zero), the page where p_filesz ends (bytes from p_filesz on
 *             zero: file bytes past p_filesz are never copied), pages of
 *             a segment whose p_offset and p_vaddr are not congruent, and
 *             the page(s) of the parameter block when it is filled;
 *       ZERO  pages with no file byte at all (the .bss beyond the page
 *             where p_filesz ends);
 *     a new COPY or ZERO entry also starts at every MAP target address
 *     (so that a MAP can name it, see below);
 *   DEST + ZERO    the extra zero range, if req->zero_pages != 0;
 *   MAP            for each MAP request: one MAP entry per COPY/ZERO
 *                  entry the requested range covers (usually one), each
 *                  naming that entry and mapping its first pages.
 *
 *   Two segments whose page ranges meet in one page (or overlap) are
 *   refused (KXL_ESHARED): the hypervisor refuses overlapping destinations
 *   and a page cannot be built from two segments through separate entries.
 *   The zero range must not meet the image's pages either (KXL_ESHARED).
 *
 * THE PARAMETER BLOCK (tests/images/kexec-params.h), when req->params:
 *   the section ".kexec_params" (4096 bytes, page aligned, inside the
 *   file bytes of one PT_LOAD) is filled in the bounce copy of its page:
 *   magic, version, image_id, base, every segment's vaddr_offset, memsz
 *   and CRC-32 (the memory image with the block's bytes counted as zero),
 *   the zero range, one maps[] record per MAP entry emitted (va, target
 *   machine address, pages), the caller's unmapped[] list and
 *   expect_type = req->type.  Everything else zero.
 *
 * A NAMED SECTION (req->section_name, e.g. purgatory's ".purgatory_args",
 *   tools/kexec-loader/purgatory-load.h), instead of the parameter block:
 *   the same placement rules and the same bounce page, filled with the
 *   caller's section_len bytes (the rest of the page stays the file's).
 *   Asking for both, an empty name, no bytes or more than 4096 bytes is
 *   KXL_EARG; no such usable section is KXL_ENOPARAMS.
 *
 * TYPES (kxl-addr.h): in the request, the result and the callbacks a
 *   machine address is a kxl_maddr_t, a machine frame a kxl_mfn_t and an
 *   address in the loaded image's virtual space (a MAP's va, unmapped[])
 *   a kxl_vaddr_t; one passed for another does not compile.  Sizes, page
 *   counts and file offsets are plain integers, and so is everything in
 *   the entry list and the parameter block (the wire formats).
 *
 * RESULT CODES: 0 or one of the negative KXL_E* below (never an errno of
 * the hypervisor's ABI, so the two cannot be confused); kxl_strerror()
 * names them.  On failure res->where says which segment / map request /
 * entry index was at fault when that applies (else KXL_WHERE_NONE), and
 * bounce frames already taken stay the caller's (res->bounce_pages says
 * how many).
 */
#ifndef KEXEC_LOADER_H
#define KEXEC_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/kexec.h>
#include "kxl-addr.h"

#define KXL_PAGE_SIZE    4096u
#define KXL_MAX_SEGMENTS 16u /* PT_LOAD segments with p_memsz != 0 */
#define KXL_MAX_MAPS     8u  /* MAP requests */
#define KXL_MAX_UNMAPPED 16u /* = KXPARAM_MAX_UNMAPPED */
#define KXL_NO_MFN       ((kxl_mfn_t){ ~(uint64_t)0 }) /* kxl_mfn_eq() */
#define KXL_WHERE_NONE   (~(uint32_t)0)

enum kxl_error {
    KXL_OK = 0,
    KXL_EARG = -1,       /* bad request: NULL pointer, base not page
                             aligned, too many maps/unmapped, ... */
    KXL_ENOTELF = -2,    /* not an ELF image: magic, class, endianness,
                             version */
    KXL_EUNSUP = -3,     /* an ELF this loader does not take: machine
                             (x86-64 for ELF64, i386 for ELF32), e_type
                             other than ET_EXEC/ET_DYN */
    KXL_EBADELF = -4,    /* malformed: headers or segment file bytes out
                             of the buffer, p_filesz > p_memsz, sizes that
                             wrap, bad section table */
    KXL_ENOLOAD = -5,    /* no PT_LOAD segment with p_memsz != 0 */
    KXL_ETOOMANY = -6,   /* more than KXL_MAX_SEGMENTS PT_LOAD segments */
    KXL_ESHARED = -7,    /* two segments (or a segment and the zero
                             range) share a destination page */
    KXL_EBASE = -8,      /* ET_EXEC with a base other than 0 / its own */
    KXL_EADDR = -9,      /* a destination wraps around 2^64 (or above 4 GiB
                             for an ELF32 ET_EXEC) */
    KXL_EREGION = -10,   /* a destination outside req->region */
    KXL_EENTRY = -11,    /* e_entry inside no segment */
    KXL_E2BIG = -12,     /* more entries than the caller's capacity */
    KXL_EXLATE = -13,    /* va_to_mfn() found no frame for a buffer page */
    KXL_EBOUNCE = -14,   /* bounce() gave no frame */
    KXL_EMAP = -15,      /* a MAP request: va or target not page aligned,
                             0 pages, or a target range not entirely made
                             of the image's (or zero range's) pages */
    KXL_ENOPARAMS = -16, /* params asked for, no usable ".kexec_params"
                             section (absent, not 4096 bytes, not page
                             aligned, not inside a segment's file bytes);
                             the same for req->section_name */
    KXL_EPARAMS = -17,   /* the block cannot describe this load (more
                             than KXPARAM_MAX_SEGS segments or
                             KXPARAM_MAX_MAPS MAP entries) */
};

/* "KXL_E2BIG: more entries than the capacity", etc.; never NULL. */
const char *kxl_strerror(int err);

/* A frame handed out by the bounce callback. */
struct kxl_frame {
    kxl_mfn_t mfn;
    void *va; /* a writable mapping of its 4096 bytes */
};

struct kxl_env {
    /*
     * The machine frame that holds the ELF buffer's byte at va (called
     * with page-aligned addresses inside the buffer's pages); KXL_NO_MFN
     * when there is none.  A PV guest: va -> gfn through its mapping of
     * the module (modules[i].va, first_gfn) -> mfn through the P2M list.
     */
    kxl_mfn_t (*va_to_mfn)(void *ctx, const void *va);
    /* A fresh frame the caller owns; 0 on success, nonzero: none left. */
    int (*bounce)(void *ctx, struct kxl_frame *out);
    void *ctx;
};

/* Map pages of the image at a virtual address (KEXEC_OP_MAP). */
struct kxl_map_req {
    kxl_vaddr_t va;    /* page aligned (canonical: the hypervisor checks) */
    kxl_maddr_t maddr; /* page aligned: the first page, inside the
                           image's pages or the zero range */
    uint64_t pages;    /* > 0; the range must be destination pages */
};

struct kxl_request {
    const void *elf; /* the ELF image, read only */
    size_t elf_size;
    kxl_maddr_t base; /* ET_DYN: BASE; ET_EXEC: 0 or BASE */
    uint8_t type;     /* KEXEC_TYPE_*: kxl_fill_load, params */
    /* Optional: every destination inside [region_start, + region_size)
       (e.g. the crash region); region_size 0: no check. */
    kxl_maddr_t region_start;
    uint64_t region_size;
    /* Optional: a range of pages zeroed with KEXEC_OP_ZERO. */
    kxl_maddr_t zero_maddr;
    uint64_t zero_pages;
    const struct kxl_map_req *maps; /* nr_maps <= KXL_MAX_MAPS */
    uint32_t nr_maps;
    /* Optional: fill the image's parameter block. */
    bool params;
    uint64_t image_id;
    const kxl_vaddr_t *unmapped; /* nr_unmapped <= KXL_MAX_UNMAPPED */
    uint32_t nr_unmapped;
    /* Optional, instead of params: fill the section of this name (its
       rules are the parameter block's: 4096 bytes, page aligned, inside
       one segment's file bytes) with section_len <= 4096 bytes from
       section_bytes; its other bytes stay the file's.  res->params_maddr
       says where it lands.  NULL: no such section. */
    const char *section_name;
    const void *section_bytes;
    size_t section_len;
    /* Place an ELF64 ET_EXEC by p_paddr, moved to base (see above). */
    bool by_paddr;
};

/* Where one segment went: its bytes are [dest, dest + filesz) from
   elf + file_offset, zero elsewhere in its pages [first, end). */
struct kxl_placed {
    kxl_maddr_t dest, first, end;
    uint64_t file_offset, filesz;
};

struct kxl_result {
    uint64_t nr_entries;      /* entries written to ents[] */
    kxl_maddr_t entry_maddr;  /* the entry point */
    uint8_t arch;             /* KEXEC_ARCH_64 (ELF64) / KEXEC_ARCH_32 */
    uint8_t elf_type;         /* ET_EXEC (2) / ET_DYN (3) */
    uint32_t nr_segments;     /* PT_LOAD segments loaded */
    kxl_maddr_t base;         /* BASE as used */
    kxl_maddr_t image_end;    /* end of the image's last page */
    uint64_t copy_pages;      /* pages COPYed (direct + bounce) */
    uint64_t direct_pages;    /* of which straight from the ELF buffer */
    uint64_t bounce_pages;    /* of which through bounce frames */
    uint64_t zero_pages;      /* pages ZEROed (bss and zero range) */
    uint64_t nr_map_entries;  /* MAP entries emitted */
    kxl_maddr_t params_maddr; /* where the parameter block lands, or 0 */
    uint32_t where;           /* on failure: the index at fault */
    struct kxl_placed placed[KXL_MAX_SEGMENTS]; /* [0, nr_segments) */
};

/*
 * Build the entry list for req into ents[0 .. cap-1].  Returns KXL_OK
 * with res filled, or a KXL_E* code.  ents may be NULL only with cap 0.
 */
int kxl_build(const struct kxl_request *req, const struct kxl_env *env,
              struct kexec_entry *ents, size_t cap, struct kxl_result *res);

/*
 * A raw blob, as one segment: DEST dest (page aligned), then COPY/ZERO
 * page by page exactly as for an ELF segment: the filesz bytes of buf,
 * zero after them up to memsz (rounded up to a page).  Checked against
 * [region_start, + region_size) when region_size != 0.  res is filled as
 * by kxl_build (nr_segments 1, placed[0]; entry_maddr = dest).
 */
struct kxl_raw {
    const void *buf;
    uint64_t filesz, memsz; /* filesz <= memsz, memsz > 0 */
    kxl_maddr_t dest;
    kxl_maddr_t region_start;
    uint64_t region_size;
};
int kxl_build_raw(const struct kxl_raw *raw, const struct kxl_env *env,
                  struct kexec_entry *ents, size_t cap, struct kxl_result *res);

/*
 * A struct kexec_load for the list kxl_build() produced (size, type, arch
 * from the ELF class, flags 0, entry point, entries, nr_entries).
 */
void kxl_fill_load(struct kexec_load *ld, const struct kxl_result *res,
                   uint8_t type, const struct kexec_entry *ents);

/*
 * CRC-32 of zlib (reflected, polynomial 0xEDB88320, init and final XOR
 * 0xFFFFFFFF).  Chain with crc = kxl_crc32(crc, ...), starting from 0:
 * kxl_crc32(0, "123456789", 9) == 0xCBF43926.  kxl_crc32_zeros() feeds
 * len zero bytes.
 */
uint32_t kxl_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t kxl_crc32_zeros(uint32_t crc, uint64_t len);

#endif /* KEXEC_LOADER_H */

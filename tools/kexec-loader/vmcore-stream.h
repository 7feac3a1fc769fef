/* SPDX-License-Identifier: MIT */
/*
 * vmcore-stream: write the vmcore of a crashed hypervisor as an ELF64
 * core that readelf and gdb read, from its notes and memory, through the
 * caller's two callbacks: one reads the crashed machine's memory by
 * machine address, one takes the output bytes.  Freestanding like the
 * rest of tools/kexec-loader; used by the ring-0 crash image
 * (tests/images/crashdump64.c, memory identity mapped, output to COM2)
 * and by a crash hypervisor's dump guest (tests/guest/tests/kexec-hv.c,
 * memory through read-only mappings of old memory).
 * ---------------------------------------------------------------------
 * THE FILE, in this order:
 *   the ELF header (ET_CORE, EM_X86_64), then the program headers:
 *   PT_NOTE   one segment holding every note the caller names, in the
 *             caller's order (the crashing CPU's NT_PRSTATUS first, so
 *             that gdb's first thread is the CPU that crashed);
 *   PT_LOAD   the hypervisor image's memory [hv_paddr, + min(hv_size,
 *             max_image)) at its link address (hv_virt), in runs whose
 *             all-zero tail pages are left to p_memsz > p_filesz, page
 *             aligned in the file (at most VMCORE_MAX_RUNS; the last one
 *             takes the rest, zeros included);
 *   PT_LOAD   the same runs again at their direct-map address
 *             (directmap_virt + paddr), sharing the file offsets;
 *   PT_LOAD   every mapped page of every CPU's stack block
 *             [stacks_virt, + nr_cpus * stack_size), found by walking the
 *             crashed hypervisor's 4-level page tables from pgtable_maddr
 *             (4 KiB, 2 MiB and 1 GiB leaves), one PT_LOAD per run of
 *             pages contiguous in both spaces (at most VMCORE_MAX_STACK_RUNS);
 *   then the notes' bytes, zero padding to a page, the image runs' file
 *   bytes, the stack runs' bytes.
 * The numbers pgtable_maddr, stacks_virt and stack_size come from the
 * VMCOREINFO text the caller passes (NUMBER(pgtable_maddr)= hex,
 * NUMBER(STACKS_VIRT_START)= hex, NUMBER(STACK_SIZE)= decimal, each at the
 * start of a line, as common/vmcoreinfo.c writes them); without them:
 * VMCORE_EVMCOREINFO.  A page table that read() refuses maps nothing
 * below it, and a stack page that read() refuses is left out like the
 * unmapped guard page.
 * Every read the stream makes is tried once before the first byte is
 * written (the plan); the stream then follows the plan to the byte,
 * whatever the memory holds by then.  Not reentrant: the plan is static.
 * RESULT: 0, with the bytes written, their CRC-32 (zlib's, kxl_crc32) and
 * the counts of each kind of program header; or a VMCORE_E* code: nothing
 * written, except for VMCORE_EREAD of a read that worked while planning
 * and failed while streaming (then res->bytes and res->crc32 describe the
 * prefix written: the caller says so).
 */
#ifndef KEXEC_LOADER_VMCORE_STREAM_H
#define KEXEC_LOADER_VMCORE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kxl-addr.h"

#define VMCORE_MAX_NOTES      72u
#define VMCORE_MAX_RUNS       64u
#define VMCORE_MAX_STACK_RUNS 128u

enum vmcore_error {
    VMCORE_OK = 0,
    VMCORE_EARG = -1,        /* NULL callbacks, no notes, too many notes,
                                  a note or the image (or its aliases)
                                  wrapping around 2^64 */
    VMCORE_EREAD = -2,       /* read() failed (res->bad_maddr says where) */
    VMCORE_EVMCOREINFO = -3, /* a NUMBER() missing or bad (size 0, not a
                                  page multiple, more than 64 bits, stack
                                  blocks past 2^64) */
    VMCORE_ESTACKS = -4,     /* no stack page mapped (nr_cpus 0
                                  included), or more runs than
                                  VMCORE_MAX_STACK_RUNS */
};

const char *vmcore_strerror(int err);

struct vmcore_src {
    /* len bytes of the crashed machine's memory at maddr; false: none */
    bool (*read)(void *ctx, kxl_maddr_t maddr, void *buf, uint64_t len);
    /* the next len bytes of the vmcore */
    void (*write)(void *ctx, const void *buf, uint64_t len);
    void *ctx;
};

struct vmcore_note {
    kxl_maddr_t maddr; /* one note segment, as the core header's */
    uint64_t size;     /* PT_NOTE gives it */
};

struct vmcore_req {
    const struct vmcore_note *notes; /* in output order */
    uint32_t nr_notes;               /* 1 .. VMCORE_MAX_NOTES */
    uint32_t nr_cpus;                /* stack blocks to look for */
    kxl_maddr_t hv_paddr;            /* the hypervisor image */
    uint64_t hv_size;
    uint64_t max_image;               /* bytes of it at most (0: all) */
    uint64_t hv_virt, directmap_virt; /* its link and direct-map bases */
    const char *vmcoreinfo;           /* the VMCOREINFO text, not NUL
                                          terminated */
    size_t vmcoreinfo_len;
};

struct vmcore_result {
    uint64_t bytes;    /* written */
    uint32_t crc32;    /* of those bytes */
    uint32_t nr_phdrs; /* 1 + 2 * nr_image_runs +
                                          nr_stack_runs */
    uint32_t nr_image_runs, nr_stack_runs;
    uint64_t notes_bytes;  /* the PT_NOTE's size */
    uint64_t image_bytes;  /* the image runs' p_filesz, summed */
    uint64_t stack_pages;  /* pages of stack dumped */
    uint64_t stacks_virt;  /* NUMBER(STACKS_VIRT_START) */
    kxl_maddr_t bad_maddr; /* VMCORE_EREAD: the address of the
                                          read that failed */
};

int vmcore_stream(const struct vmcore_req *req, const struct vmcore_src *src,
                  struct vmcore_result *res);

#endif /* KEXEC_LOADER_VMCORE_STREAM_H */

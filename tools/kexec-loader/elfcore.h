/* SPDX-License-Identifier: MIT */
/*
 * elfcore: the ELF core header a dom0 loader hands to a crash image, the
 * role kexec-tools' crashdump-elf.c plays for Linux (its "elfcorehdr=").
 *
 * Portable and freestanding: <stdint.h> and <stddef.h> only, no C library,
 * no global state, no hypervisor header (so that the crash test image,
 * tests/images/crashdump64, can share the ELF definitions below).  Built
 * into the dom0 test guest (tests/guest.mk takes every .c file here)
 * and into the host unit test tests/unit/test-elfcore.c.
 *
 * ---------------------------------------------------------------------
 * THE HEADER PRODUCED (little endian, ELF64):
 *
 *   Elf64_Ehdr  ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE,
 *               e_type ET_CORE, e_machine EM_X86_64, e_entry 0,
 *               e_phoff 64, e_phentsize 56, no section table
 *               (e_shoff = e_shnum = e_shentsize = e_shstrndx = 0);
 *   then the program headers, in this order:
 *     PT_NOTE   one per note range of the request, in request order
 *               (every CPU's crash note, the hypervisor note, VMCOREINFO):
 *               p_offset = p_paddr = the note's machine address,
 *               p_vaddr = 0, p_filesz = p_memsz = its size, flags 0,
 *               p_align 0;
 *     PT_LOAD   one per RAM range (req->mem entries of type
 *               ELFCORE_MEM_RAM, minus [crash_start, crash_start +
 *               crash_size), overlapping or touching pieces merged,
 *               sorted by address): p_offset = p_paddr = machine address,
 *               p_vaddr = ELFCORE_DIRECTMAP_VIRT + machine address (the
 *               hypervisor's direct map), p_filesz = p_memsz = size,
 *               flags RWX, p_align 0;
 *     PT_LOAD   the hypervisor image, if hv_size != 0: p_offset = p_paddr
 *               = hv_start, p_vaddr = ELFCORE_HV_VIRT (its link address,
 *               so that gdb with hv.elf reads text and data where the
 *               symbols say), p_filesz = p_memsz = hv_size, flags RWX.
 *
 *   The per-CPU stacks (mapped page by page at STACKS_VIRT_START) are not
 *   in this header: their frames are not known to a loader.  A dump tool
 *   finds them at crash time through the hypervisor's page tables
 *   (VMCOREINFO NUMBER(pgtable_maddr)); tests/images/crashdump64.c does.
 *
 *   As with kexec-tools, every p_offset is a machine address: the header
 *   describes physical memory ("the file" a dump tool builds /proc/vmcore
 *   from), not a file of its own.  Nothing is read from those addresses
 *   here.
 *
 * RESULT CODES: 0 or one of the negative ELFCORE_E* below;
 * elfcore_strerror() names them.  On ELFCORE_E2BIG res->size still says
 * how many bytes the header needs (call with cap 0 to ask).
 */
#ifndef KEXEC_LOADER_ELFCORE_H
#define KEXEC_LOADER_ELFCORE_H

#include <stddef.h>
#include <stdint.h>

#include "kxl-addr.h"

/* The hypervisor's virtual layout (arch/x86/include/asm/config.h). */
#define ELFCORE_HV_VIRT        0xffff82d040000000ULL /* HV_VIRT_START */
#define ELFCORE_DIRECTMAP_VIRT 0xffff830000000000ULL /* DIRECTMAP_VIRT_START */

/* At most this many notes, and RAM pieces. */
#define ELFCORE_MAX_NOTES 64u
#define ELFCORE_MAX_MEM   64u

/* ---- ELF64 (the subset a core needs; System V gABI names, prefixed) ---- */

#define ELFCORE_EI_NIDENT   16
#define ELFCORE_ELFCLASS64  2
#define ELFCORE_ELFDATA2LSB 1
#define ELFCORE_EV_CURRENT  1
#define ELFCORE_ET_CORE     4
#define ELFCORE_EM_X86_64   62
#define ELFCORE_PT_LOAD     1
#define ELFCORE_PT_NOTE     4
#define ELFCORE_PF_X        1u
#define ELFCORE_PF_W        2u
#define ELFCORE_PF_R        4u

struct elfcore_ehdr { /* Elf64_Ehdr, 64 bytes */
    uint8_t e_ident[ELFCORE_EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elfcore_phdr { /* Elf64_Phdr, 56 bytes */
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct elfcore_nhdr { /* Elf64_Nhdr, 12 bytes */
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};

_Static_assert(sizeof(struct elfcore_ehdr) == 64, "Elf64_Ehdr size");
_Static_assert(sizeof(struct elfcore_phdr) == 56, "Elf64_Phdr size");
_Static_assert(sizeof(struct elfcore_nhdr) == 12, "Elf64_Nhdr size");

/* ---- the builder ---------------------------------------------------------- */

enum elfcore_error {
    ELFCORE_OK = 0,
    ELFCORE_EARG = -1,   /* NULL pointer with a count, too many notes
                               or memory ranges */
    ELFCORE_ERANGE = -2, /* a note of size 0, or a range that wraps
                               around 2^64 (or whose direct-map or
                               hypervisor virtual address would) */
    ELFCORE_E2BIG = -3,  /* the header does not fit in cap bytes */
};

/* A range of machine addresses. */
struct elfcore_range {
    kxl_maddr_t start;
    uint64_t size;
};

/* A memory map entry, laid out as an e820 entry (struct e820_entry of
 * include/public/xen.h): only ELFCORE_MEM_RAM entries are dumped. */
struct elfcore_mem {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t pad;
};
#define ELFCORE_MEM_RAM 1u

struct elfcore_req {
    const struct elfcore_range *notes; /* one PT_NOTE each, in order */
    uint32_t nr_notes;                 /* <= ELFCORE_MAX_NOTES */
    const struct elfcore_mem *mem;     /* the machine memory map */
    uint32_t nr_mem;                   /* <= ELFCORE_MAX_MEM */
    kxl_maddr_t crash_start;           /* left out of the RAM PT_LOADs */
    uint64_t crash_size;
    kxl_maddr_t hv_start; /* the hypervisor image; size 0: */
    uint64_t hv_size;     /* no PT_LOAD for it */
};

struct elfcore_result {
    uint64_t size;     /* bytes of the header (64 + 56 * nr_phdrs) */
    uint32_t nr_phdrs; /* program headers */
    uint32_t nr_notes; /* of which PT_NOTE */
    uint32_t nr_ram;   /* of which RAM PT_LOAD */
    uint32_t nr_hv;    /* of which the hypervisor PT_LOAD (0 or 1) */
};

/*
 * Build the header into buf[0 .. cap-1] (buf may be NULL with cap 0, to
 * size it).  Bytes of buf past res->size are not touched.
 */
int elfcore_build(const struct elfcore_req *req, void *buf, size_t cap,
                  struct elfcore_result *res);

/*
 * An ELF64 core's header (ET_CORE, EM_X86_64, little endian) with phnum
 * program headers right after it: what elfcore_build() and the vmcore
 * writer (vmcore-stream.h) both begin with.
 */
void elfcore_fill_ehdr(struct elfcore_ehdr *eh, uint16_t phnum);

/* "ELFCORE_E2BIG: the header does not fit the buffer", etc.; never NULL. */
const char *elfcore_strerror(int err);

#endif /* KEXEC_LOADER_ELFCORE_H */

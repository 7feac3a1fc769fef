/* SPDX-License-Identifier: GPL-2.0-only */
/* The ELF64 structures and constants the hypervisor reads and writes. */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <hv/types.h>

#define ELFMAG      "\177ELF"
#define SELFMAG     4
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define ET_CORE     4
#define EM_386      3
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_NOTE     4
#define PF_X        1
#define PF_W        2
#define PF_R        4

typedef struct {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

typedef struct {
    uint32_t n_namesz, n_descsz, n_type;
} Elf64_Nhdr;

#endif /* HV_ELF_H */

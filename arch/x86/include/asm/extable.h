/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception fixups: an instruction allowed to fault (a guest access) is
 * listed with the address to resume at.  Entries are relative offsets,
 * so the table needs no relocation in either image.
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#ifdef __ASSEMBLER__
/* Assembler, not C: clang-format would write ".pushsection.extable". */
/* clang-format off */
#define _ASM_EXTABLE(from, to)          \
    .pushsection .extable, "a";         \
    .balign 4;                          \
    .long (from) - .;                   \
    .long (to) - .;                     \
    .popsection
/* clang-format on */
#else
#include <hv/types.h>

#define _ASM_EXTABLE(from, to)                                                 \
    ".pushsection .extable, \"a\"\n\t.balign 4\n\t"                            \
    ".long (" #from ") - .\n\t.long (" #to ") - .\n\t.popsection\n"

struct exception_table_entry {
    int32_t insn;  /* relative to &insn */
    int32_t fixup; /* relative to &fixup */
};

/* The fixup address for a faulting RIP, or 0. */
uint64_t search_exception_table(uint64_t rip);
#endif

#endif /* ASM_EXTABLE_H */

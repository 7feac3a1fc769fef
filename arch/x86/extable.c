/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception table lookup.  The table holds a handful of entries (one per
 * guest-access primitive), so a linear scan is both enough and obviously
 * correct; nothing needs sorting at boot.
 */
#include <asm/extable.h>

extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

uint64_t search_exception_table(uint64_t rip)
{
    /* Linker symbols: compared as addresses (two C objects in C's eyes). */
    for (const struct exception_table_entry *e = __ex_table_start;
         (uintptr_t)e < (uintptr_t)__ex_table_end; e++)
        if ((uint64_t)&e->insn + e->insn == rip)
            return (uint64_t)&e->fixup + e->fixup;
    return 0;
}

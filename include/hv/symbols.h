/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbol lookup in the hypervisor's own symbol table (common/symbols.c). */
#ifndef HV_SYMBOLS_H
#define HV_SYMBOLS_H

#include <hv/types.h>

/* Name of the text symbol containing addr, or NULL. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

#endif /* HV_SYMBOLS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* x86-64 4-level paging: entry bits and address helpers. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <asm/config.h>

#define _PAGE_PRESENT  _AC(0x001, UL)
#define _PAGE_RW       _AC(0x002, UL)
#define _PAGE_USER     _AC(0x004, UL)
#define _PAGE_PWT      _AC(0x008, UL)
#define _PAGE_PCD      _AC(0x010, UL)
#define _PAGE_ACCESSED _AC(0x020, UL)
#define _PAGE_DIRTY    _AC(0x040, UL)
#define _PAGE_PSE      _AC(0x080, UL)
#define _PAGE_GLOBAL   _AC(0x100, UL)
#define _PAGE_NX       (_AC(1, UL) << 63)

#define PADDR_BITS    52
#define PTE_ADDR_MASK _AC(0x000ffffffffff000, UL)

#define L1_SHIFT   12
#define L2_SHIFT   21
#define L3_SHIFT   30
#define L4_SHIFT   39
#define PT_ENTRIES 512

#define SUPERPAGE_SIZE (_AC(1, UL) << L2_SHIFT)

#ifndef __ASSEMBLER__
#include <hv/types.h>

typedef uint64_t pte_t;

#define pt_index(va, shift) (((va) >> (shift)) & (PT_ENTRIES - 1))

/* Hypervisor mapping flag sets. */
#define PAGE_HV_RW                                                             \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)
#define PAGE_HV_RO   (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_HV_RX   (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PAGE_HV_MMIO (PAGE_HV_RW | _PAGE_PCD | _PAGE_PWT)

static inline bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* The frame an entry points at, and an entry pointing at a frame. */
static inline mfn_t pte_mfn(pte_t e)
{
    return _mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

static inline pte_t mfn_pte(mfn_t mfn, uint64_t flags)
{
    return maddr_x(mfn_to_maddr(mfn)) | flags;
}
#endif

#endif /* ASM_PAGE_H */

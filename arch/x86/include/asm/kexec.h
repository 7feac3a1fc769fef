/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kexec control page: one page, outside every destination, below
 * 4 GiB, holding a copy of the trampoline code (arch/x86/kexec/
 * kexec-tramp.S, at offset 0) and, at KEXEC_CTRL_DATA, the data it runs
 * on: the page-table roots, the relocation list, the entry point, a GDT,
 * IDTs whose handlers print a fault on COM1 (one for the page's alias
 * address, one for its 1:1 address, one 32-bit), and a small stack.
 *
 * The relocation list (Linux's format): 64-bit words, each an address
 * with a flag in its low bits, processed in order by relocate_pages():
 *   IND_DESTINATION  the current destination becomes the address
 *   IND_SOURCE       copy the page at the address to the destination,
 *                    which advances by a page
 *   IND_ZERO         zero the destination page, which advances
 *   IND_INDIRECTION  continue with the list page at the address
 *   IND_DONE         stop
 */
#ifndef ASM_KEXEC_H
#define ASM_KEXEC_H

#define IND_DESTINATION 0x1
#define IND_INDIRECTION 0x2
#define IND_DONE        0x4
#define IND_SOURCE      0x8
#define IND_ZERO        0x10
#define IND_FLAGS       0xfff

#define KEXEC_CTRL_CODE_MAX 0x800
#define KEXEC_CTRL_DATA     0x800
#define KEXEC_CTRL_STACK    0x1000 /* top of the stack: end of the page */

/* Offsets in struct kexec_control (checked in machine-kexec.c). */
#define KCTL_reloc_cr3     0x00
#define KCTL_handoff_cr3   0x08
#define KCTL_list          0x10
#define KCTL_entry         0x18
#define KCTL_control_maddr 0x20
#define KCTL_arch          0x28
#define KCTL_flags         0x2c
#define KCTL_far32         0x30 /* m16:32 far pointer to the 32-bit code */
#define KCTL_entry32       0x38 /* m16:32 far pointer to a 32-bit entry */
#define KCTL_gdtr          0x40 /* limit, base (10 bytes) */
#define KCTL_idtr          0x50
#define KCTL_idtr_zero     0x60
#define KCTL_gdt           0x70  /* 4 descriptors */
#define KCTL_gdtr_alias    0x90  /* the GDT at the page's alias address */
#define KCTL_idtr_alias    0xa0  /* the IDT below, at the alias address */
#define KCTL_idtr32        0xb0  /* limit, 32-bit base */
#define KCTL_idt           0x100 /* 32 gates x 16 bytes, 1:1 handlers */
#define KCTL_idt_alias     0x300 /* 32 gates x 16 bytes, alias handlers */
#define KCTL_idt32         0x500 /* 32 gates x 8 bytes, protected mode */

/* KCTL_flags: test hooks (include/hv/kexec.h), a fault each or a benchmark */
#define KCTL_FLAG_FAULT 0x1 /* ud2 after the handoff CR3 switch */
#define KCTL_FLAG_FAULT_RELOC                                                  \
    0x2 /* ud2 right after the relocation CR3 switch */
#define KCTL_FLAG_FAULT_32    0x4 /* ud2 in protected mode (32-bit image) */
#define KCTL_FLAG_BENCH_RELOC 0x8 /* time the relocation against byte moves */

#ifndef __ASSEMBLER__
#include <hv/types.h>

struct __packed kexec_gate64 {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};

struct __packed kexec_control {
    uint64_t reloc_cr3;
    uint64_t handoff_cr3;
    uint64_t list;
    uint64_t entry;
    uint64_t control_maddr;
    uint32_t arch;
    uint32_t flags;
    uint32_t far32_offset;
    uint16_t far32_sel;
    uint16_t pad0;
    uint32_t entry32_offset;
    uint16_t entry32_sel;
    uint16_t pad0b;
    uint16_t gdtr_limit;
    uint64_t gdtr_base;
    uint8_t pad1[6];
    uint16_t idtr_limit;
    uint64_t idtr_base;
    uint8_t pad2[6];
    uint16_t idtr_zero_limit;
    uint64_t idtr_zero_base;
    uint8_t pad3[6];
    uint64_t gdt[4];
    uint16_t gdtr_alias_limit;
    uint64_t gdtr_alias_base;
    uint8_t pad4[6];
    uint16_t idtr_alias_limit;
    uint64_t idtr_alias_base;
    uint8_t pad5[6];
    uint16_t idtr32_limit;
    uint32_t idtr32_base;
    uint8_t pad6[0x100 - 0xb6];
    struct kexec_gate64 idt[32];
    struct kexec_gate64 idt_alias[32];
    struct __packed {
        uint16_t off_lo, sel;
        uint8_t zero, type;
        uint16_t off_hi;
    } idt32[32];
};

extern const char kexec_tramp_start[], kexec_tramp_end[];
extern const char kexec_tramp_32[], kexec_fault_stubs[],
    kexec_tramp_far_entry32[];
/* relocate_pages: a SysV function; host-tested (tests/unit/test-relocate.c). */
void relocate_pages(const uint64_t *list);

#include <hv/kexec.h>

/* Frames owned by an image, in chained pages of 511 entries. */
struct frame_list {
    mfn_t head; /* [0] = next chain page, [1..511] = frames */
                /* (the pages hold raw mfns; no head: mfn 0) */
    uint64_t count;
};

/*
 * x86's image: common/'s part first (what machine_kexec_build() hands
 * out), then the handoff's machinery, which common/ never sees.
 */
struct x86_kexec_image {
    struct kexec_image k;
    mfn_t control_mfn;
    vaddr_t alias_va; /* control page, executable, hv tables */
    mfn_t handoff_l4, reloc_l4;
    maddr_t list;              /* the first list page (0: none) */
    struct frame_list frames;  /* control page, page tables */
    struct frame_list staging; /* staged copies and list pages */
};

static inline struct x86_kexec_image *x86_kexec_image(struct kexec_image *k)
{
    return (struct x86_kexec_image *)k; /* k is the first member */
}
#endif

#endif /* ASM_KEXEC_H */

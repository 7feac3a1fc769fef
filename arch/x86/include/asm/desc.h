/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Segments, the per-CPU GDT and TSS, and the IDT.
 *
 * GDT layout (the selectors are ABI for the later syscall/sysret paths:
 * STAR needs kernel CS/SS adjacent and user SS, CS64 after a CS32 slot):
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define HV_CS       0x08 /* 64-bit ring-0 code */
#define HV_DS       0x10 /* ring-0 data */
#define GUEST_CS32  0x1b /* sysret base only: a null descriptor */
#define GUEST_DS    0x23 /* ring-3 data */
#define GUEST_CS    0x2b /* 64-bit ring-3 code */
#define TSS_SEL     0x30 /* 16-byte TSS descriptor */
#define GDT_ENTRIES 8

#ifndef __ASSEMBLER__
#include <hv/types.h>

struct __packed tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7]; /* ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __packed desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* IST numbers given to the IDT entries (1-based as in the IDT). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

void load_gdt_and_tss(unsigned int cpu);
void idt_load(void);
/* The drain IDT: exceptions as usual, every interrupt vector taken and
 * returned from at once, its handler not run (apic_take_pending()). */
void idt_load_drain(void);
void traps_init(void);
void traps_init_cpu(unsigned int cpu);
#endif

#endif /* ASM_DESC_H */

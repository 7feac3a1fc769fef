/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The entry record: what the entry stub (ENTRY64 in head.S.inc for check64
 * and crashdump64, check32-head.S for check32) captures before it changes
 * anything, read by the C checkers.  Offsets
 * are shared with the assembly; the C structs below are checked against
 * them.  The record is the first thing in .bss (section .bss.entry): it is
 * the only part of the .bss that the stub writes before it has checked the
 * rest of the .bss for zero.
 */
#ifndef TESTS_IMAGES_ENTRY_STATE_H
#define TESTS_IMAGES_ENTRY_STATE_H

#ifdef __x86_64__
/* GPRs in this order: rax rbx rcx rdx rsi rdi rbp rsp r8 .. r15. */
#define ES_GPR(n)    ((n)*8)
#define ES_NR_GPRS   16
#define ES_FLAGS     128 /* RFLAGS at entry (pushfq) */
#define ES_CS        136 /* selectors, 2 bytes each */
#define ES_DS        138
#define ES_ES        140
#define ES_SS        142
#define ES_FS        144
#define ES_GS        146
#define ES_GDTR      152 /* sgdt: limit (2), base (8) */
#define ES_IDTR      168 /* sidt: limit (2), base (8) */
#define ES_BSS_DIRTY 184 /* non-zero .bss bytes found at entry */
#define ES_BSS_FIRST 192 /* address of the first one (0: none) */
#define ES_SIZE      200
#else
/* GPRs in this order: eax ebx ecx edx esi edi ebp esp. */
#define ES_GPR(n)    ((n)*4)
#define ES_NR_GPRS   8
#define ES_FLAGS     32 /* EFLAGS at entry (pushfl) */
#define ES_CS        36
#define ES_DS        38
#define ES_ES        40
#define ES_SS        42
#define ES_FS        44
#define ES_GS        46
#define ES_GDTR      48 /* sgdt: limit (2), base (4) */
#define ES_IDTR      56 /* sidt: limit (2), base (4) */
#define ES_BSS_DIRTY 64
#define ES_BSS_FIRST 68
#define ES_SIZE      72
#endif

#ifndef __ASSEMBLER__
#include <stdint.h>

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uintptr_t base;
};

struct entry_state {
    uintptr_t gpr[ES_NR_GPRS];
    uintptr_t flags;
    uint16_t cs, ds, es, ss, fs, gs;
    struct dtr gdtr __attribute__((aligned(8)));
    struct dtr idtr __attribute__((aligned(8)));
    uintptr_t bss_dirty __attribute__((aligned(8)));
    uintptr_t bss_first;
} __attribute__((aligned(8)));

#define ES_CHECK(f, off)                                                       \
    _Static_assert(__builtin_offsetof(struct entry_state, f) == (off),         \
                   "entry_state." #f)
ES_CHECK(gpr, 0);
ES_CHECK(flags, ES_FLAGS);
ES_CHECK(cs, ES_CS);
ES_CHECK(ds, ES_DS);
ES_CHECK(es, ES_ES);
ES_CHECK(ss, ES_SS);
ES_CHECK(fs, ES_FS);
ES_CHECK(gs, ES_GS);
ES_CHECK(gdtr, ES_GDTR);
ES_CHECK(idtr, ES_IDTR);
ES_CHECK(bss_dirty, ES_BSS_DIRTY);
ES_CHECK(bss_first, ES_BSS_FIRST);
#undef ES_CHECK
_Static_assert(sizeof(struct entry_state) == ES_SIZE, "entry_state size");

extern struct entry_state entry_state;
#endif

#endif /* TESTS_IMAGES_ENTRY_STATE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* Thin wrappers over x86 instructions, control registers and MSRs. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <hv/types.h>

#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_ET (1UL << 4)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_AM (1UL << 18)
#define X86_CR0_PG (1UL << 31)

#define X86_CR4_PAE        (1UL << 5)
#define X86_CR4_PGE        (1UL << 7)
#define X86_CR4_OSFXSR     (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE   (1UL << 16)
#define X86_CR4_SMEP       (1UL << 20)
#define X86_CR4_SMAP       (1UL << 21)

#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_AC (1UL << 18)

#define MSR_EFER           0xc0000080
#define EFER_SCE           (1UL << 0)
#define EFER_LME           (1UL << 8)
#define EFER_LMA           (1UL << 10)
#define EFER_NXE           (1UL << 11)
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SYSCALL_MASK   0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE      0x0000001b

/* The asm accessors: clang-format 14 would split their operands at each colon. */
/* clang-format off */
static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a,
                               uint32_t *b, uint32_t *c, uint32_t *d)
{
    asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                 : "0"(leaf), "2"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)val),
                 "d"((uint32_t)(val >> 32)) : "memory");
}

#define DEFINE_CR(n)                                                         \
    static inline uint64_t read_cr##n(void)                                  \
    {                                                                        \
        uint64_t v;                                                          \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                        \
        return v;                                                            \
    }                                                                        \
    static inline void write_cr##n(uint64_t v)                               \
    {                                                                        \
        asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory");               \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void local_irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { asm volatile("sti" ::: "memory"); }
static inline void halt(void) { asm volatile("hlt" ::: "memory"); }

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    asm volatile("pushf; pop %0" : "=r"(f));
    return f;
}

/* Stop this CPU for good: interrupts off, halt in a loop (NMIs return here). */
__noreturn void halt_forever(void);

/* CPU features found at boot (arch/x86/setup.c). */
struct cpu_features {
    bool nx, smep, smap, x2apic, invariant_tsc, pge;
    unsigned int phys_addr_bits;
};
extern struct cpu_features cpu_has;

/*
 * SMAP: brackets around every deliberate access to guest memory.  No-ops
 * (patched to nothing is not worth it here) when the CPU lacks SMAP,
 * since stac/clac #UD there.
 */
static inline void stac(void)
{
    if (cpu_has.smap)
        asm volatile("stac" ::: "memory");
}
static inline void clac(void)
{
    if (cpu_has.smap)
        asm volatile("clac" ::: "memory");
}
/* clang-format on */

#endif /* ASM_PROCESSOR_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's inline part of the architecture interface (include/hv/arch.h
 * lists what it must define), for common/ built and run as host unit
 * tests (tests/unit/fake-arch.c, fake-arch.h).  Machine memory is a host
 * buffer; an address outside it ends the test.
 */
#ifndef FAKE_ASM_ARCH_INLINE_H
#define FAKE_ASM_ARCH_INLINE_H

#include <hv/types.h>

#define NR_CPUS 8

/* What the fake's CPUs save and its notes get: enough to tell them apart. */
struct cpu_user_regs {
    uint64_t rip, rsp, rbp;
};

extern unsigned int fake_cpu; /* the CPU the test is running as */
extern struct domain *fake_current[NR_CPUS];
extern uint8_t *fake_ram; /* machine address 0 */
extern uint64_t fake_ram_size;
extern uint64_t fake_ticks; /* arch_timestamp(): one per call */
__noreturn void fake_bad_maddr(uint64_t ma);
void fake_report_exit(uint8_t code);

static inline unsigned int arch_cpu_id(void)
{
    return fake_cpu;
}
static inline void arch_cpu_relax(void)
{
}
static inline void arch_irq_disable(void)
{
}
static inline uint64_t arch_timestamp(void)
{
    return ++fake_ticks;
}

static inline struct domain *arch_current_domain(void)
{
    return fake_current[fake_cpu];
}

static inline void arch_set_current_domain(struct domain *d)
{
    fake_current[fake_cpu] = d;
}

static inline void *maddr_to_virt(maddr_t ma)
{
    if (maddr_x(ma) >= fake_ram_size)
        fake_bad_maddr(maddr_x(ma));
    return fake_ram + maddr_x(ma);
}

static inline maddr_t virt_to_maddr(const void *va)
{
    uint64_t off = (uint64_t)((const uint8_t *)va - fake_ram);

    if (off >= fake_ram_size)
        fake_bad_maddr(off);
    return _maddr(off);
}

static inline void arch_report_exit(uint8_t code)
{
    fake_report_exit(code);
}

#define ARCH_CAPTURE_CALLER(regs)                                              \
    do {                                                                       \
        (regs)->rip = (uint64_t)__builtin_return_address(0);                   \
        (regs)->rsp = (uint64_t)__builtin_frame_address(0);                    \
        (regs)->rbp = 0;                                                       \
    } while (0)

#endif /* FAKE_ASM_ARCH_INLINE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86's inline part of the architecture interface (include/hv/arch.h
 * lists what it must define).  Only hv/arch.h includes this file.
 */
#ifndef ASM_ARCH_INLINE_H
#define ASM_ARCH_INLINE_H

#include <asm/config.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <hv/shutdown.h>

static inline unsigned int arch_cpu_id(void)
{
    return smp_processor_id();
}
static inline void arch_cpu_relax(void)
{
    cpu_relax();
}
static inline void arch_irq_disable(void)
{
    local_irq_disable();
}
static inline uint64_t arch_timestamp(void)
{
    return rdtsc();
}

static inline struct domain *arch_current_domain(void)
{
    return get_cpu_info()->current;
}

static inline void arch_set_current_domain(struct domain *d)
{
    get_cpu_info()->current = d;
}

static inline void *maddr_to_virt(maddr_t ma)
{
    return (void *)(DIRECTMAP_VIRT_START + maddr_x(ma));
}

static inline maddr_t virt_to_maddr(const void *va)
{
    return _maddr((uint64_t)va - DIRECTMAP_VIRT_START);
}

/* A write to QEMU's isa-debug-exit port; ignored where there is none. */
static inline void arch_report_exit(uint8_t code)
{
    outb(DEBUG_EXIT_PORT, code);
}

/*
 * The registers of panic()'s caller, from panic()'s own frame: RIP inside
 * the call instruction (the return address of a call to a noreturn
 * function can lie past the caller's last byte, in the next function),
 * RSP and RBP the caller's frame (frame pointers are on).
 */
#define ARCH_CAPTURE_CALLER(regs)                                              \
    crash_capture_caller((regs), (uint64_t)__builtin_return_address(0) - 1,    \
                         (uint64_t)__builtin_frame_address(0) + 16,            \
                         *(uint64_t *)__builtin_frame_address(0))
void crash_capture_caller(struct cpu_user_regs *r, uint64_t rip, uint64_t rsp,
                          uint64_t rbp);

#endif /* ASM_ARCH_INLINE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls (include/public/xen.h): call the 32-byte stub of call nr in
 * the hypercall page, arguments in %rdi %rsi %rdx %r10 %r8, result in
 * %rax; the stub's syscall clobbers %rcx and %r11.  The stub address is
 * in a register, so any nr (known or not) can be called.
 *
 * The wrappers take every argument as a raw 64-bit value: the tests pass
 * bad pointers and unknown commands on purpose.  PTR(p) converts a
 * pointer.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include <public/errno.h>

extern uint64_t hypercall_page_va;

static inline long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2,
                              uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    uint64_t stub = hypercall_page_va + (uint64_t)nr * HYPERCALL_STUB_SIZE;
    long ret;

    /* clang-format off */
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
                       "+r"(r10), "+r"(r8)
                     : [stub] "r"(stub)
                     : "rcx", "r11", "memory");
    /* clang-format on */
    return ret;
}

#define hypercall0(nr)             hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall2(nr, a, b)       hypercall5(nr, a, b, 0, 0, 0)
#define hypercall3(nr, a, b, c)    hypercall5(nr, a, b, c, 0, 0)
#define hypercall4(nr, a, b, c, d) hypercall5(nr, a, b, c, d, 0)

static inline long hc_console_io(uint64_t cmd, uint64_t count, uint64_t buf)
{
    return hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

static inline long hc_xen_version(uint64_t cmd, uint64_t arg)
{
    return hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long hc_sched_op(uint64_t cmd, uint64_t arg)
{
    return hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long hc_memory_op(uint64_t cmd, uint64_t arg)
{
    return hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

static inline long hc_mmu_update(uint64_t reqs, uint64_t count,
                                 uint64_t success_count, uint64_t domid)
{
    return hypercall4(__HYPERVISOR_mmu_update, reqs, count, success_count,
                      domid);
}

static inline long hc_update_va_mapping(uint64_t va, uint64_t val,
                                        uint64_t flags)
{
    return hypercall3(__HYPERVISOR_update_va_mapping, va, val, flags);
}

static inline long hc_kexec_op(uint64_t cmd, uint64_t arg)
{
    return hypercall2(__HYPERVISOR_kexec_op, cmd, arg);
}

/* sched_op(SCHEDOP_shutdown, {reason}); returns only on failure. */
long hc_shutdown(uint32_t reason);

#endif

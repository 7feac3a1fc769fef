/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The four kinds of address the hypervisor handles, as distinct types.
 *
 *   mfn_t    machine frame number: a frame of RAM (machine address >> 12)
 *   gfn_t    guest frame number: an index into a domain's P2M
 *   maddr_t  machine address: a byte of RAM or MMIO
 *   vaddr_t  virtual address held as a number (a guest's or ours), where
 *            it is not dereferenced through a C pointer
 *
 * Each is a single-member struct, so that passing a gfn where an mfn is
 * wanted, or an address where a frame number is, fails to compile (as
 * Xen's TYPE_SAFE and Hafnium's addr.h do).  The struct costs nothing:
 * the x86-64 ABI passes and returns it in a register.  Convert at the
 * edges only, with the named constructors (_mfn(), _maddr(), ...) and
 * accessors (mfn_x(), maddr_x(), ...): the public ABI (include/public/)
 * carries plain uint64_t numbers, as a guest writes them.
 */
#ifndef HV_ADDR_H
#define HV_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define ADDR_TYPE(name, field)                                                 \
    typedef struct {                                                           \
        uint64_t field;                                                        \
    } name##_t;                                                                \
    static inline name##_t _##name(uint64_t v)                                 \
    {                                                                          \
        return (name##_t){ v };                                                \
    }                                                                          \
    static inline uint64_t name##_x(name##_t a)                                \
    {                                                                          \
        return a.field;                                                        \
    }                                                                          \
    static inline bool name##_eq(name##_t a, name##_t b)                       \
    {                                                                          \
        return a.field == b.field;                                             \
    }                                                                          \
    static inline name##_t name##_add(name##_t a, uint64_t n)                  \
    {                                                                          \
        return (name##_t){ a.field + n };                                      \
    }

ADDR_TYPE(mfn, mfn)
ADDR_TYPE(gfn, gfn)
ADDR_TYPE(maddr, ma)
ADDR_TYPE(vaddr, va)

#undef ADDR_TYPE

#define INVALID_MFN ((mfn_t){ ~0ULL })
#define INVALID_GFN ((gfn_t){ ~0ULL })

static inline bool mfn_is_invalid(mfn_t m)
{
    return mfn_eq(m, INVALID_MFN);
}

/* Frame <-> address: the only place the page shift meets the types. */
static inline maddr_t mfn_to_maddr(mfn_t m)
{
    return _maddr(mfn_x(m) << PAGE_SHIFT);
}

static inline mfn_t maddr_to_mfn(maddr_t a)
{
    return _mfn(maddr_x(a) >> PAGE_SHIFT);
}

#endif /* HV_ADDR_H */

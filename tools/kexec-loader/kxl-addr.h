/* SPDX-License-Identifier: MIT */
/*
 * Typed addresses for tools/kexec-loader, after Xen's typesafe mfn_t and
 * Hafnium's paddr_t: a machine address, a machine frame number and a
 * virtual address of the image being loaded are each a struct of one
 * member.  So a frame passed where an address is wanted (or the reverse),
 * a virtual address where a machine address is wanted, or a bare integer
 * for any of them, does not compile, instead of building a list that
 * points 4096 times too low.  No operator applies to them; the helpers
 * below say which unit they count in.  They cost nothing: one register,
 * passed and returned as the integer would be.
 *
 * The one hole C leaves: in an initializer a bare integer fills the
 * struct's only member (brace elision).  -Wmissing-braces, in -Wall,
 * refuses that, and every build of these files has -Wall -Werror.
 * tests/unit/kxl-addr-mix.c holds the mix-ups, each checked not to
 * compile by make unit-test-bin.
 *
 * The loader never sees a guest frame number (the caller's va_to_mfn()
 * callback goes through its own P2M), so there is no type for one here.
 * Buffers the loader reads and writes are pointers, not kxl_vaddr_t: that
 * is for addresses in the address space of the image being loaded (its
 * KEXEC_OP_MAP targets), which this program cannot dereference.
 *
 * The wire formats (include/public/kexec.h, the parameter block, purgatory's
 * arguments, the structures a Linux or Multiboot kernel reads) stay plain
 * integers: the loaders convert with _val() where they write one.
 *
 * Freestanding: <stdint.h> and <stdbool.h> only.
 */
#ifndef KEXEC_LOADER_KXL_ADDR_H
#define KEXEC_LOADER_KXL_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define KXL_PAGE_SHIFT 12

typedef struct {
    uint64_t maddr;
} kxl_maddr_t; /* machine address */
typedef struct {
    uint64_t mfn;
} kxl_mfn_t; /* machine frame number */
typedef struct {
    uint64_t va;
} kxl_vaddr_t; /* the image's virtual
                                                       address */

static inline kxl_maddr_t kxl_maddr(uint64_t a)
{
    return (kxl_maddr_t){ a };
}

static inline uint64_t kxl_maddr_val(kxl_maddr_t a)
{
    return a.maddr;
}

static inline kxl_mfn_t kxl_mfn(uint64_t f)
{
    return (kxl_mfn_t){ f };
}

static inline uint64_t kxl_mfn_val(kxl_mfn_t f)
{
    return f.mfn;
}

static inline kxl_vaddr_t kxl_vaddr(uint64_t v)
{
    return (kxl_vaddr_t){ v };
}

static inline uint64_t kxl_vaddr_val(kxl_vaddr_t v)
{
    return v.va;
}

/* ---- conversions ------------------------------------------------------ */

/* The address of the frame's first byte. */
static inline kxl_maddr_t kxl_mfn_to_maddr(kxl_mfn_t f)
{
    return kxl_maddr(f.mfn << KXL_PAGE_SHIFT);
}

/* The frame that holds the byte at a. */
static inline kxl_mfn_t kxl_maddr_to_mfn(kxl_maddr_t a)
{
    return kxl_mfn(a.maddr >> KXL_PAGE_SHIFT);
}

/* ---- arithmetic: bytes for addresses, frames for frames --------------- */

static inline kxl_maddr_t kxl_maddr_add(kxl_maddr_t a, uint64_t bytes)
{
    return kxl_maddr(a.maddr + bytes);
}

/* The bytes from start up to end (end >= start). */
static inline uint64_t kxl_maddr_diff(kxl_maddr_t end, kxl_maddr_t start)
{
    return end.maddr - start.maddr;
}

static inline bool kxl_maddr_eq(kxl_maddr_t a, kxl_maddr_t b)
{
    return a.maddr == b.maddr;
}

static inline bool kxl_maddr_pg_aligned(kxl_maddr_t a)
{
    return !(a.maddr & ((UINT64_C(1) << KXL_PAGE_SHIFT) - 1));
}

static inline kxl_mfn_t kxl_mfn_add(kxl_mfn_t f, uint64_t frames)
{
    return kxl_mfn(f.mfn + frames);
}

static inline bool kxl_mfn_eq(kxl_mfn_t a, kxl_mfn_t b)
{
    return a.mfn == b.mfn;
}

static inline kxl_vaddr_t kxl_vaddr_add(kxl_vaddr_t v, uint64_t bytes)
{
    return kxl_vaddr(v.va + bytes);
}

static inline bool kxl_vaddr_pg_aligned(kxl_vaddr_t v)
{
    return !(v.va & ((UINT64_C(1) << KXL_PAGE_SHIFT) - 1));
}

#endif /* KEXEC_LOADER_KXL_ADDR_H */

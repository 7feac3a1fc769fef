/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile-fail cases for include/hv/addr.h: the mix-ups the hypervisor's
 * typed addresses exist to stop, written against its real interfaces
 * (the frame allocator, the domain's P2M, the direct map, the kexec
 * validator's machine).  tests/unit/compile-fail.sh builds this file once
 * per case (-DMIX_CASE=n, the fake-arch flags, syntax only): case 0 is
 * the correct code of every case and must compile; case n swaps in one
 * mix-up and must fail on the line marked "compile-fail n: TEXT" with an
 * error that says TEXT.  Never linked or run (tests/unit/unit.mk).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/kimage.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>

#ifndef MIX_CASE
#error "build with -DMIX_CASE=n (tests/unit/compile-fail.sh)"
#endif

void mix(struct domain *d, gfn_t gfn, const struct kimage_machine *m);

/* Each mistake stays on the line its compile-fail mark names. */
/* clang-format off */
void mix(struct domain *d, gfn_t gfn, const struct kimage_machine *m)
{
    mfn_t mfn = alloc_frame(_mfn(0));
    maddr_t ma = mfn_to_maddr(mfn);
    vaddr_t va = _vaddr(0x10000000);
    uint64_t n = 0;

    /* a guest frame where a machine frame is wanted */
#if MIX_CASE == 1
    free_frame(gfn);                        /* compile-fail 1: incompatible type */
#else
    free_frame(p2m_get(d, gfn));
#endif

    /* a machine frame where a guest frame is wanted */
#if MIX_CASE == 2
    p2m_set(d, mfn, mfn);                   /* compile-fail 2: incompatible type */
#else
    p2m_set(d, gfn, mfn);
#endif

    /* an address where a frame is wanted */
#if MIX_CASE == 3
    free_frames(ma, 1);                     /* compile-fail 3: incompatible type */
#else
    free_frames(maddr_to_mfn(ma), 1);
#endif

    /* a frame number through the direct map as if it were an address */
#if MIX_CASE == 4
    (void)maddr_to_virt(mfn);               /* compile-fail 4: incompatible type */
#else
    (void)mfn_to_virt(mfn);
#endif

    /* a virtual address where a machine address is wanted */
#if MIX_CASE == 5
    frames_reserve(va, PAGE_SIZE);          /* compile-fail 5: incompatible type */
#else
    frames_reserve(_maddr(vaddr_x(va)), PAGE_SIZE);
#endif

    /* a bare integer for a frame */
#if MIX_CASE == 6
    free_frame(n);                          /* compile-fail 6: incompatible type */
#else
    free_frame(_mfn(n));
#endif

    /* shifting a frame into an address by hand */
#if MIX_CASE == 7
    ma = mfn << PAGE_SHIFT;                 /* compile-fail 7: invalid operands */
#else
    ma = mfn_to_maddr(mfn);
#endif

    /* comparing two frames with == (only mfn_eq() compares) */
#if MIX_CASE == 8
    n = mfn == INVALID_MFN;                 /* compile-fail 8: invalid operands */
#else
    n = mfn_is_invalid(mfn);
#endif

    /* a machine frame where the validator asks about an address */
#if MIX_CASE == 9
    n = m->is_ram(m->ctx, mfn, PAGE_SIZE);  /* compile-fail 9: incompatible type */
#else
    n = m->is_ram(m->ctx, ma, PAGE_SIZE);
#endif

    /* the raw ABI number of an address stored as a frame */
#if MIX_CASE == 10
    mfn = maddr_x(ma);                      /* compile-fail 10: incompatible types */
#else
    mfn = maddr_to_mfn(ma);
#endif
    (void)n;
    (void)mfn;
}
/* clang-format on */

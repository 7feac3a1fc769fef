/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile-fail cases for tools/kexec-loader/kxl-addr.h: the mix-ups the
 * typed addresses exist to stop, written against the loaders' real
 * interface.  tests/unit/compile-fail.sh builds this file once per case
 * (-DMIX_CASE=n, the unit tests' flags, syntax only): case 0 is the
 * correct code of every case and must compile; case n swaps in one
 * mix-up and must fail, on the line marked "compile-fail n: TEXT", with
 * an error that says TEXT (GCC's words for a type error, so that a typo
 * does not pass for one).
 * Never linked or run.  (make unit-test-bin runs it: tests/unit/unit.mk.)
 *
 * Case 8 is the one C itself allows: in an initializer a bare integer
 * fills the struct's only member (brace elision); -Wmissing-braces, in
 * -Wall, refuses it, and every build of the loaders has -Wall -Werror.
 */
#include "../../tools/kexec-loader/kexec-loader.h"
#include "../../tools/kexec-loader/purgatory-load.h"

#ifndef MIX_CASE
#error "build with -DMIX_CASE=n (tests/unit/compile-fail.sh)"
#endif

kxl_mfn_t mix_va_to_mfn(void *ctx, const void *va);
int mix(struct kxl_request *req, struct kxl_raw *raw, struct kxl_map_req *m,
        const struct kxl_frame *f, struct kexec_entry *ent,
        struct kxl_result *res, const struct purgatory_args *args);

/* A va_to_mfn() callback must return a frame, not the frame's address. */
/* Each mistake stays on the line its compile-fail mark names. */
/* clang-format off */
kxl_mfn_t mix_va_to_mfn(void *ctx, const void *va)
{
    kxl_mfn_t mfn = kxl_mfn((uintptr_t)va >> KXL_PAGE_SHIFT);

    (void)ctx;
#if MIX_CASE == 1
    return kxl_mfn_to_maddr(mfn);           /* compile-fail 1: incompatible */
#else
    return mfn;
#endif
}

int mix(struct kxl_request *req, struct kxl_raw *raw, struct kxl_map_req *m,
        const struct kxl_frame *f, struct kexec_entry *ent,
        struct kxl_result *res, const struct purgatory_args *args)
{
    /* a bounce frame where a destination address is wanted */
#if MIX_CASE == 2
    raw->dest = f->mfn;                     /* compile-fail 2: incompatible */
#else
    raw->dest = kxl_mfn_to_maddr(f->mfn);
#endif

    /* a MAP's virtual address where its machine address is wanted */
#if MIX_CASE == 3
    m->maddr = m->va;                       /* compile-fail 3: incompatible */
#else
    m->maddr = res->base;
#endif

    /* a bare integer for an address */
#if MIX_CASE == 4
    req->base = 0x4000000;                  /* compile-fail 4: incompatible */
#else
    req->base = kxl_maddr(0x4000000);
#endif

    /* arithmetic says its unit: bytes added to an address */
#if MIX_CASE == 5
    res->image_end = res->base + 4096;  /* compile-fail 5: invalid operands */
#else
    res->image_end = kxl_maddr_add(res->base, 4096);
#endif

    /* an address compared with a frame */
#if MIX_CASE == 6
    if (kxl_maddr_eq(res->base, f->mfn))    /* compile-fail 6: incompatible */
        return 1;
#else
    if (kxl_maddr_eq(res->base, kxl_mfn_to_maddr(f->mfn)))
        return 1;
#endif

    /* the wire's integers are written with _val() */
#if MIX_CASE == 7
    ent->arg0 = f->mfn;                     /* compile-fail 7: incompatible */
#else
    ent->arg0 = kxl_mfn_val(f->mfn);
#endif

    /* an integer in an initializer (see above) */
#if MIX_CASE == 8
    struct kxl_raw r = { .dest = 4096 };    /* compile-fail 8: missing braces */
#else
    struct kxl_raw r = { .dest = kxl_maddr(4096) };
#endif
    raw->region_start = r.dest;

    /* an integer for an address argument */
#if MIX_CASE == 9
    if (kxl_build_purgatory(NULL, 0, 4096,  /* compile-fail 9: incompatible */
                            kxl_maddr(0), 0, args, NULL, NULL, 0, res))
        return 1;
#else
    if (kxl_build_purgatory(NULL, 0, kxl_maddr(4096), kxl_maddr(0), 0, args,
                            NULL, NULL, 0, res))
        return 1;
#endif

    /* an address where a frame is initialized */
#if MIX_CASE == 10
    struct kxl_frame g = { .mfn = m->maddr }; /* compile-fail 10: incompatible */
#else
    struct kxl_frame g = { .mfn = kxl_maddr_to_mfn(m->maddr) };
#endif
    (void)g;

    /* frames are compared with kxl_mfn_eq(), not == */
#if MIX_CASE == 11
    return f->mfn == KXL_NO_MFN;       /* compile-fail 11: invalid operands */
#else
    return kxl_mfn_eq(f->mfn, KXL_NO_MFN);
#endif
}

/* clang-format on */
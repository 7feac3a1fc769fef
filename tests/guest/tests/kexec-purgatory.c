/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-purgatory: check64 (modules[0]) behind our purgatory
 * (tools/purgatory/, modules[1] = build/purgatory/purgatory.elf), loaded
 * as one image: the hypervisor enters purgatory, which verifies the
 * SHA-256 of every destination run of check64 and enters check64 with
 * PURGATORY_MODE_LINUX64 (rsi = rbx = rsp = rbp = 0 from regs: check64
 * wants every GPR zero).
 *
 *   check64    at BASE (default image: 64 MiB; crash: region + 1 MiB);
 *   purgatory  at BASE + 16 MiB (crash: region + 8 MiB): far from check64,
 *              whose neighbouring pages must stay unmapped; its pages are
 *              written into check64's parameter block as the foreign
 *              range (kexec-params.h), so that check64's page walk
 *              accounts for them.
 *
 * One purgatory region per DEST run of check64's list, its digest
 * computed here over exactly what the hypervisor will place: each COPY
 * source frame read through a scratch slot (the parameter block's bounce
 * page as filled), each ZERO page as zeros.
 *
 * Options:  purg-type=crash   load as the CRASH image, then crash as via=
 *                             says (kx_crash_dom0); default: DEFAULT image,
 *                             KEXEC_CMD_kexec.
 *           purg-flip=N       flip one bit of region N's expected digest
 *                             (the mismatch path: purgatory must name
 *                             region N and exit PURGATORY_EXIT_MISMATCH).
 *           purg-mb-bad=N     PURGATORY_MODE_MULTIBOOT32 with one rule
 *                             broken (1: entry above 4 GiB, 2: rbx above
 *                             4 GiB, 3: rsi not zero): purgatory must exit
 *                             PURGATORY_EXIT_BADARGS.
 *           purg-bench=MiB    add a zero range of that many MiB (ZERO
 *                             pages) as one more region, to measure
 *                             purgatory's speed (its digest: computed here
 *                             with sha256_update_zeros), and ask
 *                             purgatory for its bench lines
 *                             (PURGATORY_F_BENCH).
 *
 * Expected guest lines: PASS only, then the kexec; afterwards purgatory's
 * "purgatory: N regions, B bytes verified in C TSC cycles ..." and
 * check64's verdict PASS (QEMU status 65), or with purg-flip the three
 * mismatch lines and status (0x30 << 1) | 1 = 97.
 */
#include "kexec-guest.h"
#include "../../../tools/kexec-loader/purgatory-load.h"
#include "../../../tools/kexec-loader/sha256.h"
#include "../../images/kexec-params.h"

#define KP_SLOT_READ   220 /* a source frame, to hash it */
#define KP_SLOT_PARAMS 221
#define KP_PURG_OFFSET 0x1000000UL /* purgatory = BASE + 16 MiB */
#define KP_CRASH_PURG  0x800000UL  /* crash: region + 8 MiB */

static struct purgatory_args args;

/* One region per DEST run of kx_ents[0 .. n): the digest of its pages. */
static bool regions_of_list(uint64_t n)
{
    struct sha256_ctx c;
    struct purgatory_region *r = NULL;
    uint64_t at = 0;

    for (uint64_t i = 0; i <= n; i++) {
        const struct kexec_entry *e = i < n ? &kx_ents[i] : NULL;

        if (!e || e->op == KEXEC_OP_DEST) {
            if (r && r->size)
                sha256_final(&c, r->sha256);
            if (!e)
                break;
            if (args.nr_regions == PURGATORY_MAX_REGIONS) {
                error("more than %u DEST runs", PURGATORY_MAX_REGIONS);
                return false;
            }
            r = &args.regions[args.nr_regions++];
            r->start = at = e->arg0;
            r->size = 0;
            memcpy(r->name, "check64.", 8);
            r->name[8] = (char)('0' + args.nr_regions - 1);
            sha256_init(&c, NULL);
            continue;
        }
        if (e->op != KEXEC_OP_COPY && e->op != KEXEC_OP_ZERO)
            continue;
        for (uint64_t k = 0; k < e->arg1; k++) {
            if (e->op == KEXEC_OP_ZERO) {
                sha256_update_zeros(&c, PAGE_SIZE);
            } else {
                if (scratch_map(KP_SLOT_READ, e->arg0 + k, PTE_RO)) {
                    error("mapping frame %#lx to hash it", e->arg0 + k);
                    return false;
                }
                sha256_update(&c, (const void *)scratch_slot_va(KP_SLOT_READ),
                              PAGE_SIZE);
                scratch_unmap(KP_SLOT_READ);
            }
            r->size += PAGE_SIZE;
        }
        at += e->arg1 * PAGE_SIZE;
    }
    (void)at;
    return true;
}

/* check64's parameter block (bounce copy): the foreign range. */
static bool set_foreign(uint64_t n, uint64_t params_maddr, uint64_t start,
                        uint64_t pages)
{
    uint64_t mfn = kx_copy_source(n, params_maddr);
    struct kexec_params *kp;

    if (!check_true(params_maddr && mfn != NO_MFN,
                    "check64's parameter block (at %#lx) is a COPY of frame "
                    "%#lx",
                    params_maddr, mfn))
        return false;
    if (scratch_map(KP_SLOT_PARAMS, mfn, PTE_RW)) {
        error("mapping the parameter block's frame %#lx", mfn);
        return false;
    }
    kp = (struct kexec_params *)scratch_slot_va(KP_SLOT_PARAMS);
    kp->foreign_maddr = start;
    kp->foreign_pages = pages;
    scratch_unmap(KP_SLOT_PARAMS);
    return true;
}

static unsigned long opt_ulong(const char *name, unsigned long dflt)
{
    size_t len;
    const char *v = cmdline_find(name, &len);
    unsigned long x = 0;

    if (!v)
        return dflt;
    for (size_t i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
        x = x * 10 + (unsigned long)(v[i] - '0');
    return x;
}

DEFINE_KX_TEST(kexec_purgatory, "kexec-purgatory",
               "check64 behind purgatory: SHA-256 verified, then entered")
{
    const struct start_module *pm = kx_module(1);
    size_t len;
    const char *t = cmdline_find("purg-type", &len);
    bool crash = t && len == 5 && !strncmp(t, "crash", 5);
    unsigned long flip = opt_ulong("purg-flip", ~0UL);
    unsigned long bench_mib = opt_ulong("purg-bench", 0);
    uint64_t start = 0, size = 0, base, pbase, n, pages;
    struct kxl_result res, pres;
    struct kexec_load ld;
    struct kxl_env env;
    struct kx_opts o;
    long rc;
    int err;

    if (!pm)
        return;
    if (crash && !kx_crash_region(&start, &size))
        return;
    base = crash ? start + KX_CRASH_OFFSET : KX_DEFAULT_BASE;
    pbase = crash ? start + KP_CRASH_PURG : base + KP_PURG_OFFSET;
    o = (struct kx_opts){
        .module = 0,
        .type = crash ? KEXEC_TYPE_CRASH : KEXEC_TYPE_DEFAULT,
        .base = base,
        .image_id = 1,
        .region_start = start,
        .region_size = size,
    };
    if (bench_mib) {
        o.zero_pages = bench_mib * 256;
        o.zero_maddr = crash ? start + 0x1000000UL : base + 0x2000000UL;
    }
    if (kx_build(&o, &ld, &res))
        return;
    n = res.nr_entries;

    /* purgatory's span first (a trial build), for check64's block */
    memset(&args, 0, sizeof(args));
    memcpy(args.magic, PURGATORY_ARGS_MAGIC, 8);
    args.version = PURGATORY_ARGS_VERSION;
    env = kx_env(pm);
    err = kxl_build_purgatory((const void *)pm->va, pm->size, kxl_maddr(pbase),
                              kxl_maddr(start), size, &args, &env, kx_ents + n,
                              KX_MAX_ENTRIES - n, &pres);
    if (err) {
        error("kexec-loader: %s (where %u) building purgatory",
              kxl_strerror(err), pres.where);
        return;
    }
    pages = kxl_maddr_diff(pres.image_end, pres.base) / PAGE_SIZE;
    if (!set_foreign(n, kxl_maddr_val(res.params_maddr), pbase, pages))
        return;

    /* the regions: what check64's list places, as filled */
    if (!regions_of_list(n))
        return;
    args.mode = PURGATORY_MODE_LINUX64;
    args.serial_port = 0x3f8;
    args.exit_port = 0xf4;
    args.entry = kxl_maddr_val(res.entry_maddr);
    /* regs all zero: check64 wants every GPR zero at its entry */
    if (bench_mib)
        args.flags = PURGATORY_F_BENCH;
    switch (opt_ulong("purg-mb-bad", 0)) { /* MULTIBOOT32's own refusals */
    case 1:
        args.mode = PURGATORY_MODE_MULTIBOOT32;
        args.entry |= 1UL << 32; /* above 4 GiB */
        break;
    case 2:
        args.mode = PURGATORY_MODE_MULTIBOOT32;
        args.regs.rbx = 1UL << 32; /* the information, above 4 GiB */
        break;
    case 3:
        args.mode = PURGATORY_MODE_MULTIBOOT32;
        args.regs.rsi = 0x1000; /* not zero */
        break;
    }
    if (flip != ~0UL) {
        if (!check_true(flip < args.nr_regions,
                        "purg-flip=%lu names one of "
                        "the %u regions",
                        flip, args.nr_regions))
            return;
        args.regions[flip].sha256[7] ^= 0x10;
        info("flipped bit 4 of byte 7 of region %lu's expected digest: "
             "purgatory must refuse it",
             flip);
    }
    for (uint32_t i = 0; i < args.nr_regions; i++)
        info("region %u [%#lx, +%#lx) \"%s\"", i, args.regions[i].start,
             args.regions[i].size, args.regions[i].name);

    err = kxl_build_purgatory((const void *)pm->va, pm->size, kxl_maddr(pbase),
                              kxl_maddr(start), size, &args, &env, kx_ents + n,
                              KX_MAX_ENTRIES - n, &pres);
    if (!check_eq(err, KXL_OK, "build purgatory at %#lx: %s", pbase,
                  kxl_strerror(err)))
        return;
    check_eq(kxl_maddr_val(pres.entry_maddr), pbase,
             "purgatory's entry is its base");
    res.nr_entries = n + pres.nr_entries;
    res.entry_maddr = pres.entry_maddr;
    kxl_fill_load(&ld, &res, o.type, kx_ents);
    info("check64 at %#lx (entry %#lx), purgatory at %#lx (%lu pages, args "
         "at %#lx), %lu entries",
         base, args.entry, pbase, pages, kxl_maddr_val(pres.params_maddr),
         ld.nr_entries);

    rc = kx_load(&ld);
    if (!check_eq(rc, 0, "load check64 behind purgatory as the %s image",
                  crash ? "crash" : "default")) {
        info("... bad_entry %#lx", ld.bad_entry);
        return;
    }
    if (crash) {
        kx_crash_dom0();
        return;
    }
    info("executing the default image: purgatory runs first");
    rc = kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec returned %ld", rc);
}

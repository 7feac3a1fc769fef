/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the kexec guest tests (kexec-guest.h): kexec_op wrappers and
 * loading a boot module with tools/kexec-loader/.  No test is defined
 * here.
 */
#include "kexec-guest.h"

struct kexec_entry kx_ents[KX_MAX_ENTRIES];

/* ---- kexec_op ------------------------------------------------------------ */

static long type_op(unsigned int cmd, uint32_t type)
{
    struct kexec_exec ex = { .type = type, .pad = 0 };

    return hc_kexec_op(cmd, PTR(&ex));
}

long kx_status(uint32_t type)
{
    return type_op(KEXEC_CMD_kexec_status, type);
}

long kx_unload(uint32_t type)
{
    return type_op(KEXEC_CMD_kexec_unload, type);
}

long kx_exec(uint32_t type)
{
    return type_op(KEXEC_CMD_kexec, type);
}

long kx_get_range(uint32_t range, uint64_t *start, uint64_t *size)
{
    struct kexec_range r = { .range = range, .nr = 0 };
    long rc = hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r));

    if (!rc) {
        *start = r.start;
        *size = r.size;
    }
    return rc;
}

long kx_get_limits(struct kexec_limits *l)
{
    return hc_kexec_op(KEXEC_CMD_kexec_get_limits, PTR(l));
}

long kx_load(struct kexec_load *ld)
{
    return hc_kexec_op(KEXEC_CMD_kexec_load, PTR(ld));
}

bool kx_check_status(uint32_t type, long want, const char *when)
{
    return check_eq(kx_status(type), want, "status of the %s image %s: %s%s",
                    type == KEXEC_TYPE_CRASH ? "crash" : "default", when,
                    want & KEXEC_STATUS_LOADED ? "LOADED" : "not loaded",
                    want & KEXEC_STATUS_UNSAFE ? " | UNSAFE" : "");
}

/* The crash image options: module, base offset in the region, id. */
struct kx_opts kx_crash_opts(unsigned int module, uint64_t start, uint64_t size,
                             uint64_t offset, uint64_t id)
{
    return (struct kx_opts){
        .module = module,
        .type = KEXEC_TYPE_CRASH,
        .base = start + offset,
        .image_id = id,
        .map = true,
        .zero_maddr = start + ((size / 2) & ~(PAGE_SIZE - 1)),
        .zero_pages = 4,
        .region_start = start,
        .region_size = size,
    };
}

struct kx_opts kx_default_opts(uint64_t base, uint64_t id)
{
    return (struct kx_opts){
        .module = 0,
        .type = KEXEC_TYPE_DEFAULT,
        .base = base,
        .image_id = id,
        .map = true,
        .zero_pages = 1,
    };
}

bool kx_crash_region(uint64_t *start, uint64_t *size)
{
    long rc = kx_get_range(KEXEC_RANGE_MA_CRASH, start, size);

    if (!check_eq(rc, 0, "get_range KEXEC_RANGE_MA_CRASH"))
        return false;
    info("crash region %#lx, %#lx bytes", *start, *size);
    if (!*size) {
        error("no crash region (boot with crashkernel=)");
        return false;
    }
    return true;
}

const struct start_module *kx_module(unsigned int i)
{
    if (i >= si->nr_modules || i >= START_MAX_MODULES) {
        error("no boot module %u to load (the image ELF must follow dom0's)",
              i);
        return NULL;
    }
    return &si->modules[i];
}

/* ---- the loader's callbacks ------------------------------------------------ */

static unsigned int next_slot;

/* The frame of va inside module m, or KXL_NO_MFN. */
static kxl_mfn_t module_va_to_mfn(const struct start_module *m, uint64_t a)
{
    uint64_t pages = (m->size + PAGE_SIZE - 1) >> PAGE_SHIFT, mfn;

    if (a < m->va || ((a - m->va) >> PAGE_SHIFT) >= pages)
        return KXL_NO_MFN;
    /* the guest's gfn -> mfn: the loader only ever sees the mfn */
    mfn = gfn_to_mfn(m->first_gfn + ((a - m->va) >> PAGE_SHIFT));
    return mfn == P2M_INVALID ? KXL_NO_MFN : kxl_mfn(mfn);
}

/* ctx: one module; NULL: any module, then dom0's own image. */
static kxl_mfn_t kx_va_to_mfn(void *ctx, const void *va)
{
    uint64_t a = PTR(va), mfn;
    kxl_mfn_t f;

    if (ctx)
        return module_va_to_mfn(ctx, a);
    for (unsigned int i = 0; i < si->nr_modules && i < START_MAX_MODULES; i++) {
        f = module_va_to_mfn(&si->modules[i], a);
        if (!kxl_mfn_eq(f, KXL_NO_MFN))
            return f;
    }
    mfn = va_to_mfn(a);
    return mfn == NO_MFN ? KXL_NO_MFN : kxl_mfn(mfn);
}

static int kx_bounce(void *ctx, struct kxl_frame *out)
{
    uint64_t gfn, mfn;
    unsigned int slot;
    long rc;

    (void)ctx;
    if (next_slot >= KX_MAX_BOUNCE)
        return -1;
    gfn = take_free_gfn();
    if (gfn == NO_GFN)
        return -1;
    mfn = gfn_to_mfn(gfn);
    slot = KX_SLOT_FIRST + next_slot++;
    rc = scratch_map(slot, mfn, PTE_RW);
    if (rc) {
        error("mapping bounce frame %#lx in scratch slot %u: %ld", mfn, slot,
              rc);
        return -1;
    }
    out->mfn = kxl_mfn(mfn);
    out->va = (void *)scratch_slot_va(slot);
    return 0;
}

/* kexec-guest.h: the callbacks for another module's ELF, bounce frames
 * continuing after the last kx_build()'s. */
void kx_bounce_restart(void)
{
    next_slot = 0;
}

struct kxl_env kx_env(const struct start_module *m)
{
    struct kxl_env env = { kx_va_to_mfn, kx_bounce, (void *)m };

    return env;
}

/* A dom0 frame full of 0xa5, away from [lo, hi): its machine address. */
static uint64_t patterned_frame(uint64_t lo, uint64_t hi, bool below_4g)
{
    for (int tries = 0; tries < 64; tries++) {
        uint64_t gfn = take_free_gfn(), mfn, ma;

        if (gfn == NO_GFN)
            return 0;
        mfn = gfn_to_mfn(gfn);
        ma = mfn << PAGE_SHIFT;
        if ((ma >= lo && ma < hi) || (below_4g && ma >= (1UL << 32)))
            continue;
        if (scratch_map(KX_SLOT_ZERO, mfn, PTE_RW))
            return 0;
        memset((void *)scratch_slot_va(KX_SLOT_ZERO), 0xa5, PAGE_SIZE);
        scratch_unmap(KX_SLOT_ZERO);
        return ma;
    }
    return 0;
}

/* ---- building and loading -------------------------------------------------- */

int kx_build(const struct kx_opts *o, struct kexec_load *ld,
             struct kxl_result *res)
{
    const struct start_module *m = kx_module(o->module);
    struct kxl_env env = { kx_va_to_mfn, kx_bounce, NULL };
    /* struct kx_opts is the tests' plain integers: typed from here on */
    struct kxl_map_req map = { kxl_vaddr(KX_MAP_VA), kxl_maddr(o->base),
                               KX_MAP_PAGES };
    static kxl_vaddr_t unmapped[2];
    struct kxl_request req = {
        .base = kxl_maddr(o->base),
        .type = o->type,
        .region_start = kxl_maddr(o->region_start),
        .region_size = o->region_size,
        .zero_maddr = kxl_maddr(o->zero_maddr),
        .zero_pages = o->zero_pages,
        .params = true,
        .image_id = o->image_id,
        .unmapped = unmapped,
        .nr_unmapped = 2,
    };
    int rc;

    if (!m)
        return KXL_EARG;
    env.ctx = (void *)m;
    req.elf = (const void *)m->va;
    req.elf_size = m->size;
    /* dom0's own image and the boot module: never in the handoff tables */
    unmapped[0] = kxl_vaddr(PTR(kx_ents));
    unmapped[1] = kxl_vaddr(m->va);
    if (o->zero_pages && !o->zero_maddr) {
        /* the image is a few hundred KiB at most: keep 4 MiB away */
        uint64_t lo = o->base ? o->base : 0x2000000UL;

        req.zero_pages = 1;
        req.zero_maddr = kxl_maddr(
            patterned_frame(lo - 0x400000UL, lo + 0x400000UL, true));
        if (!kxl_maddr_val(req.zero_maddr)) {
            error("no dom0 frame for the zero range");
            return KXL_EARG;
        }
    }
    if (o->map) {
        if (!o->base) {
            error("a MAP needs the base (ET_DYN images only)");
            return KXL_EARG;
        }
        req.maps = &map;
        req.nr_maps = 1;
    }
    kx_bounce_restart();
    rc = kxl_build(&req, &env, kx_ents, KX_MAX_ENTRIES, res);
    if (rc) {
        error("kexec-loader: %s (where %u) loading module %u", kxl_strerror(rc),
              res->where, o->module);
        return rc;
    }
    kxl_fill_load(ld, res, o->type, kx_ents);
    info("built module %u (%lu bytes) as a %s image: %lu entries, base %#lx, "
         "entry %#lx, %lu pages copied (%lu from the module, %lu bounced), "
         "%lu zeroed, %lu maps, parameter block at %#lx",
         o->module, m->size, o->type == KEXEC_TYPE_CRASH ? "crash" : "default",
         res->nr_entries, kxl_maddr_val(res->base),
         kxl_maddr_val(res->entry_maddr), res->copy_pages, res->direct_pages,
         res->bounce_pages, res->zero_pages, res->nr_map_entries,
         kxl_maddr_val(res->params_maddr));
    return KXL_OK;
}

long kx_load_image(const struct kx_opts *o, const char *what)
{
    struct kexec_load ld;
    struct kxl_result res;
    long rc;

    if (kx_build(o, &ld, &res))
        return -1000;
    rc = kx_load(&ld);
    check_eq(rc, 0, "load %s", what);
    if (rc)
        info("... bad_entry %#lx", ld.bad_entry);
    return rc;
}

uint64_t kx_copy_source(uint64_t n, uint64_t dest)
{
    uint64_t at = 0;

    for (uint64_t i = 0; i < n; i++) {
        const struct kexec_entry *e = &kx_ents[i];

        if (e->op == KEXEC_OP_DEST) {
            at = e->arg0;
            continue;
        }
        if (e->op != KEXEC_OP_COPY && e->op != KEXEC_OP_ZERO)
            continue;
        if (dest >= at && dest < at + e->arg1 * PAGE_SIZE)
            return e->op == KEXEC_OP_COPY ? e->arg0 + (dest - at) / PAGE_SIZE
                                          : NO_MFN;
        at += e->arg1 * PAGE_SIZE;
    }
    return NO_MFN;
}

/* ---- crashing -------------------------------------------------------------- */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    /* clang-format on */
    return ((uint64_t)hi << 32) | lo;
}

/*
 * pause_ms=N: a gap between the load and the crash that a host-side
 * trigger on the printed line can hit (test_starved_vcpu.py starves a
 * vCPU there).  Busy-waits on the TSC at start_info's frequency.
 */
static void kx_pause_before_crash(void)
{
    uint64_t ms, start;

    if (!cmdline_u64("pause_ms", &ms))
        return;
    if (!si->tsc_khz) {
        error("pause_ms=%lu: start_info gives no TSC frequency",
              (unsigned long)ms);
        return;
    }
    info("pausing %lu ms before the crash (pause_ms)", (unsigned long)ms);
    start = rdtsc();
    while (rdtsc() - start < ms * si->tsc_khz)
        __asm__ volatile("pause");
}

void kx_crash_dom0(void)
{
    size_t len;
    const char *via = cmdline_find("via", &len);

    kx_pause_before_crash();

    if (via && len == 5 && !strncmp(via, "fault", 5)) {
        info("crashing dom0: ud2 (via=fault)");
        __asm__ volatile("ud2");
        fail("still running after ud2");
        return;
    }
    if (via && len == 4 && !strncmp(via, "exec", 4)) {
        long rc;

        info("crashing: KEXEC_CMD_kexec of the crash image (via=exec)");
        rc = kx_exec(KEXEC_TYPE_CRASH);
        fail("KEXEC_CMD_kexec of the crash image returned %ld", rc);
        return;
    }
    if (via && len > 7 && len < 7 + 16 && !strncmp(via, "inject:", 7)) {
        char kind[16] = { 0 };
        long rc;

        memcpy(kind, via + 7, len - 7);
        info("crashing the hypervisor: debug_op inject '%s' (via=inject:%s)",
             kind, kind);
        rc = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_inject, PTR(kind));
        fail("debug_op inject '%s' returned %ld", kind, rc);
        return;
    }
    if (via && !(len == 8 && !strncmp(via, "shutdown", 8))) {
        error("unknown via=%.*s (shutdown, fault, exec or inject:KIND)",
              (int)len, via);
        return;
    }
    info("crashing dom0: sched_op shutdown SHUTDOWN_crash");
    hc_shutdown(SHUTDOWN_crash);
    fail("still running after sched_op shutdown SHUTDOWN_crash");
}

/* ---- modules by role, purgatory's size ---------------------------------- */

const struct start_module *kx_module_named(const char *role)
{
    size_t n = strlen(role);

    for (unsigned int i = 0; i < si->nr_modules && i < START_MAX_MODULES; i++) {
        const char *c = si->modules[i].cmdline, *w = c;

        /* the first word after the path (QEMU passes "path args") */
        while (*w && *w != ' ')
            w++;
        while (*w == ' ')
            w++;
        if (!strncmp(w, role, n) && (w[n] == '\0' || w[n] == ' '))
            return &si->modules[i];
        if (!strncmp(c, role, n) && (c[n] == '\0' || c[n] == ' '))
            return &si->modules[i];
    }
    return NULL;
}

uint64_t kx_purgatory_span(const struct kxl_env *env)
{
    struct kxl_request req = { .elf = purgatory_elf,
                               .elf_size = PURGATORY_ELF_SIZE };
    struct kxl_result r;
    int rc = kxl_build(&req, env, NULL, 0, &r);

    return rc == KXL_OK || rc == KXL_E2BIG ? kxl_maddr_diff(r.image_end, r.base)
                                           : 0;
}

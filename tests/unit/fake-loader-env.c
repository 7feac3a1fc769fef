/* SPDX-License-Identifier: GPL-2.0-only */
/* The loaders' fake machine (fake-loader-env.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <hv/kimage.h>

#include "fake-loader-env.h"

static struct {
    uint8_t *p;
    size_t size;
    uint64_t mfn;
} bufs[FAKE_MAX_BUFS];
static unsigned int nr_bufs;
static uint8_t *bounce_pages[FAKE_MAX_BOUNCE];
unsigned int fake_nr_bounce, fake_bounce_limit = FAKE_MAX_BOUNCE;

static kxl_mfn_t fake_va_to_mfn(void *ctx, const void *va)
{
    const uint8_t *p = va;

    (void)ctx;
    for (unsigned int i = 0; i < nr_bufs; i++)
        if (p >= bufs[i].p && p < bufs[i].p + bufs[i].size + FAKE_PG)
            return kxl_mfn(bufs[i].mfn + (uint64_t)(p - bufs[i].p) / FAKE_PG);
    ck_abort_msg("va_to_mfn of %p: not a test buffer", va);
    return KXL_NO_MFN;
}

static int fake_bounce(void *ctx, struct kxl_frame *out)
{
    (void)ctx;
    if (fake_nr_bounce == fake_bounce_limit)
        return -1;
    bounce_pages[fake_nr_bounce] = aligned_alloc(FAKE_PG, FAKE_PG);
    memset(bounce_pages[fake_nr_bounce], 0xcc, FAKE_PG); /* not zero */
    out->va = bounce_pages[fake_nr_bounce];
    out->mfn = kxl_mfn(FAKE_BOUNCE_MFN + fake_nr_bounce++);
    return 0;
}

const struct kxl_env fake_env = { fake_va_to_mfn, fake_bounce, NULL };

void fake_reset(void)
{
    nr_bufs = fake_nr_bounce = 0;
    fake_bounce_limit = FAKE_MAX_BOUNCE;
}

void fake_free(void)
{
    for (unsigned int i = 0; i < nr_bufs; i++)
        free(bufs[i].p);
    for (unsigned int i = 0; i < fake_nr_bounce; i++)
        free(bounce_pages[i]);
    fake_reset();
}

uint8_t *fake_new_buf(size_t size)
{
    size_t alloc = (size + FAKE_PG - 1) / FAKE_PG * FAKE_PG + FAKE_PG;
    uint8_t *p = aligned_alloc(FAKE_PG, alloc);

    ck_assert_uint_lt(nr_bufs, FAKE_MAX_BUFS);
    memset(p, 0, alloc);
    bufs[nr_bufs].p = p;
    bufs[nr_bufs].size = size;
    bufs[nr_bufs].mfn = FAKE_BUF_MFN + 0x10000 * nr_bufs;
    nr_bufs++;
    return p;
}

uint8_t *fake_frame(kxl_mfn_t frame)
{
    uint64_t mfn = kxl_mfn_val(frame);

    if (mfn >= FAKE_BOUNCE_MFN && mfn < FAKE_BOUNCE_MFN + fake_nr_bounce)
        return bounce_pages[mfn - FAKE_BOUNCE_MFN];
    for (unsigned int i = 0; i < nr_bufs; i++)
        if (mfn >= bufs[i].mfn &&
            mfn < bufs[i].mfn + (bufs[i].size + FAKE_PG - 1) / FAKE_PG)
            return bufs[i].p + (mfn - bufs[i].mfn) * FAKE_PG;
    return NULL;
}

static bool v_owned(void *ctx, mfn_t frame)
{
    uint64_t mfn = mfn_x(frame);

    (void)ctx;
    return fake_frame(kxl_mfn(mfn)) != NULL;
}

static bool v_ram(void *ctx, maddr_t start_ma, uint64_t size)
{
    uint64_t start = maddr_x(start_ma);

    (void)ctx;
    return start + size <= (4ULL << 30);
}

void fake_expect_valid_crash(const struct kexec_entry *ents, uint64_t n,
                             uint8_t arch, kxl_maddr_t entry, kxl_maddr_t rs,
                             uint64_t rsize, kxl_maddr_t hv_start,
                             kxl_maddr_t hv_end)
{
    static struct kimage_run runs[512];
    static struct kexec_entry copy[512];
    struct kimage_dests dests = { .runs = runs };
    struct kexec_load ld = { .size = sizeof(ld),
                             .type = KEXEC_TYPE_CRASH,
                             .arch = arch,
                             .entry_maddr = kxl_maddr_val(entry),
                             .entries = (uintptr_t)copy,
                             .nr_entries = n };
    struct kimage_machine m = {
        .frame_owned = v_owned,
        .is_ram = v_ram,
        .phys_limit = 4ULL << 30,
        .hv_start = kxl_maddr_val(hv_start),
        .hv_end = kxl_maddr_val(hv_end),
        .crash_load_start = kxl_maddr_val(rs),
        .crash_load_size = rsize,
        .max_entries = 512,
        .max_pages = 1 << 20,
        .max_map_pages = 1 << 20,
        .dests = &dests,
    };
    struct kimage_summary sum;
    uint64_t bad = 0;
    const char *why = "";
    int rc;

    ck_assert_uint_le(n, sizeof(copy) / sizeof(copy[0]));
    memcpy(copy, ents, n * sizeof(*copy));
    rc = kimage_validate(&ld, copy, &m, &sum, &bad, &why);
    ck_assert_msg(rc == 0, "kimage_validate: %d at %lu: %s", rc,
                  (unsigned long)bad, why);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kimage_validate() (common/kimage.c) on lists decoded from the input,
 * held against a model of include/public/kexec.h's rules written here
 * from the header, independently of the validator: a list the model
 * accepts must be accepted, and one it refuses refused with an errno of
 * the documented set.  On an accepted list every destination is checked
 * again (RAM, limit, crash range, the hypervisor image, no overlap after
 * sorting), every MAP, the entry point, the destinations written into
 * arg2, the summary and kimage_is_dest().
 *
 * The input: a machine (limits, crash range), the header, then entries,
 * each one control byte and its arguments, mostly near the interesting
 * addresses (fz_addr) so that valid lists are common; raw 64-bit values
 * when the control byte says so.
 */
#include <hv/errno.h>
#include <hv/kimage.h>
#include <public/hv-area.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ENTS 64
#define PG       4096ULL
#define GiB_     (1ULL << 30)
#define MiB_     (1ULL << 20)
#define LOW_END  0x0000800000000000ULL
#define HIGH     0xffff800000000000ULL

/* RAM: two regions; the hypervisor inside the first. */
static const struct {
    uint64_t s, e;
} ram[] = {
    { MiB_, 3 * GiB_ },
    { 4 * GiB_, 6 * GiB_ },
};
#define HV_S (2 * MiB_)
#define HV_E (4 * MiB_)
/* Frames the caller owns: [OWN_S, OWN_E) but every 97th. */
#define OWN_S 0x100ULL
#define OWN_E 0x40000ULL

static bool in_ram(uint64_t s, uint64_t n)
{
    for (unsigned int i = 0; i < sizeof(ram) / sizeof(ram[0]); i++)
        if (s >= ram[i].s && s <= ram[i].e && n <= ram[i].e - s)
            return true;
    return false;
}

static bool v_ram(void *ctx, maddr_t s, uint64_t n)
{
    (void)ctx;
    return in_ram(maddr_x(s), n);
}

static bool owned(uint64_t mfn)
{
    return mfn >= OWN_S && mfn < OWN_E && mfn % 97;
}

static bool v_owned(void *ctx, mfn_t mfn)
{
    (void)ctx;
    return owned(mfn_x(mfn));
}

/* An address near one of the places the rules care about. */
static uint64_t fz_addr(struct fz *f, uint64_t crash_s)
{
    static const uint64_t bases[8] = {
        0,
        MiB_,
        HV_S - 16 * PG,
        0,
        3 * GiB_ - 64 * PG,
        4 * GiB_ - 16 * PG,
        6 * GiB_ - 64 * PG,
        0xfffffffffff00000ULL,
    };
    uint64_t v = fz_take(f, 2);
    uint64_t base = (v >> 13) == 3 ? crash_s : bases[v >> 13];

    return base + (v & 0x1fff) * PG;
}

static uint64_t fz_va(struct fz *f, const struct kexec_entry *ents, uint64_t n)
{
    static const uint64_t bases[8] = {
        0,
        0x400000,
        LOW_END - 16 * PG,
        HIGH,
        HYPERVISOR_VIRT_END - 8 * PG,
        0xffffffff80000000ULL,
        0xfffffffffffff000ULL - 16 * PG,
        0,
    };
    uint64_t v = fz_take(f, 2);
    unsigned int w = v >> 13;

    if (w == 7 && n) /* the 1:1 address of an earlier DEST */
        for (uint64_t i = n; i-- > 0;)
            if (ents[i].op == KEXEC_OP_DEST)
                return ents[i].arg0 + (v & 0xf) * PG;
    return bases[w] + (v & 0xfff) * PG;
}

struct machine {
    uint64_t phys_limit, crash_s, crash_n, max_entries, max_pages, max_map;
};

/* ---- the model ------------------------------------------------------------ */

struct span {
    uint64_t s, e;
}; /* [s, e) bytes */

static int by_start(const void *a, const void *b)
{
    const struct span *x = a, *y = b;

    return x->s < y->s ? -1 : x->s > y->s;
}

static bool canon(uint64_t va)
{
    return va < LOW_END || va >= HIGH;
}

/*
 * Does the list follow every rule kimage_validate() is documented to
 * check?  dest[i] gets each COPY/ZERO entry's destination; spans the
 * destinations, sorted.
 */
static bool model_ok(const struct kexec_load *h, const struct kexec_entry *e,
                     const struct machine *mc, uint64_t *dest,
                     struct span *spans, uint64_t *nspans,
                     struct kimage_summary *sum)
{
    uint64_t cur = 0, n = h->nr_entries;
    bool have = false;

    memset(sum, 0, sizeof(*sum));
    *nspans = 0;
    if (n > mc->max_entries || h->size < sizeof(*h) || h->type > 1 ||
        (h->arch != KEXEC_ARCH_64 && h->arch != KEXEC_ARCH_32) || h->flags ||
        !n)
        return false;
    for (uint64_t i = 0; i < n; i++) {
        const struct kexec_entry *x = &e[i];

        if (x->flags || x->pad)
            return false;
        switch (x->op) {
        case KEXEC_OP_DEST:
            if (x->arg1 || x->arg2 || !x->arg0 || x->arg0 % PG)
                return false;
            cur = x->arg0;
            have = true;
            break;
        case KEXEC_OP_COPY:
        case KEXEC_OP_ZERO: {
            uint64_t pages = x->arg1, end;

            if (x->arg2 || !pages || !have)
                return false;
            if (x->op == KEXEC_OP_ZERO && x->arg0)
                return false;
            if (x->op == KEXEC_OP_COPY) {
                if (!x->arg0 || pages > mc->max_pages)
                    return false;
                for (uint64_t f = 0; f < pages; f++)
                    if (!owned(x->arg0 + f))
                        return false;
            }
            if (pages > mc->max_pages || pages > (UINT64_MAX - cur) / PG)
                return false;
            end = cur + pages * PG;
            if (end > mc->phys_limit || !in_ram(cur, end - cur))
                return false;
            if (h->type == KEXEC_TYPE_CRASH &&
                ((cur < HV_E && end > HV_S) || !mc->crash_n ||
                 cur < mc->crash_s || end > mc->crash_s + mc->crash_n))
                return false;
            sum->dest_pages += pages;
            if (sum->dest_pages > mc->max_pages)
                return false;
            if (x->op == KEXEC_OP_COPY)
                sum->copy_pages += pages;
            else
                sum->zero_pages += pages;
            dest[i] = cur;
            spans[(*nspans)++] = (struct span){ cur, end };
            cur = end;
            break;
        }
        case KEXEC_OP_MAP: {
            uint64_t va = x->arg0, pages = x->arg2;
            const struct kexec_entry *t;

            if (va % PG || !pages || x->arg1 >= i)
                return false;
            t = &e[x->arg1];
            if ((t->op != KEXEC_OP_COPY && t->op != KEXEC_OP_ZERO) ||
                pages > t->arg1)
                return false;
            /* no wrap: the end may not pass 2^64 (nor reach it, as the
               validator reads "wraps": the end is not representable) */
            if ((unsigned __int128)va + (unsigned __int128)pages * PG >=
                (unsigned __int128)1 << 64)
                return false;
            /* every page canonical, none in the hypervisor's area */
            for (uint64_t p = 0; p < pages; p++) {
                uint64_t a = va + p * PG;

                if (!canon(a) ||
                    (a >= HYPERVISOR_VIRT_START && a < HYPERVISOR_VIRT_END))
                    return false;
            }
            sum->maps++;
            sum->map_pages += pages;
            if (sum->map_pages > mc->max_map)
                return false;
            break;
        }
        default:
            return false;
        }
    }
    qsort(spans, *nspans, sizeof(*spans), by_start);
    for (uint64_t i = 1; i < *nspans; i++)
        if (spans[i].s < spans[i - 1].e)
            return false;
    /* no MAP over the 1:1 address of a destination */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t va = e[i].arg0, vend;

        if (e[i].op != KEXEC_OP_MAP)
            continue;
        vend = va + e[i].arg2 * PG;
        for (uint64_t s = 0; s < *nspans; s++)
            if (va < spans[s].e && vend > spans[s].s && va < LOW_END)
                return false;
    }
    for (uint64_t s = 0; s < *nspans; s++)
        if (h->entry_maddr >= (spans[s].s & ~(PG - 1)) &&
            h->entry_maddr < spans[s].e)
            return h->arch == KEXEC_ARCH_64 || h->entry_maddr < (1ULL << 32);
    return false;
}

static bool model_is_dest(const struct span *sp, uint64_t n, uint64_t mfn)
{
    for (uint64_t i = 0; i < n; i++)
        if (mfn >= sp[i].s / PG && mfn < sp[i].e / PG)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int documented[] = {
        -EINVAL,  -E2BIG,  -ENXIO,      -EADDRNOTAVAIL, -EOVERFLOW, -ERANGE,
        -EBADMSG, -EACCES, -EADDRINUSE, -ENOSPC,        -ENOEXEC,
    };
    static const uint64_t crash_s[4] = { 0, 256 * MiB_, 3 * GiB_ - 16 * MiB_,
                                         MiB_ };
    static struct kexec_entry ents[MAX_ENTS], orig[MAX_ENTS];
    static struct kimage_run runs[MAX_ENTS];
    static struct span spans[MAX_ENTS];
    static uint64_t dest[MAX_ENTS];
    struct fz f = { data, size, 0 };
    struct kimage_dests dests = { .runs = runs };
    struct machine mc;
    struct kexec_load h;
    struct kimage_machine m;
    struct kimage_summary sum, msum;
    uint64_t bad = 0, n = 0, nspans;
    const char *why = NULL;
    unsigned int b = fz_take(&f, 1);
    bool ok, found = false;
    int rc;

    mc.phys_limit = (b & 1) ? 5 * GiB_ : 1ULL << 36;
    mc.crash_s = crash_s[(b >> 1) & 3];
    mc.crash_n = mc.crash_s ? 64 * MiB_ - PG : 0;
    mc.max_entries = (b & 0x80) ? 1 + fz_take(&f, 1) % MAX_ENTS : MAX_ENTS;
    mc.max_pages = (b & 0x40) ? 1 + fz_take(&f, 2) : 1 << 16;
    mc.max_map = (b & 0x20) ? fz_take(&f, 1) : 1 << 16;

    memset(&h, 0, sizeof(h));
    b = fz_take(&f, 1);
    h.size = (b & 0x80) ? fz_take(&f, 1) : sizeof(h);
    h.type = (b & 0x40) ? fz_take(&f, 1) : b & 1;
    h.arch = (b & 0x20) ? fz_take(&f, 1) : 1 + ((b >> 1) & 1);
    h.flags = (b & 0x10) ? fz_take(&f, 2) : 0;
    h.entry_maddr = (b & 0x08) ? fz_take(&f, 8) : 0; /* else: below */

    memset(ents, 0, sizeof(ents));
    while (fz_left(&f) && n < MAX_ENTS) {
        struct kexec_entry *e = &ents[n];
        unsigned int c = fz_take(&f, 1);

        if (c & 0x80) { /* raw */
            e->op = fz_take(&f, 1) % 6;
            e->flags = (c & 0x40) ? fz_take(&f, 2) : 0;
            e->pad = (c & 0x20) ? fz_take(&f, 4) : 0;
            e->arg0 = fz_take(&f, 8);
            e->arg1 = fz_take(&f, 8);
            e->arg2 = fz_take(&f, 8);
        } else {
            e->op = 1 + (c & 3);
            switch (e->op) {
            case KEXEC_OP_DEST:
                e->arg0 = fz_addr(&f, mc.crash_s);
                break;
            case KEXEC_OP_COPY:
                e->arg0 = OWN_S + fz_take(&f, 2) * ((c & 0x40) ? 4 : 1);
                e->arg1 = 1 + (c >> 2) % 16;
                break;
            case KEXEC_OP_ZERO:
                e->arg1 = 1 + ((c & 0x40) ? fz_take(&f, 2) : (c >> 2) % 16);
                break;
            case KEXEC_OP_MAP:
                e->arg0 = fz_va(&f, ents, n);
                e->arg1 = n ? fz_take(&f, 1) % n : 0;
                e->arg2 = 1 + (c >> 2) % 8;
                break;
            }
        }
        n++;
    }
    h.nr_entries = n;
    h.entries = (uintptr_t)ents;
    /* Entry point: somewhere in the first COPY/ZERO's destination. */
    if (!h.entry_maddr) {
        uint64_t cur = 0;

        for (uint64_t i = 0; i < n && !h.entry_maddr; i++) {
            if (ents[i].op == KEXEC_OP_DEST)
                cur = ents[i].arg0;
            else if (ents[i].op == KEXEC_OP_COPY || ents[i].op == KEXEC_OP_ZERO)
                h.entry_maddr = cur + 0x10;
        }
    }
    memcpy(orig, ents, sizeof(ents));

    m = (struct kimage_machine){
        .frame_owned = v_owned,
        .is_ram = v_ram,
        .phys_limit = mc.phys_limit,
        .hv_start = HV_S,
        .hv_end = HV_E,
        .crash_load_start = mc.crash_s,
        .crash_load_size = mc.crash_n,
        .max_entries = mc.max_entries,
        .max_pages = mc.max_pages,
        .max_map_pages = mc.max_map,
        .dests = &dests,
    };
    rc = kimage_validate(&h, ents, &m, &sum, &bad, &why);
    ok = model_ok(&h, orig, &mc, dest, spans, &nspans, &msum);

    if (fz_verbose())
        fprintf(stderr,
                "fuzz-kimage: %lu entries, type %u: %d (entry %ld: "
                "%s), model %s\n",
                (unsigned long)n, h.type, rc, (long)bad, rc ? why : "accepted",
                ok ? "accepts" : "refuses");
    FZ_CHECK(!rc == ok, "validator %d (entry %ld: %s), model %s", rc, (long)bad,
             rc ? why : "", ok ? "accepts" : "refuses");
    if (rc) {
        for (unsigned int i = 0; i < sizeof(documented) / sizeof(int); i++)
            found |= rc == documented[i];
        FZ_CHECK(found, "errno %d not in kexec.h's list", rc);
        FZ_CHECK(bad == KEXEC_BAD_HEADER || bad < n, "bad_entry %lu of %lu",
                 (unsigned long)bad, (unsigned long)n);
        FZ_CHECK(why && *why, "refusal with no reason");
        return 0;
    }
    /* Accepted: what it wrote and reports is what the list says. */
    for (uint64_t i = 0; i < n; i++) {
        if (orig[i].op == KEXEC_OP_COPY || orig[i].op == KEXEC_OP_ZERO)
            FZ_CHECK(ents[i].arg2 == dest[i], "entry %lu: arg2 %#lx, not %#lx",
                     (unsigned long)i, (unsigned long)ents[i].arg2,
                     (unsigned long)dest[i]);
        else
            FZ_CHECK(!memcmp(&ents[i], &orig[i], sizeof(ents[i])),
                     "entry %lu changed", (unsigned long)i);
    }
    FZ_CHECK(!memcmp(&sum, &msum, sizeof(sum)),
             "summary %lu/%lu/%lu/%lu/%lu, model %lu/%lu/%lu/%lu/%lu",
             (unsigned long)sum.dest_pages, (unsigned long)sum.copy_pages,
             (unsigned long)sum.zero_pages, (unsigned long)sum.maps,
             (unsigned long)sum.map_pages, (unsigned long)msum.dest_pages,
             (unsigned long)msum.copy_pages, (unsigned long)msum.zero_pages,
             (unsigned long)msum.maps, (unsigned long)msum.map_pages);
    for (uint64_t s = 0; s < nspans; s++) {
        uint64_t probe[4] = { spans[s].s / PG, spans[s].e / PG - 1,
                              spans[s].e / PG, spans[s].s / PG - 1 };

        for (unsigned int p = 0; p < 4; p++)
            FZ_CHECK(kimage_is_dest(&m, _mfn(probe[p])) ==
                         model_is_dest(spans, nspans, probe[p]),
                     "kimage_is_dest(%#lx) wrong", (unsigned long)probe[p]);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* kexec entry-list validation (see include/hv/kimage.h).  Portable. */
#include <hv/errno.h>
#include <hv/kimage.h>
#include <public/hv-area.h>

/* The hole between the two canonical halves: [LOW_END, HIGH). */
#define CANONICAL_LOW_END 0x0000800000000000ULL
#define CANONICAL_HIGH    0xffff800000000000ULL

static bool canonical(uint64_t va)
{
    return va < CANONICAL_LOW_END || va >= CANONICAL_HIGH;
}

struct vstate {
    const struct kimage_machine *m;
    struct kimage_summary *sum;
    uint64_t *bad;
    const char **why;
};

static int refuse(struct vstate *v, uint64_t index, int err, const char *why)
{
    *v->bad = index;
    *v->why = why;
    return err;
}

/* ---- destinations as runs of frames ------------------------------------ */

/*
 * Record entry i's destination frames [s, e).  A run that begins where
 * the previous one ends extends it: the usual list (DEST, then COPY and
 * ZERO pages one after the other) is one run per DEST.  Overlaps are not
 * looked for here but in settle_dests(), once the list is read: a run
 * that begins at or above every end so far overlaps nothing earlier, so
 * a list that only goes up needs no more.
 */
static void record_dest(struct kimage_dests *d, uint64_t i, uint64_t s,
                        uint64_t e)
{
    if (d->nr_runs && s == d->runs[d->nr_runs - 1].end) {
        d->runs[d->nr_runs - 1].end = e;
    } else {
        if (s < d->max_end)
            d->ascending = false;
        d->runs[d->nr_runs++] = (struct kimage_run){ s, e, i };
    }
    d->max_end = MAX(d->max_end, e);
}

static bool run_before(const struct kimage_run *a, const struct kimage_run *b)
{
    return a->start < b->start;
}

/* Move r[i] down the max-heap r[0, n) to where it belongs. */
static void sift_down(struct kimage_run *r, uint64_t i, uint64_t n)
{
    struct kimage_run moving = r[i];

    for (;;) {
        uint64_t child = 2 * i + 1;

        if (child >= n)
            break;
        if (child + 1 < n && run_before(&r[child], &r[child + 1]))
            child++;
        if (!run_before(&moving, &r[child]))
            break;
        r[i] = r[child];
        i = child;
    }
    r[i] = moving;
}

/* Heapsort by start: in place, no recursion, O(n log n) at worst. */
static void sort_runs(struct kimage_run *r, uint64_t n)
{
    for (uint64_t i = n / 2; i-- > 0;)
        sift_down(r, i, n);
    for (uint64_t end = n; end > 1; end--) {
        struct kimage_run top = r[0];

        r[0] = r[end - 1];
        r[end - 1] = top;
        sift_down(r, 0, end - 1);
    }
}

/* Does any run overlap another (runs sorted by start)?  One pass: a run
   overlaps an earlier-starting one exactly when it begins below the
   highest end before it.  Only the runs of entries up to 'last'. */
static bool overlap_up_to(const struct kimage_dests *d, uint64_t last)
{
    uint64_t max_end = 0;

    for (uint64_t r = 0; r < d->nr_runs; r++) {
        const struct kimage_run *run = &d->runs[r];

        if (run->entry > last)
            continue;
        if (run->start < max_end)
            return true;
        max_end = MAX(max_end, run->end);
    }
    return false;
}

/*
 * Leave the runs sorted, and return the first entry (in list order)
 * whose destination overlaps an earlier entry's, or UINT64_MAX: what
 * stopping at the first overlap while reading the list would find.  The
 * entries of one run never overlap each other, so the runs tell whether
 * there is an overlap.  To name the entry, the runs are made again, one
 * per entry of the first 'validated' (arg2 holds their destinations),
 * sorted, and the smallest entry index whose prefix of the list has an
 * overlap is found by bisection, each step one pass: O(n log n) in all.
 */
static uint64_t settle_dests(struct kimage_dests *d,
                             const struct kexec_entry *ents, uint64_t validated)
{
    uint64_t lo = 0, hi = 0;

    if (d->ascending)
        return UINT64_MAX;
    sort_runs(d->runs, d->nr_runs);
    if (!overlap_up_to(d, UINT64_MAX))
        return UINT64_MAX;

    d->nr_runs = 0;
    for (uint64_t i = 0; i < validated; i++)
        if (ents[i].op == KEXEC_OP_COPY || ents[i].op == KEXEC_OP_ZERO) {
            uint64_t s = ents[i].arg2 >> PAGE_SHIFT;

            d->runs[d->nr_runs++] = (struct kimage_run){ s, s + ents[i].arg1,
                                                         i };
            hi = i;
        }
    sort_runs(d->runs, d->nr_runs);
    while (lo < hi) { /* overlap_up_to(hi) holds */
        uint64_t mid = lo + (hi - lo) / 2;

        if (overlap_up_to(d, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

bool kimage_is_dest(const struct kimage_machine *m, mfn_t frame)
{
    const struct kimage_dests *d = m->dests;
    uint64_t mfn = mfn_x(frame);
    uint64_t lo = 0, hi = d->nr_runs;

    /* the last run starting at or below mfn */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (d->runs[mid].start <= mfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo && mfn < d->runs[lo - 1].end;
}

/* The destination range of a COPY or ZERO entry: every rule on it. */
static int check_dest(struct vstate *v, uint64_t i, uint64_t dest,
                      uint64_t pages, uint8_t type)
{
    const struct kimage_machine *m = v->m;
    uint64_t end;

    if (pages > m->max_pages)
        return refuse(v, i, -E2BIG, "more pages than the limit");
    if (dest + pages * PAGE_SIZE < dest)
        return refuse(v, i, -EOVERFLOW, "destination + length wraps around");
    end = dest + pages * PAGE_SIZE;
    if (end > m->phys_limit)
        return refuse(v, i, -ERANGE, "destination above the physical limit");
    if (!m->is_ram(m->ctx, _maddr(dest), end - dest))
        return refuse(v, i, -EADDRNOTAVAIL, "destination is not RAM");
    /* A DEFAULT image is written at exec, when the hypervisor is done
       with its own image: it may replace it (a new build, linked where
       this one is).  A crash image must leave it for the dump. */
    if (type == KEXEC_TYPE_CRASH && dest < m->hv_end && end > m->hv_start)
        return refuse(v, i, -EADDRINUSE, "destination overlaps the hypervisor");
    if (type == KEXEC_TYPE_CRASH &&
        (!m->crash_load_size || dest < m->crash_load_start ||
         end > m->crash_load_start + m->crash_load_size))
        return refuse(v, i, -ENOSPC,
                      m->crash_load_size
                          ? "crash image outside the crash load range"
                          : "no crash region reserved");
    if (v->sum->dest_pages + pages > m->max_pages)
        return refuse(v, i, -E2BIG, "image larger than the page limit");
    record_dest(v->m->dests, i, dest >> PAGE_SHIFT, end >> PAGE_SHIFT);
    v->sum->dest_pages += pages;
    return 0;
}

int kimage_validate_header(const struct kexec_load *hdr,
                           const struct kimage_machine *m, uint64_t *bad,
                           const char **why)
{
    struct vstate v = { m, NULL, bad, why };

    /* In kexec.h's order: the count before the fields. */
    if (hdr->nr_entries > m->max_entries)
        return refuse(&v, KEXEC_BAD_HEADER, -E2BIG,
                      "more entries than the limit");
    if (hdr->size < sizeof(*hdr))
        return refuse(&v, KEXEC_BAD_HEADER, -EINVAL, "struct size too small");
    if (hdr->type != KEXEC_TYPE_DEFAULT && hdr->type != KEXEC_TYPE_CRASH)
        return refuse(&v, KEXEC_BAD_HEADER, -EINVAL, "unknown image type");
    if (hdr->arch != KEXEC_ARCH_64 && hdr->arch != KEXEC_ARCH_32)
        return refuse(&v, KEXEC_BAD_HEADER, -EINVAL, "unknown arch");
    if (hdr->flags)
        return refuse(&v, KEXEC_BAD_HEADER, -EINVAL, "unknown flags");
    if (!hdr->nr_entries)
        return refuse(&v, KEXEC_BAD_HEADER, -ENXIO, "no entries");
    return 0;
}

/*
 * A MAP may not cover the 1:1 address of a destination page (the handoff
 * tables map every destination there).  Checked once every destination
 * is known; the work is the MAP's pages, bounded by max_map_pages.
 */
static int check_maps_off_destinations(struct vstate *v,
                                       const struct kexec_entry *ents,
                                       uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        const struct kexec_entry *e = &ents[i];

        if (e->op != KEXEC_OP_MAP || e->arg0 >= CANONICAL_LOW_END)
            continue;
        for (uint64_t p = 0; p < e->arg2; p++)
            if (kimage_is_dest(v->m, _mfn((e->arg0 >> PAGE_SHIFT) + p)))
                return refuse(v, i, -EADDRINUSE,
                              "MAP over the 1:1 address of a destination");
    }
    return 0;
}

/*
 * Every entry's own rules, in index order (kexec.h's step 4), but for the
 * overlap of destinations: the caller finds that in settle_dests().
 */
static int validate_entries(struct vstate *vs, const struct kexec_load *hdr,
                            struct kexec_entry *ents)
{
    struct vstate v = *vs;
    const struct kimage_machine *m = v.m;
    struct kimage_summary *sum = v.sum;
    uint64_t dest = 0, n = hdr->nr_entries;
    bool have_dest = false;
    int rc;

    for (uint64_t i = 0; i < n; i++) {
        struct kexec_entry *e = &ents[i];

        if (e->flags || e->pad)
            return refuse(&v, i, -EINVAL, "reserved field not zero");
        switch (e->op) {
        case KEXEC_OP_DEST:
            if (e->arg1 || e->arg2)
                return refuse(&v, i, -EINVAL, "unused argument not zero");
            if (e->arg0 & (PAGE_SIZE - 1))
                return refuse(&v, i, -EADDRNOTAVAIL,
                              "destination not page aligned");
            if (!e->arg0)
                return refuse(&v, i, -ENXIO, "destination is frame 0");
            dest = e->arg0;
            have_dest = true;
            break;
        case KEXEC_OP_COPY:
            if (e->arg2)
                return refuse(&v, i, -EINVAL, "unused argument not zero");
            if (!e->arg0 || !e->arg1)
                return refuse(&v, i, -ENXIO, "source frame 0 or count 0");
            if (!have_dest)
                return refuse(&v, i, -EBADMSG, "COPY before any DEST");
            if (e->arg0 + e->arg1 < e->arg0 ||
                e->arg0 + e->arg1 > (UINT64_MAX >> PAGE_SHIFT))
                return refuse(&v, i, -EOVERFLOW, "source frames wrap around");
            if (e->arg1 > m->max_pages)
                return refuse(&v, i, -E2BIG, "more pages than the limit");
            for (uint64_t f = e->arg0; f < e->arg0 + e->arg1; f++)
                if (!m->frame_owned(m->ctx, _mfn(f)))
                    return refuse(&v, i, -EACCES,
                                  "source frame not owned by the caller");
            rc = check_dest(&v, i, dest, e->arg1, hdr->type);
            if (rc)
                return rc;
            e->arg2 = dest;
            dest += e->arg1 * PAGE_SIZE;
            sum->copy_pages += e->arg1;
            break;
        case KEXEC_OP_ZERO:
            if (e->arg0 || e->arg2)
                return refuse(&v, i, -EINVAL, "unused argument not zero");
            if (!e->arg1)
                return refuse(&v, i, -ENXIO, "count 0");
            if (!have_dest)
                return refuse(&v, i, -EBADMSG, "ZERO before any DEST");
            rc = check_dest(&v, i, dest, e->arg1, hdr->type);
            if (rc)
                return rc;
            e->arg2 = dest;
            dest += e->arg1 * PAGE_SIZE;
            sum->zero_pages += e->arg1;
            break;
        case KEXEC_OP_MAP: {
            const struct kexec_entry *t;
            uint64_t va = e->arg0, last;

            if (va & (PAGE_SIZE - 1))
                return refuse(&v, i, -EADDRNOTAVAIL,
                              "MAP address not page aligned");
            if (!e->arg2)
                return refuse(&v, i, -ENXIO, "MAP of 0 pages");
            if (e->arg1 >= i)
                return refuse(&v, i, -EBADMSG,
                              "MAP names itself or a later entry");
            t = &ents[e->arg1];
            if (t->op != KEXEC_OP_COPY && t->op != KEXEC_OP_ZERO)
                return refuse(&v, i, -EBADMSG,
                              "MAP names an entry that is not COPY or ZERO");
            if (e->arg2 > t->arg1)
                return refuse(&v, i, -EBADMSG,
                              "MAP longer than the entry it names");
            if (!canonical(va))
                return refuse(&v, i, -EADDRNOTAVAIL,
                              "MAP address not canonical");
            if (va + e->arg2 * PAGE_SIZE < va)
                return refuse(&v, i, -EOVERFLOW,
                              "MAP address + length wraps around");
            last = va + e->arg2 * PAGE_SIZE - 1;
            /* every page canonical: a range cannot jump the hole */
            if (!canonical(last))
                return refuse(&v, i, -EADDRNOTAVAIL,
                              "MAP runs into the non-canonical hole");
            if (va < HYPERVISOR_VIRT_END && last >= HYPERVISOR_VIRT_START)
                return refuse(&v, i, -EADDRNOTAVAIL,
                              "MAP address in the hypervisor's area");
            if (sum->map_pages + e->arg2 > m->max_map_pages)
                return refuse(&v, i, -E2BIG, "MAP pages above the limit");
            sum->maps++;
            sum->map_pages += e->arg2;
            break;
        }
        default:
            return refuse(&v, i, -EINVAL, "unknown operation");
        }
    }
    return 0;
}

int kimage_validate(const struct kexec_load *hdr, struct kexec_entry *ents,
                    const struct kimage_machine *m, struct kimage_summary *sum,
                    uint64_t *bad, const char **why)
{
    struct vstate v = { m, sum, bad, why };
    uint64_t overlap;
    int rc;

    *sum = (struct kimage_summary){ 0 };
    m->dests->nr_runs = 0;
    m->dests->max_end = 0;
    m->dests->ascending = true;
    rc = kimage_validate_header(hdr, m, bad, why);
    if (rc)
        return rc;

    rc = validate_entries(&v, hdr, ents);
    /* An overlap wins over a refusal of a later entry: the runs hold only
       entries before the one refused, so any overlap found is earlier. */
    overlap = settle_dests(m->dests, ents, rc ? *bad : hdr->nr_entries);
    if (overlap != UINT64_MAX)
        return refuse(&v, overlap, -EADDRINUSE, "destinations overlap");
    if (rc)
        return rc;
    rc = check_maps_off_destinations(&v, ents, hdr->nr_entries);
    if (rc)
        return rc;
    /* The entry point must lie in a page the image fills. */
    if (!kimage_is_dest(m, maddr_to_mfn(_maddr(hdr->entry_maddr))))
        return refuse(&v, KEXEC_BAD_HEADER, -ENOEXEC,
                      "entry point outside the image");
    if (hdr->arch == KEXEC_ARCH_32 && hdr->entry_maddr >= (1ULL << 32))
        return refuse(&v, KEXEC_BAD_HEADER, -ERANGE,
                      "32-bit entry point above 4 GiB");
    return 0;
}

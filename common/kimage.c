/* SPDX-License-Identifier: GPL-2.0-only */
/* kexec entry-list validation (see include/hv/kimage.h).  Portable. */
#include <hv/errno.h>
#include <hv/kimage.h>
#include <public/hv-area.h>

/* The hole between the two canonical halves: [LOW_END, HIGH). */
#define CANONICAL_LOW_END  0x0000800000000000ULL
#define CANONICAL_HIGH     0xffff800000000000ULL

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
    if (!m->is_ram(m->ctx, dest, end - dest))
        return refuse(v, i, -EADDRNOTAVAIL, "destination is not RAM");
    if (dest < m->hv_end && end > m->hv_start)
        return refuse(v, i, -EADDRINUSE, "destination overlaps the hypervisor");
    if (type == KEXEC_TYPE_CRASH &&
        (!m->crash_load_size || dest < m->crash_load_start ||
         end > m->crash_load_start + m->crash_load_size))
        return refuse(v, i, -ENOSPC, m->crash_load_size
                      ? "crash image outside the crash load range"
                      : "no crash region reserved");
    if (v->sum->dest_pages + pages > m->max_pages)
        return refuse(v, i, -E2BIG, "image larger than the page limit");
    for (uint64_t f = dest >> PAGE_SHIFT; f < end >> PAGE_SHIFT; f++) {
        uint64_t *word = &m->dest_bitmap[f / 64];

        if (f >= m->bitmap_frames)
            return refuse(v, i, -ERANGE, "destination above the physical limit");
        if ((*word >> (f % 64)) & 1)
            return refuse(v, i, -EADDRINUSE, "destinations overlap");
        *word |= 1ULL << (f % 64);
    }
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
        return refuse(&v, KEXEC_BAD_HEADER, -E2BIG, "more entries than the limit");
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
            if (kimage_is_dest(v->m, (e->arg0 >> PAGE_SHIFT) + p))
                return refuse(v, i, -EADDRINUSE,
                              "MAP over the 1:1 address of a destination");
    }
    return 0;
}

int kimage_validate(const struct kexec_load *hdr, struct kexec_entry *ents,
                    const struct kimage_machine *m, struct kimage_summary *sum,
                    uint64_t *bad, const char **why)
{
    struct vstate v = { m, sum, bad, why };
    uint64_t dest = 0, n = hdr->nr_entries;
    bool have_dest = false;
    int rc;

    *sum = (struct kimage_summary){ 0 };
    rc = kimage_validate_header(hdr, m, bad, why);
    if (rc)
        return rc;

    for (uint64_t i = 0; i < n; i++) {
        struct kexec_entry *e = &ents[i];

        if (e->flags || e->pad)
            return refuse(&v, i, -EINVAL, "reserved field not zero");
        switch (e->op) {
        case KEXEC_OP_DEST:
            if (e->arg1 || e->arg2)
                return refuse(&v, i, -EINVAL, "unused argument not zero");
            if (e->arg0 & (PAGE_SIZE - 1))
                return refuse(&v, i, -EADDRNOTAVAIL, "destination not page aligned");
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
                if (!m->frame_owned(m->ctx, f))
                    return refuse(&v, i, -EACCES, "source frame not owned by the caller");
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
                return refuse(&v, i, -EADDRNOTAVAIL, "MAP address not page aligned");
            if (!e->arg2)
                return refuse(&v, i, -ENXIO, "MAP of 0 pages");
            if (e->arg1 >= i)
                return refuse(&v, i, -EBADMSG, "MAP names itself or a later entry");
            t = &ents[e->arg1];
            if (t->op != KEXEC_OP_COPY && t->op != KEXEC_OP_ZERO)
                return refuse(&v, i, -EBADMSG, "MAP names an entry that is not COPY or ZERO");
            if (e->arg2 > t->arg1)
                return refuse(&v, i, -EBADMSG, "MAP longer than the entry it names");
            if (!canonical(va))
                return refuse(&v, i, -EADDRNOTAVAIL, "MAP address not canonical");
            if (va + e->arg2 * PAGE_SIZE < va)
                return refuse(&v, i, -EOVERFLOW, "MAP address + length wraps around");
            last = va + e->arg2 * PAGE_SIZE - 1;
            /* every page canonical: a range cannot jump the hole */
            if (!canonical(last))
                return refuse(&v, i, -EADDRNOTAVAIL,
                              "MAP runs into the non-canonical hole");
            if (va < HYPERVISOR_VIRT_END && last >= HYPERVISOR_VIRT_START)
                return refuse(&v, i, -EADDRNOTAVAIL, "MAP address in the hypervisor's area");
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
    rc = check_maps_off_destinations(&v, ents, n);
    if (rc)
        return rc;
    /* The entry point must lie in a page the image fills. */
    if (!kimage_is_dest(m, hdr->entry_maddr >> PAGE_SHIFT))
        return refuse(&v, KEXEC_BAD_HEADER, -ENOEXEC, "entry point outside the image");
    if (hdr->arch == KEXEC_ARCH_32 && hdr->entry_maddr >= (1ULL << 32))
        return refuse(&v, KEXEC_BAD_HEADER, -ERANGE, "32-bit entry point above 4 GiB");
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of a kexec entry list (include/public/kexec.h), portable and
 * host-tested.  kimage_validate() checks every rule of the ABI over the
 * hypervisor's private copy of the list, in one pass, in time linear in
 * entries plus destination pages (overlaps are found in a bitmap of
 * destination frames, never pairwise).  It changes nothing but the copy:
 * every COPY and ZERO entry gets its destination machine address in arg2
 * (which the ABI requires to be 0 on input), for the image builder and for
 * MAP entries.
 */
#ifndef HV_KIMAGE_H
#define HV_KIMAGE_H

#include <hv/types.h>
#include <public/kexec.h>

struct kimage_machine {
    /* May the caller name this machine frame as a copy source? */
    bool (*frame_owned)(void *ctx, uint64_t mfn);
    /* Is [start, start + size) entirely RAM? */
    bool (*is_ram)(void *ctx, uint64_t start, uint64_t size);
    void *ctx;
    uint64_t phys_limit;        /* destinations end at or below this */
    uint64_t hv_start, hv_end;  /* the hypervisor image [start, end) */
    uint64_t crash_start, crash_size;
    uint64_t max_entries, max_pages;
    /*
     * Zeroed bitmap of destination frames over [0, bitmap_frames); set by
     * validation, read afterwards by the builder (it must allocate no
     * page of its own among them).
     */
    uint64_t *dest_bitmap;
    uint64_t bitmap_frames;
};

struct kimage_summary {
    uint64_t dest_pages;        /* COPY + ZERO pages */
    uint64_t copy_pages;
    uint64_t zero_pages;
    uint64_t maps;              /* MAP entries */
};

/*
 * Returns 0, or a negative errno with *bad set to the index of the entry at
 * fault (KEXEC_BAD_HEADER for the header) and *why to a short static
 * explanation for the console line.
 */
int kimage_validate(const struct kexec_load *hdr, struct kexec_entry *ents,
                    const struct kimage_machine *m, struct kimage_summary *sum,
                    uint64_t *bad, const char **why);

static inline bool kimage_is_dest(const struct kimage_machine *m, uint64_t mfn)
{
    return mfn < m->bitmap_frames &&
           (m->dest_bitmap[mfn / 64] >> (mfn % 64)) & 1;
}

#endif /* HV_KIMAGE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of a kexec entry list (include/public/kexec.h), portable and
 * host-tested.  kimage_validate() checks every rule of the ABI over the
 * hypervisor's private copy of the list, in one pass, in time linear in
 * entries and independent of the size of RAM: destinations are recorded as
 * runs of frames, in a buffer sized by the list; a list whose destinations
 * go up (what loaders make) is checked for overlaps as it is read, any
 * other is sorted, O(n log n), never compared pairwise.  It changes nothing but the copy:
 * every COPY and ZERO entry gets its destination machine address in arg2
 * (which the ABI requires to be 0 on input), for the image builder and for
 * MAP entries.  The order in which rules are tried is part of the ABI
 * (kexec.h, "Which errno wins").
 */
#ifndef HV_KIMAGE_H
#define HV_KIMAGE_H

#include <hv/types.h>
#include <public/kexec.h>

struct kimage_machine {
    /* May the caller name this machine frame as a copy source? */
    bool (*frame_owned)(void *ctx, mfn_t mfn);
    /* Is [start, start + size) entirely RAM? */
    bool (*is_ram)(void *ctx, maddr_t start, uint64_t size);
    void *ctx;
    /*
     * The limits are compared with the list's raw numbers (the public
     * ABI's uint64_t), as get_limits reports them: kept as numbers too.
     */
    uint64_t phys_limit;       /* destinations end at or below this */
    uint64_t hv_start, hv_end; /* the hypervisor image [start, end) */
    /* The crash load range (kexec.h: MA_CRASH), where CRASH images go. */
    uint64_t crash_load_start, crash_load_size;
    uint64_t max_entries, max_pages;
    uint64_t max_map_pages; /* most pages of all MAP entries together */
    /*
     * The destination frames, filled by validation, read afterwards
     * (kimage_is_dest()) by the builder: it must allocate no page of its
     * own among them.  runs must have room for hdr->nr_entries runs (at
     * most one per entry); nothing needs clearing first.
     */
    struct kimage_dests *dests;
};

/* Destination frames [start, end), from entry 'entry' on. */
struct kimage_run {
    uint64_t start, end;
    uint64_t entry;
};

struct kimage_dests {
    struct kimage_run *runs;
    uint64_t nr_runs; /* after validation: sorted by start */
    /* while validating: */
    uint64_t max_end; /* the highest end recorded */
    bool ascending;   /* each run began at or above max_end */
};

struct kimage_summary {
    uint64_t dest_pages; /* COPY + ZERO pages */
    uint64_t copy_pages;
    uint64_t zero_pages;
    uint64_t maps;      /* MAP entries */
    uint64_t map_pages; /* their pages */
};

/*
 * The header's rules alone (size, type, arch, flags, nr_entries), which
 * hold before the list is read: the caller checks them before copying
 * the list in; kimage_validate() checks them again.  Same results.
 */
int kimage_validate_header(const struct kexec_load *hdr,
                           const struct kimage_machine *m, uint64_t *bad,
                           const char **why);

/*
 * Returns 0, or a negative errno with *bad set to the index of the entry at
 * fault (KEXEC_BAD_HEADER for the header) and *why to a short static
 * explanation for the console line.
 */
int kimage_validate(const struct kexec_load *hdr, struct kexec_entry *ents,
                    const struct kimage_machine *m, struct kimage_summary *sum,
                    uint64_t *bad, const char **why);

/* Is the frame a destination of the list validated last?  O(log runs). */
bool kimage_is_dest(const struct kimage_machine *m, mfn_t mfn);

#endif /* HV_KIMAGE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical frame allocator.
 *
 * Frames are tracked in a bitmap over [0, max_mfn).  Boot code hands the
 * allocator the RAM regions (frames_add) and then carves out what is
 * already in use (frames_reserve).  Allocation is first-fit upwards
 * from a hint; it never returns frame 0.  Counters report total, free and
 * reserved frames for the boot log and for tests.
 *
 * The bitmap itself lives in caller-provided memory, so the same code runs
 * on the host in unit tests.  All functions take the allocator lock.
 */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include <hv/types.h>

/* Always total == free + allocated. */
struct frame_stats {
    uint64_t total;     /* frames of RAM handed to the allocator */
    uint64_t free;      /* frames free now */
    uint64_t reserved;  /* frames carved out at boot */
    uint64_t allocated; /* frames handed out and not freed */
    uint64_t
        bad_frees; /* frames passed to free_frames() that were not allocated */
};

/*
 * bitmap: max_mfn bits rounded up to whole uint64_t words, all set by this
 * call (set = not available).  Frame 0 is never made available.
 */
void frames_init(uint64_t *bitmap, mfn_t max_mfn);
void frames_add(maddr_t start, uint64_t size);     /* make RAM available */
void frames_reserve(maddr_t start, uint64_t size); /* take it away again */

/* One frame, or INVALID_MFN.  limit_mfn: only frames below it (0 = any). */
mfn_t alloc_frame(mfn_t limit_mfn);
/* count contiguous frames aligned to align frames, or INVALID_MFN. */
mfn_t alloc_frames(uint64_t count, uint64_t align, mfn_t limit_mfn);
/* A frame that is not allocated is skipped, counted and warned about. */
void free_frames(mfn_t mfn, uint64_t count);
static inline void free_frame(mfn_t mfn)
{
    free_frames(mfn, 1);
}

/*
 * Test hook (debug_op DEBUGOP_fail_alloc, only with debug-inject): the
 * nth call of alloc_frames()/alloc_frame() from now returns INVALID_MFN
 * (once); n 0 disarms.  Every call with valid arguments is counted from
 * the arming, failed or not; the call returns the count of the previous
 * arming, so that arming 0 after a load tells how many allocations the
 * load made (and whether the nth was reached).
 */
uint64_t frames_test_fail_alloc(uint64_t n);

bool frame_is_free(mfn_t mfn);
void frames_get_stats(struct frame_stats *st);
mfn_t frames_max_mfn(void);

/* A frame the allocator (and so the frame table) covers. */
static inline bool mfn_valid(mfn_t mfn)
{
    return mfn_x(mfn) < mfn_x(frames_max_mfn());
}

#endif /* HV_PAGE_ALLOC_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical frame allocator (see include/hv/page-alloc.h).  Portable: the
 * host unit tests build this file as it is.
 *
 * One bit per frame, set = not available.  Besides the bitmap we keep the
 * list of "usable" ranges (added as RAM and not reserved since): inside
 * them a set bit means "allocated", outside them it means "not RAM".  That
 * lets frames_reserve() keep the counters right and lets free_frames()
 * tell a real free from a double free or a free of something never handed
 * out, which a bitmap alone cannot.
 *
 * Inside, frames are plain bitmap indices (uint64_t); the typed uint64_t and
 * maddr_t are taken and given back at the public functions only.
 */
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <hv/spinlock.h>

/*
 * Each frames_add() of new RAM and each frames_reserve() inside a range
 * grows the list by at most one entry; boot does a few hundred at most.
 */
#define MAX_USABLE_RANGES 512

struct frame_range {
    uint64_t start, end; /* [start, end), sorted, disjoint, not touching */
};

static spinlock_t frames_lock = SPINLOCK_INIT;
static uint64_t *frame_bitmap;
static uint64_t max_frame;
static uint64_t alloc_hint;
static struct frame_stats stats;
static struct frame_range usable[MAX_USABLE_RANGES];
static unsigned int nr_usable;
/* frames_test_fail_alloc(): allocations counted since arming, and the
   one to fail (0: none). */
static uint64_t test_alloc_count, test_fail_at;

/* No popcnt instruction assumed, and no libgcc to call into. */
static unsigned int popcount64(uint64_t w)
{
    w = w - ((w >> 1) & 0x5555555555555555UL);
    w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
    w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
    return (unsigned int)((w * 0x0101010101010101UL) >> 56);
}

/* Set or clear the bits of [s, e); returns how many of them changed. */
static uint64_t bits_update(uint64_t s, uint64_t e, bool set)
{
    uint64_t changed = 0;

    while (s < e) {
        unsigned int b = s % 64;
        uint64_t n = MIN(64 - b, e - s);
        uint64_t mask = (n == 64 ? ~0UL : (1UL << n) - 1) << b;
        uint64_t *w = &frame_bitmap[s / 64];
        uint64_t old = *w;

        *w = set ? old | mask : old & ~mask;
        changed += popcount64(old ^ *w);
        s += n;
    }
    return changed;
}

/* First frame in [i, end) whose bit equals 'set', or end. */
static uint64_t next_bit(uint64_t i, uint64_t end, bool set)
{
    while (i < end) {
        uint64_t w = frame_bitmap[i / 64];

        if (!set)
            w = ~w;
        w >>= i % 64;
        if (w) {
            i += __builtin_ctzl(w);
            return i < end ? i : end;
        }
        i = ROUNDDOWN(i, 64) + 64;
    }
    return end;
}

/* Index of the first usable range ending above mfn (nr_usable if none). */
static unsigned int usable_after(uint64_t mfn)
{
    unsigned int lo = 0, hi = nr_usable;

    while (lo < hi) {
        unsigned int mid = (lo + hi) / 2;

        if (usable[mid].end <= mfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void usable_insert(unsigned int i, uint64_t s, uint64_t e)
{
    BUG_ON(nr_usable == MAX_USABLE_RANGES);
    memmove(&usable[i + 1], &usable[i], (nr_usable - i) * sizeof(usable[0]));
    usable[i].start = s;
    usable[i].end = e;
    nr_usable++;
}

static void usable_delete(unsigned int i, unsigned int n)
{
    memmove(&usable[i], &usable[i + n],
            (nr_usable - i - n) * sizeof(usable[0]));
    nr_usable -= n;
}

void frames_init(uint64_t *bitmap, mfn_t max_mfn)
{
    spin_lock(&frames_lock);
    frame_bitmap = bitmap;
    max_frame = mfn_x(max_mfn);
    memset(bitmap, 0xff, ROUNDUP(max_frame, 64) / 8);
    alloc_hint = 1;
    memset(&stats, 0, sizeof(stats));
    nr_usable = 0;
    spin_unlock(&frames_lock);
}

/* Byte range to frames: inward for RAM, outward for reservations. */
static void to_frames(maddr_t start_ma, uint64_t size, bool inward, uint64_t *s,
                      uint64_t *e)
{
    uint64_t start = maddr_x(start_ma);
    uint64_t end = size > UINT64_MAX - start ? UINT64_MAX : start + size;

    if (inward) {
        *s = (start >> PAGE_SHIFT) + !IS_ALIGNED(start, PAGE_SIZE);
        *e = end >> PAGE_SHIFT;
    } else {
        *s = start >> PAGE_SHIFT;
        *e = (end >> PAGE_SHIFT) + !IS_ALIGNED(end, PAGE_SIZE);
    }
    *s = MAX(*s, (uint64_t)1); /* frame 0 is never handed out */
    *e = MIN(*e, max_frame);
}

void frames_add(maddr_t start, uint64_t size)
{
    uint64_t s, e, cur;
    unsigned int i, j;

    spin_lock(&frames_lock);
    to_frames(start, size, true, &s, &e);
    if (s >= e)
        goto out;

    /* Make the gaps between already usable ranges available. */
    cur = s;
    for (i = usable_after(s); i < nr_usable && usable[i].start < e; i++) {
        if (usable[i].start > cur) {
            bits_update(cur, usable[i].start, false);
            stats.total += usable[i].start - cur;
            stats.free += usable[i].start - cur;
        }
        cur = usable[i].end;
    }
    if (cur < e) {
        bits_update(cur, e, false);
        stats.total += e - cur;
        stats.free += e - cur;
    }

    /* Merge [s, e) with every range it overlaps or touches. */
    i = usable_after(s - 1);
    for (j = i; j < nr_usable && usable[j].start <= e; j++)
        ;
    if (i == j) {
        usable_insert(i, s, e);
    } else {
        usable[i].start = MIN(usable[i].start, s);
        usable[i].end = MAX(usable[j - 1].end, e);
        usable_delete(i + 1, j - i - 1);
    }
out:
    spin_unlock(&frames_lock);
}

void frames_reserve(maddr_t start, uint64_t size)
{
    uint64_t s, e;
    unsigned int i;

    spin_lock(&frames_lock);
    to_frames(start, size, false, &s, &e);
    if (s >= e)
        goto out;

    i = usable_after(s);
    while (i < nr_usable && usable[i].start < e) {
        struct frame_range *r = &usable[i];
        uint64_t ps = MAX(r->start, s), pe = MIN(r->end, e);
        uint64_t was_free = bits_update(ps, pe, true);

        /* Allocated frames taken away stop counting as allocated. */
        stats.free -= was_free;
        stats.allocated -= (pe - ps) - was_free;
        stats.total -= pe - ps;
        stats.reserved += pe - ps;

        if (r->start < s && r->end > e) {
            usable_insert(i + 1, e, r->end);
            usable[i].end = s;
            break;
        } else if (r->start < s) {
            r->end = s;
            i++;
        } else if (r->end > e) {
            r->start = e;
            break;
        } else {
            usable_delete(i, 1);
        }
    }
out:
    spin_unlock(&frames_lock);
}

/* First run of count clear bits in [lo, hi) starting on an align boundary. */
#define NO_RUN UINT64_MAX

static uint64_t find_run(uint64_t lo, uint64_t hi, uint64_t count,
                         uint64_t align)
{
    uint64_t c = lo, busy;

    for (;;) {
        c = next_bit(c, hi, false);
        if (c >= hi)
            return NO_RUN;
        if (c & (align - 1)) {
            uint64_t up = align - (c & (align - 1));

            if (up >= hi - c)
                return NO_RUN;
            c += up;
        }
        if (hi - c < count)
            return NO_RUN;
        busy = next_bit(c, c + count, true);
        if (busy == c + count)
            return c;
        c = busy + 1;
    }
}

mfn_t alloc_frames(uint64_t count, uint64_t align, mfn_t limit_mfn)
{
    uint64_t lim, limit = mfn_x(limit_mfn), mfn = NO_RUN;

    if (!align)
        align = 1;
    if (!count || (align & (align - 1)))
        return INVALID_MFN;

    spin_lock(&frames_lock);
    if (++test_alloc_count == test_fail_at) {
        spin_unlock(&frames_lock);
        return INVALID_MFN;
    }
    lim = (!limit || limit > max_frame) ? max_frame : limit;
    /* Rotate: first from the hint upwards, then from the bottom. */
    if (alloc_hint < lim)
        mfn = find_run(alloc_hint, lim, count, align);
    if (mfn == NO_RUN)
        mfn = find_run(1, lim, count, align);
    if (mfn != NO_RUN) {
        bits_update(mfn, mfn + count, true);
        stats.free -= count;
        stats.allocated += count;
        alloc_hint = mfn + count < max_frame ? mfn + count : 1;
    }
    spin_unlock(&frames_lock);
    return mfn == NO_RUN ? INVALID_MFN : _mfn(mfn);
}

mfn_t alloc_frame(mfn_t limit_mfn)
{
    return alloc_frames(1, 1, limit_mfn);
}

void free_frames(mfn_t first, uint64_t count)
{
    uint64_t mfn = mfn_x(first);
    uint64_t cur = mfn,
             end = count > UINT64_MAX - mfn ? UINT64_MAX : mfn + count;
    uint64_t bad = 0;

    spin_lock(&frames_lock);
    while (cur < end) {
        unsigned int i = usable_after(cur);
        uint64_t run_end;
        uint64_t freed;

        if (i == nr_usable || usable[i].start >= end) {
            bad += end - cur;
            break;
        }
        if (usable[i].start > cur) {
            bad += usable[i].start - cur;
            cur = usable[i].start;
        }
        /* Inside a usable range a clear bit means already free. */
        run_end = MIN(usable[i].end, end);
        freed = bits_update(cur, run_end, false);
        bad += (run_end - cur) - freed;
        stats.free += freed;
        stats.allocated -= freed;
        cur = run_end;
    }
    bad += count - (end - mfn); /* the part that wrapped around */
    stats.bad_frees += bad;
    spin_unlock(&frames_lock);

    if (bad)
        printk(HVLOG_WARNING
               "free_frames(%#lx, %lu): %lu frame(s) not allocated\n",
               (unsigned long)mfn, (unsigned long)count, (unsigned long)bad);
}

uint64_t frames_test_fail_alloc(uint64_t n)
{
    uint64_t count;

    spin_lock(&frames_lock);
    count = test_alloc_count;
    test_alloc_count = 0;
    test_fail_at = n;
    spin_unlock(&frames_lock);
    return count;
}

bool frame_is_free(mfn_t frame)
{
    uint64_t mfn = mfn_x(frame);
    bool ret;

    spin_lock(&frames_lock);
    ret = mfn < max_frame && !(frame_bitmap[mfn / 64] & (1UL << (mfn % 64)));
    spin_unlock(&frames_lock);
    return ret;
}

void frames_get_stats(struct frame_stats *st)
{
    spin_lock(&frames_lock);
    *st = stats;
    spin_unlock(&frames_lock);
}

mfn_t frames_max_mfn(void)
{
    return _mfn(max_frame);
}

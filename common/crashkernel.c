/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crashkernel= parsing and placement (see include/hv/crashkernel.h).
 * Portable: the host unit tests build this file as it is.
 */
#include <hv/crashkernel.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* Xen's default when neither a base nor a limit is given. */
#define CRASH_DEFAULT_BELOW GiB(4)

static int fail_with(int err, const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return err;
}

static int fail(const char **why, const char *msg)
{
    return fail_with(-EINVAL, why, msg);
}

/*
 * The size against the base or the limit: with a base the region ends at
 * base + size; an explicit below= must leave room for the size.  (Too big
 * for the default limit is placement's to report.)
 */
static int check_size_fits(struct crashkernel_req *r, const char **why)
{
    if (r->base) {
        if (r->size > UINT64_MAX - r->base)
            return fail(why, "base + size overflows");
        r->below = r->base + r->size;
    } else if (r->has_below && r->below < r->size) {
        return fail(why, "below is smaller than size");
    }
    return 0;
}

/*
 * <start>-[<end>]:<size>[,...]: the list up to its suffix (nothing, '@',
 * '<' or ",below=").  *p is left on the suffix.
 */
static int parse_ranges(const char *val, struct crashkernel_req *r,
                        const char **p, const char **why)
{
    const char *s = val;

    for (;;) {
        struct crashkernel_range *rg;

        if (r->nr_ranges == CRASHKERNEL_MAX_RANGES)
            return fail(why, "more than 16 ranges");
        rg = &r->ranges[r->nr_ranges];
        if (!parse_size(s, &s, &rg->start))
            return fail(why, "bad range start");
        if (*s++ != '-')
            return fail(why, "'-' expected after a range start");
        rg->end = UINT64_MAX;
        if (*s != ':') {
            if (!parse_size(s, &s, &rg->end))
                return fail(why, "bad range end");
            if (rg->end <= rg->start)
                return fail(why, "range end is not above its start");
        }
        if (*s++ != ':')
            return fail(why, "':' expected after a range");
        if (!parse_size(s, &s, &rg->size))
            return fail(why, "bad range size");
        if (!IS_ALIGNED(rg->size, PAGE_SIZE))
            return fail(why, "range size is not a multiple of 4 KiB");
        r->nr_ranges++;
        if (*s != ',' || !strncmp(s + 1, "below=", 6))
            break;
        s++;
    }
    *p = s;
    return 0;
}

int crashkernel_parse(const char *val, struct crashkernel_req *req,
                      const char **why)
{
    struct crashkernel_req r = { .below = CRASH_DEFAULT_BELOW };
    const char *p;
    uint64_t v;
    int rc;

    if (!val || !*val)
        return fail(why, "empty value");
    if (strchr(val, ':')) {
        rc = parse_ranges(val, &r, &p, why);
        if (rc)
            return rc;
    } else if (!parse_size(val, &p, &r.size)) {
        return fail(why, "bad size");
    }

    switch (*p) {
    case '\0':
        break;
    case '@':
        if (!parse_size(p + 1, &p, &v))
            return fail(why, "bad base after '@'");
        if (!v)
            return fail(why, "base must not be 0");
        r.base = v;
        break;
    case ',':
        if (strncmp(p + 1, "below=", 6))
            return fail(why, "expected ',below=' after size");
        if (!parse_size(p + 7, &p, &r.below))
            return fail(why, "bad address after 'below='");
        r.has_below = true;
        break;
    case '<':
        if (!parse_size(p + 1, &p, &r.below))
            return fail(why, "bad address after '<'");
        r.has_below = true;
        break;
    default:
        return fail(why, r.nr_ranges ? "trailing junk after the ranges"
                                     : "trailing junk after size");
    }
    if (*p)
        return fail(why, "trailing junk");

    if (r.base && !IS_ALIGNED(r.base, PAGE_SIZE))
        return fail(why, "base is not page aligned");
    if (!r.nr_ranges) {
        if (!r.size)
            return fail(why, "size is zero");
        if (!IS_ALIGNED(r.size, PAGE_SIZE))
            return fail(why, "size is not a multiple of 4 KiB");
        rc = check_size_fits(&r, why);
        if (rc)
            return rc;
    }

    *req = r;
    if (why)
        *why = NULL;
    return 0;
}

int crashkernel_pick_range(struct crashkernel_req *req, uint64_t ram,
                           int *chosen, uint32_t *ignored, const char **why)
{
    struct crashkernel_req r = *req;

    *chosen = -1;
    *ignored = 0;
    r.size = 0;
    for (unsigned int i = 0; i < r.nr_ranges; i++) {
        const struct crashkernel_range *rg = &r.ranges[i];

        if (rg->size >= ram) {
            *ignored |= 1u << i;
            continue;
        }
        if (rg->start <= ram && ram < rg->end) {
            r.size = rg->size;
            *chosen = (int)i;
            break;
        }
    }
    if (r.size) {
        int rc = check_size_fits(&r, why);

        if (rc)
            return rc;
    }
    *req = r;
    return 0;
}

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

/* Placement works on plain numbers; typed addresses are the interface. */
static uint64_t region_start(const struct mem_region *m)
{
    return maddr_x(m->start);
}

static uint64_t region_end(const struct mem_region *m)
{
    uint64_t start = region_start(m);

    return m->size > UINT64_MAX - start ? UINT64_MAX : start + m->size;
}

uint64_t crashkernel_ram_size(const struct mem_region *mem, unsigned int nr_mem)
{
    uint64_t total = 0;
    uint64_t cur = 0;

    /*
     * Walk from boundary to boundary: no region starts or ends inside
     * [cur, next), so what covers cur covers all of it.
     */
    for (;;) {
        uint64_t next = cur; /* cur: no boundary above cur */
        bool ram = false, other = false;

        for (unsigned int i = 0; i < nr_mem; i++) {
            uint64_t s = region_start(&mem[i]), e = region_end(&mem[i]);

            if (s <= cur && cur < e) {
                if (mem[i].type == MEM_RAM)
                    ram = true;
                else
                    other = true;
            }
            if (s > cur && (next == cur || s < next))
                next = s;
            if (e > cur && (next == cur || e < next))
                next = e;
        }
        if (next == cur)
            break;
        if (ram && !other)
            total += next - cur;
        cur = next;
    }
    return total;
}

/*
 * Whatever [s, e) must not touch: a busy range, or a non-RAM region that
 * overlaps RAM (the stricter type wins, as in the frame allocator).
 * Returns true and sets *block_start to the start of one such range.
 */
static bool blocked(uint64_t s, uint64_t e, const struct mem_region *mem,
                    unsigned int nr_mem, const struct busy_range *busy,
                    unsigned int nr_busy, uint64_t *block_start)
{
    for (unsigned int i = 0; i < nr_busy; i++) {
        if (overlaps(s, e, maddr_x(busy[i].start), maddr_x(busy[i].end))) {
            *block_start = maddr_x(busy[i].start);
            return true;
        }
    }
    for (unsigned int i = 0; i < nr_mem; i++) {
        if (mem[i].type != MEM_RAM &&
            overlaps(s, e, region_start(&mem[i]), region_end(&mem[i]))) {
            *block_start = region_start(&mem[i]);
            return true;
        }
    }
    return false;
}

int crashkernel_place(const struct crashkernel_req *req,
                      const struct mem_region *mem, unsigned int nr_mem,
                      const struct busy_range *busy, unsigned int nr_busy,
                      maddr_t *start, const char **why)
{
    uint64_t size = req->size;
    uint64_t limit = req->below ? req->below : UINT64_MAX; /* 0: no limit */
    uint64_t best = 0, blk;
    bool found = false;

    if (!size)
        return fail(why, "size is zero");

    if (req->base) {
        uint64_t s = req->base, e;

        if (size > UINT64_MAX - s)
            return fail_with(-EADDRNOTAVAIL, why, "base + size overflows");
        e = s + size;
        if (e > limit)
            return fail_with(-EADDRNOTAVAIL, why,
                             "region ends above the limit");
        for (unsigned int i = 0; i < nr_mem; i++) {
            if (mem[i].type == MEM_RAM && region_start(&mem[i]) <= s &&
                e <= region_end(&mem[i])) {
                found = true;
                break;
            }
        }
        if (!found)
            return fail_with(-EADDRNOTAVAIL, why,
                             "region is not inside one RAM region");
        if (blocked(s, e, mem, nr_mem, busy, nr_busy, &blk))
            return fail_with(-EADDRNOTAVAIL, why,
                             "region overlaps memory in use");
        *start = _maddr(s);
        return 0;
    }

    /* Highest aligned slot in each RAM region; keep the highest overall. */
    for (unsigned int i = 0; i < nr_mem; i++) {
        uint64_t rs = region_start(&mem[i]),
                 top = MIN(region_end(&mem[i]), limit);

        if (mem[i].type != MEM_RAM)
            continue;
        /*
         * Any slot below one that hits a blocking range must end at or
         * below that range's start, so move the top there and retry.
         */
        while (top >= size && top - size >= rs) {
            uint64_t s = ROUNDDOWN(top - size, CRASH_REGION_ALIGN);

            if (s < rs)
                break;
            if (!blocked(s, s + size, mem, nr_mem, busy, nr_busy, &blk)) {
                if (!found || s > best)
                    best = s;
                found = true;
                break;
            }
            top = blk;
        }
    }
    if (!found)
        return fail_with(-ENOSPC, why,
                         "no free RAM large enough below the limit");
    *start = _maddr(best);
    return 0;
}

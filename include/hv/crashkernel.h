/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crashkernel= in Xen's syntax (docs/misc/xen-command-line):
 *
 *   crashkernel=<size>               anywhere (below 4 GiB by default)
 *   crashkernel=<size>@<base>        exactly at <base>
 *   crashkernel=<size>,below=<addr>  anywhere ending at or below <addr>
 *   crashkernel=<size><<addr>        the same, older spelling
 *   crashkernel=<start>-[<end>]:<size>[,<start>-[<end>]:<size>...]
 *               followed by nothing, @<base>, ,below=<addr> or <<addr>
 *                                    the size depends on the machine's RAM:
 *                                    the first range with start <= RAM < end
 *                                    (no end: unbounded) gives it; a size
 *                                    of 0 means no region (Xen's parser
 *                                    takes a 0 as the end of the list)
 *
 * Sizes and addresses take K/M/G/T suffixes.  The parser is pure (host
 * tested); crashkernel_pick_range() chooses a range's size for the RAM of
 * the machine, and crashkernel_place() places the region in its memory map.
 */
#ifndef HV_CRASHKERNEL_H
#define HV_CRASHKERNEL_H

#include <hv/boot-info.h>
#include <hv/types.h>

/* The region is placed on this alignment when no base is given. */
#define CRASH_REGION_ALIGN MiB(2)

/* At most this many ranges, as Xen. */
#define CRASHKERNEL_MAX_RANGES 16

struct crashkernel_range {
    uint64_t start, end; /* RAM sizes [start, end); end UINT64_MAX: open */
    uint64_t size;       /* 0: no region on machines of this size */
};

struct crashkernel_req {
    uint64_t size; /* with ranges: 0 until crashkernel_pick_range() */
    /* Addresses as the option writes them (numbers, parsed and checked
       here); the placed region is a maddr_t (crashkernel_place()). */
    uint64_t base;  /* 0: choose a place */
    uint64_t below; /* the region must end at or below this address */
    bool has_below; /* below came from the option, not the default */
    unsigned int nr_ranges;
    struct crashkernel_range ranges[CRASHKERNEL_MAX_RANGES];
};

/*
 * Parse the option value.  Returns 0, or -EINVAL with *why pointing at a
 * static string that says what is wrong.
 */
int crashkernel_parse(const char *val, struct crashkernel_req *req,
                      const char **why);

/*
 * The RAM size the ranges form is matched against: the bytes that some
 * RAM region of the map covers and no other region does (the stricter
 * type wins, as in placement and the frame allocator).
 */
uint64_t crashkernel_ram_size(const struct mem_region *mem,
                              unsigned int nr_mem);

/*
 * For a request with ranges: the size for a machine with ram bytes of RAM.
 * Ranges are tried in order; one whose size is at least ram is skipped and
 * bit i of *ignored set (for the caller's warning), as Xen does; the first
 * other range with start <= ram < end gives req->size, and *chosen is its
 * index (-1 when none matches: req->size stays 0, no region).  Returns 0,
 * or -EINVAL with *why set when the chosen size does not fit an explicit
 * below= limit or overflows with the base.
 */
int crashkernel_pick_range(struct crashkernel_req *req, uint64_t ram,
                           int *chosen, uint32_t *ignored, const char **why);

/*
 * Find a place for the request in RAM regions of bi->mem that does not
 * touch any of the busy ranges (image, modules, low 1 MiB).  Returns 0
 * and sets *start, or -ENOSPC / -EADDRNOTAVAIL with *why set.
 */
struct busy_range {
    maddr_t start, end;
}; /* [start, end) */
int crashkernel_place(const struct crashkernel_req *req,
                      const struct mem_region *mem, unsigned int nr_mem,
                      const struct busy_range *busy, unsigned int nr_busy,
                      maddr_t *start, const char **why);

/*
 * At boot, once the allocator has every RAM frame and the busy ranges are
 * reserved: reserve the region crashkernel= asks for, if any, and fill
 * crash_region (hv/mm.h); a bad option or no room is one line, no region.
 */
void crash_region_init(const struct busy_range *busy, unsigned int nr_busy);

#endif /* HV_CRASHKERNEL_H */

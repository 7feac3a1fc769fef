/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crashkernel= in Xen's syntax (docs/misc/xen-command-line):
 *
 *   crashkernel=<size>               anywhere (below 4 GiB by default)
 *   crashkernel=<size>@<base>        exactly at <base>
 *   crashkernel=<size>,below=<addr>  anywhere ending at or below <addr>
 *   crashkernel=<size><<addr>        the same, older spelling
 *
 * Sizes and addresses take K/M/G/T suffixes.  The parser is pure (host
 * tested); placement against the memory map is crashkernel_place().
 */
#ifndef HV_CRASHKERNEL_H
#define HV_CRASHKERNEL_H

#include <hv/boot-info.h>
#include <hv/types.h>

/* The region is placed on this alignment when no base is given. */
#define CRASH_REGION_ALIGN MiB(2)

struct crashkernel_req {
    uint64_t size;
    paddr_t base;     /* 0: choose a place */
    paddr_t below;    /* the region must end at or below this address */
};

/*
 * Parse the option value.  Returns 0, or -EINVAL with *why pointing at a
 * static string that says what is wrong.
 */
int crashkernel_parse(const char *val, struct crashkernel_req *req,
                      const char **why);

/*
 * Find a place for the request in RAM regions of bi->mem that does not
 * touch any of the busy ranges (image, modules, low 1 MiB).  Returns 0
 * and sets *start, or -ENOSPC / -EADDRNOTAVAIL with *why set.
 */
struct busy_range { paddr_t start, end; };  /* [start, end) */
int crashkernel_place(const struct crashkernel_req *req,
                      const struct mem_region *mem, unsigned int nr_mem,
                      const struct busy_range *busy, unsigned int nr_busy,
                      paddr_t *start, const char **why);

#endif /* HV_CRASHKERNEL_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The crash region (hv/mm.h): the crashkernel= option, the choice of a
 * size among its ranges, and the placement (common/crashkernel.c parses
 * and places; this file says what happened on the console).  The frames
 * are taken from the allocator before anything else is allocated.
 */
#include <hv/boot-info.h>
#include <hv/console.h>
#include <hv/crashkernel.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>
#include <hv/param.h>

struct crash_region crash_region;

/* Room for any value: a command-line word is shorter (common/param.c). */
static char crashkernel_opt[256];
string_param("crashkernel", crashkernel_opt);

static void crash_region_refused(const char *why)
{
    printk(HVLOG_ERR "crashkernel=%s: %s; continuing without a crash region\n",
           crashkernel_opt, why);
}

/*
 * With ranges, the size depends on the machine's RAM: what the firmware's
 * memory map calls RAM, which its holes make a little less than QEMU's -m.
 */
static bool crash_region_pick_range(struct crashkernel_req *req)
{
    uint64_t ram = crashkernel_ram_size(boot_info.mem, boot_info.nr_mem);
    uint32_t ignored;
    const char *why;
    int chosen;

    if (crashkernel_pick_range(req, ram, &chosen, &ignored, &why)) {
        crash_region_refused(why);
        return false;
    }
    for (unsigned int i = 0; i < req->nr_ranges; i++)
        if (ignored & (1u << i))
            printk(HVLOG_WARNING "crashkernel=: range %u ignored: its size "
                                 "%lu MiB is not below RAM (%lu MiB)\n",
                   i + 1, (unsigned long)(req->ranges[i].size >> 20),
                   (unsigned long)(ram >> 20));
    if (!req->size) {
        printk("Crash region: none (crashkernel=%s: %s for %lu MiB of RAM)\n",
               crashkernel_opt, chosen < 0 ? "no range matches" : "size 0",
               (unsigned long)(ram >> 20));
        return false;
    }
    printk("crashkernel=: range %d chosen for %lu MiB of RAM: %lu MiB\n",
           chosen + 1, (unsigned long)(ram >> 20),
           (unsigned long)(req->size >> 20));
    return true;
}

void crash_region_init(const struct busy_range *busy, unsigned int nr_busy)
{
    struct crashkernel_req req;
    const char *why;
    maddr_t start;

    if (!crashkernel_opt[0]) {
        printk("Crash region: none (no crashkernel= option)\n");
        return;
    }
    if (crashkernel_parse(crashkernel_opt, &req, &why)) {
        crash_region_refused(why);
        return;
    }
    if (req.nr_ranges && !crash_region_pick_range(&req))
        return;
    if (crashkernel_place(&req, boot_info.mem, boot_info.nr_mem, busy, nr_busy,
                          &start, &why)) {
        crash_region_refused(why);
        return;
    }
    frames_reserve(start, req.size);
    crash_region.start = start;
    crash_region.size = req.size;
    printk("Crash region: %016lx - %016lx (%lu MiB)\n",
           (unsigned long)maddr_x(start),
           (unsigned long)(maddr_x(start) + req.size),
           (unsigned long)(req.size >> 20));
}

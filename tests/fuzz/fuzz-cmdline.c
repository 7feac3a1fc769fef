/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line (common/param.c, parse_params()) and crashkernel=
 * (common/crashkernel.c: parse, pick_range, ram_size, place), as the
 * hypervisor runs them at boot.  The input: a memory map and busy ranges
 * (a count byte, then 9 bytes each), then the command line (to the first
 * NUL), parsed against a table like the hypervisor's: every option type,
 * test hooks behind a gate, and crashkernel= as the custom option.
 * Oracle, from param.h and crashkernel.h: each problem is reported once
 * (the count returned is the lines reported), no store outside an
 * option's variable (guard bytes), strings NUL terminated; a parsed
 * crashkernel= request is sane, the range picked is the first that fits
 * the RAM, and a region placed is aligned (or at the base), inside one
 * RAM region, below its limit and off every busy and non-RAM range.
 */
#include <hv/errno.h>
#include <hv/crashkernel.h>
#include <hv/param.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

#define GUARD 0x5a
static struct {
    uint8_t v;
    uint8_t guard[7];
} opt_u8;
static struct {
    uint16_t v;
    uint8_t guard[6];
} opt_u16;
static struct {
    uint32_t v;
    uint8_t guard[4];
} opt_u32, opt_size32;
static struct {
    uint64_t v;
    uint8_t guard[8];
} opt_u64, opt_size;
static struct {
    char v[8];
    uint8_t guard[8];
} opt_str, opt_hook_str;
static struct {
    bool v;
    uint8_t guard[7];
} opt_flag, opt_gate, opt_hook;

static struct crashkernel_req ck;
static int ck_rc, ck_calls;

static int parse_crashkernel(const char *val)
{
    const char *why = "unset";

    ck_calls++;
    ck_rc = crashkernel_parse(val, &ck, &why);
    FZ_CHECK(!ck_rc || (ck_rc == -EINVAL && why && *why),
             "crashkernel_parse: %d, no reason", ck_rc);
    FZ_CHECK(ck_rc || !why, "crashkernel_parse: success with a reason");
    return ck_rc;
}

static const struct param params[] = {
    { .name = "flag", .type = PARAM_BOOL, .var = &opt_flag.v, .size = 1 },
    { .name = "u8", .type = PARAM_UINT, .var = &opt_u8.v, .size = 1 },
    { .name = "u16", .type = PARAM_UINT, .var = &opt_u16.v, .size = 2 },
    { .name = "u32", .type = PARAM_UINT, .var = &opt_u32.v, .size = 4 },
    { .name = "u64", .type = PARAM_UINT, .var = &opt_u64.v, .size = 8 },
    { .name = "mem", .type = PARAM_SIZE, .var = &opt_size.v, .size = 8 },
    { .name = "mem32", .type = PARAM_SIZE, .var = &opt_size32.v, .size = 4 },
    { .name = "name", .type = PARAM_STRING, .var = opt_str.v, .size = 8 },
    { .name = "crashkernel", .type = PARAM_CUSTOM, .parse = parse_crashkernel },
    { .name = "hook",
      .type = PARAM_BOOL,
      .flags = PARAM_TEST_HOOK,
      .var = &opt_hook.v,
      .size = 1 },
    { .name = "hook_str",
      .type = PARAM_STRING,
      .flags = PARAM_TEST_HOOK,
      .var = opt_hook_str.v,
      .size = 8 },
    { .name = "debug-inject",
      .type = PARAM_BOOL,
      .flags = PARAM_TEST_GATE,
      .var = &opt_gate.v,
      .size = 1 },
};

static int reports;

static void report(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    FZ_CHECK(n > 0, "an empty report");
    if (n < (int)sizeof(line)) /* else truncated here: fine */
        FZ_CHECK(line[n - 1] == '\n' && !memchr(line, '\n', (size_t)n - 1),
                 "a report is not one line: '%s'", line);
    reports++;
}

static void guards_intact(const uint8_t *g, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        FZ_CHECK(g[i] == GUARD, "a store past option %s", what);
}
#define GUARDS(o) guards_intact((o).guard, sizeof((o).guard), #o)

static bool overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

static uint64_t end_of(const struct mem_region *m)
{
    uint64_t s = maddr_x(m->start);

    return m->size > UINT64_MAX - s ? UINT64_MAX : s + m->size;
}

static void check_crashkernel(const struct mem_region *mem, unsigned int nm,
                              const struct busy_range *busy, unsigned int nb)
{
    struct crashkernel_req r = ck;
    uint64_t ram = crashkernel_ram_size(mem, nm), total = 0, start = 0, end;
    const char *why = NULL;
    uint32_t ignored;
    int chosen, rc;

    FZ_CHECK(r.nr_ranges <= CRASHKERNEL_MAX_RANGES, "%u ranges", r.nr_ranges);
    FZ_CHECK(!r.base || !(r.base & 4095), "base not page aligned");
    for (unsigned int i = 0; i < r.nr_ranges; i++)
        FZ_CHECK(r.ranges[i].start < r.ranges[i].end &&
                     !(r.ranges[i].size & 4095),
                 "range %u", i);
    for (unsigned int i = 0; i < nm; i++)
        if (mem[i].type == MEM_RAM)
            total = total + mem[i].size < total ? UINT64_MAX
                                                : total + mem[i].size;
    FZ_CHECK(ram <= total, "RAM size %#lx above the map's %#lx",
             (unsigned long)ram, (unsigned long)total);

    if (r.nr_ranges) {
        rc = crashkernel_pick_range(&r, ram, &chosen, &ignored, &why);
        if (rc) {
            FZ_CHECK(rc == -EINVAL && why, "pick_range: %d", rc);
            return;
        }
        FZ_CHECK(chosen >= -1 && chosen < (int)r.nr_ranges, "chosen %d",
                 chosen);
        for (int i = 0; i < (chosen < 0 ? (int)r.nr_ranges : chosen); i++) {
            const struct crashkernel_range *g = &r.ranges[i];

            FZ_CHECK(g->size >= ram ? (ignored >> i) & 1
                                    : !(g->start <= ram && ram < g->end),
                     "range %d should have been taken or ignored", i);
        }
        if (chosen < 0) {
            FZ_CHECK(!r.size, "no range, size %#lx", (unsigned long)r.size);
            return;
        }
        FZ_CHECK(r.size == r.ranges[chosen].size &&
                     r.ranges[chosen].start <= ram &&
                     ram < r.ranges[chosen].end,
                 "range %d does not fit RAM %#lx", chosen, (unsigned long)ram);
        if (!r.size)
            return;
    }
    {
        maddr_t at = _maddr(start);

        rc = crashkernel_place(&r, mem, nm, busy, nb, &at, &why);
        start = maddr_x(at);
    }
    if (fz_verbose())
        fprintf(stderr,
                "fuzz-cmdline: crashkernel size %#lx base %#lx below "
                "%#lx: %d %s, at %#lx\n",
                (unsigned long)r.size, (unsigned long)r.base,
                (unsigned long)r.below, rc, rc ? why : "",
                (unsigned long)start);
    if (rc) {
        FZ_CHECK((rc == -ENOSPC || rc == -EADDRNOTAVAIL || rc == -EINVAL) &&
                     why,
                 "place: %d", rc);
        return;
    }
    FZ_CHECK(r.size && r.size <= UINT64_MAX - start, "placed size %#lx at %#lx",
             (unsigned long)r.size, (unsigned long)start);
    end = start + r.size;
    FZ_CHECK(r.base ? start == r.base : !(start % CRASH_REGION_ALIGN),
             "placed at %#lx", (unsigned long)start);
    FZ_CHECK(!r.below || end <= r.below, "ends at %#lx, above %#lx",
             (unsigned long)end, (unsigned long)r.below);
    for (unsigned int i = 0; i < nb; i++)
        FZ_CHECK(!overlap(start, end, maddr_x(busy[i].start),
                          maddr_x(busy[i].end)),
                 "region over busy range %u", i);
    {
        bool inside = false;

        for (unsigned int i = 0; i < nm; i++) {
            if (mem[i].type != MEM_RAM)
                FZ_CHECK(!overlap(start, end, maddr_x(mem[i].start),
                                  end_of(&mem[i])),
                         "region over non-RAM %u", i);
            else
                inside |= maddr_x(mem[i].start) <= start &&
                          end <= end_of(&mem[i]);
        }
        FZ_CHECK(inside, "region [%#lx, %#lx) not inside one RAM region",
                 (unsigned long)start, (unsigned long)end);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char line[4096];
    struct fz f = { data, size, 0 };
    struct mem_region mem[8];
    struct busy_range busy[4];
    unsigned int c = fz_take(&f, 1), nm = (c & 0xf) % 9, nb = (c >> 4) % 5;
    const uint8_t *in;
    size_t n;
    int problems;

    for (unsigned int i = 0; i < nm; i++) {
        unsigned int t = fz_take(&f, 1);

        mem[i].start = _maddr(fz_take(&f, 4) << (t & 0x80 ? 32 : 12));
        mem[i].size = fz_take(&f, 4) << (t & 0x40 ? 32 : 12);
        mem[i].type = t & 0x20 ? 1 + t % 5 : MEM_RAM;
    }
    for (unsigned int i = 0; i < nb; i++) {
        busy[i].start = _maddr(fz_take(&f, 4) << 12);
        busy[i].end = maddr_add(busy[i].start, fz_take(&f, 2) << 12);
    }
    in = fz_rest(&f, &n);
    n = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
    memcpy(line, in, n);
    line[n] = '\0';

    memset(&opt_u8, GUARD, sizeof(opt_u8));
    memset(&opt_u16, GUARD, sizeof(opt_u16));
    memset(&opt_u32, GUARD, sizeof(opt_u32));
    memset(&opt_size32, GUARD, sizeof(opt_size32));
    memset(&opt_u64, GUARD, sizeof(opt_u64));
    memset(&opt_size, GUARD, sizeof(opt_size));
    memset(&opt_str, GUARD, sizeof(opt_str));
    memset(&opt_hook_str, GUARD, sizeof(opt_hook_str));
    memset(&opt_flag, GUARD, sizeof(opt_flag));
    memset(&opt_gate, GUARD, sizeof(opt_gate));
    memset(&opt_hook, GUARD, sizeof(opt_hook));
    opt_flag.v = opt_gate.v = opt_hook.v = false;
    opt_str.v[0] = opt_hook_str.v[0] = '\0';
    reports = ck_calls = ck_rc = 0;

    problems = parse_params(line, params,
                            params + sizeof(params) / sizeof(params[0]),
                            report);
    if (fz_verbose())
        fprintf(stderr, "fuzz-cmdline: '%s': %d problems\n", line, problems);
    FZ_CHECK(problems == reports, "%d problems, %d reported", problems,
             reports);
    GUARDS(opt_u8);
    GUARDS(opt_u16);
    GUARDS(opt_u32);
    GUARDS(opt_size32);
    GUARDS(opt_u64);
    GUARDS(opt_size);
    GUARDS(opt_str);
    GUARDS(opt_hook_str);
    GUARDS(opt_flag);
    GUARDS(opt_gate);
    GUARDS(opt_hook);
    FZ_CHECK(memchr(opt_str.v, 0, 8) && memchr(opt_hook_str.v, 0, 8),
             "a string option not terminated");
    FZ_CHECK(opt_gate.v || (!opt_hook.v && !opt_hook_str.v[0]),
             "a test hook applied with the gate off");
    if (ck_calls && !ck_rc)
        check_crashkernel(mem, nm, busy, nb);
    return 0;
}

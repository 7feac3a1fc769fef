/* SPDX-License-Identifier: GPL-2.0-only */
/* common/crashkernel.c: the crashkernel= syntax and placement. */
#include "harness.h"

#include <hv/crashkernel.h>

struct good_case {
    const char *val;
    uint64_t size;
    uint64_t base, below;
};

START_TEST(test_parse_valid)
{
    static const struct good_case cases[] = {
        { "256M", MiB(256), 0, GiB(4) }, /* default: below 4 GiB */
        { "0x10000000", MiB(256), 0, GiB(4) },
        { "512m", MiB(512), 0, GiB(4) },
        { "4K", KiB(4), 0, GiB(4) },
        { "1G", GiB(1), 0, GiB(4) },
        { "64M@16M", MiB(64), MiB(16), MiB(80) },
        { "64M@0x20001000", MiB(64), 0x20001000, 0x20001000 + MiB(64) },
        { "128M,below=2G", MiB(128), 0, GiB(2) },
        { "128M,below=0x100000000", MiB(128), 0, GiB(4) },
        { "128M,below=64G", MiB(128), 0, GiB(64) },
        { "128M<1G", MiB(128), 0, GiB(1) },
        { "16M<16M", MiB(16), 0, MiB(16) }, /* below == size */
        { "8G", GiB(8), 0, GiB(4) },        /* placement will say no room */
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct good_case *c = &cases[i];
        struct crashkernel_req req = { .size = 1, .base = 2, .below = 3 };
        const char *why = "unset";
        int rc = crashkernel_parse(c->val, &req, &why);

        ck_assert_msg(rc == 0, "'%s' rejected: %s", c->val, why);
        ck_assert_msg(req.size == c->size && req.base == c->base &&
                          req.below == c->below,
                      "'%s': size %#lx base %#lx below %#lx", c->val,
                      (unsigned long)req.size, (unsigned long)req.base,
                      (unsigned long)req.below);
    }
}
END_TEST

struct bad_case {
    const char *val;
    const char *why_has; /* a word the explanation must contain */
};

/* Each value refused with -EINVAL, a reason naming the fault, and the
 * request left alone. */
static void check_bad_cases(const struct bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct bad_case *c = &cases[i];
        struct crashkernel_req req = { .size = 1, .base = 2, .below = 3 };
        const char *why = NULL;
        int rc = crashkernel_parse(c->val, &req, &why);

        ck_assert_msg(rc == -EINVAL, "'%s' gave %d", c->val, rc);
        ck_assert_msg(why && *why, "'%s': no explanation", c->val);
        ck_assert_msg(strstr(why, c->why_has), "'%s': why \"%s\" lacks \"%s\"",
                      c->val, why, c->why_has);
        ck_assert(req.size == 1 && req.base == 2 && req.below == 3);
    }
}

START_TEST(test_parse_invalid)
{
    static const struct bad_case cases[] = {
        { "", "empty" },
        { "0", "zero" },
        { "0M", "zero" },
        { "0<4G", "zero" },
        { "abc", "size" },
        { "M", "size" },
        { "-64M", "size" },
        { "99999999999999999999M", "size" }, /* overflows 64 bits */
        { "17179869184G", "size" },          /* 2^64 */
        { "6000", "4 KiB" },
        { "1025K", "4 KiB" },
        { "256Mx", "junk" },
        { "256M junk", "junk" },
        { "256M@16Mx", "junk" },
        { "256M,below=1Gx", "junk" },
        { "256M<1G,", "junk" },
        { "256M@16M,below=1G", "junk" },
        { "64M@0x1000800", "aligned" },
        { "64M@0", "0" },
        { "8K@0xfffffffffffff000", "overflow" },
        { "4K@0xfffffffffffff000", "overflow" }, /* ends exactly at 2^64 */
        { "256M,below=128M", "smaller" },
        { "256M<0", "smaller" },
        { "256M,above=1G", "below=" },
        { "256M,", "below=" },
        { "256M@", "base" },
        { "256M<", "address" },
        { "256M,below=", "address" },
    };

    check_bad_cases(cases, ARRAY_SIZE(cases));
}
END_TEST

START_TEST(test_parse_null)
{
    struct crashkernel_req req;
    const char *why = NULL;

    ck_assert_int_eq(crashkernel_parse(NULL, &req, &why), -EINVAL);
    ck_assert_ptr_nonnull(why);
}
END_TEST

/*
 * A PC-like map: low RAM, a hole, RAM up to 3 GiB, the PCI hole, then RAM
 * from 4 to 8 GiB.
 */
static const struct mem_region pc_map[] = {
    { { 0 }, KiB(640), MEM_RAM },
    { { KiB(640) }, KiB(384), MEM_RESERVED },
    { { MiB(1) }, GiB(3) - MiB(1), MEM_RAM },
    { { GiB(3) }, GiB(1), MEM_RESERVED },
    { { GiB(4) }, GiB(4), MEM_RAM },
};

/* Low 1 MiB, the image, a module. */
static const struct busy_range pc_busy[] = {
    { { 0 }, { MiB(1) } },
    { { MiB(2) }, { MiB(18) } },
    { { MiB(100) }, { MiB(110) } },
};

START_TEST(test_ram_size)
{
    static const struct mem_region overlap[] = {
        { { 0 }, GiB(1), MEM_RAM },
        { { MiB(512) }, GiB(1), MEM_RAM },       /* RAM over RAM: once */
        { { MiB(256) }, MiB(16), MEM_RESERVED }, /* non-RAM inside RAM wins */
        { { MiB(256) + MiB(8) }, MiB(16), MEM_ACPI }, /* and overlaps another */
        { { GiB(4) }, GiB(1), MEM_NVS }, /* non-RAM alone: nothing */
    };
    static const struct mem_region top[] = {
        { { 0xfffffffffff00000 }, KiB(512), MEM_RAM }, /* near 2^64 */
        { { KiB(4) }, KiB(8), MEM_RAM },
    };

    ck_assert_uint_eq(crashkernel_ram_size(pc_map, ARRAY_SIZE(pc_map)),
                      KiB(640) + GiB(3) - MiB(1) + GiB(4));
    ck_assert_uint_eq(crashkernel_ram_size(overlap, ARRAY_SIZE(overlap)),
                      GiB(1) + MiB(512) - MiB(24));
    ck_assert_uint_eq(crashkernel_ram_size(top, ARRAY_SIZE(top)),
                      KiB(512) + KiB(8));
    ck_assert_uint_eq(crashkernel_ram_size(pc_map, 0), 0);
}
END_TEST

static int place(const char *val, const struct mem_region *mem,
                 unsigned int nr_mem, const struct busy_range *busy,
                 unsigned int nr_busy, uint64_t *start, const char **why)
{
    struct crashkernel_req req;
    maddr_t ma = _maddr(*start);
    int rc;

    ck_assert_msg(crashkernel_parse(val, &req, why) == 0, "'%s': %s", val,
                  *why);
    *why = NULL;
    rc = crashkernel_place(&req, mem, nr_mem, busy, nr_busy, &ma, why);
    *start = maddr_x(ma);
    return rc;
}

/* crashkernel_place() with the start as a number, as the tests reason. */
static int place_req(const struct crashkernel_req *req,
                     const struct mem_region *mem, unsigned int nr_mem,
                     const struct busy_range *busy, unsigned int nr_busy,
                     uint64_t *start, const char **why)
{
    maddr_t ma = _maddr(*start);
    int rc = crashkernel_place(req, mem, nr_mem, busy, nr_busy, &ma, why);

    *start = maddr_x(ma);
    return rc;
}

#define PLACE_PC(val, start, why)                                              \
    place(val, pc_map, ARRAY_SIZE(pc_map), pc_busy, ARRAY_SIZE(pc_busy),       \
          start, why)

START_TEST(test_place_highest_below_4g)
{
    uint64_t start = 0;
    const char *why;

    ck_assert_int_eq(PLACE_PC("256M", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(3) - MiB(256));

    /* Explicit limits pick other RAM. */
    ck_assert_int_eq(PLACE_PC("256M,below=8G", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(8) - MiB(256));
    ck_assert_int_eq(PLACE_PC("256M,below=64G", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(8) - MiB(256));
    ck_assert_int_eq(PLACE_PC("256M<1G", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(1) - MiB(256));
}
END_TEST

START_TEST(test_place_alignment)
{
    uint64_t start = 0;
    const char *why;

    /* An odd limit: the end stays below it, the start on 2 MiB. */
    ck_assert_int_eq(PLACE_PC("256M,below=0x180100000", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(6) - MiB(256));

    /* A size that is not a multiple of 2 MiB. */
    ck_assert_int_eq(PLACE_PC("3M<1G", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(1) - MiB(4));

    /* A region whose top is not 2 MiB aligned. */
    {
        static const struct mem_region odd[] = {
            { { MiB(1) }, 0x7ff00000 - MiB(1), MEM_RAM },
        };

        ck_assert_int_eq(place("64M", odd, 1, NULL, 0, &start, &why), 0);
        ck_assert_uint_eq(start, 0x7be00000);
    }
}
END_TEST

START_TEST(test_place_avoids_busy)
{
    static const struct busy_range busy[] = {
        { { 0 }, { MiB(1) } },
        { { GiB(3) - MiB(100) }, { GiB(3) - MiB(90) } }, /* a module up high */
        { { 0xa0000000 }, { 0xa0000001 } },              /* one byte */
    };
    uint64_t start = 0;
    const char *why;

    /* Must end at or below the module. */
    ck_assert_int_eq(place("256M", pc_map, ARRAY_SIZE(pc_map), busy,
                           ARRAY_SIZE(busy), &start, &why),
                     0);
    ck_assert_uint_eq(start, GiB(3) - MiB(100) - MiB(256));

    /* Below the module it would cover the byte at 0xa0000000: under it. */
    ck_assert_int_eq(place("512M", pc_map, ARRAY_SIZE(pc_map), busy,
                           ARRAY_SIZE(busy), &start, &why),
                     0);
    ck_assert_uint_eq(start, 0xa0000000 - MiB(512));

    /* One busy byte costs the whole 2 MiB slot around it. */
    ck_assert_int_eq(place("32M<0xa1000000", pc_map, ARRAY_SIZE(pc_map), busy,
                           ARRAY_SIZE(busy), &start, &why),
                     0);
    ck_assert_uint_eq(start, 0x9e000000);

    /* Busy ranges outside RAM change nothing. */
    ck_assert_int_eq(PLACE_PC("256M", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(3) - MiB(256));
}
END_TEST

START_TEST(test_place_unsorted_and_overlapping_types)
{
    /* Unsorted, with a reserved range inside a RAM region. */
    static const struct mem_region map[] = {
        { { GiB(1) }, MiB(512), MEM_ACPI },
        { { MiB(1) }, GiB(2) - MiB(1), MEM_RAM },
        { { MiB(16) }, MiB(16), MEM_RAM },
    };
    uint64_t start = 0;
    const char *why;

    /* [1G, 1.5G) is ACPI even though RAM claims it. */
    ck_assert_int_eq(place("512M", map, ARRAY_SIZE(map), NULL, 0, &start, &why),
                     0);
    ck_assert_uint_eq(start, GiB(2) - MiB(512));
    ck_assert_int_eq(place("768M", map, ARRAY_SIZE(map), NULL, 0, &start, &why),
                     0);
    ck_assert_uint_eq(start, MiB(256));
    ck_assert_int_eq(place("1G", map, ARRAY_SIZE(map), NULL, 0, &start, &why),
                     -ENOSPC);
    ck_assert_int_eq(place("256M,below=1536M", map, ARRAY_SIZE(map), NULL, 0,
                           &start, &why),
                     0);
    ck_assert_uint_eq(start, GiB(1) - MiB(256));
}
END_TEST

START_TEST(test_place_no_room)
{
    static const struct busy_range all[] = { { { 0 }, { GiB(16) } } };
    uint64_t start = 0x1234;
    const char *why = NULL;

    ck_assert_int_eq(PLACE_PC("4G", &start, &why), -ENOSPC);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(PLACE_PC("8G", &start, &why), -ENOSPC);
    ck_assert_uint_eq(start, 0x1234); /* untouched on failure */

    /* 3 GiB of RAM below 4 GiB, but less once the image is counted. */
    ck_assert_int_eq(PLACE_PC("3G,below=4G", &start, &why), -ENOSPC);
    ck_assert_int_eq(PLACE_PC("2G<2G", &start, &why), -ENOSPC);
    ck_assert_int_eq(place("4K", pc_map, ARRAY_SIZE(pc_map), all, 1, &start,
                           &why),
                     -ENOSPC);
    ck_assert_int_eq(place("4K", pc_map, 0, NULL, 0, &start, &why), -ENOSPC);
    /* The only RAM below the limit is busy. */
    ck_assert_int_eq(PLACE_PC("64K,below=1M", &start, &why), -ENOSPC);
}
END_TEST

START_TEST(test_place_fixed_base)
{
    uint64_t start = 0;
    const char *why;

    ck_assert_int_eq(PLACE_PC("64M@512M", &start, &why), 0);
    ck_assert_uint_eq(start, MiB(512));
    /* Page aligned is enough for a fixed base. */
    ck_assert_int_eq(PLACE_PC("64M@0x20001000", &start, &why), 0);
    ck_assert_uint_eq(start, 0x20001000);
    /* Exactly filling RAM up to the hole is fine. */
    ck_assert_int_eq(PLACE_PC("64M@0xbc000000", &start, &why), 0);
    ck_assert_uint_eq(start, 0xbc000000);
    ck_assert_int_eq(PLACE_PC("1G@4G", &start, &why), 0);
    ck_assert_uint_eq(start, GiB(4));

    start = 0x1234;
    /* Runs from RAM into the PCI hole. */
    ck_assert_int_eq(PLACE_PC("64M@0xbe000000", &start, &why), -EADDRNOTAVAIL);
    ck_assert_ptr_nonnull(why);
    /* Entirely in the hole, or past the end of RAM. */
    ck_assert_int_eq(PLACE_PC("64M@0xc8000000", &start, &why), -EADDRNOTAVAIL);
    ck_assert_int_eq(PLACE_PC("64M@8G", &start, &why), -EADDRNOTAVAIL);
    /* Spans two RAM regions that are not one. */
    {
        static const struct mem_region two[] = {
            { { GiB(1) }, GiB(1), MEM_RAM },
            { { GiB(2) }, GiB(1), MEM_RAM },
        };

        ck_assert_int_eq(place("512M@0x70000000", two, 2, NULL, 0, &start,
                               &why),
                         -EADDRNOTAVAIL);
        ck_assert_int_eq(place("256M@0x70000000", two, 2, NULL, 0, &start,
                               &why),
                         0);
        ck_assert_uint_eq(start, 0x70000000);
        start = 0x1234;
    }
    /* Overlaps the image, the module, the low 1 MiB. */
    ck_assert_int_eq(PLACE_PC("16M@16M", &start, &why), -EADDRNOTAVAIL);
    ck_assert_ptr_nonnull(strstr(why, "use"));
    ck_assert_int_eq(PLACE_PC("4K@0x6dff000", &start, &why), -EADDRNOTAVAIL);
    ck_assert_int_eq(PLACE_PC("4K@0x1000", &start, &why), -EADDRNOTAVAIL);
    ck_assert_uint_eq(start, 0x1234);
    /* Just after the image is free. */
    ck_assert_int_eq(PLACE_PC("4K@18M", &start, &why), 0);
    ck_assert_uint_eq(start, MiB(18));
}
END_TEST

/* Tiny xorshift generator: the same cases every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

static bool slot_ok(uint64_t s, uint64_t size, uint64_t below,
                    const struct mem_region *mem, unsigned int nr_mem,
                    const struct busy_range *busy, unsigned int nr_busy)
{
    bool in_ram = false;

    if (s + size > below)
        return false;
    for (unsigned int i = 0; i < nr_mem; i++) {
        uint64_t rs = maddr_x(mem[i].start), re = rs + mem[i].size;

        if (mem[i].type == MEM_RAM && rs <= s && s + size <= re)
            in_ram = true;
        if (mem[i].type != MEM_RAM && s < re && rs < s + size)
            return false;
    }
    for (unsigned int i = 0; i < nr_busy; i++)
        if (s < maddr_x(busy[i].end) && maddr_x(busy[i].start) < s + size)
            return false;
    return in_ram;
}

/* Against brute force: the highest 2 MiB slot that passes slot_ok(). */
START_TEST(test_place_random)
{
    const uint64_t unit = KiB(512); /* finer than the 2 MiB alignment */
    unsigned int placed = 0, refused = 0;

    for (int iter = 0; iter < 500; iter++) {
        struct mem_region mem[6];
        struct busy_range busy[5];
        unsigned int nr_mem = 1 + rnd(ARRAY_SIZE(mem));
        unsigned int nr_busy = rnd(ARRAY_SIZE(busy) + 1);
        struct crashkernel_req req = {
            .size = (1 + rnd(48)) * KiB(256),
            .below = (1 + rnd(512)) * unit,
        };
        uint64_t start = 0, want = 0;
        bool found = false;
        const char *why = NULL;
        int rc;

        for (unsigned int i = 0; i < nr_mem; i++) {
            mem[i].start = _maddr(rnd(512) * unit);
            mem[i].size = rnd(128) * unit;
            mem[i].type = rnd(4) ? MEM_RAM : MEM_RESERVED;
        }
        for (unsigned int i = 0; i < nr_busy; i++) {
            busy[i].start = _maddr(rnd(512) * unit);
            busy[i].end = maddr_add(busy[i].start, rnd(16) * unit + 1);
        }

        for (uint64_t s = ROUNDDOWN(req.below, MiB(2)) + MiB(2); s;) {
            s -= MiB(2);
            if (slot_ok(s, req.size, req.below, mem, nr_mem, busy, nr_busy)) {
                want = s;
                found = true;
                break;
            }
        }

        rc = place_req(&req, mem, nr_mem, busy, nr_busy, &start, &why);
        if (found) {
            ck_assert_msg(rc == 0, "iter %d: %d (%s), expected %#lx", iter, rc,
                          why, (unsigned long)want);
            ck_assert_msg(start == want, "iter %d: %#lx, expected %#lx", iter,
                          (unsigned long)start, (unsigned long)want);
            placed++;
        } else {
            ck_assert_msg(rc == -ENOSPC, "iter %d: %d at %#lx, expected none",
                          iter, rc, (unsigned long)start);
            refused++;
        }
    }
    /* Both outcomes were exercised, not just one. */
    ck_assert_uint_gt(placed, 100);
    ck_assert_uint_gt(refused, 50);
}
END_TEST

/* ---- ranges: <start>-[<end>]:<size>[,...][suffix] ----------------------- */

struct ranges_case {
    const char *val;
    unsigned int nr;
    struct crashkernel_range r[3];
    uint64_t base, below;
    bool has_below;
};

START_TEST(test_ranges_parse_valid)
{
    /* Rows of the table; clang-format would rewrap the nested braces. */
    /* clang-format off */
    static const struct ranges_case cases[] = {
        { "512M-2G:64M", 1, { { MiB(512), GiB(2), MiB(64) } }, 0, GiB(4), false },
        { "0-256M:32M,256M-:64M@256M", 2,
          { { 0, MiB(256), MiB(32) }, { MiB(256), UINT64_MAX, MiB(64) } },
          MiB(256), GiB(4), false },
        { "0-2G:0,2G-:256M", 2,
          { { 0, GiB(2), 0 }, { GiB(2), UINT64_MAX, MiB(256) } }, 0, GiB(4), false },
        { "1G-:128M,below=2G", 1, { { GiB(1), UINT64_MAX, MiB(128) } },
          0, GiB(2), true },
        { "0x0-0x40000000:0x1000<1G", 1, { { 0, GiB(1), KiB(4) } },
          0, GiB(1), true },
        { "0-1G:64M,1G-4G:128M,4G-:256M", 3,
          { { 0, GiB(1), MiB(64) }, { GiB(1), GiB(4), MiB(128) },
            { GiB(4), UINT64_MAX, MiB(256) } }, 0, GiB(4), false },
    };
    /* clang-format on */

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct ranges_case *c = &cases[i];
        struct crashkernel_req req;
        const char *why = "unset";

        ck_assert_msg(crashkernel_parse(c->val, &req, &why) == 0,
                      "'%s' rejected: %s", c->val, why);
        ck_assert_msg(req.nr_ranges == c->nr, "'%s': %u ranges", c->val,
                      req.nr_ranges);
        ck_assert_msg(req.size == 0, "'%s': size before picking", c->val);
        ck_assert_msg(req.base == c->base && req.below == c->below &&
                          req.has_below == c->has_below,
                      "'%s': base %#lx below %#lx", c->val,
                      (unsigned long)req.base, (unsigned long)req.below);
        for (unsigned int j = 0; j < c->nr; j++)
            ck_assert_msg(req.ranges[j].start == c->r[j].start &&
                              req.ranges[j].end == c->r[j].end &&
                              req.ranges[j].size == c->r[j].size,
                          "'%s': range %u is %#lx-%#lx:%#lx", c->val, j,
                          (unsigned long)req.ranges[j].start,
                          (unsigned long)req.ranges[j].end,
                          (unsigned long)req.ranges[j].size);
    }
}
END_TEST

START_TEST(test_ranges_parse_invalid)
{
    static const struct bad_case cases[] = {
        { ":64M", "range start" },
        { "-2G:64M", "range start" },
        { "512M:64M", "'-'" },
        { "512M-x:64M", "range end" },
        { "2G-512M:64M", "not above" },
        { "2G-2G:64M", "not above" },
        { "512M-2G-:64M", "':'" },
        { "512M-2G:", "range size" },
        { "512M-2G:x", "range size" },
        { "512M-2G:6000", "4 KiB" },
        { "512M-2G:64Mx", "junk" },
        { "512M-2G:64M,", "range start" },
        { "512M-2G:64M,,1G-:2G", "range start" },
        { "512M-2G:64M,above=1G", "range start" },
        { "0-:64M@0x1000800", "aligned" },
        { "0-:64M@0", "0" },
        { "0-:64M@", "base" },
        { "0-:64M,below=", "address" },
        { "0-:64M<", "address" },
        { "0-:64M@16M,below=1G", "junk" },
        { "0-1G:4K,1G-2G:4K,2G-3G:4K,3G-4G:4K,4G-5G:4K,5G-6G:4K,6G-7G:4K,"
          "7G-8G:4K,8G-9G:4K,9G-10G:4K,10G-11G:4K,11G-12G:4K,12G-13G:4K,"
          "13G-14G:4K,14G-15G:4K,15G-16G:4K,16G-:4K",
          "16 ranges" },
    };

    check_bad_cases(cases, ARRAY_SIZE(cases));
}
END_TEST

START_TEST(test_ranges_sixteen_accepted)
{
    static const char val[] =
        "0-1G:4K,1G-2G:4K,2G-3G:4K,3G-4G:4K,4G-5G:4K,5G-6G:4K,6G-7G:4K,"
        "7G-8G:4K,8G-9G:4K,9G-10G:4K,10G-11G:4K,11G-12G:4K,12G-13G:4K,"
        "13G-14G:4K,14G-15G:4K,15G-:8K";
    struct crashkernel_req req;
    const char *why = NULL;
    uint32_t ignored;
    int chosen;

    ck_assert_msg(crashkernel_parse(val, &req, &why) == 0, "%s", why);
    ck_assert_uint_eq(req.nr_ranges, CRASHKERNEL_MAX_RANGES);
    ck_assert_int_eq(crashkernel_pick_range(&req, GiB(20), &chosen, &ignored,
                                            &why),
                     0);
    ck_assert_int_eq(chosen, 15);
    ck_assert_uint_eq(req.size, KiB(8));
}
END_TEST

struct pick_case {
    const char *val;
    uint64_t ram;
    int chosen; /* -1: none */
    uint64_t size;
    uint32_t ignored;
    uint64_t below;
};

START_TEST(test_ranges_pick)
{
    static const struct pick_case cases[] = {
        /* the first range containing RAM; end is exclusive */
        { "0-256M:32M,256M-:64M", MiB(200), 0, MiB(32), 0, GiB(4) },
        { "0-256M:32M,256M-:64M", MiB(511), 1, MiB(64), 0, GiB(4) },
        { "0-256M:32M,256M-:64M", MiB(256), 1, MiB(64), 0, GiB(4) },
        { "0-256M:32M,256M-:64M", MiB(256) - 1, 0, MiB(32), 0, GiB(4) },
        /* start is inclusive; RAM below every range: no region */
        { "1G-:128M", GiB(1), 0, MiB(128), 0, GiB(4) },
        { "1G-:128M", MiB(512), -1, 0, 0, GiB(4) },
        /* the first match wins over later ones */
        { "0-:64M,0-:128M", GiB(1), 0, MiB(64), 0, GiB(4) },
        /* a size not below RAM is skipped with a warning, matching or not */
        { "0-:1G,0-:64M", MiB(512), 1, MiB(64), 1, GiB(4) },
        { "0-:512M", MiB(512), -1, 0, 1, GiB(4) },
        { "2G-:4G,0-2G:1G,0-:64M", MiB(1024), 2, MiB(64), 3, GiB(4) },
        /* size 0: no region on machines of that size */
        { "0-2G:0,2G-:256M", GiB(1), 0, 0, 0, GiB(4) },
        { "0-2G:0,2G-:256M", GiB(3), 1, MiB(256), 0, GiB(4) },
        /* a base fixes the end; below= stays */
        { "0-:64M@256M", MiB(512), 0, MiB(64), 0, MiB(320) },
        { "0-:64M,below=1G", MiB(512), 0, MiB(64), 0, GiB(1) },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct pick_case *c = &cases[i];
        struct crashkernel_req req;
        const char *why = NULL;
        uint32_t ignored = 99;
        int chosen = 99;

        ck_assert_msg(crashkernel_parse(c->val, &req, &why) == 0, "'%s': %s",
                      c->val, why);
        ck_assert_msg(crashkernel_pick_range(&req, c->ram, &chosen, &ignored,
                                             &why) == 0,
                      "'%s': %s", c->val, why);
        ck_assert_msg(chosen == c->chosen && req.size == c->size &&
                          ignored == c->ignored && req.below == c->below,
                      "'%s' with %#lx of RAM: range %d size %#lx ignored %#x "
                      "below %#lx",
                      c->val, (unsigned long)c->ram, chosen,
                      (unsigned long)req.size, ignored,
                      (unsigned long)req.below);
    }
}
END_TEST

START_TEST(test_ranges_pick_invalid)
{
    static const struct {
        const char *val;
        const char *why_has;
    } cases[] = {
        { "0-:64M,below=32M", "smaller" },
        { "0-:64M<32M", "smaller" },
        { "0-:8K@0xfffffffffffff000", "overflow" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct crashkernel_req req, before;
        const char *why = NULL;
        uint32_t ignored;
        int chosen;

        ck_assert(crashkernel_parse(cases[i].val, &req, &why) == 0);
        before = req;
        ck_assert_int_eq(crashkernel_pick_range(&req, GiB(1), &chosen, &ignored,
                                                &why),
                         -EINVAL);
        ck_assert_msg(why && strstr(why, cases[i].why_has), "'%s': %s",
                      cases[i].val, why ? why : "");
        /* a refused pick leaves the request as parsed */
        ck_assert(memcmp(&req, &before, sizeof(req)) == 0);
    }
}
END_TEST

/* Parse, pick for the PC map's RAM (about 7 GiB), place. */
START_TEST(test_ranges_pick_then_place)
{
    struct crashkernel_req req;
    const char *why = NULL;
    uint32_t ignored;
    uint64_t start = 0;
    int chosen;

    ck_assert(crashkernel_parse("0-4G:64M,4G-:128M", &req, &why) == 0);
    ck_assert(crashkernel_pick_range(&req, GiB(7) - KiB(384) - MiB(1) + MiB(1),
                                     &chosen, &ignored, &why) == 0);
    ck_assert_int_eq(chosen, 1);
    ck_assert_int_eq(place_req(&req, pc_map, ARRAY_SIZE(pc_map), pc_busy,
                               ARRAY_SIZE(pc_busy), &start, &why),
                     0);
    ck_assert_uint_eq(start, GiB(3) - MiB(128));
}
END_TEST

static Suite *crashkernel_suite(void)
{
    Suite *s = suite_create("crashkernel");
    TCase *parse = tcase_create("parse");
    TCase *placement = tcase_create("place");

    tcase_add_test(parse, test_parse_valid);
    tcase_add_test(parse, test_parse_invalid);
    tcase_add_test(parse, test_parse_null);
    tcase_add_test(parse, test_ranges_parse_valid);
    tcase_add_test(parse, test_ranges_parse_invalid);
    tcase_add_test(parse, test_ranges_sixteen_accepted);
    tcase_add_test(parse, test_ranges_pick);
    tcase_add_test(parse, test_ranges_pick_invalid);
    suite_add_tcase(s, parse);

    tcase_add_test(placement, test_place_highest_below_4g);
    tcase_add_test(placement, test_place_alignment);
    tcase_add_test(placement, test_place_avoids_busy);
    tcase_add_test(placement, test_place_unsorted_and_overlapping_types);
    tcase_add_test(placement, test_place_no_room);
    tcase_add_test(placement, test_place_fixed_base);
    tcase_add_test(placement, test_place_random);
    tcase_add_test(placement, test_ranges_pick_then_place);
    tcase_add_test(placement, test_ram_size);
    suite_add_tcase(s, placement);
    return s;
}

int main(void)
{
    return harness_run(crashkernel_suite());
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common/kimage.c: the validator of kexec entry lists, one test per rule
 * of include/public/kexec.h (the errno and the index of the entry at
 * fault, KEXEC_BAD_HEADER for the header), valid lists of every
 * operation, what validation leaves behind (arg2 of COPY/ZERO, the
 * destination runs, the summary) and its linear cost at 1,000,000
 * entries.
 *
 * The fake machine: RAM at [1 MiB, 3 GiB) (so 0xfee00000 is not RAM) and
 * [64 GiB - 2 MiB, 64 GiB), the physical limit 64 GiB (so destinations
 * can end exactly at it), the hypervisor image at [2 MiB, 4 MiB), a
 * crash region at [256 MiB, 320 MiB), and the caller owning frames
 * [0x8000, 0x9000) (an "owned" bitmap the tests punch holes in).
 */
#include "harness.h"

#include <hv/kimage.h>

#define RAM_START   MiB(1)
#define RAM_END     GiB(3)
#define HV_START    MiB(2)
#define HV_END      MiB(4)
#define CRASH_START MiB(256)
#define CRASH_SIZE  MiB(64)
#define PHYS_LIMIT  GiB(64)
#define HIGH_RAM    (PHYS_LIMIT - MiB(2)) /* [HIGH_RAM, PHYS_LIMIT) RAM */
#define OWN_FIRST   0x8000u
#define OWN_LAST    0x8fffu
#define PHYS_FRAMES (PHYS_LIMIT >> PAGE_SHIFT)
#define MAX_ENTRIES 16
#define MAX_PAGES   0x10000u

/* Room for the million-entry test's runs (kimage.h: one per entry). */
#define MAX_RUNS 1000000
static struct kimage_dests dests;
static uint64_t owned[(OWN_LAST + 1) / 64 + 1];
static unsigned long owned_calls, ram_calls;

static bool fake_owned(void *ctx, mfn_t frame)
{
    uint64_t mfn = mfn_x(frame);

    ck_assert_ptr_eq(ctx, owned);
    owned_calls++;
    return mfn <= OWN_LAST && (owned[mfn / 64] >> (mfn % 64)) & 1;
}

static bool fake_ram(void *ctx, maddr_t start_ma, uint64_t size)
{
    uint64_t start = maddr_x(start_ma);

    ck_assert_ptr_eq(ctx, owned);
    ram_calls++;
    if (start + size < start)
        return false;
    return (start >= RAM_START && start + size <= RAM_END) ||
           (start >= HIGH_RAM && start + size <= PHYS_LIMIT);
}

static struct kimage_machine machine;

static void setup(void)
{
    if (!dests.runs)
        dests.runs = calloc(MAX_RUNS, sizeof(*dests.runs));
    ck_assert_ptr_nonnull(dests.runs);
    memset(owned, 0, sizeof(owned));
    for (uint64_t f = OWN_FIRST; f <= OWN_LAST; f++)
        owned[f / 64] |= 1ULL << (f % 64);
    owned_calls = ram_calls = 0;
    machine = (struct kimage_machine){
        .frame_owned = fake_owned,
        .is_ram = fake_ram,
        .ctx = owned,
        .phys_limit = PHYS_LIMIT,
        .hv_start = HV_START,
        .hv_end = HV_END,
        .crash_load_start = CRASH_START,
        .crash_load_size = CRASH_SIZE,
        .max_entries = MAX_ENTRIES,
        .max_pages = MAX_PAGES,
        .max_map_pages = MAX_PAGES,
        .dests = &dests,
    };
}

static void teardown(void)
{
}

/* ---- a good list, then one thing broken ---------------------------------- */

#define DEST0 MiB(64)

static struct kexec_entry ents[MAX_ENTRIES];
static struct kexec_load hdr;
static uint64_t nents;

static struct kexec_entry E(uint16_t op, uint64_t a0, uint64_t a1,
                            uint64_t a2) {
    return (struct kexec_entry){ .op = op, .arg0 = a0, .arg1 = a1, .arg2 = a2 };
}

/*
 * [0] DEST 64M  [1] COPY 0x8000 x2  [2] ZERO x3  [3] DEST 80M
 * [4] COPY 0x8010 x1  [5] MAP 0xffffc00000000000 -> [1] x2
 * [6] MAP 0x400000 -> [2] x1; entry at 64M + 0x10.
 */
static void
good(uint8_t type)
{
    uint64_t d = type == KEXEC_TYPE_CRASH ? CRASH_START + MiB(1) : DEST0;

    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, d, 0, 0);
    ents[nents++] = E(KEXEC_OP_COPY, 0x8000, 2, 0);
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 3, 0);
    ents[nents++] = E(KEXEC_OP_DEST, d + MiB(16), 0, 0);
    ents[nents++] = E(KEXEC_OP_COPY, 0x8010, 1, 0);
    ents[nents++] = E(KEXEC_OP_MAP, 0xffffc00000000000ULL, 1, 2);
    ents[nents++] = E(KEXEC_OP_MAP, 0x400000, 2, 1);
    hdr = (struct kexec_load){
        .size = sizeof(hdr),
        .type = type,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = d + 0x10,
        .entries = 0,
        .nr_entries = nents,
    };
}

static const char *last_why;

static int validate(uint64_t *bad, const char **why)
{
    struct kimage_summary sum;
    int rc;

    *bad = 12345;
    *why = NULL;
    rc = kimage_validate(&hdr, ents, &machine, &sum, bad, why);
    last_why = *why;
    return rc;
}

/* Undo what validation wrote (arg2 of COPY and ZERO), to validate again. */
static void clear_arg2(void)
{
    for (uint64_t i = 0; i < nents; i++)
        if (ents[i].op == KEXEC_OP_COPY || ents[i].op == KEXEC_OP_ZERO)
            ents[i].arg2 = 0;
}

/* The console text of the last validate(). */
static const char *why_last(void)
{
    return last_why ? last_why : "";
}

/* The list as it stands must be refused with err at index at. */
#define REFUSED(err, at)                                                       \
    do {                                                                       \
        uint64_t bad_;                                                         \
        const char *why_;                                                      \
        int rc_ = validate(&bad_, &why_);                                      \
        ck_assert_msg(rc_ == (err) && bad_ == (uint64_t)(at),                  \
                      "got %d at %ld, want %d at %ld (%s)", rc_, (long)bad_,   \
                      (err), (long)(at), why_ ? why_ : "-");                   \
        ck_assert_ptr_nonnull(why_);                                           \
        ck_assert_uint_gt(strlen(why_), 0);                                    \
    } while (0)

#define ACCEPTED()                                                             \
    do {                                                                       \
        uint64_t bad_;                                                         \
        const char *why_;                                                      \
        int rc_ = validate(&bad_, &why_);                                      \
        ck_assert_msg(rc_ == 0, "refused: %d at %ld (%s)", rc_, (long)bad_,    \
                      why_ ? why_ : "-");                                      \
    } while (0)

#define H KEXEC_BAD_HEADER

/* ---- valid lists ------------------------------------------------------------ */

START_TEST(test_good_default)
{
    struct kimage_summary sum;
    uint64_t bad = 7;
    const char *why = NULL;

    good(KEXEC_TYPE_DEFAULT);
    ck_assert_int_eq(kimage_validate(&hdr, ents, &machine, &sum, &bad, &why),
                     0);
    ck_assert_uint_eq(sum.dest_pages, 6);
    ck_assert_uint_eq(sum.copy_pages, 3);
    ck_assert_uint_eq(sum.zero_pages, 3);
    ck_assert_uint_eq(sum.maps, 2);
    /* arg2 of COPY and ZERO: their destination */
    ck_assert_uint_eq(ents[1].arg2, DEST0);
    ck_assert_uint_eq(ents[2].arg2, DEST0 + 2 * PAGE_SIZE);
    ck_assert_uint_eq(ents[4].arg2, DEST0 + MiB(16));
    /* the rest untouched */
    ck_assert_uint_eq(ents[0].arg2, 0);
    ck_assert_uint_eq(ents[5].arg2, 2);
    ck_assert_uint_eq(ents[6].arg0, 0x400000);
    /* the runs: exactly the destination frames */
    for (uint64_t f = (DEST0 >> PAGE_SHIFT) - 2; f < (DEST0 >> PAGE_SHIFT) + 8;
         f++)
        ck_assert_int_eq(kimage_is_dest(&machine, _mfn(f)),
                         f >= (DEST0 >> PAGE_SHIFT) &&
                             f < (DEST0 >> PAGE_SHIFT) + 5);
    ck_assert(kimage_is_dest(&machine, _mfn((DEST0 + MiB(16)) >> PAGE_SHIFT)));
    ck_assert(
        !kimage_is_dest(&machine, _mfn(((DEST0 + MiB(16)) >> PAGE_SHIFT) + 1)));
    ck_assert(!kimage_is_dest(&machine, _mfn(PHYS_FRAMES + 5)));
}
END_TEST

START_TEST(test_good_crash_and_32)
{
    good(KEXEC_TYPE_CRASH);
    ACCEPTED();
    good(KEXEC_TYPE_DEFAULT);
    hdr.arch = KEXEC_ARCH_32;
    ACCEPTED();
    /* only DEST + ZERO; a crash image filling the region exactly */
    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, CRASH_START, 0, 0);
    ents[nents++] = E(KEXEC_OP_ZERO, 0, CRASH_SIZE >> PAGE_SHIFT, 0);
    hdr = (struct kexec_load){ .size = sizeof(hdr),
                               .type = KEXEC_TYPE_CRASH,
                               .arch = KEXEC_ARCH_64,
                               .entry_maddr = CRASH_START + CRASH_SIZE - 1,
                               .nr_entries = nents };
    ACCEPTED();
    /* destinations right next to the hypervisor image, below and above */
    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, HV_START - PAGE_SIZE, 0, 0);
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 1, 0);
    ents[nents++] = E(KEXEC_OP_DEST, HV_END, 0, 0);
    ents[nents++] = E(KEXEC_OP_COPY, OWN_LAST, 1, 0);
    hdr = (struct kexec_load){ .size = sizeof(hdr),
                               .type = KEXEC_TYPE_DEFAULT,
                               .arch = KEXEC_ARCH_64,
                               .entry_maddr = HV_END,
                               .nr_entries = nents };
    ACCEPTED();
    /* a larger struct (a later version) is fine */
    hdr.size = sizeof(hdr) + 8;
    ents[1].arg2 = ents[3].arg2 = 0; /* validation wrote them */
    ACCEPTED();
}
END_TEST

/* A list may reach the limits exactly. */
START_TEST(test_good_limits)
{
    good(KEXEC_TYPE_DEFAULT);
    for (; nents < MAX_ENTRIES; nents++)
        ents[nents] = E(KEXEC_OP_DEST, DEST0, 0, 0);
    hdr.nr_entries = nents;
    ACCEPTED();
    /* destination ending exactly at the physical limit */
    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, PHYS_LIMIT - PAGE_SIZE, 0, 0);
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 1, 0);
    hdr = (struct kexec_load){ .size = sizeof(hdr),
                               .arch = KEXEC_ARCH_64,
                               .entry_maddr = PHYS_LIMIT - 8,
                               .nr_entries = nents };
    ACCEPTED();
    /* MAP at the top of the lower half and in the upper half past the hv */
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0x00007ffffffff000ULL;
    ACCEPTED();
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0xffff880000000000ULL;
    ACCEPTED();
    /* the whole page budget */
    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, MiB(8), 0, 0);
    ents[nents++] = E(KEXEC_OP_ZERO, 0, MAX_PAGES, 0);
    hdr = (struct kexec_load){ .size = sizeof(hdr),
                               .arch = KEXEC_ARCH_64,
                               .entry_maddr = MiB(8),
                               .nr_entries = nents };
    ACCEPTED();
}
END_TEST

/* ---- -EINVAL ---------------------------------------------------------------- */

START_TEST(test_einval_header)
{
    good(KEXEC_TYPE_DEFAULT);
    hdr.size = sizeof(hdr) - 1;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.size = 0;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.type = 2;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.type = 0xff;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.arch = 0;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.arch = 3;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.flags = 1;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.flags = 0x8000;
    REFUSED(-EINVAL, H);
}
END_TEST

START_TEST(test_einval_entry_fields)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[2].flags = 1;
    REFUSED(-EINVAL, 2);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].pad = 1;
    REFUSED(-EINVAL, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[4].op = 0;
    REFUSED(-EINVAL, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[4].op = 5;
    REFUSED(-EINVAL, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[4].op = 0xffff;
    REFUSED(-EINVAL, 4);
}
END_TEST

START_TEST(test_einval_unused_args)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg1 = 1; /* DEST arg1 */
    REFUSED(-EINVAL, 3);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg2 = 1; /* DEST arg2 */
    REFUSED(-EINVAL, 3);
    good(KEXEC_TYPE_DEFAULT);
    ents[1].arg2 = DEST0; /* COPY arg2 (output only) */
    REFUSED(-EINVAL, 1);
    good(KEXEC_TYPE_DEFAULT);
    ents[2].arg0 = 1; /* ZERO arg0 */
    REFUSED(-EINVAL, 2);
    good(KEXEC_TYPE_DEFAULT);
    ents[2].arg2 = 1; /* ZERO arg2 */
    REFUSED(-EINVAL, 2);
}
END_TEST

/* ---- -E2BIG ------------------------------------------------------------------ */

START_TEST(test_e2big)
{
    good(KEXEC_TYPE_DEFAULT);
    hdr.nr_entries = MAX_ENTRIES + 1;
    REFUSED(-E2BIG, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.nr_entries = ~0ULL;
    REFUSED(-E2BIG, H);
    /* one COPY over the page limit */
    good(KEXEC_TYPE_DEFAULT);
    machine.max_pages = 2;
    ents[1].arg1 = 3;
    REFUSED(-E2BIG, 1);
    /* the total over the limit: the entry that crosses it */
    good(KEXEC_TYPE_DEFAULT);
    machine.max_pages = 5;
    REFUSED(-E2BIG, 4);
    good(KEXEC_TYPE_DEFAULT);
    machine.max_pages = 6;
    ACCEPTED();
}
END_TEST

/* ---- -ENXIO ------------------------------------------------------------------ */

START_TEST(test_enxio)
{
    good(KEXEC_TYPE_DEFAULT);
    hdr.nr_entries = 0;
    REFUSED(-ENXIO, H);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = 0; /* DEST frame 0 */
    REFUSED(-ENXIO, 3);
    good(KEXEC_TYPE_DEFAULT);
    ents[1].arg0 = 0; /* COPY source frame 0 */
    REFUSED(-ENXIO, 1);
    good(KEXEC_TYPE_DEFAULT);
    ents[1].arg1 = 0; /* COPY count 0 */
    REFUSED(-ENXIO, 1);
    good(KEXEC_TYPE_DEFAULT);
    ents[2].arg1 = 0; /* ZERO count 0 */
    REFUSED(-ENXIO, 2);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg2 = 0; /* MAP of 0 pages */
    REFUSED(-ENXIO, 5);
}
END_TEST

/* ---- -EADDRNOTAVAIL ----------------------------------------------------------- */

START_TEST(test_eaddrnotavail)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = DEST0 + MiB(16) + 0x800; /* DEST misaligned */
    REFUSED(-EADDRNOTAVAIL, 3);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = 0xfee00000; /* not RAM (LAPIC) */
    REFUSED(-EADDRNOTAVAIL, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[0].arg0 = RAM_END - PAGE_SIZE; /* runs off the end of RAM */
    REFUSED(-EADDRNOTAVAIL, 1);
    good(KEXEC_TYPE_DEFAULT);
    ents[0].arg0 = PAGE_SIZE; /* below RAM */
    REFUSED(-EADDRNOTAVAIL, 1);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0x400800; /* MAP misaligned */
    REFUSED(-EADDRNOTAVAIL, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0x0000800000000000ULL; /* non-canonical */
    REFUSED(-EADDRNOTAVAIL, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0xffff7ffffffff000ULL; /* non-canonical, top */
    REFUSED(-EADDRNOTAVAIL, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0xffff800000000000ULL; /* the hypervisor's area */
    REFUSED(-EADDRNOTAVAIL, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = 0xffff82d040000000ULL;
    REFUSED(-EADDRNOTAVAIL, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg0 = 0xffff87fffffff000ULL; /* last hv page, 2 pages */
    REFUSED(-EADDRNOTAVAIL, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg0 = 0xffff87ffffffe000ULL; /* ends in the hv area */
    REFUSED(-EADDRNOTAVAIL, 5);
    /* from the low half into the hole: every page must be canonical */
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg0 = 0x00007ffffffff000ULL;
    REFUSED(-EADDRNOTAVAIL, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg0 = 0x00007fffffffe000ULL; /* ends on the last page */
    ACCEPTED();
}
END_TEST

/* ---- -EOVERFLOW ----------------------------------------------------------------- */

START_TEST(test_eoverflow)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = 0xfffffffffffff000ULL; /* dest + 1 page wraps */
    REFUSED(-EOVERFLOW, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = 0xffffffffffff0000ULL; /* a ZERO that wraps */
    ents[4] = E(KEXEC_OP_ZERO, 0, 0x100, 0);
    REFUSED(-EOVERFLOW, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[1].arg0 = 0x000fffffffffffffULL; /* source frames wrap */
    ents[1].arg1 = 2;
    REFUSED(-EOVERFLOW, 1);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg0 = 0xfffffffffffff000ULL; /* MAP wraps 2^64 */
    REFUSED(-EOVERFLOW, 5);
}
END_TEST

/* ---- -ERANGE --------------------------------------------------------------------- */

START_TEST(test_erange)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = PHYS_LIMIT; /* starts at the limit */
    REFUSED(-ERANGE, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = PHYS_LIMIT - PAGE_SIZE; /* one page ok ... */
    ents[4].arg1 = 2;                      /* ... two pages above */
    REFUSED(-ERANGE, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = GiB(1024);
    REFUSED(-ERANGE, 4);
    /* 32-bit entry point above 4 GiB */
    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, HIGH_RAM, 0, 0);
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 1, 0);
    hdr = (struct kexec_load){ .size = sizeof(hdr),
                               .arch = KEXEC_ARCH_32,
                               .entry_maddr = HIGH_RAM,
                               .nr_entries = nents };
    REFUSED(-ERANGE, H);
    ck_assert_uint_eq(ents[1].arg2, HIGH_RAM); /* validation wrote it */
    ents[1].arg2 = 0;
    hdr.arch = KEXEC_ARCH_64;
    ACCEPTED();
}
END_TEST

/* ---- -EBADMSG -------------------------------------------------------------------- */

START_TEST(test_ebadmsg)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[0] = E(KEXEC_OP_ZERO, 0, 1, 0); /* ZERO before any DEST */
    REFUSED(-EBADMSG, 0);
    good(KEXEC_TYPE_DEFAULT);
    ents[0] = E(KEXEC_OP_COPY, 0x8020, 1, 0); /* COPY before any DEST */
    REFUSED(-EBADMSG, 0);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg1 = 6; /* MAP names itself */
    REFUSED(-EBADMSG, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg1 = 6; /* MAP names a later entry */
    REFUSED(-EBADMSG, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg1 = 1000; /* ... far beyond the list */
    REFUSED(-EBADMSG, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg1 = 0; /* MAP names a DEST */
    REFUSED(-EBADMSG, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg1 = 5; /* MAP names a MAP */
    REFUSED(-EBADMSG, 6);
    good(KEXEC_TYPE_DEFAULT);
    ents[5].arg2 = 3; /* MAP longer than COPY x2 */
    REFUSED(-EBADMSG, 5);
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg2 = 4; /* MAP longer than ZERO x3 */
    REFUSED(-EBADMSG, 6);
}
END_TEST

/* ---- -EACCES ---------------------------------------------------------------------- */

START_TEST(test_eacces)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[4].arg0 = 0x201; /* the hypervisor's frame */
    REFUSED(-EACCES, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[4].arg0 = CRASH_START >> PAGE_SHIFT; /* a crash-region frame */
    REFUSED(-EACCES, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[1].arg0 = OWN_LAST; /* second frame not owned */
    REFUSED(-EACCES, 1);
    good(KEXEC_TYPE_DEFAULT);
    owned[0x8001 / 64] &= ~(1ULL << (0x8001 % 64)); /* a hole */
    REFUSED(-EACCES, 1);
}
END_TEST

/* ---- -EADDRINUSE --------------------------------------------------------------------- */

START_TEST(test_eaddrinuse)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = DEST0 + 4 * PAGE_SIZE; /* onto the ZERO's last page */
    REFUSED(-EADDRINUSE, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = DEST0; /* the same start */
    REFUSED(-EADDRINUSE, 4);
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = DEST0 - PAGE_SIZE; /* overlapping from below */
    ents[4].arg1 = 2;
    REFUSED(-EADDRINUSE, 4);
    /* A DEFAULT image may overwrite the hypervisor image (it is written
       at exec, when the hypervisor is done: a new build at its own link
       address); a CRASH image never (the dump needs it). */
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = HV_START; /* the hypervisor image */
    ACCEPTED();
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = HV_END - PAGE_SIZE; /* its last page */
    ACCEPTED();
    good(KEXEC_TYPE_DEFAULT);
    ents[3].arg0 = HV_START - PAGE_SIZE; /* runs into it */
    ents[4].arg1 = 2;
    ACCEPTED();
    good(KEXEC_TYPE_CRASH);
    ents[3].arg0 = HV_START;
    REFUSED(-EADDRINUSE, 4);
    good(KEXEC_TYPE_CRASH);
    ents[3].arg0 = HV_END - PAGE_SIZE;
    REFUSED(-EADDRINUSE, 4);
    /* a ZERO running over a COPY's pages after a second DEST */
    good(KEXEC_TYPE_DEFAULT);
    ents[4] = E(KEXEC_OP_ZERO, 0, 1, 0);
    ents[3].arg0 = DEST0 + PAGE_SIZE;
    REFUSED(-EADDRINUSE, 4);
}
END_TEST

/*
 * Destinations in no particular order (what makes the validator sort):
 * the entry named is still the first, in list order, that overlaps an
 * earlier one, and an earlier refusal of another rule still wins.
 */
#define F(n) (DEST0 + (uint64_t)(n)*PAGE_SIZE)

static void unordered(void)
{
    nents = 0;
    ents[nents++] = E(KEXEC_OP_DEST, F(10), 0, 0); /* [0] */
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 10, 0);    /* [1] 10..19 */
    ents[nents++] = E(KEXEC_OP_DEST, F(30), 0, 0); /* [2] */
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 10, 0);    /* [3] 30..39 */
    ents[nents++] = E(KEXEC_OP_DEST, F(0), 0, 0);  /* [4] */
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 5, 0);     /* [5] 0..4 */
    ents[nents++] = E(KEXEC_OP_DEST, F(50), 0, 0); /* [6] */
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 1, 0);     /* [7] 50 */
    ents[nents++] = E(KEXEC_OP_DEST, F(20), 0, 0); /* [8] */
    ents[nents++] = E(KEXEC_OP_ZERO, 0, 10, 0);    /* [9] 20..29 */
    hdr = (struct kexec_load){
        .size = sizeof(hdr),
        .type = KEXEC_TYPE_DEFAULT,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = F(0),
        .nr_entries = nents,
    };
}

START_TEST(test_eaddrinuse_unordered)
{
    unordered();
    ACCEPTED(); /* touching, not overlapping */
    for (uint64_t f = 0; f < 60; f++)
        ck_assert_int_eq(kimage_is_dest(&machine,
                                        _mfn((F(0) >> PAGE_SHIFT) + f)),
                         f < 5 || (f >= 10 && f < 40) || f == 50);

    /* [7] onto [3]'s last page, [9] onto [1]: [7] is named, though [9]'s
       overlap is with the earlier entry */
    unordered();
    ents[6].arg0 = F(39);
    ents[8].arg0 = F(15);
    REFUSED(-EADDRINUSE, 7);
    /* only [9]'s, onto [5] below everything */
    unordered();
    ents[8].arg0 = F(4);
    ents[9].arg1 = 1;
    REFUSED(-EADDRINUSE, 9);
    /* an overlap before a later entry's refusal wins ... */
    unordered();
    ents[6].arg0 = F(12);
    ents[9].op = 99;
    REFUSED(-EADDRINUSE, 7);
    /* ... and an earlier refusal wins over an overlap */
    unordered();
    ents[8].arg0 = F(12);
    ents[5].arg0 = 1;
    REFUSED(-EINVAL, 5);
    /* an overlap wins over the rules checked after the list */
    unordered();
    ents[8].arg0 = F(31);
    hdr.entry_maddr = F(45);
    REFUSED(-EADDRINUSE, 9);
}
END_TEST

/*
 * Random lists of DEST and ZERO entries over a small range, so that most
 * overlap somewhere, held against the rule read literally: the first
 * entry whose pages meet those of an earlier one, compared pairwise.
 */
START_TEST(test_eaddrinuse_random)
{
    enum { N = 40, SPAN = 1500 };
    static struct kexec_entry list[N];
    uint64_t seed = 12345, overlaps = 0;

    machine.max_entries = N;
    for (int round = 0; round < 3000; round++) {
        uint64_t start[N], end[N], want = UINT64_MAX, d = 0, bad;
        struct kimage_summary sum;
        const char *why;
        int rc;

        for (uint64_t i = 0; i < N; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            start[i] = end[i] = 0; /* a DEST: no pages */
            /* a DEST first and every third entry or so, else a ZERO
               going on where the last one ended */
            if (i == 0 || (i > 1 && (seed >> 60) % 3 == 0)) {
                d = 1 + (seed >> 33) % SPAN;
                list[i] = E(KEXEC_OP_DEST, F(d), 0, 0);
            } else {
                uint64_t pages = 1 + (seed >> 40) % 3;

                list[i] = E(KEXEC_OP_ZERO, 0, pages, 0);
                start[i] = d;
                end[i] = d + pages;
                for (uint64_t j = 0; j < i && want == UINT64_MAX; j++)
                    if (start[i] < end[j] && start[j] < end[i])
                        want = i;
                d += pages;
            }
        }
        hdr = (struct kexec_load){
            .size = sizeof(hdr),
            .type = KEXEC_TYPE_DEFAULT,
            .arch = KEXEC_ARCH_64,
            .entry_maddr = list[0].arg0,
            .nr_entries = N,
        };
        rc = kimage_validate(&hdr, list, &machine, &sum, &bad, &why);
        if (want == UINT64_MAX) {
            ck_assert_msg(rc == 0, "round %d: %d at %ld", round, rc, (long)bad);
            for (uint64_t f = 0; round % 16 == 0 && f < SPAN + 3 * N; f++) {
                bool is = false;

                for (uint64_t j = 0; j < N; j++)
                    is |= f >= start[j] && f < end[j];
                ck_assert_int_eq(kimage_is_dest(&machine,
                                                _mfn((F(0) >> PAGE_SHIFT) + f)),
                                 is);
            }
        } else {
            overlaps++;
            ck_assert_msg(rc == -EADDRINUSE && bad == want,
                          "round %d: got %d at %ld, want -EADDRINUSE at %ld",
                          round, rc, (long)bad, (long)want);
        }
    }
    /* both outcomes were tried, many times */
    ck_assert_uint_gt(overlaps, 300);
    ck_assert_uint_lt(overlaps, 2700);
}
END_TEST

/*
 * Two MAPs of one address: not a rule of kimage_validate() (the page
 * tables are built later, arch/x86/kexec/machine-kexec.c refuses it with
 * -EADDRINUSE); the validator accepts the list.
 */
START_TEST(test_double_map_left_to_the_builder)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = ents[5].arg0;
    ACCEPTED();
}
END_TEST

/* ---- -ENOSPC ------------------------------------------------------------------------- */

START_TEST(test_enospc)
{
    good(KEXEC_TYPE_CRASH);
    ents[3].arg0 = DEST0; /* outside the region */
    REFUSED(-ENOSPC, 4);
    good(KEXEC_TYPE_CRASH);
    ents[0].arg0 = CRASH_START - PAGE_SIZE; /* straddles its start */
    REFUSED(-ENOSPC, 1);
    good(KEXEC_TYPE_CRASH);
    ents[3].arg0 = CRASH_START + CRASH_SIZE - PAGE_SIZE; /* fits ... */
    ents[4].arg1 = 1;
    ACCEPTED();
    good(KEXEC_TYPE_CRASH);
    ents[3].arg0 = CRASH_START + CRASH_SIZE - PAGE_SIZE; /* ... or not */
    ents[4].arg1 = 2;
    REFUSED(-ENOSPC, 4);
    good(KEXEC_TYPE_CRASH);
    machine.crash_load_size = 0; /* no region reserved */
    REFUSED(-ENOSPC, 1);
    /* a default image may use the crash region */
    good(KEXEC_TYPE_DEFAULT);
    ents[0].arg0 = CRASH_START;
    hdr.entry_maddr = CRASH_START;
    ACCEPTED();
}
END_TEST

/* ---- -ENOEXEC ------------------------------------------------------------------------ */

START_TEST(test_enoexec)
{
    good(KEXEC_TYPE_DEFAULT);
    hdr.entry_maddr = DEST0 - 1;
    REFUSED(-ENOEXEC, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.entry_maddr = DEST0 + 5 * PAGE_SIZE; /* just past the ZERO */
    REFUSED(-ENOEXEC, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.entry_maddr = 0;
    REFUSED(-ENOEXEC, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.entry_maddr = ~0ULL;
    REFUSED(-ENOEXEC, H);
    /* inside a ZERO page and the last byte of a COPY page are fine */
    good(KEXEC_TYPE_DEFAULT);
    hdr.entry_maddr = DEST0 + 4 * PAGE_SIZE + 0x123;
    ACCEPTED();
    good(KEXEC_TYPE_DEFAULT);
    hdr.entry_maddr = DEST0 + MiB(16) + PAGE_SIZE - 1;
    ACCEPTED();
}
END_TEST

/* ---- MAP pages against max_map_pages ------------------------------------------ */

START_TEST(test_map_pages_limit)
{
    struct kimage_summary sum;
    uint64_t bad = 0;
    const char *why = NULL;

    good(KEXEC_TYPE_DEFAULT); /* MAPs of 2 + 1 pages */
    machine.max_map_pages = 3;
    ck_assert_int_eq(kimage_validate(&hdr, ents, &machine, &sum, &bad, &why),
                     0);
    ck_assert_uint_eq(sum.map_pages, 3);
    good(KEXEC_TYPE_DEFAULT);
    machine.max_map_pages = 2; /* the second MAP is over */
    REFUSED(-E2BIG, 6);
    ck_assert_str_eq(why_last(), "MAP pages above the limit");
    /* many MAPs of one entry count every time */
    good(KEXEC_TYPE_DEFAULT);
    machine.max_map_pages = 7;
    ents[7] = E(KEXEC_OP_MAP, 0xffffc00000100000ULL, 1, 2);
    ents[8] = E(KEXEC_OP_MAP, 0xffffc00000200000ULL, 1, 2);
    hdr.nr_entries = nents = 9;
    ACCEPTED();
    clear_arg2();
    machine.max_map_pages = 6;
    REFUSED(-E2BIG, 8);
}
END_TEST

/* ---- a MAP over a destination's 1:1 address ----------------------------------- */

START_TEST(test_map_over_destination)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = DEST0 + 4 * PAGE_SIZE; /* the ZERO's last page */
    REFUSED(-EADDRINUSE, 6);
    ck_assert_str_eq(why_last(), "MAP over the 1:1 address of a destination");
    /* a destination named only by a later entry: still the MAP */
    good(KEXEC_TYPE_DEFAULT);
    ents[6].arg0 = DEST0 + MiB(32);
    ents[7] = E(KEXEC_OP_DEST, DEST0 + MiB(32) + PAGE_SIZE, 0, 0);
    ents[8] = E(KEXEC_OP_ZERO, 0, 1, 0);
    hdr.nr_entries = nents = 9;
    ACCEPTED(); /* the page below: free */
    clear_arg2();
    ents[7].arg0 = DEST0 + MiB(32);
    REFUSED(-EADDRINUSE, 6);
    /* checked after every entry: a later entry's own rule comes first */
    clear_arg2();
    ents[8].flags = 1;
    REFUSED(-EINVAL, 8);
    /* the high half never meets a destination */
    good(KEXEC_TYPE_DEFAULT);
    ACCEPTED();
}
END_TEST

/* The header's rules alone: the same answer as the whole validation. */
START_TEST(test_header_alone)
{
    uint64_t bad;
    const char *why;

    good(KEXEC_TYPE_DEFAULT);
    ents[2].flags = 1; /* not looked at */
    ck_assert_int_eq(kimage_validate_header(&hdr, &machine, &bad, &why), 0);
    hdr.arch = 9;
    ck_assert_int_eq(kimage_validate_header(&hdr, &machine, &bad, &why),
                     -EINVAL);
    ck_assert_uint_eq(bad, H);
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    hdr.nr_entries = MAX_ENTRIES + 1;
    ck_assert_int_eq(kimage_validate_header(&hdr, &machine, &bad, &why),
                     -E2BIG);
    hdr.nr_entries = 0;
    ck_assert_int_eq(kimage_validate_header(&hdr, &machine, &bad, &why),
                     -ENXIO);
    /* kexec.h's order: the count before every field */
    hdr.nr_entries = MAX_ENTRIES + 1;
    hdr.size = 1;
    hdr.type = 9;
    ck_assert_int_eq(kimage_validate_header(&hdr, &machine, &bad, &why),
                     -E2BIG);
}
END_TEST

/* The first refusal in list order wins; the header before every entry. */
START_TEST(test_order)
{
    good(KEXEC_TYPE_DEFAULT);
    ents[2].arg0 = 1;     /* -EINVAL at 2 */
    ents[4].arg0 = 0x201; /* -EACCES at 4 */
    REFUSED(-EINVAL, 2);
    good(KEXEC_TYPE_DEFAULT);
    ents[4].arg0 = 0x201;
    hdr.flags = 2;
    REFUSED(-EINVAL, H);
    good(KEXEC_TYPE_DEFAULT);
    ents[4].arg0 = 0x201;
    hdr.entry_maddr = 0; /* checked after the list */
    REFUSED(-EACCES, 4);
}
END_TEST

/* ---- cost: 1,000,000 entries --------------------------------------------------------- */

START_TEST(test_million_entries)
{
    const uint64_t n = 1000000;
    struct kexec_entry *big = calloc(n, sizeof(*big));
    struct kimage_summary sum;
    uint64_t bad = 0, i = 0;
    const char *why = NULL;
    int rc;

    ck_assert_ptr_nonnull(big);
    /* DEST + 499,999 single-page COPY/ZERO entries, then MAPs of them */
    big[i++] = E(KEXEC_OP_DEST, MiB(8), 0, 0);
    for (; i < 500000; i++)
        big[i] = (i & 1) ? E(KEXEC_OP_COPY, OWN_FIRST + (i % 0x1000), 1, 0)
                         : E(KEXEC_OP_ZERO, 0, 1, 0);
    for (uint64_t k = 0; i < n; i++, k++)
        big[i] = E(KEXEC_OP_MAP, 0x100000000000ULL + k * PAGE_SIZE,
                   1 + k % 499999, 1);
    machine.max_entries = n;
    machine.max_pages = n;
    machine.max_map_pages = n;
    hdr = (struct kexec_load){ .size = sizeof(hdr),
                               .arch = KEXEC_ARCH_64,
                               .entry_maddr = MiB(8),
                               .nr_entries = n };
    owned_calls = ram_calls = 0;
    rc = kimage_validate(&hdr, big, &machine, &sum, &bad, &why);
    ck_assert_msg(rc == 0, "%d at %lu: %s", rc, (unsigned long)bad, why);
    ck_assert_uint_eq(sum.dest_pages, 499999);
    ck_assert_uint_eq(sum.maps, 500000);
    /* one ownership check per frame, one RAM check per entry */
    ck_assert_uint_eq(owned_calls, 250000);
    ck_assert_uint_eq(ram_calls, 499999);

    /* an overlap at the very end is still found */
    for (uint64_t k = 1; k < 500000; k++)
        big[k].arg2 = 0;
    big[n - 2] = E(KEXEC_OP_DEST, MiB(8) + PAGE_SIZE * 7, 0, 0);
    big[n - 1] = E(KEXEC_OP_ZERO, 0, 1, 0);
    rc = kimage_validate(&hdr, big, &machine, &sum, &bad, &why);
    ck_assert_int_eq(rc, -EADDRINUSE);
    ck_assert_uint_eq(bad, n - 1);
    free(big);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kimage");
    TCase *ok = tcase_create("valid");
    TCase *rules = tcase_create("rules");
    TCase *cost = tcase_create("cost");

    tcase_add_checked_fixture(ok, setup, teardown);
    tcase_add_test(ok, test_good_default);
    tcase_add_test(ok, test_good_crash_and_32);
    tcase_add_test(ok, test_good_limits);
    suite_add_tcase(s, ok);

    tcase_add_checked_fixture(rules, setup, teardown);
    tcase_add_test(rules, test_einval_header);
    tcase_add_test(rules, test_einval_entry_fields);
    tcase_add_test(rules, test_einval_unused_args);
    tcase_add_test(rules, test_e2big);
    tcase_add_test(rules, test_enxio);
    tcase_add_test(rules, test_eaddrnotavail);
    tcase_add_test(rules, test_eoverflow);
    tcase_add_test(rules, test_erange);
    tcase_add_test(rules, test_ebadmsg);
    tcase_add_test(rules, test_eacces);
    tcase_add_test(rules, test_eaddrinuse);
    tcase_add_test(rules, test_eaddrinuse_unordered);
    tcase_add_test(rules, test_eaddrinuse_random);
    tcase_add_test(rules, test_double_map_left_to_the_builder);
    tcase_add_test(rules, test_enospc);
    tcase_add_test(rules, test_enoexec);
    tcase_add_test(rules, test_map_pages_limit);
    tcase_add_test(rules, test_map_over_destination);
    tcase_add_test(rules, test_header_alone);
    tcase_add_test(rules, test_order);
    suite_add_tcase(s, rules);

    tcase_add_checked_fixture(cost, setup, teardown);
    tcase_add_test(cost, test_million_entries);
    tcase_set_timeout(cost, 60); /* ASan; linear, a second or two */
    suite_add_tcase(s, cost);
    return s;
}

int main(void)
{
    return harness_run(suite());
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon_stale, balloon_batch: what a hostile guest can do with
 * ballooning (include/public/xen.h, XENMEM_*_reservation).
 *
 * balloon_stale -- rule guarded: a frame leaves the domain only once no
 * translation of it is left on any CPU.  The guest maps a frame of its
 * own writable, writes it (its TLB now holds the translation), maps it a
 * second time and removes that mapping (the first still counts:
 * -EBUSY), then clears the first L1 entry with update_va_mapping(va, 0,
 * 0), no flush asked, and gives the frame back.  Writing through the old
 * address must now fault.  Before the fix, the write went to a free
 * frame, which the guest then saw again through increase_reservation.
 *   Expected guest line: "balloon_stale: about to fault: write through
 *   the stale address <va> at RIP <hex>", no verdict.  Expected
 *   hypervisor line: "(HV) d0: fatal page fault at RIP <hex> ... CR2
 *   <va>".  Should the write go through, FAIL and "Test result: FAILURE".
 *
 * balloon_batch -- rule guarded: one call does at most
 * XENMEM_MAX_EXTENTS_PER_CALL extents and returns how many it did; the
 * caller goes on from there.  Gives back 2 * MAX + 3 gfns, in calls that
 * each return at most MAX, and takes as many back, the same way; the
 * first gfn taken back is the last given.  Prints the TSC cycles of each
 * call (a figure, not asserted).
 *   Expected guest lines: PASS only, "Test result: SUCCESS".
 */
#include "guest.h"

/* Assembly text laid out as assembly. */
/* clang-format off */
__asm__(
    "    .pushsection .text, \"ax\", @progbits\n"
    "    .globl do_stale_write, stale_write_rip\n"
    "do_stale_write:\n"
    "stale_write_rip:\n"
    "    movq %rsi, (%rdi)\n"
    "    ret\n"
    "    .popsection\n");
/* clang-format on */

void do_stale_write(uint64_t addr, uint64_t val);
extern const char stale_write_rip[];

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    /* clang-format on */
    return ((uint64_t)hi << 32) | lo;
}

#define PATTERN 0x57a1e7ab1e5eedUL

DEFINE_TEST(balloon_stale, "a frame given back is unreachable through a "
                           "stale TLB entry")
{
    uint64_t gfn = take_free_gfn(), mfn, va = scratch_slot_va(0), g;
    volatile uint64_t *p = (volatile uint64_t *)va;

    if (gfn == NO_GFN) {
        error("no free gfn");
        return;
    }
    mfn = gfn_to_mfn(gfn);
    if (!check_eq(scratch_map(0, mfn, PTE_RW), 0, "map gfn %#lx writable", gfn))
        return;
    *p = PATTERN;
    check_eq(*p, PATTERN, "write and read it through %#lx", va);

    /* Two mappings, one removed: still mapped. */
    check_eq(scratch_map(1, mfn, PTE_RW), 0, "map it a second time");
    check_eq(scratch_unmap(1), 0, "remove the second mapping");
    g = gfn;
    check_eq(reservation(XENMEM_decrease_reservation, &g, 1), -HV_EBUSY,
             "decrease_reservation while the first mapping stays: -EBUSY");

    /* Clear the L1 entry, no flush: the TLB still translates va. */
    check_eq(hc_update_va_mapping(va, 0, 0), 0,
             "update_va_mapping(va, 0, 0): unmapped, no flush asked");
    g = gfn;
    check_eq(reservation(XENMEM_decrease_reservation, &g, 1), 1,
             "decrease_reservation of gfn %#lx (mfn %#lx)", gfn, mfn);

    info("about to fault: write through the stale address %#lx at RIP %016lx",
         va, PTR(stale_write_rip));
    do_stale_write(va, ~PATTERN);

    /* Still running: the write went to a frame the domain no longer owns. */
    fail("the write through the stale address %#lx reached freed mfn %#lx", va,
         mfn);
    g = ~0UL;
    if (reservation(XENMEM_increase_reservation, &g, 1) == 1 &&
        gfn_to_mfn(g) == mfn)
        fail("... and increase_reservation handed the same frame back, "
             "reading %#lx through the stale address",
             *p);
}

/* 2 * MAX + 3: three calls each way, the last a partial one. */
#define BATCH_TOTAL (2 * XENMEM_MAX_EXTENTS_PER_CALL + 3)
static uint64_t gfns[BATCH_TOTAL], back[BATCH_TOTAL];

/* Run cmd over list[0..n) as a caller must: from where each call stopped. */
static bool all_extents(unsigned int cmd, const char *what, uint64_t *list,
                        uint64_t n)
{
    uint64_t done = 0;
    unsigned int calls = 0;

    while (done < n) {
        uint64_t left = n - done, t0 = rdtsc();
        long rc = reservation(cmd, list + done, left);
        uint64_t cycles = rdtsc() - t0;
        uint64_t want = left < XENMEM_MAX_EXTENTS_PER_CALL
                            ? left
                            : XENMEM_MAX_EXTENTS_PER_CALL;

        if (rc > 0)
            info("%s: %ld extents in %lu TSC cycles (%lu per extent)", what, rc,
                 cycles, cycles / (uint64_t)rc);
        if (!check_eq(rc, want, "%s call %u of %lu extents returns %lu", what,
                      calls + 1, left, want))
            return false;
        done += (uint64_t)rc;
        calls++;
    }
    return check_eq(calls, 3, "%s of %lu extents took 3 calls", what, n);
}

DEFINE_TEST(balloon_batch, "at most XENMEM_MAX_EXTENTS_PER_CALL extents "
                           "per call, partial results")
{
    long cur0 = current_reservation();
    uint64_t i;

    for (i = 0; i < BATCH_TOTAL; i++)
        if ((gfns[i] = take_free_gfn()) == NO_GFN) {
            error("only %lu free gfns, need %u", i, BATCH_TOTAL);
            return;
        }
    if (!all_extents(XENMEM_decrease_reservation, "decrease_reservation", gfns,
                     BATCH_TOTAL))
        return;
    check_eq(current_reservation(), cur0 - BATCH_TOTAL,
             "current_reservation dropped by %u", BATCH_TOTAL);
    for (i = 0; i < BATCH_TOTAL && gfn_to_mfn(gfns[i]) == P2M_INVALID; i++)
        ;
    check_eq(i, BATCH_TOTAL,
             "every gfn given back has no frame (first "
             "exception: index %lu)",
             i);

    for (i = 0; i < BATCH_TOTAL; i++)
        back[i] = ~0UL;
    if (!all_extents(XENMEM_increase_reservation, "increase_reservation", back,
                     BATCH_TOTAL))
        return;
    check_eq(back[0], gfns[BATCH_TOTAL - 1],
             "the first gfn taken back is the last one given");
    check_eq(current_reservation(), cur0,
             "current_reservation is back where it was");
    for (i = 0; i < BATCH_TOTAL && back[i] < si->p2m_size &&
                gfn_to_mfn(back[i]) != P2M_INVALID;
         i++)
        ;
    check_eq(i, BATCH_TOTAL,
             "every gfn taken back has a frame (first "
             "exception: index %lu)",
             i);
}

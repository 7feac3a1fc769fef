/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz: a dom0 hypercall fuzzer with a model of what each call must do.
 *
 *   fuzz_seed=S   the PRNG seed (splitmix64; default 1)
 *   fuzz_n=N      the number of calls (default 10000)
 *   fuzz_from=I   print every call's decoded arguments from call I on
 *
 * About 85% of the calls are kexec_op: loads of lists built valid (which
 * must load: 0, or -ENOTRECOVERABLE once memory was ballooned out) and of
 * such lists with one mutation whose errno and bad_entry the ABI fixes
 * (include/public/kexec.h, "Which errno wins"), or with one to three
 * random mutations (bit flips in frames, counts, flags and sizes; overlaps;
 * destinations outside the crash region; zero frames; forward references;
 * wild MAPs; wrong size fields; bad pointers of every kind for the header
 * and the list), whose result must lie in the documented set; plus
 * status, unload, get_range, get_limits, unknown commands, and exec
 * whenever the model says it is refused.  The rest: every other
 * hypercall with arguments a buggy dom0 could send (never a shutdown,
 * an injected crash or an exec that ends the machine; the balloon ops
 * only on frames dom0 does not use, and modelled).
 *
 * After every call the model is checked: both kexec slots' status (loaded
 * and unsafe), dom0's frame count (memory_op current_reservation) and the
 * hypervisor's free frames (debug_op free_frames; unchanged by a refusal,
 * back to the baseline whenever no image other than the baseline one is
 * loaded).  A mismatch prints "FAIL: fuzz: call I: ...", the last calls'
 * arguments, and stops (verdict FAILURE).  Every 1000 calls: "fuzz:
 * i=I ok".  The same seed and N replay the same calls under the same
 * firmware and CPU count (the hypervisor's address and the CPUs enter
 * some arguments).
 *
 * The end: the crash image check64 (modules[0]) runs, bit for bit.  An
 * even seed loads it before the fuzz (then every CRASH load the fuzzer
 * makes is poisoned to be refused, and the crash image is never
 * unloaded: the refusals must leave the crash region untouched); an odd
 * seed fuzzes CRASH loads and unloads freely and loads it after.  Then
 * "PASS: fuzz: ..." and debug_op inject panic (needs debug-inject): the
 * crash image prints "check64: verdict PASS" (QEMU status 65).
 *
 * Boot: crashkernel=64M@256M debug-inject, check64 as modules[0].
 * Expected guest lines: PASS only, "fuzz: i=I ok", "fuzz: loads: ..."
 * (what the loads gave), no verdict (the crash ends the run).  Expected
 * hypervisor lines: one "(HV) d0 <call>: ... (-E...)" per refusal,
 * "Injecting 'panic'", "kexec: running the crash image".
 */
#include "kexec-guest.h"
#include <public/hv-area.h>

#define H KEXEC_BAD_HEADER

/* ---- the PRNG ------------------------------------------------------------- */

static uint64_t prng;

static uint64_t rnd(void)
{
    uint64_t z = (prng += 0x9e3779b97f4a7c15UL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
    return below(100) < percent;
}

/* ---- the log: the last calls, decoded ----------------------------------- */

#define RING 6
static char ring[RING][480];
static uint64_t ring_idx[RING];
static uint64_t cur_i, log_from = ~0UL;
static int ring_pos;
static bool failed;

static void desc(const char *fmt, ...) __printf(1, 2);
static void desc(const char *fmt, ...)
{
    va_list ap;
    char *d = ring[cur_i % RING];

    va_start(ap, fmt);
    vsnprintf(d, sizeof(ring[0]), fmt, ap);
    va_end(ap);
    ring_idx[cur_i % RING] = cur_i;
    ring_pos = (int)(cur_i % RING);
    if (cur_i >= log_from)
        info("call %lu: %s", cur_i, d);
}

/* Extra words on the current call's line (what the result must be). */
static void desc_add(const char *fmt, ...) __printf(1, 2);
static void desc_add(const char *fmt, ...)
{
    va_list ap;
    char *d = ring[cur_i % RING];
    size_t l = strlen(d);

    va_start(ap, fmt);
    vsnprintf(d + l, sizeof(ring[0]) - l, fmt, ap);
    va_end(ap);
}

static void bad(const char *fmt, ...) __printf(1, 2);
static void bad(const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    if (failed)
        return;
    failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fail("call %lu: %s", cur_i, msg);
}

static const char *en(long rc)
{
    static char b[4][24];
    static int k;
    const char *n = rc < 0 ? errno_name(rc) : NULL;
    char *o = b[k++ & 3];

    if (n)
        snprintf(o, sizeof(b[0]), "-%s", n);
    else
        snprintf(o, sizeof(b[0]), "%ld", rc);
    return o;
}

/* ---- the machine as the model knows it ---------------------------------- */

static struct kexec_limits lim;
static uint64_t cr_start, cr_size, hv_start, hv_size, nr_cpus;
static long version;
static bool crash_first; /* even seed: crash image loaded first */
static bool have_inject; /* debug-inject on the HV command line */

static struct {
    bool loaded[2];
    uint64_t owed;  /* frames ballooned out, not given back */
    long cur, max;  /* dom0's reservation */
    long free;      /* the hypervisor's free frames */
    long free_base; /* ... with only the baseline images */
} m;

static long free_frames(void)
{
    return hypercall2(__HYPERVISOR_debug_op, DEBUGOP_free_frames, 0);
}

static long status_of(uint32_t t)
{
    return (m.loaded[t] ? KEXEC_STATUS_LOADED : 0) |
           (m.owed ? KEXEC_STATUS_UNSAFE : 0);
}

/* ---- memory the fuzzer hands out ---------------------------------------- */

#define SLOT_RW      200                 /* RW page; slot 201 is never mapped */
#define SLOT_ROW     202                 /* RW alias of the read-only page... */
#define SLOT_RO      203                 /* ...mapped read-only here */
#define SLOT_HOLE    (SCRATCH_PAGES - 1) /* never mapped (flush_tlb) */
#define SLOT_SANDBOX 300 /* mmu_update / update_va_mapping play here */
#define NR_SANDBOX   16

#define NR_SRC  24 /* COPY sources */
#define NR_MAPF 4  /* frames the mmu fuzz maps */
#define NR_POOL 64 /* balloon: free gfns never mapped */

static uint64_t src[NR_SRC], mapf[NR_MAPF], pool[NR_POOL];
static unsigned int nr_pool;
static uint64_t busy_gfn, module_gfn, pt_mfn;

static uint8_t *va_rw, *va_row;
static uint64_t end_rw; /* first byte of the unmapped slot */
static size_t last_cut; /* bytes before it, of the last straddle */
static uint32_t nr_e820;

enum pk {
    PK_GOOD,
    PK_NULL,
    PK_LOW,
    PK_HOLE,
    PK_HV,
    PK_NONCANON,
    PK_STRADDLE,
    PK_RO,
    PK_N
};
static const char *const pk_name[PK_N] = {
    "good", "NULL", "unmapped", "hole", "hv", "noncanonical", "straddle", "ro",
};

/* A pointer kind: mostly good, otherwise every bad kind alike. */
static enum pk pick_pk(unsigned int good_percent)
{
    return chance(good_percent) ? PK_GOOD : (enum pk)(1 + below(PK_N - 1));
}

/*
 * Where the size bytes at good go for kind k: a copy in the read-only
 * page (at byte off) or running off the RW page into the unmapped one,
 * or a bad address.  *rd, *wr: whether all of it can be read / written.
 */
static uint64_t place(enum pk k, const void *good, size_t size, size_t off,
                      bool *rd, bool *wr)
{
    size_t cut;

    *rd = k == PK_GOOD || k == PK_RO;
    *wr = k == PK_GOOD;
    switch (k) {
    case PK_GOOD:
        return PTR(good);
    case PK_NULL:
        return 0;
    case PK_LOW:
        return 0x1000 + below(PAGE_SIZE);
    case PK_HOLE:
        return scratch_slot_va(SLOT_HOLE) + below(PAGE_SIZE);
    case PK_HV:
        return HYPERVISOR_VIRT_START +
               (below(HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START) & ~7UL);
    case PK_NONCANON:
        return (rnd() & 0x7fffffffffffffffUL) | 0x0000800000000000UL;
    case PK_STRADDLE:
        if (size < 2) { /* cannot straddle: the page's last byte */
            *rd = *wr = true;
            va_rw[PAGE_SIZE - 1] = size ? *(const uint8_t *)good : 0;
            return end_rw - 1;
        }
        cut = 1 + below(size - 1);
        last_cut = cut;
        memcpy((void *)(end_rw - cut), good, cut);
        return end_rw - cut;
    case PK_RO:
    default:
        memcpy(va_row + off, good, size);
        return scratch_slot_va(SLOT_RO) + off;
    }
}

/* ---- kexec_load ---------------------------------------------------------- */

#define MAXE 48
static struct kexec_entry E[MAXE + 16] __aligned(4096);
static struct kexec_load LD;
static uint64_t nE;

static struct kexec_entry ent(uint16_t op, uint64_t a0, uint64_t a1,
                              uint64_t a2)
{
    return (struct kexec_entry){ .op = op, .arg0 = a0, .arg1 = a1, .arg2 = a2 };
}

#define SEG       0x10000UL /* a segment: 16 pages at a 64 KiB slot */
#define MAP_VA(j) (0xffffc00000000000UL + (uint64_t)(j)*0x1000000UL)

static uint64_t base_of(uint8_t type)
{
    return type == KEXEC_TYPE_CRASH ? cr_start : KX_DEFAULT_BASE;
}

static uint64_t nr_slots(uint8_t type)
{
    uint64_t n = type == KEXEC_TYPE_CRASH ? cr_size / SEG : 64;

    return n > 64 ? 64 : n;
}

static bool is_data(const struct kexec_entry *e)
{
    return e->op == KEXEC_OP_COPY || e->op == KEXEC_OP_ZERO;
}

/* What gen_valid() built: its COPY/ZERO entries, where each lands, and
   its MAP entries. */
static uint64_t g_data[MAXE], g_dest[MAXE], g_nd, g_maps[MAXE], g_nmaps;

#define REGION_PAGES 1024 /* 64 segment slots of 16 pages */

/* A COPY (of a run of consecutive source frames) or ZERO of up to max
   pages at E[nE]; its pages. */
static uint64_t gen_data(uint64_t max)
{
    uint64_t n;

    if (chance(60)) {
        uint64_t i = below(NR_SRC), run = 1;

        while (i + run < NR_SRC && src[i + run] == src[i] + run && run < 3)
            run++;
        n = 1 + below(run);
        n = n > max ? max : n;
        E[nE] = ent(KEXEC_OP_COPY, src[i], n, 0);
    } else {
        n = 1 + below(4);
        n = n > max ? max : n;
        E[nE] = ent(KEXEC_OP_ZERO, 0, n, 0);
    }
    return n;
}

static void gen_map(void)
{
    uint64_t j = g_data[below(g_nd)], va = MAP_VA(g_nmaps);

    /* right after the previous MAP: the overlap rule's boundary */
    if (g_nmaps && chance(30)) {
        const struct kexec_entry *p = &E[g_maps[g_nmaps - 1]];

        va = p->arg0 + p->arg2 * PAGE_SIZE;
    }
    E[nE] = ent(KEXEC_OP_MAP, va, j, 1 + below(E[j].arg1));
    g_maps[g_nmaps++] = nE++;
}

/*
 * A valid list of type t into E, nE, LD: up to 4 segments of up to 16
 * pages in the first REGION_PAGES pages of the type's region, some
 * starting right where the previous one ends (the overlap rule's
 * boundary), for a CRASH image perhaps one ending exactly at the end of
 * the crash load range; MAPs of earlier entries.
 */
static void gen_valid(uint8_t t)
{
    uint64_t used[REGION_PAGES / 64] = { 0 }, segs = 1 + below(4), end = 0;
    uint64_t slots = nr_slots(t);

    memset(E, 0, sizeof(E));
    nE = g_nd = g_nmaps = 0;
    for (uint64_t s = 0; s < segs; s++) {
        uint64_t p, pages = 0;

        if (s && chance(30) && end < slots * 16 &&
            !(used[end / 64] & (1UL << (end % 64))))
            p = end;
        else {
            do
                p = below(slots) * 16;
            while (used[p / 64] & (1UL << (p % 64)));
        }
        E[nE++] = ent(KEXEC_OP_DEST, base_of(t) + p * PAGE_SIZE, 0, 0);
        for (uint64_t k = 1 + below(3); k && pages < 16; k--) {
            uint64_t room = 0, n;

            while (room < 16 - pages && p + pages + room < slots * 16 &&
                   !(used[(p + pages + room) / 64] &
                     (1UL << ((p + pages + room) % 64))))
                room++;
            if (!room)
                break;
            n = gen_data(room);
            for (uint64_t q = p + pages; q < p + pages + n; q++)
                used[q / 64] |= 1UL << (q % 64);
            g_dest[g_nd] = base_of(t) + (p + pages) * PAGE_SIZE;
            g_data[g_nd++] = nE++;
            pages += n;
            if (g_nmaps < 3 && chance(30))
                gen_map();
        }
        if (!pages) /* no room after all: a DEST alone is fine */
            continue;
        end = p + pages;
    }
    if (t == KEXEC_TYPE_CRASH && chance(25)) {
        /* a segment ending at the last byte of the crash load range */
        uint64_t n = 1 + below(4);

        E[nE++] = ent(KEXEC_OP_DEST, cr_start + cr_size - n * PAGE_SIZE, 0, 0);
        n = gen_data(n);
        E[nE - 1].arg0 = cr_start + cr_size - n * PAGE_SIZE;
        g_dest[g_nd] = E[nE - 1].arg0;
        g_data[g_nd++] = nE++;
    }
    {
        uint64_t k = below(g_nd), j = g_data[k];

        LD = (struct kexec_load){
            .size = sizeof(LD),
            .type = t,
            .arch = chance(25) ? KEXEC_ARCH_32 : KEXEC_ARCH_64,
            .entry_maddr = g_dest[k] + below(E[j].arg1 * PAGE_SIZE),
            .entries = PTR(E),
            .nr_entries = nE,
            .bad_entry = 0x5a5a,
        };
    }
}

/* The index of the nth entry with that op (wrapping), or -1. */
static long find_op(uint16_t op, uint64_t nth)
{
    uint64_t c = 0;

    for (uint64_t i = 0; i < nE; i++)
        c += E[i].op == op;
    if (!c)
        return -1;
    nth %= c;
    for (uint64_t i = 0; i < nE; i++)
        if (E[i].op == op && !nth--)
            return (long)i;
    return -1;
}

static long first_data(void)
{
    for (uint64_t i = 0; i < nE; i++)
        if (is_data(&E[i]))
            return (long)i;
    return -1;
}

/* A frame no COPY may name. */
static uint64_t not_owned_frame(void)
{
    switch (below(4)) {
    case 0:
        return (hv_start >> PAGE_SHIFT) + below(hv_size >> PAGE_SHIFT);
    case 1:
        return (cr_start >> PAGE_SHIFT) + below(cr_size >> PAGE_SHIFT);
    case 2:
        return va_to_mfn(si->p2m_list);
    default:
        return va_to_mfn(PTR(si));
    }
}

/*
 * One mutation of the list whose errno and bad_entry are fixed.  Returns
 * false if the list has nothing to mutate that way.
 */
static bool exact_mutation(long *err, uint64_t *be, char *w, size_t wl)
{
    long i;
    uint64_t v;

    switch (below(21)) {
    case 0:
        LD.flags = 1 + below(0xffff);
        *err = -HV_EINVAL;
        *be = H;
        snprintf(w, wl, "header flags %#x", LD.flags);
        return true;
    case 1:
        LD.type = 2 + below(254);
        *err = -HV_EINVAL;
        *be = H;
        snprintf(w, wl, "type %u", LD.type);
        return true;
    case 2:
        LD.arch = chance(30) ? 0 : 3 + below(253);
        *err = -HV_EINVAL;
        *be = H;
        snprintf(w, wl, "arch %u", LD.arch);
        return true;
    case 3:
        LD.size = (uint32_t)below(sizeof(LD));
        *err = -HV_EINVAL;
        *be = H;
        snprintf(w, wl, "size %u", LD.size);
        return true;
    case 4:
        LD.nr_entries = 0;
        *err = -HV_ENXIO;
        *be = H;
        snprintf(w, wl, "nr_entries 0");
        return true;
    case 5:
        LD.nr_entries = lim.max_entries + 1 + (chance(50) ? 0 : rnd() >> 1);
        *err = -HV_E2BIG;
        *be = H;
        snprintf(w, wl, "nr_entries %#lx", LD.nr_entries);
        return true;
    case 6: {
        enum pk k = (enum pk)(PK_NULL + below(PK_STRADDLE - PK_NULL + 1));
        bool rd, wr;

        if (k == PK_STRADDLE && nE < 2)
            return false;
        LD.entries = place(k, E, nE * sizeof(E[0]), 0, &rd, &wr);
        *err = -HV_EFAULT;
        *be = H;
        snprintf(w, wl, "entries %s %#lx", pk_name[k], LD.entries);
        return true;
    }
    case 7:
        i = (long)below(nE);
        E[i].flags = 1 + below(0xffff);
        *err = -HV_EINVAL;
        *be = i;
        snprintf(w, wl, "entry %ld flags %#x", i, E[i].flags);
        return true;
    case 8:
        i = (long)below(nE);
        E[i].pad = 1 + below(0xffffffffUL);
        *err = -HV_EINVAL;
        *be = i;
        snprintf(w, wl, "entry %ld pad %#x", i, E[i].pad);
        return true;
    case 9:
        i = (long)below(nE);
        do
            v = below(0x10000);
        while (v >= KEXEC_OP_DEST && v <= KEXEC_OP_MAP);
        E[i].op = (uint16_t)v;
        *err = -HV_EINVAL;
        *be = i;
        snprintf(w, wl, "entry %ld op %lu", i, v);
        return true;
    case 10:
        i = find_op(KEXEC_OP_DEST, rnd());
        E[i].arg0 += 1 + below(PAGE_SIZE - 1);
        *err = -HV_EADDRNOTAVAIL;
        *be = i;
        snprintf(w, wl, "DEST %ld misaligned %#lx", i, E[i].arg0);
        return true;
    case 11:
        i = find_op(KEXEC_OP_COPY, rnd());
        if (i < 0)
            return false;
        if (chance(50))
            E[i].arg0 = 0;
        else
            E[i].arg1 = 0;
        *err = -HV_ENXIO;
        *be = i;
        snprintf(w, wl, "COPY %ld frame %#lx count %lu", i, E[i].arg0,
                 E[i].arg1);
        return true;
    case 12:
        i = find_op(KEXEC_OP_ZERO, rnd());
        if (i < 0)
            return false;
        E[i].arg1 = 0;
        *err = -HV_ENXIO;
        *be = i;
        snprintf(w, wl, "ZERO %ld of 0 pages", i);
        return true;
    case 13:
        i = find_op(KEXEC_OP_MAP, rnd());
        if (i < 0)
            return false;
        if (chance(50)) {
            E[i].arg2 = 0;
            *err = -HV_ENXIO;
        } else {
            E[i].arg1 = (uint64_t)i + (chance(50) ? 0 : below(1000));
            *err = -HV_EBADMSG;
        }
        *be = i;
        snprintf(w, wl, "MAP %ld names %lu, %lu pages", i, E[i].arg1,
                 E[i].arg2);
        return true;
    case 14:
        i = find_op(KEXEC_OP_COPY, rnd());
        if (i < 0)
            return false;
        E[i].arg0 = not_owned_frame();
        E[i].arg1 = 1;
        *err = -HV_EACCES;
        *be = i;
        snprintf(w, wl, "COPY %ld of frame %#lx (not dom0's)", i, E[i].arg0);
        return true;
    case 15:
        LD.entry_maddr = 0x1000 + below(PAGE_SIZE); /* no image fills it */
        *err = -HV_ENOEXEC;
        *be = H;
        snprintf(w, wl, "entry_maddr %#lx", LD.entry_maddr);
        return true;
    case 16:
        /* a DEFAULT list as a CRASH image: its first COPY/ZERO is outside
           the crash load range (unless the hypervisor image, checked
           first, is in the way) */
        if (LD.type != KEXEC_TYPE_DEFAULT ||
            (hv_start < KX_DEFAULT_BASE + 64 * SEG &&
             hv_start + hv_size > KX_DEFAULT_BASE))
            return false;
        LD.type = KEXEC_TYPE_CRASH;
        *err = -HV_ENOSPC;
        *be = (uint64_t)first_data();
        snprintf(w, wl, "a default list as a crash image");
        return true;
    case 17:
        /* a segment one page past the end of the crash load range */
        if (LD.type != KEXEC_TYPE_CRASH || nE + 2 > MAXE)
            return false;
        v = 1 + below(4);
        E[nE++] = ent(KEXEC_OP_DEST, cr_start + cr_size - v * PAGE_SIZE, 0, 0);
        E[nE++] = ent(KEXEC_OP_ZERO, 0, v + 1, 0);
        LD.nr_entries = nE;
        *err = -HV_ENOSPC;
        *be = nE - 1;
        snprintf(w, wl, "ZERO %lu pages at the range's end - %lu", v + 1, v);
        return true;
    case 18: {
        /* a MAP of the last page of the previous MAP: the build's rule */
        const struct kexec_entry *p;

        if (!g_nmaps || nE + 1 > MAXE)
            return false;
        p = &E[g_maps[g_nmaps - 1]];
        E[nE] = ent(KEXEC_OP_MAP, p->arg0 + (p->arg2 - 1) * PAGE_SIZE, p->arg1,
                    1);
        *err = -HV_EADDRINUSE;
        *be = nE++;
        LD.nr_entries = nE;
        snprintf(w, wl, "MAP %lu over MAP %lu's last page", *be,
                 g_maps[g_nmaps - 1]);
        return true;
    }
    case 19: {
        /* a MAP over the last page of a destination (1:1) */
        uint64_t k = below(g_nd), j = g_data[k];

        if (nE + 1 > MAXE)
            return false;
        E[nE] = ent(KEXEC_OP_MAP, g_dest[k] + (E[j].arg1 - 1) * PAGE_SIZE, j,
                    1);
        *err = -HV_EADDRINUSE;
        *be = nE++;
        LD.nr_entries = nE;
        snprintf(w, wl, "MAP %lu over entry %lu's last page", *be, j);
        return true;
    }
    default:
        i = find_op(KEXEC_OP_MAP, rnd());
        if (i < 0)
            return false;
        switch (below(3)) {
        case 0:
            E[i].arg0 = 0x0000800000000000UL + below(1UL << 40) * PAGE_SIZE;
            break;
        case 1:
            E[i].arg0 = HYPERVISOR_VIRT_START +
                        below((HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START) >>
                              PAGE_SHIFT) *
                            PAGE_SIZE;
            break;
        default:
            E[i].arg0 += 1 + below(PAGE_SIZE - 1);
        }
        *err = -HV_EADDRNOTAVAIL;
        *be = i;
        snprintf(w, wl, "MAP %ld at %#lx", i, E[i].arg0);
        return true;
    }
}

/* A random u64 field change: a bit flip, a small or a huge value. */
static uint64_t wild(uint64_t v)
{
    switch (below(5)) {
    case 0:
        return v ^ (1UL << below(64));
    case 1:
        return below(4);
    case 2:
        return ~0UL - below(4);
    case 3:
        return v + below(32) - 16;
    default:
        return rnd();
    }
}

static void random_mutation(char *w, size_t wl)
{
    uint64_t i = below(nE);
    struct kexec_entry *e = &E[i];
    long j;

    switch (below(16)) {
    case 0: { /* bit flips anywhere in an entry */
        uint8_t *b = (uint8_t *)e;
        unsigned int bit = (unsigned int)below(sizeof(*e) * 8);

        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        snprintf(w, wl, "[%lu] bit %u", i, bit);
        return;
    }
    case 1:
        e->arg0 = wild(e->arg0);
        snprintf(w, wl, "[%lu].arg0 %#lx", i, e->arg0);
        return;
    case 2:
        e->arg1 = wild(e->arg1);
        snprintf(w, wl, "[%lu].arg1 %#lx", i, e->arg1);
        return;
    case 3:
        e->arg2 = wild(e->arg2);
        snprintf(w, wl, "[%lu].arg2 %#lx", i, e->arg2);
        return;
    case 4:
        e->op = (uint16_t)(chance(50) ? below(6) : rnd());
        snprintf(w, wl, "[%lu].op %u", i, e->op);
        return;
    case 5:
        LD.size = (uint32_t)wild(LD.size);
        snprintf(w, wl, "size %u", LD.size);
        return;
    case 6:
        LD.nr_entries = chance(50) ? below(MAXE + 8) : wild(LD.nr_entries);
        snprintf(w, wl, "nr_entries %#lx", LD.nr_entries);
        return;
    case 7:
        LD.entry_maddr = wild(LD.entry_maddr);
        snprintf(w, wl, "entry_maddr %#lx", LD.entry_maddr);
        return;
    case 8: /* overlap: a DEST onto another's range */
        j = find_op(KEXEC_OP_DEST, rnd());
        E[j].arg0 = E[find_op(KEXEC_OP_DEST, rnd())].arg0 +
                    below(16) * PAGE_SIZE;
        snprintf(w, wl, "[%ld] DEST %#lx (overlap?)", j, E[j].arg0);
        return;
    case 9: /* a destination elsewhere */
        j = find_op(KEXEC_OP_DEST, rnd());
        {
            static const uint64_t where[] = {
                KX_DEFAULT_BASE, 0xfee00000UL,         0xa0000UL,
                0x1000UL,        0xfffffffffffff000UL,
            };
            uint64_t k = below(ARRAY_SIZE(where) + 3);

            E[j].arg0 = k < ARRAY_SIZE(where)    ? where[k]
                        : k == ARRAY_SIZE(where) ? (hv_start & ~0xfffUL)
                        : k == ARRAY_SIZE(where) + 1
                            ? lim.phys_limit - below(4) * PAGE_SIZE
                            : cr_start + cr_size - below(4) * PAGE_SIZE;
        }
        snprintf(w, wl, "[%ld] DEST %#lx", j, E[j].arg0);
        return;
    case 10: /* a zero frame or count */
        if (chance(50))
            e->arg0 = 0;
        else
            e->arg1 = 0;
        snprintf(w, wl, "[%lu] zeroed arg", i);
        return;
    case 11: /* a MAP naming anything */
        j = find_op(KEXEC_OP_MAP, rnd());
        if (j < 0) {
            E[nE] = ent(KEXEC_OP_MAP, MAP_VA(9), below(nE + 3), 1 + below(3));
            j = (long)nE++;
            LD.nr_entries = nE;
        }
        E[j].arg1 = below(nE + 3);
        E[j].arg2 = chance(70) ? 1 + below(4) : wild(E[j].arg2);
        snprintf(w, wl, "[%ld] MAP names %lu x%lu", j, E[j].arg1, E[j].arg2);
        return;
    case 12: /* a wild MAP address: a destination, another MAP, ... */
        j = find_op(KEXEC_OP_MAP, rnd());
        if (j < 0)
            j = (long)i;
        switch (below(4)) {
        case 0:
            E[j].arg0 = E[find_op(KEXEC_OP_DEST, rnd())].arg0;
            break;
        case 1:
            E[j].arg0 = MAP_VA(below(3));
            break;
        case 2:
            E[j].arg0 = 0x00007ffffffff000UL;
            break;
        default:
            E[j].arg0 = wild(E[j].arg0);
        }
        snprintf(w, wl, "[%ld] MAP va %#lx", j, E[j].arg0);
        return;
    case 13: /* a source not dom0's */
        e->arg0 = not_owned_frame();
        snprintf(w, wl, "[%lu].arg0 frame %#lx", i, e->arg0);
        return;
    case 14: /* swap two entries: forward references, data first */
        j = (long)below(nE);
        {
            struct kexec_entry t = E[i];

            E[i] = E[j];
            E[j] = t;
        }
        snprintf(w, wl, "swap [%lu] [%ld]", i, j);
        return;
    default:
        LD.type = (uint8_t)(chance(70) ? !LD.type : rnd());
        LD.arch = (uint8_t)(chance(70) ? LD.arch : rnd());
        LD.flags = (uint16_t)(chance(70) ? 0 : rnd());
        snprintf(w, wl, "type %u arch %u flags %#x", LD.type, LD.arch,
                 LD.flags);
        return;
    }
}

/* What the loads gave: the fuzzer must reach the rules, not one of them. */
static uint64_t nr_accepted[2], nr_errno[HV_ENOTRECOVERABLE + 1];

static bool load_errno_ok(long rc)
{
    static const long ok[] = {
        HV_EINVAL,          HV_E2BIG,      HV_EFAULT, HV_ENXIO,
        HV_EADDRNOTAVAIL,   HV_EOVERFLOW,  HV_ERANGE, HV_EBADMSG,
        HV_EACCES,          HV_EADDRINUSE, HV_ENOSPC, HV_ENOEXEC,
        HV_ENOTRECOVERABLE, HV_ENOMEM,
    };

    for (unsigned int k = 0; k < ARRAY_SIZE(ok); k++)
        if (rc == -ok[k])
            return true;
    return false;
}

static void dump_list(void)
{
    info("the last load: size %u type %u arch %u flags %#x entry %#lx "
         "entries %#lx nr %#lx bad_entry %#lx",
         LD.size, LD.type, LD.arch, LD.flags, LD.entry_maddr, LD.entries,
         LD.nr_entries, LD.bad_entry);
    for (uint64_t i = 0; i < nE + 2 && i < ARRAY_SIZE(E); i++)
        info("  [%lu] op %u flags %#x pad %#x %#lx %#lx %#lx", i, E[i].op,
             E[i].flags, E[i].pad, E[i].arg0, E[i].arg1, E[i].arg2);
}

/* How the last call changed the free frames: resample after a change the
   model cannot size (an image loaded or freed). */
static bool resample_free;

static void fz_load(void)
{
    uint8_t t = chance(45) ? KEXEC_TYPE_CRASH : KEXEC_TYPE_DEFAULT;
    unsigned int kind = (unsigned int)below(10); /* 0-2 valid, 3-5 exact */
    long want = 0, rc;
    uint64_t want_be = H;
    bool exact = true, poisoned = false, rd = true, wr = true;
    char w[4][64] = { "", "", "", "" };
    enum pk hk = pick_pk(95);
    uint64_t arg;
    struct kexec_load sent;

    gen_valid(t);
    if (kind >= 3 && kind < 6) {
        while (!exact_mutation(&want, &want_be, w[0], sizeof(w[0])))
            gen_valid(t);
    } else if (kind >= 6) {
        exact = false;
        for (uint64_t k = 0, n = 1 + below(3); k < n; k++)
            random_mutation(w[k], sizeof(w[k]));
    } else if (chance(20)) {
        /* a valid list read from a read-only page is still valid */
        bool r2, w2;

        LD.entries = place(PK_RO, E, nE * sizeof(E[0]), 1024, &r2, &w2);
        snprintf(w[0], sizeof(w[0]), "entries ro %#lx", LD.entries);
    }
    /* the crash image loaded first must survive: poison its type's loads */
    if (crash_first && LD.type == KEXEC_TYPE_CRASH && !exact) {
        uint64_t n = LD.nr_entries, p = n ? below(n < MAXE ? n : MAXE) : 0;

        E[p].flags |= 0x8000;
        poisoned = true;
        snprintf(w[3], sizeof(w[3]), "poison [%lu].flags", p);
    }
    if (crash_first && LD.type == KEXEC_TYPE_CRASH && exact && !want) {
        /* a valid crash load would replace the survivor: make it exact */
        LD.flags = 1;
        want = -HV_EINVAL;
        want_be = H;
        snprintf(w[0], sizeof(w[0]), "header flags 1 (survivor)");
    }
    if (m.owed) {
        want = -HV_ENOTRECOVERABLE;
        want_be = H;
        exact = true;
    }
    if (hk != PK_GOOD)
        arg = place(hk, &LD, sizeof(LD), 0, &rd, &wr);
    else
        arg = PTR(&LD);
    if (!rd) {
        want = -HV_EFAULT;
        exact = true;
    }
    sent = LD;
    desc("load %s: %s%s type %u arch %u size %u flags %#x nr %lu entries %#lx "
         "entry %#lx [%s|%s|%s|%s]",
         pk_name[hk],
         kind < 3   ? "valid"
         : kind < 6 ? "exact"
                    : "random",
         poisoned ? " poisoned" : "", LD.type, LD.arch, LD.size, LD.flags,
         LD.nr_entries, LD.entries, LD.entry_maddr, w[0], w[1], w[2], w[3]);
    if (exact)
        desc_add(" want %s be %#lx", en(want), want_be);

    rc = hc_kexec_op(KEXEC_CMD_kexec_load, arg);
    if (rc < 0 && rc >= -HV_ENOTRECOVERABLE)
        nr_errno[-rc]++;
    if (exact && rc != want) {
        bad("kexec_load returned %s, want %s", en(rc), en(want));
    } else if (!exact && rc && !load_errno_ok(rc)) {
        bad("kexec_load returned %s: not in its documented set", en(rc));
    } else if (rc && hk == PK_GOOD) {
        /* bad_entry: where the ABI reports it */
        if (exact && rd && LD.bad_entry != want_be)
            bad("bad_entry %#lx, want %#lx", LD.bad_entry, want_be);
        else if (!exact && LD.bad_entry != H && LD.bad_entry >= sent.nr_entries)
            bad("bad_entry %#lx past nr_entries %lu", LD.bad_entry,
                sent.nr_entries);
        else if ((rc == -HV_EFAULT || rc == -HV_ENOEXEC ||
                  rc == -HV_ENOTRECOVERABLE) &&
                 LD.bad_entry != H)
            bad("%s with bad_entry %#lx, want KEXEC_BAD_HEADER", en(rc),
                LD.bad_entry);
    }
    if (!rc) {
        if (sent.type > KEXEC_TYPE_CRASH)
            bad("a load of type %u succeeded", sent.type);
        else if (poisoned || (crash_first && sent.type == KEXEC_TYPE_CRASH))
            bad("a poisoned crash load succeeded");
        else {
            nr_accepted[sent.type]++;
            m.loaded[sent.type] = true;
            resample_free = true;
        }
    }
    if (failed)
        dump_list();
}

/* ---- the other kexec_op commands ---------------------------------------- */

static struct kexec_exec EX;

/* The struct kexec_exec of a random call: *expected the errno the header
   gives (0 if it is fine). */
static uint64_t gen_exec(long *err, uint32_t *type, enum pk *k, bool *wr)
{
    bool rd;
    uint64_t a;

    EX.type = chance(85) ? (uint32_t)below(2) : (uint32_t)wild(2);
    EX.pad = chance(90) ? 0 : (uint32_t)(1 + below(0xfffffffeUL));
    *k = pick_pk(80);
    a = place(*k, &EX, sizeof(EX), 512, &rd, wr);
    *type = EX.type;
    *err = !rd ? -HV_EFAULT : (EX.type > 1 || EX.pad) ? -HV_EINVAL : 0;
    return a;
}

static void fz_status(void)
{
    long err, rc;
    uint32_t t;
    enum pk k;
    bool wr;
    uint64_t a = gen_exec(&err, &t, &k, &wr);
    long want = err ? err : status_of(t);

    desc("status %s type %u pad %u want %s", pk_name[k], EX.type, EX.pad,
         en(want));
    rc = hc_kexec_op(KEXEC_CMD_kexec_status, a);
    if (rc != want)
        bad("kexec_status returned %s, want %s", en(rc), en(want));
}

static void fz_unload(void)
{
    long err, rc;
    uint32_t t;
    enum pk k;
    bool wr;
    uint64_t a;

    do
        a = gen_exec(&err, &t, &k, &wr);
    while (crash_first && !err && t == KEXEC_TYPE_CRASH);
    desc("unload %s type %u pad %u want %s", pk_name[k], EX.type, EX.pad,
         en(err));
    rc = hc_kexec_op(KEXEC_CMD_kexec_unload, a);
    if (rc != err)
        bad("kexec_unload returned %s, want %s", en(rc), en(err));
    if (!rc && !err) {
        if (m.loaded[t])
            resample_free = true;
        m.loaded[t] = false;
    }
}

/* exec only when the model says it is refused. */
static void fz_exec(void)
{
    long err, rc;
    uint32_t t;
    enum pk k;
    bool wr;
    uint64_t a = gen_exec(&err, &t, &k, &wr);

    if (!err) {
        if (!m.loaded[t])
            err = -HV_ENOENT;
        else if (m.owed)
            err = -HV_ENOTRECOVERABLE;
        else { /* it would run: make it refused */
            EX.pad = 1;
            a = PTR(&EX);
            k = PK_GOOD;
            err = -HV_EINVAL;
        }
    }
    desc("exec %s type %u pad %u want %s", pk_name[k], EX.type, EX.pad,
         en(err));
    rc = hc_kexec_op(KEXEC_CMD_kexec, a);
    if (rc != err)
        bad("kexec exec returned %s, want %s", en(rc), en(err));
}

static struct kexec_range RG;

static void fz_get_range(void)
{
    static const uint32_t ranges[] = {
        KEXEC_RANGE_MA_CRASH,      KEXEC_RANGE_MA_XEN,    KEXEC_RANGE_MA_CPU,
        KEXEC_RANGE_MA_VMCOREINFO, KEXEC_RANGE_MA_HVINFO,
    };
    enum pk k = pick_pk(80);
    bool rd, wr;
    long want, rc;
    uint64_t a;

    RG = (struct kexec_range){
        .range = chance(85) ? ranges[below(ARRAY_SIZE(ranges))]
                            : (uint32_t)wild(3),
        .start = 0x5a5a,
        .size = 0x5a5a,
    };
    RG.nr = chance(70)   ? 0
            : chance(50) ? (uint32_t)below(nr_cpus + 2)
                         : (uint32_t)rnd();
    a = place(k, &RG, sizeof(RG), 256, &rd, &wr);
    if (!rd)
        want = -HV_EFAULT;
    else if (RG.range != KEXEC_RANGE_MA_CPU && RG.nr)
        want = -HV_EINVAL;
    else if (RG.range == KEXEC_RANGE_MA_CPU)
        want = RG.nr < nr_cpus ? 0 : -HV_ERANGE;
    else
        want = RG.range == KEXEC_RANGE_MA_CRASH ||
                       RG.range == KEXEC_RANGE_MA_XEN ||
                       RG.range == KEXEC_RANGE_MA_VMCOREINFO ||
                       RG.range == KEXEC_RANGE_MA_HVINFO
                   ? 0
                   : -HV_EINVAL;
    if (!want && !wr)
        want = -HV_EFAULT;
    desc("get_range %s range %u nr %u want %s", pk_name[k], RG.range, RG.nr,
         en(want));
    rc = hc_kexec_op(KEXEC_CMD_kexec_get_range, a);
    if (rc != want)
        bad("kexec_get_range returned %s, want %s", en(rc), en(want));
    else if (!rc && RG.range == KEXEC_RANGE_MA_CRASH &&
             (RG.start != cr_start || RG.size != cr_size))
        bad("get_range MA_CRASH %#lx+%#lx, at the start %#lx+%#lx", RG.start,
            RG.size, cr_start, cr_size);
    else if (!rc && RG.range == KEXEC_RANGE_MA_XEN &&
             (RG.start != hv_start || RG.size != hv_size))
        bad("get_range MA_XEN %#lx+%#lx, at the start %#lx+%#lx", RG.start,
            RG.size, hv_start, hv_size);
    else if (!rc && (!RG.size || RG.size == 0x5a5a))
        bad("get_range of range %u: size %#lx", RG.range, RG.size);
}

static void fz_get_limits(void)
{
    static struct kexec_limits l;
    enum pk k = pick_pk(70);
    bool rd, wr;
    uint64_t a;
    long rc, want;

    memset(&l, 0xa5, sizeof(l));
    a = place(k, &l, sizeof(l), 128, &rd, &wr);
    want = wr ? 0 : -HV_EFAULT;
    desc("get_limits %s %#lx want %s", pk_name[k], a, en(want));
    rc = hc_kexec_op(KEXEC_CMD_kexec_get_limits, a);
    if (rc != want)
        bad("kexec_get_limits returned %s, want %s", en(rc), en(want));
    else if (!rc && memcmp(&l, &lim, sizeof(l)))
        bad("get_limits changed: %lu entries %lu pages", l.max_entries,
            l.max_pages);
}

static void fz_kexec_unknown(void)
{
    uint64_t cmd;
    long rc;

    do
        cmd = chance(50) ? below(16) : rnd();
    while (cmd == KEXEC_CMD_kexec || cmd == KEXEC_CMD_kexec_get_range ||
           (cmd >= KEXEC_CMD_kexec_load && cmd <= KEXEC_CMD_kexec_get_limits));
    desc("kexec_op cmd %#lx want -EOPNOTSUPP", cmd);
    rc = hc_kexec_op(cmd, rnd());
    if (rc != -HV_EOPNOTSUPP)
        bad("kexec_op cmd %#lx returned %s", cmd, en(rc));
}

/* ---- every other hypercall ----------------------------------------------- */

static char text[256]; /* console text, lines of it */

static void fz_console(void)
{
    enum pk k = pick_pk(60);
    uint64_t count, cmd, a;
    bool rd, wr;
    long rc, want;

    switch (below(4)) {
    case 0:
    case 1:
        count = chance(90)   ? 1 + below(64)
                : chance(50) ? CONSOLEIO_MAX + 1 + below(1000)
                             : rnd();
        if (count > CONSOLEIO_MAX) {
            a = rnd();
            want = -HV_E2BIG;
            k = PK_GOOD;
        } else {
            /* the text's last count bytes: whole lines */
            memset(va_rw + PAGE_SIZE - 64, '\n', 64);
            a = place(k, text + sizeof(text) - count, count, 0, &rd, &wr);
            want = rd ? 0 : -HV_EFAULT;
        }
        desc("console_io write %s %#lx count %lu want %s", pk_name[k], a, count,
             en(want));
        rc = hc_console_io(CONSOLEIO_write, count, a);
        break;
    case 2: {
        static char rb[128];

        count = 1 + below(128);
        if (k == PK_RO)
            k = PK_GOOD; /* with nothing waiting, it is not written */
        a = place(k, rb, count, 0, &rd, &wr);
        /* nothing is waiting on the serial line: 0, or -EFAULT for an
           address that is no guest address */
        want = k == PK_HV || k == PK_NONCANON ? -HV_EFAULT : 0;
        desc("console_io read %s %#lx count %lu want %s", pk_name[k], a, count,
             en(want));
        rc = hc_console_io(CONSOLEIO_read, count, a);
        break;
    }
    default:
        do
            cmd = chance(50) ? below(8) : rnd();
        while (cmd == CONSOLEIO_write || cmd == CONSOLEIO_read);
        want = -HV_EOPNOTSUPP;
        desc("console_io cmd %#lx want %s", cmd, en(want));
        rc = hc_console_io(cmd, rnd(), rnd());
    }
    if (rc != want)
        bad("console_io returned %s, want %s", en(rc), en(want));
}

static void fz_version(void)
{
    static char buf[XEN_EXTRAVERSION_LEN];
    static struct xen_feature_info fi;
    enum pk k = pick_pk(60);
    uint64_t cmd = below(4), a;
    bool rd, wr;
    long rc, want;

    switch (cmd) {
    case 0:
        desc("xen_version version want %#lx", version);
        rc = hc_xen_version(XENVER_version, rnd());
        if (rc != version)
            bad("xen_version returned %s, want %#lx", en(rc), version);
        return;
    case 1:
        a = place(k, buf, sizeof(buf), 64, &rd, &wr);
        want = wr ? 0 : -HV_EFAULT;
        desc("xen_version extraversion %s %#lx want %s", pk_name[k], a,
             en(want));
        rc = hc_xen_version(XENVER_extraversion, a);
        if (want ? rc != want : rc < 0)
            bad("xen_version extraversion returned %s, want %s", en(rc),
                en(want));
        return;
    case 2:
        fi.submap_idx = (uint32_t)(chance(50) ? 0 : rnd());
        a = place(k, &fi, sizeof(fi), 96, &rd, &wr);
        want = wr ? 0 : -HV_EFAULT;
        desc("xen_version get_features %s idx %u want %s", pk_name[k],
             fi.submap_idx, en(want));
        rc = hc_xen_version(XENVER_get_features, a);
        if (want ? rc != want : rc < 0)
            bad("xen_version get_features returned %s, want %s", en(rc),
                en(want));
        return;
    default:
        do
            cmd = chance(50) ? below(16) : rnd();
        while (cmd == XENVER_version || cmd == XENVER_extraversion ||
               cmd == XENVER_get_features);
        desc("xen_version cmd %#lx want -EOPNOTSUPP", cmd);
        rc = hc_xen_version(cmd, rnd());
        if (rc != -HV_EOPNOTSUPP)
            bad("xen_version cmd %#lx returned %s", cmd, en(rc));
    }
}

static void fz_sched(void)
{
    static struct sched_shutdown s;
    enum pk k = pick_pk(50);
    uint64_t cmd, a;
    bool rd, wr;
    long rc, want;

    switch (below(3)) {
    case 0:
        desc("sched_op yield want 0");
        rc = hc_sched_op(SCHEDOP_yield, rnd());
        want = 0;
        break;
    case 1: /* a shutdown that must be refused */
        do
            s.reason = (uint32_t)(chance(50) ? below(8) : rnd());
        while (s.reason == SHUTDOWN_poweroff || s.reason == SHUTDOWN_reboot ||
               s.reason == SHUTDOWN_crash);
        a = place(k, &s, sizeof(s), 32, &rd, &wr);
        if (rd && k != PK_GOOD && k != PK_RO) {
            /* the straddle's one readable byte cannot hold a reason */
            a = PTR(&s);
            k = PK_GOOD;
        }
        want = rd ? -HV_EINVAL : -HV_EFAULT;
        desc("sched_op shutdown %s reason %u want %s", pk_name[k], s.reason,
             en(want));
        rc = hc_sched_op(SCHEDOP_shutdown, a);
        break;
    default:
        do
            cmd = chance(50) ? below(8) : rnd();
        while (cmd == SCHEDOP_yield || cmd == SCHEDOP_shutdown);
        want = -HV_EOPNOTSUPP;
        desc("sched_op cmd %#lx want %s", cmd, en(want));
        rc = hc_sched_op(cmd, rnd());
    }
    if (rc != want)
        bad("sched_op returned %s, want %s", en(rc), en(want));
}

/* ---- memory_op ------------------------------------------------------------ */

static uint64_t gfns[8];
static struct xen_memory_reservation RES;

static void fz_reservation_query(void)
{
    static domid_t dom;
    enum pk k = pick_pk(60);
    unsigned int cmd = chance(50) ? XENMEM_current_reservation
                                  : XENMEM_maximum_reservation;
    bool rd, wr;
    uint64_t a;
    long rc, want;

    dom = chance(85) ? DOMID_SELF : (domid_t)rnd();
    a = place(k, &dom, sizeof(dom), 48, &rd, &wr);
    want = !rd                                 ? -HV_EFAULT
           : dom != DOMID_SELF                 ? -HV_EINVAL
           : cmd == XENMEM_current_reservation ? m.cur
                                               : m.max;
    desc("memory_op %s %s domid %#x want %s",
         cmd == XENMEM_current_reservation ? "current" : "maximum", pk_name[k],
         dom, en(want));
    rc = hc_memory_op(cmd, a);
    if (rc != want)
        bad("memory_op returned %s, want %s", en(rc), en(want));
}

static void fz_memory_map(void)
{
    static struct e820_entry map[16];
    static struct xen_memory_map mm;
    enum pk k = pick_pk(70), kb = pick_pk(70);
    bool rd, wr, brd, bwr;
    uint64_t a, need, cap;
    long rc, want;

    cap = chance(80) ? 1 + below(16) : 0;
    mm.nr_entries = (uint32_t)cap;
    need = (cap < nr_e820 ? cap : nr_e820) * sizeof(map[0]);
    last_cut = 0;
    mm.buffer = place(kb, map, cap * sizeof(map[0]), 1536, &brd, &bwr);
    if (kb == PK_STRADDLE && need <= last_cut)
        bwr = true; /* what is written fits before the hole */
    a = place(k, &mm, sizeof(mm), 1024, &rd, &wr);
    want = !rd || (need && !bwr) || !wr ? -HV_EFAULT : 0;
    desc("memory_op machine_memory_map %s capacity %lu buffer %s %#lx want %s",
         pk_name[k], cap, pk_name[kb], mm.buffer, en(want));
    rc = hc_memory_op(XENMEM_machine_memory_map, a);
    if (rc != want)
        bad("machine_memory_map returned %s, want %s", en(rc), en(want));
    else if (!rc && k == PK_GOOD && mm.nr_entries * sizeof(map[0]) != need)
        bad("machine_memory_map: %u entries, want %lu", mm.nr_entries,
            need / sizeof(map[0]));
}

/* decrease_reservation of gfns from the pool, perhaps one bad gfn last. */
static void fz_decrease(void)
{
    uint64_t n = nr_pool ? below(nr_pool < 4 ? nr_pool + 1 : 4) : 0, good;
    enum pk k = pick_pk(75);
    long want, rc, berr = 0;
    bool rd, wr, extra = chance(40) || !n;
    const char *what = "";

    for (uint64_t i = 0; i < n; i++)
        gfns[i] = pool[nr_pool - 1 - i];
    good = n;
    if (extra) {
        switch (below(4)) {
        case 0:
            gfns[n] = busy_gfn;
            berr = -HV_EBUSY;
            what = "mapped";
            break;
        case 1:
            gfns[n] = module_gfn;
            berr = -HV_EPERM;
            what = "module";
            break;
        case 2:
            gfns[n] = si->p2m_size + below(1UL << 40);
            berr = -HV_EACCES;
            what = "beyond the P2M";
            break;
        default:
            gfns[n] = wild(gfns[0]);
            /* a wild gfn we can still classify: else take the safe one */
            if (gfns[n] < si->p2m_size && gfn_to_mfn(gfns[n]) != P2M_INVALID) {
                gfns[n] = busy_gfn;
                berr = -HV_EBUSY;
                what = "mapped";
            } else {
                berr = -HV_EACCES;
                what = "no frame";
            }
        }
        n++;
    }
    RES = (struct xen_memory_reservation){
        .nr_extents = chance(90) ? n : wild(n),
        .domid = DOMID_SELF,
    };
    if (chance(8)) {
        if (chance(50))
            RES.extent_order = 1 + (uint32_t)below(10);
        else if (chance(50))
            RES.mem_flags = 1 + (uint32_t)below(100);
        else
            RES.domid = (domid_t)(1 + below(0x7fef));
    }
    RES.extent_start = place(k, gfns, n * 8, 2048, &rd, &wr);
    if ((k == PK_GOOD || k == PK_RO) && RES.nr_extents > n)
        RES.nr_extents = n; /* past our list: words the model lacks */
    if (k == PK_STRADDLE) { /* exactly the first gfn readable */
        memcpy((void *)(end_rw - 8), gfns, 8);
        RES.extent_start = end_rw - 8;
    }
    {
        uint64_t todo = RES.nr_extents < XENMEM_MAX_EXTENTS_PER_CALL
                            ? RES.nr_extents
                            : XENMEM_MAX_EXTENTS_PER_CALL;
        uint64_t readable = k == PK_GOOD || k == PK_RO ? n
                            : k == PK_STRADDLE         ? 1
                                                       : 0;
        uint64_t done = 0;
        long err = 0;

        if (RES.extent_order || RES.mem_flags || RES.domid != DOMID_SELF) {
            want = -HV_EINVAL;
        } else {
            for (; done < todo; done++) {
                if (done >= readable) {
                    err = -HV_EFAULT;
                    break;
                }
                if (done >= good) {
                    err = berr;
                    break;
                }
            }
            want = done ? (long)done : err;
        }
        desc("memory_op decrease %lu extents (%lu pool%s%s) list %s "
             "order %u flags %u domid %#x want %s",
             RES.nr_extents, good, extra ? ", then " : "", what, pk_name[k],
             RES.extent_order, RES.mem_flags, RES.domid, en(want));
        rc = hc_memory_op(XENMEM_decrease_reservation, PTR(&RES));
        if (rc != want) {
            bad("decrease_reservation returned %s, want %s", en(rc), en(want));
            return;
        }
        if (rc > 0) {
            nr_pool -= (unsigned int)rc;
            m.owed += (uint64_t)rc;
            m.cur -= rc;
            m.free += rc;
            m.free_base += rc;
        }
    }
}

static void fz_increase(void)
{
    enum pk k = pick_pk(75);
    bool rd, wr;
    uint64_t nr = chance(90) ? below(5) : wild(4), cap, todo, avail, done;
    long want, rc;

    memset(gfns, 0xff, sizeof(gfns));
    RES = (struct xen_memory_reservation){
        .nr_extents = nr,
        .domid = DOMID_SELF,
    };
    if (chance(8))
        RES.domid = (domid_t)(1 + below(0x7fef));
    RES.extent_start = place(k, gfns, 8 * 8, 2048, &rd, &wr);
    cap = k == PK_GOOD ? 8 : k == PK_STRADDLE ? 1 : 0;
    if (k == PK_STRADDLE)
        RES.extent_start = end_rw - 8;
    if (cap == 8 && nr > 8)
        RES.nr_extents = nr = 8; /* not past our buffer */
    todo = nr < XENMEM_MAX_EXTENTS_PER_CALL ? nr : XENMEM_MAX_EXTENTS_PER_CALL;
    avail = (uint64_t)(m.max - m.cur);
    if (avail + nr_pool > NR_POOL) /* the pool holds what comes back */
        avail = NR_POOL - nr_pool;
    if (todo > avail) {
        RES.nr_extents = nr = todo = avail;
    }
    done = todo < cap ? todo : cap;
    if (RES.domid != DOMID_SELF)
        want = -HV_EINVAL;
    else
        want = done ? (long)done : todo ? -HV_EFAULT : 0;
    desc("memory_op increase %lu extents list %s domid %#x want %s",
         RES.nr_extents, pk_name[k], RES.domid, en(want));
    rc = hc_memory_op(XENMEM_increase_reservation, PTR(&RES));
    if (rc != want) {
        bad("increase_reservation returned %s, want %s", en(rc), en(want));
        return;
    }
    for (long i = 0; i < rc; i++) {
        uint64_t g = k == PK_STRADDLE ? *(uint64_t *)(end_rw - 8) : gfns[i];

        if (g >= si->p2m_size || gfn_to_mfn(g) == P2M_INVALID) {
            bad("increase_reservation gave gfn %#lx with no frame", g);
            return;
        }
        pool[nr_pool++] = g;
    }
    if (rc > 0) {
        m.owed = m.owed > (uint64_t)rc ? m.owed - (uint64_t)rc : 0;
        m.cur += rc;
        m.free -= rc;
        m.free_base -= rc;
    }
}

static void fz_memory_unknown(void)
{
    uint64_t cmd;
    long rc;

    do
        cmd = chance(50) ? below(16) : rnd();
    while (cmd == XENMEM_increase_reservation ||
           cmd == XENMEM_decrease_reservation ||
           cmd == XENMEM_current_reservation ||
           cmd == XENMEM_maximum_reservation ||
           cmd == XENMEM_machine_memory_map);
    desc("memory_op cmd %#lx want -EOPNOTSUPP", cmd);
    rc = hc_memory_op(cmd, rnd());
    if (rc != -HV_EOPNOTSUPP)
        bad("memory_op cmd %#lx returned %s", cmd, en(rc));
}

/* ---- mmu_update, update_va_mapping --------------------------------------- */

#define GOOD_FLAGS                                                             \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD |           \
     _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)

/* A new L1 entry breaking at most one rule; *err: what it gives. */
static uint64_t gen_pte(long *err, const char **what)
{
    uint64_t fl = (rnd() & GOOD_FLAGS) | _PAGE_PRESENT;

    *err = 0;
    switch (below(8)) {
    case 0:
        *what = "unmap";
        return rnd() & ~_PAGE_PRESENT;
    case 1:
    case 2:
        *what = "own frame";
        return mfn_pte(mapf[below(NR_MAPF)], fl);
    case 3:
        *what = "page table";
        if (fl & _PAGE_RW)
            *err = -HV_EPERM;
        return mfn_pte(chance(50) ? pt_mfn : si->scratch_l1_mfn, fl);
    case 4:
        *what = "not dom0's";
        *err = -HV_EACCES;
        return mfn_pte(not_owned_frame(), fl);
    case 5:
        *what = "no RAM";
        *err = -HV_EACCES;
        return (PTE_ADDR_MASK & (rnd() | (1UL << 50))) | fl;
    default:
        *what = "bad flags";
        *err = -HV_EINVAL;
        {
            static const unsigned int bits[] = { 7, 8, 9, 10, 11, 52, 55, 62 };

            return mfn_pte(mapf[0],
                           fl | (1UL << bits[below(ARRAY_SIZE(bits))]));
        }
    }
}

static struct mmu_update REQ[4];

static void fz_mmu_update(void)
{
    static uint64_t done_cnt;
    uint64_t count = below(5), domid = chance(92) ? DOMID_SELF : rnd();
    enum pk k = pick_pk(85), kd = chance(30) ? PK_NULL : pick_pk(80);
    long want = 0, err = 0, rc, errs[4];
    const char *whys[4], *what = "";
    uint64_t done, a, dp, readable;
    bool rd, wr, drd, dwr;

    for (uint64_t i = 0; i < count; i++) {
        REQ[i].ptr = scratch_slot_maddr(SLOT_SANDBOX +
                                        (unsigned int)below(NR_SANDBOX));
        REQ[i].val = gen_pte(&errs[i], &whys[i]);
        if (chance(10)) { /* not an L1 entry of dom0's */
            REQ[i].val = 0;
            errs[i] = -HV_EINVAL;
            whys[i] = "bad ptr";
            switch (below(3)) {
            case 0:
                REQ[i].ptr |= 1 + below(7);
                break;
            case 1:
                REQ[i].ptr = (mapf[0] << PAGE_SHIFT) + 8 * below(512);
                break;
            default:
                REQ[i].ptr = (not_owned_frame() << PAGE_SHIFT) + 8 * below(512);
            }
        }
    }
    a = place(k, REQ, count * sizeof(REQ[0]), 1280, &rd, &wr);
    readable = k == PK_GOOD || k == PK_RO ? count : 0;
    if (k == PK_STRADDLE && count) { /* exactly one request readable */
        memcpy((void *)(end_rw - sizeof(REQ[0])), REQ, sizeof(REQ[0]));
        a = end_rw - sizeof(REQ[0]);
        readable = 1;
    }
    /* in order: read the request, then check it; stop at the first */
    for (done = 0; done < count; done++) {
        if (done >= readable) {
            err = -HV_EFAULT;
            what = "unreadable";
            break;
        }
        if (errs[done]) {
            err = errs[done];
            what = whys[done];
            break;
        }
    }
    done_cnt = 0x5a5a;
    dwr = true;
    if (kd == PK_STRADDLE && k == PK_STRADDLE)
        kd = PK_RO; /* one straddle page: the requests have it */
    dp = kd == PK_NULL ? 0 : place(kd, &done_cnt, 8, 1800, &drd, &dwr);
    if ((domid_t)domid != DOMID_SELF)
        want = -HV_EINVAL;
    else
        want = err ? err : dwr ? 0 : -HV_EFAULT;
    desc("mmu_update %lu reqs %s (%s at %lu) done %s domid %#lx want %s", count,
         pk_name[k], what, done, pk_name[kd], domid, en(want));
    rc = hc_mmu_update(a, count, dp, domid);
    if (rc != want)
        bad("mmu_update returned %s, want %s", en(rc), en(want));
    else if ((domid_t)domid == DOMID_SELF && kd == PK_GOOD && done_cnt != done)
        bad("mmu_update success_count %lu, want %lu", done_cnt, done);
}

static void fz_update_va(void)
{
    uint64_t va, val, flags = chance(90) ? below(4) : rnd();
    long err, want, rc;
    const char *what;

    val = gen_pte(&err, &what);
    switch (below(6)) {
    case 0:
        va = HYPERVISOR_VIRT_START +
             below(HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START);
        want = -HV_EINVAL;
        what = "hv va";
        break;
    case 1:
        va = (rnd() & 0x7fffffffffffffffUL) | 0x0000800000000000UL;
        want = -HV_EINVAL;
        what = "noncanonical va";
        break;
    default:
        va = scratch_slot_va(SLOT_SANDBOX + (unsigned int)below(NR_SANDBOX)) +
             below(PAGE_SIZE);
        want = flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK ? -HV_EINVAL : err;
    }
    desc("update_va_mapping va %#lx val %#lx (%s) flags %#lx want %s", va, val,
         what, flags, en(want));
    rc = hc_update_va_mapping(va, val, flags);
    if (rc != want)
        bad("update_va_mapping returned %s, want %s", en(rc), en(want));
}

/* ---- debug_op, unknown hypercalls ---------------------------------------- */

static void fz_debug(void)
{
    static char name[16];
    static struct debug_bench_copy bc;
    uint64_t cmd, a;
    enum pk k = pick_pk(60);
    bool rd, wr;
    long rc, want;

    switch (below(4)) {
    case 0:
        desc("debug_op free_frames want %ld", m.free);
        rc = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_free_frames, rnd());
        want = m.free;
        break;
    case 1: /* inject, refused: an unreadable or an unknown name */
        snprintf(name, sizeof(name), "fz%lx", below(1UL << 40));
        a = place(k, name, strlen(name) + 1, 2000, &rd, &wr);
        if (k == PK_STRADDLE) { /* the name runs into the hole */
            memcpy((void *)(end_rw - 2), "fz", 2);
            a = end_rw - 2;
            rd = false;
        }
        want = !have_inject ? -HV_EOPNOTSUPP : rd ? -HV_EINVAL : -HV_EFAULT;
        desc("debug_op inject %s '%s' want %s", pk_name[k], name, en(want));
        rc = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_inject, a);
        break;
    case 2:
        bc.bytes = chance(40) ? PAGE_SIZE * (1 + below(16)) : wild(PAGE_SIZE);
        a = place(k, &bc, sizeof(bc), 2048, &rd, &wr);
        if (!have_inject)
            want = -HV_EOPNOTSUPP;
        else if (!rd)
            want = -HV_EFAULT;
        else if (!bc.bytes || bc.bytes % PAGE_SIZE ||
                 bc.bytes > DEBUG_BENCH_COPY_MAX)
            want = -HV_EINVAL;
        else if (bc.bytes > 16 * PAGE_SIZE) { /* not that long: skip */
            desc("debug_op bench_copy %#lx (skipped)", bc.bytes);
            return;
        } else
            want = wr ? 0 : -HV_EFAULT;
        desc("debug_op bench_copy %s bytes %#lx want %s", pk_name[k], bc.bytes,
             en(want));
        rc = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_bench_copy, a);
        break;
    default:
        /* Unknown commands only: fail_alloc would arm a real failure
           (a test hook the model does not follow). */
        do
            cmd = chance(50) ? below(8) : rnd();
        while (cmd <= DEBUGOP_fail_alloc);
        want = -HV_EOPNOTSUPP;
        desc("debug_op cmd %#lx want %s", cmd, en(want));
        rc = hypercall2(__HYPERVISOR_debug_op, cmd, rnd());
    }
    if (rc != want)
        bad("debug_op returned %s, want %s", en(rc), en(want));
}

static bool known_nr(unsigned int nr)
{
    return nr == __HYPERVISOR_mmu_update || nr == __HYPERVISOR_memory_op ||
           nr == __HYPERVISOR_update_va_mapping ||
           nr == __HYPERVISOR_xen_version || nr == __HYPERVISOR_console_io ||
           nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_kexec_op ||
           nr == __HYPERVISOR_debug_op;
}

static void fz_unknown_nr(void)
{
    unsigned int nr;
    long rc;

    do
        nr = (unsigned int)below(NR_HYPERCALLS);
    while (known_nr(nr));
    desc("hypercall %u want -ENOSYS", nr);
    rc = hypercall5(nr, rnd(), rnd(), rnd(), rnd(), rnd());
    if (rc != -HV_ENOSYS)
        bad("hypercall %u returned %s", nr, en(rc));
}

/* ---- one call, and the model after it ------------------------------------ */

static void one_call(void)
{
    uint64_t r = below(1000);

    resample_free = false;
    if (r < 480)
        fz_load();
    else if (r < 560)
        fz_status();
    else if (r < 630)
        fz_unload();
    else if (r < 700)
        fz_get_range();
    else if (r < 740)
        fz_get_limits();
    else if (r < 790)
        fz_exec();
    else if (r < 830)
        fz_kexec_unknown();
    else if (r < 845)
        fz_console();
    else if (r < 860)
        fz_version();
    else if (r < 870)
        fz_sched();
    else if (r < 880)
        fz_reservation_query();
    else if (r < 890)
        fz_memory_map();
    else if (r < 897) /* unsafe until given back: not too often */
        fz_decrease();
    else if (r < 925)
        fz_increase();
    else if (r < 930)
        fz_memory_unknown();
    else if (r < 955)
        fz_mmu_update();
    else if (r < 975)
        fz_update_va();
    else if (r < 990)
        fz_debug();
    else
        fz_unknown_nr();
}

/* The slots' status, dom0's frames, the free frames: as the model says. */
static void check_model(void)
{
    long s, f;

    for (uint32_t t = 0; t < 2 && !failed; t++) {
        s = kx_status(t);
        if (s != status_of(t))
            bad("after it: status of the %s image %s, the model says %s",
                t ? "crash" : "default", en(s), en(status_of(t)));
    }
    if (failed)
        return;
    s = current_reservation();
    if (s != m.cur)
        bad("after it: current_reservation %ld, the model says %ld", s, m.cur);
    f = free_frames();
    if (resample_free)
        m.free = f;
    else if (f != m.free)
        bad("after it: %ld free frames, %ld before (a refusal, or a call "
            "that frees what it takes)",
            f, m.free);
    if (!failed && !m.loaded[KEXEC_TYPE_DEFAULT] &&
        m.loaded[KEXEC_TYPE_CRASH] == crash_first && f != m.free_base)
        bad("after it: %ld free frames with only the baseline images loaded, "
            "%ld at the start: a leak of %ld",
            f, m.free_base, m.free_base - f);
}

/* ---- set-up and the end --------------------------------------------------- */

static bool setup(void)
{
    static struct debug_bench_copy bc = { .bytes = 1 };
    uint64_t g;

    if (!check_eq(kx_get_limits(&lim), 0, "get_limits") ||
        !kx_crash_region(&cr_start, &cr_size) ||
        !check_eq(kx_get_range(KEXEC_RANGE_MA_XEN, &hv_start, &hv_size), 0,
                  "get_range MA_XEN"))
        return false;
    for (nr_cpus = 0; nr_cpus < 256; nr_cpus++) {
        struct kexec_range r = { .range = KEXEC_RANGE_MA_CPU,
                                 .nr = (uint32_t)nr_cpus };

        if (hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r)))
            break;
    }
    version = hc_xen_version(XENVER_version, 0);
    have_inject = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_bench_copy,
                             PTR(&bc)) == -HV_EINVAL;
    for (unsigned int i = 0; i < NR_SRC; i++)
        src[i] = gfn_to_mfn(take_free_gfn());
    for (unsigned int i = 0; i < NR_MAPF; i++)
        mapf[i] = gfn_to_mfn(take_free_gfn());
    for (nr_pool = 0; nr_pool < 16; nr_pool++)
        pool[nr_pool] = take_free_gfn();
    g = take_free_gfn();
    if (g == NO_GFN || pool[nr_pool - 1] == NO_GFN) {
        error("not enough free gfns");
        return false;
    }
    if (!check_eq(scratch_map(SLOT_RW, gfn_to_mfn(g), PTE_RW), 0,
                  "map the straddle page") ||
        !check_eq(scratch_map(SLOT_ROW, mapf[NR_MAPF - 1], PTE_RW), 0,
                  "map the read-only page's alias") ||
        !check_eq(scratch_map(SLOT_RO, mapf[NR_MAPF - 1], PTE_RO), 0,
                  "map the read-only page"))
        return false;
    va_rw = (uint8_t *)scratch_slot_va(SLOT_RW);
    va_row = (uint8_t *)scratch_slot_va(SLOT_ROW);
    end_rw = scratch_slot_va(SLOT_RW + 1);
    busy_gfn = mfn_to_gfn(va_to_mfn(PTR(&E[0])));
    module_gfn = si->modules[0].first_gfn;
    pt_mfn = l4_mfn();
    for (unsigned int i = 0; i < sizeof(text); i++)
        text[i] = (i % 32 == 31) ? '\n'
                                 : "fuzz: console_io text ........"[i % 32];
    {
        static struct e820_entry map[16];
        struct xen_memory_map mm = { .nr_entries = 16, .buffer = PTR(map) };

        if (!check_eq(hc_memory_op(XENMEM_machine_memory_map, PTR(&mm)), 0,
                      "machine_memory_map"))
            return false;
        nr_e820 = mm.nr_entries;
    }
    m.cur = current_reservation();
    m.max = hc_memory_op(XENMEM_maximum_reservation,
                         PTR(&(domid_t){ DOMID_SELF }));
    info("limits: %lu entries, %lu pages, phys limit %#lx; hypervisor %#lx+"
         "%#lx; %lu CPUs; reservation %ld of %ld; debug-inject %s",
         lim.max_entries, lim.max_pages, lim.phys_limit, hv_start, hv_size,
         nr_cpus, m.cur, m.max, have_inject ? "on" : "off");
    return check_true(nr_cpus > 0 && m.cur > 0 && m.max >= m.cur,
                      "set-up: %lu CPUs, reservation %ld of %ld", nr_cpus,
                      m.cur, m.max);
}

static struct kx_opts survivor(void)
{
    return (struct kx_opts){
        .module = 0,
        .type = KEXEC_TYPE_CRASH,
        .base = cr_start + KX_CRASH_OFFSET,
        .image_id = 1,
        .map = true,
        .region_start = cr_start,
        .region_size = cr_size,
    };
}

/* Give back every ballooned-out frame, forget the default image. */
static bool wind_down(void)
{
    while (m.owed) {
        uint64_t n = m.owed > 8 ? 8 : m.owed;
        long rc;

        RES = (struct xen_memory_reservation){ .extent_start = PTR(gfns),
                                               .nr_extents = n,
                                               .domid = DOMID_SELF };
        rc = hc_memory_op(XENMEM_increase_reservation, PTR(&RES));
        if (!check_eq(rc, n, "give back %lu ballooned-out frames", n))
            return false;
        m.owed -= n;
        m.cur += (long)n;
        m.free_base -= (long)n;
    }
    check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "unload the default image");
    m.loaded[KEXEC_TYPE_DEFAULT] = false;
    if (!crash_first) {
        check_eq(kx_unload(KEXEC_TYPE_CRASH), 0, "unload the crash image");
        m.loaded[KEXEC_TYPE_CRASH] = false;
    }
    check_eq(free_frames(), m.free_base,
             "free frames back at the baseline (nothing leaked)");
    return check_eq(current_reservation(), m.cur, "dom0's frames as modelled");
}

DEFINE_TEST(fuzz,
            "random hypercalls against a model; then the crash image runs")
{
    uint64_t seed = 1, n = 10000;
    struct kx_opts o;
    long rc;

    cmdline_u64("fuzz_seed", &seed);
    cmdline_u64("fuzz_n", &n);
    cmdline_u64("fuzz_from", &log_from);
    prng = seed;
    crash_first = !(seed & 1);
    info("seed %lu, %lu calls, crash image loaded %s the fuzz (replay: "
         "fuzz_seed=%lu fuzz_n=%lu [fuzz_from=I])",
         seed, n, crash_first ? "before" : "after", seed, n);
    if (!setup())
        return;
    o = survivor();
    /* The first loads of each type take page tables for good (the crash
       region's protection, the control page's alias): before the
       baseline, then. */
    if (kx_load_image(&o, crash_first ? "check64 as the crash image, before "
                                        "the fuzz"
                                      : "check64 as the crash image (warm-up)"))
        return;
    m.loaded[KEXEC_TYPE_CRASH] = crash_first;
    if (!crash_first)
        check_eq(kx_unload(KEXEC_TYPE_CRASH), 0, "unload it again");
    for (int t = 0; t < 2; t++) {
        gen_valid(KEXEC_TYPE_DEFAULT);
        check_eq(kx_load(&LD), 0, "a default image (warm-up)");
        check_eq(kx_unload(KEXEC_TYPE_DEFAULT), 0, "unload it again");
    }
    m.free = m.free_base = free_frames();

    for (cur_i = 0; cur_i < n && !failed; cur_i++) {
        one_call();
        if (!failed)
            check_model();
        if (!failed && (cur_i + 1) % 1000 == 0)
            info("i=%lu ok", cur_i + 1);
    }
    if (failed) {
        info("the last calls (replay: fuzz_seed=%lu fuzz_n=%lu "
             "fuzz_from=%lu):",
             seed, n, cur_i > RING ? cur_i - RING : 0);
        for (int k = RING - 1; k >= 0; k--) {
            int p = (ring_pos - k + RING) % RING;

            if (ring[p][0] && ring_idx[p] + RING >= cur_i)
                info("  call %lu: %s", ring_idx[p], ring[p]);
        }
        return;
    }
    {
        char line[400];
        unsigned int kinds = 0;
        int l = 0;

        for (unsigned int e = 0; e < ARRAY_SIZE(nr_errno); e++)
            if (nr_errno[e]) {
                kinds++;
                l += snprintf(line + l, sizeof(line) - (size_t)l, " -%s %lu",
                              errno_name(-(long)e), nr_errno[e]);
                if (l >= (int)sizeof(line))
                    break;
            }
        info("loads: %lu default and %lu crash accepted; refused:%s",
             nr_accepted[0], nr_accepted[1], line);
        /* a fuzzer that stopped reaching the rules would pass unnoticed */
        if (n >= 2000)
            check_true(kinds >= 12 && nr_accepted[0] &&
                           (crash_first || nr_accepted[1]),
                       "the loads reached %u errnos (want 12 or more); "
                       "accepted: %lu default, %lu crash (want some of each "
                       "type the variant loads)",
                       kinds, nr_accepted[0], nr_accepted[1]);
    }
    if (!wind_down())
        return;
    if (!crash_first) {
        if (kx_load_image(&o, "check64 as the crash image, after the fuzz"))
            return;
    }
    if (!kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED,
                         "before the crash"))
        return;
    pass("%lu calls, seed %lu: every result as the model says", n, seed);
    info("crashing the hypervisor: debug_op inject 'panic'");
    rc = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_inject, PTR("panic"));
    fail("debug_op inject 'panic' returned %ld", rc);
}

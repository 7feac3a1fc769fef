/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check64: a kexec test image entered in 64-bit mode with paging on
 * (KEXEC_ARCH_64).  It checks, from the inside, every promise that
 * include/public/kexec.h makes about "The CPU state at the image's entry
 * point", plus what its loader wrote into the parameter block
 * (kexec-params.h): segment checksums, the zero-filled range, the MAP
 * entries, addresses that must stay unmapped.  README.md lists the lines.
 *
 * Exit codes (verdict.h): isa-debug-exit (port 0xf4) 0x20 when every check
 * passed (QEMU status 65), 0x21 when any failed (QEMU status 67).
 *
 * The handoff page tables are not mapped, so mappings are tested by
 * access: probe_read()/probe_write() (check64-head.S) survive a page fault
 * through the image's own IDT.
 */
#include "common.h"

#define CR0_WANT  0x80000031ull     /* PE | ET | NE | PG */
#define CR4_WANT  0x20ull           /* PAE */
#define EFER_WANT 0x500ull          /* LME | LMA */

/* The hypervisor's areas (arch/x86/include/asm/config.h). */
#define HV_IMAGE_VA     0xffff82d040000000ull
#define HV_DIRECTMAP_VA 0xffff830000000000ull

/* check64-head.S */
bool probe_read(uint64_t va, uint64_t *val);
bool probe_write(uint64_t va, uint64_t val);
int probe_rewrite(uint64_t va);
extern char probe_read_insn[], probe_read_fixup[];
extern char probe_write_insn[], probe_write_fixup[];
extern char probe_rewrite_rinsn[], probe_rewrite_rfixup[];
extern char probe_rewrite_winsn[], probe_rewrite_wfixup[];

void check64_main(void);

/* ---- exceptions: probe faults, or report and stop (common.c) ------------- */

static uint64_t probe_cr2, probe_error;

/* The probe whose faulting instruction is at rip: its fixup, or 0.  (No
 * table of addresses: it would need relocations.) */
static uintptr_t probe_fixup(uint64_t rip)
{
    if (rip == (uintptr_t)probe_read_insn)
        return (uintptr_t)probe_read_fixup;
    if (rip == (uintptr_t)probe_write_insn)
        return (uintptr_t)probe_write_fixup;
    if (rip == (uintptr_t)probe_rewrite_rinsn)
        return (uintptr_t)probe_rewrite_rfixup;
    if (rip == (uintptr_t)probe_rewrite_winsn)
        return (uintptr_t)probe_rewrite_wfixup;
    return 0;
}

void exc_handler(struct exc_frame *f)
{
    uintptr_t fixup = f->vector == 14 && !exc_reporting()
                      ? probe_fixup(f->rip) : 0;

    if (fixup) {
        probe_cr2 = read_cr2();
        probe_error = f->error;
        f->rip = fixup;
        return;
    }
    exc_unexpected(f, NULL);
}

/* For common.c: probes. */
bool mem_read64(uint64_t addr, uint64_t *val)
{
    return probe_read(addr & ~7ull, val);
}

bool mem_rewrite64(uint64_t addr)
{
    return probe_rewrite(addr & ~7ull) == 0;
}

/* ---- what is mapped ------------------------------------------------------ */

/* The pages the image knows to be mapped (and may not probe as unmapped):
 * its own, the zero range, the MAP targets (identity) and MAP VAs, the
 * control page (where the GDT is).  Any other destination is forbidden
 * by kexec-params.h. */
static bool known_mapped(const struct kexec_params *p, uint64_t va)
{
    uint64_t pg = va & PAGE_MASK;

    if (pg >= image_base() && pg < (uintptr_t)__image_end)
        return true;
    if ((pg & PAGE_MASK) == (entry_state.gdtr.base & PAGE_MASK))
        return true;
    if (!p)
        return false;
    if (pg >= p->zero_maddr && pg - p->zero_maddr < (p->zero_pages << 12))
        return true;
    for (unsigned int i = 0; i < p->nr_maps; i++) {
        const struct kxparam_map *m = &p->maps[i];

        if (pg >= m->va && pg - m->va < (m->pages << 12))
            return true;
        if (pg >= m->target_maddr &&
            pg - m->target_maddr < (m->pages << 12))
            return true;
    }
    return false;
}

/* One "must fault" probe: a not-present #PF at that address. */
static void check_unmapped(uint64_t va, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void check_unmapped(uint64_t va, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    uint64_t v;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);

    va &= ~7ull;
    probe_cr2 = probe_error = 0;
    if (probe_read(va, &v)) {
        fail("%s at %#llx unmapped (got readable, value %#llx, want a page "
             "fault)", what, (unsigned long long)va, (unsigned long long)v);
        return;
    }
    if (probe_cr2 != va || (probe_error & 1))
        fail("%s at %#llx unmapped (got a fault with cr2 %#llx error %#llx, "
             "want a not-present fault at the address)", what,
             (unsigned long long)va, (unsigned long long)probe_cr2,
             (unsigned long long)probe_error);
    else
        pass("%s at %#llx unmapped", what, (unsigned long long)va);
}

/* The image's own pages: identity mapped, readable and writable (with
 * CR0.WP set, so that a read-only mapping would show): the last word of
 * each page is read and written back unchanged. */
static void check_own_pages(void)
{
    uint64_t bad_read = 0, bad_write = 0, first = 0;
    uint64_t start = image_base(), end = (uintptr_t)__image_end;

    for (uint64_t a = start; a < end; a += PAGE_SIZE) {
        int r = probe_rewrite(a + PAGE_SIZE - 8);

        if (r && !bad_read && !bad_write)
            first = a;
        bad_read += r == 1;
        bad_write += r == 2;
    }
    if (bad_read || bad_write)
        fail("image pages %#llx..%#llx identity mapped read-write (got %llu "
             "unreadable, %llu read-only pages, the first at %#llx, want 0)",
             (unsigned long long)start, (unsigned long long)end,
             (unsigned long long)bad_read, (unsigned long long)bad_write,
             (unsigned long long)first);
    else
        pass("image pages %#llx..%#llx identity mapped read-write",
             (unsigned long long)start, (unsigned long long)end);
}

static bool overlaps_image(uint64_t a, uint64_t len)
{
    return a < (uintptr_t)__image_end && a + len > image_base();
}

/* A MAP entry: every page of va reads as its target's identity mapping,
 * a word written through va shows at the target (CR0.WP set), and the
 * target's identity mapping is writable too.  Targets inside the image are
 * only compared (a write there could hit the live stack). */
static void check_map(const struct kexec_params *p, unsigned int i)
{
    const struct kxparam_map *m = &p->maps[i];
    static const uint16_t offs[3] = { 0, 2048, 4088 };
    char problem[160] = "";
    bool tested_write = false;

    if ((m->va & ~PAGE_MASK) || (m->target_maddr & ~PAGE_MASK) ||
        !m->pages || m->pages > ((uint64_t)1 << 36)) {
        fail("map %u: va %#llx -> %#llx, %llu pages (got a bad entry, want "
             "page aligned, pages > 0)", i, (unsigned long long)m->va,
             (unsigned long long)m->target_maddr,
             (unsigned long long)m->pages);
        return;
    }
    for (uint64_t pg = 0; pg < m->pages && !problem[0]; pg++) {
        uint64_t va = m->va + (pg << 12), ma = m->target_maddr + (pg << 12);

        for (unsigned int k = 0; k < 3 && !problem[0]; k++) {
            uint64_t a, b;

            if (!probe_read(va + offs[k], &a))
                snprintf(problem, sizeof(problem), "a page fault reading va "
                         "%#llx, error %#llx", (unsigned long long)va + offs[k],
                         (unsigned long long)probe_error);
            else if (!probe_read(ma + offs[k], &b))
                snprintf(problem, sizeof(problem), "a page fault reading the "
                         "target's identity mapping %#llx, error %#llx",
                         (unsigned long long)ma + offs[k],
                         (unsigned long long)probe_error);
            else if (a != b)
                snprintf(problem, sizeof(problem), "%#llx at va %#llx but "
                         "%#llx at the target", (unsigned long long)a,
                         (unsigned long long)va + offs[k],
                         (unsigned long long)b);
        }
        if (problem[0] || overlaps_image(ma, PAGE_SIZE))
            continue;

        /* Write-through: flip the word at va, read it at the target. */
        uint64_t off = offs[(unsigned int)pg % 3], orig, seen = 0;

        probe_read(va + off, &orig);
        if (!probe_write(va + off, ~orig)) {
            snprintf(problem, sizeof(problem), "a page fault writing va "
                     "%#llx, error %#llx", (unsigned long long)va + off,
                     (unsigned long long)probe_error);
            continue;
        }
        if (!probe_read(ma + off, &seen) || seen != ~orig)
            snprintf(problem, sizeof(problem), "%#llx written at va %#llx "
                     "but %#llx at the target", (unsigned long long)~orig,
                     (unsigned long long)va + off, (unsigned long long)seen);
        probe_write(va + off, orig);
        if (!problem[0] && probe_rewrite(ma + off))
            snprintf(problem, sizeof(problem), "a page fault writing the "
                     "target's identity mapping %#llx, error %#llx",
                     (unsigned long long)ma + off,
                     (unsigned long long)probe_error);
        tested_write = true;
    }
    if (problem[0])
        fail("map %u: va %#llx -> %#llx, %llu pages (got %s, want the same "
             "page, read-write)", i, (unsigned long long)m->va,
             (unsigned long long)m->target_maddr,
             (unsigned long long)m->pages, problem);
    else
        pass("map %u: va %#llx -> %#llx, %llu pages: same bytes as the "
             "target%s", i, (unsigned long long)m->va,
             (unsigned long long)m->target_maddr,
             (unsigned long long)m->pages,
             tested_write ? ", read-write both ways" : "");
}

static void check_unmapped_all(const struct kexec_params *p)
{
    /* Generic addresses (canonical, far above any machine address). */
    static const uint64_t generic[] = {
        0x00007ffffffff000ull,      /* top page of the lower half */
        0xffff800000000000ull,      /* bottom of the upper half */
        0xfffffffffffff000ull,      /* top page */
    };
    uint64_t below = image_base() - PAGE_SIZE;
    uint64_t after = (uintptr_t)__image_end;

    check_unmapped(HV_IMAGE_VA, "hypervisor image");
    check_unmapped(HV_DIRECTMAP_VA, "hypervisor direct map");
    check_unmapped(read_cr3() & 0x000ffffffffff000ull,
                   "page-table root (CR3)");
    if (!known_mapped(p, 0))
        check_unmapped(0, "page 0");
    if (image_base() && !known_mapped(p, below))
        check_unmapped(below, "page below the image");
    if (!known_mapped(p, after))
        check_unmapped(after, "page after the image");
    for (unsigned int i = 0; i < ARRAY_SIZE(generic); i++)
        if (!known_mapped(p, generic[i]))
            check_unmapped(generic[i], "unrequested address");
    if (!p)
        return;
    for (unsigned int i = 0; i < p->nr_maps; i++) {
        uint64_t next = p->maps[i].va + (p->maps[i].pages << 12);

        if (next && !known_mapped(p, next))
            check_unmapped(next, "page after map %u", i);
    }
    for (unsigned int i = 0; i < p->nr_unmapped; i++)
        check_unmapped(p->unmapped[i], "loader's unmapped[%u]", i);
}

/* ---- main ---------------------------------------------------------------- */

void check64_main(void)
{
    const struct entry_state *es = &entry_state;
    const struct kexec_params *p;
    int r;

    serial_init();
    idt_install();
    info_start("");

    /* CPU state at entry */
    check_gprs();
    check_entry_flags();
    check_eq(read_cr0(), CR0_WANT, "CR0 (PE ET NE PG)");
    check_eq(read_cr4(), CR4_WANT, "CR4 (PAE)");
    check_eq(rdmsr(MSR_EFER), EFER_WANT, "EFER (LME LMA)");
    info("CR3 %#llx", (unsigned long long)read_cr3());
    check_selectors(0x10, 0x18);
    check_entry_idtr();
    r = probe_rewrite(es->gdtr.base & ~7ull);
    if (!r)
        pass("control page (GDT at %#llx) mapped read-write",
             (unsigned long long)es->gdtr.base);
    else
        fail("control page (GDT at %#llx) mapped read-write (got a page "
             "fault %s it, error %#llx, cr2 %#llx, want none)",
             (unsigned long long)es->gdtr.base,
             r == 1 ? "reading" : "writing", (unsigned long long)probe_error,
             (unsigned long long)probe_cr2);
    check_gdt(es->gdtr.base, es->gdtr.limit);

    /* The image in memory */
    p = check_image();

    /* Mappings */
    check_own_pages();
    if (p)
        for (unsigned int i = 0; i < p->nr_maps; i++)
            check_map(p, i);
    check_unmapped_all(p);

    finish();
}

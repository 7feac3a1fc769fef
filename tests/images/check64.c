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

#define CR0_WANT  0x80000031ull /* PE | ET | NE | PG */
#define CR4_WANT  0x20ull       /* PAE */
#define EFER_WANT 0x500ull      /* LME | LMA */

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
extern char irq_stubs[];

void check64_main(void);

/* ---- exceptions: probe faults, or report and stop (common.c) ------------- */

static uint64_t probe_cr2, probe_error;
/* NMIs and interrupts taken (vector 2; vectors 32 .. 255). */
static volatile unsigned int nmis_seen, irqs_seen;
static volatile unsigned int first_irq_vector;
static volatile uint32_t *lapic; /* while the image's own tables run */

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
    if (f->vector == 2) {
        nmis_seen++;
        return;
    }
    if (f->vector >= 32) {
        if (!irqs_seen++)
            first_irq_vector = (unsigned int)f->vector;
        if (lapic && f->vector != 0xff) /* spurious: no EOI */
            lapic[0xb0 / 4] = 0;
        return;
    }

    uintptr_t fixup = f->vector == 14 && !exc_reporting() ? probe_fixup(f->rip)
                                                          : 0;

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
    if (pg >= p->foreign_maddr &&
        pg - p->foreign_maddr < (p->foreign_pages << 12))
        return true;
    for (unsigned int i = 0; i < p->nr_maps; i++) {
        const struct kxparam_map *m = &p->maps[i];

        if (pg >= m->va && pg - m->va < (m->pages << 12))
            return true;
        if (pg >= m->target_maddr && pg - m->target_maddr < (m->pages << 12))
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
             "fault)",
             what, (unsigned long long)va, (unsigned long long)v);
        return;
    }
    if (probe_cr2 != va || (probe_error & 1))
        fail("%s at %#llx unmapped (got a fault with cr2 %#llx error %#llx, "
             "want a not-present fault at the address)",
             what, (unsigned long long)va, (unsigned long long)probe_cr2,
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

    if ((m->va & ~PAGE_MASK) || (m->target_maddr & ~PAGE_MASK) || !m->pages ||
        m->pages > ((uint64_t)1 << 36)) {
        fail("map %u: va %#llx -> %#llx, %llu pages (got a bad entry, want "
             "page aligned, pages > 0)",
             i, (unsigned long long)m->va, (unsigned long long)m->target_maddr,
             (unsigned long long)m->pages);
        return;
    }
    for (uint64_t pg = 0; pg < m->pages && !problem[0]; pg++) {
        uint64_t va = m->va + (pg << 12), ma = m->target_maddr + (pg << 12);

        for (unsigned int k = 0; k < 3 && !problem[0]; k++) {
            uint64_t a, b;

            if (!probe_read(va + offs[k], &a))
                snprintf(problem, sizeof(problem),
                         "a page fault reading va "
                         "%#llx, error %#llx",
                         (unsigned long long)va + offs[k],
                         (unsigned long long)probe_error);
            else if (!probe_read(ma + offs[k], &b))
                snprintf(problem, sizeof(problem),
                         "a page fault reading the "
                         "target's identity mapping %#llx, error %#llx",
                         (unsigned long long)ma + offs[k],
                         (unsigned long long)probe_error);
            else if (a != b)
                snprintf(problem, sizeof(problem),
                         "%#llx at va %#llx but "
                         "%#llx at the target",
                         (unsigned long long)a,
                         (unsigned long long)va + offs[k],
                         (unsigned long long)b);
        }
        if (problem[0] || overlaps_image(ma, PAGE_SIZE))
            continue;

        /* Write-through: flip the word at va, read it at the target. */
        uint64_t off = offs[(unsigned int)pg % 3], orig, seen = 0;

        probe_read(va + off, &orig);
        if (!probe_write(va + off, ~orig)) {
            snprintf(problem, sizeof(problem),
                     "a page fault writing va "
                     "%#llx, error %#llx",
                     (unsigned long long)va + off,
                     (unsigned long long)probe_error);
            continue;
        }
        if (!probe_read(ma + off, &seen) || seen != ~orig)
            snprintf(problem, sizeof(problem),
                     "%#llx written at va %#llx "
                     "but %#llx at the target",
                     (unsigned long long)~orig, (unsigned long long)va + off,
                     (unsigned long long)seen);
        probe_write(va + off, orig);
        if (!problem[0] && probe_rewrite(ma + off))
            snprintf(problem, sizeof(problem),
                     "a page fault writing the "
                     "target's identity mapping %#llx, error %#llx",
                     (unsigned long long)ma + off,
                     (unsigned long long)probe_error);
        tested_write = true;
    }
    if (problem[0])
        fail("map %u: va %#llx -> %#llx, %llu pages (got %s, want the same "
             "page, read-write)",
             i, (unsigned long long)m->va, (unsigned long long)m->target_maddr,
             (unsigned long long)m->pages, problem);
    else
        pass("map %u: va %#llx -> %#llx, %llu pages: same bytes as the "
             "target%s",
             i, (unsigned long long)m->va, (unsigned long long)m->target_maddr,
             (unsigned long long)m->pages,
             tested_write ? ", read-write both ways" : "");
}

static void check_unmapped_all(const struct kexec_params *p)
{
    /* Generic addresses (canonical, far above any machine address). */
    static const uint64_t generic[] = {
        0x00007ffffffff000ull, /* top page of the lower half */
        0xffff800000000000ull, /* bottom of the upper half */
        0xfffffffffffff000ull, /* top page */
    };
    uint64_t below = image_base() - PAGE_SIZE;
    uint64_t after = (uintptr_t)__image_end;

    check_unmapped(HV_IMAGE_VA, "hypervisor image");
    check_unmapped(HV_DIRECTMAP_VA, "hypervisor direct map");
    check_unmapped(read_cr3() & 0x000ffffffffff000ull, "page-table root (CR3)");
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

/* ---- the image's own page tables ------------------------------------------
 *
 * The handoff tables are not mapped, and map nothing but the image's pages:
 * to read them, and to reach the local APIC and the IOAPIC, the image
 * switches to tables of its own (in its .bss, a ZERO range of the load):
 * the low 4 GiB 1:1 in 2 MiB pages, uncached from 0xfe000000 (the APICs).
 * An image may do what it likes after its entry; it switches back to the
 * handoff tables (read from CR3 at entry) before the other checks.
 */
#define PTE_P            0x001ull
#define PTE_RW           0x002ull
#define PTE_PWT          0x008ull
#define PTE_PCD          0x010ull
#define PTE_PS           0x080ull
#define PTE_ADDR         0x000ffffffffff000ull
#define OWN_TABLES_LIMIT (4ull << 30)
#define APIC_MMIO_START  0xfe000000ull
#define IOAPIC_PHYS      0xfec00000ull /* the PC's first IOAPIC (QEMU's) */

static uint64_t own_tables[6][512] __attribute__((aligned(4096)));
static uint64_t handoff_cr3;

static inline void write_cr3(uint64_t v)
{
    /* clang-format off */
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
    /* clang-format on */
}

static void own_tables_on(void)
{
    uint64_t *pml4 = own_tables[0], *pdpt = own_tables[1];

    if (!pml4[0]) {
        pml4[0] = (uintptr_t)pdpt | PTE_P | PTE_RW;
        for (unsigned int g = 0; g < 4; g++) {
            uint64_t *pd = own_tables[2 + g];

            pdpt[g] = (uintptr_t)pd | PTE_P | PTE_RW;
            for (unsigned int i = 0; i < 512; i++) {
                uint64_t pa = ((uint64_t)g << 30) | ((uint64_t)i << 21);

                pd[i] = pa | PTE_P | PTE_RW | PTE_PS |
                        (pa >= APIC_MMIO_START ? PTE_PCD | PTE_PWT : 0);
            }
        }
    }
    handoff_cr3 = read_cr3();
    write_cr3((uintptr_t)pml4);
}

static void own_tables_off(void)
{
    lapic = NULL;
    write_cr3(handoff_cr3);
}

/* ---- NMIs at entry ----------------------------------------------------------
 *
 * Run before anything that could end in an iretq (every exception the probes
 * take does): an NMI sent to itself must arrive at once, or NMIs were left
 * blocked at the jump.
 */
#define MSR_APIC_BASE       0x1bu
#define LAPIC_ID            0x020
#define LAPIC_EOI           0x0b0
#define LAPIC_ICR_LO        0x300
#define LAPIC_ICR_HI        0x310
#define LAPIC_LVT_TIMER     0x320
#define LAPIC_LVT_PERF      0x340
#define LAPIC_LVT_LINT0     0x350
#define LAPIC_LVT_LINT1     0x360
#define LAPIC_LVT_ERROR     0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LVT_MASKED          (1u << 16)

static uint64_t lapic_phys(void)
{
    return rdmsr(MSR_APIC_BASE) & PTE_ADDR;
}

/* Own tables on, the local APIC reachable; false (reported) if it is not. */
static bool lapic_on(const char *what)
{
    uint64_t pa = lapic_phys();

    if (pa >= OWN_TABLES_LIMIT || pa < APIC_MMIO_START ||
        (uintptr_t)__image_end > OWN_TABLES_LIMIT) {
        fail("%s (got the local APIC at %#llx, the image up to %#llx, want "
             "both within the image's own tables: 0xfe000000.., ..4 GiB)",
             what, (unsigned long long)pa,
             (unsigned long long)(uintptr_t)__image_end);
        return false;
    }
    own_tables_on();
    lapic = (volatile uint32_t *)(uintptr_t)pa;
    return true;
}

static void check_nmi_at_entry(void)
{
    const char *what = "an NMI sent to itself at entry arrives (NMIs not "
                       "blocked at the jump)";
    uint64_t start;

    if (nmis_seen) {
        fail("%s (got %u NMIs before sending one, want 0)", what, nmis_seen);
        return;
    }
    if (!lapic_on(what))
        return;
    idt_set_gate(2, (uintptr_t)exc_stubs + 16 * 2);
    lapic[LAPIC_ICR_HI / 4] = lapic[LAPIC_ID / 4] & 0xff000000u;
    lapic[LAPIC_ICR_LO / 4] = (4u << 8) | (1u << 14); /* NMI, assert */
    start = rdtsc();
    while (!nmis_seen && rdtsc() - start < 100000000ull)
        __asm__ volatile("pause");
    own_tables_off();
    if (nmis_seen == 1)
        pass("%s", what);
    else
        fail("%s (got %u NMIs, want 1)", what, nmis_seen);
}

/* ---- the interrupt sources, quiesced ------------------------------------- */

static uint32_t ioapic_read(volatile uint32_t *io, unsigned int reg)
{
    io[0] = reg;
    return io[4];
}

/*
 * From the inside, what the hypervisor's quiescing promises: this CPU's
 * LAPIC timer stopped and its LVTs masked, every entry of the IOAPIC
 * masked, both 8259s masked, PIT channel 0 stopped (mode 0, no count);
 * then, with the image's own IDT for every vector, interrupts enabled for
 * a while: none may arrive.
 */
static void check_quiesced(void)
{
    static const uint16_t lvts[5] = { LAPIC_LVT_TIMER, LAPIC_LVT_LINT0,
                                      LAPIC_LVT_LINT1, LAPIC_LVT_PERF,
                                      LAPIC_LVT_ERROR };
    static const char lvt_names[5][6] = { "timer", "LINT0", "LINT1", "perf",
                                          "error" };
    volatile uint32_t *io = (volatile uint32_t *)(uintptr_t)IOAPIC_PHYS;
    char bad[160] = "";
    size_t n = 0;
    unsigned int entries, unmasked = 0, first_unmasked = 0;
    uint8_t pit_status;
    uint64_t start, window = 200000000ull;

    if (!lapic_on("the interrupt sources quiesced"))
        return;
    for (unsigned int i = 0; i < 5; i++) {
        uint32_t v = lapic[lvts[i] / 4];

        if (!(v & LVT_MASKED))
            n += snprintf(bad + n, sizeof(bad) - n, " %s %#x", lvt_names[i], v);
    }
    if (lapic[LAPIC_TIMER_INITIAL / 4])
        n += snprintf(bad + n, sizeof(bad) - n, " timer count %#x",
                      lapic[LAPIC_TIMER_INITIAL / 4]);
    if (bad[0])
        fail("local APIC: timer stopped, timer LINT0 LINT1 perf error masked "
             "(got unmasked or running:%s)",
             bad);
    else
        pass("local APIC: timer stopped, timer LINT0 LINT1 perf error masked");

    entries = ((ioapic_read(io, 1) >> 16) & 0xff) + 1;
    if (ioapic_read(io, 1) == 0xffffffffu) {
        fail("IOAPIC at %#llx: every entry masked (got no IOAPIC there)",
             IOAPIC_PHYS);
    } else {
        for (unsigned int e = 0; e < entries; e++)
            if (!(ioapic_read(io, 0x10 + 2 * e) & LVT_MASKED) && !unmasked++)
                first_unmasked = e;
        if (unmasked)
            fail("IOAPIC at %#llx: every entry masked (got %u of %u unmasked, "
                 "the first entry %u)",
                 IOAPIC_PHYS, unmasked, entries, first_unmasked);
        else
            pass("IOAPIC at %#llx: all %u entries masked", IOAPIC_PHYS,
                 entries);
    }
    check_eq(((uint64_t)inb(0xa1) << 8) | inb(0x21), 0xffff,
             "8259s: every IRQ masked (slave:master IMR)");
    outb(0x43, 0xe2); /* read-back: channel 0 status only */
    pit_status = inb(0x40);
    check_eq((pit_status >> 1) & 7, 0,
             "PIT channel 0 stopped: mode 0, waiting for a count");

    for (unsigned int v = 32; v < 256; v++)
        idt_set_gate(v, (uintptr_t)irq_stubs + 16 * (v - 32));
    start = rdtsc();
    /* clang-format off */
    __asm__ volatile("sti" ::: "memory");
    /* clang-format on */
    while (rdtsc() - start < window)
        __asm__ volatile("pause");
    /* clang-format off */
    __asm__ volatile("cli" ::: "memory");
    /* clang-format on */
    own_tables_off();
    if (irqs_seen)
        fail("no interrupt with interrupts enabled for %llu TSC cycles (got "
             "%u, the first vector %#x, want none)",
             (unsigned long long)window, irqs_seen, first_irq_vector);
    else
        pass("no interrupt with interrupts enabled for %llu TSC cycles",
             (unsigned long long)window);
}

/* ---- every page the handoff tables map ------------------------------------ */

struct walk {
    const struct kexec_params *p;
    uint64_t control; /* the control page (the GDT's page) */
    uint64_t image, zero, target, ctl, map, other; /* present, by kind */
    uint64_t foreign;
    uint64_t first_other_va, first_other_pa;
};

static bool in_range(uint64_t a, uint64_t start, uint64_t pages)
{
    return a >= start && a - start < (pages << 12);
}

/* One present 4 KiB page va -> pa, counted by what it is allowed to be. */
static void walk_page(struct walk *w, uint64_t va, uint64_t pa)
{
    const struct kexec_params *p = w->p;

    if (p)
        for (unsigned int i = 0; i < p->nr_maps; i++)
            if (in_range(va, p->maps[i].va, p->maps[i].pages)) {
                if (pa == p->maps[i].target_maddr + (va - p->maps[i].va)) {
                    w->map++;
                    return;
                }
                goto other;
            }
    if (va != pa)
        goto other;
    if (pa >= image_base() && pa < (uintptr_t)__image_end) {
        w->image++;
        return;
    }
    if (pa == w->control) {
        w->ctl++;
        return;
    }
    if (p && p->zero_pages && in_range(pa, p->zero_maddr, p->zero_pages)) {
        w->zero++;
        return;
    }
    if (p && p->foreign_pages &&
        in_range(pa, p->foreign_maddr, p->foreign_pages)) {
        w->foreign++;
        return;
    }
    if (p)
        for (unsigned int i = 0; i < p->nr_maps; i++)
            if (in_range(pa, p->maps[i].target_maddr, p->maps[i].pages)) {
                w->target++; /* a destination outside the image */
                return;
            }
other:
    if (!w->other++) {
        w->first_other_va = va;
        w->first_other_pa = pa;
    }
}

static void walk_table(struct walk *w, uint64_t table, int level, uint64_t va)
{
    const uint64_t *t = (const uint64_t *)(uintptr_t)table;
    unsigned int shift = 12 + 9 * (unsigned int)level;

    for (unsigned int i = 0; i < 512; i++) {
        uint64_t e = t[i], v = va | ((uint64_t)i << shift);

        if (!(e & PTE_P))
            continue;
        if (level == 3 && (v & (1ull << 47)))
            v |= 0xffff000000000000ull; /* canonical upper half */
        if (level == 0 || (level < 3 && (e & PTE_PS))) {
            uint64_t pa = e & PTE_ADDR & ~((1ull << shift) - 1);

            for (uint64_t off = 0; off < (1ull << shift); off += PAGE_SIZE)
                walk_page(w, v + off, pa + off);
        } else {
            walk_table(w, e & PTE_ADDR, level - 1, v);
        }
    }
}

/*
 * Every present page of the handoff tables (walked from CR3 through the
 * image's own 1:1 tables) must be an image page, the zero range or a map
 * target (1:1), the control page (1:1), or a MAP entry's page at its
 * target; and each of those must be there.  A page of the relocation list,
 * a staging page or a table frame mapped too is "something else".
 */
static void check_handoff_tables(const struct kexec_params *p)
{
    struct walk w = { .p = p, .control = entry_state.gdtr.base & PAGE_MASK };
    uint64_t cr3 = read_cr3() & PTE_ADDR;
    uint64_t want_image = ((uintptr_t)__image_end - image_base()) >> 12;
    uint64_t want_zero = 0, want_target = 0, want_map = 0, want_foreign = 0;

    if (cr3 >= OWN_TABLES_LIMIT) {
        fail("handoff tables: every present page accounted for (got CR3 "
             "%#llx, above the image's own tables' 4 GiB)",
             (unsigned long long)cr3);
        return;
    }
    own_tables_on();
    walk_table(&w, cr3, 3, 0);
    own_tables_off();
    /* What the walk must have found: the pages of each kind, each once. */
    for (uint64_t i = 0; p && i < p->zero_pages; i++)
        want_zero += !overlaps_image(p->zero_maddr + (i << 12), PAGE_SIZE);
    /* foreign pages the image or zero range do not already count */
    for (uint64_t i = 0; p && i < p->foreign_pages; i++) {
        uint64_t pa = p->foreign_maddr + (i << 12);

        want_foreign += !overlaps_image(pa, PAGE_SIZE) &&
                        !(p->zero_pages &&
                          in_range(pa, p->zero_maddr, p->zero_pages));
    }
    for (unsigned int m = 0; p && m < p->nr_maps; m++) {
        want_map += p->maps[m].pages;
        for (uint64_t i = 0; i < p->maps[m].pages; i++) {
            uint64_t pa = p->maps[m].target_maddr + (i << 12);
            bool seen = overlaps_image(pa, PAGE_SIZE) ||
                        (p->zero_pages &&
                         in_range(pa, p->zero_maddr, p->zero_pages));

            for (unsigned int k = 0; k < m && !seen; k++)
                seen = in_range(pa, p->maps[k].target_maddr, p->maps[k].pages);
            want_target += !seen;
        }
    }
    if (w.other)
        fail("handoff tables: every present page accounted for (got %llu "
             "other pages, the first va %#llx -> %#llx, want none)",
             (unsigned long long)w.other, (unsigned long long)w.first_other_va,
             (unsigned long long)w.first_other_pa);
    else if (w.image != want_image || w.zero != want_zero ||
             w.target != want_target || w.ctl != 1 || w.map != want_map ||
             w.foreign != want_foreign)
        fail("handoff tables: every present page accounted for (got %llu "
             "image, %llu zero-range, %llu other map-target, %llu control, "
             "%llu MAP, %llu foreign pages, want %llu, %llu, %llu, 1, %llu, "
             "%llu)",
             (unsigned long long)w.image, (unsigned long long)w.zero,
             (unsigned long long)w.target, (unsigned long long)w.ctl,
             (unsigned long long)w.map, (unsigned long long)w.foreign,
             (unsigned long long)want_image, (unsigned long long)want_zero,
             (unsigned long long)want_target, (unsigned long long)want_map,
             (unsigned long long)want_foreign);
    else
        pass("handoff tables: %llu pages present, each accounted for: %llu "
             "image, %llu zero-range, %llu other map-target, 1 control, "
             "%llu MAP, %llu foreign pages",
             (unsigned long long)(w.image + w.zero + w.target + 1 + w.map +
                                  w.foreign),
             (unsigned long long)w.image, (unsigned long long)w.zero,
             (unsigned long long)w.target, (unsigned long long)w.map,
             (unsigned long long)w.foreign);
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
    check_nmi_at_entry();

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
             (unsigned long long)es->gdtr.base, r == 1 ? "reading" : "writing",
             (unsigned long long)probe_error, (unsigned long long)probe_cr2);
    check_gdt(es->gdtr.base, es->gdtr.limit);

    /* The image in memory */
    p = check_image();

    /* Mappings */
    check_own_pages();
    if (p)
        for (unsigned int i = 0; i < p->nr_maps; i++)
            check_map(p, i);
    check_unmapped_all(p);
    check_handoff_tables(p);
    check_quiesced();

    finish();
}

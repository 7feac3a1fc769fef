/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dom0 builder: from the first boot module (a 64-bit ELF linked in
 * the upper half) to a ring-3 PV domain, as include/public/start-info.h
 * specifies.  Its page tables are built with map_pages(), like every
 * other mapping in the hypervisor; afterwards they change only through
 * mmu_update/update_va_mapping (arch/x86/pv/mm.c).
 *
 * dom0's virtual layout (all in L4 slot 511):
 *   DOM0_IMAGE_START   the ELF's PT_LOAD segments (at most 4 MiB)
 *   DOM0_BOOT_VA       start_info, hypercall page, guard, stack
 *   DOM0_SCRATCH_VA    2 MiB with an empty L1 table, for the guest's use
 *   DOM0_P2M_VA        the P2M list (read-only)
 *   DOM0_PTVIEW_VA     read-only view of every page-table frame
 *   DOM0_MODULES_VA    the boot modules after the first
 */
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <hv/param.h>
#include <asm/pv.h>
#include <public/start-info.h>
#include <public/xen.h>

#define DOM0_IMAGE_START 0xffffffff80000000UL
#define DOM0_IMAGE_END   0xffffffff80400000UL
#define DOM0_BOOT_VA     0xffffffff80400000UL
#define DOM0_START_INFO  (DOM0_BOOT_VA)
#define DOM0_HCALL_PAGE  (DOM0_BOOT_VA + 0x1000)
#define DOM0_STACK       (DOM0_BOOT_VA + 0x3000) /* +0x2000 is a guard */
#define DOM0_SCRATCH_VA  0xffffffff80600000UL
#define DOM0_P2M_VA      0xffffffff80800000UL
#define DOM0_PTVIEW_VA   0xffffffff80a00000UL
#define DOM0_MODULES_VA  0xffffffff81000000UL
/* The mfn list of the view lives in the start_info page, after the struct. */
#define START_INFO_MFNS_OFFSET 2048

BUILD_BUG_ON(sizeof(struct start_info) > START_INFO_MFNS_OFFSET);
BUILD_BUG_ON(DOM0_MAX_PT_FRAMES * 8 > PAGE_SIZE - START_INFO_MFNS_OFFSET);

static uint64_t opt_dom0_mem = MiB(32);
size_param("dom0_mem", opt_dom0_mem);
/* COM2's 16550 (eight ports): a privileged dom0's to use. */
#define DOM0_COM2_PORT 0x2f8

static bool opt_dom0_unprivileged;
boolean_param("dom0-unprivileged", opt_dom0_unprivileged);

static struct domain dom0_struct;

/* ---- dom0's page tables ------------------------------------------------ */

static pte_t *dom_table_va(void *ctx, mfn_t mfn)
{
    return mfn_to_virt(mfn);
}

static mfn_t dom_alloc_table(void *ctx)
{
    struct domain *d = ctx;
    mfn_t mfn;

    if (d->nr_pt_frames == DOM0_MAX_PT_FRAMES)
        return INVALID_MFN;
    mfn = alloc_frame(_mfn(0));
    if (mfn_is_invalid(mfn))
        return mfn;
    memset(dom_table_va(d, mfn), 0, PAGE_SIZE);
    frame_info(mfn)->owner = OWNER_DOM0;
    frame_info(mfn)->type = PGT_L1; /* refined by classify_tables() */
    d->pt_frames[d->nr_pt_frames++] = mfn;
    return mfn;
}

static struct pt_ops dom_pt_ops = {
    .alloc_table = dom_alloc_table,
    .table_va = dom_table_va,
};

#define GUEST_RO (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define GUEST_RW (GUEST_RO | _PAGE_RW | _PAGE_DIRTY)

static void dom_map(struct domain *d, vaddr_t va, mfn_t mfn, uint64_t flags)
{
    int rc = map_pages(&dom_pt_ops, d->l4_mfn, va, mfn, 1,
                       flags | MAP_SMALL_ONLY);

    if (rc)
        panic("dom0 builder: mapping %#lx failed: %d",
              (unsigned long)vaddr_x(va), rc);
}

/* Record mfn in the P2M at the next gfn, and count it as the domain's. */
static void dom_give(struct domain *d, gfn_t *next_gfn, mfn_t mfn)
{
    p2m_set(d, *next_gfn, mfn);
    *next_gfn = gfn_add(*next_gfn, 1);
    d->nr_pages++;
}

/* A new frame for the domain, recorded in its P2M at the next gfn. */
static mfn_t dom_frame(struct domain *d, gfn_t *next_gfn)
{
    mfn_t mfn = alloc_frame(_mfn(0));

    if (mfn_is_invalid(mfn) || gfn_x(*next_gfn) >= d->p2m_size)
        panic("dom0 builder: out of memory (dom0_mem=%luM)",
              (unsigned long)(opt_dom0_mem >> 20));
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    frame_info(mfn)->owner = OWNER_DOM0;
    dom_give(d, next_gfn, mfn);
    return mfn;
}

/* A hypervisor-owned frame that the domain may only read. */
static mfn_t hv_frame(void)
{
    mfn_t mfn = alloc_frame(_mfn(0));

    if (mfn_is_invalid(mfn))
        panic("dom0 builder: out of memory");
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    frame_info(mfn)->owner = OWNER_HV;
    return mfn;
}

/* Zeroed hypervisor memory for one of the domain's own arrays. */
static void *hv_array(uint64_t bytes, const char *what)
{
    uint64_t pages = ROUNDUP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
    mfn_t mfn = alloc_frames(pages ? pages : 1, 1, _mfn(0));

    if (mfn_is_invalid(mfn))
        panic("dom0 builder: no memory for %s", what);
    for (uint64_t i = 0; i < pages; i++)
        frame_info(mfn_add(mfn, i))->owner = OWNER_HV;
    memset(mfn_to_virt(mfn), 0, pages * PAGE_SIZE);
    return mfn_to_virt(mfn);
}

/* Set each table's level by walking from the root (guest slots only). */
static void classify_tables(struct domain *d)
{
    pte_t *l4 = dom_table_va(d, d->l4_mfn);

    frame_info(d->l4_mfn)->type = PGT_L4;
    for (unsigned int i4 = 0; i4 < PT_ENTRIES; i4++) {
        pte_t *l3;

        if (pv_l4_slot_is_hv(i4) || !(l4[i4] & _PAGE_PRESENT))
            continue;
        frame_info(pte_mfn(l4[i4]))->type = PGT_L3;
        l3 = dom_table_va(d, pte_mfn(l4[i4]));
        for (unsigned int i3 = 0; i3 < PT_ENTRIES; i3++) {
            pte_t *l2;

            if (!(l3[i3] & _PAGE_PRESENT))
                continue;
            frame_info(pte_mfn(l3[i3]))->type = PGT_L2;
            l2 = dom_table_va(d, pte_mfn(l3[i3]));
            for (unsigned int i2 = 0; i2 < PT_ENTRIES; i2++)
                if (l2[i2] & _PAGE_PRESENT)
                    frame_info(pte_mfn(l2[i2]))->type = PGT_L1;
        }
    }
}

/* ---- the image ------------------------------------------------------- */

static uint64_t load_elf(struct domain *d, const struct boot_module *m,
                         gfn_t *next_gfn)
{
    const uint8_t *img = maddr_to_virt(m->start);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;

    if (m->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
        eh->e_phentsize != sizeof(Elf64_Phdr) ||
        eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > m->size)
        panic("dom0 image: not a 64-bit x86 ELF");

    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;
        uint64_t start, end;

        if (ph->p_type != PT_LOAD || !ph->p_memsz)
            continue;
        start = ROUNDDOWN(ph->p_vaddr, PAGE_SIZE);
        end = ROUNDUP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
        if (start < DOM0_IMAGE_START || end > DOM0_IMAGE_END ||
            ph->p_filesz > ph->p_memsz || ph->p_offset + ph->p_filesz > m->size)
            panic("dom0 image: segment %u (%#lx + %#lx) outside %#lx-%#lx", i,
                  (unsigned long)ph->p_vaddr, (unsigned long)ph->p_memsz,
                  DOM0_IMAGE_START, DOM0_IMAGE_END);
        for (uint64_t va = start; va < end; va += PAGE_SIZE) {
            mfn_t mfn = dom_frame(d, next_gfn);
            uint8_t *dst = mfn_to_virt(mfn);
            uint64_t flags = (ph->p_flags & PF_W) ? GUEST_RW : GUEST_RO;

            /* Copy the part of [p_vaddr, p_vaddr + p_filesz) in this page. */
            for (uint64_t b = 0; b < PAGE_SIZE; b++) {
                uint64_t v = va + b;

                if (v >= ph->p_vaddr && v < ph->p_vaddr + ph->p_filesz)
                    dst[b] = img[ph->p_offset + (v - ph->p_vaddr)];
            }
            if (!(ph->p_flags & PF_X))
                flags |= _PAGE_NX;
            dom_map(d, _vaddr(va), mfn, flags);
        }
    }
    if (eh->e_entry < DOM0_IMAGE_START || eh->e_entry >= DOM0_IMAGE_END)
        panic("dom0 image: entry point %#lx outside the image",
              (unsigned long)eh->e_entry);
    return eh->e_entry;
}

/* The 32-byte stubs: mov $nr, %eax; syscall; ret; padded with int3. */
static void write_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, PAGE_SIZE);
    for (unsigned int nr = 0; nr < NR_HYPERCALLS; nr++) {
        uint8_t *s = p + nr * HYPERCALL_STUB_SIZE;

        s[0] = 0xb8;
        memcpy(&s[1], &nr, 4);
        s[5] = 0x0f;
        s[6] = 0x05;
        s[7] = 0xc3;
    }
}

/* ---- building and entering -------------------------------------------- */

static uint64_t build_dom0(struct domain *d, struct start_info **si_out)
{
    const struct boot_module *image = &boot_info.modules[0];
    uint64_t module_pages = 0, entry, p2m_pages, va;
    gfn_t next_gfn = _gfn(0);
    struct start_info *si;
    mfn_t si_mfn, hc_mfn, p2m_mfn, scratch_l1;
    uint64_t *view_mfns;
    pte_t e;
    int level;

    for (unsigned int i = 1; i < boot_info.nr_modules; i++)
        module_pages += ROUNDUP(boot_info.modules[i].size, PAGE_SIZE) >>
                        PAGE_SHIFT;

    d->id = 0;
    d->privileged = !opt_dom0_unprivileged;
    d->kexec_safe = true;
    d->max_pages = opt_dom0_mem >> PAGE_SHIFT;
    d->p2m_size = d->max_pages + module_pages;
    dom_pt_ops.ctx = d;

    /* The P2M list: hypervisor frames, read-only to the guest. */
    if (d->p2m_size >> 32) /* free_gfns holds 32-bit gfns */
        panic("dom0 builder: dom0_mem=%luM is too large",
              (unsigned long)(opt_dom0_mem >> 20));
    p2m_pages = ROUNDUP(d->p2m_size * 8, PAGE_SIZE) >> PAGE_SHIFT;
    d->p2m = hv_array(d->p2m_size * 8, "the P2M list");
    p2m_mfn = virt_to_mfn(d->p2m);
    for (uint64_t i = 0; i < d->p2m_size; i++)
        d->p2m[i] = P2M_INVALID;
    d->free_gfns = hv_array(d->p2m_size * sizeof(*d->free_gfns),
                            "the free-gfn stack");

    /* Root: the hypervisor's slots are shared with every other root. */
    d->l4_mfn = dom_alloc_table(d);
    if (mfn_is_invalid(d->l4_mfn))
        panic("dom0 builder: no memory for page tables");
    pv_copy_hv_slots(dom_table_va(d, d->l4_mfn));

    entry = load_elf(d, image, &next_gfn);

    si_mfn = hv_frame();
    hc_mfn = hv_frame();
    write_hypercall_page(mfn_to_virt(hc_mfn));
    dom_map(d, _vaddr(DOM0_START_INFO), si_mfn, GUEST_RO | _PAGE_NX);
    dom_map(d, _vaddr(DOM0_HCALL_PAGE), hc_mfn, GUEST_RO);
    for (unsigned int i = 0; i < START_STACK_PAGES; i++)
        dom_map(d, _vaddr(DOM0_STACK + i * PAGE_SIZE), dom_frame(d, &next_gfn),
                GUEST_RW | _PAGE_NX);
    for (uint64_t i = 0; i < p2m_pages; i++)
        dom_map(d, _vaddr(DOM0_P2M_VA + i * PAGE_SIZE), mfn_add(p2m_mfn, i),
                GUEST_RO | _PAGE_NX);

    si = mfn_to_virt(si_mfn);
    va = DOM0_MODULES_VA;
    for (unsigned int i = 1; i < boot_info.nr_modules && i <= START_MAX_MODULES;
         i++) {
        const struct boot_module *m = &boot_info.modules[i];
        struct start_module *sm = &si->modules[si->nr_modules++];
        uint64_t pages = ROUNDUP(m->size, PAGE_SIZE) >> PAGE_SHIFT;

        sm->va = va;
        sm->size = m->size;
        sm->first_gfn = gfn_x(next_gfn);
        strlcpy(sm->cmdline, m->cmdline, sizeof(sm->cmdline));
        for (uint64_t p = 0; p < pages; p++, va += PAGE_SIZE) {
            mfn_t mfn = mfn_add(maddr_to_mfn(m->start), p);

            /* Boot memory handed over: never returned to the allocator. */
            frame_info(mfn)->owner = OWNER_DOM0;
            frame_info(mfn)->boot = 1;
            dom_give(d, &next_gfn, mfn);
            dom_map(d, _vaddr(va), mfn, GUEST_RW | _PAGE_NX);
        }
        va += PAGE_SIZE; /* a hole between modules */
    }
    si->first_free_gfn = gfn_x(next_gfn);
    while (d->nr_pages < d->max_pages + module_pages)
        dom_frame(d, &next_gfn);

    /* The scratch window: map and unmap one page to leave its L1 behind. */
    dom_map(d, _vaddr(DOM0_SCRATCH_VA), si_mfn, GUEST_RO | _PAGE_NX);
    map_pages(&dom_pt_ops, d->l4_mfn, _vaddr(DOM0_SCRATCH_VA), _mfn(0), 1,
              MAP_SMALL_ONLY);
    e = lookup_pte(&dom_pt_ops, d->l4_mfn, _vaddr(DOM0_SCRATCH_VA), &level);
    BUG_ON(e);
    scratch_l1 = virt_to_mfn(pv_find_l1e(d, _vaddr(DOM0_SCRATCH_VA)));

    /* The read-only view; mapping it may add tables, which join it too. */
    for (unsigned int i = 0; i < d->nr_pt_frames; i++)
        dom_map(d, _vaddr(DOM0_PTVIEW_VA + i * PAGE_SIZE), d->pt_frames[i],
                GUEST_RO | _PAGE_NX);
    classify_tables(d);
    pv_count_l1_refs(d);
    /* Gfns left without a frame, lowest on top (today: none). */
    for (uint64_t gfn = d->p2m_size; gfn-- > 0;)
        if (d->p2m[gfn] == P2M_INVALID)
            d->free_gfns[d->nr_free_gfns++] = (uint32_t)gfn;

    memcpy(si->magic, START_INFO_MAGIC, sizeof(START_INFO_MAGIC));
    si->version = START_INFO_VERSION;
    si->flags = SIF_INITDOMAIN | (d->privileged ? SIF_PRIVILEGED : 0);
    si->nr_pages = d->nr_pages;
    si->p2m_list = DOM0_P2M_VA;
    si->p2m_size = d->p2m_size;
    si->pt_base = DOM0_PTVIEW_VA; /* the L4 is the first table */
    si->pt_view = DOM0_PTVIEW_VA;
    si->nr_pt_frames = d->nr_pt_frames;
    si->pt_view_mfns = DOM0_START_INFO + START_INFO_MFNS_OFFSET;
    view_mfns = (uint64_t *)((uint8_t *)si + START_INFO_MFNS_OFFSET);
    for (unsigned int i = 0; i < d->nr_pt_frames; i++)
        view_mfns[i] = mfn_x(d->pt_frames[i]);
    si->scratch_va = DOM0_SCRATCH_VA;
    si->scratch_l1_mfn = mfn_x(scratch_l1);
    si->hypercall_page = DOM0_HCALL_PAGE;
    si->stack_top = DOM0_STACK + START_STACK_PAGES * PAGE_SIZE;
    strlcpy(si->cmd_line, image->cmdline, sizeof(si->cmd_line));
    si->rsdp_paddr = maddr_x(boot_info.rsdp);
    si->tsc_khz = tsc_khz;

    printk("dom0: %lu pages (%lu MiB), %u page-table frames, %u module%s, %s\n",
           (unsigned long)d->nr_pages, (unsigned long)(d->nr_pages >> 8),
           d->nr_pt_frames, si->nr_modules, si->nr_modules == 1 ? "" : "s",
           d->privileged ? "privileged" : "unprivileged");
    printk("dom0: entry %#lx, start_info %#lx, command line '%s'\n",
           (unsigned long)entry, DOM0_START_INFO, si->cmd_line);
    *si_out = si;
    return entry;
}

void dom0_start(void)
{
    struct cpu_user_regs regs = { 0 };
    struct start_info *si;

    frame_table_init();
    dom0 = &dom0_struct;
    regs.rip = build_dom0(dom0, &si);
    regs.cs = GUEST_CS;
    regs.ss = GUEST_DS;
    regs.rflags = X86_EFLAGS_IF | 0x2;
    regs.rsp = si->stack_top;
    regs.rsi = DOM0_START_INFO;

    get_cpu_info()->current = dom0;
    pv_init_cpu();
    if (dom0->privileged)
        pv_allow_io_ports(DOM0_COM2_PORT, 8); /* COM2: the dump guest's */
    dom0->tlb_cpus |= 1UL << smp_processor_id();
    write_cr3(maddr_x(mfn_to_maddr(dom0->l4_mfn)));
    printk("Entering dom0 (TSC %lu)\n", (unsigned long)rdtsc());
    enter_guest(&regs);
}

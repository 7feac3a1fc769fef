/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building a kexec image, and the jump.
 *
 * At load time, everything the handoff needs is allocated and filled in,
 * so that nothing is allocated on the crash path:
 *   - a staging copy of every COPY page, in hypervisor frames;
 *   - the relocation list (asm/kexec.h) that moves them into place;
 *   - the handoff page tables: 1:1 maps of every destination page and of
 *     the control page, plus the MAP entries, and nothing else;
 *   - the relocation tables: the same 1:1 maps plus the staging and list
 *     pages and the control page's alias, used only while relocating;
 *   - the control page: the trampoline code and its data.
 * None of these frames is a destination of the image (frames that are
 * come back from the allocator and are set aside), so relocation never
 * overwrites a page it has yet to read: "a source is never a destination".
 * Every table is built with map_pages(), on demand; there is no fixmap.
 */
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/kexec.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>

BUILD_BUG_ON(offsetof(struct kexec_control, reloc_cr3) != KCTL_reloc_cr3);
BUILD_BUG_ON(offsetof(struct kexec_control, handoff_cr3) != KCTL_handoff_cr3);
BUILD_BUG_ON(offsetof(struct kexec_control, list) != KCTL_list);
BUILD_BUG_ON(offsetof(struct kexec_control, entry) != KCTL_entry);
BUILD_BUG_ON(offsetof(struct kexec_control, control_maddr) !=
             KCTL_control_maddr);
BUILD_BUG_ON(offsetof(struct kexec_control, arch) != KCTL_arch);
BUILD_BUG_ON(offsetof(struct kexec_control, flags) != KCTL_flags);
BUILD_BUG_ON(offsetof(struct kexec_control, far32_offset) != KCTL_far32);
BUILD_BUG_ON(offsetof(struct kexec_control, entry32_offset) != KCTL_entry32);
BUILD_BUG_ON(offsetof(struct kexec_control, gdtr_limit) != KCTL_gdtr);
BUILD_BUG_ON(offsetof(struct kexec_control, idtr_limit) != KCTL_idtr);
BUILD_BUG_ON(offsetof(struct kexec_control, idtr_zero_limit) != KCTL_idtr_zero);
BUILD_BUG_ON(offsetof(struct kexec_control, gdt) != KCTL_gdt);
BUILD_BUG_ON(offsetof(struct kexec_control, gdtr_alias_limit) !=
             KCTL_gdtr_alias);
BUILD_BUG_ON(offsetof(struct kexec_control, idtr_alias_limit) !=
             KCTL_idtr_alias);
BUILD_BUG_ON(offsetof(struct kexec_control, idtr32_limit) != KCTL_idtr32);
BUILD_BUG_ON(offsetof(struct kexec_control, idt) != KCTL_idt);
BUILD_BUG_ON(offsetof(struct kexec_control, idt_alias) != KCTL_idt_alias);
BUILD_BUG_ON(offsetof(struct kexec_control, idt32) != KCTL_idt32);
BUILD_BUG_ON(KEXEC_CTRL_DATA + sizeof(struct kexec_control) >
             KEXEC_CTRL_STACK - 256);

/* A trampoline symbol's offset into the control page's copy (linker
   symbols: subtracted as addresses, not as pointers to one C object). */
#define TRAMP_OFF(sym)                                                         \
    ((uint64_t)(uintptr_t)(sym) - (uint64_t)(uintptr_t)kexec_tramp_start)

/* 1:1 mappings in the handoff and relocation tables: RWX, no NX (EFER.NXE
 * is off at the handoff, where NX would be a reserved bit). */
#define IDENT_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* ---- frame lists ----------------------------------------------------- */

#define FL_PER_PAGE (PAGE_SIZE / 8 - 1)

static int fl_push(struct frame_list *fl, mfn_t mfn)
{
    uint64_t idx = fl->count % FL_PER_PAGE;
    uint64_t *page;

    if (idx == 0) {
        mfn_t chain = alloc_frame(_mfn(0));

        if (mfn_is_invalid(chain))
            return -ENOMEM;
        page = mfn_to_virt(chain);
        page[0] = mfn_x(fl->head);
        fl->head = chain;
    }
    page = mfn_to_virt(fl->head);
    page[1 + idx] = mfn_x(mfn);
    fl->count++;
    return 0;
}

static void fl_free(struct frame_list *fl)
{
    uint64_t in_head = fl->count % FL_PER_PAGE;

    if (fl->count && !in_head)
        in_head = FL_PER_PAGE;
    while (mfn_x(fl->head)) {
        uint64_t *page = mfn_to_virt(fl->head);
        mfn_t next = _mfn(page[0]);

        for (uint64_t i = 0; i < in_head; i++)
            free_frame(_mfn(page[1 + i]));
        free_frame(fl->head);
        fl->head = next;
        in_head = FL_PER_PAGE;
    }
    fl->count = 0;
}

/* ---- allocation outside the destinations -------------------------------- */

struct builder {
    struct x86_kexec_image *img;
    const struct kexec_load *hdr;
    const struct kexec_entry *ents;
    const struct kimage_machine *m;
    struct pt_ops ops;           /* for the handoff and relocation tables */
    struct frame_list set_aside; /* allocator frames that are destinations */
    uint64_t *list_page;         /* current relocation list page */
    unsigned int list_idx;
    /* A failure's report: the entry at fault (or KEXEC_BAD_HEADER), why. */
    uint64_t bad;
    const char *why;
};

static pte_t *kx_table_va(void *ctx, mfn_t mfn);

/*
 * Is the frame's 1:1 address taken in the handoff tables (by a MAP entry;
 * destinations are known from the bitmap)?  Asked for the control page,
 * which must be mapped 1:1 there, and is placed where nothing else is.
 */
static bool mapped_in_handoff(struct builder *b, mfn_t mfn)
{
    const struct pt_ops ops = { NULL, kx_table_va, b };
    int level;

    return lookup_pte(&ops, b->img->handoff_l4,
                      _vaddr(maddr_x(mfn_to_maddr(mfn))), &level) &
           _PAGE_PRESENT;
}

/*
 * A zeroed frame that no destination covers (and, if avoid_maps, whose
 * 1:1 address no MAP covers), recorded in fl.  Frames refused are set
 * aside until the build ends: they are destination or MAP pages, so their
 * number is bounded by the load's limits.
 */
static mfn_t kx_alloc_avoiding(struct builder *b, struct frame_list *fl,
                               mfn_t limit, bool avoid_maps)
{
    for (;;) {
        mfn_t mfn = alloc_frame(limit);

        if (mfn_is_invalid(mfn))
            return INVALID_MFN;
        if (kimage_is_dest(b->m, mfn) ||
            (avoid_maps && mapped_in_handoff(b, mfn))) {
            if (fl_push(&b->set_aside, mfn)) {
                free_frame(mfn);
                return INVALID_MFN;
            }
            continue;
        }
        if (fl_push(fl, mfn)) {
            free_frame(mfn);
            return INVALID_MFN;
        }
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
        return mfn;
    }
}

static mfn_t kx_alloc(struct builder *b, struct frame_list *fl, mfn_t limit)
{
    return kx_alloc_avoiding(b, fl, limit, false);
}

static mfn_t kx_alloc_table(void *ctx)
{
    struct builder *b = ctx;

    return kx_alloc(b, &b->img->frames, _mfn(0));
}

static pte_t *kx_table_va(void *ctx, mfn_t mfn)
{
    return mfn_to_virt(mfn);
}

/* ---- the relocation list ---------------------------------------------- */

static int list_add(struct builder *b, uint64_t word)
{
    /* The last slot of a page chains to the next page. */
    if (!b->list_page || b->list_idx == PT_ENTRIES - 1) {
        mfn_t mfn = kx_alloc(b, &b->img->staging, _mfn(0));
        maddr_t ma;

        if (mfn_is_invalid(mfn))
            return -ENOMEM;
        ma = mfn_to_maddr(mfn);
        if (b->list_page)
            b->list_page[b->list_idx] = maddr_x(ma) | IND_INDIRECTION;
        else
            b->img->list = ma;
        b->list_page = maddr_to_virt(ma);
        b->list_idx = 0;
    }
    b->list_page[b->list_idx++] = word;
    return 0;
}

/* ---- building ---------------------------------------------------------- */

/* The relocation and handoff tables map by 1:1 address: va == maddr. */
static vaddr_t ident_va(mfn_t mfn)
{
    return _vaddr(maddr_x(mfn_to_maddr(mfn)));
}

static int map_both(struct builder *b, vaddr_t va, mfn_t mfn, uint64_t count,
                    bool handoff_too)
{
    int rc = map_pages(&b->ops, b->img->reloc_l4, va, mfn, count, IDENT_FLAGS);

    if (!rc && handoff_too)
        rc = map_pages(&b->ops, b->img->handoff_l4, va, mfn, count,
                       IDENT_FLAGS);
    return rc == -EEXIST ? -EADDRINUSE : rc;
}

/* 64-bit interrupt gates to the fault stubs of the copy at va. */
static void fill_idt64(struct kexec_gate64 *idt, uint64_t va)
{
    for (unsigned int v = 0; v < 32; v++) {
        uint64_t stub = va + TRAMP_OFF(kexec_fault_stubs) + 16 * v;

        idt[v].off_lo = stub & 0xffff;
        idt[v].sel = 0x10;
        idt[v].ist = 0;
        idt[v].type = 0x8e;
        idt[v].off_mid = (stub >> 16) & 0xffff;
        idt[v].off_hi = stub >> 32;
        idt[v].zero = 0;
    }
}

static uint32_t control_flags(void)
{
    return (kexec_test_fault_in_handoff ? KCTL_FLAG_FAULT : 0) |
           (kexec_test_fault_in_reloc ? KCTL_FLAG_FAULT_RELOC : 0) |
           (kexec_test_fault_in_32 ? KCTL_FLAG_FAULT_32 : 0) |
           (kexec_test_bench_reloc ? KCTL_FLAG_BENCH_RELOC : 0);
}

/*
 * The page's data.  Its GDT and a fault IDT are reachable at both of the
 * page's addresses: at the alias (mapped in the hypervisor's and the
 * relocation tables) from the trampoline's first instructions, so that
 * the switch to the relocation tables is covered; at the 1:1 address
 * (mapped in the relocation and the handoff tables) from there on; and a
 * 32-bit IDT of the same stubs for protected mode.
 */
static void fill_control(struct x86_kexec_image *img)
{
    uint8_t *page = mfn_to_virt(img->control_mfn);
    struct kexec_control *c = (void *)(page + KEXEC_CTRL_DATA);
    /* The control page's words are the trampoline's: raw numbers. */
    uint64_t ma = maddr_x(mfn_to_maddr(img->control_mfn));
    uint64_t alias = vaddr_x(img->alias_va);
    uint64_t code = TRAMP_OFF(kexec_tramp_end);

    BUG_ON(code > KEXEC_CTRL_CODE_MAX);
    memcpy(page, kexec_tramp_start, code);
    /* The 32-bit far jump reads its target through a 1:1 address. */
    *(uint32_t *)(page + TRAMP_OFF(kexec_tramp_far_entry32)) =
        (uint32_t)(ma + KEXEC_CTRL_DATA + KCTL_entry32);

    c->reloc_cr3 = maddr_x(mfn_to_maddr(img->reloc_l4));
    c->handoff_cr3 = maddr_x(mfn_to_maddr(img->handoff_l4));
    c->list = maddr_x(img->list);
    c->entry = img->k.entry;
    c->control_maddr = ma;
    c->arch = img->k.arch;
    c->flags = control_flags();
    c->far32_offset = (uint32_t)(ma + TRAMP_OFF(kexec_tramp_32));
    c->far32_sel = 0x08;
    c->entry32_offset = (uint32_t)img->k.entry;
    c->entry32_sel = 0x08;
    c->gdt[0] = 0;
    c->gdt[1] = 0x00cf9a000000ffffUL; /* 0x08: 32-bit code */
    c->gdt[2] = 0x00af9a000000ffffUL; /* 0x10: 64-bit code */
    c->gdt[3] = 0x00cf92000000ffffUL; /* 0x18: flat data */
    c->gdtr_limit = sizeof(c->gdt) - 1;
    c->gdtr_base = ma + KEXEC_CTRL_DATA + KCTL_gdt;
    c->gdtr_alias_limit = sizeof(c->gdt) - 1;
    c->gdtr_alias_base = alias + KEXEC_CTRL_DATA + KCTL_gdt;
    c->idtr_limit = sizeof(c->idt) - 1;
    c->idtr_base = ma + KEXEC_CTRL_DATA + KCTL_idt;
    c->idtr_alias_limit = sizeof(c->idt_alias) - 1;
    c->idtr_alias_base = alias + KEXEC_CTRL_DATA + KCTL_idt_alias;
    c->idtr32_limit = sizeof(c->idt32) - 1;
    c->idtr32_base = (uint32_t)(ma + KEXEC_CTRL_DATA + KCTL_idt32);
    c->idtr_zero_limit = 0;
    c->idtr_zero_base = 0;
    fill_idt64(c->idt, ma);
    fill_idt64(c->idt_alias, alias);
    for (unsigned int v = 0; v < 32; v++) {
        uint32_t stub = (uint32_t)(ma + TRAMP_OFF(kexec_fault_stubs) + 16 * v);

        c->idt32[v].off_lo = stub & 0xffff;
        c->idt32[v].sel = 0x08;
        c->idt32[v].zero = 0;
        c->idt32[v].type = 0x8e; /* 32-bit interrupt gate */
        c->idt32[v].off_hi = stub >> 16;
    }
}

/*
 * Up to `want` staging frames in one contiguous run, none a destination,
 * recorded in the image's staging list: *got of them from *first.  Not
 * zeroed: the caller overwrites every byte.  Falls back to shorter runs
 * and, if the runs it finds hold destinations, to one frame at a time
 * (kx_alloc() sets destination frames aside).
 */
static int alloc_staging_run(struct builder *b, uint64_t want, mfn_t *first,
                             uint64_t *got)
{
    struct frame_list *fl = &b->img->staging;

    for (uint64_t n = want; n > 1; n /= 2) {
        mfn_t run = alloc_frames(n, 1, _mfn(0));
        uint64_t i;

        if (mfn_is_invalid(run))
            continue;
        for (i = 0; i < n && !kimage_is_dest(b->m, mfn_add(run, i)); i++)
            ;
        if (i < n) { /* a destination inside: no runs here */
            free_frames(run, n);
            break;
        }
        for (i = 0; i < n; i++)
            if (fl_push(fl, mfn_add(run, i))) {
                free_frames(mfn_add(run, i), n - i);
                return -ENOMEM;
            }
        *first = run;
        *got = n;
        return 0;
    }
    *first = kx_alloc(b, fl, _mfn(0));
    *got = 1;
    return mfn_is_invalid(*first) ? -ENOMEM : 0;
}

/* Largest staging run asked for at once: 2 MiB. */
#define STAGING_RUN_MAX 512

/*
 * A COPY entry's frames [src, + count) into staging frames, a relocation
 * list word per page, the staging frames mapped 1:1 in the relocation
 * tables: a run of contiguous staging frames at a time, so that the copy
 * and the mapping are one call per run rather than per page.
 */
static int stage_copy(struct builder *b, mfn_t src, uint64_t count)
{
    while (count) {
        mfn_t s;
        uint64_t n;
        int rc = alloc_staging_run(b, MIN(count, STAGING_RUN_MAX), &s, &n);

        if (rc)
            return rc;
        copy_pages(mfn_to_virt(s), mfn_to_virt(src), n);
        for (uint64_t p = 0; !rc && p < n; p++)
            rc = list_add(b, maddr_x(mfn_to_maddr(mfn_add(s, p))) | IND_SOURCE);
        if (!rc)
            rc = map_both(b, ident_va(s), s, n, false);
        if (rc)
            return rc;
        src = mfn_add(src, n);
        count -= n;
    }
    return 0;
}

/*
 * Until a step says otherwise, a failure is the load's as a whole (not
 * an entry's) and for lack of memory.
 */
static void blame_load(struct builder *b)
{
    b->bad = KEXEC_BAD_HEADER;
    b->why = "out of memory";
}

/* The roots of the handoff and the relocation tables. */
static int alloc_table_roots(struct builder *b)
{
    struct x86_kexec_image *img = b->img;

    img->handoff_l4 = kx_alloc(b, &img->frames, _mfn(0));
    img->reloc_l4 = kx_alloc(b, &img->frames, _mfn(0));
    if (mfn_is_invalid(img->handoff_l4) || mfn_is_invalid(img->reloc_l4))
        return -ENOMEM;
    return 0;
}

/* An entry's failure: memory ran out, or its pages could not be mapped. */
static int entry_failed(struct builder *b, int rc)
{
    if (rc)
        b->why = rc == -ENOMEM ? "out of memory"
                               : "mapping the entry's pages failed";
    return rc;
}

/*
 * A COPY or ZERO entry's destination: its list word, and its pages 1:1
 * in both tables.  Cannot collide: destinations do not overlap, MAPs are
 * not over them (validation), frames we allocate are not destinations.
 */
static int add_destination(struct builder *b, const struct kexec_entry *e)
{
    maddr_t dest = _maddr(e->arg2);
    int rc = list_add(b, maddr_x(dest) | IND_DESTINATION);

    if (!rc)
        rc = map_both(b, _vaddr(maddr_x(dest)), maddr_to_mfn(dest), e->arg1,
                      true);
    return rc;
}

/*
 * Unstaged, the list's sources are the guest's frames, placed from there
 * after the build.  They stay the caller's meanwhile because dom0 has one
 * vCPU, in this hypercall; an SMP dom0 must pin them (or re-check their
 * owner in place()).
 */
static int list_guest_frames(struct builder *b, const struct kexec_entry *e)
{
    int rc = 0;

    for (uint64_t p = 0; !rc && p < e->arg1; p++)
        rc = list_add(b, ((e->arg0 + p) << PAGE_SHIFT) | IND_SOURCE);
    return rc;
}

/* A COPY entry: its destination, then its sources, staged or not. */
static int add_copy(struct builder *b, const struct kexec_entry *e)
{
    int rc = add_destination(b, e);

    if (!rc && b->img->k.unstaged)
        rc = list_guest_frames(b, e);
    else if (!rc)
        rc = stage_copy(b, _mfn(e->arg0), e->arg1);
    return entry_failed(b, rc);
}

/* A ZERO entry: its destination, then a zeroing word per page. */
static int add_zero(struct builder *b, const struct kexec_entry *e)
{
    int rc = add_destination(b, e);

    for (uint64_t p = 0; !rc && p < e->arg1; p++)
        rc = list_add(b, IND_ZERO);
    return entry_failed(b, rc);
}

/*
 * A MAP entry, in the handoff tables only: its pages to where the entry
 * it names lands.  map_pages() accepts an identical mapping: look first.
 */
static int apply_map(struct builder *b, const struct kexec_entry *e)
{
    mfn_t root = b->img->handoff_l4;
    bool taken = false;
    int rc;

    for (uint64_t p = 0; !taken && p < e->arg2; p++) {
        int level;

        taken = lookup_pte(&b->ops, root, _vaddr(e->arg0 + p * PAGE_SIZE),
                           &level) &
                _PAGE_PRESENT;
    }
    rc = taken ? -EEXIST
               : map_pages(&b->ops, root, _vaddr(e->arg0),
                           maddr_to_mfn(_maddr(b->ents[e->arg1].arg2)), e->arg2,
                           IDENT_FLAGS);
    if (rc == -EEXIST) {
        b->why = "MAP of an address already mapped";
        return -EADDRINUSE;
    }
    return entry_failed(b, rc);
}

/* Entry i's part of the list and the tables; a failure names entry i. */
static int add_entry(struct builder *b, uint64_t i)
{
    const struct kexec_entry *e = &b->ents[i];

    b->bad = i;
    switch (e->op) {
    case KEXEC_OP_COPY:
        return add_copy(b, e);
    case KEXEC_OP_ZERO:
        return add_zero(b, e);
    case KEXEC_OP_MAP:
        return apply_map(b, e);
    default: /* DEST: validation folded it into COPY and ZERO's arg2 */
        return 0;
    }
}

/* Entry by entry, so that a failure names the entry. */
static int add_entries(struct builder *b)
{
    for (uint64_t i = 0; i < b->hdr->nr_entries; i++) {
        int rc = add_entry(b, i);

        if (rc)
            return rc;
    }
    blame_load(b);
    return 0;
}

/*
 * The control page: below 4 GiB (32-bit images), and, now that every
 * MAP is in the handoff tables, at a frame whose 1:1 address no MAP
 * and no destination covers, so that mapping it cannot collide
 * (kexec.h, "Which virtual addresses a MAP may use").
 */
static int alloc_control_page(struct builder *b)
{
    struct x86_kexec_image *img = b->img;

    img->control_mfn = kx_alloc_avoiding(b, &img->frames,
                                         maddr_to_mfn(_maddr(GiB(4))), true);
    if (mfn_is_invalid(img->control_mfn)) {
        b->why = "no free frame below 4 GiB outside the MAPs and "
                 "destinations for the control page";
        return -ENOMEM;
    }
    img->k.control_maddr = mfn_to_maddr(img->control_mfn);
    return 0;
}

/* The list's pages, 1:1 in the relocation tables: relocate_pages() reads
   them there. */
static int map_list_pages(struct builder *b)
{
    for (uint64_t *p = maddr_to_virt(b->img->list); p;) {
        mfn_t mfn = virt_to_mfn(p);
        uint64_t last = p[PT_ENTRIES - 1];
        int rc = map_both(b, ident_va(mfn), mfn, 1, false);

        if (rc)
            return rc;
        p = (last & IND_INDIRECTION) ? maddr_to_virt(_maddr(last & ~IND_FLAGS))
                                     : NULL;
    }
    return 0;
}

/*
 * The control page 1:1 in both tables, and at its alias in the
 * hypervisor's tables (machine_kexec() jumps there) and the relocation
 * tables (it still runs there when they are loaded).  Only memory can
 * run out: the control page's frame was placed where nothing is
 * mapped, and its alias slot is this image's own.  Anything else is a
 * hypervisor bug, refused rather than fatal: a guest's call must not be
 * able to crash the machine.
 */
static int map_control_page(struct builder *b)
{
    struct x86_kexec_image *img = b->img;
    int rc = map_both(b, ident_va(img->control_mfn), img->control_mfn, 1, true);

    if (!rc)
        rc = map_pages(&b->ops, img->reloc_l4, img->alias_va, img->control_mfn,
                       1, _PAGE_PRESENT | _PAGE_ACCESSED);
    if (!rc)
        rc = map_hv_pages(img->alias_va, img->control_mfn, 1,
                          _PAGE_PRESENT | _PAGE_ACCESSED | MAP_SMALL_ONLY |
                              MAP_REPLACE);
    if (rc && rc != -ENOMEM) {
        b->why = "mapping the control page failed (a hypervisor bug)";
        return -EADDRINUSE;
    }
    return rc;
}

/*
 * The steps, in the order they allocate in (which frames they get, and
 * which they avoid, depend on it): the control page comes after every
 * MAP, so that it can be placed where none is.
 */
static int build(struct builder *b)
{
    int rc = alloc_table_roots(b);

    if (!rc)
        rc = add_entries(b); /* list words, 1:1 maps, staging, MAPs */
    if (!rc)
        rc = list_add(b, IND_DONE);
    if (!rc)
        rc = alloc_control_page(b);
    if (!rc)
        rc = map_list_pages(b);
    if (!rc)
        rc = map_control_page(b);
    if (!rc)
        fill_control(b->img);
    return rc;
}

/* The image's descriptor, from the header; its frames come later. */
static int alloc_image(struct builder *b, unsigned int slot, bool unstaged)
{
    mfn_t mfn = alloc_frame(_mfn(0));
    struct x86_kexec_image *img;

    if (mfn_is_invalid(mfn))
        return -ENOMEM;
    img = mfn_to_virt(mfn);
    memset(img, 0, PAGE_SIZE);
    img->k.type = b->hdr->type;
    img->k.arch = b->hdr->arch;
    img->k.slot = slot;
    img->k.unstaged = unstaged;
    img->k.entry = b->hdr->entry_maddr;
    img->alias_va = _vaddr(KEXEC_VIRT_START + slot * 2 * PAGE_SIZE);
    b->img = img;
    return 0;
}

int machine_kexec_build(const struct kexec_load *hdr,
                        const struct kexec_entry *ents,
                        const struct kimage_machine *m, unsigned int slot,
                        bool unstaged, struct kexec_image **out, uint64_t *bad,
                        const char **why)
{
    struct builder b = {
        .hdr = hdr,
        .ents = ents,
        .m = m,
        .ops = { kx_alloc_table, kx_table_va, &b },
    };
    int rc;

    blame_load(&b);
    rc = alloc_image(&b, slot, unstaged);
    if (!rc)
        rc = build(&b);
    fl_free(&b.set_aside);
    if (rc && b.img)
        machine_kexec_free(&b.img->k);
    else if (!rc)
        *out = &b.img->k;
    *bad = b.bad;
    *why = b.why;
    return rc;
}

void machine_kexec_free(struct kexec_image *image)
{
    struct x86_kexec_image *img = x86_kexec_image(image);

    if (!image)
        return;
    map_hv_pages(img->alias_va, _mfn(0), 1,
                 MAP_SMALL_ONLY); /* unmap the alias */
    fl_free(&img->frames);
    fl_free(&img->staging);
    free_frame(virt_to_mfn(img));
}

void machine_kexec_protect_region(bool protect)
{
    if (!crash_region.size)
        return;
    if (map_hv_pages(_vaddr(DIRECTMAP_VIRT_START + maddr_x(crash_region.start)),
                     maddr_to_mfn(crash_region.start),
                     crash_region.size >> PAGE_SHIFT,
                     (protect ? PAGE_HV_RO : PAGE_HV_RW) | MAP_REPLACE))
        panic("kexec: cannot change the crash region's protection");
    /* No other CPU may keep a writable translation of the region. */
    if (protect)
        smp_flush_tlb_others();
}

void machine_kexec_place(struct kexec_image *image, uint64_t panic_after)
{
    struct x86_kexec_image *img = x86_kexec_image(image);
    struct kexec_control *c = maddr_to_virt(
        maddr_add(mfn_to_maddr(img->control_mfn), KEXEC_CTRL_DATA));
    const uint64_t *p = maddr_to_virt(img->list);
    uint8_t *dest = NULL;
    uint64_t done = 0;

    /* The same walk as relocate_pages(), through the direct map. */
    for (;;) {
        uint64_t w = *p++, addr = w & ~(uint64_t)IND_FLAGS;

        if (w & IND_DESTINATION) {
            dest = maddr_to_virt(_maddr(addr));
        } else if (w & IND_INDIRECTION) {
            p = maddr_to_virt(_maddr(addr));
        } else if (w & (IND_SOURCE | IND_ZERO)) {
            if (w & IND_SOURCE)
                copy_pages(dest, maddr_to_virt(_maddr(addr)), 1);
            else
                memset(dest, 0, PAGE_SIZE);
            dest += PAGE_SIZE;
            if (++done == panic_after)
                panic("kexec test: panic in the middle of a crash-image reload "
                      "(%lu pages written)",
                      (unsigned long)done);
        } else if (w & IND_DONE) {
            break;
        }
    }
    /* In place now: from here on a crash jumps straight in. */
    __atomic_store_n(&c->list, 0, __ATOMIC_SEQ_CST);
    img->k.in_place = true;
    img->k.unstaged = false;
    img->list = _maddr(0);
    fl_free(&img->staging);
}

/*
 * The one routine that puts this CPU into the handoff state, for kexec
 * on request and for the crash path alike, so that no fix lives in one
 * path only: interrupts off, the console lock given up, the machine
 * quiesced (every IOAPIC entry and both 8259s masked, the PIT stopped,
 * this local APIC's timer and LINTs masked: the other CPUs, stopped
 * already, masked their own), what is still pending in this CPU's IRR
 * taken without its handler, NMIs unlatched (the next kernel must not
 * inherit a blocked NMI), then into the control page.  The trampoline
 * does the rest (asm/kexec.h).
 */
void machine_kexec(struct kexec_image *image)
{
    struct x86_kexec_image *img = x86_kexec_image(image);
    struct quiesce_report q;
    unsigned int pending;

    local_irq_disable();
    console_force_unlock();
    if (kexec_test_arm_timers) {
        apic_test_arm_timer();
        quiesce_test_arm();
    }
    machine_quiesce(&q);
    apic_quiesce();
    pending = apic_take_pending();
    /* Not on the crash path: a console line there costs ~0.1 ms under
     * TCG, and check64 verifies the quiescing from the inside anyway. */
    if (img->k.type == KEXEC_TYPE_DEFAULT) {
        printk("kexec: quiesced: %u IOAPIC%s (%u entries masked), 8259s "
               "masked, PIT stopped, local APIC timer and LINTs masked\n",
               q.ioapics, q.ioapics == 1 ? "" : "s", q.ioapic_entries);
        if (pending)
            printk("kexec: took %u pending interrupt%s, no handler run\n",
                   pending, pending == 1 ? "" : "s");
    }
    nmi_unlatch();
    ((void (*)(void))vaddr_x(img->alias_va))();
    __builtin_unreachable();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory bring-up: the frame allocator over the boot memory map, the
 * crash region, and the hypervisor's own page tables (idle_pg_table):
 *   - the image at HV_VIRT_START, W^X: text RX, rodata R+NX, data/bss RW+NX;
 *   - a direct map of all RAM at DIRECTMAP_VIRT_START, RW+NX;
 *   - nothing else: no identity map, and MMIO only through ioremap().
 * Every mapping goes through map_pages().  Until the switch, table frames
 * are reached through the boot tables' 1:1 map of the low 4 GiB, so they
 * are allocated below 4 GiB.
 */
#include <asm/config.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crashkernel.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>
#include <hv/param.h>
#include <asm/pv.h>

extern char __image_start[], __text_start[], __text_end[], __rodata_start[],
    __rodata_end[], __data_start[], __bss_end[];

/* RAM above this is not used (the bitmap is static). */
#define MAX_RAM GiB(64)
static uint64_t frame_bitmap[MAX_RAM / PAGE_SIZE / 64];

mfn_t idle_pg_table_mfn;
static bool directmap_ready;

static pte_t *hv_table_va(void *ctx, mfn_t mfn)
{
    maddr_t ma = mfn_to_maddr(mfn);

    /* Before the direct map, boot's identity map reaches the low 4 GiB. */
    return directmap_ready ? maddr_to_virt(ma) : (pte_t *)maddr_x(ma);
}

static mfn_t hv_alloc_table(void *ctx)
{
    mfn_t mfn = alloc_frame(directmap_ready ? _mfn(0)
                                            : maddr_to_mfn(_maddr(GiB(4))));

    if (!mfn_is_invalid(mfn))
        memset(hv_table_va(ctx, mfn), 0, PAGE_SIZE);
    return mfn;
}

const struct pt_ops hv_pt_ops = {
    .alloc_table = hv_alloc_table,
    .table_va = hv_table_va,
};

void flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

/* Without NX, bit 63 is reserved: every hypervisor mapping drops it. */
static uint64_t hv_flags(uint64_t flags)
{
    return cpu_has.nx ? flags : flags & ~_PAGE_NX;
}

int map_hv_pages(vaddr_t va, mfn_t mfn, uint64_t count, uint64_t flags)
{
    int rc = map_pages(&hv_pt_ops, idle_pg_table_mfn, va, mfn, count,
                       hv_flags(flags));

    flush_tlb_local();
    return rc;
}

maddr_t image_virt_to_maddr(const void *va)
{
    return maddr_add(boot_info.image_start, (uint64_t)va - HV_VIRT_START);
}

void *ioremap(maddr_t pa, uint64_t size)
{
    static uint64_t next = IOREMAP_VIRT_START;
    uint64_t off = maddr_x(pa) & ~PAGE_MASK;
    uint64_t pages = ROUNDUP(off + size, PAGE_SIZE) >> PAGE_SHIFT;
    uint64_t va = next;

    if (va + pages * PAGE_SIZE > IOREMAP_VIRT_END)
        return NULL;
    if (map_hv_pages(_vaddr(va), maddr_to_mfn(pa), pages,
                     PAGE_HV_MMIO | MAP_SMALL_ONLY))
        return NULL;
    next += (pages + 1) * PAGE_SIZE; /* one unmapped page between */
    return (void *)(va + off);
}

void *map_firmware_table(maddr_t pa, uint64_t size)
{
    uint64_t start = ROUNDDOWN(maddr_x(pa), PAGE_SIZE);
    uint64_t pages = (ROUNDUP(maddr_x(pa) + size, PAGE_SIZE) - start) >>
                     PAGE_SHIFT;

    /* Same place as the direct map would have it; RAM is there already. */
    for (uint64_t i = 0; i < pages; i++) {
        vaddr_t va = _vaddr(DIRECTMAP_VIRT_START + start + i * PAGE_SIZE);
        int level;

        if (!lookup_pte(&hv_pt_ops, idle_pg_table_mfn, va, &level) &&
            map_hv_pages(va, mfn_add(maddr_to_mfn(_maddr(start)), i), 1,
                         PAGE_HV_RO | MAP_SMALL_ONLY))
            return NULL;
    }
    return maddr_to_virt(pa);
}

static void print_memmap(void)
{
    static const char *const names[] = {
        [MEM_RAM] = "RAM",           [MEM_RESERVED] = "reserved",
        [MEM_ACPI] = "ACPI data",    [MEM_NVS] = "ACPI NVS",
        [MEM_UNUSABLE] = "unusable",
    };

    printk("Memory map (%s):\n", boot_info.loader);
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];

        printk(" %016lx - %016lx (%s)\n", (unsigned long)maddr_x(r->start),
               (unsigned long)(maddr_x(r->start) + r->size),
               r->type <= MEM_UNUSABLE && names[r->type] ? names[r->type]
                                                         : "?");
    }
}

/* The ranges that must survive boot: low 1 MiB, image, modules. */
static unsigned int busy_ranges(struct busy_range *b)
{
    unsigned int n = 0;

    b[n++] = (struct busy_range){ _maddr(0), _maddr(MiB(1)) };
    b[n++] = (struct busy_range){ boot_info.image_start, boot_info.image_end };
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        b[n++] = (struct busy_range){ boot_info.modules[i].start,
                                      maddr_add(boot_info.modules[i].start,
                                                boot_info.modules[i].size) };
    return n;
}

static void map_image_section(const char *start, const char *end,
                              uint64_t flags)
{
    uint64_t pages = (uint64_t)(end - start) >> PAGE_SHIFT;
    int rc = map_pages(&hv_pt_ops, idle_pg_table_mfn, _vaddr((uint64_t)start),
                       maddr_to_mfn(image_virt_to_maddr(start)), pages,
                       hv_flags(flags) | MAP_SMALL_ONLY);

    if (rc)
        panic("mapping the image failed: %d", rc);
}

static void enable_cpu_protections(void)
{
    uint64_t cr4 = read_cr4();

    if (cpu_has.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    write_cr0(read_cr0() | X86_CR0_WP);
    if (cpu_has.smep)
        cr4 |= X86_CR4_SMEP;
    if (cpu_has.smap)
        cr4 |= X86_CR4_SMAP;
    write_cr4(cr4);
}

void mm_init(void)
{
    struct busy_range busy[BOOT_MAX_MODULES + 2];
    unsigned int nr_busy = busy_ranges(busy);
    struct frame_stats st;
    uint64_t top = 0; /* the end of RAM */

    print_memmap();

    for (unsigned int i = 0; i < boot_info.nr_mem; i++)
        if (boot_info.mem[i].type == MEM_RAM)
            top = MAX(top,
                      maddr_x(boot_info.mem[i].start) + boot_info.mem[i].size);
    if (top > MAX_RAM) {
        printk(HVLOG_WARNING "RAM above %lu GiB is not used\n",
               (unsigned long)(MAX_RAM >> 30));
        top = MAX_RAM;
    }
    frames_init(frame_bitmap, maddr_to_mfn(_maddr(top)));
    for (unsigned int i = 0; i < boot_info.nr_mem; i++)
        if (boot_info.mem[i].type == MEM_RAM)
            frames_add(boot_info.mem[i].start, boot_info.mem[i].size);
    /* Non-RAM wins where the firmware's map overlaps itself. */
    for (unsigned int i = 0; i < boot_info.nr_mem; i++)
        if (boot_info.mem[i].type != MEM_RAM)
            frames_reserve(boot_info.mem[i].start, boot_info.mem[i].size);
    for (unsigned int i = 0; i < nr_busy; i++)
        frames_reserve(busy[i].start,
                       maddr_x(busy[i].end) - maddr_x(busy[i].start));

    crash_region_init(busy, nr_busy);

    /* The hypervisor's page tables, built with the one mapper. */
    idle_pg_table_mfn = hv_alloc_table(NULL);
    if (mfn_is_invalid(idle_pg_table_mfn))
        panic("no memory for the page tables");
    /*
     * Every hypervisor L4 slot gets its L3 now, so that guest roots, which
     * copy these slots once, see every later hypervisor mapping too.
     */
    for (unsigned int slot = HV_L4_FIRST; slot <= HV_L4_LAST; slot++) {
        pte_t *l4 = hv_table_va(NULL, idle_pg_table_mfn);
        mfn_t l3 = hv_alloc_table(NULL);

        if (mfn_is_invalid(l3))
            panic("no memory for the page tables");
        l4[slot] = mfn_pte(l3, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    }
    map_image_section(__text_start, __text_end, PAGE_HV_RX);
    map_image_section(__rodata_start, __rodata_end, PAGE_HV_RO);
    map_image_section(__data_start, __bss_end, PAGE_HV_RW);
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        uint64_t s = ROUNDUP(maddr_x(r->start), PAGE_SIZE);
        uint64_t e = MIN(ROUNDDOWN(maddr_x(r->start) + r->size, PAGE_SIZE),
                         top);

        if (r->type != MEM_RAM || e <= s)
            continue;
        if (map_pages(&hv_pt_ops, idle_pg_table_mfn,
                      _vaddr(DIRECTMAP_VIRT_START + s), maddr_to_mfn(_maddr(s)),
                      (e - s) >> PAGE_SHIFT, hv_flags(PAGE_HV_RW)))
            panic("building the direct map failed");
    }

    enable_cpu_protections();
    write_cr3(maddr_x(mfn_to_maddr(idle_pg_table_mfn)));
    directmap_ready = true;

    frames_get_stats(&st);
    printk("Frames: %lu MiB RAM, %lu MiB free, %lu MiB reserved\n",
           (unsigned long)(st.total >> 8), (unsigned long)(st.free >> 8),
           (unsigned long)(st.reserved >> 8));
    printk("Paging: W^X image, direct map at %#lx, NX %s, SMEP %s, SMAP %s\n",
           (unsigned long)DIRECTMAP_VIRT_START, cpu_has.nx ? "on" : "off",
           cpu_has.smep ? "on" : "off", cpu_has.smap ? "on" : "off");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV memory rules (include/public/xen.h, mmu_update): a guest writes its
 * page tables only through these calls, and only L1 entries of its own L1
 * tables.  Each new entry is checked before it is written:
 *   - the frame is the guest's (never a hypervisor frame, a free frame,
 *     or the crash region);
 *   - one of its page-table frames may be mapped read-only, not writable;
 *   - only the flags a guest leaf may carry;
 *   - _PAGE_USER is forced on, as 64-bit Xen's adjust_guest_l1e does (the
 *     guest runs in ring 3), unless pv-page-user=guest restores the old
 *     behaviour where the guest must set it (seed 002).
 */
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/pv.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>
#include <hv/param.h>
#include <public/xen.h>

bool pv_page_user_forced = true;

static int parse_pv_page_user(const char *s)
{
    if (!strcmp(s, "force"))
        pv_page_user_forced = true;
    else if (!strcmp(s, "guest"))
        pv_page_user_forced = false;
    else
        return -EINVAL;
    return 0;
}
custom_param("pv-page-user", parse_pv_page_user);

#define GUEST_L1_FLAGS                                                         \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD |           \
     _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)

void pv_copy_hv_slots(pte_t *l4)
{
    const pte_t *idle = mfn_to_virt(idle_pg_table_mfn);

    for (unsigned int i = HV_L4_FIRST; i <= HV_L4_LAST; i++)
        l4[i] = idle[i];
}

static bool in_crash_region(mfn_t mfn)
{
    uint64_t ma = maddr_x(mfn_to_maddr(mfn));
    uint64_t start = maddr_x(crash_region.start);

    return crash_region.size && ma >= start && ma - start < crash_region.size;
}

/*
 * kdump: this hypervisor is a crash hypervisor (docs/kexec.md, "A crash
 * hypervisor"): its privileged dom0, the dump guest, may map read-only
 * the frames its memory map lists as anything but RAM -- the crashed
 * machine's memory, which the loader marked reserved, as Linux's
 * /proc/vmcore reads "old memory".  Frames no range covers (MMIO holes)
 * stay refused; such frames have no frame_table entry to count in.
 */
static bool opt_kdump;
boolean_param("kdump", opt_kdump);

static bool old_memory_frame(const struct domain *d, mfn_t mfn)
{
    uint64_t ma = maddr_x(mfn_to_maddr(mfn));

    if (!opt_kdump || !d->privileged)
        return false;
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        uint64_t start = maddr_x(r->start);

        if (ma >= start && ma - start + PAGE_SIZE <= r->size)
            return r->type != MEM_RAM;
    }
    return false;
}

/* Frames whose L1 references are counted (frame_table has them). */
static bool counted(mfn_t mfn)
{
    return mfn_valid(mfn);
}

/* Check a new L1 entry for d; 0 with *out = the entry to store, or -errno. */
static int validate_l1e(struct domain *d, const char *call, pte_t val,
                        pte_t *out)
{
    mfn_t mfn = pte_mfn(val);

    *out = 0;
    if (!(val & _PAGE_PRESENT))
        return 0; /* unmapping: always allowed, stored as 0 */
    if (val & ~(PTE_ADDR_MASK | GUEST_L1_FLAGS)) {
        guest_refusal(call, -EINVAL,
                      "entry %#lx has flags a guest leaf may not carry",
                      (unsigned long)val);
        return -EINVAL;
    }
    if (old_memory_frame(d, mfn)) {
        if (val & _PAGE_RW) {
            guest_refusal(call, -EPERM,
                          "frame %#lx is old memory (kdump): "
                          "read-only only",
                          (unsigned long)mfn_x(mfn));
            return -EPERM;
        }
        *out = pv_page_user_forced ? val | _PAGE_USER : val;
        return 0;
    }
    if (!mfn_valid(mfn) || in_crash_region(mfn)) {
        guest_refusal(call, -EACCES, "frame %#lx is in %s",
                      (unsigned long)mfn_x(mfn),
                      in_crash_region(mfn) ? "the crash region"
                                           : "no RAM of d0");
        return -EACCES;
    }
    if (frame_info(mfn)->owner != OWNER_DOM0) {
        guest_refusal(call, -EACCES, "frame %#lx not owned by d%u",
                      (unsigned long)mfn_x(mfn), d->id);
        return -EACCES;
    }
    if (frame_is_pt(mfn) && (val & _PAGE_RW)) {
        guest_refusal(call, -EPERM,
                      "frame %#lx is a page table: read-only only",
                      (unsigned long)mfn_x(mfn));
        return -EPERM;
    }
    if (pv_page_user_forced)
        val |= _PAGE_USER;
    *out = val;
    return 0;
}

/* Store a checked entry, keeping both frames' l1_refs exact. */
static int write_l1e(struct domain *d, const char *call, pte_t *slot, pte_t val)
{
    pte_t v, old = *slot;
    int rc = validate_l1e(d, call, val, &v);

    if (rc)
        return rc;
    if ((v & _PAGE_PRESENT) && counted(pte_mfn(v)))
        frame_info(pte_mfn(v))->l1_refs++;
    if ((old & _PAGE_PRESENT) && counted(pte_mfn(old))) {
        BUG_ON(!frame_info(pte_mfn(old))->l1_refs);
        frame_info(pte_mfn(old))->l1_refs--;
    }
    *slot = v;
    return 0;
}

long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t done_ptr,
                   uint64_t domid)
{
    struct domain *d = get_cpu_info()->current;
    uint64_t done = 0;
    int rc = 0;

    if ((domid_t)domid != DOMID_SELF) {
        guest_refusal("mmu_update", -EINVAL, "domid %#x is not DOMID_SELF",
                      (unsigned int)domid);
        return -EINVAL;
    }
    for (; done < count; done++) {
        struct mmu_update req;
        mfn_t table;

        if (copy_from_guest(&req, _vaddr(reqs + done * sizeof(req)),
                            sizeof(req))) {
            guest_refusal("mmu_update", -EFAULT, "request %lu unreadable",
                          (unsigned long)done);
            rc = -EFAULT;
            break;
        }
        table = maddr_to_mfn(_maddr(req.ptr));
        if ((req.ptr & 3) != MMU_NORMAL_PT_UPDATE || (req.ptr & 4) ||
            !mfn_valid(table) || frame_info(table)->owner != OWNER_DOM0 ||
            frame_info(table)->type != PGT_L1) {
            guest_refusal("mmu_update", -EINVAL,
                          "ptr %#lx is not an entry of one of d%u's L1 tables",
                          (unsigned long)req.ptr, d->id);
            rc = -EINVAL;
            break;
        }
        rc = write_l1e(d, "mmu_update",
                       maddr_to_virt(_maddr(req.ptr & ~(uint64_t)7)), req.val);
        if (rc)
            break;
    }
    flush_tlb_local();
    if (done_ptr && copy_to_guest(_vaddr(done_ptr), &done, sizeof(done)))
        return rc ? rc : -EFAULT;
    return rc;
}

pte_t *pv_find_l1e(struct domain *d, vaddr_t va_t)
{
    uint64_t va = vaddr_x(va_t);
    pte_t *t = mfn_to_virt(d->l4_mfn);
    static const unsigned int shifts[] = { L4_SHIFT, L3_SHIFT, L2_SHIFT };

    for (unsigned int i = 0; i < ARRAY_SIZE(shifts); i++) {
        pte_t e = t[pt_index(va, shifts[i])];

        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return NULL;
        t = mfn_to_virt(pte_mfn(e));
    }
    return &t[pt_index(va, L1_SHIFT)];
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags)
{
    struct domain *d = get_cpu_info()->current;
    pte_t *slot;
    int rc;

    if (!is_canonical(va) ||
        (va >= HV_VIRT_AREA_START && va < HV_VIRT_AREA_END) ||
        !(slot = pv_find_l1e(d, _vaddr(va)))) {
        guest_refusal("update_va_mapping", -EINVAL,
                      "va %#lx has no L1 table of d%u", (unsigned long)va,
                      d->id);
        return -EINVAL;
    }
    if (flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK) {
        guest_refusal("update_va_mapping", -EINVAL, "unknown flags %#lx",
                      (unsigned long)flags);
        return -EINVAL;
    }
    rc = write_l1e(d, "update_va_mapping", slot, val);
    if (rc)
        return rc;
    if (flags & UVMF_TLB_FLUSH)
        flush_tlb_local();
    /* clang-format off */
    else if (flags & UVMF_INVLPG)
        asm volatile("invlpg (%0)" :: "r"(va) : "memory");
    /* clang-format on */
    return 0;
}

/*
 * The builder writes L1 entries with the generic map_pages(); count them
 * once at the end.  From then on write_l1e() is the only writer of a
 * guest L1 entry, and it keeps the counts.
 */
void pv_count_l1_refs(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_pt_frames; i++) {
        const pte_t *t = mfn_to_virt(d->pt_frames[i]);

        if (frame_info(d->pt_frames[i])->type != PGT_L1)
            continue;
        for (unsigned int j = 0; j < PT_ENTRIES; j++)
            if (t[j] & _PAGE_PRESENT)
                frame_info(pte_mfn(t[j]))->l1_refs++;
    }
}

bool arch_frame_is_guest_mapped(mfn_t mfn)
{
    return frame_info(mfn)->l1_refs != 0;
}

void arch_flush_domain_tlbs(struct domain *d)
{
    smp_flush_tlb_cpus(d->tlb_cpus);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op: ballooning and memory queries (include/public/xen.h).
 * Giving frames back makes a later kexec unreliable (the image or the
 * crash kernel may count on memory that is gone), so it clears the
 * domain's "kexec is safe" state; taking as many frames again sets it
 * (include/public/kexec.h, KEXEC_STATUS_UNSAFE, says exactly when).
 */
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <public/start-info.h>
#include <public/xen.h>

static int read_reservation(uint64_t arg, struct xen_memory_reservation *r,
                            const char *what)
{
    if (copy_from_guest(r, _vaddr(arg), sizeof(*r))) {
        guest_refusal("memory_op", -EFAULT, "%s: argument %#lx unreadable",
                      what, (unsigned long)arg);
        return -EFAULT;
    }
    if (r->extent_order || r->mem_flags || r->domid != DOMID_SELF) {
        guest_refusal(
            "memory_op", -EINVAL,
            "%s: order %u, flags %#x, domid %#x (need 0, 0, DOMID_SELF)", what,
            r->extent_order, r->mem_flags, r->domid);
        return -EINVAL;
    }
    return 0;
}

/*
 * Each extent costs the same, whatever the domain's size (a free gfn is
 * popped off a stack, "is it mapped" is a count), and a call does at most
 * XENMEM_MAX_EXTENTS_PER_CALL of them: hypercalls run with interrupts
 * off, so one call's work must be bounded (include/public/xen.h).
 */
static uint64_t extents_this_call(const struct xen_memory_reservation *r)
{
    return MIN(r->nr_extents, (uint64_t)XENMEM_MAX_EXTENTS_PER_CALL);
}

static long increase_reservation(struct domain *d, uint64_t arg)
{
    struct xen_memory_reservation r;
    uint64_t done, todo;
    int rc = read_reservation(arg, &r, "increase_reservation");

    if (rc)
        return rc;
    todo = extents_this_call(&r);
    for (done = 0; done < todo; done++) {
        uint64_t gfn;
        mfn_t mfn;

        if (!d->nr_free_gfns)
            break; /* at the maximum reservation: a partial result */
        gfn = d->free_gfns[d->nr_free_gfns - 1];
        mfn = alloc_frame(_mfn(0));
        if (mfn_is_invalid(mfn))
            break;
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
        if (copy_to_guest(_vaddr(r.extent_start + done * 8), &gfn, 8)) {
            free_frame(mfn);
            guest_refusal("memory_op", -EFAULT,
                          "increase_reservation: extent list unwritable");
            return done ? (long)done : -EFAULT;
        }
        d->nr_free_gfns--;
        frame_info(mfn)->owner = OWNER_DOM0;
        p2m_set(d, _gfn(gfn), mfn);
        d->nr_pages++;
        if (d->kexec_frames_owed && !--d->kexec_frames_owed)
            domain_set_kexec_safe(d,
                                  "every ballooned-out frame was given back");
    }
    return (long)done;
}

/*
 * Frames taken from the domain wait here until every CPU that may still
 * hold a translation of them has flushed its TLB: the guest may have
 * cleared its last mapping without a flush.
 */
#define FREE_BATCH 64

struct free_batch {
    unsigned int nr;
    mfn_t mfns[FREE_BATCH];
};

static void free_batch_flush(struct domain *d, struct free_batch *b)
{
    if (!b->nr)
        return;
    arch_flush_domain_tlbs(d);
    for (unsigned int i = 0; i < b->nr; i++)
        free_frame(b->mfns[i]);
    b->nr = 0;
}

static long decrease_reservation(struct domain *d, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct free_batch batch = { .nr = 0 };
    uint64_t done, todo;
    long err = 0;
    int rc = read_reservation(arg, &r, "decrease_reservation");

    if (rc)
        return rc;
    todo = extents_this_call(&r);
    for (done = 0; done < todo; done++) {
        uint64_t gfn;
        mfn_t mfn;

        if (copy_from_guest(&gfn, _vaddr(r.extent_start + done * 8), 8)) {
            guest_refusal("memory_op", -EFAULT,
                          "decrease_reservation: extent list unreadable");
            err = -EFAULT;
            break;
        }
        if (gfn >= d->p2m_size || d->p2m[gfn] == P2M_INVALID) {
            guest_refusal("memory_op", -EACCES,
                          "decrease_reservation: gfn %#lx has no frame of d%u",
                          (unsigned long)gfn, d->id);
            err = -EACCES;
            break;
        }
        mfn = p2m_get(d, _gfn(gfn));
        if (frame_is_pt(mfn) || frame_info(mfn)->boot) {
            guest_refusal("memory_op", -EPERM,
                          "decrease_reservation: gfn %#lx is a %s",
                          (unsigned long)gfn,
                          frame_is_pt(mfn) ? "page table" : "boot module page");
            err = -EPERM;
            break;
        }
        if (arch_frame_is_guest_mapped(mfn)) {
            guest_refusal("memory_op", -EBUSY,
                          "decrease_reservation: gfn %#lx is still mapped",
                          (unsigned long)gfn);
            err = -EBUSY;
            break;
        }
        /* Not the domain's any more: no new mapping of it can be made. */
        d->kexec_frames_owed++;
        domain_set_kexec_unsafe(d, "memory was ballooned out");
        frame_info(mfn)->owner = OWNER_NONE;
        p2m_set(d, _gfn(gfn), _mfn(P2M_INVALID));
        d->free_gfns[d->nr_free_gfns++] = (uint32_t)gfn;
        d->nr_pages--;
        batch.mfns[batch.nr++] = mfn;
        if (batch.nr == FREE_BATCH)
            free_batch_flush(d, &batch);
    }
    free_batch_flush(d, &batch);
    return done ? (long)done : err;
}

static long machine_memory_map(struct domain *d, uint64_t arg)
{
    struct xen_memory_map map;
    uint32_t n = 0;

    if (!d->privileged) {
        guest_refusal("memory_op", -EPERM,
                      "machine_memory_map needs a privileged domain");
        return -EPERM;
    }
    if (copy_from_guest(&map, _vaddr(arg), sizeof(map))) {
        guest_refusal("memory_op", -EFAULT,
                      "machine_memory_map: argument unreadable");
        return -EFAULT;
    }
    for (; n < map.nr_entries && n < boot_info.nr_mem; n++) {
        struct e820_entry e = {
            .addr = maddr_x(boot_info.mem[n].start),
            .size = boot_info.mem[n].size,
            .type = boot_info.mem[n].type,
        };

        if (copy_to_guest(_vaddr(map.buffer + n * sizeof(e)), &e, sizeof(e))) {
            guest_refusal("memory_op", -EFAULT,
                          "machine_memory_map: buffer unwritable");
            return -EFAULT;
        }
    }
    map.nr_entries = n;
    if (copy_to_guest(_vaddr(arg), &map, sizeof(map))) {
        guest_refusal("memory_op", -EFAULT,
                      "machine_memory_map: argument unwritable");
        return -EFAULT;
    }
    return 0;
}

long do_memory_op(uint64_t cmd, uint64_t arg)
{
    struct domain *d = arch_current_domain();
    domid_t domid;

    switch (cmd) {
    case XENMEM_increase_reservation:
        return increase_reservation(d, arg);
    case XENMEM_decrease_reservation:
        return decrease_reservation(d, arg);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        if (copy_from_guest(&domid, _vaddr(arg), sizeof(domid))) {
            guest_refusal("memory_op", -EFAULT, "domid pointer %#lx unreadable",
                          (unsigned long)arg);
            return -EFAULT;
        }
        if (domid != DOMID_SELF) {
            guest_refusal("memory_op", -EINVAL, "domid %#x is not DOMID_SELF",
                          domid);
            return -EINVAL;
        }
        return (long)(cmd == XENMEM_current_reservation ? d->nr_pages
                                                        : d->p2m_size);
    case XENMEM_machine_memory_map:
        return machine_memory_map(d, arg);
    default:
        guest_refusal("memory_op", -EOPNOTSUPP, "unknown command %lu",
                      (unsigned long)cmd);
        return -EOPNOTSUPP;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains, frame ownership, and how guest errors are reported. */
#include <asm/paging.h>
#include <asm/smp.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno-name.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>

struct domain *dom0;
struct frame_info *frame_table;

void frame_table_init(void)
{
    uint64_t bytes = frames_max_mfn() * sizeof(struct frame_info);
    uint64_t pages = ROUNDUP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
    mfn_t mfn = alloc_frames(pages, 1, 0);

    if (mfn == INVALID_MFN)
        panic("no memory for the frame table (%lu pages)", (unsigned long)pages);
    frame_table = maddr_to_virt(mfn << PAGE_SHIFT);
    memset(frame_table, 0, pages * PAGE_SIZE);
}

/*
 * A guest must not be able to flood the console (Xen's XENLOG_G_*): after
 * GUEST_LOG_BURST refusal lines, only every GUEST_LOG_EVERY-th is printed,
 * with a count of those dropped.
 */
#define GUEST_LOG_BURST 10000
#define GUEST_LOG_EVERY 1000

void guest_refusal(const char *call, int err, const char *fmt, ...)
{
    static uint64_t count;
    char why[160];
    va_list ap;

    if (++count > GUEST_LOG_BURST && count % GUEST_LOG_EVERY)
        return;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk(HVLOG_WARNING "d0 %s: %s (-%s)%s\n", call, why,
           errno_name(err) ? errno_name(err) : "E?",
           count > GUEST_LOG_BURST ? " [rate limited]" : "");
}

void domain_set_kexec_unsafe(struct domain *d, const char *why)
{
    if (!d->kexec_safe)
        return;
    d->kexec_safe = false;
    d->kexec_unsafe_reason = why;
    printk(HVLOG_WARNING "d%u: kexec is no longer safe: %s\n", d->id, why);
}

void domain_set_kexec_safe(struct domain *d, const char *why)
{
    if (d->kexec_safe)
        return;
    d->kexec_safe = true;
    d->kexec_unsafe_reason = NULL;
    printk("d%u: kexec is safe again: %s\n", d->id, why);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    d->crashed = true;
    printk(HVLOG_ERR "d%u: %s\n", d->id, why);
    printk(HVLOG_ERR "Domain %u crashed\n", d->id);
    panic("dom0 crashed: %s", why);
}

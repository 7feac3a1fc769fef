/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains, frame ownership, and how guest errors are reported. */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno-name.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <hv/ratelimit.h>
#include <hv/shutdown.h>
#include <public/xen.h>

struct domain *dom0;
struct frame_info *frame_table;

void frame_table_init(void)
{
    uint64_t bytes = mfn_x(frames_max_mfn()) * sizeof(struct frame_info);
    uint64_t pages = ROUNDUP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
    mfn_t mfn = alloc_frames(pages, 1, _mfn(0));

    if (mfn_is_invalid(mfn))
        panic("no memory for the frame table (%lu pages)",
              (unsigned long)pages);
    frame_table = mfn_to_virt(mfn);
    memset(frame_table, 0, pages * PAGE_SIZE);
}

/* ---- console lines a guest can cause ---------------------------------- */

/*
 * Every console line a guest can cause, its console_io writes and the
 * hypervisor's refusal lines, goes through guest_line_allowed(), so that a
 * guest cannot flood the console (Xen's XENLOG_G_* levels and
 * printk_ratelimit).  The limits (docs/guest-abi.md, public/xen.h):
 *
 *   - a privileged dom0's console_io writes: never limited (its console is
 *     the host's log);
 *   - a privileged dom0's refusal lines: the first GUEST_LOG_BURST, then
 *     only every GUEST_LOG_EVERY-th, marked "[rate limited]";
 *   - an unprivileged domain's lines, writes and refusals alike: a bucket
 *     of UNPRIV_LOG_BURST lines that refills one line per UNPRIV_LOG_MS
 *     (include/hv/ratelimit.h, on the TSC).
 *     When a line gets through after some were dropped, one line with
 *     their count comes first; the domain's end prints what is left.
 *
 * One domain exists, so the state is static.
 */
#define GUEST_LOG_BURST  10000
#define GUEST_LOG_EVERY  1000
#define UNPRIV_LOG_BURST 64
#define UNPRIV_LOG_MS    500

static uint64_t priv_refusals; /* a privileged dom0's, so far */
static struct ratelimit unpriv_lines = { .burst = UNPRIV_LOG_BURST };

static void report_suppressed(struct domain *d, uint64_t n)
{
    if (n)
        printk(HVLOG_WARNING
               "d%u: %lu console lines suppressed (rate limited)\n",
               d->id, (unsigned long)n);
}

static bool unpriv_line_allowed(struct domain *d)
{
    uint64_t dropped;

    if (!unpriv_lines.cost)
        unpriv_lines.cost = arch_us_to_ticks(UNPRIV_LOG_MS * 1000ULL);
    if (!ratelimit_take(&unpriv_lines, arch_timestamp(), &dropped))
        return false;
    report_suppressed(d, dropped);
    return true;
}

bool guest_line_allowed(struct domain *d, enum guest_line kind)
{
    if (!d->privileged)
        return unpriv_line_allowed(d);
    if (kind == GUEST_LINE_CONSOLE)
        return true;
    return ++priv_refusals <= GUEST_LOG_BURST ||
           priv_refusals % GUEST_LOG_EVERY == 0;
}

void guest_refusal(const char *call, int err, const char *fmt, ...)
{
    struct domain *d = arch_current_domain() ?: dom0;
    char why[160];
    va_list ap;

    if (!guest_line_allowed(d, GUEST_LINE_REFUSAL))
        return;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk(HVLOG_WARNING "d%u %s: %s (-%s)%s\n", d->id, call, why,
           errno_name(err) ? errno_name(err) : "E?",
           d->privileged && priv_refusals > GUEST_LOG_BURST ? " [rate limited]"
                                                            : "");
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

/* ---- how a domain ends ------------------------------------------------ */

/*
 * An unprivileged domain's end is its own: the hypervisor goes on, and
 * with no other domain to run (there is only one) it says so and stops.
 * Under QEMU that is exit status 7 (EXIT_NO_DOMAIN); on hardware without
 * the isa-debug-exit device the CPU halts.  Never a panic: the crash image
 * is the host's, and an unprivileged guest must not be able to run it.
 */
static __noreturn void domain_ended(struct domain *d)
{
    report_suppressed(d, ratelimit_take_suppressed(&unpriv_lines));
    arch_set_current_domain(NULL);
    printk("no domain left to run: halting\n");
    machine_exit(EXIT_NO_DOMAIN);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    const char *what = reason == SHUTDOWN_reboot ? "reboot" : "poweroff";

    ASSERT(reason == SHUTDOWN_poweroff || reason == SHUTDOWN_reboot);
    if (d->privileged) {
        /* A privileged dom0's poweroff and reboot are the host's. */
        printk("d%u requested %s\n", d->id, what);
        machine_exit(reason == SHUTDOWN_reboot ? EXIT_REBOOT : EXIT_POWEROFF);
    }
    printk("Domain %u shut down (%s)\n", d->id, what);
    domain_ended(d);
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
    if (!d->privileged)
        domain_ended(d);
    /* A privileged dom0's crash is the host's: on to the crash image. */
    panic("dom0 crashed: %s", why);
}

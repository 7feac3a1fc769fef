/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains.  There is one: dom0, the initial PV domain, with one vCPU that
 * runs on the boot CPU.  The structure is what the PV memory rules and
 * the kexec "safe" state need; it does not pretend to be a scheduler.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/types.h>

#define DOM0_MAX_PT_FRAMES 64

struct domain {
    uint16_t id;
    bool privileged; /* may use [privileged] hypercalls */
    bool crashed;
    uint64_t nr_pages;  /* frames owned now */
    uint64_t max_pages; /* the most it may own (dom0_mem) */
    uint64_t *p2m;      /* gfn -> mfn (hypervisor frames, RO to dom0) */
    uint64_t p2m_size;
    mfn_t l4_mfn; /* root of its page tables */
    unsigned int nr_pt_frames;
    mfn_t pt_frames[DOM0_MAX_PT_FRAMES];
    /*
     * "kexec is safe" (include/public/kexec.h, KEXEC_STATUS_UNSAFE):
     * cleared while frames ballooned out have not all been given back.
     */
    bool kexec_safe;
    const char *kexec_unsafe_reason;
    uint64_t kexec_frames_owed; /* ballooned out, not yet given back */
    /*
     * Ballooning in constant time per extent: the gfns that have no frame,
     * as a stack (increase_reservation pops, decrease pushes), and the
     * CPUs that have run on the domain's tables, so may still hold its
     * translations in their TLBs (a frame leaves only after they flush).
     */
    uint32_t *free_gfns;
    uint64_t nr_free_gfns;
    uint64_t tlb_cpus; /* bit n: CPU n */
};

extern struct domain *dom0;

/* Frame ownership, one entry per machine frame. */
enum frame_owner { OWNER_NONE = 0, OWNER_HV, OWNER_DOM0 };
enum frame_type {
    PGT_NONE = 0, /* ordinary data */
    PGT_L1,
    PGT_L2,
    PGT_L3,
    PGT_L4,
};
struct frame_info {
    uint8_t owner; /* enum frame_owner */
    uint8_t type;  /* enum frame_type */
    uint8_t boot;  /* boot memory (a module): never freed */
    uint8_t pad;
    uint32_t l1_refs; /* L1 entries of guest tables that map it */
};
extern struct frame_info *frame_table;
void frame_table_init(void);
static inline struct frame_info *frame_info(mfn_t mfn)
{
    return &frame_table[mfn_x(mfn)];
}

static inline bool frame_is_pt(mfn_t mfn)
{
    return frame_info(mfn)->type != PGT_NONE;
}

/*
 * The P2M is read by the guest as plain uint64_t mfns (start-info.h), so
 * it stays an array of numbers; these are the typed way in and out.
 */
static inline mfn_t p2m_get(const struct domain *d, gfn_t gfn)
{
    return _mfn(d->p2m[gfn_x(gfn)]);
}

static inline void p2m_set(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    d->p2m[gfn_x(gfn)] = mfn_x(mfn);
}

/* Build dom0 from the first boot module and enter it; never returns. */
__noreturn void dom0_start(void);

/* Clear the "kexec is safe" state, once, with the reason on the console. */
void domain_set_kexec_unsafe(struct domain *d, const char *why);
/* Set it again, once, with the reason on the console. */
void domain_set_kexec_safe(struct domain *d, const char *why);

/* Guest refusals: "(HV) d0 <call>: <reason> (-ENAME)", rate limited. */
void guest_refusal(const char *call, int err, const char *fmt, ...)
    __printf(3, 4);

/*
 * What a domain may do to the host, decided here by d->privileged
 * (docs/guest-abi.md, "What a domain may do").
 */

/*
 * Guest misbehaviour: one line saying why, "Domain N crashed", then the
 * domain is gone.  A privileged dom0's crash is a hypervisor-level event:
 * panic(), and so the crash image.  An unprivileged domain's crash ends
 * only itself (with no other domain: "no domain left to run: halting").
 */
__noreturn void domain_crash(struct domain *d, const char *fmt, ...)
    __printf(2, 3);

/*
 * SCHEDOP_shutdown poweroff or reboot (SHUTDOWN_*): a privileged dom0's
 * are the host's; an unprivileged domain's end only that domain.
 */
__noreturn void domain_shutdown(struct domain *d, unsigned int reason);

/*
 * May this console line caused by d be printed?  Every line a guest can
 * cause asks first: its console_io writes, and refusals (guest_refusal).
 */
enum guest_line { GUEST_LINE_CONSOLE, GUEST_LINE_REFUSAL };
bool guest_line_allowed(struct domain *d, enum guest_line kind);

#endif /* HV_DOMAIN_H */

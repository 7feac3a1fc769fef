/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A token bucket for console lines, after Xen's __printk_ratelimit: it
 * holds `burst` lines and refills one line per `cost` clock ticks.  The
 * clock is the caller's (the TSC in the hypervisor), so that the rule can
 * be tested on the host.
 */
#ifndef HV_RATELIMIT_H
#define HV_RATELIMIT_H

#include <hv/types.h>

struct ratelimit {
    uint64_t burst;      /* lines the full bucket holds */
    uint64_t cost;       /* clock ticks per line */
    uint64_t tokens;     /* ticks in the bucket */
    uint64_t last;       /* clock at the last call */
    uint64_t suppressed; /* dropped since the last line let through */
    bool started;
};

/*
 * May a line go out at clock `now`?  The first call finds the bucket full.
 * When it says yes, *dropped is the number of lines refused since the
 * last one let through (the caller prints that count first); when it says
 * no, the line is counted as suppressed.
 */
bool ratelimit_take(struct ratelimit *rl, uint64_t now, uint64_t *dropped);

/* Lines refused and not reported yet, now reported: the count, reset. */
uint64_t ratelimit_take_suppressed(struct ratelimit *rl);

#endif /* HV_RATELIMIT_H */

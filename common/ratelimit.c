/* SPDX-License-Identifier: GPL-2.0-only */
/* The console-line token bucket (include/hv/ratelimit.h). */
#include <hv/types.h>
#include <hv/ratelimit.h>

bool ratelimit_take(struct ratelimit *rl, uint64_t now, uint64_t *dropped)
{
    uint64_t full = rl->burst * rl->cost;

    if (!rl->started) {
        rl->tokens = full;
        rl->started = true;
    } else if (now > rl->last) {
        rl->tokens = MIN(rl->tokens + (now - rl->last), full);
    }
    rl->last = now;
    *dropped = 0;
    if (rl->tokens < rl->cost) {
        rl->suppressed++;
        return false;
    }
    rl->tokens -= rl->cost;
    *dropped = ratelimit_take_suppressed(rl);
    return true;
}

uint64_t ratelimit_take_suppressed(struct ratelimit *rl)
{
    uint64_t n = rl->suppressed;

    rl->suppressed = 0;
    return n;
}

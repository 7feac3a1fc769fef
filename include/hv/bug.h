/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error handling, after Xen's taxonomy (docs/error-handling.md):
 *   BUG_ON()      a hypervisor inconsistency, always checked;
 *   ASSERT()      a paranoid check, same as BUG_ON in this build;
 *   panic()       an unrecoverable condition: prints the reason, stops
 *                 every CPU and runs the crash image (docs/crash-path.md);
 *   domain_crash()  guest misbehaviour (include/hv/domain.h);
 *   -errno        a refused request (docs/error-handling.md).
 */
#ifndef HV_BUG_H
#define HV_BUG_H

#include <hv/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* A fatal fault: the crash note gets the faulting context's registers. */
struct cpu_user_regs;
__noreturn void panic_regs(const struct cpu_user_regs *regs, const char *fmt,
                           ...) __printf(2, 3);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond)                                                           \
    do {                                                                       \
        if (__builtin_expect(!!(cond), 0))                                     \
            panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);           \
    } while (0)
#define ASSERT(cond) BUG_ON(!(cond))

#endif /* HV_BUG_H */

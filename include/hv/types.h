/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types shared by the hypervisor and its host unit tests.  Only
 * compiler-provided freestanding headers are used, so this file builds
 * both in the hypervisor and on the host.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/addr.h> /* mfn_t, gfn_t, maddr_t, vaddr_t, PAGE_SIZE */

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)    (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ROUNDDOWN(x, a)  ((x) & ~((uint64_t)(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define __used         __attribute__((__used__))
#define __section(s)   __attribute__((__section__(s)))
#define __aligned(a)   __attribute__((__aligned__(a)))
#define __packed       __attribute__((__packed__))
#define __noreturn     __attribute__((__noreturn__))
#define __printf(a, b) __attribute__((__format__(__printf__, a, b)))
#define noinline       __attribute__((__noinline__))

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif /* HV_TYPES_H */

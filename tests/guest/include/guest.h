/* SPDX-License-Identifier: GPL-2.0-only */
/* Everything a test file needs. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include "lib.h"
#include "hypercall.h"
#include "report.h"
#include "mm.h"
#include "cmdline.h"

/* Bad guest pointers every pointer argument must refuse with -EFAULT. */
extern const uint64_t bad_guest_ptrs[];
extern const unsigned int nr_bad_guest_ptrs;

#endif

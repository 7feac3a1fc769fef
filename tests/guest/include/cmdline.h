/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's command line (start_info->cmd_line): space-separated words.
 *   test=NAME[,NAME...]   tests to run (repeatable); test=list lists them
 *   crash_mfn=0xN         first frame of the hypervisor's crash region
 *                         (the ABI does not publish it yet)
 * Words that are not name=value (such as a module path) are ignored.
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include "lib.h"

/* Finds the value of `name=`; sets *len.  NULL if absent. */
const char *cmdline_find(const char *name, size_t *len);
bool cmdline_u64(const char *name, uint64_t *out);

/* Calls fn for every `name=` value (comma-separated items split). */
void cmdline_for_each(const char *name,
                      void (*fn)(const char *val, size_t len, void *arg),
                      void *arg);

#endif

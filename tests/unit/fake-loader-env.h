/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake machine the kexec loaders' host tests hand their loader
 * (struct kxl_env, tools/kexec-loader/kexec-loader.h): buffers of "file"
 * bytes at page granularity, each with its own run of machine frames,
 * and bounce frames from malloc, poisoned (0xcc) so that a loader that
 * forgets to fill one is caught.  Used by test-linux-load.c and
 * test-multiboot-load.c.
 */
#ifndef TESTS_UNIT_FAKE_LOADER_ENV_H
#define TESTS_UNIT_FAKE_LOADER_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "../../tools/kexec-loader/kexec-loader.h"

#define FAKE_PG         4096u
#define FAKE_BUF_MFN    0x100000u /* buffer i: from + 0x10000 * i */
#define FAKE_BOUNCE_MFN 0x200000u
#define FAKE_MAX_BUFS   8
#define FAKE_MAX_BOUNCE 16

/* va_to_mfn and bounce over the buffers and bounce frames below. */
extern const struct kxl_env fake_env;
/* Bounce frames handed out so far, and the most there may be. */
extern unsigned int fake_nr_bounce, fake_bounce_limit;

/* Forget every buffer and bounce frame; allow FAKE_MAX_BOUNCE again. */
void fake_reset(void);
/* Free them (a test's teardown). */
void fake_free(void);
/* A zeroed buffer of size bytes (and a page more), page aligned. */
uint8_t *fake_new_buf(size_t size);
/* The bytes of machine frame mfn (a buffer's or a bounce frame), or NULL. */
uint8_t *fake_frame(kxl_mfn_t mfn);

/*
 * Hold ents[0 .. n) to the hypervisor's own validator (common/kimage.c)
 * as a CRASH image of `arch` entered at `entry`, with the crash load
 * range [rs, + rsize) and the hypervisor image [hv_start, hv_end): the
 * fake machine owns exactly its buffers' and bounce frames, RAM is the
 * low 4 GiB.  At most 512 entries.
 */
void fake_expect_valid_crash(const struct kexec_entry *ents, uint64_t n,
                             uint8_t arch, kxl_maddr_t entry, kxl_maddr_t rs,
                             uint64_t rsize, kxl_maddr_t hv_start,
                             kxl_maddr_t hv_end);

#endif

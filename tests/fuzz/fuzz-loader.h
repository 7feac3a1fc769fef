/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loaders' fuzzers share one region, where every destination must
 * go, and one oracle: the hypervisor's validator over the unit tests'
 * fake machine (tests/unit/fake-loader-env.h), as a CRASH image in that
 * region (the strictest type: DEFAULT images are checked the same way,
 * which holds because the region keeps them off the hypervisor).
 */
#ifndef TESTS_FUZZ_FUZZ_LOADER_H
#define TESTS_FUZZ_FUZZ_LOADER_H

#include "fake-loader-env.h"

#define FZL_REGION      0x10000000ULL /* 256 MiB */
#define FZL_REGION_SIZE 0x4000000ULL  /* 64 MiB */
#define FZL_HV_START    0x200000ULL
#define FZL_HV_END      0x400000ULL
#define FZL_CAP         512 /* fake_expect_valid_crash()'s most */

static inline void fzl_expect_valid(const struct kexec_entry *ents, uint64_t n,
                                    uint8_t arch, kxl_maddr_t entry)
{
    fake_expect_valid_crash(ents, n, arch, entry, kxl_maddr(FZL_REGION),
                            FZL_REGION_SIZE, kxl_maddr(FZL_HV_START),
                            kxl_maddr(FZL_HV_END));
}

#endif

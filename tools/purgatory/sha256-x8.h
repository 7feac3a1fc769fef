/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 of eight equal-length messages at once with AVX2 (sha256-x8.c):
 * the fast path of purgatory's check where the CPU has no SHA extensions
 * (QEMU's TCG among them).  Needs AVX enabled (CR4.OSXSAVE, XCR0 with SSE
 * and AVX state): check sha256_x8_usable() first.
 */
#ifndef PURGATORY_SHA256_X8_H
#define PURGATORY_SHA256_X8_H

#include <stddef.h>
#include <stdint.h>

/* 1 if CPUID offers AVX2 and XCR0 enables the AVX state. */
int sha256_x8_usable(void);

/*
 * For each lane l in 0..7, nblocks whole 64-byte blocks from data[l]
 * through the compression function into state[l] (the eight words of a
 * struct sha256_ctx's state): what sha256_blocks_portable(state[l],
 * data[l], nblocks) does, eight times.
 */
void sha256_x8_avx2(uint32_t state[8][8], const uint8_t *const data[8],
                    size_t nblocks);

#endif

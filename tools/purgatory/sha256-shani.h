/* SPDX-License-Identifier: MIT */
/*
 * The SHA-extensions compression function for tools/kexec-loader/sha256.h
 * (sha256-shani.c).  Needs SSE enabled (CR4.OSFXSR) and the CPU's SHA,
 * SSSE3 and SSE4.1: check sha256_shani_usable() first.
 */
#ifndef PURGATORY_SHA256_SHANI_H
#define PURGATORY_SHA256_SHANI_H

#include <stddef.h>
#include <stdint.h>

/* 1 if CPUID offers SHA (leaf 7 EBX bit 29), SSSE3 and SSE4.1. */
int sha256_shani_usable(void);

void sha256_blocks_shani(uint32_t state[8], const uint8_t *blocks,
                         size_t nblocks);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), freestanding: <stdint.h> and <stddef.h> only, no
 * global state, no SSE (tests/guest.mk builds every .c here with
 * -mgeneral-regs-only).
 *
 * The compression function is pluggable: sha256_blocks_portable() is
 * plain C; tools/purgatory/sha256-shani.c has sha256_blocks_shani() with
 * the SHA extensions (built only where SSE may be used: purgatory and the
 * host tests).  Both take nblocks whole 64-byte blocks.
 *
 * The loader computes the digests of purgatory's regions with this code
 * (tools/kexec-loader/purgatory-load.h); purgatory checks them with the
 * same code.  sha256_update_zeros() feeds zero bytes without a buffer of
 * them (a segment's zero fill).
 */
#ifndef KXL_SHA256_H
#define KXL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32u
#define SHA256_BLOCK_SIZE  64u

typedef void sha256_blocks_fn(uint32_t state[8], const uint8_t *blocks,
                              size_t nblocks);

struct sha256_ctx {
    uint32_t state[8];
    uint64_t bytes;           /* fed so far */
    uint8_t buf[64];          /* a partial block */
    uint32_t buf_len;         /* bytes in buf, < 64 */
    sha256_blocks_fn *blocks; /* the compression function */
};

/* The 64 round constants K (FIPS 180-4 4.2.2), 16-byte aligned. */
extern const uint32_t sha256_k[64];

void sha256_blocks_portable(uint32_t state[8], const uint8_t *blocks,
                            size_t nblocks);

/* blocks NULL: sha256_blocks_portable. */
void sha256_init(struct sha256_ctx *c, sha256_blocks_fn *blocks);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* len zero bytes. */
void sha256_update_zeros(struct sha256_ctx *c, uint64_t len);
void sha256_final(struct sha256_ctx *c, uint8_t digest[32]);

/* One call, portable code. */
void sha256(const void *data, size_t len, uint8_t digest[32]);

#endif /* KXL_SHA256_H */

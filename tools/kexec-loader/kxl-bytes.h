/* SPDX-License-Identifier: MIT */
/*
 * The few byte routines the tools/kexec-loader C files share: they are built
 * freestanding (no C library) and must not depend on the unaligned or
 * endian behaviour of casts.  Little endian, as every format they read.
 * Internal: not part of any loader's interface.
 */
#ifndef KEXEC_LOADER_KXL_BYTES_H
#define KEXEC_LOADER_KXL_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* The little-endian value of bytes (1 .. 8) at p. */
static inline uint64_t kxl_rd(const uint8_t *p, unsigned int bytes)
{
    uint64_t v = 0;

    for (unsigned int i = bytes; i--;)
        v = (v << 8) | p[i];
    return v;
}

/* Store v's low bytes (1 .. 8) at p, little endian. */
static inline void kxl_wr(uint8_t *p, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline void kxl_copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while (n--)
        *d++ = *s++;
}

static inline void kxl_zero(void *dst, size_t n)
{
    uint8_t *d = dst;

    while (n--)
        *d++ = 0;
}

static inline size_t kxl_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

#endif /* KEXEC_LOADER_KXL_BYTES_H */

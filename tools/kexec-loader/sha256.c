/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4): the portable compression function and the
 * streaming interface (sha256.h).
 *
 * The block function keeps the eight working variables in locals and the
 * message schedule in a rolling 16-word window, fully unrolled: the
 * rounds rotate the roles of a..h by macro arguments instead of moving
 * values, so gcc -O2 keeps everything in registers.
 */
#include "sha256.h"

/* FIPS 180-4 4.2.2; 16-byte aligned for the SHA-extensions code. */
const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
/* The Sigmas nested (Intel's arrangement): fewer copies of x. */
#define S0(x)       ROR(ROR(ROR(x, 9) ^ (x), 11) ^ (x), 2)
#define S1(x)       ROR(ROR(ROR(x, 14) ^ (x), 5) ^ (x), 6)
#define s0(x)       (ROR(ROR(x, 11) ^ (x), 7) ^ ((x) >> 3))
#define s1(x)       (ROR(ROR(x, 2) ^ (x), 17) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * Round i with word w: only d and h change, the caller rotates the names.
 * Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the
 * previous round's a ^ b: bc holds it, ab receives this round's (the two
 * swap roles from round to round).
 */
#define RND(a, b, c, d, e, f, g, h, i, w, ab, bc)                              \
    do {                                                                       \
        uint32_t t1_ = h + S1(e) + CH(e, f, g) + sha256_k[i] + (w);            \
        ab = a ^ b;                                                            \
        d += t1_;                                                              \
        h = t1_ + S0(a) + (b ^ (ab & bc));                                     \
    } while (0)

/* W[i] for i >= 16, in place in the 16-word window. */
#define W(i)                                                                   \
    (W[(i)&15] += s1(W[((i)-2) & 15]) + W[((i)-7) & 15] + s0(W[((i)-15) & 15]))

#define R8(i, w)                                                               \
    RND(a, b, c, d, e, f, g, h, (i) + 0, w((i) + 0), x, y);                    \
    RND(h, a, b, c, d, e, f, g, (i) + 1, w((i) + 1), y, x);                    \
    RND(g, h, a, b, c, d, e, f, (i) + 2, w((i) + 2), x, y);                    \
    RND(f, g, h, a, b, c, d, e, (i) + 3, w((i) + 3), y, x);                    \
    RND(e, f, g, h, a, b, c, d, (i) + 4, w((i) + 4), x, y);                    \
    RND(d, e, f, g, h, a, b, c, (i) + 5, w((i) + 5), y, x);                    \
    RND(c, d, e, f, g, h, a, b, (i) + 6, w((i) + 6), x, y);                    \
    RND(b, c, d, e, f, g, h, a, (i) + 7, w((i) + 7), y, x)

#define W0(i) (W[i] = load_be32(p + 4 * (i)))

void sha256_blocks_portable(uint32_t state[8], const uint8_t *blocks,
                            size_t nblocks)
{
    uint32_t a, b, c, d, e, f, g, h, x, y, W[16];
    const uint8_t *p = blocks;

    for (; nblocks; nblocks--, p += 64) {
        a = state[0];
        b = state[1];
        c = state[2];
        d = state[3];
        e = state[4];
        f = state[5];
        g = state[6];
        h = state[7];
        y = b ^ c;
        R8(0, W0);
        R8(8, W0);
        R8(16, W);
        R8(24, W);
        R8(32, W);
        R8(40, W);
        R8(48, W);
        R8(56, W);
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

/* ---- streaming ------------------------------------------------------------ */

void sha256_init(struct sha256_ctx *c, sha256_blocks_fn *blocks)
{
    for (int i = 0; i < 8; i++)
        c->state[i] = H0[i];
    c->bytes = 0;
    c->buf_len = 0;
    c->blocks = blocks ? blocks : sha256_blocks_portable;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;

    c->bytes += len;
    if (c->buf_len) {
        while (len && c->buf_len < 64) {
            c->buf[c->buf_len++] = *p++;
            len--;
        }
        if (c->buf_len < 64)
            return;
        c->blocks(c->state, c->buf, 1);
        c->buf_len = 0;
    }
    if (len >= 64) {
        c->blocks(c->state, p, len / 64);
        p += len & ~(size_t)63;
        len &= 63;
    }
    while (len--)
        c->buf[c->buf_len++] = *p++;
}

void sha256_update_zeros(struct sha256_ctx *c, uint64_t len)
{
    /* A zero block from the stack: one 64-byte block at a time costs no
       more per byte than a big buffer would. */
    uint8_t zero[256];

    for (unsigned int i = 0; i < sizeof(zero); i++)
        zero[i] = 0;
    while (len) {
        size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);

        sha256_update(c, zero, n);
        len -= n;
    }
}

void sha256_final(struct sha256_ctx *c, uint8_t digest[32])
{
    uint64_t bits = c->bytes * 8;
    unsigned int i;

    c->buf[c->buf_len++] = 0x80;
    if (c->buf_len > 56) {
        while (c->buf_len < 64)
            c->buf[c->buf_len++] = 0;
        c->blocks(c->state, c->buf, 1);
        c->buf_len = 0;
    }
    while (c->buf_len < 56)
        c->buf[c->buf_len++] = 0;
    for (i = 0; i < 8; i++)
        c->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    c->blocks(c->state, c->buf, 1);
    c->buf_len = 0;
    for (i = 0; i < 8; i++)
        store_be32(digest + 4 * i, c->state[i]);
}

void sha256(const void *data, size_t len, uint8_t digest[32])
{
    struct sha256_ctx c;

    sha256_init(&c, NULL);
    sha256_update(&c, data, len);
    sha256_final(&c, digest);
}

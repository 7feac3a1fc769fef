/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 of eight messages at once, one per 32-bit lane of AVX2 (see
 * sha256-x8.h).  The rounds are FIPS 180-4's, written once for a vector
 * of eight words: where scalar code does one block, this does eight for
 * about the same number of instructions (rotations are two shifts and an
 * or: AVX2 has no vector rotate).  The message words are loaded row by
 * row and transposed, 8 x 8 at a time.
 */
#include <immintrin.h>
#include "sha256-x8.h"

static const uint32_t K[64] = {
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

#define ROTR(x, n) \
    _mm256_or_si256(_mm256_srli_epi32((x), (n)), _mm256_slli_epi32((x), 32 - (n)))
#define XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256((a), (b)), (c))
#define ADD(a, b)     _mm256_add_epi32((a), (b))
#define S0(a)  XOR3(ROTR(a, 2), ROTR(a, 13), ROTR(a, 22))
#define S1(e)  XOR3(ROTR(e, 6), ROTR(e, 11), ROTR(e, 25))
#define s0(w)  XOR3(ROTR(w, 7), ROTR(w, 18), _mm256_srli_epi32((w), 3))
#define s1(w)  XOR3(ROTR(w, 17), ROTR(w, 19), _mm256_srli_epi32((w), 10))
/* Ch(e,f,g) = (e & f) ^ (~e & g); Maj(a,b,c) = ((a ^ b) & (b ^ c)) ^ b */
#define CH(e, f, g) \
    _mm256_xor_si256(_mm256_and_si256((e), (f)), _mm256_andnot_si256((e), (g)))
#define MAJ(a, b, c) \
    _mm256_xor_si256(_mm256_and_si256(_mm256_xor_si256((a), (b)), \
                                      _mm256_xor_si256((b), (c))), (b))

/* Eight rows of eight words -> eight columns (r[i] lane j = row j word i). */
static inline void transpose8(__m256i r[8])
{
    __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]);
    __m256i t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]);
    __m256i t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]);
    __m256i t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]);
    __m256i t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2);
    __m256i u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3);
    __m256i u3 = _mm256_unpackhi_epi64(t1, t3);
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6);
    __m256i u5 = _mm256_unpackhi_epi64(t4, t6);
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7);
    __m256i u7 = _mm256_unpackhi_epi64(t5, t7);

    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* Words [half * 8, half * 8 + 8) of the current block of each lane. */
static inline void load_half(__m256i w[8], const uint8_t *const p[8],
                             size_t off, __m256i bswap)
{
    for (unsigned int l = 0; l < 8; l++)
        w[l] = _mm256_loadu_si256((const __m256i *)(p[l] + off));
    transpose8(w);
    for (unsigned int i = 0; i < 8; i++)
        w[i] = _mm256_shuffle_epi8(w[i], bswap);
}

#define ROUND(a, b, c, d, e, f, g, h, t, wt) do {                          \
        __m256i t1_ = ADD(ADD(ADD((h), S1(e)), ADD(CH((e), (f), (g)),      \
                          _mm256_set1_epi32((int)K[t]))), (wt));           \
        __m256i t2_ = ADD(S0(a), MAJ((a), (b), (c)));                      \
        (d) = ADD((d), t1_);                                               \
        (h) = ADD(t1_, t2_);                                               \
    } while (0)

void sha256_x8_avx2(uint32_t state[8][8], const uint8_t *const data[8],
                    size_t nblocks)
{
    const __m256i bswap = _mm256_setr_epi8(
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    __m256i v[8], w[16];
    const uint8_t *p[8];

    for (unsigned int l = 0; l < 8; l++)
        p[l] = data[l];
    /* state[lane][i] -> v[i] lane `lane` */
    for (unsigned int i = 0; i < 8; i++)
        v[i] = _mm256_setr_epi32((int)state[0][i], (int)state[1][i],
                                 (int)state[2][i], (int)state[3][i],
                                 (int)state[4][i], (int)state[5][i],
                                 (int)state[6][i], (int)state[7][i]);

    while (nblocks--) {
        __m256i a = v[0], b = v[1], c = v[2], d = v[3];
        __m256i e = v[4], f = v[5], g = v[6], h = v[7];

        load_half(w, p, 0, bswap);
        load_half(w + 8, p, 32, bswap);
        for (unsigned int t = 0; t < 64; t += 8) {
            if (t >= 16)
                for (unsigned int i = 0; i < 8; i++) {
                    unsigned int j = (t + i) & 15;

                    w[j] = ADD(ADD(w[j], s0(w[(j + 1) & 15])),
                               ADD(w[(j + 9) & 15], s1(w[(j + 14) & 15])));
                }
            ROUND(a, b, c, d, e, f, g, h, t + 0, w[(t + 0) & 15]);
            ROUND(h, a, b, c, d, e, f, g, t + 1, w[(t + 1) & 15]);
            ROUND(g, h, a, b, c, d, e, f, t + 2, w[(t + 2) & 15]);
            ROUND(f, g, h, a, b, c, d, e, t + 3, w[(t + 3) & 15]);
            ROUND(e, f, g, h, a, b, c, d, t + 4, w[(t + 4) & 15]);
            ROUND(d, e, f, g, h, a, b, c, t + 5, w[(t + 5) & 15]);
            ROUND(c, d, e, f, g, h, a, b, t + 6, w[(t + 6) & 15]);
            ROUND(b, c, d, e, f, g, h, a, t + 7, w[(t + 7) & 15]);
        }
        v[0] = ADD(v[0], a); v[1] = ADD(v[1], b);
        v[2] = ADD(v[2], c); v[3] = ADD(v[3], d);
        v[4] = ADD(v[4], e); v[5] = ADD(v[5], f);
        v[6] = ADD(v[6], g); v[7] = ADD(v[7], h);
        for (unsigned int l = 0; l < 8; l++)
            p[l] += 64;
    }
    for (unsigned int i = 0; i < 8; i++) {
        uint32_t out[8];

        _mm256_storeu_si256((__m256i *)out, v[i]);
        for (unsigned int l = 0; l < 8; l++)
            state[l][i] = out[l];
    }
}

int sha256_x8_usable(void)
{
    uint32_t a, b, c, d, b7;
    uint32_t xcr0_lo, xcr0_hi;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    /* OSXSAVE (bit 27) and AVX (bit 28): the OS (purgatory) enabled XSAVE */
    if (!(c & (1u << 27)) || !(c & (1u << 28)))
        return 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6) != 6)             /* SSE and AVX state enabled */
        return 0;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b7), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    return (b7 >> 5) & 1;               /* AVX2 */
}

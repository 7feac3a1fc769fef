/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 with the x86 SHA extensions (sha256rnds2, sha256msg1/2), the
 * compression function of tools/kexec-loader/sha256.h.  Built with -msha
 * -msse4.1 into purgatory and the host tests only (the guest build has no
 * SSE); call sha256_blocks_shani() only when sha256_shani_usable() says so
 * (and, in purgatory, once CR4.OSFXSR is set).
 *
 * The usual arrangement (Intel's white paper "Intel SHA Extensions"):
 * the state as two registers ABEF and CDGH, four rounds per
 * sha256rnds2 pair, the schedule four words at a time.
 */
#include <immintrin.h>
#include <cpuid.h>
#include "sha256-shani.h"
#include "../kexec-loader/sha256.h"

int sha256_shani_usable(void)
{
    unsigned int a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (!(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return 0;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & bit_SHA) != 0;
}

/* Four rounds with message words m (W[i..i+3]). */
#define RNDS4(i, m)                                                            \
    do {                                                                       \
        __m128i k_ = _mm_add_epi32(m, _mm_load_si128(                          \
                                          (const __m128i *)&sha256_k[i]));     \
        s1 = _mm_sha256rnds2_epu32(s1, s0, k_);                                \
        k_ = _mm_shuffle_epi32(k_, 0x0e);                                      \
        s0 = _mm_sha256rnds2_epu32(s0, s1, k_);                                \
    } while (0)

/* Next four schedule words from the previous sixteen (m0 oldest). */
#define SCHED(m0, m1, m2, m3)                                                  \
    (m0 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m0, m1),     \
                                             _mm_alignr_epi8(m3, m2, 4)),      \
                               m3))

void sha256_blocks_shani(uint32_t state[8], const uint8_t *blocks,
                         size_t nblocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
                                         0x0405060700010203ULL);
    __m128i s0, s1, t, m0, m1, m2, m3, save0, save1;

    /* state[] = A B C D E F G H -> s0 = ABEF, s1 = CDGH (high to low) */
    t = _mm_loadu_si128((const __m128i *)&state[0]);  /* D C B A */
    s1 = _mm_loadu_si128((const __m128i *)&state[4]); /* H G F E */
    t = _mm_shuffle_epi32(t, 0xb1);                   /* C D A B */
    s1 = _mm_shuffle_epi32(s1, 0x1b);                 /* E F G H */
    s0 = _mm_alignr_epi8(t, s1, 8);                   /* A B E F */
    s1 = _mm_blend_epi16(s1, t, 0xf0);                /* C D G H */

    for (; nblocks; nblocks--, blocks += 64) {
        save0 = s0;
        save1 = s1;
        m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 0)),
                              bswap);
        m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)),
                              bswap);
        m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)),
                              bswap);
        m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)),
                              bswap);
        RNDS4(0, m0);
        RNDS4(4, m1);
        RNDS4(8, m2);
        RNDS4(12, m3);
        for (int i = 16; i < 64; i += 16) {
            SCHED(m0, m1, m2, m3);
            RNDS4(i + 0, m0);
            SCHED(m1, m2, m3, m0);
            RNDS4(i + 4, m1);
            SCHED(m2, m3, m0, m1);
            RNDS4(i + 8, m2);
            SCHED(m3, m0, m1, m2);
            RNDS4(i + 12, m3);
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }

    /* back: ABEF, CDGH -> A B C D, E F G H */
    t = _mm_shuffle_epi32(s0, 0x1b);   /* F E B A */
    s1 = _mm_shuffle_epi32(s1, 0xb1);  /* D C H G */
    s0 = _mm_blend_epi16(t, s1, 0xf0); /* D C B A */
    s1 = _mm_alignr_epi8(s1, t, 8);    /* H G F E */
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}

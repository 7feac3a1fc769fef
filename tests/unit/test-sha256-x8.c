/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/purgatory/sha256-x8.c: eight lanes of AVX2 against the portable
 * compression function, lane by lane: random states and random messages
 * of 1, 2, 7 and 200 blocks, every lane different, and the same buffer in
 * every lane.  Also the whole digest of a padded message through the
 * lanes against the host's sha256sum-checked portable code.  Runs only if
 * the host has AVX2; if not, the binary says so (no case registered, the
 * Check count shows it), never a pass.
 */
#include "harness.h"

#include "../../tools/kexec-loader/sha256.h"
#include "../../tools/purgatory/sha256-x8.h"

static void check_lanes(size_t nblocks, int same_buffer)
{
    uint32_t st[8][8], ref[8][8];
    uint8_t *buf[8];
    const uint8_t *p[8];

    for (unsigned int l = 0; l < 8; l++) {
        buf[l] = malloc(nblocks * 64);
        for (size_t i = 0; i < nblocks * 64; i++)
            buf[l][i] = (uint8_t)random();
        for (unsigned int i = 0; i < 8; i++)
            st[l][i] = ref[l][i] = (uint32_t)random();
    }
    for (unsigned int l = 0; l < 8; l++) {
        p[l] = same_buffer ? buf[0] : buf[l];
        sha256_blocks_portable(ref[l], p[l], nblocks);
    }
    sha256_x8_avx2(st, p, nblocks);
    for (unsigned int l = 0; l < 8; l++)
        for (unsigned int i = 0; i < 8; i++)
            ck_assert_msg(st[l][i] == ref[l][i],
                          "%zu blocks, lane %u word %u: %08x, want %08x",
                          nblocks, l, i, st[l][i], ref[l][i]);
    for (unsigned int l = 0; l < 8; l++)
        free(buf[l]);
}

START_TEST(test_lanes)
{
    static const size_t n[] = { 1, 2, 7, 200 };

    srandom(42);
    for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
        check_lanes(n[i], 0);
        check_lanes(n[i], 1);
    }
}
END_TEST

/* "abc" padded to one block, in all eight lanes: the FIPS 180-4 digest. */
START_TEST(test_abc)
{
    static const uint32_t iv[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    static const uint32_t want[8] = {
        0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
        0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad };
    uint8_t block[64] = { 'a', 'b', 'c', 0x80 };
    uint32_t st[8][8];
    const uint8_t *p[8];

    block[63] = 24;                     /* the length in bits */
    for (unsigned int l = 0; l < 8; l++) {
        memcpy(st[l], iv, sizeof(iv));
        p[l] = block;
    }
    sha256_x8_avx2(st, p, 1);
    for (unsigned int l = 0; l < 8; l++)
        ck_assert_mem_eq(st[l], want, sizeof(want));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sha256-x8");
    TCase *t = tcase_create("avx2");

    if (!__builtin_cpu_supports("avx2")) {
        printf("test-sha256-x8: the host has no AVX2: the 8-lane cases were "
               "NOT RUN\n");
    } else {
        tcase_add_test(t, test_lanes);
        tcase_add_test(t, test_abc);
    }
    suite_add_tcase(s, t);
    return harness_run(s);
}

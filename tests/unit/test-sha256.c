/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader/sha256.c (portable) and tools/purgatory/sha256-shani.c
 * (SHA extensions): the FIPS 180-4 / NIST examples, the streaming
 * interface split at every point, zero feeding, and random buffers of many
 * lengths held against the host's `sha256sum`.
 *
 * Every test runs for each implementation.  The SHA-NI cases run only if
 * the host CPU has the SHA extensions; if not, they are NOT registered and
 * the binary prints "test-sha256: SHA-NI cases NOT RUN ..." so that the
 * missing coverage shows (its Check count is then lower, never a pass).
 */
#include "harness.h"

#include <unistd.h>

#include "../../tools/kexec-loader/sha256.h"
#include "../../tools/purgatory/sha256-shani.h"

/* The implementation under test: _i of the loop tests picks it. */
static sha256_blocks_fn *const impls[2] = { sha256_blocks_portable,
                                            sha256_blocks_shani };
static const char *const impl_names[2] = { "portable", "SHA-NI" };

static void hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void digest_with(sha256_blocks_fn *fn, const void *p, size_t n,
                        char out[65])
{
    struct sha256_ctx c;
    uint8_t d[32];

    sha256_init(&c, fn);
    sha256_update(&c, p, n);
    sha256_final(&c, d);
    hex(d, out);
}

/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf"). */
static const struct {
    const char *msg;
    const char *want;
} nist[] = {
    { "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
      "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(test_nist_examples)
{
    char got[65];

    for (size_t i = 0; i < sizeof(nist) / sizeof(nist[0]); i++) {
        digest_with(impls[_i], nist[i].msg, strlen(nist[i].msg), got);
        ck_assert_msg(!strcmp(got, nist[i].want), "%s: \"%s\": got %s want %s",
                      impl_names[_i], nist[i].msg, got, nist[i].want);
    }
}
END_TEST

START_TEST(test_million_a)
{
    static const char want[] =
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    size_t n = 1000000;
    char *a = malloc(n), got[65];
    struct sha256_ctx c;
    uint8_t d[32];

    ck_assert_ptr_nonnull(a);
    memset(a, 'a', n);
    digest_with(impls[_i], a, n, got);
    ck_assert_msg(!strcmp(got, want), "%s: one million 'a': %s", impl_names[_i],
                  got);
    /* the same fed in odd pieces */
    sha256_init(&c, impls[_i]);
    for (size_t off = 0, k = 1; off < n; k = k * 3 % 1000 + 1) {
        size_t m = k < n - off ? k : n - off;

        sha256_update(&c, a + off, m);
        off += m;
    }
    sha256_final(&c, d);
    hex(d, got);
    ck_assert_msg(!strcmp(got, want), "%s: one million 'a' in pieces: %s",
                  impl_names[_i], got);
    free(a);
}
END_TEST

/* Every split point of a 300-byte message gives the one-call digest. */
START_TEST(test_every_split)
{
    uint8_t msg[300], one[32], two[32], three[32];
    struct sha256_ctx c;

    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 37 + 11);
    sha256_init(&c, impls[_i]);
    sha256_update(&c, msg, sizeof(msg));
    sha256_final(&c, one);
    for (size_t s = 0; s <= sizeof(msg); s++) {
        sha256_init(&c, impls[_i]);
        sha256_update(&c, msg, s);
        sha256_update(&c, msg + s, sizeof(msg) - s);
        sha256_final(&c, two);
        ck_assert_msg(!memcmp(one, two, 32), "%s: split at %zu", impl_names[_i],
                      s);
        /* and three pieces, the middle one 0..70 bytes */
        for (size_t m = 0; m <= 70 && s + m <= sizeof(msg); m += 7) {
            sha256_init(&c, impls[_i]);
            sha256_update(&c, msg, s);
            sha256_update(&c, msg + s, m);
            sha256_update(&c, msg + s + m, sizeof(msg) - s - m);
            sha256_final(&c, three);
            ck_assert_msg(!memcmp(one, three, 32), "%s: split at %zu, +%zu",
                          impl_names[_i], s, m);
        }
    }
}
END_TEST

/* update_zeros(n) after any prefix == update() of n explicit zeros. */
START_TEST(test_update_zeros)
{
    static const uint64_t lens[] = { 0,    1,    55,   56,     63,
                                     64,   65,   255,  256,    257,
                                     4095, 4096, 4097, 100000, 1048576 + 3 };
    uint8_t *zeros = calloc(1, 1048576 + 3), prefix[70], a[32], b[32];
    struct sha256_ctx c;

    ck_assert_ptr_nonnull(zeros);
    for (size_t i = 0; i < sizeof(prefix); i++)
        prefix[i] = (uint8_t)(0xa5 ^ i);
    for (size_t p = 0; p <= sizeof(prefix); p += 5)
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            sha256_init(&c, impls[_i]);
            sha256_update(&c, prefix, p);
            sha256_update_zeros(&c, lens[i]);
            sha256_update(&c, "tail", 4);
            sha256_final(&c, a);
            sha256_init(&c, impls[_i]);
            sha256_update(&c, prefix, p);
            sha256_update(&c, zeros, lens[i]);
            sha256_update(&c, "tail", 4);
            sha256_final(&c, b);
            ck_assert_msg(!memcmp(a, b, 32), "%s: prefix %zu, %llu zeros",
                          impl_names[_i], p, (unsigned long long)lens[i]);
        }
    free(zeros);
}
END_TEST

/* sha256() is the portable one-call form. */
START_TEST(test_oneshot)
{
    uint8_t d[32];
    char got[65];

    sha256("abc", 3, d);
    hex(d, got);
    ck_assert_str_eq(got, nist[0].want);
}
END_TEST

/* ---- against sha256sum ------------------------------------------------------ */

#define NR_RANDOM 3000
static const size_t big_lens[] = { 65536, 1048576 - 1, 4 * 1048576 + 13 };
#define NR_BIG (sizeof(big_lens) / sizeof(big_lens[0]))

static uint8_t *rnd_buf; /* the largest length */
static size_t rnd_size;
static char (*ref)[65]; /* sha256sum of each length */

static size_t case_len(size_t k)
{
    return k < NR_RANDOM ? k : big_lens[k - NR_RANDOM];
}

/* Write one file per length into a temporary directory, then run one
 * sha256sum over all of them (a process per length would be slow). */
static void sha256sum_setup(void)
{
    char dir[] = "/tmp/test-sha256.XXXXXX", path[128], cmd[256], line[256];
    size_t n = NR_RANDOM + NR_BIG, got = 0;
    FILE *f;

    rnd_size = big_lens[NR_BIG - 1];
    rnd_buf = malloc(rnd_size);
    ref = calloc(n, sizeof(*ref));
    ck_assert_ptr_nonnull(rnd_buf);
    ck_assert_ptr_nonnull(ref);
    srandom(20240610);
    for (size_t i = 0; i < rnd_size; i++)
        rnd_buf[i] = (uint8_t)(random() >> 7);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (size_t k = 0; k < n; k++) {
        snprintf(path, sizeof(path), "%s/%zu", dir, k);
        f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(rnd_buf, 1, case_len(k), f), case_len(k));
        fclose(f);
    }
    snprintf(cmd, sizeof(cmd), "cd %s && find . -type f | xargs sha256sum",
             dir);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f)) {
        char hexd[65];
        size_t k;

        ck_assert_int_eq(sscanf(line, "%64s ./%zu", hexd, &k), 2);
        ck_assert_uint_lt(k, n);
        memcpy(ref[k], hexd, 65);
        got++;
    }
    ck_assert_int_eq(pclose(f), 0);
    ck_assert_uint_eq(got, n);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_against_sha256sum)
{
    uint8_t *work;
    char got[65];

    sha256sum_setup();
    work = malloc(rnd_size + 8);
    ck_assert_ptr_nonnull(work);
    for (size_t k = 0; k < NR_RANDOM + NR_BIG; k++) {
        /* unaligned starts too: a copy at offset k % 8 */
        size_t len = case_len(k), off = k % 8;

        memcpy(work + off, rnd_buf, len);
        digest_with(impls[_i], work + off, len, got);
        ck_assert_msg(!strcmp(got, ref[k]),
                      "%s: %zu random bytes at offset "
                      "%zu: got %s, sha256sum %s",
                      impl_names[_i], len, off, got, ref[k]);
    }
    free(work);
    free(rnd_buf);
    free(ref);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("sha256");
    int n = sha256_shani_usable() ? 2 : 1;

    if (n == 1)
        printf("test-sha256: SHA-NI cases NOT RUN: this CPU has no SHA "
               "extensions (CPUID leaf 7 EBX bit 29, SSSE3, SSE4.1); only the "
               "portable code was tested\n");
    else
        printf("test-sha256: testing the portable and the SHA-NI code\n");
    fflush(stdout);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_nist_examples, 0, n);
    tcase_add_loop_test(tc, test_million_a, 0, n);
    tcase_add_loop_test(tc, test_every_split, 0, n);
    tcase_add_loop_test(tc, test_update_zeros, 0, n);
    tcase_add_loop_test(tc, test_against_sha256sum, 0, n);
    tcase_add_test(tc, test_oneshot);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(suite());
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the host fuzzers (tests/fuzz/fuzz-*.c): reading the input as
 * a stream of little-endian fields (zeros once it runs out, so every
 * input decodes), and an oracle failure that aborts, which libFuzzer
 * reports as a crash and saves the input of.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct fz {
    const uint8_t *data;
    size_t size, pos;
};

/* The next `bytes` (<= 8) bytes, little endian. */
uint64_t fz_take(struct fz *f, unsigned int bytes);
/* Whatever is left of the input; the stream is then empty. */
const uint8_t *fz_rest(struct fz *f, size_t *n);
static inline size_t fz_left(const struct fz *f)
{
    return f->size - f->pos;
}

/* FUZZ_VERBOSE=1 in the environment: say what each input did (replay). */
int fz_verbose(void);

__attribute__((noreturn, format(printf, 3, 4))) void
fz_fail(const char *file, int line, const char *fmt, ...);
#define FZ_CHECK(cond, ...)                                                    \
    do {                                                                       \
        if (!(cond))                                                           \
            fz_fail(__FILE__, __LINE__, __VA_ARGS__);                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

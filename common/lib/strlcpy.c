/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Apart from string.c so that the host unit tests and fuzzers link this
 * one too: glibc before 2.38 has no strlcpy, and string.c's memcpy and
 * the rest would replace the C library's there.
 */
#include <hv/lib.h>

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

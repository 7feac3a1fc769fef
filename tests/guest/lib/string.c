/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * String and memory functions.  GCC may emit calls to memcpy/memset/
 * memcmp even in freestanding code; the copies use rep movsb/stosb so
 * that the compiler cannot turn their loops back into calls to
 * themselves.
 */
#include "lib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    /* clang-format off */
    __asm__ volatile("rep movsb"
                     : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    /* clang-format on */
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    /* clang-format off */
    __asm__ volatile("rep stosb"
                     : "+D"(d), "+c"(n) : "a"(c) : "memory");
    /* clang-format on */
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    return 0;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

size_t strlen(const char *s)
{
    return strnlen(s, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = a[i], y = b[i];

        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            break;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, SIZE_MAX);
}

bool parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    unsigned int base = 10;
    size_t i = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == len)
        return false;
    for (; i < len; i++) {
        char c = s[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        if (d >= base || v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

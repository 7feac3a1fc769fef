/* SPDX-License-Identifier: GPL-2.0-only */
/* The few string routines a freestanding hypervisor needs (GCC also emits
 * calls to memcpy/memset/memmove/memcmp on its own). */
#include <hv/lib.h>

/*
 * memcpy and memset move 8 bytes per step and the tail byte by byte, as
 * Xen's x86 string.c does: `rep movsb` alone is as fast only on CPUs with
 * fast string moves (ERMS), and under QEMU's TCG it runs a byte per step,
 * several times slower (docs/benchmarks.md, figure 3).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    size_t words = n / 8, tail = n % 8;

    /* clang-format off */
    asm volatile("rep movsq; mov %3, %%rcx; rep movsb"
                 : "+D"(dst), "+S"(src), "+c"(words) : "r"(tail) : "memory");
    /* clang-format on */
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;

    size_t words = n / 8, tail = n % 8;
    uint64_t pattern = (uint8_t)c * 0x0101010101010101UL;

    /* clang-format off */
    asm volatile("rep stosq; mov %3, %%rcx; rep stosb"
                 : "+D"(dst), "+c"(words) : "a"(pattern), "r"(tail)
                 : "memory");
    /* clang-format on */
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

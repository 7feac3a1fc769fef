/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding basics of the test guest: strings, formatter, console. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn     __attribute__((noreturn))
#define __aligned(n)   __attribute__((aligned(n)))
#define __used         __attribute__((used))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_SHIFT    12
#define PAGE_SIZE     (1UL << PAGE_SHIFT)

/* A pointer as a hypercall argument. */
#define PTR(p) ((uint64_t)(uintptr_t)(p))

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/*
 * The formatter: %d %i %u %x %X %s %p %c %%, flags '-' '0' '#', a width
 * (digits or '*'), a precision for %s (digits or '*'), length h, l, ll, z.
 * Returns the length the output would have had (as C's vsnprintf).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Formats one message (at most 511 bytes) and writes it with console_io. */
void printf(const char *fmt, ...) __printf(1, 2);
void vprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t len);

/* "EFAULT" for 14 or -14, NULL for a value that is no errno of errno.h. */
/* common/errno-name.c */
const char *errno_name(long err);
/* %pS: the address in hex (common/vsnprintf.c calls it). */
int format_symbol(char *buf, size_t size, uint64_t addr);

/* Parses "0x..." hex or decimal; returns false on junk or an empty string. */
bool parse_u64(const char *s, size_t len, uint64_t *out);

#endif

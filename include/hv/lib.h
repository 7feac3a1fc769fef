/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding string and formatting helpers (common/lib/, common/vsnprintf.c). */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <hv/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * The formatter understands %d %i %u %x %X %o %c %s %p %%, the flags
 * '-', '0', ' ', '+' and '#', a width and a precision (either may be '*'),
 * and the length modifiers hh h l ll z t j.  %pS prints a hypervisor
 * address as symbol+offset/size.  It always NUL-terminates (when size > 0)
 * and returns the length the full output would have had.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Parse an unsigned number in C syntax (0x.., 0.., decimal).  *end points
 * past the last digit used.  Returns false, leaving *end == s, when there
 * is no digit or the value overflows 64 bits.
 */
bool parse_ulong(const char *s, const char **end, uint64_t *val);

/*
 * Parse a size with an optional K/M/G/T suffix (binary multiples, as Xen's
 * parse_size_and_unit); without a suffix the number is in bytes.
 */
bool parse_size(const char *s, const char **end, uint64_t *val);

/* Hook used by %pS; the hypervisor provides it (common/symbols.c). */
int format_symbol(char *buf, size_t size, uint64_t addr);

#endif /* HV_LIB_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen-style command line: space-separated "name=value" or "name" words.
 *
 * Each option is registered next to the code that uses it, with one of the
 * macros below, into the .params section.  parse_cmdline() walks the line
 * once at boot; an unknown option or a bad value is reported on the
 * console and ignored, never fatal.
 */
#ifndef HV_PARAM_H
#define HV_PARAM_H

#include <hv/types.h>

enum param_type {
    PARAM_BOOL,     /* "name", "name=1/0/yes/no/on/off/true/false", "no-name" */
    PARAM_UINT,     /* unsigned 64-bit number */
    PARAM_SIZE,     /* number with optional K/M/G/T suffix */
    PARAM_STRING,   /* copied into a buffer of the given size */
    PARAM_CUSTOM,   /* parsed by a function; returns 0 or -errno */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t size;                        /* PARAM_STRING buffer size */
    int (*parse)(const char *value);    /* PARAM_CUSTOM */
};

#define __param_entry(n, t, v, s, p)                                         \
    static const struct param __param_##v __used __section(".params")        \
        __aligned(8) = { .name = n, .type = t, .var = &v, .size = s,         \
                         .parse = p }

#define boolean_param(n, v) __param_entry(n, PARAM_BOOL, v, sizeof(v), NULL)
#define integer_param(n, v) __param_entry(n, PARAM_UINT, v, sizeof(v), NULL)
#define size_param(n, v)    __param_entry(n, PARAM_SIZE, v, sizeof(v), NULL)
#define string_param(n, v)  __param_entry(n, PARAM_STRING, v, sizeof(v), NULL)
#define custom_param(n, fn)                                                  \
    static const struct param __param_##fn __used __section(".params")       \
        __aligned(8) = { .name = n, .type = PARAM_CUSTOM, .parse = fn }

/*
 * Parse a command line against a table of options.  Reports through the
 * callback (one line each) every unknown option and every bad value.
 * Returns the number of problems found.
 */
typedef void (*param_report_fn)(const char *fmt, ...) __printf(1, 2);
int parse_params(const char *cmdline, const struct param *start,
                 const struct param *end, param_report_fn report);

/* The hypervisor's own command line against its .params section. */
void parse_cmdline(const char *cmdline);

#endif /* HV_PARAM_H */

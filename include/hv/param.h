/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen-style command line: space-separated "name=value" or "name" words.
 *
 * Each option is registered next to the code that uses it, with one of the
 * macros below, into the .params section.  parse_cmdline() walks the line
 * once at boot; an unknown option or a bad value is reported on the
 * console and ignored, never fatal.
 *
 * Test hooks (the test_*_param macros) are options that exist only for
 * the tests: they inject faults or stretch timings.  They take effect only
 * when the table's gate option (PARAM_TEST_GATE: the hypervisor's
 * "debug-inject") is on; otherwise each one is reported and ignored.
 * The gate is applied before any other word, so its place on the line
 * does not matter.
 */
#ifndef HV_PARAM_H
#define HV_PARAM_H

#include <hv/types.h>

enum param_type {
    PARAM_BOOL,   /* "name", "name=1/0/yes/no/on/off/true/false", "no-name" */
    PARAM_UINT,   /* unsigned 64-bit number */
    PARAM_SIZE,   /* number with optional K/M/G/T suffix */
    PARAM_STRING, /* copied into a buffer of the given size */
    PARAM_CUSTOM, /* parsed by a function; returns 0 or -errno */
};

/* struct param .flags */
#define PARAM_TEST_HOOK (1u << 0) /* applied only when the gate is on */
#define PARAM_TEST_GATE (1u << 1) /* the gate itself (one PARAM_BOOL) */

struct param {
    const char *name;
    enum param_type type;
    unsigned int flags; /* PARAM_TEST_* */
    void *var;
    size_t size;                     /* PARAM_STRING buffer size */
    int (*parse)(const char *value); /* PARAM_CUSTOM */
};

/*
 * The hypervisor's linker script collects ".params"; a host build names a
 * section the host linker brackets itself (__start_/__stop_hv_params).
 */
#ifndef PARAM_SECTION
#define PARAM_SECTION ".params"
#endif

#define __param_entry(n, t, v, s, p, f)                                        \
    static const struct param __param_##v __used __section(PARAM_SECTION)      \
        __aligned(8) = {                                                       \
            .name = n, .type = t, .flags = f, .var = &v, .size = s, .parse = p \
        }

#define boolean_param(n, v) __param_entry(n, PARAM_BOOL, v, sizeof(v), NULL, 0)
#define integer_param(n, v) __param_entry(n, PARAM_UINT, v, sizeof(v), NULL, 0)
#define size_param(n, v)    __param_entry(n, PARAM_SIZE, v, sizeof(v), NULL, 0)
#define string_param(n, v)  __param_entry(n, PARAM_STRING, v, sizeof(v), NULL, 0)
#define custom_param(n, fn)                                                    \
    static const struct param __param_##fn __used __section(PARAM_SECTION)     \
        __aligned(8) = { .name = n, .type = PARAM_CUSTOM, .parse = fn }

/* Options that exist only for the tests (see above). */
#define test_boolean_param(n, v)                                               \
    __param_entry(n, PARAM_BOOL, v, sizeof(v), NULL, PARAM_TEST_HOOK)
#define test_integer_param(n, v)                                               \
    __param_entry(n, PARAM_UINT, v, sizeof(v), NULL, PARAM_TEST_HOOK)
#define test_string_param(n, v)                                                \
    __param_entry(n, PARAM_STRING, v, sizeof(v), NULL, PARAM_TEST_HOOK)
/* The one option that lets the test hooks in. */
#define test_gate_param(n, v)                                                  \
    __param_entry(n, PARAM_BOOL, v, sizeof(v), NULL, PARAM_TEST_GATE)

/*
 * Parse a command line against a table of options.  Reports through the
 * callback (one line each) every unknown option, every bad value and every
 * test hook given while the gate is off.  Returns the number of problems
 * found.
 */
typedef void (*param_report_fn)(const char *fmt, ...) __printf(1, 2);
int parse_params(const char *cmdline, const struct param *start,
                 const struct param *end, param_report_fn report);

/* The hypervisor's own command line against its .params section. */
void parse_cmdline(const char *cmdline);

#endif /* HV_PARAM_H */

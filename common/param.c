/* SPDX-License-Identifier: GPL-2.0-only */
/* The command line parser (see include/hv/param.h).  Portable. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/param.h>

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

static void store_uint(const struct param *p, uint64_t v)
{
    switch (p->size) {
    /* clang-format off */
    case 1: *(uint8_t *)p->var = (uint8_t)v; break;
    case 2: *(uint16_t *)p->var = (uint16_t)v; break;
    case 4: *(uint32_t *)p->var = (uint32_t)v; break;
    default: *(uint64_t *)p->var = v; break;
        /* clang-format on */
    }
}

/* Apply one option; returns 0 or -EINVAL (bad value). */
static int apply(const struct param *p, const char *val, bool negated)
{
    const char *end;
    uint64_t v;
    bool b;

    switch (p->type) {
    case PARAM_BOOL:
        if (!val)
            b = !negated;
        else if (negated || !parse_bool(val, &b))
            return -EINVAL;
        *(bool *)p->var = b;
        return 0;
    case PARAM_UINT:
        if (!val || !parse_ulong(val, &end, &v) || *end)
            return -EINVAL;
        if (p->size < 8 && v >> (p->size * 8))
            return -EINVAL;
        store_uint(p, v);
        return 0;
    case PARAM_SIZE:
        if (!val || !parse_size(val, &end, &v) || *end)
            return -EINVAL;
        if (p->size < 8 && v >> (p->size * 8))
            return -EINVAL;
        store_uint(p, v);
        return 0;
    case PARAM_STRING:
        if (!val || strlen(val) >= p->size)
            return -EINVAL;
        strlcpy(p->var, val, p->size);
        return 0;
    case PARAM_CUSTOM:
        return p->parse(val ? val : "");
    }
    return -EINVAL;
}

/* The entry for word ("no-NAME" finds a boolean NAME, negated), or NULL. */
static const struct param *find_param(const struct param *start,
                                      const struct param *end, const char *word,
                                      bool *negated)
{
    for (const struct param *p = start; p < end; p++) {
        if (!strcmp(p->name, word)) {
            *negated = false;
            return p;
        }
        if (p->type == PARAM_BOOL && !strncmp(word, "no-", 3) &&
            !strcmp(p->name, word + 3)) {
            *negated = true;
            return p;
        }
    }
    return NULL;
}

/* Words end at any ASCII white space: a tab or a line break inside one
   would otherwise reach the console in a report, breaking its one line. */
static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * The gate (PARAM_TEST_GATE) is parsed in a pass of its own before every
 * other word, so that "inject=panic debug-inject" means what
 * "debug-inject inject=panic" means.  Each pass reports only its own
 * problems: the gate pass its bad values, the main pass everything else.
 */
enum pass { PASS_GATE, PASS_MAIN };

static int parse_pass(const char *cmdline, const struct param *start,
                      const struct param *end, param_report_fn report,
                      enum pass pass, const struct param *gate)
{
    bool hooks_allowed = gate && *(bool *)gate->var;
    char word[256];
    int problems = 0;

    while (*cmdline) {
        const struct param *p;
        const char *val = NULL;
        bool negated;
        size_t len = 0;
        char *eq;

        while (is_space(*cmdline))
            cmdline++;
        if (!*cmdline)
            break;
        while (cmdline[len] && !is_space(cmdline[len]))
            len++;
        if (len >= sizeof(word)) {
            if (pass == PASS_MAIN) {
                report("cmdline: option too long, ignored: '%.32s...'\n",
                       cmdline);
                problems++;
            }
            cmdline += len;
            continue;
        }
        memcpy(word, cmdline, len);
        word[len] = '\0';
        cmdline += len;

        eq = strchr(word, '=');
        if (eq) {
            *eq = '\0';
            val = eq + 1;
        }
        p = find_param(start, end, word, &negated);
        if (!p) {
            if (pass == PASS_MAIN) {
                report("cmdline: unknown option '%s', ignored\n", word);
                problems++;
            }
            continue;
        }
        if ((pass == PASS_GATE) != !!(p->flags & PARAM_TEST_GATE))
            continue;
        if ((p->flags & PARAM_TEST_HOOK) && !hooks_allowed) {
            report("cmdline: '%s' is a test hook: needs %s, ignored\n", p->name,
                   gate ? gate->name : "a gate option");
            problems++;
            continue;
        }
        if (apply(p, val, negated)) {
            report("cmdline: bad value for '%s': '%s', ignored\n", p->name,
                   val ? val : "");
            problems++;
        }
    }
    return problems;
}

int parse_params(const char *cmdline, const struct param *start,
                 const struct param *end, param_report_fn report)
{
    const struct param *gate = NULL;
    int problems;

    for (const struct param *p = start; p < end && !gate; p++)
        if (p->flags & PARAM_TEST_GATE)
            gate = p;
    problems = parse_pass(cmdline, start, end, report, PASS_GATE, gate);
    return problems + parse_pass(cmdline, start, end, report, PASS_MAIN, gate);
}

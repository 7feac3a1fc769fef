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
    case 1: *(uint8_t *)p->var = (uint8_t)v; break;
    case 2: *(uint16_t *)p->var = (uint16_t)v; break;
    case 4: *(uint32_t *)p->var = (uint32_t)v; break;
    default: *(uint64_t *)p->var = v; break;
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

int parse_params(const char *cmdline, const struct param *start,
                 const struct param *end, param_report_fn report)
{
    char word[256];
    int problems = 0;

    while (*cmdline) {
        const char *val = NULL;
        bool negated = false, found = false;
        size_t len = 0;
        char *eq;

        while (*cmdline == ' ')
            cmdline++;
        if (!*cmdline)
            break;
        while (cmdline[len] && cmdline[len] != ' ')
            len++;
        if (len >= sizeof(word)) {
            report("cmdline: option too long, ignored: '%.32s...'\n", cmdline);
            problems++;
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
        for (const struct param *p = start; p < end; p++) {
            const char *name = word;

            if (strcmp(p->name, name) && p->type == PARAM_BOOL &&
                !strncmp(name, "no-", 3) && !strcmp(p->name, name + 3)) {
                negated = true;
                name += 3;
            }
            if (strcmp(p->name, name))
                continue;
            found = true;
            if (apply(p, val, negated)) {
                report("cmdline: bad value for '%s': '%s', ignored\n",
                       p->name, val ? val : "");
                problems++;
            }
            break;
        }
        if (!found) {
            report("cmdline: unknown option '%s', ignored\n", word);
            problems++;
        }
    }
    return problems;
}

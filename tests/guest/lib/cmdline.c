/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's command line: start_info->cmd_line (include/cmdline.h). */
#include "guest.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void cmdline_for_each(const char *name,
                      void (*fn)(const char *val, size_t len, void *arg),
                      void *arg)
{
    const char *p = si->cmd_line;
    const char *end = p + strnlen(p, sizeof(si->cmd_line));
    size_t nlen = strlen(name);

    while (p < end) {
        const char *w, *v;

        while (p < end && is_space(*p))
            p++;
        w = p;
        while (p < end && !is_space(*p))
            p++;
        if ((size_t)(p - w) <= nlen || strncmp(w, name, nlen) || w[nlen] != '=')
            continue;
        for (v = w + nlen + 1; v < p;) {
            const char *item = v;

            while (v < p && *v != ',')
                v++;
            fn(item, v - item, arg);
            if (v < p)
                v++;
        }
    }
}

struct find {
    const char *val;
    size_t len;
};

static void find_last(const char *val, size_t len, void *arg)
{
    struct find *f = arg;

    f->val = val;
    f->len = len;
}

const char *cmdline_find(const char *name, size_t *len)
{
    struct find f = { NULL, 0 };

    cmdline_for_each(name, find_last, &f);
    *len = f.len;
    return f.val;
}

bool cmdline_u64(const char *name, uint64_t *out)
{
    size_t len;
    const char *v = cmdline_find(name, &len);

    return v && parse_u64(v, len, out);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small freestanding printf formatter (see include/hv/lib.h for what it
 * understands).  Portable: host unit tests compare it with the C library.
 */
#include <hv/lib.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters the full output would have */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    bool left, zero, plus, space, alt;
    int width;
    int prec; /* -1: none */
};

static void pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    int len;

    if (!s)
        s = "(null)";
    len = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
    if (!sp->left)
        pad(o, sp->width - len, ' ');
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, sp->width - len, ' ');
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned int base,
                    bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, zeros, total;
    const char *prefix = "";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->prec == 0 && n == 1 && tmp[0] == '0')
        n = 0; /* "%.0d" of zero prints nothing */

    if (neg)
        prefix = "-";
    else if (sp->plus)
        prefix = "+";
    else if (sp->space)
        prefix = " ";
    if (sp->alt && base == 16 && !(n == 1 && tmp[0] == '0') && n)
        prefix = upper ? "0X" : "0x";
    if (sp->alt && base == 8 && sp->prec <= n && (n == 0 || tmp[n - 1] != '0'))
        prefix = "0";

    zeros = sp->prec > n ? sp->prec - n : 0;
    total = (int)strlen(prefix) + zeros + n;
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
        zeros += sp->width - total;
        total = sp->width;
    }
    if (!sp->left)
        pad(o, sp->width - total, ' ');
    while (*prefix)
        put(o, *prefix++);
    pad(o, zeros, '0');
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, sp->width - total, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size, .len = 0 };

    for (; *fmt; fmt++) {
        struct spec sp = { .prec = -1 };
        int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
        bool is_size = false;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        for (;;) {
            fmt++;
            if (*fmt == '-')
                sp.left = true;
            else if (*fmt == '0')
                sp.zero = true;
            else if (*fmt == '+')
                sp.plus = true;
            else if (*fmt == ' ')
                sp.space = true;
            else if (*fmt == '#')
                sp.alt = true;
            else
                break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int);
                if (sp.prec < 0)
                    sp.prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    sp.prec = sp.prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l')
                lng = lng == 1 ? 2 : 1;
            else if (*fmt == 'h')
                lng = lng == -1 ? -2 : -1;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
                is_size = true;
            else
                break;
        }
        if (is_size)
            lng = 2;

        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v;

            if (lng >= 1)
                v = lng == 2 ? va_arg(ap, long long) : va_arg(ap, long);
            else
                v = va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            else if (lng == -2)
                v = (signed char)v;
            put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false,
                    &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;

            if (lng >= 1)
                v = lng == 2 ? va_arg(ap, unsigned long long)
                             : va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            if (lng == -1)
                v = (unsigned short)v;
            else if (lng == -2)
                v = (unsigned char)v;
            put_num(&o, v, false,
                    *fmt == 'o'   ? 8
                    : *fmt == 'u' ? 10
                                  : 16,
                    *fmt == 'X', &sp);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);

            if (!sp.left)
                pad(&o, sp.width - 1, ' ');
            put(&o, c);
            if (sp.left)
                pad(&o, sp.width - 1, ' ');
            break;
        }
        case 's':
            put_str(&o, va_arg(ap, const char *), &sp);
            break;
        case 'p': {
            uint64_t v = (uint64_t)va_arg(ap, void *);

            if (fmt[1] == 'S') {
                char sym[128];

                fmt++;
                format_symbol(sym, sizeof(sym), v);
                put_str(&o, sym, &sp);
            } else {
                sp.alt = true;
                put_num(&o, v, false, 16, false, &sp);
            }
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: stop */
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

bool parse_ulong(const char *s, const char **end, uint64_t *val)
{
    unsigned int base = 10;
    uint64_t v = 0;
    const char *p = s;
    bool any = false;

    *end = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && p[1] >= '0' && p[1] <= '7') {
        base = 8;
        p++;
    }
    for (;; p++) {
        unsigned int d;

        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
        any = true;
    }
    if (!any) {
        /* "0x" with no hex digit: the "0" alone is the number. */
        if (base == 16) {
            *val = 0;
            *end = s + 1;
            return true;
        }
        return false;
    }
    *val = v;
    *end = p;
    return true;
}

bool parse_size(const char *s, const char **end, uint64_t *val)
{
    uint64_t v;
    unsigned int shift = 0;

    if (!parse_ulong(s, end, &v))
        return false;
    switch (**end) {
    /* clang-format off */
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    case 'B': case 'b': shift = 0; (*end)++; break;
        /* clang-format on */
    }
    if (shift) {
        if (v > (UINT64_MAX >> shift)) {
            *end = s;
            return false;
        }
        v <<= shift;
        (*end)++;
    }
    *val = v;
    return true;
}

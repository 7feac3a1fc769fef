/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's formatter and console output (console_io CONSOLEIO_write). */
#include "lib.h"
#include "hypercall.h"

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, int width, int prec,
                    bool left)
{
    size_t n;

    if (!s)
        s = "(null)";
    n = strnlen(s, prec < 0 ? SIZE_MAX : (size_t)prec);
    if (!left)
        pad(o, ' ', width - (int)n);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        pad(o, ' ', width - (int)n);
}

static void put_num(struct out *o, unsigned long long v, bool neg,
                    unsigned int base, bool upper, int width, bool left,
                    bool zero, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, plen = prefix ? (int)strlen(prefix) : 0;
    int len;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + plen + (neg ? 1 : 0);

    if (!left && !zero)
        pad(o, ' ', width - len);
    if (neg)
        put(o, '-');
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (!left && zero)
        pad(o, '0', width - len);
    while (n)
        put(o, tmp[--n]);
    if (left)
        pad(o, ' ', width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        int width = 0, prec = -1, lng = 0;
        unsigned long long u;
        long long s;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alt = true;
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l' || *fmt == 'z')
                lng++;
            else if (*fmt != 'h')
                break;
        }

        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, long) : va_arg(ap, int);
            u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
            put_num(&o, u, s < 0, 10, false, width, left, zero, NULL);
            break;
        case 'u':
            u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_num(&o, u, false, 10, false, width, left, zero, NULL);
            break;
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_num(&o, u, false, 16, *fmt == 'X', width, left, zero,
                    alt ? "0x" : NULL);
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            put_num(&o, u, false, 16, false, 16 + 2, false, true, "0x");
            break;
        case 's':
            put_str(&o, va_arg(ap, const char *), width, prec, left);
            break;
        case 'c':
            if (!left)
                pad(&o, ' ', width - 1);
            put(&o, (char)va_arg(ap, int));
            if (left)
                pad(&o, ' ', width - 1);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;          /* a lone '%' at the end */
            break;
        default:            /* unknown: print it as it stands */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
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

void console_write(const char *s, size_t len)
{
    while (len) {
        size_t n = len > CONSOLEIO_MAX ? CONSOLEIO_MAX : len;

        if (hc_console_io(CONSOLEIO_write, n, PTR(s)) < 0)
            return;
        s += n;
        len -= n;
    }
}

void vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n >= (int)sizeof(buf)) {
        n = sizeof(buf) - 1;
        buf[n - 1] = '\n';      /* truncated: still end the line */
    }
    console_write(buf, n);
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

const char *errno_name(long err)
{
    static const struct { int nr; const char *name; } names[] = {
        { HV_EPERM, "EPERM" }, { HV_ENOENT, "ENOENT" },
        { HV_ESRCH, "ESRCH" }, { HV_E2BIG, "E2BIG" },
        { HV_ENOEXEC, "ENOEXEC" }, { HV_ENOMEM, "ENOMEM" },
        { HV_EACCES, "EACCES" }, { HV_EFAULT, "EFAULT" },
        { HV_EBUSY, "EBUSY" }, { HV_EEXIST, "EEXIST" },
        { HV_EXDEV, "EXDEV" }, { HV_EINVAL, "EINVAL" },
        { HV_ENOSPC, "ENOSPC" }, { HV_ERANGE, "ERANGE" },
        { HV_ENOSYS, "ENOSYS" }, { HV_ENODATA, "ENODATA" },
        { HV_EOVERFLOW, "EOVERFLOW" }, { HV_EBADMSG, "EBADMSG" },
        { HV_EOPNOTSUPP, "EOPNOTSUPP" }, { HV_EADDRINUSE, "EADDRINUSE" },
        { HV_EADDRNOTAVAIL, "EADDRNOTAVAIL" },
        { HV_ENOTRECOVERABLE, "ENOTRECOVERABLE" },
    };

    if (err < 0)
        err = -err;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (names[i].nr == err)
            return names[i].name;
    return NULL;
}

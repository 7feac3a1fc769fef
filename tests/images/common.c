/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The library of the kexec test images: COM1 output, a small formatter,
 * PASS/FAIL lines and the verdict, CRC-32, and the checks that check64 and
 * check32 share.  Built once per image (see common.h for the rules that
 * keep check64 free of relocations).  No 64-bit division anywhere: check32
 * links without libgcc.
 */
#include "common.h"

/* ---- 16550 UARTs, COM1 --------------------------------------------------- */

void uart_setup(uint16_t port)
{
    outb(port + UART_IER, 0x00); /* polled */
    outb(port + UART_LCR, 0x80); /* DLAB */
    outb(port + 0, 1);           /* divisor 1: 115200 */
    outb(port + 1, 0);
    outb(port + UART_LCR, 0x03); /* 8N1 */
    outb(port + UART_FCR, 0xc7); /* FIFOs on, cleared */
    outb(port + UART_MCR, 0x03); /* DTR, RTS */
}

void uart_putc(uint16_t port, uint8_t c)
{
    for (unsigned int i = 0; i < 100000; i++)
        if (inb(port + UART_LSR) & UART_LSR_THRE)
            break;
    outb(port + UART_THR, c);
}

void uart_drain(uint16_t port)
{
    for (unsigned int i = 0; i < 1000000; i++)
        if (inb(port + UART_LSR) & UART_LSR_TEMT)
            break;
}

void serial_init(void)
{
    /* Let whatever the hypervisor left in the FIFO go out first (so that
     * the FIFOs are empty already when uart_setup() clears them). */
    uart_drain(IMAGE_COM1_PORT);
    uart_setup(IMAGE_COM1_PORT);
}

static void serial_putc(char c)
{
    uart_putc(IMAGE_COM1_PORT, (uint8_t)c);
}

static void serial_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
    }
}

/* ---- memory and strings ---------------------------------------------------- */

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;

    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* ---- formatter ------------------------------------------------------------- */

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* v / base by shifts and subtractions: no __udivdi3 on i386. */
static uint64_t divmod(uint64_t v, unsigned int base, unsigned int *rem)
{
    uint64_t q = 0;
    uint32_t r = 0;

    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | (uint32_t)((v >> i) & 1);
        if (r >= base) {
            r -= base;
            q |= (uint64_t)1 << i;
        }
    }
    *rem = r;
    return q;
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned int base,
                    bool upper, int width, bool left, bool zero, bool alt)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len;
    unsigned int r;

    do {
        v = divmod(v, base, &r);
        tmp[n++] = digits[r];
    } while (v);
    len = n + (neg ? 1 : 0) + (alt ? 2 : 0);

    if (!left && !zero)
        for (int i = len; i < width; i++)
            put(o, ' ');
    if (neg)
        put(o, '-');
    if (alt) {
        put(o, '0');
        put(o, upper ? 'X' : 'x');
    }
    if (!left && zero)
        for (int i = len; i < width; i++)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        for (int i = len; i < width; i++)
            put(o, ' ');
}

/* %[-0#][width|*][hh|h|l|ll|z](d|i|u|x|X|c|s|%) */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        int width = 0, lng = 0;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        for (;; fmt++) {
            if (fmt[1] == '-')
                left = true;
            else if (fmt[1] == '0')
                zero = true;
            else if (fmt[1] == '#')
                alt = true;
            else
                break;
        }
        if (fmt[1] == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (fmt[1] >= '0' && fmt[1] <= '9')
            width = width * 10 + (*++fmt - '0');
        while (fmt[1] == 'l' || fmt[1] == 'h' || fmt[1] == 'z') {
            fmt++;
            if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z')
                lng = sizeof(size_t) == 8 ? 2 : 0;
        }
        fmt++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng >= 2   ? va_arg(ap, long long)
                        : lng == 1 ? va_arg(ap, long)
                                   : va_arg(ap, int);
            put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false,
                    width, left, zero, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng >= 2   ? va_arg(ap, unsigned long long)
                         : lng == 1 ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned int);
            put_num(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width,
                    left, zero, alt && *fmt != 'u');
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n = (int)strlen(s);

            if (!left)
                for (int i = n; i < width; i++)
                    put(&o, ' ');
            while (*s)
                put(&o, *s++);
            if (left)
                for (int i = n; i < width; i++)
                    put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default: /* unknown: print it as it came */
            put(&o, '%');
            if (*fmt)
                put(&o, *fmt);
            else
                fmt--;
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

void print(const char *fmt, ...)
{
    char buf[320];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    serial_puts(buf);
}

/* ---- report ---------------------------------------------------------------- */

static unsigned int failures;

static void vreport(const char *tag, const char *fmt, va_list ap)
{
    char msg[256];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    print("%s%s" IMAGE_NAME ": %s\n", tag, *tag ? ": " : "", msg);
}

void info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void pass(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("PASS", fmt, ap);
    va_end(ap);
}

void fail(const char *fmt, ...)
{
    va_list ap;

    failures++;
    va_start(ap, fmt);
    vreport("FAIL", fmt, ap);
    va_end(ap);
}

bool check_eq(uint64_t got, uint64_t want, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (got == want) {
        pass("%s", what);
        return true;
    }
    fail("%s (got %#llx, want %#llx)", what, (unsigned long long)got,
         (unsigned long long)want);
    return false;
}

unsigned int nr_failed(void)
{
    return failures;
}

__noreturn void debug_exit(uint8_t code)
{
    outb(IMAGE_DEBUG_EXIT_PORT, code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

__noreturn void finish(void)
{
    if (!failures) {
        info("verdict PASS");
        debug_exit(IMAGE_EXIT_PASS);
    }
    info("verdict FAIL (%u failed)", failures);
    debug_exit(IMAGE_EXIT_FAIL);
}

/* ---- exceptions ---------------------------------------------------------- */

#ifdef __x86_64__
struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, attr;
    uint16_t off1;
    uint32_t off2, zero;
};
#else
struct idt_gate {
    uint16_t off0, sel;
    uint8_t zero, attr;
    uint16_t off1;
};
#endif

/* All 256 vectors: those without a gate (idt_set_gate()) raise #NP, which
 * its stub reports. */
static struct idt_gate idt[256]
    __attribute__((aligned(sizeof(struct idt_gate))));
static unsigned int exc_nested;

void idt_set_gate(unsigned int v, uintptr_t handler)
{
    uint16_t cs;

    /* clang-format off */
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    /* clang-format on */
    idt[v].off0 = (uint16_t)handler;
    idt[v].sel = cs;
    idt[v].attr = 0x8e; /* present, DPL 0, 32- or 64-bit int gate */
    idt[v].off1 = (uint16_t)(handler >> 16);
#ifdef __x86_64__
    idt[v].ist = 0;
    idt[v].off2 = (uint32_t)(handler >> 32);
#endif
    idt[v].zero = 0;
}

void idt_install(void)
{
    struct dtr idtr;

    for (unsigned int v = 0; v < 32; v++)
        idt_set_gate(v, (uintptr_t)exc_stubs + 16 * v);
    idtr.limit = sizeof(idt) - 1;
    idtr.base = (uintptr_t)idt;
    /* clang-format off */
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
    /* clang-format on */
}

bool exc_reporting(void)
{
    return exc_nested != 0;
}

__noreturn void exc_unexpected(const struct exc_frame *f, const char *doing)
{
    if (exc_nested++) /* a fault while reporting one: stop quietly */
        debug_exit(IMAGE_EXIT_FAIL);
#ifdef __x86_64__
    fail("unexpected exception %llu, error %#llx, at rip %#llx (image "
         "offset %#llx), cr2 %#llx%s%s (got an exception, want none)",
         (unsigned long long)f->vector, (unsigned long long)f->error,
         (unsigned long long)f->rip,
         (unsigned long long)(f->rip - image_base()),
         (unsigned long long)read_cr2(), doing ? ", while " : "",
         doing ? doing : "");
#else
    fail("unexpected exception %u, error %#x, at eip %#x, cr2 %#x%s%s (got "
         "an exception, want none)",
         f->vector, f->error, f->eip, read_cr2(), doing ? ", while " : "",
         doing ? doing : "");
#endif
    finish();
}

/* ---- CRC-32 (zlib: reflected, polynomial 0xEDB88320) ----------------------- */

static uint32_t crc_table[256]; /* .bss: built on first use */

static void crc_init(void)
{
    if (crc_table[1])
        return;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;

        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t crc32_update(uint32_t crc, const void *p, size_t n)
{
    const volatile unsigned char *b = p;

    crc_init();
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint32_t crc32_zeros(uint32_t crc, uint64_t n)
{
    crc_init();
    crc = ~crc;
    while (n--)
        crc = crc_table[crc & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- shared checks ---------------------------------------------------------- */

void info_start(const char *more)
{
    info("start: entered at %#lx on the CPU with APIC ID %u, image "
         "%#lx..%#lx%s",
         (unsigned long)(uintptr_t)_start, apic_id(),
         (unsigned long)image_base(), (unsigned long)(uintptr_t)__image_end,
         more);
}

#define FLAGS_IF 0x200u
#ifdef __x86_64__
#define FLAGS_NAME "RFLAGS"
#else
#define FLAGS_NAME "EFLAGS"
#endif

void check_entry_flags(void)
{
    check_eq(entry_state.flags & FLAGS_IF, 0,
             "interrupts disabled (" FLAGS_NAME ".IF clear)");
    check_eq(entry_state.flags, 0x2, FLAGS_NAME " at entry");
}

void check_entry_idtr(void)
{
    check_eq(entry_state.idtr.base, 0, "IDTR base at entry");
    check_eq(entry_state.idtr.limit, 0, "IDTR limit at entry");
}

const struct kexec_params *check_image(void)
{
    const struct kexec_params *p;

    check_bss_at_entry();
    p = check_params();
    if (p) {
        check_segments(p);
        check_zero_range(p);
    }
    return p;
}

/* The parameter block: zero in the built image (SHT_PROGBITS, so that the
 * loader has file bytes to fill), filled by the loader, never written here. */
struct kexec_params kexec_params
    __attribute__((section(KXPARAM_SECTION), aligned(4096), used)) = {
        .version = 0,
    };

bool check_params_filled(void)
{
    const struct kexec_params *p = &kexec_params;

    if (memcmp(p->magic, KXPARAM_MAGIC, KXPARAM_MAGIC_LEN)) {
        fail("parameter block not filled (no magic \"" KXPARAM_MAGIC
             "\" at %#lx)",
             (unsigned long)(uintptr_t)p);
        return false;
    }
    return check_eq(p->version, KXPARAM_VERSION, "parameter block version");
}

const struct kexec_params *check_params(void)
{
    const struct kexec_params *p = &kexec_params;
    const unsigned char *raw = (const unsigned char *)p;
    bool dirty = false;

    if (!check_params_filled())
        return NULL;

    info("image id %llu", (unsigned long long)p->image_id);
    info("loaded as type %s (expect_type %llu)",
         p->expect_type == 0   ? "default"
         : p->expect_type == 1 ? "crash"
                               : "unknown",
         (unsigned long long)p->expect_type);

    if (p->nr_segments > KXPARAM_MAX_SEGS)
        fail("parameter block: nr_segments (got %u, want at most %u)",
             p->nr_segments, KXPARAM_MAX_SEGS);
    if (p->nr_maps > KXPARAM_MAX_MAPS)
        fail("parameter block: nr_maps (got %u, want at most %u)", p->nr_maps,
             KXPARAM_MAX_MAPS);
    if (p->nr_unmapped > KXPARAM_MAX_UNMAPPED)
        fail("parameter block: nr_unmapped (got %u, want at most %u)",
             p->nr_unmapped, KXPARAM_MAX_UNMAPPED);
    if (p->nr_segments > KXPARAM_MAX_SEGS || p->nr_maps > KXPARAM_MAX_MAPS ||
        p->nr_unmapped > KXPARAM_MAX_UNMAPPED)
        return NULL;

    dirty = p->pad0 || p->pad1 || p->pad2 || p->pad3;
    for (unsigned int i = 0; i < KXPARAM_MAX_SEGS; i++)
        dirty |= p->seg[i].pad != 0;
    for (size_t i = offsetof(struct kexec_params, reserved); i < KXPARAM_SIZE;
         i++)
        dirty |= raw[i] != 0;
    if (dirty)
        fail("parameter block: padding and reserved bytes (got non-zero, "
             "want 0)");
    return p;
}

/* CRC of [start, end) with the bytes of [h0, h1) and [h2, h3) as zero. */
static uint32_t crc_with_holes(uintptr_t start, uintptr_t end,
                               const uintptr_t holes[][2], unsigned int nh)
{
    uint32_t crc = 0;
    uintptr_t pos = start;

    while (pos < end) {
        uintptr_t next = end;
        bool in_hole = false;

        for (unsigned int i = 0; i < nh; i++) {
            if (pos >= holes[i][0] && pos < holes[i][1]) {
                in_hole = true;
                next = holes[i][1] < end ? holes[i][1] : end;
                break;
            }
            if (holes[i][0] > pos && holes[i][0] < next)
                next = holes[i][0];
        }
        if (in_hole)
            crc = crc32_zeros(crc, next - pos);
        else
            crc = crc32_update(crc, (const void *)pos, next - pos);
        pos = next;
    }
    return crc;
}

void check_segments(const struct kexec_params *p)
{
    const uintptr_t base = image_base();
    const uintptr_t own[2][2] = {
        { (uintptr_t)__seg0_start, (uintptr_t)__seg0_end },
        { (uintptr_t)__seg1_start, (uintptr_t)__seg1_end },
    };
    /* Bytes the CRC counts as zero: the block (rule of kexec-params.h)
     * and the .bss (zero at entry: check_bss_at_entry()). */
    const uintptr_t holes[2][2] = {
        { (uintptr_t)&kexec_params, (uintptr_t)&kexec_params + KXPARAM_SIZE },
        { (uintptr_t)__bss_start, (uintptr_t)__bss_end },
    };
    bool layout_ok = true;

    check_eq(p->base, base, "loaded at the parameter block's base %#llx",
             (unsigned long long)p->base);

    if (p->nr_segments != 2) {
        fail("segment list: nr_segments (got %u, want 2)", p->nr_segments);
        layout_ok = false;
    }
    for (unsigned int i = 0; i < 2 && i < p->nr_segments; i++) {
        uint64_t off = own[i][0] - base, sz = own[i][1] - own[i][0];

        if (p->seg[i].vaddr_offset != off || p->seg[i].memsz != sz) {
            fail("segment list: segment %u (got offset %#llx size %#llx, "
                 "want offset %#llx size %#llx)",
                 i, (unsigned long long)p->seg[i].vaddr_offset,
                 (unsigned long long)p->seg[i].memsz, (unsigned long long)off,
                 (unsigned long long)sz);
            layout_ok = false;
        }
    }
    if (layout_ok)
        pass("segment list matches the image's 2 PT_LOAD segments");

    for (unsigned int i = 0; i < 2 && i < p->nr_segments; i++) {
        uint32_t crc = crc_with_holes(own[i][0], own[i][1], holes, 2);

        check_eq(crc, p->seg[i].crc32,
                 "segment %u CRC-32 (offset %#lx, %#lx bytes)", i,
                 (unsigned long)(own[i][0] - base),
                 (unsigned long)(own[i][1] - own[i][0]));
    }
}

void check_bss_at_entry(void)
{
    const struct entry_state *es = &entry_state;

    if (!es->bss_dirty) {
        pass(".bss zero at entry (%#lx bytes)",
             (unsigned long)(__bss_end - __bss_start - ES_SIZE));
        return;
    }
    fail(".bss zero at entry (got %lu non-zero bytes, the first at %#lx, "
         "want 0)",
         (unsigned long)es->bss_dirty, (unsigned long)es->bss_first);
}

void check_zero_range(const struct kexec_params *p)
{
    uint64_t start = p->zero_maddr, pages = p->zero_pages;
    uint64_t unreadable = 0, first_bad = 0, readonly = 0, first_ro = 0;
    uint64_t nonzero = 0, first_nz = 0, first_nz_val = 0;

    if (!pages) {
        info("no zero-filled range in the parameter block");
        return;
    }
    if ((start & ~PAGE_MASK) || pages > ((uint64_t)1 << 36) ||
        start + (pages << 12) < start) {
        fail("zero-filled range %#llx, %llu pages (got a bad range, want "
             "page aligned, no wrap)",
             (unsigned long long)start, (unsigned long long)pages);
        return;
    }
    for (uint64_t pg = 0; pg < pages; pg++) {
        uint64_t a = start + (pg << 12), v;

        if (!mem_read64(a, &v)) {
            if (!unreadable++)
                first_bad = a;
            continue;
        }
        for (unsigned int w = 0; w < PAGE_SIZE / 8; w++) {
            v = ((const volatile uint64_t *)(uintptr_t)a)[w];
            if (v && !nonzero++) {
                first_nz = a + w * 8;
                first_nz_val = v;
            }
        }
        if (!mem_rewrite64(a + PAGE_SIZE - 8) && !readonly++)
            first_ro = a;
    }
    if (unreadable)
        fail("zero-filled range %#llx, %llu pages: readable (got %llu "
             "unreadable pages, the first at %#llx, want 0)",
             (unsigned long long)start, (unsigned long long)pages,
             (unsigned long long)unreadable, (unsigned long long)first_bad);
    if (readonly)
        fail("zero-filled range %#llx, %llu pages: writable (got %llu "
             "read-only pages, the first at %#llx, want 0)",
             (unsigned long long)start, (unsigned long long)pages,
             (unsigned long long)readonly, (unsigned long long)first_ro);
    if (nonzero)
        fail("zero-filled range %#llx, %llu pages: all zero (got %llu "
             "non-zero 8-byte words, the first %#llx at %#llx, want 0)",
             (unsigned long long)start, (unsigned long long)pages,
             (unsigned long long)nonzero, (unsigned long long)first_nz_val,
             (unsigned long long)first_nz);
    if (!unreadable && !readonly && !nonzero)
        pass("zero-filled range %#llx, %llu pages: all zero%s",
             (unsigned long long)start, (unsigned long long)pages,
#ifdef __x86_64__
             ", identity mapped read-write"
#else
             ""
#endif
        );
}

/* Descriptor fields (Intel SDM vol. 3, 3.4.5). */
#define D_TYPE_ACCESSED (1ull << 40)
#define D_TYPE_RW       (1ull << 41) /* code: readable; data: writable */
#define D_TYPE_DC       (1ull << 42) /* code: conforming; data: down */
#define D_TYPE_CODE     (1ull << 43)
#define D_S             (1ull << 44)
#define D_DPL           (3ull << 45)
#define D_P             (1ull << 47)
#define D_L             (1ull << 53)
#define D_DB            (1ull << 54)
#define D_G             (1ull << 55)

static uint64_t desc_base(uint64_t d)
{
    return ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
}

static uint64_t desc_limit(uint64_t d)
{
    return (d & 0xffff) | ((d >> 32) & 0xf0000);
}

void check_gdt(uint64_t gdt_base, uint16_t gdt_limit)
{
    static const char names[3][24] = {
        "flat 32-bit code",
        "64-bit code",
        "flat data",
    };
    static const char wants[3][64] = {
        "P S DPL0 code D G base 0 limit 0xfffff, not L",
        "P S DPL0 code L, not D",
        "P S DPL0 data writable D G base 0 limit 0xfffff",
    };
    /* Bits that must be set, and bits that must be clear. */
    const uint64_t flat = D_P | D_S | D_G | D_DB;
    const uint64_t set[3] = {
        flat | D_TYPE_CODE,
        D_P | D_S | D_TYPE_CODE | D_L,
        flat | D_TYPE_RW,
    };
    const uint64_t clear[3] = {
        D_DPL | D_L,
        D_DPL | D_DB,
        D_DPL | D_L | D_TYPE_CODE | D_TYPE_DC,
    };
    const bool is_flat[3] = { true, false, true };

    if (!check_eq(gdt_limit >= 0x1f, 1, "GDT limit %#x covers 0x18", gdt_limit))
        return;
    for (unsigned int i = 0; i < 3; i++) {
        unsigned int sel = 0x08 * (i + 1);
        uint64_t d;

        if (!mem_read64(gdt_base + sel, &d)) {
            fail("GDT %#04x: %s (got an unreadable GDT at %#llx, want the "
                 "control page mapped)",
                 sel, names[i], (unsigned long long)gdt_base);
            return;
        }
        if ((d & set[i]) == set[i] && !(d & clear[i]) &&
            (!is_flat[i] || (!desc_base(d) && desc_limit(d) == 0xfffff)))
            pass("GDT %#04x: %s (%#018llx)", sel, names[i],
                 (unsigned long long)d);
        else
            fail("GDT %#04x: %s (got %#018llx, want %s)", sel, names[i],
                 (unsigned long long)d, wants[i]);
    }
}

void check_gprs(void)
{
#ifdef __x86_64__
    static const char names[16][4] = {
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
    };
#else
    static const char names[8][4] = {
        "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp",
    };
#endif
    unsigned int bad = 0;

    for (unsigned int i = 0; i < ES_NR_GPRS; i++) {
        if (!entry_state.gpr[i])
            continue;
        bad++;
        fail("%%%s zero at entry (got %#llx, want 0)", names[i],
             (unsigned long long)entry_state.gpr[i]);
    }
    if (!bad)
#ifdef __x86_64__
        pass("every GPR zero at entry (rax .. r15, rsp included)");
#else
        pass("every GPR zero at entry (eax .. edi, ebp, esp included)");
#endif
}

void check_selectors(uint16_t want_cs, uint16_t want_data)
{
    static const char names[6][3] = { "cs", "ds", "es", "ss", "fs", "gs" };
    const uint16_t got[6] = {
        entry_state.cs, entry_state.ds, entry_state.es,
        entry_state.ss, entry_state.fs, entry_state.gs,
    };
    unsigned int bad = 0;

    for (unsigned int i = 0; i < 6; i++) {
        uint16_t want = i ? want_data : want_cs;

        if (got[i] == want)
            continue;
        bad++;
        fail("%%%s at entry (got %#x, want %#x)", names[i], got[i], want);
    }
    if (!bad)
        pass("selectors at entry: cs %#x, ds es ss fs gs %#x", want_cs,
             want_data);
}

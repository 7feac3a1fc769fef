/* SPDX-License-Identifier: MIT */
/*
 * purgatory: verify the SHA-256 of every region the loader listed, then
 * enter the next image (purgatory-args.h is the contract, head.S the entry
 * and the jump).  Freestanding, no state outside this image; the only
 * memory it reads besides its own is the regions, the only device the
 * 16550 at serial_port and the isa-debug-exit port.
 */
#pragma GCC visibility push(hidden)

#include <stddef.h>
#include <stdint.h>

#include "purgatory-args.h"
#include "purgatory-asm.h"
#include "sha256-shani.h"
#include "../kexec-loader/sha256.h"

_Static_assert(__builtin_offsetof(struct purgatory_args, entry) == PA_ENTRY,
               "PA_ENTRY");
_Static_assert(__builtin_offsetof(struct purgatory_args, regs.rsi) == PA_RSI,
               "PA_RSI");
_Static_assert(__builtin_offsetof(struct purgatory_args, regs.rbx) == PA_RBX,
               "PA_RBX");
_Static_assert(__builtin_offsetof(struct purgatory_args, regs.rsp) == PA_RSP,
               "PA_RSP");
_Static_assert(__builtin_offsetof(struct purgatory_args, regs.rbp) == PA_RBP,
               "PA_RBP");
_Static_assert(__builtin_offsetof(struct purgatory_args, exit_port) == 26,
               "exit_port (head.S)");

extern const struct purgatory_args purgatory_args; /* head.S */
extern uint8_t purgatory_idt[256 * 16];
extern const uint8_t exc_stubs[];
void purgatory_main(void);
void purgatory_fault(const uint64_t *frame);
__attribute__((noreturn)) void purgatory_exit(uint32_t code);
__attribute__((noreturn)) void purgatory_enter_linux64(void);
__attribute__((noreturn)) void purgatory_enter_multiboot32(void);

/* gcc may emit calls to these for struct copies and loops. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;

    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

/* ---- COM1: a polled 16550 --------------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
    /* clang-format off */
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
    /* clang-format on */
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    /* clang-format off */
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    /* clang-format on */
    return v;
}

#define UART_THR      0
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_LSR_THRE 0x20

static uint16_t com1; /* 0: no output */

static void uart_init(uint16_t port)
{
    com1 = port;
    if (!port)
        return;
    outb(port + UART_IER, 0x00); /* polled */
    outb(port + UART_LCR, 0x80); /* DLAB */
    outb(port + 0, 1);           /* 115200 baud */
    outb(port + 1, 0);
    outb(port + UART_LCR, 0x03); /* 8N1 */
    outb(port + UART_FCR, 0x07); /* FIFOs on, cleared */
    outb(port + UART_MCR, 0x03); /* DTR, RTS */
}

static void putc_raw(char c)
{
    /* bounded: a missing UART (LSR reads 0xff anyway) never hangs us */
    for (unsigned int i = 0; i < 1000000; i++)
        if (inb(com1 + UART_LSR) & UART_LSR_THRE)
            break;
    outb(com1 + UART_THR, (uint8_t)c);
}

static void puts_(const char *s)
{
    if (!com1)
        return;
    for (; *s; s++) {
        if (*s == '\n')
            putc_raw('\r');
        putc_raw(*s);
    }
}

static void put_hex(uint64_t v, int digits)
{
    char b[17];

    for (int i = digits - 1; i >= 0; i--, v >>= 4)
        b[i] = "0123456789abcdef"[v & 15];
    b[digits] = 0;
    puts_(b);
}

static void put_addr(uint64_t v)
{
    puts_("0x");
    put_hex(v, 16);
}

static void put_dec(uint64_t v)
{
    char b[21];
    int i = 20;

    b[i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_(b + i);
}

static void put_digest(const uint8_t d[32])
{
    for (int i = 0; i < 32; i++)
        put_hex(d[i], 2);
}

/* ---- the IDT ---------------------------------------------------------------- */

static void idt_install(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } idtr;

    for (unsigned int v = 0; v < 32; v++) {
        uint64_t h = (uint64_t)(uintptr_t)(exc_stubs + 16 * v);
        uint8_t *g = purgatory_idt + 16 * v;
        uint64_t lo = (h & 0xffff) | ((uint64_t)PURGATORY_CS64 << 16) |
                      ((uint64_t)0x8e << 40) | /* present, intr gate */
                      ((h >> 16 & 0xffff) << 48);
        uint64_t hi = h >> 32;

        memcpy(g, &lo, 8);
        memcpy(g + 8, &hi, 8);
    }
    idtr.limit = 32 * 16 - 1;
    idtr.base = (uint64_t)(uintptr_t)purgatory_idt;
    /* clang-format off */
    __asm__ volatile("lidt %0" : : "m"(idtr));
    /* clang-format on */
}

/* frame: vector, error code, then the CPU's rip, cs, rflags, rsp, ss. */
void purgatory_fault(const uint64_t *frame)
{
    uint64_t cr2;

    /* clang-format off */
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    /* clang-format on */
    puts_("purgatory: exception ");
    put_dec(frame[0]);
    puts_(" error ");
    put_addr(frame[1]);
    puts_(" at rip ");
    put_addr(frame[2]);
    puts_(" cr2 ");
    put_addr(cr2);
    puts_("\n");
    purgatory_exit(PURGATORY_EXIT_FAULT);
}

/* ---- the work --------------------------------------------------------------- */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    /* clang-format on */
    return (uint64_t)hi << 32 | lo;
}

static __attribute__((noreturn)) void bad_args(const char *what)
{
    puts_("purgatory: bad arguments: ");
    puts_(what);
    puts_("\n");
    purgatory_exit(PURGATORY_EXIT_BADARGS);
}

static void check_args(const struct purgatory_args *a)
{
    static const char magic[8] = PURGATORY_ARGS_MAGIC;

    for (int i = 0; i < 8; i++)
        if (a->magic[i] != magic[i])
            bad_args("no magic \"" PURGATORY_ARGS_MAGIC
                     "\" (block not filled)");
    if (a->version != PURGATORY_ARGS_VERSION)
        bad_args("version is not 1");
    if (a->nr_regions > PURGATORY_MAX_REGIONS)
        bad_args("nr_regions above 62");
    if (a->mode != PURGATORY_MODE_LINUX64 &&
        a->mode != PURGATORY_MODE_MULTIBOOT32)
        bad_args("mode is neither PURGATORY_MODE_LINUX64 nor _MULTIBOOT32");
    /* Protected mode without paging reaches only the low 4 GiB: the entry,
       the information structure and purgatory's own code must be there. */
    if (a->mode == PURGATORY_MODE_MULTIBOOT32 &&
        (a->entry >> 32 || a->regs.rbx >> 32 || a->regs.rsi || a->regs.rsp ||
         a->regs.rbp || (uintptr_t)purgatory_enter_multiboot32 >> 32))
        bad_args("MULTIBOOT32: entry, rbx or purgatory above 4 GiB, or rsi, "
                 "rsp or rbp not zero");
    if (a->flags & ~(PURGATORY_F_QUIET | PURGATORY_F_BENCH))
        bad_args("unknown flags");
    if (a->pad0 || a->reserved[0] || a->reserved[1] || a->reserved[2] ||
        a->reserved[3])
        bad_args("padding or reserved fields not zero");
    for (uint32_t i = 0; i < a->nr_regions; i++) {
        const struct purgatory_region *r = &a->regions[i];

        if (!r->size || r->start + r->size < r->start)
            bad_args("a region of size 0 or wrapping around 2^64");
    }
}

static void mismatch(uint32_t i, const struct purgatory_region *r,
                     const uint8_t got[32])
{
    char name[PURGATORY_NAME_LEN + 1];

    memcpy(name, r->name, PURGATORY_NAME_LEN);
    name[PURGATORY_NAME_LEN] = 0;
    puts_("purgatory: region ");
    put_dec(i);
    puts_(" [");
    put_addr(r->start);
    puts_(", +");
    put_addr(r->size);
    puts_(") \"");
    puts_(name);
    puts_("\": SHA-256 mismatch\n");
    puts_("purgatory:   expected ");
    put_digest(r->sha256);
    puts_("\npurgatory:   computed ");
    put_digest(got);
    puts_("\n");
    purgatory_exit(PURGATORY_EXIT_MISMATCH);
}

/* One bench line: what, bytes, cycles. */
static void bench_line(const char *what, uint64_t bytes, uint64_t cycles)
{
    puts_("purgatory: bench: ");
    puts_(what);
    puts_(": ");
    put_dec(bytes);
    puts_(" bytes in ");
    put_dec(cycles);
    puts_(" TSC cycles\n");
}

static uint64_t time_sha(const struct purgatory_args *a, sha256_blocks_fn *fn)
{
    uint64_t t0 = rdtsc();

    for (uint32_t i = 0; i < a->nr_regions; i++) {
        struct sha256_ctx c;
        uint8_t d[32];

        sha256_init(&c, fn);
        sha256_update(&c, (const void *)(uintptr_t)a->regions[i].start,
                      a->regions[i].size);
        sha256_final(&c, d);
    }
    return rdtsc() - t0;
}

/* The reference: rep movsq of each region onto itself (reads and writes
 * every byte, changes none), then the tail bytes. */
static uint64_t time_movsq(const struct purgatory_args *a)
{
    uint64_t t0 = rdtsc();

    for (uint32_t i = 0; i < a->nr_regions; i++) {
        uint64_t p = a->regions[i].start, n = a->regions[i].size / 8;
        uint64_t q = p;

        /* clang-format off */
        __asm__ volatile("rep movsq" : "+S"(p), "+D"(q), "+c"(n) : : "memory");
        /* clang-format on */
    }
    return rdtsc() - t0;
}

static void bench(const struct purgatory_args *a, uint64_t bytes, int shani)
{
    bench_line("portable SHA-256", bytes, time_sha(a, sha256_blocks_portable));
    if (shani)
        bench_line("SHA-NI SHA-256", bytes, time_sha(a, sha256_blocks_shani));
    else
        puts_("purgatory: bench: SHA-NI SHA-256 not run: CPUID offers no SHA "
              "extensions\n");
    bench_line("rep movsq", bytes, time_movsq(a));
}

void purgatory_main(void)
{
    const struct purgatory_args *a = &purgatory_args;
    sha256_blocks_fn *fn = sha256_blocks_portable;
    uint64_t t0, t1, bytes = 0;
    int shani;

    uart_init(a->serial_port);
    idt_install();
    check_args(a);
    shani = sha256_shani_usable();
    if (shani)
        fn = sha256_blocks_shani;

    t0 = rdtsc();
    for (uint32_t i = 0; i < a->nr_regions; i++) {
        const struct purgatory_region *r = &a->regions[i];
        struct sha256_ctx c;
        uint8_t got[32];
        int diff = 0;

        sha256_init(&c, fn);
        sha256_update(&c, (const void *)(uintptr_t)r->start, r->size);
        sha256_final(&c, got);
        for (int k = 0; k < 32; k++)
            diff |= got[k] ^ r->sha256[k];
        if (diff)
            mismatch(i, r, got);
        bytes += r->size;
    }
    t1 = rdtsc();

    if (!(a->flags & PURGATORY_F_QUIET)) {
        puts_("purgatory: ");
        put_dec(a->nr_regions);
        puts_(" regions, ");
        put_dec(bytes);
        puts_(" bytes verified in ");
        put_dec(t1 - t0);
        puts_(" TSC cycles (SHA-256: ");
        puts_(shani ? "SHA extensions" : "portable");
        puts_("); entering ");
        put_addr(a->entry);
        puts_("\n");
    }
    if (a->flags & PURGATORY_F_BENCH)
        bench(a, bytes, shani);
    if (a->mode == PURGATORY_MODE_MULTIBOOT32)
        purgatory_enter_multiboot32();
    purgatory_enter_linux64();
}

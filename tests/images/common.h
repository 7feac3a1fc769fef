/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The library of the kexec test images (common.c), compiled once per
 * image: -DIMAGE_NAME='"check64"' or '"check32"' names the image in every
 * line, so that no pointer to it has to live in data.
 *
 * Rules for check64 (position independent, no relocations; the build fails
 * if `readelf -r` finds any):
 *   - every symbol is hidden (the pragma below), so code reaches it
 *     RIP-relative, never through a GOT;
 *   - no absolute address in data: no pointer variables with initialisers,
 *     no arrays of string pointers (use char name[N][M]), no function
 *     pointer tables; addresses are taken at run time (lea) instead;
 *   - no writable initialised data at all (the linker script asserts that
 *     .data is empty): every variable lives in .bss, so the segment CRCs
 *     can be recomputed at run time (see README.md).
 */
#ifndef TESTS_IMAGES_COMMON_H
#define TESTS_IMAGES_COMMON_H

#pragma GCC visibility push(hidden)

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry-state.h"
#include "kexec-params.h"
#include "verdict.h"

#ifndef IMAGE_NAME
#error "IMAGE_NAME must be defined (-DIMAGE_NAME='\"check64\"')"
#endif

#define PAGE_SIZE     4096u
#define PAGE_MASK     (~(uint64_t)(PAGE_SIZE - 1))
#define __noreturn    __attribute__((noreturn))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Linker-script symbols (check64.lds, check32.lds): run-time addresses. */
extern char __image_start[], __image_end[]; /* page aligned */
extern char __seg0_start[], __seg0_end[];   /* text PT_LOAD: [start, end) */
extern char __seg1_start[], __seg1_end[];   /* data PT_LOAD, .bss included */
extern char __bss_start[], __bss_end[];
extern char _start[];

/* The parameter block (the section .kexec_params). */
extern struct kexec_params kexec_params;

/* Port I/O */
/* The asm accessors: clang-format 14 would split their operands at each colon. */
/* clang-format off */
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

#define MSR_EFER 0xc0000080u

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Control registers: read_cr0() .. read_cr4(), 32 bits wide in check32,
 * 64 in the 64-bit images (uintptr_t). */
#define DEFINE_READ_CR(n)                                                   \
    static inline uintptr_t read_cr##n(void)                                \
    {                                                                       \
        uintptr_t v;                                                        \
                                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                   \
        return v;                                                           \
    }
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

/* The initial APIC ID of the running CPU (CPUID leaf 1). */
static inline unsigned int apic_id(void)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return b >> 24;
}
/* clang-format on */

/* A polled 16550: COM1 for the report (serial_init(), print()), and
 * crashdump64's COM2 for the vmcore. */
#define UART_THR      0
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_SCR      7
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
/* 115200 8N1, no interrupts, FIFOs on and cleared, DTR and RTS. */
void uart_setup(uint16_t port);
/* Wait (bounded) for room in the transmitter, then send c. */
void uart_putc(uint16_t port, uint8_t c);
/* Wait (bounded: a missing UART reads 0xff and passes at once) until the
 * transmitter has sent everything. */
void uart_drain(uint16_t port);

/* Output */
void serial_init(void);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report: "<image>: ...", "PASS: <image>: ...", "FAIL: <image>: ..." */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* PASS "<what>" if got == want, else FAIL "<what> (got 0x.., want 0x..)" */
bool check_eq(uint64_t got, uint64_t want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
unsigned int nr_failed(void);
/* The verdict line, then the exit code through isa-debug-exit. */
__noreturn void finish(void);
__noreturn void debug_exit(uint8_t code);

/* ---- exceptions (common.c, and the heads: head.S.inc) -------------------- */

/* What the head's exc_common passes to exc_handler(): the GPRs it pushed
 * (EXC_PUSH_GPRS), the vector and error code that the stub pushed, then
 * the CPU's own frame (same privilege level: no stack switch in check32). */
#ifdef __x86_64__
struct exc_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
#else
struct exc_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax; /* pusha */
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};
#endif

/* The heads' 32 exception stubs, 16 bytes apart (EXC_STUBS). */
extern char exc_stubs[];
/* Each image's own handler, called by its head's exc_common. */
void exc_handler(struct exc_frame *f);
/* Point vectors 0 .. 31 at exc_stubs (interrupt gates, DPL 0, the current
 * CS; 64-bit gates in the 64-bit images, 32-bit ones in check32) and load
 * that IDT (256 entries; the others absent until idt_set_gate()). */
void idt_install(void);
/* Point vector v at handler (a gate like those of idt_install()). */
void idt_set_gate(unsigned int v, uintptr_t handler);
/* An exception nobody expected: the FAIL line "unexpected exception V,
 * error E, at rip R (image offset O), cr2 C[, while DOING] (got an
 * exception, want none)" (check32: "at eip R, cr2 C"), then finish().  An
 * exception while reporting one ends the run at once (IMAGE_EXIT_FAIL). */
__noreturn void exc_unexpected(const struct exc_frame *f, const char *doing);
/* True once exc_unexpected() has started reporting. */
bool exc_reporting(void);

/* String and memory (the compiler may emit calls to these) */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* CRC-32 of zlib: crc = crc32_update(0, p, n) gives zlib.crc32(p[0..n)). */
uint32_t crc32_update(uint32_t crc, const void *p, size_t n);
uint32_t crc32_zeros(uint32_t crc, uint64_t n);

/* ---- checks shared by both images (common.c) -------------------------- */

/* How an image reads memory that may not be there (check64: a probe that
 * survives a page fault; check32: anything below 4 GiB). */
bool mem_read64(uint64_t addr, uint64_t *val);
/* Read the word at addr and write it back unchanged; false if either
 * access faults (check64: with CR0.WP set, so read-only shows). */
bool mem_rewrite64(uint64_t addr);

/* The line "<image>: start: entered at ... on the CPU with APIC ID N, image
 * START..END" with more (may be "") appended. */
void info_start(const char *more);
/* RFLAGS (check32: EFLAGS) at entry: IF clear, and 0x2. */
void check_entry_flags(void);
/* IDTR base and limit 0 at entry. */
void check_entry_idtr(void);
/* The image in memory: check_bss_at_entry(), check_params(), and with a
 * usable block check_segments() and check_zero_range().  Returns the block
 * (NULL if unusable). */
const struct kexec_params *check_image(void);
/* Magic ("parameter block not filled" if missing) and version; false if
 * either is wrong (reported as a FAIL). */
bool check_params_filled(void);
/* check_params_filled(), counts, padding; prints the image id and the
 * type.  NULL if the block is unusable (reported as a FAIL). */
const struct kexec_params *check_params(void);
/* Base, segment list against the image's own PT_LOAD extents, CRCs. */
void check_segments(const struct kexec_params *p);
/* The .bss was zero at entry (the stub's scan). */
void check_bss_at_entry(void);
/* Every byte of the zero range is 0. */
void check_zero_range(const struct kexec_params *p);
/* GDT: the three descriptors of the contract, read with mem_read64(). */
void check_gdt(uint64_t gdt_base, uint16_t gdt_limit);
/* Every GPR captured by the stub is zero. */
void check_gprs(void);
/* Segment selectors at entry. */
void check_selectors(uint16_t want_cs, uint16_t want_data);

static inline uintptr_t image_base(void)
{
    return (uintptr_t)__image_start;
}

#endif /* TESTS_IMAGES_COMMON_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check32: a kexec test image entered in 32-bit protected mode with paging
 * off (KEXEC_ARCH_32), linked at 0x02000000.  It checks, from the inside,
 * the promises of include/public/kexec.h ("The CPU state at the image's
 * entry point", KEXEC_ARCH_32) and what its loader wrote into the
 * parameter block (kexec-params.h): segment checksums, the zero-filled
 * range (below 4 GiB).  No mapping checks: paging is off.  README.md lists
 * the lines.
 *
 * Exit codes (verdict.h): isa-debug-exit (port 0xf4) 0x20 when every check
 * passed (QEMU status 65), 0x21 when any failed (QEMU status 67).
 */
#include "common.h"

#define CR0_WANT  0x31u     /* PE | ET | NE */
#define FLAGS_IF  0x200u

void check32_main(void);
void exc_handler(void *frame);
extern char exc_stubs[];

/* ---- exceptions: report and stop ---------------------------------------- */

struct exc_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;   /* pusha */
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

struct idt_gate {
    uint16_t off0, sel;
    uint8_t zero, attr;
    uint16_t off1;
};

static struct idt_gate idt[32] __attribute__((aligned(8)));
static unsigned int nested;

static inline uint32_t read_cr0(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr2(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr4(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

void exc_handler(void *frame)
{
    struct exc_frame *f = frame;

    if (nested++)
        debug_exit(IMAGE_EXIT_FAIL);
    fail("unexpected exception %u, error %#x, at eip %#x, cr2 %#x (got an "
         "exception, want none)", f->vector, f->error, f->eip, read_cr2());
    finish();
}

static void idt_install(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } idtr;
    uint16_t cs;

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (unsigned int v = 0; v < ARRAY_SIZE(idt); v++) {
        uint32_t h = (uintptr_t)exc_stubs + 16 * v;

        idt[v].off0 = (uint16_t)h;
        idt[v].sel = cs;
        idt[v].zero = 0;
        idt[v].attr = 0x8e;             /* present, DPL 0, 32-bit int gate */
        idt[v].off1 = (uint16_t)(h >> 16);
    }
    idtr.limit = sizeof(idt) - 1;
    idtr.base = (uintptr_t)idt;
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

/* mem_read64() for common.c: paging is off, anything below 4 GiB reads. */
bool mem_read64(uint64_t addr, uint64_t *val)
{
    addr &= ~7ull;
    if (addr > 0xfffffff8ull)
        return false;
    *val = *(const volatile uint64_t *)(uintptr_t)addr;
    return true;
}

bool mem_rewrite64(uint64_t addr)
{
    (void)addr;
    return true;        /* no paging: nothing is read-only */
}

/* ---- main ---------------------------------------------------------------- */

void check32_main(void)
{
    const struct entry_state *es = &entry_state;
    const struct kexec_params *p;

    serial_init();
    idt_install();
    info("start: entered at %#lx on the CPU with APIC ID %u, image "
         "%#lx..%#lx", (unsigned long)(uintptr_t)_start, apic_id(),
         (unsigned long)image_base(), (unsigned long)(uintptr_t)__image_end);

    /* CPU state at entry */
    check_gprs();
    check_eq(es->flags & FLAGS_IF, 0, "interrupts disabled (EFLAGS.IF clear)");
    check_eq(es->flags, 0x2, "EFLAGS at entry");
    check_eq(read_cr0(), CR0_WANT, "CR0 (PE ET NE, paging off)");
    check_eq(read_cr4(), 0, "CR4");
    check_eq(rdmsr(MSR_EFER), 0, "EFER");
    check_selectors(0x08, 0x18);
    check_eq(es->idtr.base, 0, "IDTR base at entry");
    check_eq(es->idtr.limit, 0, "IDTR limit at entry");
    check_gdt(es->gdtr.base, es->gdtr.limit);

    /* The image in memory */
    check_bss_at_entry();
    p = check_params();
    if (p) {
        check_segments(p);
        check_zero_range(p);
    }

    finish();
}

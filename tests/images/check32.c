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

#define CR0_WANT 0x31u /* PE | ET | NE */

void check32_main(void);

/* ---- exceptions: report and stop (common.c) ------------------------------ */

void exc_handler(struct exc_frame *f)
{
    exc_unexpected(f, NULL);
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
    return true; /* no paging: nothing is read-only */
}

/* ---- main ---------------------------------------------------------------- */

void check32_main(void)
{
    const struct entry_state *es = &entry_state;

    serial_init();
    idt_install();
    info_start("");

    /* CPU state at entry */
    check_gprs();
    check_entry_flags();
    check_eq(read_cr0(), CR0_WANT, "CR0 (PE ET NE, paging off)");
    check_eq(read_cr4(), 0, "CR4");
    check_eq(rdmsr(MSR_EFER), 0, "EFER");
    check_selectors(0x08, 0x18);
    check_entry_idtr();
    check_gdt(es->gdtr.base, es->gdtr.limit);

    /* The image in memory */
    check_image();

    finish();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86's side of the architecture interface (include/hv/arch.h) where it
 * is a thin layer over the x86 code: the rest is implemented where the
 * work is (smp/smpboot.c: stopping CPUs; pv/mm.c: guest mappings;
 * crash.c: registers; kexec/machine-kexec.c: the images).
 */
#include <asm/config.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/uart.h>
#include <hv/arch.h>
#include <hv/lib.h>

void arch_console_init(void)
{
    uart_init();
}

void arch_console_write(const char *buf, size_t len)
{
    uart_write(buf, len);
}

uint64_t arch_us_to_ticks(uint64_t us)
{
    return us_to_tsc(us);
}

uint64_t arch_ticks_per_ms(void)
{
    return tsc_khz;
}

unsigned int arch_nr_cpus(void)
{
    return nr_cpus;
}

void arch_halt_forever(void)
{
    halt_forever();
}

unsigned int arch_phys_addr_bits(void)
{
    return cpu_has.phys_addr_bits;
}

/* What a dump tool needs to find x86's per-CPU data and page tables. */
size_t arch_vmcoreinfo(char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "SYMBOL(cpu_infos)=%lx\n"
                     "NUMBER(HV_VIRT_START)=%lx\n"
                     "NUMBER(DIRECTMAP_VIRT_START)=%lx\n"
                     "NUMBER(STACKS_VIRT_START)=%lx\n"
                     "NUMBER(STACK_SIZE)=%lu\n"
                     "NUMBER(pgtable_maddr)=%lx\n"
                     "SIZE(cpu_info)=%lu\n"
                     "OFFSET(cpu_info.cpu_id)=%lu\n",
                     (unsigned long)cpu_infos, HV_VIRT_START,
                     DIRECTMAP_VIRT_START, STACKS_VIRT_START,
                     (unsigned long)STACK_SIZE,
                     (unsigned long)maddr_x(mfn_to_maddr(idle_pg_table_mfn)),
                     (unsigned long)sizeof(struct cpu_info),
                     (unsigned long)offsetof(struct cpu_info, cpu_id));

    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

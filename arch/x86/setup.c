/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start_hv(): the one C entry both boot paths converge on, and the
 * straight-line bring-up of the BSP (read it top to bottom):
 * console, CPU features, command line, memory, per-CPU stack, traps,
 * ACPI and the local APIC, the TSC, the other CPUs, then the work.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/domain.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/param.h>
#include <hv/inject.h>
#include <asm/selftest.h>
#include <hv/shutdown.h>
#include <hv/version.h>

struct cpu_features cpu_has;
/* Byte copy of cpu_has.smap for the assembly paths (entry.S, copy-guest.S). */
uint8_t cpu_has_smap_byte;

extern const struct param __params_start[], __params_end[];

void parse_cmdline(const char *cmdline)
{
    parse_params(cmdline, __params_start, __params_end, printk);
    if (opt_debug_inject)
        printk(HVLOG_WARNING
               "debug-inject: test hooks and crash injection "
               "are on (a testing boot: any privileged guest may crash the "
               "machine)\n");
}

static void detect_cpu_features(void)
{
    uint32_t a, b, c, d;

    cpuid_count(7, 0, &a, &b, &c, &d);
    cpu_has.smep = b & (1u << 7);
    cpu_has.smap = b & (1u << 20);
    cpuid_count(1, 0, &a, &b, &c, &d);
    cpu_has.x2apic = c & (1u << 21);
    cpu_has.pge = d & (1u << 13);
    cpuid_count(0x80000001, 0, &a, &b, &c, &d);
    cpu_has.nx = d & (1u << 20);
    cpuid_count(0x80000007, 0, &a, &b, &c, &d);
    cpu_has.invariant_tsc = d & (1u << 8);
    cpuid_count(0x80000008, 0, &a, &b, &c, &d);
    cpu_has.phys_addr_bits = a & 0xff;
}

static bool opt_nosmep, opt_nosmap;
boolean_param("nosmep", opt_nosmep);
boolean_param("nosmap", opt_nosmap);

static __noreturn void start_hv_on_cpu_stack(void)
{
    traps_init();
    traps_init_cpu(0);

    acpi_init();
    apic_init();
    time_init();
    smp_boot_cpus();
    crash_notes_init();
    kexec_init();

    run_selftests();
    run_injection();

    /* The TSC counts from the machine's reset: the boot's own duration. */
    printk("Boot complete: %u CPU%s online (TSC %lu)\n", num_online_cpus(),
           num_online_cpus() == 1 ? "" : "s", (unsigned long)rdtsc());
    if (!boot_info.nr_modules) {
        printk("No dom0 module given: nothing to run, powering off\n");
        machine_exit(EXIT_POWEROFF);
    }
    dom0_start();
}

void start_hv(void)
{
    struct cpu_info *ci;

    console_init();
    if (boot_info.loader_name[0])
        printk("%s %s (%s boot, loader %s)\n", HV_NAME, HV_VERSION_STRING,
               boot_info.loader, boot_info.loader_name);
    else
        printk("%s %s (%s boot)\n", HV_NAME, HV_VERSION_STRING,
               boot_info.loader);
    printk("Command line: %s\n", boot_info.cmdline);
    parse_cmdline(boot_info.cmdline);

    detect_cpu_features();
    if (opt_nosmep)
        cpu_has.smep = false;
    if (opt_nosmap)
        cpu_has.smap = false;
    cpu_has_smap_byte = cpu_has.smap;
    printk("CPU: %u physical address bits, NX %s, SMEP %s, SMAP %s\n",
           cpu_has.phys_addr_bits, cpu_has.nx ? "yes" : "no",
           cpu_has.smep ? "yes" : "no", cpu_has.smap ? "yes" : "no");
    if (!cpu_has.nx)
        printk(HVLOG_WARNING "No NX: data pages stay executable\n");

    memmap_normalise(&boot_info);
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        printk("Module %u: %016lx - %016lx '%s'\n", i,
               (unsigned long)maddr_x(boot_info.modules[i].start),
               (unsigned long)(maddr_x(boot_info.modules[i].start) +
                               boot_info.modules[i].size),
               boot_info.modules[i].cmdline);
    mm_init();

    /* Leave the boot stack for a proper block with IST pages and a guard. */
    ci = alloc_cpu_stack(0);
    if (!ci)
        panic("no memory for the boot CPU's stack");
    switch_stack_and_call((uint64_t)ci, start_hv_on_cpu_stack);
}

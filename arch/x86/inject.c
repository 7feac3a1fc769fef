/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Crash injection, for the tests and for whoever wants to see the crash
 * path work.  Three ways in, one list of kinds:
 *   - the command line, inject=KIND, at the end of boot (before dom0);
 *   - the debug hypercall, debug_op(DEBUGOP_inject, "KIND") [privileged];
 *   - the serial debug key 'C' (a plain panic), read while dom0 yields.
 * The first two are test hooks: they work only when the boot option
 * debug-inject is on (off by default), so that no guest can kill a
 * production hypervisor on request.  The key is the host administrator's,
 * typed on the hypervisor's own serial console (which no guest can write),
 * like Xen's 'C' key handler: it works in every boot.
 *
 *   panic    panic()                     ud    #UD (ud2)
 *   pf       NULL dereference (#PF)      gp    non-canonical access (#GP)
 *   de       divide error                df    #DF through stack overflow
 *   nmi      an unexpected NMI (panic in NMI context)
 *   ap       panic on CPU 1              two   CPU 0 and CPU 1 panic at once
 *            (the winner waits, bounded, for the loser to reach panic, so
 *            the race happens on every run, whatever the firmware)
 *   console  panic while CPU 1 holds the console lock
 *   nested   a panic inside the crash path itself (one re-entry: it goes on)
 *   nested2  two panics inside the crash path (the second re-entry ends
 *            the run, status 9, even with a crash image loaded)
 *   hang     the last CPU spins with NMIs blocked, then panic: it cannot
 *            answer the crash path's NMI and must be reported, not waited for
 *   regionwrite  CPU 1 (or 0) writes into the crash region through the
 *            direct map: with a crash image loaded the region is write
 *            protected, so this faults, and the image runs intact
 * And one option that crashes nothing: crash_test_touch_region makes
 * CPU 1 write a byte of the crash region back at the end of boot (before
 * dom0 can load a crash image), so that its TLB holds a writable entry
 * that the write protection's shootdown must remove.
 * The inject_* functions are noinline, so that the RIP in a dump or a
 * vmcore names them.
 */
#include <asm/apic.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/uart.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/errno.h>
#include <hv/inject.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/param.h>

/* The gate of every test hook (include/hv/param.h, docs/command-line.md). */
bool opt_debug_inject;
test_gate_param("debug-inject", opt_debug_inject);

static char opt_inject[16];
test_string_param("inject", opt_inject);
static bool opt_touch_region;
test_boolean_param("crash_test_touch_region", opt_touch_region);

static noinline void inject_panic(void)
{
    panic("injected panic");
}

static noinline void inject_ud(void)
{
    asm volatile("ud2");
}

static noinline void inject_pf(void)
{
    /* cppcheck-suppress nullPointer ; the fault being injected */
    *(volatile uint64_t *)0 = 0;
}

static noinline void inject_gp(void)
{
    *(volatile uint64_t *)0x8000000000000000UL = 0;
}

static noinline void inject_de(void)
{
    /* clang-format off */
    asm volatile("xor %%ecx, %%ecx; div %%ecx" ::: "eax", "ecx", "edx");
    /* clang-format on */
}

/*
 * Each frame holds a page; the guard page below the stack stops the
 * recursion long before the (never reached) depth limit.
 */
static volatile uint64_t df_depth_limit = ~0UL;

static noinline uint64_t inject_df_recurse(uint64_t depth)
{
    volatile uint8_t frame[4096];

    frame[0] = (uint8_t)depth;
    if (depth == df_depth_limit)
        return frame[0];
    return inject_df_recurse(depth + 1) + frame[4095];
}

static noinline void inject_df(void)
{
    inject_df_recurse(0);
}

/* An NMI to ourselves with no handler expecting it. */
static noinline void inject_nmi(void)
{
    apic_send_nmi(get_cpu_info()->apic_id);
    for (;;)
        cpu_relax();
}

/* ---- the kinds that involve another CPU --------------------------------- */

static void (*volatile ap_action)(void);

static void inject_ipi_handler(struct cpu_user_regs *regs)
{
    void (*fn)(void) = ap_action;

    apic_eoi();
    if (fn)
        fn();
}

static noinline void inject_panic_on_ap(void)
{
    panic("injected panic on CPU %u", smp_processor_id());
}

static volatile bool console_held;

static noinline void inject_hold_console(void)
{
    console_lock_hold_for_test();
    console_held = true;
    for (;;)
        cpu_relax();
}

static volatile bool cpu_hanging;

static void nmi_hang(struct cpu_user_regs *regs)
{
    cpu_hanging = true;
    for (;;) /* inside the NMI handler: NMIs stay blocked */
        cpu_relax();
}

static bool run_on_cpu(unsigned int cpu, void (*fn)(void))
{
    if (cpu >= nr_cpus || !cpu_infos[cpu])
        return false;
    ap_action = fn;
    set_irq_handler(VECTOR_IPI_INJECT, inject_ipi_handler);
    apic_send_ipi(cpu_infos[cpu]->apic_id, VECTOR_IPI_INJECT);
    return true;
}

static bool wait_flag(volatile bool *flag)
{
    uint64_t start = rdtsc(), limit = us_to_tsc(1000000);

    while (!*flag && rdtsc() - start < limit)
        cpu_relax();
    return *flag;
}

static noinline void inject_ap(void)
{
    if (!run_on_cpu(1, inject_panic_on_ap))
        panic("inject=ap needs a second CPU");
    for (;;)
        cpu_relax(); /* the AP's crash path stops us by NMI */
}

static noinline void inject_two(void)
{
    crash_test_racers = 1;
    if (!run_on_cpu(1, inject_panic_on_ap))
        panic("inject=two needs a second CPU");
    panic("injected panic on CPU %u, racing CPU 1", smp_processor_id());
}

static noinline void inject_console(void)
{
    if (!run_on_cpu(1, inject_hold_console) || !wait_flag(&console_held))
        panic("inject=console: CPU 1 did not take the console lock");
    panic("injected panic while CPU 1 holds the console lock");
}

static noinline void inject_nested(void)
{
    crash_test_panics_inside = 1;
    panic("injected panic, with a second one inside the crash path");
}

static noinline void inject_nested2(void)
{
    crash_test_panics_inside = 2;
    panic("injected panic, with two more inside the crash path");
}

static noinline void inject_hang(void)
{
    unsigned int cpu = nr_cpus - 1;

    if (cpu == 0 || !cpu_infos[cpu])
        panic("inject=hang needs a second CPU");
    nmi_callback = nmi_hang;
    apic_send_nmi(cpu_infos[cpu]->apic_id);
    if (!wait_flag(&cpu_hanging))
        panic("inject=hang: CPU %u did not enter its NMI", cpu);
    nmi_callback = NULL;
    panic("injected panic with CPU %u spinning with NMIs blocked", cpu);
}

static noinline void inject_region_write_here(void)
{
    if (!crash_region.size)
        panic("inject=regionwrite needs a crash region");
    *(volatile uint8_t *)maddr_to_virt(crash_region.start) = 0xcc;
    panic("wrote into the crash region: it is not write protected");
}

static volatile bool region_touched;

/* Read and write back: a writable, dirty TLB entry for the page. */
static noinline void touch_region_here(void)
{
    volatile uint8_t *p = maddr_to_virt(crash_region.start);

    /* cppcheck-suppress selfAssignment ; the write is the point */
    *p = *p;
    region_touched = true;
}

static void touch_region_on_cpu1(void)
{
    if (!crash_region.size || !run_on_cpu(1, touch_region_here) ||
        !wait_flag(&region_touched)) {
        printk(HVLOG_ERR "crash_test_touch_region: needs a crash region and "
                         "a second CPU\n");
        return;
    }
    printk("crash_test_touch_region: CPU 1 wrote to the crash region at %#lx\n",
           (unsigned long)maddr_x(crash_region.start));
}

static noinline void inject_region_write(void)
{
    if (!run_on_cpu(1, inject_region_write_here))
        inject_region_write_here();
    for (;;)
        cpu_relax(); /* CPU 1's crash path stops us by NMI */
}

/* Packed table; clang-format would put one entry per line. */
/* clang-format off */
static const struct {
    const char *name;
    void (*fn)(void);
} kinds[] = {
    { "panic", inject_panic }, { "ud", inject_ud }, { "pf", inject_pf },
    { "gp", inject_gp }, { "de", inject_de }, { "df", inject_df },
    { "nmi", inject_nmi }, { "ap", inject_ap }, { "two", inject_two },
    { "console", inject_console }, { "nested", inject_nested },
    { "nested2", inject_nested2 },
    { "hang", inject_hang }, { "regionwrite", inject_region_write },
};
/* clang-format on */

int inject_crash(const char *kind)
{
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strcmp(kind, kinds[i].name)) {
            printk("Injecting '%s'\n", kind);
            kinds[i].fn();
            printk(HVLOG_ERR "inject %s returned; nothing was raised\n", kind);
            return 0;
        }
    return -EINVAL;
}

/*
 * kexec_test_reload_remote_panic=US (hv/kexec.h): CPU 1 waits, interrupts
 * on (the loads' TLB shootdowns need its answer), for a crash reload to
 * start, and panics US microseconds later, wherever CPU 0 then is.
 */
static noinline void remote_reload_panic(void)
{
    uint64_t start, deadline;

    local_irq_enable();
    while (!(start = kexec_test_reload_start))
        cpu_relax();
    deadline = start + us_to_tsc(kexec_test_remote_panic_us);
    while ((int64_t)(rdtsc() - deadline) < 0)
        cpu_relax();
    local_irq_disable();
    panic("kexec test: CPU 1 panics %lu us into a crash-image reload "
          "(phase %s)",
          (unsigned long)kexec_test_remote_panic_us, kexec_test_reload_phase);
}

void run_injection(void)
{
    if (kexec_test_remote_panic_us && !run_on_cpu(1, remote_reload_panic))
        printk(HVLOG_ERR "kexec_test_reload_remote_panic: needs a second "
                         "CPU\n");
    if (opt_touch_region)
        touch_region_on_cpu1();
    if (opt_inject[0] && inject_crash(opt_inject))
        printk(HVLOG_WARNING "inject=%s: unknown kind\n", opt_inject);
}

/* The administrator's key: needs no debug-inject (see the top). */
void debug_key_poll(void)
{
    if (uart_getc() == 'C')
        panic("debug key 'C' pressed on the serial console");
}

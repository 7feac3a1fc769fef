/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * panic() and the crash path (docs/crash-path.md).
 *
 * Every fatal path ends here: panic(), a fatal exception, an unexpected
 * NMI, a dom0 crash, an injected crash.  Exactly one CPU proceeds:
 *   - the first CPU to arrive wins (cmpxchg on panicking_cpu), takes the
 *     console lock over, saves its registers into its crash note, stops
 *     the other CPUs by NMI with a bounded wait (crash_nmi_timeout_ms;
 *     each saves the registers its NMI interrupted), and runs the crash
 *     image if one is loaded, else ends the run;
 *   - a second CPU that panics meanwhile parks itself; the winner's NMI
 *     will save its registers;
 *   - the winner re-entering (a fault or panic inside the crash path) is
 *     told apart from a racing CPU by the CPU number: it prints one line
 *     and goes straight on to the crash image, skipping everything done
 *     already; a second re-entry ends the run at once.
 */
#include <asm/processor.h>
#include <asm/smp.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <hv/shutdown.h>

static uint64_t opt_crash_nmi_timeout_ms = 1000;
integer_param("crash_nmi_timeout_ms", opt_crash_nmi_timeout_ms);

static volatile int panicking_cpu = -1;
static unsigned int reentries;
static bool crash_path_started;

static __noreturn void vpanic(const struct cpu_user_regs *regs, uint64_t rip,
                              uint64_t rsp, uint64_t rbp, const char *fmt,
                              va_list ap)
{
    int me = (int)smp_processor_id(), none = -1;
    uint64_t tsc = rdtsc();
    struct cpu_user_regs caller = { 0 };
    char reason[160];

    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panicking_cpu, &none, me, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        if (panicking_cpu != me) {
            /* Another CPU is crashing the machine: wait for its NMI. */
            for (;;)
                halt();
        }
        if (++reentries > 1)
            machine_exit(EXIT_PANIC);
        console_force_unlock();
        vsnprintf(reason, sizeof(reason), fmt, ap);
        printk(HVLOG_ERR "Panic re-entered on CPU %d (%s); going straight on\n",
               me, reason);
        if (!crash_path_started)
            smp_stop_other_cpus_timeout(opt_crash_nmi_timeout_ms, true);
        crash_path_started = true;
        kexec_crash();
        machine_exit(EXIT_PANIC);
    }

    console_force_unlock();
    vsnprintf(reason, sizeof(reason), fmt, ap);
    printk(HVLOG_ERR "\n****************************************\n");
    printk(HVLOG_ERR "Panic on CPU %d:\n", me);
    printk(HVLOG_ERR "%s\n", reason);
    printk(HVLOG_ERR "****************************************\n");

    crash_info_panic((unsigned int)me, tsc, reason);
    if (!regs) {
        crash_capture_caller(&caller, rip, rsp, rbp);
        regs = &caller;
    }
    crash_save_cpu_regs(regs);
    smp_stop_other_cpus_timeout(opt_crash_nmi_timeout_ms, true);
    crash_path_started = true;
    kexec_crash();      /* returns only when no crash image is loaded */
    machine_exit(EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    /* The caller's frame: RIP is where panic() was called from, inside the
     * call instruction (the return address of a call to a noreturn
     * function can lie past the caller's last byte, in the next function). */
    vpanic(NULL, (uint64_t)__builtin_return_address(0) - 1,
           (uint64_t)__builtin_frame_address(0) + 16,
           *(uint64_t *)__builtin_frame_address(0), fmt, ap);
}

void panic_regs(const struct cpu_user_regs *regs, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpanic(regs, 0, 0, 0, fmt, ap);
}

void machine_exit(uint8_t code)
{
    local_irq_disable();
    outb(DEBUG_EXIT_PORT, code);
    halt_forever();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * panic() and the crash path (docs/crash-path.md).
 *
 * Every fatal path ends here: panic(), a fatal exception, an unexpected
 * NMI, a dom0 crash, an injected crash.  Exactly one CPU proceeds:
 *   - the first CPU to arrive wins (cmpxchg on panicking_cpu), takes the
 *     console lock over, saves its registers into its crash note, stops
 *     the other CPUs by NMI with a bounded wait (crash_nmi_timeout_ms;
 *     each saves the registers its NMI interrupted; one that answers
 *     too late leaves its note empty), and runs the crash image if one is
 *     loaded, else ends the run;
 *   - a second CPU that panics meanwhile saves the registers where it
 *     entered panic into its own note (as the winner does), leaves any
 *     NMI context and halts; the winner's NMI then parks it for good and
 *     leaves that note alone;
 *   - the winner re-entering (a fault or panic inside the crash path) is
 *     told apart from a racing CPU by the CPU number: it prints one line
 *     and goes straight on to the crash image, skipping everything done
 *     already; a second re-entry prints one line and ends the run; a
 *     third (a fault while printing it) ends the run without a word.
 */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <hv/shutdown.h>

static uint64_t opt_crash_nmi_timeout_ms = 1000;
integer_param("crash_nmi_timeout_ms", opt_crash_nmi_timeout_ms);
/* Test hook: how long to wait for the CPUs given up on to stop late. */
static uint64_t opt_late_wait_ms;
test_integer_param("crash_test_late_wait_ms", opt_late_wait_ms);

static volatile int panicking_cpu = -1;
static unsigned int reentries;
static bool crash_path_started;
/* CPUs that lost the race and parked with their own registers saved. */
static unsigned int racers_parked;

/* Test hooks, set by arch/x86/inject.c (include/hv/crash.h). */
unsigned int crash_test_panics_inside;
unsigned int crash_test_racers;

/* Waits only with inject=two: the race must really happen every run. */
static void wait_for_racers(void)
{
    uint64_t start = arch_timestamp(), limit = arch_us_to_ticks(1000000);

    while (__atomic_load_n(&racers_parked, __ATOMIC_ACQUIRE) <
               crash_test_racers &&
           arch_timestamp() - start < limit)
        arch_cpu_relax();
}

/* The crash path's own test hook: a panic where it runs. */
static void crash_test_hook(void)
{
    if (crash_test_panics_inside) {
        crash_test_panics_inside--;
        panic("crash test: panic inside the crash path (%u more to come)",
              crash_test_panics_inside);
    }
}

/*
 * Stop the others, then close the notes: a CPU the shootdown gave up on
 * may still take its stop NMI later, when the crash kernel reads the
 * notes (or runs over them); it must then stop without writing.
 */
static void stop_the_others(void)
{
    arch_crash_shootdown(opt_crash_nmi_timeout_ms, crash_on_stop);
    if (crash_notes_close() && opt_late_wait_ms)
        crash_notes_wait_late(opt_late_wait_ms);
}

static __noreturn void go_on_to_the_crash_image(void)
{
    crash_test_hook();
    kexec_crash(); /* returns only when no crash image is loaded */
    machine_exit(EXIT_PANIC);
}

/* regs: where this CPU entered panic, for its note whether it wins or not. */
static __noreturn void vpanic(const struct cpu_user_regs *regs, const char *fmt,
                              va_list ap)
{
    int me = (int)arch_cpu_id(), none = -1;
    uint64_t tsc = arch_timestamp();
    char reason[160];

    arch_irq_disable();
    if (!__atomic_compare_exchange_n(&panicking_cpu, &none, me, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        if (panicking_cpu != me) {
            /*
             * Another CPU is crashing the machine.  Save our context as
             * the winner saves its own (its stop NMI keeps a saved note,
             * and returns at once while we are still writing it), then
             * stop as the stop NMI would: leave NMI context should we
             * have panicked in an NMI handler, and halt.
             */
            crash_save_cpu_regs(regs);
            __atomic_fetch_add(&racers_parked, 1, __ATOMIC_RELEASE);
            arch_stop_this_cpu(); /* leaves NMI context, then halts */
        }
        if (++reentries > 2)
            machine_exit(EXIT_PANIC); /* faulted printing the line below */
        console_force_unlock();
        vsnprintf(reason, sizeof(reason), fmt, ap);
        if (reentries > 1) {
            printk(HVLOG_ERR "Panic re-entered a second time on CPU %d (%s); "
                             "ending the run\n",
                   me, reason);
            machine_exit(EXIT_PANIC);
        }
        printk(HVLOG_ERR "Panic re-entered on CPU %d (%s); going straight on\n",
               me, reason);
        if (!crash_path_started)
            stop_the_others();
        crash_path_started = true;
        go_on_to_the_crash_image();
    }

    console_force_unlock();
    vsnprintf(reason, sizeof(reason), fmt, ap);
    /*
     * Two lines, no banner: on the crash path every console byte is
     * latency (about 40 ns each under TCG, 87 us on a 115200-baud line).
     */
    printk(HVLOG_ERR "Panic on CPU %d:\n%s\n", me, reason);

    crash_info_panic((unsigned int)me, tsc, reason);
    crash_save_cpu_regs(regs);
    if (crash_test_racers)
        wait_for_racers();
    stop_the_others();
    if (racers_parked)
        printk(HVLOG_ERR "Panic: %u other CPU%s panicked at the same time; "
                         "%s own registers kept\n",
               racers_parked, racers_parked == 1 ? "" : "s",
               racers_parked == 1 ? "its" : "their");
    crash_path_started = true;
    go_on_to_the_crash_image();
}

void panic(const char *fmt, ...)
{
    struct cpu_user_regs caller = { 0 };
    va_list ap;

    ARCH_CAPTURE_CALLER(&caller);
    va_start(ap, fmt);
    vpanic(&caller, fmt, ap);
    /* cppcheck-suppress va_end_missing ; vpanic() does not return */
}

void panic_regs(const struct cpu_user_regs *regs, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpanic(regs, fmt, ap);
    /* cppcheck-suppress va_end_missing ; vpanic() does not return */
}

void machine_exit(uint8_t code)
{
    arch_irq_disable();
    arch_report_exit(code);
    arch_halt_forever();
}

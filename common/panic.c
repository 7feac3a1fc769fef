/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * panic(): print the reason, stop every other CPU, end the run.
 *
 * Only the first CPU to panic reports; a second CPU that panics at the
 * same time halts quietly, and a panic while panicking (a fault in the
 * dump) goes straight to the end instead of recursing.  The kexec issue
 * routes this into kexec_crash().
 */
#include <asm/processor.h>
#include <asm/smp.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/shutdown.h>

static volatile int panicking_cpu = -1;

void panic(const char *fmt, ...)
{
    int me = (int)smp_processor_id(), none = -1;
    char reason[256];
    va_list ap;

    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panicking_cpu, &none, me, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        if (panicking_cpu != me)
            halt_forever();         /* another CPU is reporting */
        printk(HVLOG_ERR "Panic while panicking on CPU %d; stopping\n", me);
        machine_exit(EXIT_PANIC);
    }

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);

    printk(HVLOG_ERR "\n****************************************\n");
    printk(HVLOG_ERR "Panic on CPU %d:\n", me);
    printk(HVLOG_ERR "%s\n", reason);
    printk(HVLOG_ERR "****************************************\n");
    smp_stop_other_cpus();
    kexec_crash();      /* returns only when no crash image is loaded */
    machine_exit(EXIT_PANIC);
}

void machine_exit(uint8_t code)
{
    local_irq_disable();
    outb(DEBUG_EXIT_PORT, code);
    halt_forever();
}

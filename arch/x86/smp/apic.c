/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC in xAPIC mode, through its MMIO page mapped uncached
 * with ioremap().  x2APIC mode is never used, even where the CPU has it:
 * a firmware that left the APIC in x2APIC mode has it switched back
 * (through the disabled state, the only legal way).  Every CPU's APIC
 * sits at the same physical address, so one mapping serves them all.
 *
 * The legacy 8259 PICs are masked: nothing here uses them, and their
 * timer interrupt would arrive through LINT0 on a vector the BIOS chose.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <hv/bug.h>
#include <hv/console.h>

/* Register offsets. */
#define APIC_ID            0x020
#define APIC_VERSION       0x030
#define APIC_TPR           0x080
#define APIC_EOI           0x0b0
#define APIC_LDR           0x0d0
#define APIC_DFR           0x0e0
#define APIC_SVR           0x0f0
#define APIC_ISR           0x100 /* 8 registers, 0x10 apart */
#define APIC_IRR           0x200 /* 8 registers, 0x10 apart */
#define APIC_ESR           0x280
#define APIC_ICR_LO        0x300
#define APIC_ICR_HI        0x310
#define APIC_LVT_TIMER     0x320
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_DIVIDE  0x3e0
#define APIC_LVT_PERF      0x340
#define APIC_LVT_LINT0     0x350
#define APIC_LVT_LINT1     0x360
#define APIC_LVT_ERROR     0x370

#define APIC_SVR_ENABLE   (1u << 8)
#define APIC_LVT_MASKED   (1u << 16)
#define APIC_LVT_NMI      (4u << 8)
#define APIC_LVT_PERIODIC (1u << 17)

/* ICR low word. */
#define ICR_FIXED         (0u << 8)
#define ICR_NMI           (4u << 8)
#define ICR_INIT          (5u << 8)
#define ICR_STARTUP       (6u << 8)
#define ICR_BUSY          (1u << 12) /* delivery status: send pending */
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)

#define APIC_BASE_BSP    (1UL << 8)
#define APIC_BASE_EXTD   (1UL << 10) /* x2APIC mode */
#define APIC_BASE_ENABLE (1UL << 11)

/* How long the ICR may stay busy (a delivery normally takes ~0). */
#define ICR_TIMEOUT_US 10000

static volatile uint32_t *lapic;

static inline uint32_t apic_read(unsigned int reg)
{
    return lapic[reg / 4];
}

static inline void apic_write(unsigned int reg, uint32_t v)
{
    lapic[reg / 4] = v;
}

uint32_t apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

bool apic_wait_icr_idle(void)
{
    uint64_t start = rdtsc(), limit = us_to_tsc(ICR_TIMEOUT_US);

    while (apic_read(APIC_ICR_LO) & ICR_BUSY) {
        if (rdtsc() - start > limit)
            return false;
        cpu_relax();
    }
    return true;
}

/*
 * One ICR write: the high half (destination) then the low half (which
 * sends).  With interrupts off so that a handler sending an IPI of its
 * own cannot come in between the two halves.
 */
static void apic_icr_write(uint32_t dest, uint32_t low)
{
    uint64_t flags = read_rflags();

    local_irq_disable();
    if (!apic_wait_icr_idle())
        printk(HVLOG_WARNING "APIC: ICR still busy on CPU %u, sending anyway\n",
               smp_processor_id());
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, low);
    if (!apic_wait_icr_idle())
        printk(HVLOG_WARNING "APIC: IPI %#x to APIC ID %u not accepted\n", low,
               dest);
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
    apic_icr_write(dest, ICR_FIXED | ICR_LEVEL_ASSERT | vector);
}

void apic_send_nmi(uint32_t dest)
{
    apic_icr_write(dest, ICR_NMI | ICR_LEVEL_ASSERT);
}

void apic_send_init(uint32_t dest)
{
    /* Assert, then (for the old discrete APICs) the level de-assert. */
    apic_icr_write(dest, ICR_INIT | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT);
    udelay(10);
    apic_icr_write(dest, ICR_INIT | ICR_TRIGGER_LEVEL);
}

void apic_send_sipi(uint32_t dest, uint8_t page)
{
    apic_icr_write(dest, ICR_STARTUP | page);
}

/* MSR side: globally enabled, xAPIC (not x2APIC) mode. */
static void apic_msr_xapic_mode(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if (base & APIC_BASE_EXTD) {
        /* x2APIC -> xAPIC is only allowed through the disabled state. */
        base &= ~(APIC_BASE_EXTD | APIC_BASE_ENABLE);
        wrmsr(MSR_APIC_BASE, base);
    }
    if (!(base & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
}

static bool apic_any_bit(unsigned int bank)
{
    for (unsigned int i = 0; i < 8; i++)
        if (apic_read(bank + i * 0x10))
            return true;
    return false;
}

/* One EOI clears the highest ISR bit; at most 256, as Linux's
   setup_local_APIC() does. */
static unsigned int apic_ack_in_service(void)
{
    unsigned int acked = 0;

    while (acked < 256 && apic_any_bit(APIC_ISR)) {
        apic_eoi();
        acked++;
    }
    return acked;
}

/*
 * Acknowledge every interrupt the previous kernel left in service: after
 * a kexec from inside an interrupt handler (a crash in one, say) its ISR
 * bit is still set and would hold off every vector of its priority and
 * below.
 */
static void apic_drain_isr(void)
{
    unsigned int acked = apic_ack_in_service();

    if (acked)
        printk(HVLOG_WARNING "APIC: %u interrupt%s left in service by the "
                             "previous kernel, acknowledged\n",
               acked, acked == 1 ? "" : "s");
}

/* The register setup shared by every CPU. */
static void apic_setup_local(bool bsp)
{
    apic_msr_xapic_mode();
    /* Flat logical mode, unused (IPIs go by physical APIC ID). */
    apic_write(APIC_DFR, 0xffffffff);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_SPURIOUS);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    apic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    /* LINT1 carries the platform NMI to the boot CPU only. */
    apic_write(APIC_LVT_LINT1, bsp ? APIC_LVT_NMI : APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    /* Clear any error latched by the firmware (write, then read). */
    apic_write(APIC_ESR, 0);
    (void)apic_read(APIC_ESR);
    apic_drain_isr();
}

void apic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    maddr_t msr_phys = _maddr(base & ~0xfffUL & ((1UL << 52) - 1));

    if (base & APIC_BASE_EXTD)
        printk("APIC: firmware left x2APIC mode on; switching to xAPIC\n");
    if (!maddr_eq(msr_phys, lapic_phys))
        printk(HVLOG_WARNING
               "APIC: MADT says %#lx, APIC_BASE MSR %#lx; using the MADT's\n",
               (unsigned long)maddr_x(lapic_phys),
               (unsigned long)maddr_x(msr_phys));

    /* Mask both 8259s: the local APIC and IPIs are all that is used. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);

    lapic = ioremap(lapic_phys, PAGE_SIZE);
    if (!lapic)
        panic("APIC: cannot map the local APIC at %#lx",
              (unsigned long)maddr_x(lapic_phys));
    apic_setup_local(true);

    if (apic_id() != cpu_apic_id[0]) {
        printk(HVLOG_WARNING
               "APIC: boot CPU APIC ID is %u, not %u as CPUID says\n",
               apic_id(), cpu_apic_id[0]);
        cpu_apic_id[0] = apic_id();
        if (cpu_infos[0])
            cpu_infos[0]->apic_id = cpu_apic_id[0];
        /* Never INIT ourselves as if we were one of the others. */
        for (unsigned int i = 1; i < nr_cpus; i++)
            if (cpu_apic_id[i] == cpu_apic_id[0]) {
                for (unsigned int j = i; j + 1 < nr_cpus; j++)
                    cpu_apic_id[j] = cpu_apic_id[j + 1];
                nr_cpus--;
                break;
            }
    }
    printk("APIC: xAPIC at %#lx, version %#x, boot CPU APIC ID %u\n",
           (unsigned long)maddr_x(lapic_phys), apic_read(APIC_VERSION) & 0xff,
           apic_id());
    quiesce_init();
}

void apic_init_ap(void)
{
    apic_setup_local(false);
}

/*
 * Before a kexec handoff, on every CPU (the stopped ones in
 * arch_stop_this_cpu()): no local interrupt source may fire into the next
 * kernel before it is ready (a timer, a performance counter, an error,
 * LINT0/LINT1), as Linux's disable_local_APIC() leaves them.  The APIC
 * itself stays enabled, as kdump kernels expect to find it.
 */
void apic_quiesce(void)
{
    if (!lapic)
        return;
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    apic_write(APIC_TIMER_INITIAL, 0);
    apic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
}

/*
 * On the way to a handoff, every source masked (apic_quiesce(), the
 * IOAPICs, the other CPUs stopped): take each interrupt still pending in
 * this CPU's IRR, without running its handler, or the next kernel gets it
 * the moment it enables interrupts, through a vector it never set up (a
 * TLB-flush IPI that came just after a panic disabled them, say).  The
 * vectors in service are acknowledged first: they would hold back the
 * pending ones of their priority and below.  Under the drain IDT, each
 * "sti; nop; cli" window takes the highest pending vector (the nop covers
 * sti's one-instruction shadow); its EOI follows.  Returns how many were
 * taken.
 */
unsigned int apic_take_pending(void)
{
    unsigned int taken = 0;

    if (!lapic)
        return 0;
    apic_ack_in_service();
    if (!apic_any_bit(APIC_IRR))
        return 0;
    idt_load_drain();
    for (unsigned int tries = 0; tries < 256 && apic_any_bit(APIC_IRR);
         tries++) {
        /* clang-format off */
        asm volatile("sti; nop; cli" ::: "memory");
        /* clang-format on */
        taken += apic_ack_in_service();
    }
    idt_load();
    return taken;
}

/* Periodic, unmasked, a period of about 2 s (divide by 128): long enough
 * never to fire between this and apic_quiesce() a few instructions on. */
void apic_test_arm_timer(void)
{
    if (!lapic)
        return;
    /* Divide by 128, 65536 counts: about 8 ms a period under QEMU (1 GHz
     * APIC clock), well inside check64's window with interrupts on. */
    apic_write(APIC_TIMER_DIVIDE, 0xa);
    apic_write(APIC_LVT_TIMER, APIC_LVT_PERIODIC | VECTOR_KEXEC_TEST_TIMER);
    apic_write(APIC_TIMER_INITIAL, 0x10000);
    /* Interrupts are off: the IPI waits in the IRR, as one that came
     * during a panic does. */
    apic_send_ipi(apic_id(), VECTOR_KEXEC_TEST_PENDING);
}

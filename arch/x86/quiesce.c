/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Quiescing the machine before a kexec handoff, for both paths
 * (machine_kexec()), as Linux's kexec path does with disable_IO_APIC()
 * (without its return to virtual-wire mode): every IOAPIC redirection
 * entry masked, both 8259s masked, the PIT's channel 0 stopped.  The local APICs are apic_quiesce()'s, on every
 * CPU.  The IOAPICs are mapped at boot: nothing is mapped on the crash
 * path.
 */
#include <asm/apic.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <hv/console.h>

#define IOAPIC_REGSEL   0x00 /* register index, then ... */
#define IOAPIC_WINDOW   0x10 /* ... its value, 32 bits */
#define IOAPIC_VERSION  0x01 /* bits 16-23: the last entry's index */
#define IOAPIC_REDIR(n) (0x10 + 2 * (n)) /* low half; high at +1 */
#define IOAPIC_MASKED   (1u << 16)

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define PIT_CH0   0x40
#define PIT_MODE  0x43
/* Channel 0, low then high byte, mode 0: after this control word the
 * counter waits for a count that never comes (Linux's pit_shutdown()). */
#define PIT_CH0_STOP 0x30
#define PIT_CH0_RATE 0x34 /* the same, mode 2: periodic */

static volatile uint32_t *ioapic[MAX_IOAPICS];
static unsigned int ioapic_entries[MAX_IOAPICS];

static uint32_t ioapic_read(unsigned int i, unsigned int reg)
{
    ioapic[i][IOAPIC_REGSEL / 4] = reg;
    return ioapic[i][IOAPIC_WINDOW / 4];
}

static void ioapic_write(unsigned int i, unsigned int reg, uint32_t v)
{
    ioapic[i][IOAPIC_REGSEL / 4] = reg;
    ioapic[i][IOAPIC_WINDOW / 4] = v;
}

void quiesce_init(void)
{
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        ioapic[i] = ioremap(ioapic_phys[i], PAGE_SIZE);
        if (!ioapic[i]) {
            printk(HVLOG_WARNING "IOAPIC: cannot map the one at %#lx: it "
                                 "is not quiesced on kexec\n",
                   (unsigned long)maddr_x(ioapic_phys[i]));
            continue;
        }
        ioapic_entries[i] = ((ioapic_read(i, IOAPIC_VERSION) >> 16) & 0xff) + 1;
        printk("IOAPIC: %u at %#lx, %u entries\n", i,
               (unsigned long)maddr_x(ioapic_phys[i]), ioapic_entries[i]);
    }
}

void machine_quiesce(struct quiesce_report *r)
{
    r->ioapics = r->ioapic_entries = 0;
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        if (!ioapic[i])
            continue;
        r->ioapics++;
        for (unsigned int n = 0; n < ioapic_entries[i]; n++) {
            ioapic_write(i, IOAPIC_REDIR(n),
                         ioapic_read(i, IOAPIC_REDIR(n)) | IOAPIC_MASKED);
            r->ioapic_entries++;
        }
    }
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
    outb(PIT_MODE, PIT_CH0_STOP);
}

void quiesce_test_arm(void)
{
    /* PIT channel 0 periodic at its slowest (count 0: 65536, ~55 ms). */
    outb(PIT_MODE, PIT_CH0_RATE);
    outb(PIT_CH0, 0);
    outb(PIT_CH0, 0);
    outb(PIC1_DATA, 0xfe);
    /* The first IOAPIC's pin 2, where QEMU's PIT interrupt arrives (the
     * MADT's ISA override of IRQ 0): unmasked, edge, fixed, to this CPU,
     * so that it fires while the PIT runs. */
    if (nr_ioapics && ioapic[0] && ioapic_entries[0] > 2) {
        unsigned int n = 2;

        ioapic_write(0, IOAPIC_REDIR(n) + 1, apic_id() << 24);
        ioapic_write(0, IOAPIC_REDIR(n), VECTOR_KEXEC_TEST_IOAPIC);
    }
}

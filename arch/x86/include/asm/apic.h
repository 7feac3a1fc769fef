/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Local APIC (xAPIC, MMIO through ioremap) and the ACPI MADT.
 * arch/x86/smp/{acpi,apic}.c.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hv/types.h>

/* ACPI: find the RSDP (boot_info.rsdp from UEFI, else the BIOS areas),
 * walk RSDT/XSDT to the MADT, fill nr_cpus and cpu_apic_id[]. */
void acpi_init(void);
extern maddr_t lapic_phys;
/* The IOAPICs the MADT lists (quiesced before a kexec handoff). */
#define MAX_IOAPICS 8
extern maddr_t ioapic_phys[MAX_IOAPICS];
extern unsigned int nr_ioapics;

void apic_init(void);    /* BSP: map and enable the local APIC */
void apic_init_ap(void); /* AP: enable its local APIC */
uint32_t apic_id(void);
void apic_eoi(void);
/* Mask the local interrupt sources before a kexec handoff: timer
 * (stopped too), LINT0, LINT1, performance counter, error. */
void apic_quiesce(void);
/* Then take what is still pending in this CPU's IRR, no handler run;
 * returns how many. */
unsigned int apic_take_pending(void);
/* Test hook (kexec_test_arm_timers): arm this CPU's LAPIC timer and leave
 * a self-IPI pending in its IRR. */
void apic_test_arm_timer(void);

/*
 * The rest of the machine (arch/x86/quiesce.c), as Linux's
 * machine_shutdown() leaves it for the next kernel.
 */
struct quiesce_report {
    unsigned int ioapics;        /* IOAPICs mapped at boot */
    unsigned int ioapic_entries; /* redirection entries masked */
};
/* At boot, after apic_init(): map the IOAPICs (nothing is mapped later). */
void quiesce_init(void);
/* Every IOAPIC entry masked, both 8259s masked, PIT channel 0 stopped. */
void machine_quiesce(struct quiesce_report *r);
/* Test hook (kexec_test_arm_timers): PIT channel 0 running, the 8259's
 * IRQ 0 and an idle IOAPIC entry unmasked, for machine_quiesce() to undo. */
void quiesce_test_arm(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_nmi(uint32_t apic_id);
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t page);
/* Wait until the ICR is idle; false after a bounded wait. */
bool apic_wait_icr_idle(void);

#endif /* ASM_APIC_H */

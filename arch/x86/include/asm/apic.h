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
extern paddr_t lapic_phys;

void apic_init(void);           /* BSP: map and enable the local APIC */
void apic_init_ap(void);        /* AP: enable its local APIC */
uint32_t apic_id(void);
void apic_eoi(void);
/* Mask the local interrupt sources before a kexec handoff. */
void apic_quiesce(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_nmi(uint32_t apic_id);
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t page);
/* Wait until the ICR is idle; false after a bounded wait. */
bool apic_wait_icr_idle(void);

#endif /* ASM_APIC_H */

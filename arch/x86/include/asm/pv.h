/* SPDX-License-Identifier: GPL-2.0-only */
/* PV guest support (arch/x86/pv/). */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <asm/regs.h>
#include <asm/page.h>
#include <hv/hypercall.h>
#include <hv/types.h>

/* L4 slots 256-271 belong to the hypervisor in every root. */
#define HV_L4_FIRST 256
#define HV_L4_LAST  271
static inline bool pv_l4_slot_is_hv(unsigned int slot)
{
    return slot >= HV_L4_FIRST && slot <= HV_L4_LAST;
}
void pv_copy_hv_slots(pte_t *l4);

/* true: _PAGE_USER is forced on guest L1 entries (pv-page-user=force). */
extern bool pv_page_user_forced;

void pv_init_cpu(void); /* syscall MSRs */
/*
 * Let ring 3 on this CPU use ports [first, + count) (the TSS's I/O
 * bitmap; IOPL stays 0): a privileged dom0 gets COM2's, which the
 * hypervisor does not use (COM1 is its console), as Xen gives dom0 the
 * ports it does not use itself.
 */
void pv_allow_io_ports(unsigned int first, unsigned int count);
__noreturn void enter_guest(struct cpu_user_regs *regs);
void do_hypercall(struct cpu_user_regs *regs);
void pv_guest_fault(struct cpu_user_regs *regs);

struct domain;
/* The L1 slot that maps va in d's tables (via the direct map), or NULL. */
pte_t *pv_find_l1e(struct domain *d, vaddr_t va);
/* Set every frame's l1_refs from d's L1 tables (once, when d is built). */
void pv_count_l1_refs(struct domain *d);
/*
 * arch_frame_is_guest_mapped() and arch_flush_domain_tlbs() (hv/arch.h)
 * are PV's: an L1 entry of a guest's tables maps the frame; a stale TLB
 * entry would still reach a freed frame.
 */

#endif /* ASM_PV_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU data, found from the stack pointer as in Xen. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <asm/config.h>
#include <asm/desc.h>

#define CPUINFO_stack_top 0
#define CPUINFO_guest_rsp 8

#ifndef __ASSEMBLER__
#include <hv/types.h>

struct domain;

enum cpu_state {
    CPU_OFFLINE = 0,
    CPU_BOOTING,
    CPU_ONLINE,
    CPU_STOPPED,
};

/* I/O ports a guest may be given (pv_allow_io_ports): COM2 is below. */
#define IO_BITMAP_PORTS 0x300

/* One per CPU, at the top of its primary stack. */
struct cpu_info {
    /* Read by the syscall entry through %gs (asm offsets below). */
    uint64_t stack_top;     /* == the address of this struct */
    uint64_t guest_rsp;     /* scratch: guest %rsp at syscall */
    struct domain *current; /* domain running here, or NULL */
    unsigned int cpu_id;
    uint32_t apic_id;
    volatile int state; /* enum cpu_state */
    uint32_t pad;
    uint64_t stack_base; /* lowest address of the stack block */
    struct tss64 tss;
    /* The TSS's I/O permission bitmap, right after it (the TSS limit
       covers it): ports 0 .. IO_BITMAP_PORTS - 1, a set bit denies ring 3,
       then the 0xff byte the CPU wants at the end. */
    uint8_t io_bitmap[IO_BITMAP_PORTS / 8 + 1];
    uint64_t gdt[GDT_ENTRIES];
    uint64_t ipi_count;
    uint64_t tlb_flushes; /* VECTOR_IPI_FLUSH answered */
};

static inline struct cpu_info *get_cpu_info(void)
{
    uint64_t sp;
    /* clang-format off */
    asm volatile("mov %%rsp, %0" : "=r"(sp));
    /* clang-format on */
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 -
                               sizeof(struct cpu_info));
}

static inline unsigned int smp_processor_id(void)
{
    return get_cpu_info()->cpu_id;
}

extern unsigned int nr_cpus; /* CPUs found in the MADT */
extern uint32_t cpu_apic_id[NR_CPUS];
extern struct cpu_info *cpu_infos[NR_CPUS]; /* NULL until allocated */

/* The stack block of a CPU, allocated and mapped with a guard page. */
struct cpu_info *alloc_cpu_stack(unsigned int cpu);
void smp_boot_cpus(void);
/*
 * Every CPU in cpus (bit n: CPU n; this one included, if set) flushes its
 * TLB; waits until each online one has (or has left the online state),
 * however long that takes.  smp_flush_tlb_others: every other CPU.
 */
void smp_flush_tlb_cpus(uint64_t cpus);
void smp_flush_tlb_others(void);
/* An NMI nobody expects: the IPI check's, late?  Counted, then ignore it. */
bool smp_nmi_is_late_check(void);
/*
 * Stopping CPUs is the arch interface's (hv/arch.h): arch_stop_other_cpus,
 * arch_crash_shootdown and arch_stop_this_cpu (APIC quiesced, CPU_STOPPED,
 * NMIs unlatched, halt).  arch_park_stopped_cpus INITs every stopped CPU
 * before a DEFAULT image may overwrite the hypervisor, so that it waits
 * for a SIPI instead of halting in code the image is about to replace.
 */
/* Leave NMI-blocked state with an iretq to the next instruction. */
void nmi_unlatch(void);
unsigned int num_online_cpus(void);

#endif /* !__ASSEMBLER__ */

#endif /* ASM_SMP_H */

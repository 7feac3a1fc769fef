/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU stack blocks (layout in asm/config.h).  Each block is mapped at
 * STACKS_VIRT_START + cpu * STACK_SIZE from freshly allocated frames, with
 * the guard page left unmapped, so that a stack overflow faults (and the
 * #DF handler, on its own IST page, reports it) instead of silently
 * corrupting the IST stacks below.
 */
#include <asm/paging.h>
#include <asm/smp.h>
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>

unsigned int nr_cpus = 1;
uint32_t cpu_apic_id[NR_CPUS];
struct cpu_info *cpu_infos[NR_CPUS];

BUILD_BUG_ON(sizeof(struct cpu_info) > 512);
BUILD_BUG_ON(offsetof(struct cpu_info, stack_top) != CPUINFO_stack_top);
BUILD_BUG_ON(offsetof(struct cpu_info, guest_rsp) != CPUINFO_guest_rsp);

struct cpu_info *alloc_cpu_stack(unsigned int cpu)
{
    uint64_t base = STACKS_VIRT_START + (uint64_t)cpu * STACK_SIZE;
    struct cpu_info *ci;

    BUG_ON(cpu >= NR_CPUS);
    for (unsigned int page = 0; page < (STACK_SIZE >> PAGE_SHIFT); page++) {
        mfn_t mfn;

        if (page == STACK_GUARD_PAGE)
            continue;
        mfn = alloc_frame(_mfn(0));
        if (mfn_is_invalid(mfn) ||
            map_hv_pages(_vaddr(base + page * PAGE_SIZE), mfn, 1,
                         PAGE_HV_RW | MAP_SMALL_ONLY))
            return NULL;
        memset((void *)(base + page * PAGE_SIZE), 0, PAGE_SIZE);
    }
    ci = (struct cpu_info *)(base + STACK_SIZE - sizeof(*ci));
    ci->stack_top = (uint64_t)ci;
    ci->cpu_id = cpu;
    ci->apic_id = cpu_apic_id[cpu];
    ci->stack_base = base;
    cpu_infos[cpu] = ci;
    return ci;
}

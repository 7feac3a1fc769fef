/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMCOREINFO: what a dump tool needs to make sense of a vmcore of this
 * hypervisor, as "KEY=value" lines in a note named "VMCOREINFO" (the
 * format Linux and Xen use).
 */
#include <asm/config.h>
#include <asm/paging.h>
#include <asm/smp.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/crash.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/version.h>

extern const char hv_build_id[];
extern char __image_start[], __bss_end[];

size_t vmcoreinfo_build(void *buf, size_t cap)
{
    static char text[1024];
    int n = snprintf(text, sizeof(text),
        "OSRELEASE=%s-%s\n"
        "PAGESIZE=%lu\n"
        "BUILD-ID=%s\n"
        "LOADER=%s\n"
        "SYMBOL(start_hv)=%lx\n"
        "SYMBOL(panic)=%lx\n"
        "SYMBOL(cpu_infos)=%lx\n"
        "SYMBOL(crash_region)=%lx\n"
        "NUMBER(HV_VIRT_START)=%lx\n"
        "NUMBER(DIRECTMAP_VIRT_START)=%lx\n"
        "NUMBER(STACKS_VIRT_START)=%lx\n"
        "NUMBER(STACK_SIZE)=%lu\n"
        "NUMBER(NR_CPUS)=%u\n"
        "NUMBER(image_maddr)=%lx\n"
        "NUMBER(pgtable_maddr)=%lx\n"
        "SIZE(cpu_info)=%lu\n"
        "OFFSET(cpu_info.cpu_id)=%lu\n",
        HV_NAME, HV_VERSION_STRING, (unsigned long)PAGE_SIZE, hv_build_id,
        boot_info.loader,
        (unsigned long)start_hv, (unsigned long)panic,
        (unsigned long)cpu_infos, (unsigned long)&crash_region,
        HV_VIRT_START, DIRECTMAP_VIRT_START, STACKS_VIRT_START,
        (unsigned long)STACK_SIZE, (unsigned int)NR_CPUS,
        (unsigned long)image_virt_to_maddr(__image_start),
        (unsigned long)(idle_pg_table_mfn << PAGE_SHIFT),
        (unsigned long)sizeof(struct cpu_info),
        (unsigned long)offsetof(struct cpu_info, cpu_id));

    if (n < 0 || n >= (int)sizeof(text))
        return 0;
    return elfnote_write(buf, cap, "VMCOREINFO", 0, text, (uint32_t)n);
}

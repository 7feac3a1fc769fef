/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMCOREINFO: what a dump tool needs to make sense of a vmcore of this
 * hypervisor, as "KEY=value" lines in a note named "VMCOREINFO" (the
 * format Linux and Xen use).
 */
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/crash.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/version.h>

extern const char hv_build_id[];

/* The common lines, then the arch's (arch_vmcoreinfo()). */
size_t vmcoreinfo_build(void *buf, size_t cap)
{
    static char text[1024];
    size_t len;
    int n = snprintf(text, sizeof(text),
                     "OSRELEASE=%s-%s\n"
                     "PAGESIZE=%lu\n"
                     "BUILD-ID=%s\n"
                     "LOADER=%s\n"
                     "SYMBOL(start_hv)=%lx\n"
                     "SYMBOL(panic)=%lx\n"
                     "SYMBOL(crash_region)=%lx\n"
                     "NUMBER(NR_CPUS)=%u\n"
                     "NUMBER(image_maddr)=%lx\n",
                     HV_NAME, HV_VERSION_STRING, (unsigned long)PAGE_SIZE,
                     hv_build_id, boot_info.loader, (unsigned long)start_hv,
                     (unsigned long)panic, (unsigned long)&crash_region,
                     (unsigned int)NR_CPUS,
                     (unsigned long)maddr_x(boot_info.image_start));

    if (n < 0 || n >= (int)sizeof(text))
        return 0;
    len = (size_t)n + arch_vmcoreinfo(text + n, sizeof(text) - (size_t)n);
    if (len == (size_t)n)
        return 0; /* the arch's lines did not fit */
    return elfnote_write(buf, cap, "VMCOREINFO", 0, text, (uint32_t)len);
}

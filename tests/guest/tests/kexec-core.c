/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an ELF core header describes, gathered as kexec-tools gathers it
 * for Linux (kexec-guest.h, kx_collect_core_info):
 *   1. the CPUs: get_range(KEXEC_RANGE_MA_CPU, nr = n) succeeds for every
 *      CPU and gives -ERANGE past the last one (that refusal leaves one
 *      "(HV) d0 kexec_op: get_range: no CPU n (-ERANGE)" line);
 *   2. the note ranges (every CPU's, KEXEC_RANGE_MA_HVINFO,
 *      KEXEC_RANGE_MA_VMCOREINFO), the hypervisor image
 *      (KEXEC_RANGE_MA_XEN) and the machine memory map (memory_op
 *      XENMEM_machine_memory_map).
 */
#include "kexec-guest.h"

static long get_range_nr(uint32_t range, uint32_t nr, uint64_t *start,
                         uint64_t *size)
{
    struct kexec_range r = { .range = range, .nr = nr };
    long rc = hc_kexec_op(KEXEC_CMD_kexec_get_range, PTR(&r));

    if (!rc) {
        *start = r.start;
        *size = r.size;
    }
    return rc;
}

/* The notes (CPUs first); returns the CPU count or 0. */
static unsigned int collect_notes(struct kx_core_info *ci)
{
    unsigned int n = 0;
    uint64_t start = 0, size = 0;
    long rc;

    for (;;) {
        rc = get_range_nr(KEXEC_RANGE_MA_CPU, n, &start, &size);
        if (rc)
            break;
        if (n == KX_MAX_CPUS) {
            error("more than %u CPUs", KX_MAX_CPUS);
            return 0;
        }
        ci->notes[n] = (struct elfcore_range){ kxl_maddr(start), size };
        info("CPU %u's note at %#lx, %lu bytes", n, start, size);
        n++;
    }
    if (!check_eq(rc, -HV_ERANGE,
                  "get_range KEXEC_RANGE_MA_CPU nr=%u (one "
                  "past the last CPU): -ERANGE",
                  n) ||
        !check_true(n > 0, "get_range KEXEC_RANGE_MA_CPU: %u CPUs", n))
        return 0;
    if (!check_eq(get_range_nr(KEXEC_RANGE_MA_HVINFO, 0, &start, &size), 0,
                  "get_range KEXEC_RANGE_MA_HVINFO"))
        return 0;
    info("hypervisor note at %#lx, %lu bytes", start, size);
    ci->notes[n] = (struct elfcore_range){ kxl_maddr(start), size };
    if (!check_eq(get_range_nr(KEXEC_RANGE_MA_VMCOREINFO, 0, &start, &size), 0,
                  "get_range KEXEC_RANGE_MA_VMCOREINFO"))
        return 0;
    info("VMCOREINFO note at %#lx, %lu bytes", start, size);
    ci->notes[n + 1] = (struct elfcore_range){ kxl_maddr(start), size };
    ci->nr_notes = n + 2;
    return n;
}

static unsigned int collect_memory_map(struct kx_core_info *ci)
{
    struct xen_memory_map map = {
        .nr_entries = ELFCORE_MAX_MEM,
        .buffer = PTR(ci->e820),
    };

    if (!check_eq(hc_memory_op(XENMEM_machine_memory_map, PTR(&map)), 0,
                  "memory_op XENMEM_machine_memory_map"))
        return 0;
    if (map.nr_entries == ELFCORE_MAX_MEM)
        info("memory map: %u entries, as many as asked for: the map may be "
             "longer",
             map.nr_entries);
    for (unsigned int i = 0; i < map.nr_entries; i++) {
        const struct e820_entry *e = &ci->e820[i];

        ci->mem[i] = (struct elfcore_mem){ e->addr, e->size, e->type, 0 };
        info("memory map: %#lx - %#lx type %u", e->addr, e->addr + e->size,
             e->type);
    }
    return map.nr_entries;
}

bool kx_collect_core_info(struct kx_core_info *ci)
{
    ci->nr_cpus = collect_notes(ci);
    if (!ci->nr_cpus)
        return false;
    if (!check_eq(get_range_nr(KEXEC_RANGE_MA_XEN, 0, &ci->hv_start,
                               &ci->hv_size),
                  0, "get_range KEXEC_RANGE_MA_XEN"))
        return false;
    info("hypervisor image at %#lx, %#lx bytes", ci->hv_start, ci->hv_size);
    ci->nr_mem = collect_memory_map(ci);
    return ci->nr_mem != 0;
}

struct elfcore_req kx_core_req(const struct kx_core_info *ci,
                               uint64_t crash_start, uint64_t crash_size)
{
    /* the reserved region is get_range's size plus the VMCOREINFO page */
    return (struct elfcore_req){
        .notes = ci->notes,
        .nr_notes = ci->nr_notes,
        .mem = ci->mem,
        .nr_mem = ci->nr_mem,
        .crash_start = kxl_maddr(crash_start),
        .crash_size = crash_size + PAGE_SIZE,
        .hv_start = kxl_maddr(ci->hv_start),
        .hv_size = ci->hv_size,
    };
}

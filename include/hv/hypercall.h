/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall handlers (the ABI: include/public/xen.h, kexec.h).  Common
 * and arch handlers alike; the arch's dispatcher calls them with the
 * guest's argument registers.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf);
long do_xen_version(uint64_t cmd, uint64_t arg);
long do_sched_op(uint64_t cmd, uint64_t arg);
long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t done,
                   uint64_t domid);
long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags);
long do_memory_op(uint64_t cmd, uint64_t arg);
long do_kexec_op(uint64_t cmd, uint64_t arg);
long do_debug_op(uint64_t cmd, uint64_t arg);

#endif /* HV_HYPERCALL_H */

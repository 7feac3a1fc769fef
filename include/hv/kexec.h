/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec internals shared by common/kexec.c (the hypercall, image slots,
 * the crash path) and the arch, which builds the images and jumps
 * (machine_kexec_*, hv/arch.h).
 */
#ifndef HV_KEXEC_H
#define HV_KEXEC_H

#include <hv/kimage.h>
#include <hv/types.h>

/*
 * An image as common/ knows it.  The arch builds it, and owns the rest
 * (page tables, control page, relocation list: machine_kexec_build() in
 * hv/arch.h allocates an arch structure that begins with this one).
 */
struct kexec_image {
    uint8_t type, arch; /* KEXEC_TYPE_*, KEXEC_ARCH_* */
    uint8_t slot;       /* alias slot */
    bool in_place;      /* CRASH: pages written into the region */
    bool unstaged;      /* CRASH, first load: the list's sources
                                   are the guest's frames, copied once by
                                   machine_kexec_place(); never run so */
    uint64_t entry;
    uint64_t dest_pages;
    maddr_t control_maddr; /* the control page, for the console */
};

/* At boot, after the crash notes: the VMCOREINFO safe copy. */
void kexec_init(void);

/* panic() and every fatal path: run the crash image if one is loaded. */
void kexec_crash(void);

/*
 * Test hooks (docs/command-line.md): declared flags, set from the command
 * line in common/kexec.c (only with debug-inject), read by the arch code.
 */
extern bool kexec_test_fault_in_handoff; /* kexec_test_handoff_fault: ud2
                                             after the handoff CR3 switch */
extern bool kexec_test_fault_in_reloc;   /* kexec_test_reloc_fault: ud2
                                             right after the relocation
                                             CR3 switch */
extern bool kexec_test_fault_in_32;      /* kexec_test_fault32: ud2 in the
                                             32-bit path, paging off */
extern bool kexec_test_arm_timers;       /* kexec_test_arm_timers: arm
                                             interrupt sources before the
                                             handoff quiesces them */
extern bool kexec_test_bench_reloc;      /* kexec_test_bench_reloc: time
                                             the relocation at exec and
                                             print it (docs/benchmarks.md) */
/*
 * kexec_test_reload_remote_panic=US: CPU 1 panics US microseconds after
 * a crash reload entered install() (arch/x86/inject.c waits for it, from
 * the end of boot), naming the phase the reload was in.
 */
extern uint64_t kexec_test_remote_panic_us;
extern volatile uint64_t kexec_test_reload_start;    /* timestamp; 0 before */
extern const char *volatile kexec_test_reload_phase; /* the last point */

#endif /* HV_KEXEC_H */

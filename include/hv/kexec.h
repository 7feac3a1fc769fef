/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec internals shared by common/kexec.c (the hypercall, image slots,
 * the crash path) and arch/x86/kexec/machine-kexec.c (building an image:
 * staging pages, relocation list, handoff page tables, control page; and
 * the jump).
 */
#ifndef HV_KEXEC_H
#define HV_KEXEC_H

#include <hv/kimage.h>
#include <hv/types.h>

/* Frames owned by an image, in chained pages of 511 entries. */
struct frame_list {
    mfn_t head;         /* [0] = next chain page, [1..511] = frames */
    uint64_t count;
};

struct kexec_image {
    uint8_t type, arch;
    uint8_t slot;               /* alias slot */
    bool in_place;              /* CRASH: pages written into the region */
    bool unstaged;              /* CRASH, first load: the list's sources
                                   are the guest's frames, copied once by
                                   machine_kexec_place(); never run so */
    uint64_t entry;
    uint64_t dest_pages;
    mfn_t control_mfn;
    uint64_t alias_va;          /* control page, executable, hv tables */
    mfn_t handoff_l4, reloc_l4;
    uint64_t list;              /* machine address of the first list page */
    struct frame_list frames;   /* control page, page tables */
    struct frame_list staging;  /* staged copies and list pages */
};

/*
 * Build an image from a validated list (arch).  0 or -errno + why/bad.
 * unstaged (a CRASH image with none loaded before it): the COPY pages are
 * not staged, the list names the guest's frames, and the image may only
 * be placed (one copy per page), not run, until machine_kexec_place().
 */
int machine_kexec_build(const struct kexec_load *hdr,
                        const struct kexec_entry *ents,
                        const struct kimage_machine *m, unsigned int slot,
                        bool unstaged, struct kexec_image **out, uint64_t *bad,
                        const char **why);
void machine_kexec_free(struct kexec_image *img);
/*
 * CRASH images: write the staged (or, unstaged, the guest's) pages into
 * place (walking the list with the direct map), then make the image run
 * without relocation and free the staging pages.  panic_after: test hook,
 * panic after that many pages (0 = never).
 */
void machine_kexec_place(struct kexec_image *img, uint64_t panic_after);
/* Write-protect (or not) the crash region in the direct map. */
void machine_kexec_protect_region(bool protect);
/* Put this CPU into the handoff state and jump; both paths use it. */
__noreturn void machine_kexec(struct kexec_image *img);

/* At boot, after the crash notes: the VMCOREINFO safe copy. */
void kexec_init(void);

/* panic() and every fatal path: run the crash image if one is loaded. */
void kexec_crash(void);

/*
 * Test hooks (docs/command-line.md): set from the command line in
 * common/kexec.c, read by the arch code.
 */
extern bool kexec_test_fault_in_handoff;  /* kexec_test_handoff_fault: ud2
                                             after the handoff CR3 switch */
extern bool kexec_test_fault_in_reloc;    /* kexec_test_reloc_fault: ud2
                                             right after the relocation
                                             CR3 switch */
extern bool kexec_test_fault_in_32;       /* kexec_test_fault32: ud2 in the
                                             32-bit path, paging off */
extern bool kexec_test_arm_timers;        /* kexec_test_arm_timers: arm
                                             interrupt sources before the
                                             handoff quiesces them */
extern bool kexec_test_bench_reloc;       /* kexec_test_bench_reloc: time
                                             the relocation at exec and
                                             print it (docs/benchmarks.md) */

#endif /* HV_KEXEC_H */

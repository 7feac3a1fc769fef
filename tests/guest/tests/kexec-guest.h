/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kexec guest tests (tests/guest/tests/kexec-*.c) share: kexec_op
 * wrappers, and loading a boot module's ELF with tools/kexec-loader/
 * (kexec-lib.c).
 *
 * The images to load are boot modules after dom0's own: start_info
 * modules[0] (check64 or check32, tests/images/), modules[1] an optional
 * second one.  Bounce frames are fresh dom0 frames (take_free_gfn())
 * mapped in scratch slots KX_SLOT_FIRST.. for the length of one build.
 */
#ifndef GUEST_KEXEC_GUEST_H
#define GUEST_KEXEC_GUEST_H

#include "guest.h"
#include <public/kexec.h>
#include "../../../tools/kexec-loader/kexec-loader.h"
#include "../../../tools/kexec-loader/elfcore.h"

#define KX_MAP_VA       0xffffc00000000000UL /* the MAP the tests ask for */
#define KX_MAP_PAGES    2
#define KX_DEFAULT_BASE 0x4000000UL /* 64 MiB */
#define KX_CRASH_OFFSET 0x100000UL  /* base = crash region + 1 MiB */
#define KX_MAX_ENTRIES  128
#define KX_SLOT_FIRST   64 /* scratch slots for bounce pages */
#define KX_SLOT_ZERO    63 /* scratch slot to fill a frame */
#define KX_MAX_BOUNCE   64

/*
 * DEFINE_TEST() of report.h with a name that is not a C identifier
 * ("kexec-exec64"): the same .tests registration.
 */
#define DEFINE_KX_TEST(ident, tname, tsummary)                                 \
    static void test_fn_##ident(void);                                         \
    static const struct test_desc test_desc_##ident __used __aligned(8)        \
        __attribute__((section(".tests"))) = { tname, tsummary,                \
                                               test_fn_##ident };              \
    static void test_fn_##ident(void)

/* kexec_op wrappers: the hypercall's result. */
long kx_status(uint32_t type);
long kx_unload(uint32_t type);
long kx_exec(uint32_t type);
long kx_get_range(uint32_t range, uint64_t *start, uint64_t *size);
long kx_get_limits(struct kexec_limits *l);
long kx_load(struct kexec_load *ld);

/* How to load an image. */
struct kx_opts {
    unsigned int module; /* start_info modules[] index */
    uint8_t type;        /* KEXEC_TYPE_* */
    uint64_t base;       /* ET_DYN: BASE; ET_EXEC: 0 (as linked) */
    uint64_t image_id;   /* written into the parameter block */
    bool map;            /* MAP KX_MAP_VA -> BASE, KX_MAP_PAGES */
    /* The zero range: zero_pages != 0 asks for one; zero_maddr 0 lets
       kx_build() pick a dom0 frame it fills with a pattern first. */
    uint64_t zero_maddr, zero_pages;
    /* Destinations must stay inside (the crash region); size 0: none. */
    uint64_t region_start, region_size;
};

/* The last list built (kx_build), KX_MAX_ENTRIES long. */
extern struct kexec_entry kx_ents[KX_MAX_ENTRIES];

/* The frame kx_ents[0 .. n) COPYs to machine address dest, or NO_MFN. */
uint64_t kx_copy_source(uint64_t n, uint64_t dest);

/* modules[i], or NULL (with an ERROR line) if the run has no such module. */
const struct start_module *kx_module(unsigned int i);

/*
 * The module whose role word is `role`: the first word of its command
 * line after the path (QEMU passes "path args"), or the first word; NULL
 * if none.  "kernel", "initrd", "hv", "dom0", ...
 */
const struct start_module *kx_module_named(const char *role);

/* purgatory.elf, built into dom0 (tests/guest.mk, purgatory-blob.S). */
extern const uint8_t purgatory_elf[], purgatory_elf_end[];
#define PURGATORY_ELF_SIZE ((size_t)(purgatory_elf_end - purgatory_elf))

/* The bytes of pages purgatory needs (its span), 0 if it is no ELF. */
uint64_t kx_purgatory_span(const struct kxl_env *env);

/*
 * Build the list for o into kx_ents and fill *ld (bad_entry 0).  Returns
 * a KXL_* code; on failure prints an ERROR line naming it.
 */
int kx_build(const struct kx_opts *o, struct kexec_load *ld,
             struct kxl_result *res);

/*
 * The loader's callbacks for module m (its pages' frames; bounce frames
 * taken after those of the last kx_build(), which starts them afresh).
 * m NULL: buffers in any module or in dom0's own image.  Bounce frames
 * stay mapped (scratch slots KX_SLOT_FIRST on) until the next restart.
 */
struct kxl_env kx_env(const struct start_module *m);
void kx_bounce_restart(void);

/*
 * Build and load; a PASS/FAIL line "load <what>" for a 0 result.  Returns
 * the hypercall's result (or -1000 if the build failed).
 */
long kx_load_image(const struct kx_opts *o, const char *what);

/* The crash region (KEXEC_RANGE_MA_CRASH); false (ERROR) if none. */
bool kx_crash_region(uint64_t *start, uint64_t *size);

/*
 * A crash image (module) at region start + offset, with image id, a MAP
 * and 4 zero pages in the middle of the region [start, + size).
 */
struct kx_opts kx_crash_opts(unsigned int module, uint64_t start, uint64_t size,
                             uint64_t offset, uint64_t id);

/* A default image (modules[0]) at base, with image id, a MAP and one zero
 * page (a dom0 frame kx_build() fills first). */
struct kx_opts kx_default_opts(uint64_t base, uint64_t id);

/* check_eq on kx_status(type), naming the expectation. */
bool kx_check_status(uint32_t type, long want, const char *when);

/*
 * Crash as the command line says: `via=shutdown` (default): sched_op
 * shutdown SHUTDOWN_crash; `via=fault`: ud2 in the guest; `via=inject:KIND`:
 * debug_op DEBUGOP_inject of that crash kind; `via=exec`:
 * KEXEC_CMD_kexec of the crash image (the hypervisor panics on request).
 * `pause_ms=N` first prints "pausing N ms before the crash (pause_ms)" and
 * busy-waits N ms (a gap for a host-side trigger).  Returns only if the crash did not happen (after a FAIL line).
 */
void kx_crash_dom0(void);

/*
 * Load image 1 (check64, modules[0]) as type at base, then a load refused
 * by the image builder, not by the validator: a second MAP of the same
 * address to another target (-EADDRINUSE, bad_entry the second MAP);
 * then image 2 the same way.  Returns image 2's load result (-1 if an
 * earlier step failed, with a FAIL/ERROR line).  Guards that a refused
 * load leaves nothing behind that a later load or the loaded image
 * depends on (the control page's alias slot, for one).  kexec-exec.c.
 */
long kx_refused_then_reload(uint8_t type, uint64_t base, uint64_t region_start,
                            uint64_t region_size);

/* ---- what an ELF core header describes (kexec-core.c) ------------------ */

#define KX_MAX_CPUS 64

struct kx_core_info {
    struct elfcore_range notes[KX_MAX_CPUS + 2]; /* CPUs, HV, VMCOREINFO */
    unsigned int nr_notes, nr_cpus;
    struct elfcore_mem mem[ELFCORE_MAX_MEM];
    struct e820_entry e820[ELFCORE_MAX_MEM]; /* the machine map */
    unsigned int nr_mem;
    uint64_t hv_start, hv_size; /* the hypervisor image */
};

/* Every note, the hypervisor image, the machine map; false (FAIL/ERROR) if
   one cannot be had. */
bool kx_collect_core_info(struct kx_core_info *ci);
/* The elfcore request for a crash region [crash_start, + crash_size) as
   get_range reports it. */
struct elfcore_req kx_core_req(const struct kx_core_info *ci,
                               uint64_t crash_start, uint64_t crash_size);

#endif

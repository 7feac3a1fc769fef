/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake architecture (include/hv/arch.h over host memory), for host
 * unit tests that run common/ whole: do_kexec_op, panic(), the crash
 * notes, the console.  tests/unit/fake-arch/asm/arch-inline.h is its
 * inline half.
 *
 * The fake machine, made fresh by fake_machine_boot():
 *   RAM            [0, 64 MiB): one host buffer; frames from 1 MiB on go
 *                  to the real frame allocator (common/page-alloc.c)
 *   hypervisor     [2 MiB, 4 MiB), reserved
 *   dom0's frames  [8 MiB, 16 MiB), owned by dom0 in the frame table
 *   crash region   [32 MiB, 48 MiB) (crashkernel=16M@32M by default)
 *   guest memory   the guest's virtual [FAKE_GUEST_VA, + 2 MiB), another
 *                  host buffer: copies outside it, or touching a page the
 *                  test unmapped, give -EFAULT as a fault would
 *   CPUs           fake_nr_cpus (4 by default); the test runs as fake_cpu
 *
 * What never returns on a real machine (machine_exit(), machine_kexec(),
 * a CPU halting for good) longjmps back to FAKE_RUN(), which says which
 * way the call ended (fake_exit).
 */
#ifndef TESTS_UNIT_FAKE_ARCH_H
#define TESTS_UNIT_FAKE_ARCH_H

#include <setjmp.h>

#include <hv/arch.h>
#include <hv/kexec.h>

#define FAKE_RAM_SIZE    MiB(64)
#define FAKE_HV_START    MiB(2)
#define FAKE_HV_END      MiB(4)
#define FAKE_DOM0_START  MiB(8)
#define FAKE_DOM0_END    MiB(16)
#define FAKE_CRASH_START MiB(32)
#define FAKE_CRASH_SIZE  MiB(16)
#define FAKE_GUEST_VA    0x10000000UL
#define FAKE_GUEST_SIZE  MiB(2)

/* A fresh machine; cmdline as the hypervisor's (NULL: the defaults). */
void fake_machine_boot(const char *cmdline);

/* ---- guest memory -------------------------------------------------------- */
/* Guest space for bytes (page aligned), zeroed; its guest address. */
uint64_t fake_guest_alloc(size_t bytes);
void *fake_guest_ptr(uint64_t gva);
/* The page holding gva faults on every access (until the next boot). */
void fake_guest_unmap(uint64_t gva);
/* A frame of dom0's, filled with byte; its mfn. */
mfn_t fake_dom0_frame(uint8_t fill);

/* ---- the console --------------------------------------------------------- */
const char *fake_console(void); /* everything printed since boot/clear */
void fake_console_clear(void);
/* How many lines printed since the last clear contain needle. */
unsigned int fake_console_count(const char *needle);

/* ---- how a call ended ---------------------------------------------------- */
enum fake_end {
    FAKE_RETURNED, /* it returned (FAKE_RUN's value: fake_ret) */
    FAKE_EXITED,   /* machine_exit(fake_exit.code) */
    FAKE_KEXECED,  /* machine_kexec(): an image ran (fake_exit.img) */
};
struct fake_exit {
    enum fake_end how;
    uint8_t code; /* FAKE_EXITED */
    uint8_t type; /* FAKE_KEXECED: the image's */
    uint64_t entry;
    bool in_place;    /* it ran in place (not relocated) */
    bool dests_match; /* every destination holds its page */
    unsigned int cpu; /* the CPU it ended on */
};
extern struct fake_exit fake_exit;
extern jmp_buf *fake_exit_jmp;
extern long fake_ret;

#define FAKE_RUN(call)                                                         \
    ({                                                                         \
        jmp_buf fake_jb__;                                                     \
        jmp_buf *fake_prev__ = fake_exit_jmp;                                  \
        fake_exit_jmp = &fake_jb__;                                            \
        if (!setjmp(fake_jb__)) {                                              \
            fake_ret = (long)(call);                                           \
            fake_exit.how = FAKE_RETURNED;                                     \
        }                                                                      \
        fake_exit_jmp = fake_prev__;                                           \
        fake_exit.how;                                                         \
    })

/* ---- the CPUs and the crash path ----------------------------------------- */
extern unsigned int fake_nr_cpus;
extern unsigned int fake_shootdowns;   /* arch_crash_shootdown() calls */
extern unsigned int fake_cpus_stopped; /* CPUs it stopped */
/*
 * In the next shootdown, this CPU (0: none) panics first, as if it had
 * crashed at the same moment as the CPU that won, then takes the stop.
 */
extern unsigned int fake_racer_cpu;
/* In the next shootdowns, this CPU (0: none) does not answer in time. */
extern unsigned int fake_late_cpu;
/* The registers each fake CPU "was running" when a shootdown stopped it. */
uint64_t fake_cpu_rip(unsigned int cpu);

/* ---- kexec images -------------------------------------------------------- */
/*
 * The fake build stages each COPY page into a frame of its own (as the
 * real one does), takes a control page, and gives every frame back on
 * failure; fake_build_allocs_left >= 0 makes the allocation after that
 * many fail (-ENOMEM).  fake_region_protected: the crash region's write
 * protection (place() while protected fails the test).
 */
extern long fake_build_allocs_left;
extern bool fake_region_protected;
extern unsigned int fake_images_live; /* built and not freed */

#endif /* TESTS_UNIT_FAKE_ARCH_H */

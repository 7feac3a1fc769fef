/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The crash path (docs/crash-path.md): the crash notes and the portable
 * note writer (common/crash-notes.c); the registers in a note are the
 * arch's (hv/arch.h).
 */
#ifndef HV_CRASH_H
#define HV_CRASH_H

#include <hv/types.h>

struct cpu_user_regs;

enum { CRASH_NOTE_CPU, CRASH_NOTE_HVINFO, CRASH_NOTE_VMCOREINFO };

void crash_notes_init(void);
int crash_note_range(unsigned int kind, unsigned int nr, maddr_t *start,
                     uint64_t *size);
const void *crash_vmcoreinfo(size_t *size);
void crash_save_cpu_regs(const struct cpu_user_regs *regs);
/* Has this CPU's note got its registers already (crash_save_cpu_regs)? */
bool crash_cpu_saved(unsigned int cpu);
/* This CPU's note is being written by the CPU itself (claimed, not done). */
bool crash_cpu_saving(unsigned int cpu);
/* The crashing CPU gave up on this CPU: its note stays empty for good. */
bool crash_cpu_abandoned(unsigned int cpu);
/*
 * After the crash shootdown: no note may be written from now on; a CPU
 * writing its note is waited for (bounded).  Returns the notes abandoned.
 */
unsigned int crash_notes_close(void);
/* Test hook: wait (bounded) for the CPUs given up on; report their notes. */
void crash_notes_wait_late(uint64_t ms);
void crash_info_panic(unsigned int cpu, uint64_t tsc, const char *reason);
/* The handoff's timestamp, just before the jump to a crash image. */
void crash_info_handoff(void);
/* The shootdown's on_stop (hv/arch.h): save this CPU's registers. */
bool crash_on_stop(const struct cpu_user_regs *regs);

/*
 * Test hooks of common/panic.c, set by the injections (arch/x86/inject.c):
 * the number of panics to raise inside the crash path, just before the
 * crash image (1: one re-entry, which goes on; 2: a second one, which ends
 * the run), and the number of racing CPUs the winner waits for (bounded)
 * before it stops the others, so that a two-CPU race really happens.
 */
extern unsigned int crash_test_panics_inside;
extern unsigned int crash_test_racers;

/*
 * Portable: write one ELF note (name, type, descriptor; desc may be NULL
 * for zeroes) at buf.  Returns its size, or 0 if cap is too small.
 */
size_t elfnote_write(void *buf, size_t cap, const char *name, uint32_t type,
                     const void *desc, uint32_t descsz);
/* The VMCOREINFO note ("KEY=value\n" text); returns its size or 0. */
size_t vmcoreinfo_build(void *buf, size_t cap);

#endif /* HV_CRASH_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The architecture interface: everything common/ may ask of the machine,
 * in one place (docs/layers.md).  common/ includes no <asm/...> header but
 * the one named here; arch/x86 implements this file, and the host unit
 * tests implement it again over host memory (tests/unit/fake-arch/), so
 * that every file of common/ builds and runs on the host.
 *
 * <asm/arch-inline.h> holds what must be inline (it is on hot paths, or
 * reads the stack pointer) and what common/ must know the size of:
 *   NR_CPUS                          the most CPUs the build supports
 *   struct cpu_user_regs             a CPU's saved registers (opaque to
 *                                    common/: passed and stored, not read)
 *   unsigned int arch_cpu_id(void)   this CPU's number, 0 .. NR_CPUS - 1
 *   void arch_cpu_relax(void)        in a spin-wait loop
 *   void arch_irq_disable(void)      interrupts off on this CPU
 *   uint64_t arch_timestamp(void)    a monotonic tick count (the TSC)
 *   struct domain *arch_current_domain(void)   the domain whose call
 *   void arch_set_current_domain(struct domain *)  this CPU is serving
 *   void *maddr_to_virt(maddr_t)     the direct map, both ways
 *   maddr_t virt_to_maddr(const void *)
 *   void arch_report_exit(uint8_t)   the run's end code (hv/shutdown.h)
 *   ARCH_CAPTURE_CALLER(regs)        (a macro, in panic()) the registers
 *                                    of panic()'s caller
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <hv/types.h>
#include <asm/arch-inline.h>

/* A frame through the direct map, both ways. */
static inline void *mfn_to_virt(mfn_t mfn)
{
    return maddr_to_virt(mfn_to_maddr(mfn));
}

static inline mfn_t virt_to_mfn(const void *va)
{
    return maddr_to_mfn(virt_to_maddr(va));
}

struct domain;
struct hv_elf_prstatus;
struct kexec_image;
struct kexec_load;
struct kexec_entry;
struct kimage_machine;

/* ---- console and time ---------------------------------------------------- */

void arch_console_init(void);
/* Raw bytes onto the hypervisor's console (the caller holds its lock). */
void arch_console_write(const char *buf, size_t len);
/* arch_timestamp() ticks in us microseconds; ticks per millisecond. */
uint64_t arch_us_to_ticks(uint64_t us);
uint64_t arch_ticks_per_ms(void);

/* ---- CPUs ---------------------------------------------------------------- */

/* CPUs the machine has (online or not), at most NR_CPUS. */
unsigned int arch_nr_cpus(void);
/* This CPU stops for good: interrupts off, halted (NMIs return here). */
__noreturn void arch_halt_forever(void);
/*
 * Stop every other CPU, waiting as long as it takes (a DEFAULT exec).
 * arch_park_stopped_cpus() then puts them where an image that overwrites
 * the hypervisor cannot hurt them.
 */
void arch_stop_other_cpus(void);
void arch_park_stopped_cpus(void);
/*
 * The crash shootdown: every other CPU is interrupted however it is
 * running (x86: an NMI), runs on_stop(the registers the interrupt found),
 * then stops, unless on_stop returns false (the CPU is busy with work of
 * the crash path and stops itself).  Waits at most timeout_ms in all; a
 * CPU that does not answer is named on the console and left behind.
 */
typedef bool (*arch_on_stop_fn)(const struct cpu_user_regs *regs);
void arch_crash_shootdown(uint64_t timeout_ms, arch_on_stop_fn on_stop);
/* Stop this CPU as the shootdown would, from any context (NMI or not). */
__noreturn void arch_stop_this_cpu(void);

/* ---- memory -------------------------------------------------------------- */

/* The machine's physical address width: addresses are below 1 << bits. */
unsigned int arch_phys_addr_bits(void);
/* Does any page-table entry of a guest map this frame?  Constant time. */
bool arch_frame_is_guest_mapped(mfn_t mfn);
/*
 * Every CPU that may hold a translation of d's tables flushes it; returns
 * when all have.  A frame leaves d only after this.
 */
void arch_flush_domain_tlbs(struct domain *d);

/* ---- the crash path ------------------------------------------------------ */

/* A crash note's registers (include/public/elfnote.h) from a saved frame. */
void arch_crash_fill_prstatus(struct hv_elf_prstatus *p, unsigned int cpu,
                              const struct cpu_user_regs *regs);
/* The VMCOREINFO lines the architecture adds ("KEY=value\n"); length. */
size_t arch_vmcoreinfo(char *buf, size_t cap);

/* ---- kexec: building an image and the jump (docs/kexec.md) -------------- */

/*
 * Build an image from a validated list.  0 or -errno, with *bad the entry
 * at fault (KEXEC_BAD_HEADER: none) and *why the reason.  unstaged (a
 * CRASH image with none loaded before it): the COPY pages are not staged,
 * the list names the guest's frames, and the image may only be placed
 * (one copy per page), not run, until machine_kexec_place().  The image's
 * arch part (page tables, control page, relocation list) is the arch's.
 */
int machine_kexec_build(const struct kexec_load *hdr,
                        const struct kexec_entry *ents,
                        const struct kimage_machine *m, unsigned int slot,
                        bool unstaged, struct kexec_image **out, uint64_t *bad,
                        const char **why);
/* Give back every frame of an image (NULL: nothing). */
void machine_kexec_free(struct kexec_image *img);
/*
 * CRASH images: write the staged (or, unstaged, the guest's) pages into
 * place, then make the image run without relocation and free the staging
 * pages.  panic_after: test hook, panic after that many pages (0: never).
 */
void machine_kexec_place(struct kexec_image *img, uint64_t panic_after);
/* Write-protect (or not) the crash region in the direct map. */
void machine_kexec_protect_region(bool protect);
/* Put this CPU into the handoff state and jump; both paths use it. */
__noreturn void machine_kexec(struct kexec_image *img);

#endif /* HV_ARCH_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The crash path's per-CPU state (docs/crash-path.md): the crash notes
 * (include/public/elfnote.h), allocated and zeroed at boot below 4 GiB so
 * that nothing is allocated when things are at their worst, and the
 * portable ELF note writer.  The registers in a note are the arch's to
 * fill (arch_crash_fill_prstatus()).
 *
 * Each CPU writes only its own note: the crashing CPU from the panic (or
 * the fault's frame), every other CPU from the frame its stop interrupt
 * found (crash_on_stop(), run by the arch's shootdown).  The crashing CPU
 * alone fills the hypervisor note.
 */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <hv/version.h>
#include <public/elfnote.h>

#define PRSTATUS_NOTE_SIZE HV_NOTE_SIZE(5, sizeof(struct hv_elf_prstatus))
#define CPU_NOTE_SLOT      512
#define HVINFO_NOTE_SIZE   HV_NOTE_SIZE(3, sizeof(struct hv_crash_info))

BUILD_BUG_ON(sizeof(struct hv_elf_prstatus) != 336);
BUILD_BUG_ON(PRSTATUS_NOTE_SIZE > CPU_NOTE_SLOT);
BUILD_BUG_ON(NR_CPUS *CPU_NOTE_SLOT > PAGE_SIZE);

static uint8_t *notes_page; /* CPU notes, one slot each */
static maddr_t notes_ma;
static uint8_t *info_page; /* hypervisor note, then VMCOREINFO */
static maddr_t info_ma;
static struct hv_crash_info *crash_info;
static size_t vmcoreinfo_size;
/* Each CPU's note: who may write it (crash_save_cpu_regs() below). */
enum { NOTE_FREE, NOTE_SAVING, NOTE_SAVED, NOTE_ABANDONED };
static uint32_t note_state[NR_CPUS];
/* Abandoned CPUs whose stop came after all (crash_notes_wait_late()). */
static uint32_t cpus_stopped_late;

/*
 * The descriptor of a CPU's note: after the 12-byte header and "CORE\0"
 * padded to 8, so only 4-byte aligned (as the ELF note format has it): it
 * is written through a copy, never as a struct in place.
 */
static uint8_t *cpu_prstatus(unsigned int cpu)
{
    return notes_page + cpu * CPU_NOTE_SLOT + 12 + 8;
}

static void crash_notes_clear_cpu(unsigned int cpu)
{
    elfnote_write(notes_page + cpu * CPU_NOTE_SLOT, CPU_NOTE_SLOT, "CORE",
                  NT_PRSTATUS, NULL, sizeof(struct hv_elf_prstatus));
}

void crash_notes_init(void)
{
    mfn_t a = alloc_frame(maddr_to_mfn(_maddr(GiB(4))));
    mfn_t b = alloc_frame(maddr_to_mfn(_maddr(GiB(4))));
    size_t off;

    if (mfn_is_invalid(a) || mfn_is_invalid(b))
        panic("no memory for the crash notes");
    notes_ma = mfn_to_maddr(a);
    info_ma = mfn_to_maddr(b);
    notes_page = maddr_to_virt(notes_ma);
    info_page = maddr_to_virt(info_ma);
    memset(notes_page, 0, PAGE_SIZE);
    memset(info_page, 0, PAGE_SIZE);
    memset(note_state, 0, sizeof(note_state));
    cpus_stopped_late = 0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        crash_notes_clear_cpu(cpu);
    off = elfnote_write(info_page, PAGE_SIZE, "HV", HV_ELFNOTE_CRASH_INFO, NULL,
                        sizeof(struct hv_crash_info));
    crash_info = (struct hv_crash_info *)(info_page + 12 + 4);
    crash_info->version = 1;
    crash_info->hv_version = (HV_VERSION_MAJOR << 16) | HV_VERSION_MINOR;
    vmcoreinfo_size = vmcoreinfo_build(info_page + off, PAGE_SIZE - off);
    printk("Crash notes: %u CPU notes at %#lx, hypervisor note and "
           "VMCOREINFO (%lu bytes) at %#lx\n",
           arch_nr_cpus(), (unsigned long)maddr_x(notes_ma),
           (unsigned long)vmcoreinfo_size, (unsigned long)maddr_x(info_ma));
}

int crash_note_range(unsigned int kind, unsigned int nr, maddr_t *start,
                     uint64_t *size)
{
    switch (kind) {
    case CRASH_NOTE_CPU:
        if (nr >= arch_nr_cpus() || nr >= NR_CPUS)
            return -1;
        *start = maddr_add(notes_ma, nr * CPU_NOTE_SLOT);
        *size = PRSTATUS_NOTE_SIZE;
        return 0;
    case CRASH_NOTE_HVINFO:
        *start = info_ma;
        *size = HVINFO_NOTE_SIZE;
        return 0;
    case CRASH_NOTE_VMCOREINFO:
        *start = maddr_add(info_ma, HVINFO_NOTE_SIZE);
        *size = vmcoreinfo_size;
        return 0;
    }
    return -1;
}

const void *crash_vmcoreinfo(size_t *size)
{
    *size = vmcoreinfo_size;
    return info_page + HVINFO_NOTE_SIZE;
}

/* A CPU caught writing its note when the notes close: microseconds. */
#define NOTE_SAVING_WAIT_US 10000

/*
 * A CPU's note is written once: the first save claims it (FREE -> SAVING,
 * compare-and-swap), so that a stop NMI landing while the CPU writes its
 * own note (a CPU that lost the panic race) neither overwrites it nor
 * stops the CPU half way (crash_cpu_saving()).  The crashing CPU closes
 * the notes once the shootdown is over (crash_notes_close()): a note still
 * FREE becomes ABANDONED, so that a CPU the shootdown gave up on, whose
 * stop NMI lands later, stops without writing into memory the crash
 * kernel may be reading by then.
 */
void crash_save_cpu_regs(const struct cpu_user_regs *regs)
{
    unsigned int cpu = arch_cpu_id();
    uint32_t expect = NOTE_FREE;
    struct hv_elf_prstatus pr;

    if (!notes_page || cpu >= NR_CPUS ||
        !__atomic_compare_exchange_n(&note_state[cpu], &expect, NOTE_SAVING,
                                     false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return;
    memcpy(&pr, cpu_prstatus(cpu), sizeof(pr));
    arch_crash_fill_prstatus(&pr, cpu, regs);
    memcpy(cpu_prstatus(cpu), &pr, sizeof(pr));
    __atomic_fetch_or(&crash_info->cpus_saved, 1u << cpu, __ATOMIC_RELEASE);
    __atomic_store_n(&note_state[cpu], NOTE_SAVED, __ATOMIC_RELEASE);
}

static uint32_t note_state_of(unsigned int cpu)
{
    return cpu < NR_CPUS ? __atomic_load_n(&note_state[cpu], __ATOMIC_ACQUIRE)
                         : NOTE_ABANDONED;
}

bool crash_cpu_saving(unsigned int cpu)
{
    return note_state_of(cpu) == NOTE_SAVING;
}

bool crash_cpu_saved(unsigned int cpu)
{
    return crash_info && cpu < 32 &&
           (__atomic_load_n(&crash_info->cpus_saved, __ATOMIC_ACQUIRE) &
            (1u << cpu));
}

bool crash_cpu_abandoned(unsigned int cpu)
{
    return note_state_of(cpu) == NOTE_ABANDONED;
}

/*
 * What each CPU the crash shootdown stops does first: save the registers
 * its stop interrupt found into its own note, unless the note holds them
 * already (a CPU that lost a panic race saved where it entered panic; a
 * CPU stopped twice keeps the first registers), or the crashing CPU gave
 * up on it (its note stays empty).  A CPU that is writing its own note
 * right now is not stopped: it stops itself once done (vpanic()).
 */
bool crash_on_stop(const struct cpu_user_regs *regs)
{
    unsigned int cpu = arch_cpu_id();

    if (crash_cpu_saving(cpu))
        return false;
    crash_save_cpu_regs(regs); /* does nothing unless the note is FREE */
    if (crash_cpu_abandoned(cpu) && cpu < 32)
        __atomic_fetch_or(&cpus_stopped_late, 1u << cpu, __ATOMIC_RELEASE);
    return true;
}

/*
 * After the shootdown, on the crashing CPU: every note not written yet is
 * abandoned (whoever swaps first wins: the late CPU saving, or this one
 * abandoning).  A CPU caught saving is waited for a short bounded time.
 * Returns the number of notes abandoned.
 */
unsigned int crash_notes_close(void)
{
    unsigned int me = arch_cpu_id(), abandoned = 0;

    for (unsigned int cpu = 0; cpu < arch_nr_cpus() && cpu < NR_CPUS; cpu++) {
        uint32_t expect = NOTE_FREE;
        uint64_t start;

        if (cpu == me)
            continue;
        if (__atomic_compare_exchange_n(&note_state[cpu], &expect,
                                        NOTE_ABANDONED, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            abandoned++;
            continue;
        }
        start = arch_timestamp();
        while (crash_cpu_saving(cpu) &&
               arch_timestamp() - start < arch_us_to_ticks(NOTE_SAVING_WAIT_US))
            arch_cpu_relax();
        if (crash_cpu_saving(cpu))
            printk(HVLOG_ERR "Crash notes: CPU %u still writing its note "
                             "after %u ms; going on\n",
                   cpu, NOTE_SAVING_WAIT_US / 1000);
    }
    /* The shootdown named the CPUs that did not stop; these notes also
       count the CPUs never started (nosmp). */
    if (abandoned)
        printk("Crash notes: %u CPU note%s left empty (CPUs not stopped)\n",
               abandoned, abandoned == 1 ? "" : "s");
    return abandoned;
}

static bool note_empty(unsigned int cpu)
{
    const uint8_t *p = cpu_prstatus(cpu);

    for (size_t i = 0; i < sizeof(struct hv_elf_prstatus); i++)
        if (p[i])
            return false;
    return !crash_cpu_saved(cpu);
}

/*
 * crash_test_late_wait_ms (common/panic.c): the crashing CPU waits up to
 * ms for the CPUs it gave up on to take their stop after all, and says
 * for each whether its note stayed empty, so that a test can see it.
 */
void crash_notes_wait_late(uint64_t ms)
{
    uint32_t want = 0;
    uint64_t start = arch_timestamp();

    for (unsigned int cpu = 0; cpu < arch_nr_cpus() && cpu < 32; cpu++)
        if (crash_cpu_abandoned(cpu) && cpu != arch_cpu_id())
            want |= 1u << cpu;
    while ((__atomic_load_n(&cpus_stopped_late, __ATOMIC_ACQUIRE) & want) !=
               want &&
           arch_timestamp() - start < arch_us_to_ticks(ms * 1000))
        arch_cpu_relax();
    for (unsigned int cpu = 0; cpu < 32; cpu++) {
        if (!(want & (1u << cpu)))
            continue;
        if (__atomic_load_n(&cpus_stopped_late, __ATOMIC_ACQUIRE) & (1u << cpu))
            printk("Crash notes: CPU %u stopped late; its note %s\n", cpu,
                   note_empty(cpu) ? "left empty" : "WRITTEN");
        else
            printk("Crash notes: CPU %u did not stop in %lu ms more\n", cpu,
                   (unsigned long)ms);
    }
    printk("Crash notes: waited %lu ms for late CPUs\n",
           (unsigned long)((arch_timestamp() - start) /
                           (arch_ticks_per_ms() ? arch_ticks_per_ms() : 1)));
}

void crash_info_panic(unsigned int cpu, uint64_t tsc, const char *reason)
{
    if (!crash_info)
        return;
    crash_info->crashing_cpu = cpu;
    crash_info->nr_cpus = arch_nr_cpus();
    crash_info->tsc_khz = arch_ticks_per_ms();
    crash_info->tsc_panic = tsc;
    strlcpy(crash_info->reason, reason, sizeof(crash_info->reason));
}

void crash_info_handoff(void)
{
    if (crash_info)
        crash_info->tsc_handoff = arch_timestamp();
}

size_t elfnote_write(void *buf, size_t cap, const char *name, uint32_t type,
                     const void *desc, uint32_t descsz)
{
    uint32_t namesz = (uint32_t)strlen(name) + 1;
    size_t name_pad = (namesz + 3) & ~3u, desc_pad = (descsz + 3) & ~3u;
    size_t total = 12 + name_pad + desc_pad;
    uint8_t *p = buf;
    uint32_t hdr[3] = { namesz, descsz, type };

    if (total > cap)
        return 0;
    memset(p, 0, total);
    memcpy(p, hdr, sizeof(hdr));
    memcpy(p + 12, name, namesz);
    if (desc)
        memcpy(p + 12 + name_pad, desc, descsz);
    return total;
}

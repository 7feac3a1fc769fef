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

/*
 * A CPU's note is written once: the first save claims it, so that a stop
 * NMI landing while the CPU writes its own note (a CPU that lost the panic
 * race) neither overwrites it nor stops the CPU half way
 * (crash_cpu_saving()).
 */
static uint32_t cpus_claimed;

void crash_save_cpu_regs(const struct cpu_user_regs *regs)
{
    unsigned int cpu = arch_cpu_id();
    struct hv_elf_prstatus pr;

    if (!notes_page || cpu >= NR_CPUS ||
        (__atomic_fetch_or(&cpus_claimed, 1u << cpu, __ATOMIC_ACQ_REL) &
         (1u << cpu)))
        return;
    memcpy(&pr, cpu_prstatus(cpu), sizeof(pr));
    arch_crash_fill_prstatus(&pr, cpu, regs);
    memcpy(cpu_prstatus(cpu), &pr, sizeof(pr));
    __atomic_fetch_or(&crash_info->cpus_saved, 1u << cpu, __ATOMIC_RELEASE);
}

bool crash_cpu_saving(unsigned int cpu)
{
    return cpu < 32 &&
           (__atomic_load_n(&cpus_claimed, __ATOMIC_ACQUIRE) & (1u << cpu)) &&
           !crash_cpu_saved(cpu);
}

bool crash_cpu_saved(unsigned int cpu)
{
    return crash_info && cpu < 32 &&
           (__atomic_load_n(&crash_info->cpus_saved, __ATOMIC_ACQUIRE) &
            (1u << cpu));
}

/*
 * What each CPU the crash shootdown stops does first: save the registers
 * its stop interrupt found into its own note, unless the note holds them
 * already (a CPU that lost a panic race saved where it entered panic; a
 * CPU stopped twice keeps the first registers).  A CPU that is writing its
 * own note right now is not stopped: it stops itself once done (vpanic()).
 */
bool crash_on_stop(const struct cpu_user_regs *regs)
{
    unsigned int cpu = arch_cpu_id();

    if (crash_cpu_saving(cpu))
        return false;
    if (!crash_cpu_saved(cpu))
        crash_save_cpu_regs(regs);
    return true;
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

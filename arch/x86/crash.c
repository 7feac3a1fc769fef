/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The crash path's per-CPU state: the crash notes (include/public/
 * elfnote.h), allocated and zeroed at boot below 4 GiB so that nothing is
 * allocated when things are at their worst, and the register capture.
 *
 * Each CPU writes only its own note: the crashing CPU from the panic (or
 * the fault's frame), every other CPU from the frame its stop NMI
 * interrupted.  The crashing CPU alone fills the hypervisor note.
 */
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>
#include <hv/version.h>
#include <public/elfnote.h>

#define PRSTATUS_NOTE_SIZE HV_NOTE_SIZE(5, sizeof(struct hv_elf_prstatus))
#define CPU_NOTE_SLOT 512
#define HVINFO_NOTE_SIZE HV_NOTE_SIZE(3, sizeof(struct hv_crash_info))

BUILD_BUG_ON(sizeof(struct hv_elf_prstatus) != 336);
BUILD_BUG_ON(PRSTATUS_NOTE_SIZE > CPU_NOTE_SLOT);
BUILD_BUG_ON(NR_CPUS * CPU_NOTE_SLOT > PAGE_SIZE);

static uint8_t *notes_page;     /* CPU notes, one slot each */
static paddr_t notes_ma;
static uint8_t *info_page;      /* hypervisor note, then VMCOREINFO */
static paddr_t info_ma;
static struct hv_crash_info *crash_info;
static size_t vmcoreinfo_size;

static struct hv_elf_prstatus *cpu_prstatus(unsigned int cpu)
{
    return (struct hv_elf_prstatus *)(notes_page + cpu * CPU_NOTE_SLOT + 12 + 8);
}

static void crash_notes_clear_cpu(unsigned int cpu)
{
    elfnote_write(notes_page + cpu * CPU_NOTE_SLOT, CPU_NOTE_SLOT, "CORE",
                  NT_PRSTATUS, NULL, sizeof(struct hv_elf_prstatus));
}

void crash_notes_init(void)
{
    mfn_t a = alloc_frame(GiB(4) >> PAGE_SHIFT);
    mfn_t b = alloc_frame(GiB(4) >> PAGE_SHIFT);
    size_t off;

    if (a == INVALID_MFN || b == INVALID_MFN)
        panic("no memory for the crash notes");
    notes_ma = a << PAGE_SHIFT;
    info_ma = b << PAGE_SHIFT;
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
           "VMCOREINFO (%lu bytes) at %#lx\n", nr_cpus, (unsigned long)notes_ma,
           (unsigned long)vmcoreinfo_size, (unsigned long)info_ma);
}

int crash_note_range(unsigned int kind, unsigned int nr, paddr_t *start,
                     uint64_t *size)
{
    switch (kind) {
    case CRASH_NOTE_CPU:
        if (nr >= nr_cpus || nr >= NR_CPUS)
            return -1;
        *start = notes_ma + nr * CPU_NOTE_SLOT;
        *size = PRSTATUS_NOTE_SIZE;
        return 0;
    case CRASH_NOTE_HVINFO:
        *start = info_ma;
        *size = HVINFO_NOTE_SIZE;
        return 0;
    case CRASH_NOTE_VMCOREINFO:
        *start = info_ma + HVINFO_NOTE_SIZE;
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

static void regs_to_prstatus(struct hv_elf_prstatus *p, unsigned int cpu,
                             const struct cpu_user_regs *r)
{
    uint16_t ds, es, fs, gs;

    asm volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                 : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    p->pr_reg[PR_R15] = r->r15;
    p->pr_reg[PR_R14] = r->r14;
    p->pr_reg[PR_R13] = r->r13;
    p->pr_reg[PR_R12] = r->r12;
    p->pr_reg[PR_RBP] = r->rbp;
    p->pr_reg[PR_RBX] = r->rbx;
    p->pr_reg[PR_R11] = r->r11;
    p->pr_reg[PR_R10] = r->r10;
    p->pr_reg[PR_R9] = r->r9;
    p->pr_reg[PR_R8] = r->r8;
    p->pr_reg[PR_RAX] = r->rax;
    p->pr_reg[PR_RCX] = r->rcx;
    p->pr_reg[PR_RDX] = r->rdx;
    p->pr_reg[PR_RSI] = r->rsi;
    p->pr_reg[PR_RDI] = r->rdi;
    p->pr_reg[PR_ORIG_RAX] = ~0UL;
    p->pr_reg[PR_RIP] = r->rip;
    p->pr_reg[PR_CS] = r->cs;
    p->pr_reg[PR_RFLAGS] = r->rflags;
    p->pr_reg[PR_RSP] = r->rsp;
    p->pr_reg[PR_SS] = r->ss;
    p->pr_reg[PR_DS] = ds;
    p->pr_reg[PR_ES] = es;
    p->pr_reg[PR_FS] = fs;
    p->pr_reg[PR_GS] = gs;
    p->pr_pid = (int32_t)cpu + 1;
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
    unsigned int cpu = smp_processor_id();

    if (!notes_page || cpu >= NR_CPUS ||
        (__atomic_fetch_or(&cpus_claimed, 1u << cpu, __ATOMIC_ACQ_REL) &
         (1u << cpu)))
        return;
    regs_to_prstatus(cpu_prstatus(cpu), cpu, regs);
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
 * The registers of the code that called panic(): RIP is inside its call
 * instruction (the return address - 1, see panic()), RSP and RBP the
 * caller's frame.  The other registers are
 * whatever they held on the way in, as in a core dump of a live thread.
 */
void crash_capture_caller(struct cpu_user_regs *r, uint64_t rip, uint64_t rsp,
                          uint64_t rbp)
{
    asm volatile("mov %%rbx, %0; mov %%r12, %1; mov %%r13, %2; "
                 "mov %%r14, %3; mov %%r15, %4"
                 : "=m"(r->rbx), "=m"(r->r12), "=m"(r->r13), "=m"(r->r14),
                   "=m"(r->r15));
    r->rip = rip;
    r->rsp = rsp;
    r->rbp = rbp;
    r->cs = HV_CS;
    r->ss = HV_DS;
    r->rflags = read_rflags();
}

void crash_info_panic(unsigned int cpu, uint64_t tsc, const char *reason)
{
    if (!crash_info)
        return;
    crash_info->crashing_cpu = cpu;
    crash_info->nr_cpus = nr_cpus;
    crash_info->tsc_khz = tsc_khz;
    crash_info->tsc_panic = tsc;
    strlcpy(crash_info->reason, reason, sizeof(crash_info->reason));
}

void crash_info_handoff(void)
{
    if (crash_info)
        crash_info->tsc_handoff = rdtsc();
}

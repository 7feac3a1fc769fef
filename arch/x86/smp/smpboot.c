/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMP bring-up, IPIs and stopping the other CPUs.
 *
 * The APs found by acpi_init() are started one at a time with
 * INIT-SIPI-SIPI into the trampoline (ap-trampoline.S), copied into a
 * RAM page below 1 MiB.  The trampoline runs on a page table of its own
 * that maps its page 1:1 and shares the hypervisor's upper half (L4
 * slots 256-511 of idle_pg_table), so that it can jump to ap_start64 at
 * its high address and switch to the real CR3 there.  ap_start_c() then
 * sets the AP up on its own stack block and parks it in an idle loop
 * with interrupts on.  CPU states (struct cpu_info.state):
 *
 *   OFFLINE -> BOOTING (AP in C) -> ONLINE (AP idle) -> STOPPED (panic)
 *
 * After bring-up, every AP is sent a fixed IPI and an NMI as a check
 * (only a diagnosis: an answer that comes after its wait is counted and
 * ignored).  arch_stop_other_cpus() (for panic) stops the others with NMIs;
 * a stopped CPU leaves NMI context (iretq) before it halts for good.
 * smp_flush_tlb_others() waits until every online CPU has flushed.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <hv/param.h>

/* Test hooks (docs/command-line.md). */
static uint64_t opt_flush_delay_ms;
test_integer_param("smp_test_flush_delay_ms", opt_flush_delay_ms);
static uint64_t opt_ipi_late_cpu;
test_integer_param("smp_test_late_nmi_cpu", opt_ipi_late_cpu);
static bool opt_parked_nmi;
test_boolean_param("crash_test_parked_nmi", opt_parked_nmi);

/* Must match the parameter block at the end of ap-trampoline.S. */
struct ap_tramp_params {
    uint64_t cr3;      /* trampoline root, below 4 GiB */
    uint64_t efer;     /* EFER bits the trampoline sets */
    uint64_t real_cr3; /* idle_pg_table */
    uint64_t stack;    /* the AP's struct cpu_info */
    uint64_t entry;    /* ap_start64 */
    uint32_t started;  /* set by the AP in real mode */
    uint32_t pad;
};

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern const char ap_tramp_params[];
void ap_start64(void);
__noreturn void ap_start_c(void);

#define AP_START_TIMEOUT_MS  1000
#define IPI_CHECK_TIMEOUT_MS 100
#define STOP_TIMEOUT_MS      1000
/* The page SIPI'd to when it is RAM (anything in RAM below 0x9f000 does). */
#define TRAMPOLINE_PREFERRED 0x8000UL
#define TRAMPOLINE_LOW       0x1000UL
#define TRAMPOLINE_HIGH      0x9f000UL

static maddr_t tramp_pa; /* the trampoline page */
static mfn_t tramp_root = INVALID_MFN;
/* What every AP copies from the BSP. */
static uint64_t bsp_cr4, bsp_efer;

static inline int cpu_state(const struct cpu_info *ci)
{
    return __atomic_load_n(&ci->state, __ATOMIC_ACQUIRE);
}

static inline void set_cpu_state(struct cpu_info *ci, int state)
{
    __atomic_store_n(&ci->state, state, __ATOMIC_RELEASE);
}

unsigned int num_online_cpus(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < NR_CPUS; i++)
        if (cpu_infos[i] && cpu_state(cpu_infos[i]) == CPU_ONLINE)
            n++;
    /* Before smp_boot_cpus() the boot CPU is running but not marked. */
    return n ? n : 1;
}

/* ---- the AP side ------------------------------------------------------ */

static void ipi_ping_handler(struct cpu_user_regs *regs)
{
    __atomic_fetch_add(&get_cpu_info()->ipi_count, 1, __ATOMIC_RELEASE);
    apic_eoi();
}

/*
 * Return from the NMI to the next instruction (an iretq to ourselves):
 * the CPU takes NMIs again afterwards.  A parked CPU must not keep NMIs
 * latched, nor may the CPU that jumps to a crash kernel (which would
 * inherit the block).
 */
void nmi_unlatch(void)
{
    /* clang-format off */
    asm volatile("mov %%rsp, %%rax\n\t"
                 "pushq %[ss]\n\t"
                 "pushq %%rax\n\t"
                 "pushfq\n\t"
                 "pushq %[cs]\n\t"
                 "lea 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "iretq\n"
                 "1:"
                 :: [ss] "i"(HV_DS), [cs] "i"(HV_CS) : "rax", "memory", "cc");
    /* clang-format on */
}

/*
 * TLB shootdown (smp_flush_tlb_others): flush, count, EOI.  With
 * smp_test_flush_delay_ms=N, CPU 1 answers N ms late (a slow CPU).
 */
static void ipi_flush_handler(struct cpu_user_regs *regs)
{
    if (opt_flush_delay_ms && smp_processor_id() == 1)
        mdelay(opt_flush_delay_ms);
    flush_tlb_local();
    __atomic_fetch_add(&get_cpu_info()->tlb_flushes, 1, __ATOMIC_RELEASE);
    apic_eoi();
}

__noreturn void arch_stop_this_cpu(void)
{
    local_irq_disable();
    apic_quiesce(); /* before STOPPED: a kexec waits for that */
    set_cpu_state(get_cpu_info(), CPU_STOPPED);
    nmi_unlatch();
    halt_forever();
}

/*
 * On the crash path, a CPU the NMI stops first runs the shootdown's
 * on_stop with the registers the NMI interrupted (common/crash-notes.c
 * saves them into the CPU's crash note); if that says the CPU is busy, the
 * NMI returns and the CPU stops itself later.  A CPU already stopped does
 * nothing but count the NMI: a stopped CPU must take them
 * (crash_test_parked_nmi checks it).
 */
static arch_on_stop_fn stop_callback;
static void smp_stop_others(uint64_t timeout_ms, arch_on_stop_fn on_stop);
static uint64_t stopped_nmis[NR_CPUS];

static void nmi_stop_handler(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();

    if (cpu_state(get_cpu_info()) == CPU_STOPPED)
        __atomic_fetch_add(&stopped_nmis[cpu], 1, __ATOMIC_RELEASE);
    else if (stop_callback && !stop_callback(regs))
        return; /* busy on the crash path: it stops itself */
    arch_stop_this_cpu();
}

void ap_start_c(void)
{
    struct cpu_info *ci = get_cpu_info();
    unsigned int cpu = ci->cpu_id;

    set_cpu_state(ci, CPU_BOOTING);
    traps_init_cpu(cpu);
    /* The trampoline set LME (and NXE); the rest as the BSP has it. */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (bsp_efer & (EFER_SCE | EFER_NXE)));
    write_cr4(bsp_cr4);
    apic_init_ap();
    if (apic_id() != ci->apic_id)
        printk(HVLOG_WARNING "CPU %u: APIC ID is %u, the MADT said %u\n", cpu,
               apic_id(), ci->apic_id);

    set_cpu_state(ci, CPU_ONLINE);
    /* clang-format off */
    for (;;)
        asm volatile("sti; hlt; cli" ::: "memory");  /* sti shadow covers hlt */
    /* clang-format on */
}

/* ---- the trampoline --------------------------------------------------- */

/* Is [pa, pa + PAGE_SIZE) RAM, in nobody's way? */
static bool overlaps_page(uint64_t pa, maddr_t start, uint64_t size)
{
    return pa < maddr_x(start) + size && pa + PAGE_SIZE > maddr_x(start);
}

/* Is [pa, pa + PAGE_SIZE) RAM, in nobody's way?  (A search below 1 MiB,
   in plain numbers.) */
static bool trampoline_page_ok(uint64_t pa)
{
    bool ram = false;

    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        uint64_t start = maddr_x(r->start);

        if (!overlaps_page(pa, r->start, r->size))
            continue;
        if (r->type != MEM_RAM)
            return false;
        if (start <= pa && start + r->size >= pa + PAGE_SIZE)
            ram = true;
    }
    if (overlaps_page(pa, boot_info.image_start,
                      maddr_x(boot_info.image_end) -
                          maddr_x(boot_info.image_start)))
        return false;
    for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
        const struct boot_module *m = &boot_info.modules[i];

        if (overlaps_page(pa, m->start, m->size))
            return false;
    }
    return ram;
}

static maddr_t find_trampoline_page(void)
{
    if (trampoline_page_ok(TRAMPOLINE_PREFERRED))
        return _maddr(TRAMPOLINE_PREFERRED);
    for (uint64_t pa = TRAMPOLINE_HIGH - PAGE_SIZE; pa >= TRAMPOLINE_LOW;
         pa -= PAGE_SIZE)
        if (trampoline_page_ok(pa))
            return _maddr(pa);
    return _maddr(0);
}

static pte_t *table_va(mfn_t mfn)
{
    return hv_pt_ops.table_va(hv_pt_ops.ctx, mfn);
}

/* Free the trampoline root and the tables below it for the low page. */
static void trampoline_free_tables(void)
{
    mfn_t mfn = tramp_root;
    uint64_t va = maddr_x(tramp_pa); /* mapped 1:1 */
    static const unsigned int shifts[] = { L4_SHIFT, L3_SHIFT, L2_SHIFT };

    if (mfn_is_invalid(tramp_root))
        return;
    for (unsigned int lvl = 0; lvl < ARRAY_SIZE(shifts); lvl++) {
        pte_t e = table_va(mfn)[pt_index(va, shifts[lvl])];

        if (lvl)
            free_frame(mfn); /* the root is freed last, below */
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE)) {
            mfn = INVALID_MFN;
            break;
        }
        mfn = pte_mfn(e);
    }
    if (!mfn_is_invalid(mfn))
        free_frame(mfn); /* the L1 table */
    free_frame(tramp_root);
    tramp_root = INVALID_MFN;
}

static bool trampoline_setup(void)
{
    uint64_t size = (uintptr_t)ap_trampoline_end -
                    (uintptr_t)ap_trampoline_start;
    pte_t *root, *idle;

    BUG_ON(size > PAGE_SIZE);
    tramp_pa = find_trampoline_page();
    if (!maddr_x(tramp_pa)) {
        printk(HVLOG_ERR
               "SMP: no RAM page below 1 MiB for the AP trampoline\n");
        return false;
    }
    /* The trampoline loads CR3 in 32-bit mode: the root is below 4 GiB. */
    tramp_root = alloc_frame(maddr_to_mfn(_maddr(GiB(4))));
    if (mfn_is_invalid(tramp_root)) {
        printk(HVLOG_ERR "SMP: no memory for the trampoline page table\n");
        return false;
    }
    root = table_va(tramp_root);
    memset(root, 0, PAGE_SIZE);
    if (map_pages(&hv_pt_ops, tramp_root, _vaddr(maddr_x(tramp_pa)),
                  maddr_to_mfn(tramp_pa), 1,
                  _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
                      MAP_SMALL_ONLY)) {
        printk(HVLOG_ERR "SMP: cannot map the AP trampoline\n");
        trampoline_free_tables();
        return false;
    }
    /* The hypervisor's half, shared (and already complete: the AP uses
     * only text, and the real CR3 from its first high instruction). */
    idle = table_va(idle_pg_table_mfn);
    for (unsigned int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
        root[i] = idle[i];

    memcpy(maddr_to_virt(tramp_pa), ap_trampoline_start, size);
    return true;
}

static struct ap_tramp_params *trampoline_params(void)
{
    return maddr_to_virt(
        maddr_add(tramp_pa,
                  (uintptr_t)ap_tramp_params - (uintptr_t)ap_trampoline_start));
}

/* ---- the BSP side ----------------------------------------------------- */

static bool wait_for_state(struct cpu_info *ci, int state, uint64_t ms)
{
    uint64_t start = rdtsc(), limit = us_to_tsc(ms * 1000);

    while (cpu_state(ci) != state) {
        if (rdtsc() - start > limit)
            return false;
        cpu_relax();
    }
    return true;
}

static bool start_ap(unsigned int cpu)
{
    struct ap_tramp_params *p = trampoline_params();
    volatile uint32_t *started = &p->started;
    uint32_t id = cpu_apic_id[cpu];
    uint8_t vector = mfn_x(maddr_to_mfn(tramp_pa)); /* SIPI: page number */
    struct cpu_info *ci = cpu_infos[cpu] ? cpu_infos[cpu]
                                         : alloc_cpu_stack(cpu);

    if (!ci) {
        printk(HVLOG_ERR "CPU %u: no memory for its stacks\n", cpu);
        return false;
    }
    set_cpu_state(ci, CPU_OFFLINE);
    p->cr3 = maddr_x(mfn_to_maddr(tramp_root));
    p->efer = EFER_LME | (cpu_has.nx ? EFER_NXE : 0);
    p->real_cr3 = maddr_x(mfn_to_maddr(idle_pg_table_mfn));
    p->stack = (uint64_t)ci;
    p->entry = (uint64_t)ap_start64;
    *started = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_send_init(id);
    mdelay(10);
    apic_send_sipi(id, vector);
    udelay(200);
    if (!*started) {
        apic_send_sipi(id, vector);
        udelay(200);
    }
    if (!wait_for_state(ci, CPU_ONLINE, AP_START_TIMEOUT_MS)) {
        int st = cpu_state(ci);

        printk(HVLOG_ERR "CPU %u did not start (APIC ID %u, %s)\n", cpu, id,
               st == CPU_BOOTING ? "stuck in its C entry"
               : *started        ? "stuck in the trampoline"
                                 : "never reached the trampoline");
        /* Back to wait-for-SIPI: it must not run on later parameters. */
        apic_send_init(id);
        set_cpu_state(ci, CPU_OFFLINE);
        return false;
    }
    printk("CPU %u: APIC ID %u online\n", cpu, id);
    return true;
}

static volatile uint64_t nmi_counts[NR_CPUS];
/* The check's NMI sent to a CPU and not taken yet; late ones counted. */
static bool nmi_check_outstanding[NR_CPUS];
static unsigned int nmi_check_late;

static void nmi_count_handler(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();

    __atomic_store_n(&nmi_check_outstanding[cpu], false, __ATOMIC_RELEASE);
    __atomic_fetch_add(&nmi_counts[cpu], 1, __ATOMIC_RELEASE);
}

/*
 * An NMI with no handler waiting: is it the IPI check's, arriving after
 * the check stopped waiting (a slow CPU, or one the host did not run for
 * seconds)?  Then it is counted and ignored: a check that only diagnoses
 * must not kill the machine.  With no time limit: an APIC does not drop
 * an NMI it accepted, so the answer comes whenever the CPU runs again, and
 * at most one NMI per CPU is taken for it.
 */
bool smp_nmi_is_late_check(void)
{
    unsigned int cpu = smp_processor_id();

    if (cpu >= NR_CPUS || !__atomic_exchange_n(&nmi_check_outstanding[cpu],
                                               false, __ATOMIC_ACQ_REL))
        return false;
    __atomic_fetch_add(&nmi_check_late, 1, __ATOMIC_RELEASE);
    return true;
}

/*
 * smp_test_late_nmi_cpu=N: CPU N spins in an NMI handler (NMIs blocked)
 * for three times the check's wait, so that the check's NMI reaches it
 * only after the check has given up on it.
 */
static volatile bool late_cpu_holding;

static void nmi_hold_handler(struct cpu_user_regs *regs)
{
    if (smp_processor_id() != opt_ipi_late_cpu)
        return;
    late_cpu_holding = true;
    mdelay(3 * IPI_CHECK_TIMEOUT_MS);
}

static bool ipi_check_hold_late_cpu(void)
{
    struct cpu_info *ci;
    uint64_t start = rdtsc();

    if (!opt_ipi_late_cpu || opt_ipi_late_cpu >= nr_cpus ||
        !(ci = cpu_infos[opt_ipi_late_cpu]) || cpu_state(ci) != CPU_ONLINE)
        return false;
    nmi_callback = nmi_hold_handler;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    apic_send_nmi(ci->apic_id);
    while (!late_cpu_holding && rdtsc() - start < us_to_tsc(1000000))
        cpu_relax();
    return late_cpu_holding;
}

/* With the test hook: wait for the late answer and say what became of it. */
static void ipi_check_report_late(void)
{
    uint64_t start = rdtsc();

    while (!__atomic_load_n(&nmi_check_late, __ATOMIC_ACQUIRE) &&
           rdtsc() - start < us_to_tsc(1000000))
        cpu_relax();
    printk("IPI check: %u late NMI%s counted and ignored\n", nmi_check_late,
           nmi_check_late == 1 ? "" : "s");
}

/* Every other online CPU gets a fixed IPI and an NMI; all must answer. */
static void ipi_self_check(void)
{
    uint64_t ipi_before[NR_CPUS] = { 0 }, nmi_before[NR_CPUS] = { 0 };
    bool asked[NR_CPUS] = { false }, done;
    unsigned int me = smp_processor_id(), n = 0, ok = 0;
    uint64_t start, limit = us_to_tsc(IPI_CHECK_TIMEOUT_MS * 1000);
    char missing[128];
    size_t len = 0;
    bool late_test = ipi_check_hold_late_cpu();

    nmi_callback = nmi_count_handler;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < nr_cpus; i++) {
        struct cpu_info *ci = cpu_infos[i];

        if (i == me || !ci || cpu_state(ci) != CPU_ONLINE)
            continue;
        asked[i] = true;
        n++;
        ipi_before[i] = __atomic_load_n(&ci->ipi_count, __ATOMIC_ACQUIRE);
        nmi_before[i] = nmi_counts[i];
        __atomic_store_n(&nmi_check_outstanding[i], true, __ATOMIC_RELEASE);
        apic_send_ipi(ci->apic_id, VECTOR_IPI_PING);
        apic_send_nmi(ci->apic_id);
    }

    start = rdtsc();
    do {
        done = true;
        for (unsigned int i = 0; i < nr_cpus; i++)
            if (asked[i] &&
                (__atomic_load_n(&cpu_infos[i]->ipi_count, __ATOMIC_ACQUIRE) ==
                     ipi_before[i] ||
                 nmi_counts[i] == nmi_before[i]))
                done = false;
        cpu_relax();
    } while (!done && rdtsc() - start < limit);
    nmi_callback = NULL;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    missing[0] = '\0';
    for (unsigned int i = 0; i < nr_cpus; i++) {
        bool ipi, nmi;

        if (!asked[i])
            continue;
        ipi = __atomic_load_n(&cpu_infos[i]->ipi_count, __ATOMIC_ACQUIRE) !=
              ipi_before[i];
        nmi = nmi_counts[i] != nmi_before[i];
        if (ipi && nmi) {
            ok++;
            continue;
        }
        if (len < sizeof(missing))
            len += snprintf(missing + len, sizeof(missing) - len,
                            " CPU %u (%s)", i,
                            !ipi && !nmi ? "neither"
                            : !ipi       ? "no fixed IPI"
                                         : "no NMI");
    }
    if (ok == n)
        printk("IPI check: %u/%u CPUs answered fixed and NMI IPIs%s\n", ok, n,
               n ? "" : " (no other CPU online)");
    else
        printk(HVLOG_ERR
               "IPI check: %u/%u CPUs answered fixed and NMI IPIs; not:%s\n",
               ok, n, missing);
    if (late_test)
        ipi_check_report_late();
}

/*
 * nosmp: run on the boot CPU only (the others stay where they are: for a
 * crash hypervisor, halted by the crashed one).  A crash hypervisor needs
 * it: it may not touch memory outside the crash region, and the AP
 * trampoline must sit below 1 MiB.  Linux's nosmp / maxcpus=1.
 */
static bool opt_nosmp;
boolean_param("nosmp", opt_nosmp);

void smp_boot_cpus(void)
{
    struct cpu_info *bsp = get_cpu_info();

    BUG_ON(bsp->cpu_id != 0);
    bsp->apic_id = cpu_apic_id[0];
    bsp_cr4 = read_cr4();
    bsp_efer = rdmsr(MSR_EFER);
    set_irq_handler(VECTOR_IPI_PING, ipi_ping_handler);
    set_irq_handler(VECTOR_IPI_FLUSH, ipi_flush_handler);
    set_cpu_state(bsp, CPU_ONLINE);
    printk("CPU 0: APIC ID %u online\n", bsp->apic_id);

    if (nr_cpus > 1 && opt_nosmp) {
        printk("SMP: nosmp: %u other CPU%s left as they are\n", nr_cpus - 1,
               nr_cpus == 2 ? "" : "s");
    } else if (nr_cpus > 1) {
        if (trampoline_setup()) {
            printk(
                "SMP: starting %u more CPU%s through the trampoline at %#lx\n",
                nr_cpus - 1, nr_cpus == 2 ? "" : "s",
                (unsigned long)maddr_x(tramp_pa));
            for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
                start_ap(cpu);
            trampoline_free_tables();
        } else {
            printk(HVLOG_ERR "SMP: running on the boot CPU only\n");
        }
    }
    printk("SMP: %u CPU%s online\n", num_online_cpus(),
           num_online_cpus() == 1 ? "" : "s");
    ipi_self_check();
}

/* ---- stopping --------------------------------------------------------- */

/*
 * TLB shootdown: the other CPUs flush their TLBs and count the flush.
 * Used when a mapping loses rights (the crash region's write protection),
 * so the caller may rely on no other CPU keeping the old rights: it waits,
 * with no time limit, until every CPU asked has flushed, or has left the
 * online state (stopped by a crash, sent back to wait-for-SIPI): such a
 * CPU runs nothing any more.  A console line after 100 ms, then every
 * second, names the CPUs being waited for, as Linux does for a CPU that
 * does not answer a cross call.
 */
void smp_flush_tlb_cpus(uint64_t cpus)
{
    unsigned int me = smp_processor_id();
    uint64_t want[NR_CPUS] = { 0 }, start = rdtsc(), ms;
    uint64_t next_note = IPI_CHECK_TIMEOUT_MS;
    bool waited = false;

    if (cpus & (1UL << me))
        flush_tlb_local();
    for (unsigned int i = 0; i < nr_cpus && i < NR_CPUS; i++) {
        struct cpu_info *ci = cpu_infos[i];

        if (i == me || !(cpus & (1UL << i)) || !ci ||
            cpu_state(ci) != CPU_ONLINE)
            continue;
        want[i] = __atomic_load_n(&ci->tlb_flushes, __ATOMIC_ACQUIRE) + 1;
        apic_send_ipi(ci->apic_id, VECTOR_IPI_FLUSH);
    }
    for (;;) {
        char late[96];
        size_t len = 0;

        late[0] = '\0';
        for (unsigned int i = 0; i < NR_CPUS; i++)
            if (want[i] && cpu_state(cpu_infos[i]) == CPU_ONLINE &&
                __atomic_load_n(&cpu_infos[i]->tlb_flushes, __ATOMIC_ACQUIRE) <
                    want[i] &&
                len < sizeof(late))
                len += snprintf(late + len, sizeof(late) - len, " %u", i);
        ms = (rdtsc() - start) / (tsc_khz ? tsc_khz : 1);
        if (!len)
            break;
        if (ms >= next_note) {
            printk(HVLOG_WARNING "SMP: TLB shootdown: waiting for CPU%s to "
                                 "flush (%lu ms)\n",
                   late, (unsigned long)ms);
            next_note += 1000;
            waited = true;
        }
        cpu_relax();
    }
    if (waited)
        printk("SMP: TLB shootdown: every CPU flushed after %lu ms\n",
               (unsigned long)ms);
}

void smp_flush_tlb_others(void)
{
    smp_flush_tlb_cpus(~(1UL << smp_processor_id()));
}

/*
 * For panic(), on any CPU: the others take an NMI (which gets through
 * with interrupts off, and in a loop waiting for a lock) and halt for
 * good.  A CPU still starting has no IDT to take it: INIT parks it.
 */
void arch_stop_other_cpus(void)
{
    smp_stop_others(STOP_TIMEOUT_MS, NULL);
}

void arch_park_stopped_cpus(void)
{
    unsigned int me = smp_processor_id(), parked = 0;

    for (unsigned int i = 0; i < nr_cpus && i < NR_CPUS; i++) {
        struct cpu_info *ci = cpu_infos[i];

        if (i == me || !ci || cpu_state(ci) != CPU_STOPPED)
            continue;
        apic_send_init(ci->apic_id);
        parked++;
    }
    if (parked)
        printk("SMP: %u stopped CPU%s sent INIT: waiting for a SIPI\n", parked,
               parked == 1 ? "" : "s");
}

/*
 * crash_test_parked_nmi: every CPU just stopped is sent one more NMI and
 * must take it (counted in nmi_stop_handler), bounded wait: a stopped CPU
 * has left NMI context, so it leaks no NMI block to whatever runs next.
 */
static void check_stopped_take_nmis(const bool *asked)
{
    uint64_t before[NR_CPUS], start;
    bool done;

    for (unsigned int i = 0; i < NR_CPUS; i++) {
        before[i] = __atomic_load_n(&stopped_nmis[i], __ATOMIC_ACQUIRE);
        if (asked[i] && cpu_state(cpu_infos[i]) == CPU_STOPPED)
            apic_send_nmi(cpu_infos[i]->apic_id);
    }
    start = rdtsc();
    do {
        done = true;
        for (unsigned int i = 0; i < NR_CPUS; i++)
            if (asked[i] && cpu_state(cpu_infos[i]) == CPU_STOPPED &&
                __atomic_load_n(&stopped_nmis[i], __ATOMIC_ACQUIRE) ==
                    before[i])
                done = false;
        cpu_relax();
    } while (!done && rdtsc() - start < us_to_tsc(IPI_CHECK_TIMEOUT_MS * 1000));
    for (unsigned int i = 0; i < NR_CPUS; i++) {
        if (!asked[i] || cpu_state(cpu_infos[i]) != CPU_STOPPED)
            continue;
        if (__atomic_load_n(&stopped_nmis[i], __ATOMIC_ACQUIRE) != before[i])
            printk("SMP: CPU %u took an NMI while stopped\n", i);
        else
            printk(HVLOG_ERR "SMP: CPU %u is stopped with NMIs blocked\n", i);
    }
}

void arch_crash_shootdown(uint64_t timeout_ms, arch_on_stop_fn on_stop)
{
    smp_stop_others(timeout_ms, on_stop);
}

static void smp_stop_others(uint64_t timeout_ms, arch_on_stop_fn on_stop)
{
    unsigned int me = smp_processor_id(), asked = 0, stopped = 0;
    bool nmi[NR_CPUS] = { false };
    uint64_t start, limit;
    bool done;

    for (unsigned int i = 0; i < nr_cpus && i < NR_CPUS; i++) {
        struct cpu_info *ci = cpu_infos[i];

        if (i == me || !ci)
            continue;
        /* A CPU that lost a panic race stopped itself: it is asked too
         * (it takes the NMI like any stopped CPU) and counted. */
        if (cpu_state(ci) == CPU_ONLINE || cpu_state(ci) == CPU_STOPPED) {
            nmi[i] = true;
            asked++;
        } else if (cpu_state(ci) == CPU_BOOTING) {
            apic_send_init(ci->apic_id);
            set_cpu_state(ci, CPU_STOPPED);
        }
    }
    if (!asked)
        return;

    stop_callback = on_stop;
    nmi_callback = nmi_stop_handler;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < NR_CPUS; i++)
        if (nmi[i])
            apic_send_nmi(cpu_infos[i]->apic_id);

    start = rdtsc();
    limit = us_to_tsc(timeout_ms * 1000);
    do {
        done = true;
        for (unsigned int i = 0; i < NR_CPUS; i++)
            if (nmi[i] && cpu_state(cpu_infos[i]) != CPU_STOPPED)
                done = false;
        cpu_relax();
    } while (!done && rdtsc() - start < limit);

    /* A CPU stopped in the middle of a printk must not silence us. */
    console_force_unlock();
    if (opt_parked_nmi)
        check_stopped_take_nmis(nmi);
    for (unsigned int i = 0; i < NR_CPUS; i++) {
        if (!nmi[i])
            continue;
        if (cpu_state(cpu_infos[i]) == CPU_STOPPED)
            stopped++;
        else
            printk(HVLOG_ERR "SMP: CPU %u did not stop within %lu ms; "
                             "going on without it\n",
                   i, (unsigned long)timeout_ms);
    }
    printk("SMP: %u/%u other CPU%s stopped\n", stopped, asked,
           asked == 1 ? "" : "s");
}

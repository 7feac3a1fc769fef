/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crashdump64: the crash test image.  Loaded by dom0 as the CRASH image
 * (tests/guest/tests/kexec-vmcore.c) together with an ELF core header
 * (tools/kexec-loader/elfcore.h) whose machine address and size the
 * parameter block gives (kexec-params.h: elfcorehdr_maddr, _size, and
 * nr_cpus as dom0 counted them).  Entered like check64 (KEXEC_ARCH_64).
 *
 *  1. builds its own page tables, 0 .. 4 GiB identity mapped with 2 MiB
 *     pages (tables in the .bss), loads them and its own GDT and IDT: the
 *     handoff maps nothing but the image, and the notes and the
 *     hypervisor's memory are elsewhere;
 *  2. checks the parameter block and its own segments (CRC-32, common.c);
 *  3. walks the ELF core header: the ELF header, every PT_NOTE (the notes
 *     in the crashed hypervisor's memory), every PT_LOAD; checks one
 *     NT_PRSTATUS note per CPU with pr_pid = CPU + 1, or 0 for a CPU that
 *     never answered the crash path's NMI (legitimate: inject=hang), the
 *     hypervisor note (reason, crashing CPU, TSCs, cpus_saved) and
 *     VMCOREINFO (PAGESIZE=4096, BUILD-ID=);
 *  4. streams a vmcore out of COM2 (0x2f8, polled 16550) through
 *     tools/kexec-loader/vmcore-stream.c, which writes an ELF64 core:
 *     ELF header + program headers + one PT_NOTE segment holding every
 *     note (the crashing CPU's NT_PRSTATUS first, so that gdb's first
 *     thread is the CPU that crashed) + the memory of the hypervisor image
 *     (KEXEC_RANGE_MA_XEN, at most DUMP_MAX bytes) at its link address
 *     0xffff82d040000000, as PT_LOADs whose all-zero tail pages are left
 *     to p_memsz > p_filesz, page aligned in the file;
 *     the same bytes again at the image's direct-map address (program
 *     headers that share file offsets: no extra bytes); and every CPU's
 *     stack block at the hypervisor's virtual address for it, found by
 *     walking the crashed hypervisor's page tables (VMCOREINFO:
 *     NUMBER(pgtable_maddr), NUMBER(STACKS_VIRT_START), NUMBER(STACK_SIZE)),
 *     one PT_LOAD per run of pages contiguous in both spaces (the guard
 *     page is not mapped and not dumped), so that gdb unwinds every CPU;
 *  5. ends with "crashdump64: verdict PASS|FAIL (N failed)" and
 *     isa-debug-exit 0x20 / 0x21 (QEMU status 65 / 67).
 *
 * Lines on COM1 (besides PASS:/FAIL:):
 *   crashdump64: CPU n rip 0x... rsp 0x...
 *   crashdump64: CPU n: no registers (did not answer)
 *   crashdump64: reason: <the panic message>
 *   crashdump64: crashing CPU n, handoff latency T ticks (U us)
 *   crashdump64: vmcore: N bytes, CRC-32 0x..., to COM2
 * The CRC-32 is zlib's over every byte sent, so the host can tell that it
 * captured the whole vmcore.
 *
 * Rules of common.h: position independent, no relocations, no writable
 * initialised data, no SSE.
 */
#include "common.h"
#include "../../include/public/elfnote.h"
#include "../../tools/kexec-loader/elfcore.h"
#include "../../tools/kexec-loader/vmcore-stream.h"

#define HV_VIRT        ELFCORE_HV_VIRT
#define DIRECTMAP_VIRT ELFCORE_DIRECTMAP_VIRT
#define IDMAP_LIMIT    (4ull << 30) /* identity mapped: [0, 4 GiB) */
#define DUMP_MAX       (4ull << 20) /* hypervisor memory in the vmcore */
#define MAX_CPUS       64u
#define MAX_PHDRS      512u

#define COM2_PORT 0x2f8 /* a 16550 (common.h: uart_*()) */

void crashdump64_main(void);
void load_gdt(const struct dtr *gdtr); /* crashdump64-head.S */

/* ---- machine set-up ---------------------------------------------------- */

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));

/* Accessed bits preset: the CPU never writes this read-only table (the
 * segment CRC covers it). */
static const uint64_t gdt[4] __attribute__((aligned(16))) = {
    0, 0x00cf9b000000ffffull, /* 0x08: flat 32-bit code */
    0x00af9b000000ffffull,    /* 0x10: 64-bit code */
    0x00cf93000000ffffull,    /* 0x18: flat data */
};

static const char *stage; /* what was going on (set at run time) */

/* Report and stop (common.c), saying what was going on. */
void exc_handler(struct exc_frame *f)
{
    exc_unexpected(f, stage ? stage : "starting");
}

static void machine_setup(void)
{
    struct dtr d;

    for (uint64_t i = 0; i < 4; i++) {
        for (uint64_t j = 0; j < 512; j++)
            pd[i][j] = ((i * 512 + j) << 21) | 0x83; /* P RW PS */
        pdpt[i] = (uintptr_t)pd[i] | 0x3;            /* P RW */
    }
    pml4[0] = (uintptr_t)pdpt | 0x3;
    /* the image runs 1:1, so a .bss address is a machine address */
    /* clang-format off */
    __asm__ volatile("mov %0, %%cr3" : : "r"((uintptr_t)pml4) : "memory");
    /* clang-format on */

    d.limit = sizeof(gdt) - 1;
    d.base = (uintptr_t)gdt;
    load_gdt(&d);
    idt_install(); /* with CS 0x10, this GDT's 64-bit code */
}

/* For common.c: everything below 4 GiB is mapped once machine_setup() ran. */
bool mem_read64(uint64_t addr, uint64_t *val)
{
    addr &= ~7ull;
    if (addr >= IDMAP_LIMIT)
        return false;
    *val = *(const volatile uint64_t *)(uintptr_t)addr;
    return true;
}

bool mem_rewrite64(uint64_t addr)
{
    uint64_t v;

    if (!mem_read64(addr, &v))
        return false;
    *(volatile uint64_t *)(uintptr_t)(addr & ~7ull) = v;
    return true;
}

static bool in_idmap(uint64_t a, uint64_t n)
{
    return a + n >= a && a + n <= IDMAP_LIMIT;
}

static const void *ma(uint64_t a)
{
    return (const void *)(uintptr_t)a;
}

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return a < b + bn && b < a + an;
}

static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(hay + i, needle, k))
            return hay + i;
    return NULL;
}

/* ---- the parameter block ------------------------------------------------- */

/* Magic and version (common.c's check_params() would count the crash-dump
 * fields at the end of the block as dirty reserved bytes). */
static const struct kexec_params *params(void)
{
    const struct kexec_params *p = &kexec_params;

    if (!check_params_filled())
        return NULL;
    info("image id %llu, loaded as type %s", (unsigned long long)p->image_id,
         p->expect_type == 1 ? "crash" : "default");
    info("ELF core header at %#llx, %llu bytes; %u CPUs",
         (unsigned long long)p->elfcorehdr_maddr,
         (unsigned long long)p->elfcorehdr_size, p->nr_cpus);
    if (p->nr_segments > KXPARAM_MAX_SEGS) {
        fail("parameter block: nr_segments (got %u, want at most %u)",
             p->nr_segments, KXPARAM_MAX_SEGS);
        return NULL;
    }
    return p;
}

/* ---- the ELF core header ------------------------------------------------- */

struct cpu {
    struct hv_elf_prstatus pr; /* a copy of the note's descriptor */
    unsigned int seg;          /* its PT_NOTE in the header */
};

static struct {
    const struct elfcore_phdr *ph; /* the header's program headers */
    unsigned int phnum;
    struct cpu cpu[MAX_CPUS];
    unsigned int nr_cpus;
    struct hv_crash_info info;
    unsigned int nr_info;
    const char *vmcoreinfo;
    uint32_t vmcoreinfo_len;
    unsigned int nr_vmcoreinfo;
    unsigned int nr_other;      /* notes of no known kind */
    bool note_ok[MAX_PHDRS];    /* PT_NOTE i is readable: streamed */
    uint64_t notes_size;        /* bytes of those PT_NOTEs together */
    uint64_t hv_paddr, hv_size; /* the hypervisor image PT_LOAD */
    unsigned int nr_hv, nr_ram;
} core;

static bool check_ehdr(const struct kexec_params *p)
{
    const struct elfcore_ehdr *eh = ma(p->elfcorehdr_maddr);
    static const uint8_t ident[8] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
    uint64_t need;

    if (!p->elfcorehdr_maddr || p->elfcorehdr_size < sizeof(*eh)) {
        fail("ELF core header given (got %#llx, %llu bytes, want an address "
             "and at least 64 bytes)",
             (unsigned long long)p->elfcorehdr_maddr,
             (unsigned long long)p->elfcorehdr_size);
        return false;
    }
    if (!in_idmap(p->elfcorehdr_maddr, p->elfcorehdr_size)) {
        fail("ELF core header below 4 GiB (got %#llx, want below %#llx)",
             (unsigned long long)p->elfcorehdr_maddr, IDMAP_LIMIT);
        return false;
    }
    if (memcmp(eh->e_ident, ident, sizeof(ident)) || eh->e_type != 4 ||
        eh->e_machine != 62 || eh->e_version != 1 ||
        eh->e_phentsize != sizeof(struct elfcore_phdr)) {
        fail("ELF core header: ELF64 LSB ET_CORE EM_X86_64 (got class %u data "
             "%u type %u machine %u phentsize %u, want 2 1 4 62 56)",
             eh->e_ident[4], eh->e_ident[5], eh->e_type, eh->e_machine,
             eh->e_phentsize);
        return false;
    }
    need = eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(struct elfcore_phdr);
    if (need > p->elfcorehdr_size || !eh->e_phnum || eh->e_phnum > MAX_PHDRS) {
        fail("ELF core header: program headers inside it (got phoff %#llx, "
             "%u headers, want 1 .. %u within %llu bytes)",
             (unsigned long long)eh->e_phoff, eh->e_phnum, MAX_PHDRS,
             (unsigned long long)p->elfcorehdr_size);
        return false;
    }
    pass("ELF core header: ELF64 ET_CORE EM_X86_64, %u program headers",
         eh->e_phnum);
    core.ph = ma(p->elfcorehdr_maddr + eh->e_phoff);
    core.phnum = eh->e_phnum;
    return true;
}

/* One note of a PT_NOTE segment. */
static void take_note(unsigned int seg, const struct elfcore_nhdr *nh,
                      const char *name, const uint8_t *desc)
{
    if (nh->n_namesz == 5 && !memcmp(name, "CORE", 5) &&
        nh->n_type == NT_PRSTATUS) {
        if (nh->n_descsz != sizeof(struct hv_elf_prstatus)) {
            fail("CPU %u's note: NT_PRSTATUS descriptor size (got %u, want "
                 "%u)",
                 core.nr_cpus, nh->n_descsz,
                 (unsigned int)sizeof(struct hv_elf_prstatus));
            return;
        }
        if (core.nr_cpus == MAX_CPUS) {
            fail("NT_PRSTATUS notes: at most %u (got more)", MAX_CPUS);
            return;
        }
        memcpy(&core.cpu[core.nr_cpus].pr, desc,
               sizeof(struct hv_elf_prstatus));
        core.cpu[core.nr_cpus].seg = seg;
        core.nr_cpus++;
    } else if (nh->n_namesz == 3 && !memcmp(name, "HV", 3) &&
               nh->n_type == HV_ELFNOTE_CRASH_INFO) {
        if (nh->n_descsz != sizeof(struct hv_crash_info))
            fail("hypervisor note: descriptor size (got %u, want %u)",
                 nh->n_descsz, (unsigned int)sizeof(struct hv_crash_info));
        else if (!core.nr_info++)
            memcpy(&core.info, desc, sizeof(core.info));
    } else if (nh->n_namesz == 11 && !memcmp(name, "VMCOREINFO", 11) &&
               nh->n_type == VMCOREINFO_NOTE_TYPE) {
        if (!core.nr_vmcoreinfo++) {
            core.vmcoreinfo = (const char *)desc;
            core.vmcoreinfo_len = nh->n_descsz;
        }
    } else {
        core.nr_other++;
    }
}

static void walk_notes(unsigned int seg)
{
    const struct elfcore_phdr *ph = &core.ph[seg];
    uint64_t off = 0;

    if (!in_idmap(ph->p_offset, ph->p_filesz) || !ph->p_filesz ||
        ph->p_paddr != ph->p_offset) {
        fail("PT_NOTE %u: a note range below 4 GiB (got offset %#llx paddr "
             "%#llx size %#llx)",
             seg, (unsigned long long)ph->p_offset,
             (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_filesz);
        return;
    }
    core.note_ok[seg] = true;
    core.notes_size += ph->p_filesz;
    while (off + sizeof(struct elfcore_nhdr) <= ph->p_filesz) {
        const struct elfcore_nhdr *nh = ma(ph->p_offset + off);
        uint64_t name_off = off + sizeof(*nh);
        uint64_t desc_off = name_off + (((uint64_t)nh->n_namesz + 3) & ~3ull);
        uint64_t next = desc_off + (((uint64_t)nh->n_descsz + 3) & ~3ull);

        if (next > ph->p_filesz) {
            fail("PT_NOTE %u at %#llx: a note at offset %#llx (namesz %u, "
                 "descsz %u) runs past the segment's %#llx bytes",
                 seg, (unsigned long long)ph->p_offset, (unsigned long long)off,
                 nh->n_namesz, nh->n_descsz, (unsigned long long)ph->p_filesz);
            return;
        }
        take_note(seg, nh, ma(ph->p_offset + name_off),
                  ma(ph->p_offset + desc_off));
        off = next;
    }
}

static void walk_loads(unsigned int i)
{
    const struct elfcore_phdr *ph = &core.ph[i];

    if (ph->p_vaddr == HV_VIRT) {
        if (!core.nr_hv++) {
            core.hv_paddr = ph->p_paddr;
            core.hv_size = ph->p_memsz;
        }
        if (ph->p_offset != ph->p_paddr || ph->p_filesz != ph->p_memsz)
            fail("PT_LOAD %u (hypervisor image): offset = paddr, filesz = "
                 "memsz (got %#llx %#llx %#llx %#llx)",
                 i, (unsigned long long)ph->p_offset,
                 (unsigned long long)ph->p_paddr,
                 (unsigned long long)ph->p_filesz,
                 (unsigned long long)ph->p_memsz);
        return;
    }
    core.nr_ram++;
    if (ph->p_vaddr != DIRECTMAP_VIRT + ph->p_paddr ||
        ph->p_offset != ph->p_paddr || ph->p_filesz != ph->p_memsz)
        fail("PT_LOAD %u (RAM): vaddr = direct map + paddr, offset = paddr, "
             "filesz = memsz (got vaddr %#llx offset %#llx paddr %#llx "
             "filesz %#llx memsz %#llx)",
             i, (unsigned long long)ph->p_vaddr,
             (unsigned long long)ph->p_offset, (unsigned long long)ph->p_paddr,
             (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
    /* the crash kernel's own memory is not the crashed system's */
    if (overlaps(ph->p_paddr, ph->p_memsz, image_base(),
                 (uintptr_t)__image_end - image_base()))
        fail("PT_LOAD %u (RAM %#llx, %#llx bytes) leaves out the crash image "
             "at %#lx (got an overlap)",
             i, (unsigned long long)ph->p_paddr,
             (unsigned long long)ph->p_memsz, (unsigned long)image_base());
}

static void walk_header(void)
{
    for (unsigned int i = 0; i < core.phnum; i++) {
        if (core.ph[i].p_type == ELFCORE_PT_NOTE)
            walk_notes(i);
        else if (core.ph[i].p_type == ELFCORE_PT_LOAD)
            walk_loads(i);
    }
    info("%u program headers: %u NT_PRSTATUS notes, %u hypervisor note, %u "
         "VMCOREINFO, %u other notes; %u RAM ranges, %u hypervisor image",
         core.phnum, core.nr_cpus, core.nr_info, core.nr_vmcoreinfo,
         core.nr_other, core.nr_ram, core.nr_hv);
    check_eq(core.nr_ram > 0, 1, "at least one RAM PT_LOAD");
}

/* ---- the notes ------------------------------------------------------------- */

static void check_cpus(const struct kexec_params *p)
{
    unsigned int silent = 0, bad = 0;

    if (p->nr_cpus)
        check_eq(core.nr_cpus, p->nr_cpus, "one NT_PRSTATUS note per CPU (%u)",
                 p->nr_cpus);
    else
        check_eq(core.nr_cpus > 0, 1, "NT_PRSTATUS notes present");
    for (unsigned int n = 0; n < core.nr_cpus; n++) {
        const struct hv_elf_prstatus *pr = &core.cpu[n].pr;

        if (pr->pr_pid == 0) {
            info("CPU %u: no registers (did not answer)", n);
            silent++;
            continue;
        }
        info("CPU %u rip %#llx rsp %#llx", n,
             (unsigned long long)pr->pr_reg[PR_RIP],
             (unsigned long long)pr->pr_reg[PR_RSP]);
        if (pr->pr_pid != (int32_t)n + 1) {
            fail("CPU %u's note: pr_pid (got %d, want %u or 0)", n, pr->pr_pid,
                 n + 1);
            bad++;
        }
    }
    if (!bad)
        pass("every NT_PRSTATUS note has pr_pid = CPU + 1 (or 0: %u CPUs did "
             "not answer)",
             silent);
}

static void check_info(void)
{
    const struct hv_crash_info *ci = &core.info;
    char reason[sizeof(ci->reason) + 1];
    uint32_t want_saved = 0;
    uint64_t ticks;

    if (!check_eq(core.nr_info, 1, "one hypervisor note (HV, %#x)",
                  HV_ELFNOTE_CRASH_INFO))
        return;
    check_eq(ci->version, 1, "hypervisor note version");
    check_eq(ci->nr_cpus, core.nr_cpus, "hypervisor note: nr_cpus");
    memcpy(reason, ci->reason, sizeof(ci->reason));
    reason[sizeof(ci->reason)] = '\0';
    check_eq(strlen(reason) < sizeof(ci->reason), 1,
             "hypervisor note: reason NUL terminated");
    info("reason: %s", reason);
    ticks = ci->tsc_handoff - ci->tsc_panic;
    info("crashing CPU %u, handoff latency %llu ticks (%llu us)",
         ci->crashing_cpu, (unsigned long long)ticks,
         (unsigned long long)(ci->tsc_khz ? ticks * 1000 / ci->tsc_khz : 0));
    if (ci->tsc_panic && ci->tsc_panic < ci->tsc_handoff)
        pass("hypervisor note: TSC at panic < TSC at handoff");
    else
        fail("hypervisor note: TSC at panic < TSC at handoff (got %#llx, "
             "%#llx)",
             (unsigned long long)ci->tsc_panic,
             (unsigned long long)ci->tsc_handoff);
    if (!check_eq(ci->crashing_cpu < core.nr_cpus, 1,
                  "hypervisor note: crashing CPU %u is one of the %u CPUs",
                  ci->crashing_cpu, core.nr_cpus))
        return;
    for (unsigned int n = 0; n < core.nr_cpus && n < 32; n++)
        if (core.cpu[n].pr.pr_pid)
            want_saved |= 1u << n;
    check_eq(ci->cpus_saved, want_saved,
             "hypervisor note: cpus_saved names the CPUs whose notes hold "
             "registers");
    check_eq(core.cpu[ci->crashing_cpu].pr.pr_pid, ci->crashing_cpu + 1,
             "the crashing CPU's note holds its registers");
    if (core.nr_hv) {
        uint64_t rip = core.cpu[ci->crashing_cpu].pr.pr_reg[PR_RIP];

        check_eq(rip >= HV_VIRT && rip - HV_VIRT < core.hv_size, 1,
                 "the crashing CPU's RIP %#llx lies in the hypervisor image",
                 (unsigned long long)rip);
    }
}

static void check_vmcoreinfo(void)
{
    const char *b;
    unsigned int hex = 0;

    if (!check_eq(core.nr_vmcoreinfo, 1, "one VMCOREINFO note"))
        return;
    check_eq(find(core.vmcoreinfo, core.vmcoreinfo_len, "PAGESIZE=4096\n") !=
                 NULL,
             1, "VMCOREINFO: PAGESIZE=4096");
    b = find(core.vmcoreinfo, core.vmcoreinfo_len, "BUILD-ID=");
    if (b) {
        b += 9;
        while (b + hex < core.vmcoreinfo + core.vmcoreinfo_len &&
               ((b[hex] >= '0' && b[hex] <= '9') ||
                (b[hex] >= 'a' && b[hex] <= 'f')))
            hex++;
    }
    check_eq(b && hex == 40, 1, "VMCOREINFO: BUILD-ID= and 40 hex digits");
}

/* ---- the vmcore, out of COM2 (tools/kexec-loader/vmcore-stream.c) ------------ */

/* What went out of COM2, counted here: the writer's own count and CRC are
 * checked against it. */
static uint32_t vm_crc;
static uint64_t vm_bytes;

static bool com2_init(void)
{
    outb(COM2_PORT + UART_SCR, 0x5a);
    if (inb(COM2_PORT + UART_SCR) != 0x5a)
        return false;
    uart_setup(COM2_PORT);
    return true;
}

static void com2_write(void *ctx, const void *buf, uint64_t n)
{
    const volatile uint8_t *s = buf;

    (void)ctx;
    vm_crc = crc32_update(vm_crc, buf, n);
    vm_bytes += n;
    while (n--)
        uart_putc(COM2_PORT, *s++);
}

/* The crashed machine's memory: the identity map. */
static bool idmap_read(void *ctx, kxl_maddr_t at, void *buf, uint64_t len)
{
    uint64_t maddr = kxl_maddr_val(at);

    (void)ctx;
    if (!in_idmap(maddr, len))
        return false;
    memcpy(buf, ma(maddr), len);
    return true;
}

static struct vmcore_note vm_notes[VMCORE_MAX_NOTES];

static void stream_vmcore(void)
{
    const uint32_t crashing = core.info.crashing_cpu;
    struct vmcore_src src;
    struct vmcore_req req;
    struct vmcore_result res;
    uint64_t dump = core.hv_size < DUMP_MAX ? core.hv_size : DUMP_MAX;
    uint64_t want;
    unsigned int first = core.phnum; /* the crashing CPU's PT_NOTE */
    uint32_t nr = 0;
    int err;

    if (!core.nr_hv || !in_idmap(core.hv_paddr, dump)) {
        fail("hypervisor image PT_LOAD below 4 GiB (got %u, at %#llx, want "
             "one)",
             core.nr_hv, (unsigned long long)core.hv_paddr);
        return;
    }
    if (!com2_init()) {
        fail("COM2 at %#x present (got no UART)", COM2_PORT);
        return;
    }
    if (core.nr_info && crashing < core.nr_cpus)
        first = core.cpu[crashing].seg;
    /* the crashing CPU first: gdb's first thread is the first NT_PRSTATUS */
    if (first < core.phnum)
        vm_notes[nr++] = (struct vmcore_note){
            kxl_maddr(core.ph[first].p_offset), core.ph[first].p_filesz
        };
    for (unsigned int i = 0; i < core.phnum; i++) {
        if (!core.note_ok[i] || i == first)
            continue;
        if (nr == VMCORE_MAX_NOTES) {
            fail("vmcore: at most %u notes (got more)", VMCORE_MAX_NOTES);
            return;
        }
        vm_notes[nr++] = (struct vmcore_note){ kxl_maddr(core.ph[i].p_offset),
                                               core.ph[i].p_filesz };
    }

    /* assigned at run time: an initialiser would be data to relocate */
    src.read = idmap_read;
    src.write = com2_write;
    src.ctx = NULL;
    memset(&req, 0, sizeof(req));
    req.notes = vm_notes;
    req.nr_notes = nr;
    req.nr_cpus = core.nr_cpus;
    req.hv_paddr = kxl_maddr(core.hv_paddr);
    req.hv_size = core.hv_size;
    req.max_image = DUMP_MAX;
    req.hv_virt = HV_VIRT;
    req.directmap_virt = DIRECTMAP_VIRT;
    req.vmcoreinfo = core.vmcoreinfo;
    req.vmcoreinfo_len = core.vmcoreinfo_len;

    stage = "streaming the vmcore";
    err = vmcore_stream(&req, &src, &res);
    uart_drain(COM2_PORT);
    stage = "finishing";
    if (err) {
        fail("vmcore: streamed (got %s, at %#llx, after %llu bytes)",
             vmcore_strerror(err),
             (unsigned long long)kxl_maddr_val(res.bad_maddr),
             (unsigned long long)vm_bytes);
        return;
    }
    pass("the hypervisor's stacks are found through its page tables");
    info("stacks: %llu pages mapped for %u CPUs at %#llx, in %u runs",
         (unsigned long long)res.stack_pages, core.nr_cpus,
         (unsigned long long)res.stacks_virt, res.nr_stack_runs);
    info("vmcore: notes %llu bytes, hypervisor memory %#llx..%#llx at %#llx "
         "and in the direct map in %u PT_LOADs each, stacks in %u PT_LOADs "
         "(%llu bytes of memory)",
         (unsigned long long)res.notes_bytes, (unsigned long long)core.hv_paddr,
         (unsigned long long)(core.hv_paddr + dump), HV_VIRT, res.nr_image_runs,
         res.nr_stack_runs,
         (unsigned long long)(res.image_bytes + res.stack_pages * PAGE_SIZE));
    info("vmcore: %llu bytes, CRC-32 %#x, to COM2",
         (unsigned long long)vm_bytes, vm_crc);
    /* the layout's size: headers and notes to a page, then the memory */
    want = (sizeof(struct elfcore_ehdr) +
            res.nr_phdrs * sizeof(struct elfcore_phdr) + res.notes_bytes +
            PAGE_SIZE - 1) &
           PAGE_MASK;
    want += res.image_bytes + res.stack_pages * PAGE_SIZE;
    check_eq(vm_crc, res.crc32, "vmcore: COM2's CRC-32 is the writer's");
    check_eq(vm_bytes, want, "vmcore streamed out of COM2 whole");
}

/* ---- main ------------------------------------------------------------------ */

void crashdump64_main(void)
{
    const struct kexec_params *p;

    serial_init();
    stage = "setting up";
    machine_setup();
    info_start("; own page tables (0 .. 4 GiB) loaded");

    stage = "checking the parameter block";
    p = params();
    if (!p)
        finish();
    check_segments(p);

    stage = "reading the ELF core header";
    if (!check_ehdr(p))
        finish();
    walk_header();

    stage = "checking the notes";
    check_cpus(p);
    check_info();
    check_vmcoreinfo();

    stream_vmcore();
    finish();
}

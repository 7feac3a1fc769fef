/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-hv: the hypervisor kexecs itself (docs/kexec.md, "Multiboot
 * images").  dom0 loads hv.elf, a Multiboot kernel, with the modules of
 * the next boot as the DEFAULT image behind purgatory
 * (PURGATORY_MODE_MULTIBOOT32) and executes it: the machine boots the same
 * hypervisor again without the firmware, whose dom0 does it again, until
 * the last generation, where the tests after this one on the command line
 * run.
 *
 * Modules, by role word (the first word of the module's command line):
 *   hv         the hypervisor to boot (hv.elf, the file QEMU -kernel takes)
 *   dom0       the next generation's dom0 (dom0.elf)
 *   hvcmdline  optional: a text file, the next hypervisor's command line
 * dom0's command line: `test=kexec-hv [test=more ...] [gen=N] [hv-chain=M]`:
 * generation N (1 when absent) of M (3 when absent).  Generation N < M
 * loads generation N + 1 with the same command line but gen=N+1 and the
 * same modules; generation M prints its line and lets the next tests run.
 *
 * The next hypervisor's command line is the hvcmdline module's, plus
 * tsc_khz=<start_info's> (the TSC does not change: no calibration again)
 * and acpi_rsdp=<start_info's> when dom0 knows the RSDP (under UEFI it is
 * not in the BIOS areas, and Multiboot v1 has no field for it).
 * hv.elf goes where it is linked (over the running hypervisor: a DEFAULT
 * image is written at exec); the information structure and the modules,
 * in order, at the first RAM of the machine map above 16 MiB where they
 * fit; purgatory at the first RAM above 16 MiB outside both.
 */
#include "kexec-guest.h"
#include "../../../tools/kexec-loader/elfcore.h"
#include "../../../tools/kexec-loader/multiboot-load.h"
#include "../../../tools/kexec-loader/purgatory-load.h"
#include "../../../tools/kexec-loader/vmcore-stream.h"
#include "../../../tools/purgatory/purgatory-args.h"
#include <public/elfnote.h>

#define KH_MAX_ENTRIES 1024
#define KH_LOW_LIMIT   0x1000000UL /* 16 MiB: parts go above */
#define KH_4G          0x100000000UL
#define KH_CMDLINE_MAX 512
#define KH_COM1        0x3f8
#define KH_DEBUG_EXIT  0xf4
#define KH_OLD_SLOT    0 /* scratch slot for old memory */
#define KH_NOTE_MAX    4096

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    /* clang-format on */
    return ((uint64_t)hi << 32) | lo;
}

static struct kexec_entry ents[KH_MAX_ENTRIES];
static struct kxl_env env;
static struct kx_core_info core;
static struct purgatory_args pargs;
static struct kxl_mb_result mres;
static char hv_cmdline[KH_CMDLINE_MAX], dom0_cmdline[KH_CMDLINE_MAX];
static uint8_t core_hdr[4 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct e820_entry crash_map[ELFCORE_MAX_MEM * 2 + 2];

/* Append word to buf (space separated); a FAIL line if it does not fit. */
static bool append(char *buf, const char *word, size_t len)
{
    size_t at = strlen(buf);

    if (at + 1 + len >= KH_CMDLINE_MAX) {
        fail("a command line longer than %u bytes: '%s' and %lu more",
             KH_CMDLINE_MAX, buf, (unsigned long)len);
        return false;
    }
    if (at)
        buf[at++] = ' ';
    memcpy(buf + at, word, len);
    buf[at + len] = '\0';
    return true;
}

/* "dom0.elf" + this dom0's words but gen=, + gen=<next>. */
static void next_dom0_cmdline(uint64_t next)
{
    const char *c = si->cmd_line;
    char gen[32];

    dom0_cmdline[0] = '\0';
    append(dom0_cmdline, "dom0.elf", 8);
    while (*c) {
        const char *w = c;

        while (*c && *c != ' ')
            c++;
        if (c > w && strncmp(w, "gen=", 4))
            append(dom0_cmdline, w, c - w);
        while (*c == ' ')
            c++;
    }
    snprintf(gen, sizeof(gen), "gen=%lu", next);
    append(dom0_cmdline, gen, strlen(gen));
}

/* name (the image's) + the hvcmdline module's text + tsc_khz= and
   acpi_rsdp= when known. */
static void next_hv_cmdline(const char *name)
{
    const struct start_module *m = kx_module_named("hvcmdline");
    char rsdp[40];

    hv_cmdline[0] = '\0';
    append(hv_cmdline, name, strlen(name));
    if (m) {
        const char *t = (const char *)m->va;
        size_t n = m->size;

        while (n && (t[n - 1] == '\n' || t[n - 1] == ' '))
            n--;
        append(hv_cmdline, t, n);
    }
    if (si->tsc_khz) {
        snprintf(rsdp, sizeof(rsdp), "tsc_khz=%lu", (unsigned long)si->tsc_khz);
        append(hv_cmdline, rsdp, strlen(rsdp));
    }
    if (si->rsdp_paddr) {
        snprintf(rsdp, sizeof(rsdp), "acpi_rsdp=%#lx",
                 (unsigned long)si->rsdp_paddr);
        append(hv_cmdline, rsdp, strlen(rsdp));
    }
}

/*
 * The lowest page-aligned address >= from, below hi and 4 GiB, where size bytes
 * lie inside one RAM range of the machine map and meet neither busy
 * range; 0 if none.  (Under OVMF the low 16 MiB hold ACPI NVS pieces.)
 */
static uint64_t place_in(uint64_t size, uint64_t from, uint64_t hi,
                         const uint64_t busy[2][2])
{
    for (unsigned int i = 0; i < core.nr_mem; i++) {
        const struct e820_entry *e = &core.e820[i];
        uint64_t at = e->addr > from ? e->addr : from;
        uint64_t end = e->addr + e->size < hi ? e->addr + e->size : hi;

        if (e->type != 1)
            continue;
        at = (at + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        for (bool moved = true; moved;) {
            moved = false;
            for (unsigned int b = 0; b < 2; b++)
                if (at < busy[b][1] && at + size > busy[b][0]) {
                    at = busy[b][1];
                    moved = true;
                }
        }
        if (at + size <= end && at + size <= KH_4G)
            return at;
    }
    return 0;
}

/*
 * Load hv (a Multiboot kernel) with mods behind purgatory as a `type`
 * image: the information structure and the modules in the first RAM of
 * the machine map in [lo, hi) above the kernel; purgatory there too,
 * outside both; for a CRASH image [lo, hi)
 * is the crash load range, and every part must be inside it.  mem is the
 * memory map the kernel is given.
 */
static bool load_hv(uint8_t type, const struct start_module *hv,
                    const struct kxl_mb_module_req *mods, uint32_t nr_mods,
                    const struct e820_entry *mem, uint32_t nr_mem, uint64_t lo,
                    uint64_t hi)
{
    const bool crash = type == KEXEC_TYPE_CRASH;
    struct kxl_mb_req req;
    struct kxl_result pres;
    struct kexec_load ld;
    uint64_t n, parts = 4 * PAGE_SIZE, purg_size, purg_maddr;
    const uint64_t none[2][2] = { { 0, 0 }, { 0, 0 } };
    int rc;
    long hrc;

    for (uint32_t i = 0; i < nr_mods; i++)
        parts += (mods[i].size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    req = (struct kxl_mb_req){
        .image = (const void *)hv->va,
        .image_size = hv->size,
        .cmdline = hv_cmdline,
        .modules = mods,
        .nr_modules = nr_mods,
        .mem = mem,
        .nr_mem = nr_mem,
        .region_start = kxl_maddr(crash ? lo : 0),
        .region_size = crash ? hi - lo : 0,
    };
    /* Where the kernel goes, from its header: the parts go above it. */
    rc = kxl_mb_parse(req.image, req.image_size, &mres.hdr);
    if (!check_eq(rc, KXLM_OK,
                  "the Multiboot header of the %s hypervisor: "
                  "%s",
                  crash ? "crash" : "next", kxl_mb_strerror(rc)))
        return false;
    req.info_maddr = kxl_maddr(
        place_in(parts, mres.hdr.bss_end_addr > lo ? mres.hdr.bss_end_addr : lo,
                 hi, none));
    if (!check_true(kxl_maddr_val(req.info_maddr) != 0,
                    "RAM for the information structure "
                    "and %u modules (%lu bytes) in [%#lx, %#lx)",
                    nr_mods, parts, lo, hi))
        return false;
    rc = kxl_mb_build(&req, &env, ents, KH_MAX_ENTRIES, &mres);
    if (!check_eq(rc, KXLM_OK,
                  "multiboot-load of the %s hypervisor (%lu "
                  "bytes) with %u modules: %s%s%s",
                  crash ? "crash" : "next", hv->size, nr_mods,
                  kxl_mb_strerror(rc), mres.kxl_error ? ": " : "",
                  mres.kxl_error ? kxl_strerror(mres.kxl_error) : ""))
        return false;
    n = mres.nr_entries;
    info("Multiboot flags %#x, kernel [%#lx, %#lx), entry %#lx, information "
         "structure at %#lx, %u modules up to %#lx",
         mres.hdr.flags, kxl_maddr_val(mres.kernel_start),
         kxl_maddr_val(mres.kernel_end), kxl_maddr_val(mres.entry_maddr),
         kxl_maddr_val(mres.info_maddr), nr_mods, kxl_maddr_val(mres.end));
    info("its command line: '%s'", hv_cmdline);

    memset(&pargs, 0, sizeof(pargs));
    for (unsigned int i = 0; i < mres.nr_segs; i++) {
        const struct kxl_mb_segment *sg = &mres.segs[i];

        rc = kxl_purgatory_add(&pargs, sg->name, sg->dest, sg->memsz,
                               sg->lead_zero, sg->data, sg->filesz);
        if (!check_eq(rc, KXL_OK, "purgatory record for %s: %s", sg->name,
                      kxl_strerror(rc)))
            return false;
    }
    memcpy(pargs.magic, PURGATORY_ARGS_MAGIC, sizeof(pargs.magic));
    pargs.version = PURGATORY_ARGS_VERSION;
    pargs.mode = PURGATORY_MODE_MULTIBOOT32;
    pargs.serial_port = KH_COM1;
    pargs.exit_port = KH_DEBUG_EXIT;
    pargs.entry = kxl_maddr_val(mres.entry_maddr);
    pargs.regs.rbx = kxl_maddr_val(mres.info_maddr);

    purg_size = kx_purgatory_span(&env);
    {
        const uint64_t busy[2][2] = { { kxl_maddr_val(mres.kernel_start),
                                        kxl_maddr_val(mres.kernel_end) },
                                      { kxl_maddr_val(mres.info_maddr),
                                        kxl_maddr_val(mres.end) } };

        purg_maddr = purg_size ? place_in(purg_size, lo, hi, busy) : 0;
    }
    if (!check_true(purg_maddr != 0,
                    "RAM for purgatory (%lu bytes) in "
                    "[%#lx, %#lx) outside the other parts: %#lx",
                    purg_size, lo, hi, purg_maddr))
        return false;
    rc = kxl_build_purgatory(purgatory_elf, PURGATORY_ELF_SIZE,
                             kxl_maddr(purg_maddr), req.region_start,
                             req.region_size, &pargs, &env, ents + n,
                             KH_MAX_ENTRIES - n, &pres);
    if (!check_eq(rc, KXL_OK, "purgatory's entries: %s", kxl_strerror(rc)))
        return false;
    n += pres.nr_entries;
    ld = (struct kexec_load){
        .size = sizeof(ld),
        .type = type,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = kxl_maddr_val(pres.entry_maddr),
        .entries = PTR(ents),
        .nr_entries = n,
    };
    hrc = kx_load(&ld);
    if (!check_eq(hrc, 0,
                  "load the %s hypervisor behind purgatory (at %#lx) "
                  "as the %s image: %lu entries, %u regions",
                  crash ? "crash" : "next", purg_maddr,
                  crash ? "crash" : "default", n, pargs.nr_regions)) {
        info("... bad_entry %#lx", ld.bad_entry);
        return false;
    }
    return true;
}

static bool load_next(uint64_t next)
{
    const struct start_module *hv = kx_module_named("hv");
    const struct start_module *dom0 = kx_module_named("dom0");
    const struct start_module *hvcmd = kx_module_named("hvcmdline");
    struct kxl_mb_module_req mods[4];
    uint32_t nr_mods = 0;

    if (!hv || !dom0) {
        error("modules 'hv' (hv.elf) and 'dom0' (dom0.elf) are needed");
        return false;
    }
    if (!kx_collect_core_info(&core))
        return false;
    next_dom0_cmdline(next);
    next_hv_cmdline("hv.elf");
    info("next dom0 command line: '%s'", dom0_cmdline);
    /* The next boot's modules: its dom0 (with its command line), and what
       that dom0 needs to do this again. */
    mods[nr_mods++] = (struct kxl_mb_module_req){ (const void *)dom0->va,
                                                  dom0->size, dom0_cmdline };
    mods[nr_mods++] = (struct kxl_mb_module_req){ (const void *)hv->va,
                                                  hv->size, "hv.elf hv" };
    mods[nr_mods++] = (struct kxl_mb_module_req){ (const void *)dom0->va,
                                                  dom0->size, "dom0.elf dom0" };
    if (hvcmd)
        mods[nr_mods++] = (struct kxl_mb_module_req){
            (const void *)hvcmd->va, hvcmd->size, "hvcmdline.txt hvcmdline"
        };
    return load_hv(KEXEC_TYPE_DEFAULT, hv, mods, nr_mods, core.e820,
                   core.nr_mem, KH_LOW_LIMIT, KH_4G);
}

DEFINE_KX_TEST(kexec_hv, "kexec-hv",
               "the hypervisor kexecs itself (Multiboot), generation after "
               "generation")
{
    uint64_t gen = 1, chain = 3;
    long rc;

    cmdline_u64("gen", &gen);
    cmdline_u64("hv-chain", &chain);
    info("generation %lu of %lu", gen, chain);
    if (gen >= chain) {
        check_true(gen == chain, "generation %lu is the last (%lu)", gen,
                   chain);
        return;
    }
    env = kx_env(NULL);
    kx_bounce_restart();
    if (!load_next(gen + 1))
        return;
    /* The TSC runs on across the kexec: make bench subtracts this from
       the next hypervisor's "Boot complete" TSC. */
    info("KEXEC_CMD_kexec at TSC %lu: generation %lu boots next", rdtsc(),
         gen + 1);
    rc = kx_exec(KEXEC_TYPE_DEFAULT);
    fail("KEXEC_CMD_kexec returned %ld", rc);
}

/* ---- a crash hypervisor --------------------------------------------------- */

/*
 * The machine map as the crash hypervisor gets it: RAM only inside the
 * crash load range [lo, hi); the rest of RAM (the crashed hypervisor's,
 * to be dumped, not used) as reserved; other ranges as they are.
 */
static uint32_t crash_memory_map(uint64_t lo, uint64_t hi)
{
    uint32_t n = 0;

    for (unsigned int i = 0; i < core.nr_mem; i++) {
        const struct e820_entry *e = &core.e820[i];
        uint64_t s = e->addr, end = e->addr + e->size;
        uint64_t in_s = s > lo ? s : lo, in_e = end < hi ? end : hi;

        if (e->type != 1 || in_s >= in_e) {
            crash_map[n++] = (struct e820_entry){ s, e->size,
                                                  e->type == 1 ? 2 : e->type,
                                                  0 };
            continue;
        }
        if (s < in_s)
            crash_map[n++] = (struct e820_entry){ s, in_s - s, 2, 0 };
        crash_map[n++] = (struct e820_entry){ in_s, in_e - in_s, 1, 0 };
        if (in_e < end)
            crash_map[n++] = (struct e820_entry){ in_e, end - in_e, 2, 0 };
    }
    return n;
}

/*
 * kexec-hv-crash: load hv-crash.elf (module 'hvcrash', linked inside the
 * crash region) as the crash image, with the dump guest (module 'dom0',
 * test kexec-hv-dump) and the ELF core header (a module, 'elfcorehdr'),
 * then crash dom0 (via= as kexec-crash.c).  The crash hypervisor boots on
 * one CPU (nosmp) with RAM only in the crash load range.
 */
DEFINE_KX_TEST(kexec_hv_crash, "kexec-hv-crash",
               "a crash hypervisor (hv-crash.elf) as the crash image, then "
               "a crash")
{
    const struct start_module *hv = kx_module_named("hvcrash");
    const struct start_module *dom0 = kx_module_named("dom0");
    struct kxl_mb_module_req mods[2];
    struct elfcore_req creq;
    struct elfcore_result cres;
    uint64_t lo, size;
    uint32_t nr_map;
    char words[96];
    int rc;

    if (!hv || !dom0) {
        error("modules 'hvcrash' (hv-crash.elf) and 'dom0' are needed");
        return;
    }
    env = kx_env(NULL);
    kx_bounce_restart();
    if (!kx_crash_region(&lo, &size) || !kx_collect_core_info(&core))
        return;
    creq = kx_core_req(&core, lo, size);
    rc = elfcore_build(&creq, core_hdr, sizeof(core_hdr), &cres);
    if (!check_eq(rc, ELFCORE_OK, "elfcore_build: %s", elfcore_strerror(rc)))
        return;
    info("ELF core header: %lu bytes, %u PT_NOTE (%u CPUs), %u RAM PT_LOAD, "
         "%u hypervisor PT_LOAD",
         cres.size, cres.nr_notes, core.nr_cpus, cres.nr_ram, cres.nr_hv);
    nr_map = crash_memory_map(lo, lo + size);
    /* This hypervisor is no crash hypervisor: no old-memory mappings. */
    check_eq(scratch_map(KH_OLD_SLOT, 0xf0000 >> PAGE_SHIFT, PTE_RO),
             -HV_EACCES,
             "a read-only mapping of a reserved frame (0xf0000) without kdump");

    /* The dump guest learns what to expect from its command line. */
    snprintf(dom0_cmdline, sizeof(dom0_cmdline),
             "dom0.elf test=kexec-hv-dump "
             "dump-cpus=%u dump-start=%#lx dump-size=%#lx",
             core.nr_cpus, (unsigned long)lo, (unsigned long)size);
    mods[0] = (struct kxl_mb_module_req){ (const void *)dom0->va, dom0->size,
                                          dom0_cmdline };
    mods[1] = (struct kxl_mb_module_req){ core_hdr, cres.size,
                                          "elfcorehdr elfcorehdr" };
    next_hv_cmdline("hv-crash.elf");
    snprintf(words, sizeof(words), "kdump nosmp dom0_mem=16M");
    append(hv_cmdline, words, strlen(words));
    if (!load_hv(KEXEC_TYPE_CRASH, hv, mods, 2, crash_map, nr_map, lo,
                 lo + size))
        return;
    kx_crash_dom0();
}

/*
 * kexec-hv-dump: dom0 of the crash hypervisor.  `dump-cpus=N
 * dump-start=A dump-size=S` (from kexec-hv-crash) say what it must find:
 * the ELF core header module (ELF64 ET_CORE x86-64, N CPU notes + the
 * hypervisor's and VMCOREINFO), and a machine map whose RAM is only
 * inside the crash region.
 */
static bool read_old_cb(void *ctx, kxl_maddr_t at, void *buf, uint64_t len);

/* len bytes of old memory at ma; a FAIL line if they cannot be read. */
static bool read_old(uint64_t ma, void *buf, uint64_t len)
{
    return check_true(read_old_cb(NULL, kxl_maddr(ma), buf, len),
                      "read %lu bytes of "
                      "old memory at %#lx (read-only mappings)",
                      (unsigned long)len, (unsigned long)ma);
}

static uint8_t note_buf[KH_NOTE_MAX];

/*
 * The PT_NOTE at [ma, + size) of old memory: one note; *type, and its
 * name and descriptor in note_buf.  False (FAIL) if it cannot be read or
 * does not parse.
 */
static bool old_note(uint64_t ma, uint64_t size, uint32_t *type,
                     const char **name, const uint8_t **desc, uint32_t *descsz)
{
    uint32_t namesz;

    if (!check_true(size >= 12 && size <= KH_NOTE_MAX,
                    "a note of %lu bytes "
                    "at %#lx",
                    size, ma) ||
        !read_old(ma, note_buf, size))
        return false;
    memcpy(&namesz, note_buf, 4);
    memcpy(descsz, note_buf + 4, 4);
    memcpy(type, note_buf + 8, 4);
    if (!check_true(12 + ((namesz + 3) & ~3u) + *descsz <= size,
                    "note at %#lx: name %u and descriptor %u bytes fit its "
                    "%lu",
                    ma, namesz, *descsz, size))
        return false;
    *name = (const char *)note_buf + 12;
    *desc = note_buf + 12 + ((namesz + 3) & ~3u);
    return true;
}

/* What the notes said, for the vmcore (check_old_notes fills them). */
static char vmcoreinfo_text[KH_NOTE_MAX];
static uint32_t vmcoreinfo_len, crashing_cpu;

/* Every CPU's note, the hypervisor's, VMCOREINFO: read from old memory. */
static bool check_old_notes(const struct elfcore_phdr *ph, unsigned int nr,
                            uint64_t cpus)
{
    unsigned int cpu = 0, saved = 0;
    bool hv = false, vmcoreinfo = false;

    for (unsigned int i = 0; i < nr; i++) {
        const char *name;
        const uint8_t *desc;
        uint32_t type, descsz;

        if (ph[i].p_type != 4)
            continue;
        if (!old_note(ph[i].p_offset, ph[i].p_filesz, &type, &name, &desc,
                      &descsz))
            return false;
        if (type == NT_PRSTATUS && !strcmp(name, "CORE")) {
            struct hv_elf_prstatus pr;

            if (!check_true(descsz >= sizeof(pr),
                            "CPU %u's NT_PRSTATUS is "
                            "%u bytes",
                            cpu, descsz))
                return false;
            memcpy(&pr, desc, sizeof(pr));
            if (pr.pr_pid == (int32_t)cpu + 1 && pr.pr_reg[PR_RIP])
                saved++;
            info("old memory: CPU %u's note: pr_pid %d, rip %#lx, rsp %#lx",
                 cpu, pr.pr_pid, (unsigned long)pr.pr_reg[PR_RIP],
                 (unsigned long)pr.pr_reg[PR_RSP]);
            cpu++;
        } else if (type == HV_ELFNOTE_CRASH_INFO && !strcmp(name, "HV")) {
            struct hv_crash_info ci;

            if (!check_true(descsz >= sizeof(ci),
                            "the hypervisor note is %u "
                            "bytes",
                            descsz))
                return false;
            memcpy(&ci, desc, sizeof(ci));
            ci.reason[sizeof(ci.reason) - 1] = '\0';
            info("old memory: hypervisor note: %u CPUs, crashing CPU %u, "
                 "saved %#x, reason '%s'",
                 ci.nr_cpus, ci.crashing_cpu, ci.cpus_saved, ci.reason);
            check_eq(ci.nr_cpus, cpus, "the hypervisor note's CPUs");
            crashing_cpu = ci.crashing_cpu;
            hv = true;
        } else if (type == VMCOREINFO_NOTE_TYPE &&
                   !strcmp(name, "VMCOREINFO")) {
            static const char key[] = "PAGESIZE=4096\n";

            for (uint32_t k = 0; k + sizeof(key) - 1 <= descsz; k++)
                if (!memcmp(desc + k, key, sizeof(key) - 1))
                    vmcoreinfo = true;
            vmcoreinfo_len = descsz;
            memcpy(vmcoreinfo_text, desc, descsz);
        }
    }
    check_eq(cpu, cpus, "NT_PRSTATUS notes read from old memory");
    check_eq(saved, cpus,
             "of them with the CPU's registers (pr_pid = CPU + "
             "1, a RIP)");
    check_true(hv, "the hypervisor note, read from old memory");
    check_true(vmcoreinfo, "the VMCOREINFO note (PAGESIZE=4096), read from "
                           "old memory");
    return cpu == cpus && saved == cpus && hv && vmcoreinfo;
}

/* ---- the vmcore, to COM2 ----------------------------------------------------- */

#define KH_COM2 0x2f8

static inline void outb(uint16_t port, uint8_t v)
{
    /* clang-format off */
    asm volatile("outb %0, %1" :: "a"(v), "Nd"(port));
    /* clang-format on */
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    /* clang-format off */
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    /* clang-format on */
    return v;
}

/* COM2 (a privileged dom0's ports): 115200 8N1, FIFOs on. */
static void com2_init(void)
{
    outb(KH_COM2 + 1, 0);    /* no interrupts */
    outb(KH_COM2 + 3, 0x80); /* DLAB */
    outb(KH_COM2 + 0, 1);    /* 115200 */
    outb(KH_COM2 + 1, 0);
    outb(KH_COM2 + 3, 0x03); /* 8N1 */
    outb(KH_COM2 + 2, 0x07); /* FIFOs on, cleared */
}

/* The vmcore's bytes: 16 at a time into the transmit FIFO once empty. */
static void com2_write(void *ctx, const void *buf, uint64_t len)
{
    const uint8_t *p = buf;

    (void)ctx;
    while (len) {
        unsigned int n = len < 16 ? (unsigned int)len : 16;

        while (!(inb(KH_COM2 + 5) & 0x20))
            ;
        for (unsigned int i = 0; i < n; i++)
            outb(KH_COM2, p[i]);
        p += n;
        len -= n;
    }
}

/* len bytes of old memory at ma, page by page through a read-only
   scratch mapping (the crash hypervisor's kdump option allows it); quiet:
   vmcore_stream() reads megabytes through it. */
static bool read_old_cb(void *ctx, kxl_maddr_t at, void *buf, uint64_t len)
{
    uint64_t ma = kxl_maddr_val(at);
    uint8_t *out = buf;

    (void)ctx;
    while (len) {
        uint64_t off = ma & (PAGE_SIZE - 1);
        uint64_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;

        if (scratch_map(KH_OLD_SLOT, ma >> PAGE_SHIFT, PTE_RO))
            return false;
        memcpy(out, (const void *)(scratch_slot_va(KH_OLD_SLOT) + off), n);
        scratch_unmap(KH_OLD_SLOT);
        out += n;
        ma += n;
        len -= n;
    }
    return true;
}

/*
 * The vmcore out of COM2, as crashdump64 streams it (vmcore-stream.h):
 * the notes (the crashing CPU's first), the crashed hypervisor's image at
 * its link and direct-map addresses, every CPU's stack.
 */
static void stream_vmcore(const struct elfcore_phdr *ph, unsigned int nr,
                          uint64_t cpus)
{
    static struct vmcore_note notes[VMCORE_MAX_NOTES];
    struct vmcore_src src = { read_old_cb, com2_write, NULL };
    struct vmcore_req req = {
        .notes = notes,
        .nr_cpus = (uint32_t)cpus,
        .max_image = 4UL << 20,
        .hv_virt = ELFCORE_HV_VIRT,
        .directmap_virt = ELFCORE_DIRECTMAP_VIRT,
        .vmcoreinfo = vmcoreinfo_text,
        .vmcoreinfo_len = vmcoreinfo_len,
    };
    struct vmcore_result res;
    unsigned int cpu = 0;
    int rc;

    for (unsigned int i = 0; i < nr && req.nr_notes < VMCORE_MAX_NOTES; i++) {
        if (ph[i].p_type == 1 && ph[i].p_vaddr == ELFCORE_HV_VIRT) {
            req.hv_paddr = kxl_maddr(ph[i].p_paddr);
            req.hv_size = ph[i].p_memsz;
        }
        if (ph[i].p_type != 4)
            continue;
        /* CPU notes come first in the header: the crashing one leads */
        if (cpu < cpus && cpu++ == crashing_cpu) {
            for (uint32_t k = req.nr_notes; k; k--)
                notes[k] = notes[k - 1];
            notes[0] = (struct vmcore_note){ kxl_maddr(ph[i].p_offset),
                                             ph[i].p_filesz };
        } else {
            notes[req.nr_notes] = (struct vmcore_note){
                kxl_maddr(ph[i].p_offset), ph[i].p_filesz
            };
        }
        req.nr_notes++;
    }
    if (!check_true(req.hv_size != 0, "the core header has the hypervisor "
                                      "image's PT_LOAD"))
        return;
    com2_init();
    rc = vmcore_stream(&req, &src, &res);
    if (!check_eq(rc, VMCORE_OK, "vmcore_stream: %s (at %#lx)",
                  vmcore_strerror(rc),
                  (unsigned long)kxl_maddr_val(res.bad_maddr)))
        return;
    info("vmcore: %lu bytes, CRC-32 %#x, to COM2", (unsigned long)res.bytes,
         res.crc32);
    info("vmcore: %u program headers: %u image runs (twice), %u stack runs "
         "(%lu pages)",
         res.nr_phdrs, res.nr_image_runs, res.nr_stack_runs,
         (unsigned long)res.stack_pages);
}

DEFINE_KX_TEST(kexec_hv_dump, "kexec-hv-dump",
               "the dump guest of a crash hypervisor: its core header, its map")
{
    const struct start_module *hdr = kx_module_named("elfcorehdr");
    uint64_t cpus = 0, lo = 0, size = 0, ram = 0;

    cmdline_u64("dump-cpus", &cpus);
    cmdline_u64("dump-start", &lo);
    cmdline_u64("dump-size", &size);
    if (!check_true(hdr != NULL, "an 'elfcorehdr' module") ||
        !check_true(cpus && size,
                    "dump-cpus=%lu dump-start=%#lx "
                    "dump-size=%#lx",
                    cpus, lo, size))
        return;
    {
        const struct elfcore_ehdr *eh = (const void *)hdr->va;
        const struct elfcore_phdr *ph;
        unsigned int notes = 0, loads = 0;

        if (!check_true(hdr->size >= sizeof(*eh) &&
                            !memcmp(eh->e_ident, "\177ELF", 4) &&
                            eh->e_ident[4] == 2 && eh->e_type == 4 &&
                            eh->e_machine == 62,
                        "the core header is an ELF64 "
                        "x86-64 ET_CORE (%lu bytes)",
                        hdr->size) ||
            !check_true(eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) <=
                            hdr->size,
                        "its %u program headers are inside it", eh->e_phnum))
            return;
        ph = (const void *)(hdr->va + eh->e_phoff);
        for (unsigned int i = 0; i < eh->e_phnum; i++) {
            notes += ph[i].p_type == 4;
            loads += ph[i].p_type == 1;
            if (ph[i].p_type == 1 && ph[i].p_paddr < lo + size &&
                ph[i].p_paddr + ph[i].p_memsz > lo)
                fail("PT_LOAD %u [%#lx, +%#lx) covers the crash region", i,
                     (unsigned long)ph[i].p_paddr,
                     (unsigned long)ph[i].p_memsz);
        }
        check_eq(notes, cpus + 2,
                 "PT_NOTEs: one per CPU of the crashed "
                 "hypervisor (%lu), its own, VMCOREINFO",
                 cpus);
        check_true(loads > 0, "%u PT_LOADs of the crashed machine's memory",
                   loads);
        if (check_old_notes(ph, eh->e_phnum, cpus))
            stream_vmcore(ph, eh->e_phnum, cpus);
        /* old memory is the dump's, not the dump guest's to change */
        check_eq(scratch_map(KH_OLD_SLOT, ph[0].p_offset >> PAGE_SHIFT, PTE_RW),
                 -HV_EPERM, "a writable mapping of old memory");
    }
    if (!kx_collect_core_info(&core))
        return;
    for (unsigned int i = 0; i < core.nr_mem; i++) {
        const struct e820_entry *e = &core.e820[i];

        if (e->type != 1)
            continue;
        ram += e->size;
        if (e->addr < lo || e->addr + e->size > lo + size)
            fail("RAM [%#lx, +%#lx) outside the crash region",
                 (unsigned long)e->addr, (unsigned long)e->size);
    }
    check_true(ram > 0 && ram <= size,
               "%lu bytes of RAM, all inside the "
               "crash region [%#lx, +%#lx)",
               ram, lo, size);
}

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
#include "../../../tools/kexec-loader/multiboot-load.h"
#include "../../../tools/kexec-loader/purgatory-load.h"
#include "../../../tools/purgatory/purgatory-args.h"

#define KH_MAX_ENTRIES     1024
#define KH_LOW_LIMIT       0x1000000UL      /* 16 MiB: parts go above */
#define KH_4G              0x100000000UL
#define KH_CMDLINE_MAX     512
#define KH_COM1            0x3f8
#define KH_DEBUG_EXIT      0xf4

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static struct kexec_entry ents[KH_MAX_ENTRIES];
static struct kxl_env env;
static struct kx_core_info core;
static struct purgatory_args pargs;
static struct kxl_mb_result mres;
static char hv_cmdline[KH_CMDLINE_MAX], dom0_cmdline[KH_CMDLINE_MAX];

/* Append word to buf (space separated). */
static void append(char *buf, const char *word, size_t len)
{
    size_t at = strlen(buf);

    if (at && at + 1 < KH_CMDLINE_MAX)
        buf[at++] = ' ';
    while (len-- && at + 1 < KH_CMDLINE_MAX)
        buf[at++] = *word++;
    buf[at] = '\0';
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

/* "hv.elf" + the hvcmdline module's text + tsc_khz= and acpi_rsdp= when
   known. */
static void next_hv_cmdline(void)
{
    const struct start_module *m = kx_module_named("hvcmdline");
    char rsdp[40];

    hv_cmdline[0] = '\0';
    append(hv_cmdline, "hv.elf", 6);
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
 * The lowest page-aligned address >= from, below 4 GiB, where size bytes
 * lie inside one RAM range of the machine map and meet neither busy
 * range; 0 if none.  (Under OVMF the low 16 MiB hold ACPI NVS pieces.)
 */
static uint64_t place(uint64_t size, uint64_t from, const uint64_t busy[2][2])
{
    for (unsigned int i = 0; i < core.nr_mem; i++) {
        const struct e820_entry *e = &core.e820[i];
        uint64_t at = e->addr > from ? e->addr : from;

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
        if (at + size <= e->addr + e->size && at + size <= KH_4G)
            return at;
    }
    return 0;
}

static bool load_next(uint64_t next)
{
    const struct start_module *hv = kx_module_named("hv");
    const struct start_module *dom0 = kx_module_named("dom0");
    const struct start_module *hvcmd = kx_module_named("hvcmdline");
    struct kxl_mb_module_req mods[4];
    struct kxl_mb_req req;
    struct kxl_result pres;
    struct kexec_load ld;
    uint32_t nr_mods = 0;
    uint64_t n, purg_size, purg_maddr;
    int rc;
    long hrc;

    if (!hv || !dom0) {
        error("modules 'hv' (hv.elf) and 'dom0' (dom0.elf) are needed");
        return false;
    }
    if (!kx_collect_core_info(&core))
        return false;
    next_dom0_cmdline(next);
    next_hv_cmdline();
    /* The next boot's modules: its dom0 (with its command line), and what
       that dom0 needs to do this again. */
    mods[nr_mods++] = (struct kxl_mb_module_req){
        (const void *)dom0->va, dom0->size, dom0_cmdline };
    mods[nr_mods++] = (struct kxl_mb_module_req){
        (const void *)hv->va, hv->size, "hv.elf hv" };
    mods[nr_mods++] = (struct kxl_mb_module_req){
        (const void *)dom0->va, dom0->size, "dom0.elf dom0" };
    if (hvcmd)
        mods[nr_mods++] = (struct kxl_mb_module_req){
            (const void *)hvcmd->va, hvcmd->size, "hvcmdline.txt hvcmdline" };

    /* The information structure and the modules, together: their pages,
       and a few for the structure itself, above the kernel (whose range
       a first build, with no room for entries, tells). */
    req = (struct kxl_mb_req){
        .image = (const void *)hv->va, .image_size = hv->size,
        .cmdline = hv_cmdline, .modules = mods, .nr_modules = nr_mods,
        .mem = core.e820, .nr_mem = core.nr_mem, .info_maddr = KH_LOW_LIMIT,
    };
    {
        uint64_t parts = 4 * PAGE_SIZE;
        const uint64_t none[2][2] = { { 0, 0 }, { 0, 0 } };

        for (uint32_t i = 0; i < nr_mods; i++)
            parts += (mods[i].size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        req.info_maddr = place(parts, KH_LOW_LIMIT, none);
        if (!check_true(req.info_maddr != 0, "RAM below 4 GiB for the "
                        "information structure and %u modules (%lu bytes)",
                        nr_mods, parts))
            return false;
    }
    rc = kxl_mb_build(&req, &env, ents, KH_MAX_ENTRIES, &mres);
    if (!check_eq(rc, KXLM_OK, "multiboot-load of hv.elf (%lu bytes) with %u "
                  "modules: %s%s%s", hv->size, nr_mods, kxl_mb_strerror(rc),
                  mres.kxl_error ? ": " : "",
                  mres.kxl_error ? kxl_strerror(mres.kxl_error) : ""))
        return false;
    n = mres.nr_entries;
    info("hv.elf: Multiboot flags %#x, kernel [%#lx, %#lx), entry %#lx, "
         "information structure at %#lx, %u modules up to %#lx",
         mres.hdr.flags, mres.kernel_start, mres.kernel_end, mres.entry_maddr,
         mres.info_maddr, nr_mods, mres.end);
    info("next hypervisor command line: '%s'", hv_cmdline);
    info("next dom0 command line: '%s'", dom0_cmdline);

    memset(&pargs, 0, sizeof(pargs));
    for (unsigned int i = 0; i < mres.nr_segs; i++) {
        const struct kxl_mb_segment *s = &mres.segs[i];

        rc = kxl_purgatory_add(&pargs, s->name, s->dest, s->memsz,
                               s->lead_zero, s->data, s->filesz);
        if (!check_eq(rc, KXL_OK, "purgatory record for %s: %s", s->name,
                      kxl_strerror(rc)))
            return false;
    }
    memcpy(pargs.magic, PURGATORY_ARGS_MAGIC, sizeof(pargs.magic));
    pargs.version = PURGATORY_ARGS_VERSION;
    pargs.mode = PURGATORY_MODE_MULTIBOOT32;
    pargs.serial_port = KH_COM1;
    pargs.exit_port = KH_DEBUG_EXIT;
    pargs.entry = mres.entry_maddr;
    pargs.regs.rbx = mres.info_maddr;

    purg_size = kx_purgatory_span(&env);
    {
        const uint64_t busy[2][2] = { { mres.kernel_start, mres.kernel_end },
                                      { mres.info_maddr, mres.end } };

        purg_maddr = purg_size ? place(purg_size, KH_LOW_LIMIT, busy) : 0;
    }
    if (!check_true(purg_maddr != 0, "RAM below 4 GiB for purgatory (%lu "
                    "bytes) outside the other parts: %#lx", purg_size,
                    purg_maddr))
        return false;
    rc = kxl_build_purgatory(purgatory_elf, PURGATORY_ELF_SIZE, purg_maddr,
                             0, 0, &pargs, &env, ents + n,
                             KH_MAX_ENTRIES - n, &pres);
    if (!check_eq(rc, KXL_OK, "purgatory's entries: %s", kxl_strerror(rc)))
        return false;
    n += pres.nr_entries;
    ld = (struct kexec_load){
        .size = sizeof(ld), .type = KEXEC_TYPE_DEFAULT, .arch = KEXEC_ARCH_64,
        .entry_maddr = pres.entry_maddr, .entries = PTR(ents), .nr_entries = n,
    };
    hrc = kx_load(&ld);
    if (!check_eq(hrc, 0, "load hv.elf behind purgatory as the default "
                  "image: %lu entries, %u regions", n, pargs.nr_regions)) {
        info("... bad_entry %#lx", ld.bad_entry);
        return false;
    }
    return true;
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
        check_true(gen == chain, "generation %lu is the last (%lu)", gen, chain);
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

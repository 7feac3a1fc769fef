/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-linux: a Linux kernel as the crash image (or the default one),
 * behind our purgatory, as `kexec -p` loads one for a Xen dom0.
 *
 * Boot modules after dom0's own, told apart by the first word of their
 * command line:
 *   kernel    the bzImage (required: its setup header, and the kernel when
 *             there is no vmlinux)
 *   vmlinux   the bzImage's payload, decompressed at load time by
 *             tools/linux-prep (optional, the fast path: no decompression
 *             at crash time)
 *   initrd    the initramfs (optional)
 *   cmdline   a text file: the crash kernel's command line (optional; the
 *             loader appends elfcorehdr= for a crash image)
 *
 * dom0's command line: `test=kexec-linux [linux=crash|exec]
 * [via=inject:panic|...] [refusals=1] [purgatory-bench=1]`
 * (kx_crash_dom0: how the crash is raised; default inject:panic;
 * purgatory-bench=1 makes purgatory time its SHA-256 against rep movsq).  linux=exec loads the kernel as the
 * DEFAULT image at 64 MiB and execs it (a fast reboot into Linux, all
 * RAM).  refusals=1: after the good crash load, every bad input of the
 * issue is tried (a vmlinux as the bzImage, protocol 2.11, no 64-bit
 * entry, not relocatable, kernel or initrd too large for the region, a
 * command line over cmdline_size, a truncated file): each is refused by
 * the loader with its code and one line, and the crash image loaded
 * before stays loaded (and runs at the crash).
 *
 * What dom0 does for a crash image, with the region [R, R + S) that
 * get_range reports:
 *   1. gathers the notes, the hypervisor image and the machine map
 *      (kexec-core.c) and builds the ELF core header
 *      (tools/kexec-loader/elfcore.c) for the top pages of the region;
 *   2. places purgatory below it, and the kernel, initrd, command line and
 *      boot_params below that (tools/kexec-loader/linux-load.c);
 *   3. computes the SHA-256 of every part (the whole memory image: zero
 *      fill included) into purgatory's argument block, with the entry
 *      (startup_64) and %rsi = boot_params;
 *   4. loads the whole as KEXEC_TYPE_CRASH, entered at purgatory, prints
 *      the load's timings (TSC) and raises the crash.
 *
 * Expected guest lines: PASS only (no verdict: the crash ends the guest).
 * Then purgatory's line, and the crash kernel's console.
 */
#include "kexec-guest.h"
#include "../../../tools/kexec-loader/linux-load.h"
#include "../../../tools/kexec-loader/purgatory-load.h"
#include "../../../tools/kexec-loader/sha256.h"
#include "../../../tools/purgatory/purgatory-args.h"

#define KL_MAX_ENTRIES  1024
#define KL_HDR_MAX      (4 * PAGE_SIZE)
#define KL_DEFAULT_BASE 0x4000000UL  /* 64 MiB */
#define KL_DEFAULT_SIZE 0x10000000UL /* 256 MiB */
#define KL_COM1         0x3f8
#define KL_DEBUG_EXIT   0xf4

static struct kexec_entry ents[KL_MAX_ENTRIES];
/* Buffers in any module or in dom0's own image (the built-in purgatory);
   bounce frames stay mapped until the test ends (kexec-lib.c). */
static struct kxl_env env;
static struct kx_core_info core;
static struct purgatory_args pargs;
static uint8_t hdr_buf[KL_HDR_MAX];

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    /* clang-format off */
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    /* clang-format on */
    return ((uint64_t)hi << 32) | lo;
}

/* ---- modules ------------------------------------------------------------ */

/* ---- digests ----------------------------------------------------------- */

static bool add_region(const char *name, kxl_maddr_t dest, uint64_t memsz,
                       uint64_t lead_zero, const void *data, uint64_t filesz)
{
    int rc = kxl_purgatory_add(&pargs, name, dest, memsz, lead_zero, data,
                               filesz);

    return check_eq(rc, KXL_OK, "purgatory records for %s (%#lx, +%#lx): %s",
                    name, kxl_maddr_val(dest), memsz, kxl_strerror(rc));
}

/* ---- the load ------------------------------------------------------------ */

struct kl_plan {
    uint8_t type;
    uint64_t region_start, region_size; /* where everything goes */
    uint64_t hdr_maddr, hdr_size;       /* CRASH: the core header */
    uint64_t purg_maddr, purg_size;
};

/* The ELF core header, in fresh frames at the top of the region. */
static bool build_core_header(struct kl_plan *p, uint64_t crash_start,
                              uint64_t crash_size, uint64_t *n)
{
    struct elfcore_req req = kx_core_req(&core, crash_start, crash_size);
    struct elfcore_result hres;
    uint64_t pages;
    int rc = elfcore_build(&req, hdr_buf, sizeof(hdr_buf), &hres);

    if (!check_eq(rc, ELFCORE_OK, "elfcore_build: %s", elfcore_strerror(rc)))
        return false;
    pages = (hres.size + PAGE_SIZE - 1) / PAGE_SIZE;
    p->hdr_size = pages * PAGE_SIZE;
    p->hdr_maddr = p->region_start + p->region_size - p->hdr_size;
    info("ELF core header: %lu bytes, %u PT_NOTE, %u RAM PT_LOAD, %u "
         "hypervisor PT_LOAD, at %#lx",
         hres.size, hres.nr_notes, hres.nr_ram, hres.nr_hv, p->hdr_maddr);
    /* hdr_buf is in dom0's image, not a module: copy it into fresh frames */
    if (*n + 1 + pages > KL_MAX_ENTRIES)
        return false;
    ents[(*n)++] = (struct kexec_entry){ .op = KEXEC_OP_DEST,
                                         .arg0 = p->hdr_maddr };
    for (uint64_t i = 0; i < pages; i++) {
        struct kxl_frame f;

        if (env.bounce(env.ctx, &f)) {
            error("no frame for the core header");
            return false;
        }
        memcpy(f.va, hdr_buf + i * PAGE_SIZE, PAGE_SIZE);
        ents[(*n)++] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                             .arg0 = kxl_mfn_val(f.mfn),
                                             .arg1 = 1 };
    }
    return add_region("elfcorehdr", kxl_maddr(p->hdr_maddr), p->hdr_size, 0,
                      hdr_buf, hres.size);
}

static char cmdline[4096];

static const char *crash_cmdline(void)
{
    const struct start_module *m = kx_module_named("cmdline");
    size_t n;

    if (!m)
        return "console=ttyS0,115200";
    n = m->size < sizeof(cmdline) - 1 ? m->size : sizeof(cmdline) - 1;
    memcpy(cmdline, (const void *)m->va, n);
    while (n && (cmdline[n - 1] == '\n' || cmdline[n - 1] == ' '))
        n--;
    cmdline[n] = '\0';
    return cmdline;
}

static bool load_linux(uint8_t type)
{
    const struct start_module *kernel = kx_module_named("kernel");
    const struct start_module *vmlinux = kx_module_named("vmlinux");
    const struct start_module *initrd = kx_module_named("initrd");
    struct kl_plan p = { .type = type };
    struct kxl_linux_req lr;
    struct kxl_linux_result lres;
    struct kxl_result pres;
    struct kexec_load ld;
    uint64_t n = 0, t0, t_built, t_hashed, t_loaded;
    uint64_t crash_start = 0, crash_size = 0, bytes = 0;
    int rc;
    long hrc;

    if (!kernel) {
        error("no module named 'kernel' (the bzImage)");
        return false;
    }
    if (type == KEXEC_TYPE_CRASH) {
        if (!kx_crash_region(&crash_start, &crash_size) ||
            !kx_collect_core_info(&core))
            return false;
        p.region_start = crash_start;
        p.region_size = crash_size;
    } else {
        if (!kx_collect_core_info(&core))
            return false;
        p.region_start = KL_DEFAULT_BASE;
        p.region_size = KL_DEFAULT_SIZE;
    }
    t0 = rdtsc();
    if (type == KEXEC_TYPE_CRASH &&
        !build_core_header(&p, crash_start, crash_size, &n))
        return false;

    /* purgatory: its span, then its place below the header */
    p.purg_size = kx_purgatory_span(&env);
    if (!check_true(p.purg_size != 0, "purgatory.elf: %lu bytes of pages",
                    p.purg_size))
        return false;
    p.purg_maddr = (p.region_start + p.region_size - p.hdr_size - p.purg_size) &
                   ~(uint64_t)(PAGE_SIZE - 1);

    lr = (struct kxl_linux_req){
        .bzimage = (const void *)kernel->va,
        .bzimage_size = kernel->size,
        .vmlinux = vmlinux ? (const void *)vmlinux->va : NULL,
        .vmlinux_size = vmlinux ? vmlinux->size : 0,
        .initrd = initrd ? (const void *)initrd->va : NULL,
        .initrd_size = initrd ? initrd->size : 0,
        .cmdline = crash_cmdline(),
        .type = type,
        .region_start = kxl_maddr(p.region_start),
        .region_size = p.region_size,
        .reserve_top = p.region_start + p.region_size - p.purg_maddr,
        .mem = core.e820,
        .nr_mem = core.nr_mem,
        .acpi_rsdp = kxl_maddr(si->rsdp_paddr),
        .elfcorehdr_maddr = kxl_maddr(p.hdr_maddr),
        .elfcorehdr_size = p.hdr_size,
    };
    rc = kxl_linux_build(&lr, &env, ents + n, KL_MAX_ENTRIES - n, &lres);
    if (rc) {
        error("linux-load: %s%s%s (where %u)", kxl_linux_strerror(rc),
              lres.kxl_error ? ": " : "",
              lres.kxl_error ? kxl_strerror(lres.kxl_error) : "", lres.where);
        return false;
    }
    n += lres.nr_entries;
    info("Linux boot protocol %u.%02u, %s at %#lx (%#lx bytes), entry %#lx, "
         "initrd at %#lx (%lu bytes), boot_params at %#lx, %u e820 entries, "
         "RSDP %#lx",
         lres.hdr.version >> 8, lres.hdr.version & 0xff,
         lres.fast ? "vmlinux" : "bzImage", kxl_maddr_val(lres.kernel_maddr),
         lres.kernel_size, kxl_maddr_val(lres.entry_maddr),
         kxl_maddr_val(lres.initrd_maddr), initrd ? initrd->size : 0,
         kxl_maddr_val(lres.boot_params_maddr), lres.nr_e820, si->rsdp_paddr);
    info("the kernel's command line: '%s'", lres.cmdline);
    t_built = rdtsc();

    for (unsigned int i = 0; i < lres.nr_segs; i++) {
        const struct kxl_linux_segment *s = &lres.segs[i];

        if (!add_region(s->name, s->dest, s->memsz, s->lead_zero, s->data,
                        s->filesz))
            return false;
    }
    for (unsigned int i = 0; i < pargs.nr_regions; i++)
        bytes += pargs.regions[i].size;
    t_hashed = rdtsc();
    memcpy(pargs.magic, PURGATORY_ARGS_MAGIC, sizeof(pargs.magic));
    pargs.version = PURGATORY_ARGS_VERSION;
    pargs.mode = PURGATORY_MODE_LINUX64;
    pargs.serial_port = KL_COM1;
    pargs.exit_port = KL_DEBUG_EXIT;
    pargs.entry = kxl_maddr_val(lres.entry_maddr);
    {
        size_t len;

        /* purgatory-bench=1: purgatory times SHA-256 and rep movsq over
           the same regions in the crash boot (make bench) */
        if (cmdline_find("purgatory-bench", &len))
            pargs.flags |= PURGATORY_F_BENCH;
    }
    pargs.regs.rsi = kxl_maddr_val(lres.boot_params_maddr);

    rc = kxl_build_purgatory(purgatory_elf, PURGATORY_ELF_SIZE,
                             kxl_maddr(p.purg_maddr), kxl_maddr(p.region_start),
                             p.region_size, &pargs, &env, ents + n,
                             KL_MAX_ENTRIES - n, &pres);
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
    t_loaded = rdtsc();
    if (!check_eq(hrc, 0,
                  "load Linux behind purgatory (at %#lx) as the %s "
                  "image: %lu entries, %u regions of %lu bytes",
                  p.purg_maddr, type == KEXEC_TYPE_CRASH ? "crash" : "default",
                  n, pargs.nr_regions, bytes)) {
        info("... bad_entry %#lx", ld.bad_entry);
        return false;
    }
    info("load timings (TSC cycles): build %lu, SHA-256 of %lu bytes %lu, "
         "hypercall %lu",
         t_built - t0, bytes, t_hashed - t_built, t_loaded - t_hashed);
    return true;
}

/* ---- refusals: each one a clear line, nothing loaded ----------------------- */

/* A copy of the bzImage's first pages, to break one header field at a time. */
#define KL_HDR_COPY (64 * 1024)
static uint8_t bz_copy[KL_HDR_COPY];
static char long_line[2100];

static void refuse_one(const char *what, int want, const void *bz,
                       size_t bz_size, const void *initrd, size_t initrd_size,
                       const char *line)
{
    uint64_t crash_start = 0, crash_size = 0;
    struct kxl_linux_result res;
    struct kxl_linux_req lr;
    int rc;

    kx_get_range(KEXEC_RANGE_MA_CRASH, &crash_start, &crash_size);
    lr = (struct kxl_linux_req){
        .bzimage = bz,
        .bzimage_size = bz_size,
        .initrd = initrd,
        .initrd_size = initrd_size,
        .cmdline = line,
        .type = KEXEC_TYPE_CRASH,
        .region_start = kxl_maddr(crash_start),
        .region_size = crash_size,
        .reserve_top = 16 * PAGE_SIZE,
        .mem = core.e820,
        .nr_mem = core.nr_mem,
        .elfcorehdr_maddr = kxl_maddr(crash_start + crash_size - PAGE_SIZE),
        .elfcorehdr_size = PAGE_SIZE,
    };
    rc = kxl_linux_build(&lr, &env, ents, KL_MAX_ENTRIES, &res);
    check_eq(rc, want, "%s: refused with %s", what, kxl_linux_strerror(want));
    if (rc)
        info("linux-load refused %s: %s", what, kxl_linux_strerror(rc));
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED,
                    "... the crash image loaded before is still there");
}

/* Patch `bytes` bytes at off in the header copy, little endian. */
static const void *patched(unsigned int off, uint64_t v, unsigned int bytes)
{
    const struct start_module *kernel = kx_module_named("kernel");

    memcpy(bz_copy, (const void *)kernel->va, KL_HDR_COPY);
    for (unsigned int i = 0; i < bytes; i++, v >>= 8)
        bz_copy[off + i] = (uint8_t)v;
    return bz_copy;
}

/* After a good load: every bad input the issue names, none of it loaded. */
static void refusals(void)
{
    const struct start_module *kernel = kx_module_named("kernel");
    const struct start_module *vmlinux = kx_module_named("vmlinux");
    const struct start_module *initrd = kx_module_named("initrd");
    const char *line = "console=ttyS0,115200";
    struct kxl_linux_header h;

    if (!kernel || !vmlinux || !initrd ||
        kxl_linux_parse((const void *)kernel->va, kernel->size, &h) ||
        kernel->size < KL_HDR_COPY) {
        error("refusals need the kernel, vmlinux and initrd modules");
        return;
    }
    refuse_one("a vmlinux given as the bzImage", KXLL_ENOTBZ,
               (const void *)vmlinux->va, vmlinux->size, NULL, 0, line);
    refuse_one("boot protocol 2.11", KXLL_EVERSION, patched(0x206, 0x020B, 2),
               KL_HDR_COPY, NULL, 0, line);
    refuse_one("no 64-bit entry (xloadflags bit 0 clear)", KXLL_ENO64,
               patched(0x236, 0x7E, 2), KL_HDR_COPY, NULL, 0, line);
    refuse_one("not relocatable", KXLL_ERELOC, patched(0x234, 0, 1),
               KL_HDR_COPY, NULL, 0, line);
    /* (the copy is the file's first 64 KiB: syssize says as much) */
    patched(0x260, 0x7ff00000, 4);
    for (unsigned int i = 0; i < 4; i++)
        bz_copy[0x1F4 + i] = (uint8_t)(((KL_HDR_COPY - h.pm_offset) / 16) >>
                                       (8 * i));
    refuse_one("init_size larger than the region", KXLL_EKERNELFIT, bz_copy,
               KL_HDR_COPY, NULL, 0, line);
    refuse_one("an initrd larger than the region", KXLL_EINITRDFIT,
               (const void *)kernel->va, kernel->size,
               (const void *)vmlinux->va, (size_t)1 << 40, line);
    memset(long_line, 'x', sizeof(long_line) - 1);
    refuse_one("a command line longer than cmdline_size", KXLL_ECMDLINE,
               (const void *)kernel->va, kernel->size, (const void *)initrd->va,
               initrd->size, long_line);
    refuse_one("a file cut after its setup sectors", KXLL_ETRUNC,
               (const void *)kernel->va, h.pm_offset, NULL, 0, line);
}

DEFINE_KX_TEST(
    kexec_linux, "kexec-linux",
    "a Linux bzImage (+vmlinux, initrd) behind purgatory, then crash")
{
    size_t len;
    const char *how = cmdline_find("linux", &len);
    bool exec = how && len == 4 && !strncmp(how, "exec", 4);

    env = kx_env(NULL);
    kx_bounce_restart();

    if (!load_linux(exec ? KEXEC_TYPE_DEFAULT : KEXEC_TYPE_CRASH))
        return;
    if (cmdline_find("refusals", &len))
        refusals();
    if (exec) {
        long rc;

        info("KEXEC_CMD_kexec of the default image: Linux runs next");
        rc = kx_exec(KEXEC_TYPE_DEFAULT);
        fail("KEXEC_CMD_kexec returned %ld", rc);
        return;
    }
    if (!cmdline_find("via", &len)) {
        static char panic_kind[] = "panic";

        info("crashing the hypervisor: debug_op inject 'panic'");
        hypercall2(__HYPERVISOR_debug_op, DEBUGOP_inject, PTR(panic_kind));
        fail("debug_op inject 'panic' returned");
        return;
    }
    kx_crash_dom0();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader/multiboot-load.c: the Multiboot header checks, where
 * each part goes and the information structure, against the project's own
 * build/hv.elf (HV_ELF_PATH, or $HV_BUILD/hv.elf) and hand-made images.
 * Every entry list is played into a model of machine memory (page ->
 * source bytes) and read back from there; the crash-region loads also go
 * through the hypervisor's validator (common/kimage.c).
 */
#include "harness.h"

#include <hv/kimage.h>

#include "../../tools/kexec-loader/multiboot-load.h"
#include "../../tools/kexec-loader/kxl-bytes.h"
#include "fake-loader-env.h"

#define PG         FAKE_PG
#define BOUNCE_MFN FAKE_BOUNCE_MFN
#define BUF_MFN    FAKE_BUF_MFN
#define MAX_BOUNCE FAKE_MAX_BOUNCE
#define MAX_BUFS   FAKE_MAX_BUFS
#define INFO       0x1000000ULL /* 16 MiB: above hv.elf */

/* ---- the fake machine (fake-loader-env.h) ------------------------------ */

#define env          fake_env
#define new_buf      fake_new_buf
#define nr_bounce    fake_nr_bounce
#define bounce_limit fake_bounce_limit

/* ---- the memory the entry list builds ----------------------------------- */

#define MAX_PAGES 4096
static struct mpage {
    uint64_t dest;
    const uint8_t *src;
} mem[MAX_PAGES];
static unsigned int nr_mem_pages;

/* The bytes a COPY's arg0 (+ k) names. */
static const uint8_t *frame(uint64_t mfn)
{
    const uint8_t *p = fake_frame(kxl_mfn(mfn));

    ck_assert_msg(p != NULL,
                  "COPY of frame %#lx: neither a buffer nor a "
                  "bounce frame",
                  (unsigned long)mfn);
    return p;
}

static int by_dest(const void *a, const void *b)
{
    const struct mpage *x = a, *y = b;

    return x->dest < y->dest ? -1 : x->dest > y->dest;
}

/* Play the list: only DEST/COPY/ZERO, page-aligned DESTs, no page twice. */
static void play(const struct kexec_entry *e, uint64_t n)
{
    uint64_t cur = 0;
    bool have_dest = false;

    nr_mem_pages = 0;
    for (uint64_t i = 0; i < n; i++) {
        ck_assert_uint_eq(e[i].flags, 0);
        ck_assert_uint_eq(e[i].pad, 0);
        switch (e[i].op) {
        case KEXEC_OP_DEST:
            ck_assert_uint_eq(e[i].arg0 % PG, 0);
            cur = e[i].arg0;
            have_dest = true;
            break;
        case KEXEC_OP_COPY:
        case KEXEC_OP_ZERO:
            ck_assert_msg(have_dest, "entry %lu before any DEST",
                          (unsigned long)i);
            ck_assert_uint_gt(e[i].arg1, 0);
            for (uint64_t k = 0; k < e[i].arg1; k++, cur += PG) {
                ck_assert_uint_lt(nr_mem_pages, MAX_PAGES);
                mem[nr_mem_pages++] = (struct mpage){
                    .dest = cur,
                    .src = e[i].op == KEXEC_OP_COPY ? frame(e[i].arg0 + k)
                                                    : NULL
                };
            }
            break;
        default:
            ck_abort_msg("entry %lu: op %u", (unsigned long)i, e[i].op);
        }
    }
    qsort(mem, nr_mem_pages, sizeof(mem[0]), by_dest);
    for (unsigned int i = 1; i < nr_mem_pages; i++)
        ck_assert_msg(mem[i - 1].dest != mem[i].dest, "page %#lx built twice",
                      (unsigned long)mem[i].dest);
}

static const struct mpage *page_of(uint64_t addr)
{
    struct mpage key = { .dest = addr & ~(uint64_t)(PG - 1) };
    const struct mpage *p = bsearch(&key, mem, nr_mem_pages, sizeof(mem[0]),
                                    by_dest);

    ck_assert_msg(p != NULL, "nothing loaded at %#lx", (unsigned long)addr);
    return p;
}

static uint8_t byte_at(uint64_t addr)
{
    const struct mpage *p = page_of(addr);

    return p->src ? p->src[addr % PG] : 0;
}

/* The loaded [addr, + len) equals want (NULL: zeros). */
static void expect_mem(uint64_t addr, const uint8_t *want, uint64_t len)
{
    while (len) {
        const struct mpage *p = page_of(addr);
        uint64_t off = addr % PG, n = PG - off < len ? PG - off : len;

        /* One assertion per mismatch only: each one is a pipe write. */
        for (uint64_t i = 0; i < n; i++) {
            uint8_t got = p->src ? p->src[off + i] : 0;
            uint8_t exp = want ? want[i] : 0;

            if (got != exp)
                ck_abort_msg("byte at %#lx: %#x, want %#x",
                             (unsigned long)(addr + i), got, exp);
        }
        addr += n;
        len -= n;
        if (want)
            want += n;
    }
}

static uint32_t u32_at(uint64_t addr)
{
    uint32_t v = 0;

    for (unsigned int i = 4; i--;)
        v = (v << 8) | byte_at(addr + i);
    return v;
}

static uint64_t u64_at(uint64_t addr)
{
    return u32_at(addr) | (uint64_t)u32_at(addr + 4) << 32;
}

static void expect_str(uint64_t addr, const char *want)
{
    size_t n = strlen(want);

    expect_mem(addr, (const uint8_t *)want, n);
    ck_assert_uint_eq(byte_at(addr + n), 0);
}

/* Every segment's memory image is what the list builds. */
static void expect_segs(const struct kxl_mb_result *res)
{
    for (unsigned int i = 0; i < res->nr_segs; i++) {
        const struct kxl_mb_segment *s = &res->segs[i];
        uint64_t dest = kxl_maddr_val(s->dest);

        ck_assert_uint_eq(dest % PG, 0);
        ck_assert_uint_eq(s->memsz % PG, 0);
        ck_assert_uint_le(s->lead_zero + s->filesz, s->memsz);
        expect_mem(dest, NULL, s->lead_zero);
        expect_mem(dest + s->lead_zero, s->data, s->filesz);
        expect_mem(dest + s->lead_zero + s->filesz, NULL,
                   s->memsz - s->lead_zero - s->filesz);
    }
}

/* ---- the validator ------------------------------------------------------ */

/* Crash-image lists against the hypervisor's validator: the hypervisor
   image is placed out of hv.elf's way, at 2 GiB. */
static void expect_valid_crash(const struct kexec_entry *ents, uint64_t n,
                               kxl_maddr_t entry, kxl_maddr_t rs,
                               uint64_t rsize)
{
    fake_expect_valid_crash(ents, n, KEXEC_ARCH_32, entry, rs, rsize,
                            kxl_maddr(0x80000000ULL), kxl_maddr(0x80400000ULL));
}

/* ---- images ------------------------------------------------------------- */

static const char *hv_elf_path(void)
{
    static char path[4096];
    const char *dir = getenv("HV_BUILD");

    if (!dir || !*dir)
        return HV_ELF_PATH;
    snprintf(path, sizeof(path), "%s/hv.elf", dir);
    return path;
}

static uint8_t *load_hv_elf(size_t *size)
{
    const char *path = hv_elf_path();
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s (make all builds it)", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    ck_assert_int_gt(n, 0);
    b = new_buf((size_t)n);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

/*
 * What hv.elf's header must say, from its ELF program headers (not from
 * the Multiboot header): head.S puts the header first in .text, the a.out
 * kludge loads the file from the first PT_LOAD's offset as the ELF lays
 * it out, the bss ends with the last PT_LOAD's memory.
 */
struct hv_layout {
    uint64_t first_offset, load_addr, load_end, bss_end, entry;
};

static struct hv_layout hv_layout(const uint8_t *b, size_t size)
{
    struct hv_layout l = { .load_addr = ~0ULL };
    uint64_t phoff = kxl_rd(b + 32, 8), e_entry = kxl_rd(b + 24, 8);
    unsigned int phnum = (unsigned int)kxl_rd(b + 56, 2);

    ck_assert_mem_eq(b,
                     "\x7f"
                     "ELF\x02\x01",
                     6);
    ck_assert_uint_le(phoff + 56 * phnum, size);
    for (unsigned int i = 0; i < phnum; i++) {
        const uint8_t *p = b + phoff + 56 * i;
        uint64_t off = kxl_rd(p + 8, 8), vaddr = kxl_rd(p + 16, 8);
        uint64_t paddr = kxl_rd(p + 24, 8), filesz = kxl_rd(p + 32, 8);
        uint64_t memsz = kxl_rd(p + 40, 8);

        if (kxl_rd(p, 4) != 1 || !memsz)
            continue;
        if (paddr < l.load_addr) {
            l.load_addr = paddr;
            l.first_offset = off;
        }
        if (paddr + filesz > l.load_end)
            l.load_end = paddr + filesz;
        if (paddr + memsz > l.bss_end)
            l.bss_end = paddr + memsz;
        if (e_entry >= vaddr && e_entry < vaddr + memsz)
            l.entry = e_entry - vaddr + paddr;
    }
    ck_assert_uint_ne(l.entry, 0);
    return l;
}

/* The first 4-byte aligned Multiboot magic in the file (its own scan). */
static uint32_t find_magic(const uint8_t *b, size_t size)
{
    static const uint8_t magic[4] = { 0x02, 0xb0, 0xad, 0x1b };

    for (size_t o = 0; o + 4 <= size && o < 8192; o += 4)
        if (!memcmp(b + o, magic, 4))
            return (uint32_t)o;
    ck_abort_msg("no Multiboot magic in hv.elf");
    return 0;
}

static void fix_checksum(uint8_t *b, uint32_t hoff)
{
    kxl_wr(b + hoff + 8,
           -(uint32_t)(KXLM_HEADER_MAGIC + kxl_rd(b + hoff + 4, 4)), 4);
}

/* A file of pattern bytes with a Multiboot header at hoff. */
static uint8_t *make_mb(size_t size, uint32_t hoff, uint32_t flags,
                        const uint32_t *addr)
{
    uint8_t *b = new_buf(size);

    for (size_t i = 0; i < size; i++)
        b[i] = (uint8_t)(i * 11 + 3);
    kxl_wr(b + hoff, KXLM_HEADER_MAGIC, 4);
    kxl_wr(b + hoff + 4, flags, 4);
    fix_checksum(b, hoff);
    for (unsigned int i = 0; addr && i < 5; i++)
        kxl_wr(b + hoff + 12 + 4 * i, addr[i], 4);
    return b;
}

/* The standard synthetic kernel: loaded at 1 MiB from file offset 0. */
#define SYN_SIZE  0x5000u
#define SYN_HOFF  0x40u
#define SYN_FLAGS (KXLM_HF_PAGE_ALIGN | KXLM_HF_MEMORY_INFO | KXLM_HF_ADDRESS)
static const uint32_t syn_addr[5] = { 0x100040, 0x100000, 0x104800, 0x108000,
                                      0x100060 };

static uint8_t *make_syn(void)
{
    return make_mb(SYN_SIZE, SYN_HOFF, SYN_FLAGS, syn_addr);
}

/* An ELF32 i386 ET_EXEC with one PT_LOAD at 2 MiB and a header at 0x1000. */
static uint8_t *make_elf32(uint8_t class_, uint16_t machine, size_t *size)
{
    uint8_t *e = make_mb(0x3000, 0x1000, KXLM_HF_PAGE_ALIGN, NULL);

    *size = 0x3000;
    memset(e, 0, 0x100);
    memcpy(e,
           "\x7f"
           "ELF",
           4);
    e[4] = class_;
    e[5] = 1;
    e[6] = 1;
    kxl_wr(e + 16, 2, 2); /* ET_EXEC */
    kxl_wr(e + 18, machine, 2);
    kxl_wr(e + 20, 1, 4);
    kxl_wr(e + 24, 0x200010, 4); /* e_entry */
    kxl_wr(e + 28, 52, 4);       /* e_phoff */
    kxl_wr(e + 40, 52, 2);
    kxl_wr(e + 42, 32, 2);
    kxl_wr(e + 44, 1, 2);
    kxl_wr(e + 52, 1, 4);        /* PT_LOAD */
    kxl_wr(e + 56, 0x1000, 4);   /* p_offset */
    kxl_wr(e + 60, 0x200000, 4); /* p_vaddr */
    kxl_wr(e + 64, 0x200000, 4); /* p_paddr */
    kxl_wr(e + 68, 0x1800, 4);   /* p_filesz */
    kxl_wr(e + 72, 0x4000, 4);   /* p_memsz */
    return e;
}

/* The machine map: low RAM, the BIOS hole, RAM to 2 GiB, reserved. */
static const struct e820_entry machine[] = {
    { 0x0, 0x9fc00, 1, 0 },        { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },    { 0x100000, 0x7ff00000, 1, 0 },
    { 0xfffc0000, 0x40000, 3, 0 },
};

static uint8_t *mod_data[2];
static struct kxl_mb_module_req mods[KXLM_MAX_MODULES + 1];

static struct kxl_mb_req make_req(const uint8_t *img, size_t size)
{
    static const size_t mod_size[2] = { 0x1234, 0x3000 };

    for (unsigned int i = 0; i < 2; i++) {
        mod_data[i] = new_buf(mod_size[i]);
        for (size_t k = 0; k < mod_size[i]; k++)
            mod_data[i][k] = (uint8_t)(k * (5 + 2 * i) + 1 + i);
        mods[i] = (struct kxl_mb_module_req){
            .data = mod_data[i],
            .size = mod_size[i],
            .cmdline = i ? "" : "dom0 console=com1"
        };
    }
    return (struct kxl_mb_req){ .image = img,
                                .image_size = size,
                                .cmdline = "console=com1 kexec",
                                .modules = mods,
                                .nr_modules = 2,
                                .mem = machine,
                                .nr_mem = ARRAY_SIZE(machine),
                                .info_maddr = kxl_maddr(INFO) };
}

/* A refusal: its code, nothing in res but hdr and kxl_error, no frames. */
static void expect_refused(const struct kxl_mb_req *req, int want,
                           unsigned int line)
{
    struct kexec_entry ents[128];
    struct kxl_mb_result res;
    unsigned int bounce_before = nr_bounce;
    int rc = kxl_mb_build(req, &env, ents, ARRAY_SIZE(ents), &res);

    ck_assert_msg(rc == want, "line %u: %d (%s), want %d (%s)", line, rc,
                  kxl_mb_strerror(rc), want, kxl_mb_strerror(want));
    ck_assert_uint_eq(res.nr_entries, 0);
    ck_assert_uint_eq(res.nr_segs, 0);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0);
    ck_assert_uint_eq(kxl_maddr_val(res.info_maddr), 0);
    if (want != KXLM_EBUILD)
        ck_assert_msg(nr_bounce == bounce_before,
                      "line %u: bounce frames taken for a refusal", line);
    ck_assert_ptr_nonnull(strstr(kxl_mb_strerror(want), "KXLM_E"));
}
#define REFUSED(req, want) expect_refused(req, want, __LINE__)

/* ---- hv.elf ------------------------------------------------------------- */

START_TEST(test_parse_hv_elf)
{
    size_t size;
    uint8_t *b = load_hv_elf(&size);
    struct hv_layout l = hv_layout(b, size);
    uint32_t hoff = find_magic(b, size);
    struct kxl_mb_header h;

    ck_assert_int_eq(kxl_mb_parse(b, size, &h), KXLM_OK);
    /* head.S: MB_FLAGS = bits 0, 1, 16 */
    ck_assert_uint_eq(h.flags, 0x10003);
    ck_assert(h.address_fields);
    ck_assert_uint_eq(h.header_offset, hoff);
    ck_assert_uint_eq(h.load_addr, l.load_addr);
    ck_assert_uint_eq(h.load_addr, 0x201000); /* HV_LOAD_PHYS + 4 KiB */
    /* the header where the ELF puts it: header_addr <-> its file offset */
    ck_assert_uint_eq(h.header_addr - h.load_addr, hoff - l.first_offset);
    ck_assert_uint_eq(h.load_end_addr, l.load_end);
    ck_assert_uint_eq(h.bss_end_addr, l.bss_end);
    ck_assert_uint_eq(h.entry_addr, l.entry);
    ck_assert_uint_gt(h.bss_end_addr, h.load_end_addr);

    /* bit 16 cleared: an ELF64 without address fields, as QEMU refuses */
    kxl_wr(b + hoff + 4, 0x3, 4);
    fix_checksum(b, hoff);
    ck_assert_int_eq(kxl_mb_parse(b, size, &h), KXLM_EELF);
    /* the checksum broken */
    kxl_wr(b + hoff + 4, 0x10003, 4);
    ck_assert_int_eq(kxl_mb_parse(b, size, &h), KXLM_ECHECKSUM);
}
END_TEST

START_TEST(test_build_hv_elf)
{
    size_t size;
    uint8_t *b = load_hv_elf(&size);
    struct hv_layout l = hv_layout(b, size);
    struct kxl_mb_req req = make_req(b, size);
    static struct kexec_entry ents[256];
    struct kxl_mb_result res;
    uint64_t mods_addr, mmap_addr, prev_end;

    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), l.entry);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_start), l.load_addr);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_end),
                      (l.bss_end + PG - 1) / PG * PG);
    ck_assert_uint_eq(kxl_maddr_val(res.info_maddr), INFO);
    ck_assert_uint_eq(kxl_maddr_val(res.info_end), INFO + PG);
    /* the kernel first: DEST load_addr, COPY straight from the file */
    ck_assert_uint_eq(ents[0].op, KEXEC_OP_DEST);
    ck_assert_uint_eq(ents[0].arg0, l.load_addr);
    ck_assert_uint_eq(ents[1].op, KEXEC_OP_COPY);
    ck_assert_uint_eq(ents[1].arg0, BUF_MFN + l.first_offset / PG);

    play(ents, res.nr_entries);
    /* every PT_LOAD's file bytes where the ELF says, then bss zeros */
    {
        uint64_t phoff = kxl_rd(b + 32, 8);

        for (unsigned int i = 0; i < kxl_rd(b + 56, 2); i++) {
            const uint8_t *p = b + phoff + 56 * i;

            if (kxl_rd(p, 4) != 1)
                continue;
            expect_mem(kxl_rd(p + 24, 8), b + kxl_rd(p + 8, 8),
                       kxl_rd(p + 32, 8));
        }
    }
    expect_mem(l.load_end, NULL, kxl_maddr_val(res.kernel_end) - l.load_end);
    expect_segs(&res);
    ck_assert_uint_eq(res.nr_segs, 4);
    ck_assert_str_eq(res.segs[0].name, "kernel");
    ck_assert_str_eq(res.segs[1].name, "info");
    ck_assert_str_eq(res.segs[2].name, "module 0");
    ck_assert_str_eq(res.segs[3].name, "module 1");

    /* the information structure, read back from the memory built */
    ck_assert_uint_eq(u32_at(INFO + 0), 0x24D); /* bits 0,2,3,6,9 */
    ck_assert_uint_eq(u32_at(INFO + 4), 0x9fc00 / 1024);
    ck_assert_uint_eq(u32_at(INFO + 8), (0x80000000 - 0x100000) / 1024);
    ck_assert_uint_eq(u32_at(INFO + 12), 0); /* boot_device */
    expect_str(u32_at(INFO + 16), "console=com1 kexec");
    ck_assert_uint_eq(u32_at(INFO + 20), 2);
    mods_addr = u32_at(INFO + 24);
    for (unsigned int o = 28; o < 44; o += 4) /* syms */
        ck_assert_uint_eq(u32_at(INFO + o), 0);
    ck_assert_uint_eq(u32_at(INFO + 44), 5 * 24);
    mmap_addr = u32_at(INFO + 48);
    for (unsigned int o = 52; o < 64; o += 4) /* drives, config_table */
        ck_assert_uint_eq(u32_at(INFO + o), 0);
    expect_str(u32_at(INFO + 64), "kexec-hv");
    for (unsigned int o = 68; o < 88; o += 4) /* apm, vbe */
        ck_assert_uint_eq(u32_at(INFO + o), 0);
    /* every pointer inside the info page */
    ck_assert_uint_ge(mods_addr, INFO + 88);
    ck_assert_uint_lt(mods_addr, kxl_maddr_val(res.info_end));
    ck_assert_uint_ge(mmap_addr, INFO + 88);

    /* the modules: after the info page, page aligned, in order, intact */
    prev_end = kxl_maddr_val(res.info_end);
    for (unsigned int i = 0; i < 2; i++) {
        uint64_t m = mods_addr + 16 * i;
        uint64_t start = u32_at(m), end = u32_at(m + 4);

        ck_assert_uint_eq(start % PG, 0);
        ck_assert_uint_eq(start, (prev_end + PG - 1) / PG * PG);
        ck_assert_uint_eq(start, kxl_maddr_val(res.module_maddr[i]));
        ck_assert_uint_eq(end - start, mods[i].size);
        expect_mem(start, mod_data[i], mods[i].size);
        expect_str(u32_at(m + 8), mods[i].cmdline);
        ck_assert_uint_eq(u32_at(m + 12), 0);
        prev_end = end;
    }
    ck_assert_uint_eq(kxl_maddr_val(res.end), (prev_end + PG - 1) / PG * PG);
    /* the memory map: size 20, the machine's entries in order */
    for (unsigned int i = 0; i < ARRAY_SIZE(machine); i++) {
        uint64_t e = mmap_addr + 24 * i;

        ck_assert_uint_eq(u32_at(e), 20);
        ck_assert_uint_eq(u64_at(e + 4), machine[i].addr);
        ck_assert_uint_eq(u64_at(e + 12), machine[i].size);
        ck_assert_uint_eq(u32_at(e + 20), machine[i].type);
    }
}
END_TEST

/* The crash region: everything inside it, the list valid as a crash image. */
START_TEST(test_hv_elf_region)
{
    size_t size;
    uint8_t *b = load_hv_elf(&size);
    struct kxl_mb_req req = make_req(b, size);
    static struct kexec_entry ents[256];
    struct kxl_mb_result res;

    req.region_start = kxl_maddr(0x200000);
    req.region_size = MiB(32);
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    expect_valid_crash(ents, res.nr_entries, res.entry_maddr, req.region_start,
                       req.region_size);
    /* the kernel's load_addr outside the region */
    req.region_start = kxl_maddr(0x10000000);
    REFUSED(&req, KXLM_EFIT);
    req.info_maddr = kxl_maddr(0x10000000);
    REFUSED(&req, KXLM_EFIT);
    /* the region ends inside the kernel's bss */
    req.region_start = kxl_maddr(0x200000);
    req.region_size = 0x400000 - 0x200000;
    req.info_maddr = kxl_maddr(0x100000);
    REFUSED(&req, KXLM_EFIT);
    /* kernel fits, the second module does not */
    req.region_size = INFO + 3 * PG - 0x200000;
    req.info_maddr = kxl_maddr(INFO);
    REFUSED(&req, KXLM_EFIT);
    req.nr_modules = 1;
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.end), INFO + 3 * PG);
    expect_valid_crash(ents, res.nr_entries, res.entry_maddr, req.region_start,
                       req.region_size);
}
END_TEST

/* ---- synthetic images --------------------------------------------------- */

START_TEST(test_parse_synthetic)
{
    uint8_t *b = make_syn();
    struct kxl_mb_header h;

    ck_assert_int_eq(kxl_mb_parse(b, SYN_SIZE, &h), KXLM_OK);
    ck_assert_uint_eq(h.flags, SYN_FLAGS);
    ck_assert_uint_eq(h.header_offset, SYN_HOFF);
    ck_assert_uint_eq(h.header_addr, syn_addr[0]);
    ck_assert_uint_eq(h.load_addr, syn_addr[1]);
    ck_assert_uint_eq(h.load_end_addr, syn_addr[2]);
    ck_assert_uint_eq(h.bss_end_addr, syn_addr[3]);
    ck_assert_uint_eq(h.entry_addr, syn_addr[4]);
    /* optional bits 17-31 are ignored */
    kxl_wr(b + SYN_HOFF + 4, SYN_FLAGS | 0xfffe0000u, 4);
    fix_checksum(b, SYN_HOFF);
    ck_assert_int_eq(kxl_mb_parse(b, SYN_SIZE, &h), KXLM_OK);
    /* a bad magic earlier (bad checksum) is skipped for the good one */
    kxl_wr(b + 0x10, KXLM_HEADER_MAGIC, 4);
    ck_assert_int_eq(kxl_mb_parse(b, SYN_SIZE, &h), KXLM_OK);
    ck_assert_uint_eq(h.header_offset, SYN_HOFF);
}
END_TEST

/* Where the search ends: the 12 header bytes within the first 8192. */
START_TEST(test_parse_search_limit)
{
    static const struct {
        uint32_t hoff;
        int want;
    } cases[] = {
        { 8192 - 12, KXLM_OK },       { 8192 - 8, KXLM_ENOHEADER },
        { 8192 - 4, KXLM_ENOHEADER }, { 8192, KXLM_ENOHEADER },
        { 9000, KXLM_ENOHEADER },
    };
    struct kxl_mb_header h;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint32_t hoff = cases[i].hoff;
        uint32_t a[5] = { 0x100000 + hoff, 0x100000, 0, 0, 0x100000 };
        uint8_t *b = make_mb(0x4000, hoff, SYN_FLAGS, a);

        ck_assert_msg(kxl_mb_parse(b, 0x4000, &h) == cases[i].want,
                      "header at %u: %s", hoff,
                      kxl_mb_strerror(kxl_mb_parse(b, 0x4000, &h)));
        fake_free();
        fake_reset();
    }
}
END_TEST

START_TEST(test_parse_refusals)
{
    static const struct {
        int field; /* -1: flags, 0..4: an address field */
        uint32_t val;
        int want;
    } cases[] = {
        { -1, SYN_FLAGS | KXLM_HF_VIDEO_MODE, KXLM_EVIDEO },
        { -1, SYN_FLAGS | (1u << 3), KXLM_EFLAGS },
        { -1, SYN_FLAGS | (1u << 15), KXLM_EFLAGS },
        { 1, 0x100044, KXLM_EADDRFIELDS }, /* load_addr > header_addr */
        { 1, 0x0fffff, KXLM_EADDRFIELDS }, /* load before the file */
        { 2, 0x105001, KXLM_EADDRFIELDS }, /* load_end beyond the file */
        { 2, 0x100000, KXLM_EADDRFIELDS }, /* load_end == load_addr */
        { 3, 0x104000, KXLM_EADDRFIELDS }, /* bss_end < load_end */
        { 4, 0x0fffff, KXLM_EADDRFIELDS }, /* entry below load_addr */
        { 4, 0x108000, KXLM_EADDRFIELDS }, /* entry at bss_end */
    };
    struct kxl_mb_header h;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t *b = make_syn();
        struct kxl_mb_req req;

        if (cases[i].field < 0) {
            kxl_wr(b + SYN_HOFF + 4, cases[i].val, 4);
            fix_checksum(b, SYN_HOFF);
        } else {
            kxl_wr(b + SYN_HOFF + 12 + 4 * cases[i].field, cases[i].val, 4);
        }
        ck_assert_msg(kxl_mb_parse(b, SYN_SIZE, &h) == cases[i].want,
                      "case %zu: %s", i,
                      kxl_mb_strerror(kxl_mb_parse(b, SYN_SIZE, &h)));
        req = make_req(b, SYN_SIZE);
        REFUSED(&req, cases[i].want);
        fake_free();
        fake_reset();
    }
    /* no header: zeros, and an ELF32 with none */
    {
        uint8_t *z = new_buf(0x4000);
        size_t esize;
        uint8_t *e = make_elf32(1, 3, &esize);
        struct kxl_mb_req req = make_req(z, 0x4000);

        ck_assert_int_eq(kxl_mb_parse(z, 0x4000, &h), KXLM_ENOHEADER);
        REFUSED(&req, KXLM_ENOHEADER);
        memset(e + 0x1000, 0, 12);
        ck_assert_int_eq(kxl_mb_parse(e, esize, &h), KXLM_ENOHEADER);
        /* the magic only 2-byte aligned */
        kxl_wr(e + 0x1002, KXLM_HEADER_MAGIC, 4);
        kxl_wr(e + 0x1006, KXLM_HF_PAGE_ALIGN, 4);
        fix_checksum(e, 0x1002);
        ck_assert_int_eq(kxl_mb_parse(e, esize, &h), KXLM_ENOHEADER);
        fake_free();
        fake_reset();
    }
    /* a bad checksum */
    {
        uint8_t *b = make_syn();
        struct kxl_mb_req req = make_req(b, SYN_SIZE);

        b[SYN_HOFF + 8] ^= 1;
        ck_assert_int_eq(kxl_mb_parse(b, SYN_SIZE, &h), KXLM_ECHECKSUM);
        REFUSED(&req, KXLM_ECHECKSUM);
        fake_free();
        fake_reset();
    }
    /* the address fields cut off by the file's end */
    {
        uint8_t *b = make_syn();

        ck_assert_int_eq(kxl_mb_parse(b, SYN_HOFF + 31, &h), KXLM_EADDRFIELDS);
        ck_assert_int_eq(kxl_mb_parse(b, SYN_HOFF + 32, &h), KXLM_EADDRFIELDS);
        fake_free();
        fake_reset();
    }
    /* load_end 0 (the file's end) past 4 GiB */
    {
        uint32_t a[5] = { 0xfffff040, 0xfffff000, 0, 0, 0xfffff060 };
        uint8_t *b = make_mb(SYN_SIZE, SYN_HOFF, SYN_FLAGS, a);

        ck_assert_int_eq(kxl_mb_parse(b, SYN_SIZE, &h), KXLM_EADDRFIELDS);
        ck_assert_int_eq(kxl_mb_parse(b, 0x1000, &h), KXLM_OK);
        fake_free();
        fake_reset();
    }
    /* no address fields: ELF64, not an ELF, ELF32 of another machine */
    {
        size_t esize;
        uint8_t *e64 = make_elf32(2, 62, &esize);
        uint8_t *e32 = make_elf32(1, 62, &esize);
        uint8_t *raw = make_mb(SYN_SIZE, SYN_HOFF, KXLM_HF_PAGE_ALIGN, NULL);
        struct kxl_mb_req req = make_req(e64, esize);

        ck_assert_int_eq(kxl_mb_parse(e64, esize, &h), KXLM_EELF);
        REFUSED(&req, KXLM_EELF);
        ck_assert_int_eq(kxl_mb_parse(e32, esize, &h), KXLM_EELF);
        ck_assert_int_eq(kxl_mb_parse(raw, SYN_SIZE, &h), KXLM_EELF);
    }
}
END_TEST

/* load_addr inside a page: that page built with zeros below load_addr. */
START_TEST(test_build_unaligned_load)
{
    /* header at 0x40, linked at 0x100050: the load starts at file 0x20 */
    uint32_t a[5] = { 0x100050, 0x100030, 0, 0x108000, 0x100100 };
    uint8_t *b = make_mb(SYN_SIZE, SYN_HOFF, SYN_FLAGS, a);
    struct kxl_mb_req req = make_req(b, SYN_SIZE);
    struct kexec_entry ents[64];
    struct kxl_mb_result res;

    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_start), 0x100000);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_end), 0x108000);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x100100);
    play(ents, res.nr_entries);
    expect_mem(0x100000, NULL, 0x30);
    expect_mem(0x100030, b + 0x20, SYN_SIZE - 0x20);
    expect_mem(0x100030 + SYN_SIZE - 0x20, NULL,
               0x108000 - (0x100030 + SYN_SIZE - 0x20));
    ck_assert_uint_eq(res.segs[0].lead_zero, 0x30);
    ck_assert_uint_eq(res.segs[0].filesz, SYN_SIZE - 0x20);
    expect_segs(&res);
    /* the header read back where header_addr says */
    ck_assert_uint_eq(u32_at(0x100050), KXLM_HEADER_MAGIC);
    expect_valid_crash(ents, res.nr_entries, res.entry_maddr,
                       kxl_maddr(0x100000), MiB(32));
}
END_TEST

/* ELF32 without address fields: placed by p_paddr, entered at e_entry. */
START_TEST(test_build_elf32)
{
    size_t esize;
    uint8_t *e = make_elf32(1, 3, &esize);
    struct kxl_mb_req req = make_req(e, esize);
    struct kexec_entry ents[64];
    struct kxl_mb_result res;

    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert(!res.hdr.address_fields);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_start), 0x200000);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_end), 0x204000);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x200010);
    play(ents, res.nr_entries);
    expect_mem(0x200000, e + 0x1000, 0x1800);
    expect_mem(0x201800, NULL, 0x2800);
    expect_segs(&res);
    /* the info structure meeting it */
    req.info_maddr = kxl_maddr(0x203000);
    REFUSED(&req, KXLM_EFIT);
    /* a crash region it is not linked into */
    req.info_maddr = kxl_maddr(INFO);
    req.region_start = kxl_maddr(0x800000);
    req.region_size = MiB(32);
    REFUSED(&req, KXLM_EFIT);
    req.region_start = kxl_maddr(0x200000);
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    expect_valid_crash(ents, res.nr_entries, res.entry_maddr, req.region_start,
                       req.region_size);
    req.region_size = 0;
    /* kxl_build's refusal, named: e_entry in no segment */
    kxl_wr(e + 24, 0x300000, 4);
    req.info_maddr = kxl_maddr(INFO);
    REFUSED(&req, KXLM_EELF);
    {
        struct kxl_mb_result r2;

        kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &r2);
        ck_assert_int_eq(r2.kxl_error, KXL_EENTRY);
    }
}
END_TEST

START_TEST(test_build_refusals)
{
    uint8_t *b = make_syn();
    struct kxl_mb_req req = make_req(b, SYN_SIZE);
    static struct e820_entry many[KXLM_MAX_MMAP + 1];
    struct kexec_entry ents[64];
    struct kxl_mb_result res;

    /* the good request first */
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    fake_free();
    fake_reset();
    b = make_syn();
    req = make_req(b, SYN_SIZE);

    /* info_maddr: unaligned, at 4 GiB, inside the kernel */
    req.info_maddr = kxl_maddr(INFO + 8);
    REFUSED(&req, KXLM_EARG);
    req.info_maddr = kxl_maddr(GiB(4));
    REFUSED(&req, KXLM_EARG);
    req.info_maddr = kxl_maddr(0x107000); /* the kernel's bss */
    REFUSED(&req, KXLM_EFIT);
    req.info_maddr = kxl_maddr(0x100000);
    REFUSED(&req, KXLM_EFIT);
    /* the modules running into the kernel from below */
    req.info_maddr = kxl_maddr(0x100000 - 3 * PG);
    REFUSED(&req, KXLM_EFIT);
    req.nr_modules = 1; /* info + 2 pages: just fits */
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.end), 0x108000); /* the kernel's end */
    req.nr_modules = 2;
    /* a module crossing 4 GiB */
    req.info_maddr = kxl_maddr(GiB(4) - 3 * PG);
    REFUSED(&req, KXLM_EFIT);
    req.info_maddr = kxl_maddr(INFO);
    /* too many modules, too many map entries, NULL data */
    for (unsigned int i = 2; i < ARRAY_SIZE(mods); i++)
        mods[i] = mods[0];
    req.nr_modules = KXLM_MAX_MODULES + 1;
    REFUSED(&req, KXLM_EARG);
    req.nr_modules = KXLM_MAX_MODULES;
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert_str_eq(res.segs[KXLM_MAX_MODULES + 1].name, "module 7");
    fake_free();
    fake_reset();
    b = make_syn();
    req = make_req(b, SYN_SIZE);
    for (unsigned int i = 0; i < ARRAY_SIZE(many); i++)
        many[i] = (struct e820_entry){ .addr = MiB(1) * i,
                                       .size = MiB(1),
                                       .type = 1 };
    req.mem = many;
    req.nr_mem = KXLM_MAX_MMAP + 1;
    REFUSED(&req, KXLM_EARG);
    req.nr_mem = KXLM_MAX_MMAP;
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    req.mem = machine;
    req.nr_mem = ARRAY_SIZE(machine);
    mods[1].data = NULL;
    REFUSED(&req, KXLM_EARG);
    fake_free();
    fake_reset();
    b = make_syn();
    req = make_req(b, SYN_SIZE);

    /* too small a capacity; no bounce frames left */
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, 3, &res), KXLM_EBUILD);
    ck_assert_int_eq(res.kxl_error, KXL_E2BIG);
    ck_assert_uint_eq(res.nr_entries, 0);
    bounce_limit = nr_bounce;
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_EBUILD);
    ck_assert_int_eq(res.kxl_error, KXL_EBOUNCE);
    ck_assert_uint_eq(res.nr_segs, 0);
    ck_assert_int_eq(kxl_mb_build(NULL, &env, ents, 64, &res), KXLM_EARG);
    ck_assert_int_eq(kxl_mb_build(&req, &env, NULL, 64, &res), KXLM_EARG);
}
END_TEST

/* A command line longer than a page: the info spans two pages. */
START_TEST(test_info_pages)
{
    uint8_t *b = make_syn();
    struct kxl_mb_req req = make_req(b, SYN_SIZE);
    struct kexec_entry ents[64];
    struct kxl_mb_result res;
    char *line = malloc(5 * PG);

    for (unsigned int i = 0; i < 5000; i++)
        line[i] = (char)('a' + i % 26);
    line[5000] = '\0';
    req.cmdline = line;
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.info_end), INFO + 2 * PG);
    ck_assert_uint_eq(kxl_maddr_val(res.module_maddr[0]), INFO + 2 * PG);
    /* the two frames are machine contiguous: one COPY of both */
    for (uint64_t i = 0; i + 1 < res.nr_entries; i++)
        if (ents[i].op == KEXEC_OP_DEST && ents[i].arg0 == INFO) {
            ck_assert_uint_eq(ents[i + 1].op, KEXEC_OP_COPY);
            ck_assert_uint_eq(ents[i + 1].arg1, 2);
        }
    play(ents, res.nr_entries);
    expect_str(u32_at(INFO + 16), line);
    expect_str(u32_at(INFO + 64), "kexec-hv");
    expect_str(u32_at(u32_at(INFO + 24) + 8), "dom0 console=com1");
    expect_segs(&res);
    ck_assert_str_eq(res.segs[2].name, "info 1");
    /* no module command line (NULL), an empty command line */
    mods[0].cmdline = NULL;
    req.cmdline = NULL;
    ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                     KXLM_OK);
    play(ents, res.nr_entries);
    expect_str(u32_at(INFO + 16), "");
    expect_str(u32_at(u32_at(INFO + 24) + 8), "");
    /* more than KXLM_MAX_INFO_PAGES pages */
    memset(line, 'x', 5 * PG - 1);
    line[5 * PG - 1] = '\0';
    req.cmdline = line;
    REFUSED(&req, KXLM_EARG);
    free(line);
}
END_TEST

/* mem_lower / mem_upper from the map: RAM from 0 (to 640 KiB), from 1 MiB. */
START_TEST(test_mem_fields)
{
    static const struct {
        struct e820_entry map[4];
        uint32_t n, lower, upper;
    } cases[] = {
        /* RAM over the whole first MiB: lower stops at 640 KiB */
        { { { 0, 0x100000, 1, 0 }, { 0x100000, MiB(16), 1, 0 } },
          2,
          640,
          16 * 1024 },
        /* the RAM at 1 MiB in two pieces, out of order: both count */
        { { { 0x800000, 0x800000, 1, 0 },
            { 0, 0x9f000, 1, 0 },
            { 0x100000, 0x700000, 1, 0 },
            { 0x1000000, 0x1000, 2, 0 } },
          4,
          0x9f000 / 1024,
          15 * 1024 },
        /* nothing at 0 or 1 MiB that is RAM */
        { { { 0, 0x9f000, 2, 0 },
            { 0x100000, 0x100000, 3, 0 },
            { 0x200000, MiB(8), 1, 0 } },
          3,
          0,
          0 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t *b = make_syn();
        struct kxl_mb_req req = make_req(b, SYN_SIZE);
        struct kexec_entry ents[64];
        struct kxl_mb_result res;

        req.mem = cases[i].map;
        req.nr_mem = cases[i].n;
        ck_assert_int_eq(kxl_mb_build(&req, &env, ents, ARRAY_SIZE(ents), &res),
                         KXLM_OK);
        play(ents, res.nr_entries);
        ck_assert_msg(u32_at(INFO + 4) == cases[i].lower,
                      "case %zu: mem_lower %u", i, u32_at(INFO + 4));
        ck_assert_msg(u32_at(INFO + 8) == cases[i].upper,
                      "case %zu: mem_upper %u", i, u32_at(INFO + 8));
        ck_assert_uint_eq(u32_at(INFO + 44), 24 * cases[i].n);
        fake_free();
        fake_reset();
    }
}
END_TEST

static Suite *multiboot_load_suite(void)
{
    Suite *s = suite_create("multiboot-load");
    TCase *t = tcase_create("multiboot-load");

    tcase_add_checked_fixture(t, fake_reset, fake_free);
    tcase_add_test(t, test_parse_hv_elf);
    tcase_add_test(t, test_build_hv_elf);
    tcase_add_test(t, test_hv_elf_region);
    tcase_add_test(t, test_parse_synthetic);
    tcase_add_test(t, test_parse_search_limit);
    tcase_add_test(t, test_parse_refusals);
    tcase_add_test(t, test_build_unaligned_load);
    tcase_add_test(t, test_build_elf32);
    tcase_add_test(t, test_build_refusals);
    tcase_add_test(t, test_info_pages);
    tcase_add_test(t, test_mem_fields);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return harness_run(multiboot_load_suite());
}

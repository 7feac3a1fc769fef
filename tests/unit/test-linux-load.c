/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader/linux-load.c: the bzImage header checks, where each
 * part goes, boot_params, the e820 and the command line, against
 * hand-made bzImages (a setup header like the Debian kernel's: protocol
 * 2.15, 39 setup sectors, 2 MiB alignment) and a hand-made vmlinux.
 * Every entry list is also run through the hypervisor's validator
 * (common/kimage.c) as a crash image in the crash region.
 */
#include "harness.h"

#include <hv/kimage.h>

#include "../../tools/kexec-loader/linux-load.h"
#include "../../tools/kexec-loader/kxl-bytes.h"
#include "fake-loader-env.h"

#define PG          FAKE_PG
#define BOUNCE_MFN  FAKE_BOUNCE_MFN
#define BUF_MFN     FAKE_BUF_MFN
#define MAX_BOUNCE  FAKE_MAX_BOUNCE
#define MAX_BUFS    FAKE_MAX_BUFS
#define REGION      0x10000000ULL /* 256 MiB */
#define REGION_SIZE MiB(64)
#define INIT_SIZE   0x800000u /* 8 MiB */

/* ---- the fake machine (fake-loader-env.h) ------------------------------- */

#define env       fake_env
#define new_buf   fake_new_buf
#define nr_bounce fake_nr_bounce

/* A bzImage: 39 setup sectors, then pm_size bytes of pattern. */
#define SETUP_SECTS 39
#define PM_OFFSET   ((SETUP_SECTS + 1) * 512)

static uint8_t *make_bzimage(size_t pm_size, size_t *size)
{
    uint8_t *b;

    *size = PM_OFFSET + pm_size;
    b = new_buf(*size);
    b[0x1F1] = SETUP_SECTS;
    kxl_wr(b + 0x1F4, pm_size / 16, 4);
    kxl_wr(b + 0x1FE, 0xAA55, 2);
    b[0x200] = 0xEB;
    b[0x201] = 0x6A; /* header ends at 0x26C */
    memcpy(b + 0x202, "HdrS", 4);
    kxl_wr(b + 0x206, 0x020F, 2);
    b[0x211] = 0x01; /* LOADED_HIGH */
    kxl_wr(b + 0x230, 0x200000, 4);
    b[0x234] = 1;
    b[0x235] = 21;
    kxl_wr(b + 0x236, 0x7F, 2);
    kxl_wr(b + 0x238, 2047, 4);
    kxl_wr(b + 0x258, 0x1000000, 8);
    kxl_wr(b + 0x260, INIT_SIZE, 4);
    for (size_t i = 0; i < pm_size; i++)
        b[PM_OFFSET + i] = (uint8_t)(i * 7 + 1);
    return b;
}

/* The machine map: low RAM, the BIOS hole, RAM, ACPI, reserved. */
static const struct e820_entry machine[] = {
    { 0x0, 0x9fc00, 1, 0 },         { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },     { 0x100000, 0x1ff00000 - 0x100000, 1, 0 },
    { 0x1ff00000, 0x100000, 3, 0 }, { 0xfffc0000, 0x40000, 2, 0 },
};

static struct kxl_linux_req crash_req(const uint8_t *bz, size_t size)
{
    return (struct kxl_linux_req){
        .bzimage = bz,
        .bzimage_size = size,
        .cmdline = "console=ttyS0",
        .type = KEXEC_TYPE_CRASH,
        .region_start = kxl_maddr(REGION),
        .region_size = REGION_SIZE,
        .reserve_top = 4 * PG,
        .mem = machine,
        .nr_mem = ARRAY_SIZE(machine),
        .acpi_rsdp = kxl_maddr(0xf5a40),
        .elfcorehdr_maddr = kxl_maddr(REGION + REGION_SIZE - 2 * PG),
        .elfcorehdr_size = 2 * PG,
    };
}

/* ---- the validator ---------------------------------------------------------- */

static void expect_valid_crash(const struct kexec_entry *ents, uint64_t n,
                               kxl_maddr_t entry)
{
    fake_expect_valid_crash(ents, n, KEXEC_ARCH_64, entry, kxl_maddr(REGION),
                            REGION_SIZE, kxl_maddr(0x200000),
                            kxl_maddr(0x400000));
}

static const uint8_t *bounce_of(kxl_mfn_t mfn)
{
    ck_assert_uint_ge(kxl_mfn_val(mfn), BOUNCE_MFN);
    ck_assert_uint_lt(kxl_mfn_val(mfn), BOUNCE_MFN + nr_bounce);
    return fake_frame(mfn);
}

/* The bounce frame COPYed to dest in the list. */
static const uint8_t *page_at(const struct kexec_entry *e, uint64_t n,
                              kxl_maddr_t dest)
{
    for (uint64_t i = 0; i + 1 < n; i++)
        if (e[i].op == KEXEC_OP_DEST && e[i].arg0 == kxl_maddr_val(dest) &&
            e[i + 1].op == KEXEC_OP_COPY)
            return bounce_of(kxl_mfn(e[i + 1].arg0));
    ck_abort_msg("no page COPYed to %#lx", (unsigned long)kxl_maddr_val(dest));
    return NULL;
}

/* ---- the header ------------------------------------------------------------ */

START_TEST(test_parse_good)
{
    size_t size;
    uint8_t *b = make_bzimage(0x3000, &size);
    struct kxl_linux_header h;

    ck_assert_int_eq(kxl_linux_parse(b, size, &h), KXLL_OK);
    ck_assert_uint_eq(h.version, 0x020F);
    ck_assert_uint_eq(h.pm_offset, PM_OFFSET);
    ck_assert_uint_eq(h.pm_size, 0x3000);
    ck_assert_uint_eq(h.hdr_end, 0x26C);
    ck_assert_uint_eq(h.init_size, INIT_SIZE);
    ck_assert_uint_eq(h.pref_address, 0x1000000);
    /* setup_sects 0 means 4 */
    b[0x1F1] = 0;
    ck_assert_int_eq(kxl_linux_parse(b, size, &h), KXLL_OK);
    ck_assert_uint_eq(h.pm_offset, 5 * 512);
}
END_TEST

/* Each refusal of the header, one field broken at a time. */
START_TEST(test_parse_refusals)
{
    static const struct {
        unsigned int off, bytes;
        uint64_t val;
        int want;
    } cases[] = {
        { 0x1FE, 2, 0x55AA, KXLL_ENOTBZ },     /* boot_flag */
        { 0x202, 4, 0x48726453, KXLL_ENOTBZ }, /* "SdrH" */
        { 0x206, 2, 0x020B, KXLL_EVERSION },   /* older than 2.12 */
        { 0x211, 1, 0x00, KXLL_ELOADHIGH },
        { 0x236, 2, 0x7D, KXLL_ENO64 }, /* no XLF_KERNEL_64 */
        { 0x236, 2, 0x7E, KXLL_ENO64 }, /* ... no above-4G */
        { 0x234, 1, 0, KXLL_ERELOC },
        { 0x230, 4, 0x1000 + 1, KXLL_EHEADER },
        { 0x230, 4, 0x800, KXLL_EHEADER },
        { 0x260, 4, 0, KXLL_EHEADER },
        { 0x1F1, 1, 200, KXLL_ETRUNC },             /* setup beyond the file */
        { 0x1F4, 4, 0x3000 / 16 + 1, KXLL_ETRUNC }, /* syssize */
    };
    struct kxl_linux_header h;
    size_t size;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t *b = make_bzimage(0x3000, &size);

        kxl_wr(b + cases[i].off, cases[i].val, cases[i].bytes);
        ck_assert_msg(kxl_linux_parse(b, size, &h) == cases[i].want,
                      "case %zu: %s", i,
                      kxl_linux_strerror(kxl_linux_parse(b, size, &h)));
        ck_assert_ptr_nonnull(
            strstr(kxl_linux_strerror(cases[i].want), "KXLL_E"));
        fake_free();
        fake_reset();
    }
    /* too short for a header */
    {
        uint8_t *b = make_bzimage(0x3000, &size);

        ck_assert_int_eq(kxl_linux_parse(b, 1023, &h), KXLL_ENOTBZ);
        /* truncated: the setup area only */
        ck_assert_int_eq(kxl_linux_parse(b, PM_OFFSET, &h), KXLL_ETRUNC);
    }
}
END_TEST

/* ---- a crash load from the bzImage ---------------------------------------- */

START_TEST(test_crash_bzimage)
{
    size_t size;
    uint8_t *b = make_bzimage(0x3000, &size);
    uint8_t *initrd = new_buf(0x2345);
    struct kxl_linux_req req = crash_req(b, size);
    struct kexec_entry ents[64];
    struct kxl_linux_result res;
    const uint8_t *bp, *cl;
    char want[80];
    uint64_t top;

    memset(initrd, 0x5a, 0x2345);
    req.initrd = initrd;
    req.initrd_size = 0x2345;
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res), KXLL_OK);
    /* pref_address (16 MiB) is below the region: K = the region start */
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_maddr), REGION);
    ck_assert_uint_eq(res.kernel_size, INIT_SIZE);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), REGION + 0x200);
    ck_assert(!res.fast);
    top = kxl_maddr_val(res.usable_end);
    ck_assert_uint_eq(top, REGION + REGION_SIZE - 4 * PG);
    ck_assert_uint_eq(kxl_maddr_val(res.boot_params_maddr), top - PG);
    ck_assert_uint_eq(kxl_maddr_val(res.cmdline_maddr), top - 2 * PG);
    ck_assert_uint_eq(kxl_maddr_val(res.initrd_maddr), top - 2 * PG - 3 * PG);
    expect_valid_crash(ents, res.nr_entries, res.entry_maddr);

    /* the kernel: DEST K, the pm part COPYed straight from the file */
    ck_assert_uint_eq(ents[0].op, KEXEC_OP_DEST);
    ck_assert_uint_eq(ents[0].arg0, REGION);
    ck_assert_uint_eq(ents[1].op, KEXEC_OP_COPY);
    ck_assert_uint_eq(ents[1].arg0, BUF_MFN + PM_OFFSET / PG);
    ck_assert_uint_eq(ents[1].arg1, 3);
    ck_assert_uint_eq(ents[2].op, KEXEC_OP_ZERO);
    ck_assert_uint_eq(ents[2].arg1, INIT_SIZE / PG - 3);

    /* boot_params */
    bp = page_at(ents, res.nr_entries, res.boot_params_maddr);
    ck_assert_mem_eq(bp + 0x1F1, b + 0x1F1, 0x210 - 0x1F1);
    ck_assert_mem_eq(bp + 0x22C, b + 0x22C, 0x26C - 0x22C);
    ck_assert_uint_eq(bp[0x1EF], 0);    /* sentinel */
    ck_assert_uint_eq(bp[0x210], 0xFF); /* type_of_loader */
    ck_assert_uint_eq(bp[0x211], 0x01);
    ck_assert_uint_eq(kxl_rd(bp + 0x228, 4), kxl_maddr_val(res.cmdline_maddr));
    ck_assert_uint_eq(kxl_rd(bp + 0x0C8, 4), 0);
    ck_assert_uint_eq(kxl_rd(bp + 0x218, 4), kxl_maddr_val(res.initrd_maddr));
    ck_assert_uint_eq(kxl_rd(bp + 0x21C, 4), 0x2345);
    ck_assert_uint_eq(kxl_rd(bp + 0x070, 8), 0xf5a40);
    /* the e820: low RAM, the BIOS ranges, the region minus the header */
    ck_assert_uint_eq(bp[0x1E8], 6);
    ck_assert_uint_eq(res.nr_e820, 6);
    {
        static const uint64_t want_e820[][3] = {
            { 0x0, 0x9fc00, 1 },         { 0x9fc00, 0x400, 2 },
            { 0xf0000, 0x10000, 2 },     { REGION, REGION_SIZE - 2 * PG, 1 },
            { 0x1ff00000, 0x100000, 3 }, { 0xfffc0000, 0x40000, 2 },
        };

        for (unsigned int i = 0; i < 6; i++) {
            const uint8_t *e = bp + 0x2D0 + 20 * i;

            ck_assert_uint_eq(kxl_rd(e, 8), want_e820[i][0]);
            ck_assert_uint_eq(kxl_rd(e + 8, 8), want_e820[i][1]);
            ck_assert_uint_eq(kxl_rd(e + 16, 4), want_e820[i][2]);
        }
    }
    /* the command line: the caller's words, then elfcorehdr= */
    cl = page_at(ents, res.nr_entries, res.cmdline_maddr);
    snprintf(want, sizeof(want), "console=ttyS0 elfcorehdr=%luK",
             (unsigned long)(kxl_maddr_val(req.elfcorehdr_maddr) >> 10));
    ck_assert_str_eq((const char *)cl, want);
    ck_assert_uint_eq(res.cmdline_len, strlen(want));

    /* the segments to digest: kernel, initrd, cmdline, boot_params */
    ck_assert_uint_eq(res.nr_segs, 4);
    ck_assert_str_eq(res.segs[0].name, "kernel");
    ck_assert_uint_eq(res.segs[0].memsz, INIT_SIZE);
    ck_assert_uint_eq(res.segs[0].filesz, 0x3000);
    ck_assert_ptr_eq(res.segs[0].data, b + PM_OFFSET);
    ck_assert_str_eq(res.segs[1].name, "initrd");
    ck_assert(kxl_maddr_eq(res.segs[1].dest, res.initrd_maddr));
    ck_assert_uint_eq(res.segs[1].memsz, 3 * PG);
    ck_assert_ptr_eq(res.segs[2].data, cl);
    ck_assert_ptr_eq(res.segs[3].data, bp);
}
END_TEST

/* DEFAULT: the machine map as it is, no elfcorehdr= */
START_TEST(test_default_bzimage)
{
    size_t size;
    uint8_t *b = make_bzimage(0x3000, &size);
    struct kxl_linux_req req = crash_req(b, size);
    struct kexec_entry ents[64];
    struct kxl_linux_result res;
    const uint8_t *bp;

    req.type = KEXEC_TYPE_DEFAULT;
    req.region_start = kxl_maddr(0x4000000);
    req.cmdline = "";
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res), KXLL_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_maddr), 0x4000000);
    ck_assert_uint_eq(kxl_maddr_val(res.initrd_maddr), 0);
    bp = page_at(ents, res.nr_entries, res.boot_params_maddr);
    ck_assert_uint_eq(bp[0x1E8], ARRAY_SIZE(machine));
    for (unsigned int i = 0; i < ARRAY_SIZE(machine); i++)
        ck_assert_uint_eq(kxl_rd(bp + 0x2D0 + 20 * i, 8), machine[i].addr);
    ck_assert_uint_eq(kxl_rd(bp + 0x218, 4), 0);
    ck_assert_str_eq((const char *)page_at(ents, res.nr_entries,
                                           res.cmdline_maddr),
                     "");
    /* pref_address inside the region is honoured */
    req.region_start = kxl_maddr(0x800000);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res), KXLL_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_maddr), 0x1000000);
}
END_TEST

START_TEST(test_fit_and_cmdline_refusals)
{
    size_t size;
    uint8_t *b = make_bzimage(0x3000, &size);
    uint8_t *initrd = new_buf(MiB(60));
    struct kxl_linux_req req = crash_req(b, size);
    struct kexec_entry ents[64];
    struct kxl_linux_result res;
    char *line = malloc(2100);

    /* the kernel does not fit a 4 MiB region */
    req.region_size = MiB(4);
    req.elfcorehdr_maddr = kxl_maddr(REGION + MiB(4) - 2 * PG);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res),
                     KXLL_EKERNELFIT);
    /* the kernel fits, kernel + initrd do not */
    req = crash_req(b, size);
    req.initrd = initrd;
    req.initrd_size = MiB(60);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res),
                     KXLL_EINITRDFIT);
    req.initrd_size = MiB(64);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res),
                     KXLL_EINITRDFIT);
    /* a command line of cmdline_size bytes with elfcorehdr=: too long */
    req = crash_req(b, size);
    memset(line, 'x', 2047);
    line[2047] = '\0';
    req.cmdline = line;
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res),
                     KXLL_ECMDLINE);
    /* exactly cmdline_size with the loader's words: fits */
    {
        size_t extra = strlen(" elfcorehdr=") + 6 + 1; /* 6 digits, K */

        line[2047 - extra] = '\0';
        ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res), KXLL_OK);
        ck_assert_uint_eq(res.cmdline_len, 2047);
    }
    /* too small a capacity */
    req = crash_req(b, size);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 2, &res), KXLL_EBUILD);
    ck_assert_int_eq(res.kxl_error, KXL_E2BIG);
    /* bad requests */
    req.reserve_top = 1;
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res), KXLL_EARG);
    free(line);
}
END_TEST

/* ---- the vmlinux ----------------------------------------------------------- */

/* A vmlinux like Linux's: text at 16 MiB, a percpu segment at vaddr 0. */
static uint8_t *make_vmlinux(size_t *size)
{
    uint8_t *e;
    static const struct {
        uint64_t off, vaddr, paddr, filesz, memsz;
    } ph[] = {
        { 0x1000, 0xffffffff81000000ULL, 0x1000000, 0x2000, 0x2000 },
        { 0x3000, 0, 0x1002000, 0x1000, 0x1000 },
        { 0x4000, 0xffffffff81003000ULL, 0x1003000, 0x800, 0x5000 },
    };

    *size = 0x4800;
    e = new_buf(*size);
    memcpy(e,
           "\x7f"
           "ELF",
           4);
    e[4] = 2;
    e[5] = 1;
    e[6] = 1;
    kxl_wr(e + 16, 2, 2); /* ET_EXEC */
    kxl_wr(e + 18, 62, 2);
    kxl_wr(e + 20, 1, 4);
    kxl_wr(e + 24, 0x1000000, 8); /* e_entry: physical, as Linux's */
    kxl_wr(e + 32, 64, 8);
    kxl_wr(e + 52, 64, 2);
    kxl_wr(e + 54, 56, 2);
    kxl_wr(e + 56, ARRAY_SIZE(ph), 2);
    for (unsigned int i = 0; i < ARRAY_SIZE(ph); i++) {
        uint8_t *p = e + 64 + 56 * i;

        kxl_wr(p, 1, 4);
        kxl_wr(p + 8, ph[i].off, 8);
        kxl_wr(p + 16, ph[i].vaddr, 8);
        kxl_wr(p + 24, ph[i].paddr, 8);
        kxl_wr(p + 32, ph[i].filesz, 8);
        kxl_wr(p + 40, ph[i].memsz, 8);
    }
    for (size_t i = 0x1000; i < *size; i++)
        e[i] = (uint8_t)(i * 13 + 5);
    return e;
}

START_TEST(test_crash_vmlinux)
{
    size_t size, vsize;
    uint8_t *b = make_bzimage(0x3000, &size);
    uint8_t *v = make_vmlinux(&vsize);
    struct kxl_linux_req req = crash_req(b, size);
    struct kexec_entry ents[64];
    struct kxl_linux_result res;

    req.vmlinux = v;
    req.vmlinux_size = vsize;
    req.region_start = kxl_maddr(REGION + MiB(1)); /* not 2 MiB aligned */
    req.region_size = REGION_SIZE - MiB(1);
    req.elfcorehdr_maddr = kxl_maddr(REGION + REGION_SIZE - 2 * PG);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res), KXLL_OK);
    ck_assert(res.fast);
    ck_assert_uint_eq(kxl_maddr_val(res.kernel_maddr), REGION + MiB(2));
    ck_assert_uint_eq(res.kernel_size, 0x8000);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), REGION + MiB(2));
    /* three vmlinux segments, then cmdline and boot_params */
    ck_assert_uint_eq(res.nr_segs, 5);
    ck_assert_uint_eq(kxl_maddr_val(res.segs[1].dest),
                      REGION + MiB(2) + 0x2000);
    ck_assert_ptr_eq(res.segs[1].data, v + 0x3000);
    ck_assert_uint_eq(res.segs[2].memsz, 0x5000);
    ck_assert_uint_eq(res.segs[2].filesz, 0x800);
    expect_valid_crash(ents, res.nr_entries, res.entry_maddr);
    /* a vmlinux larger than init_size is not this bzImage's payload */
    kxl_wr(b + 0x260, 0x4000, 4);
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res),
                     KXLL_EVMLINUX);
    /* not an ELF */
    kxl_wr(b + 0x260, INIT_SIZE, 4);
    v[0] = 0;
    ck_assert_int_eq(kxl_linux_build(&req, &env, ents, 64, &res),
                     KXLL_EVMLINUX);
    ck_assert_int_eq(res.kxl_error, KXL_ENOTELF);
}
END_TEST

static Suite *linux_load_suite(void)
{
    Suite *s = suite_create("linux-load");
    TCase *t = tcase_create("linux-load");

    tcase_add_checked_fixture(t, fake_reset, fake_free);
    tcase_add_test(t, test_parse_good);
    tcase_add_test(t, test_parse_refusals);
    tcase_add_test(t, test_crash_bzimage);
    tcase_add_test(t, test_default_bzimage);
    tcase_add_test(t, test_fit_and_cmdline_refusals);
    tcase_add_test(t, test_crash_vmlinux);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return harness_run(linux_load_suite());
}

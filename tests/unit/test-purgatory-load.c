/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader/purgatory-load.c and the named-section fill of
 * kxl_build(): purgatory's argument block lands in the right bytes of the
 * right page and nothing else changes; the refusals; region records.
 *
 * Uses the real $(BUILD)/purgatory/purgatory.elf (PURGATORY_ELF_PATH).
 * Fake machine: ELF page k is machine frame BUF_MFN + k; bounce frames
 * BOUNCE_MFN + n.
 */
#include "harness.h"

#include "../../tools/kexec-loader/purgatory-load.h"
#include "../../tools/kexec-loader/sha256.h"

#define PG         4096u
#define BUF_MFN    0x100u
#define BOUNCE_MFN 0x9000u
#define MAX_BOUNCE 16
#define BASE       0x7000000ULL

static uint8_t *elf, *elf_copy;
static size_t elf_size;
static uint8_t *bounce_pages[MAX_BOUNCE];
static unsigned int nr_bounce;

static kxl_mfn_t fake_va_to_mfn(void *ctx, const void *va)
{
    const uint8_t *p = va;

    (void)ctx;
    ck_assert(p >= elf && p < elf + elf_size);
    return kxl_mfn(BUF_MFN + (uint64_t)(p - elf) / PG);
}

static int fake_bounce(void *ctx, struct kxl_frame *out)
{
    (void)ctx;
    if (nr_bounce >= MAX_BOUNCE)
        return -1;
    bounce_pages[nr_bounce] = aligned_alloc(PG, PG);
    ck_assert_ptr_nonnull(bounce_pages[nr_bounce]);
    memset(bounce_pages[nr_bounce], 0xee, PG);
    out->mfn = kxl_mfn(BOUNCE_MFN + nr_bounce);
    out->va = bounce_pages[nr_bounce];
    nr_bounce++;
    return 0;
}

static const struct kxl_env env = { fake_va_to_mfn, fake_bounce, NULL };

static void setup(void)
{
    FILE *f = fopen(PURGATORY_ELF_PATH, "rb");
    long n;

    ck_assert_msg(f != NULL, "cannot open %s (make all builds it)",
                  PURGATORY_ELF_PATH);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    elf_size = (size_t)n;
    elf = aligned_alloc(PG, (elf_size + PG - 1) & ~(size_t)(PG - 1));
    elf_copy = malloc(elf_size);
    ck_assert_ptr_nonnull(elf);
    ck_assert_uint_eq(fread(elf, 1, elf_size, f), elf_size);
    fclose(f);
    memcpy(elf_copy, elf, elf_size);
    nr_bounce = 0;
}

static void teardown(void)
{
    free(elf);
    free(elf_copy);
    for (unsigned int i = 0; i < nr_bounce; i++)
        free(bounce_pages[i]);
}

/* The section header named name: its sh_addr and sh_offset (64-bit ELF). */
static bool find_section(const char *name, uint64_t *addr, uint64_t *off,
                         uint64_t *name_off)
{
    uint64_t shoff, stroff;
    uint16_t shnum, shstrndx;

    memcpy(&shoff, elf + 40, 8);
    memcpy(&shnum, elf + 60, 2);
    memcpy(&shstrndx, elf + 62, 2);
    memcpy(&stroff, elf + shoff + shstrndx * 64 + 24, 8);
    for (unsigned int i = 1; i < shnum; i++) {
        uint32_t nm;

        memcpy(&nm, elf + shoff + i * 64, 4);
        if (strcmp((const char *)elf + stroff + nm, name))
            continue;
        memcpy(addr, elf + shoff + i * 64 + 16, 8);
        memcpy(off, elf + shoff + i * 64 + 24, 8);
        *name_off = stroff + nm;
        return true;
    }
    return false;
}

static struct purgatory_args good_args(void)
{
    struct purgatory_args a;
    static const uint8_t data[100] = { 1, 2, 3 };

    memset(&a, 0, sizeof(a));
    memcpy(a.magic, PURGATORY_ARGS_MAGIC, 8);
    a.version = PURGATORY_ARGS_VERSION;
    a.mode = PURGATORY_MODE_LINUX64;
    a.serial_port = 0x3f8;
    a.exit_port = 0xf4;
    a.entry = 0x4000000;
    a.regs.rsi = 0x12345;
    a.nr_regions = 2;
    kxl_purgatory_region(&a.regions[0], "text", kxl_maddr(0x4000000), 0x3000,
                         data, sizeof(data));
    kxl_purgatory_region(&a.regions[1], "bss", kxl_maddr(0x4003000), 0x1000,
                         data, 0);
    return a;
}

/* Where dest page p is COPYed from: (mfn) or ~0 for ZERO / absent. */
static uint64_t source_of(const struct kexec_entry *e, uint64_t n, uint64_t p)
{
    uint64_t at = 0;

    for (uint64_t i = 0; i < n; i++) {
        if (e[i].op == KEXEC_OP_DEST) {
            at = e[i].arg0;
            continue;
        }
        if (p >= at && p < at + e[i].arg1 * PG)
            return e[i].op == KEXEC_OP_COPY ? e[i].arg0 + (p - at) / PG : ~0ULL;
        at += e[i].arg1 * PG;
    }
    return ~0ULL - 1;
}

START_TEST(test_args_land_in_their_page)
{
    struct purgatory_args a = good_args();
    struct kexec_entry ents[32];
    struct kxl_result res;
    uint64_t addr, off, nm, mfn;
    const uint8_t *page;
    const kxl_maddr_t base = kxl_maddr(BASE), none = kxl_maddr(0);

    ck_assert(find_section(".purgatory_args", &addr, &off, &nm));
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, &a, &env,
                                         ents, 32, &res),
                     KXL_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), BASE); /* _start at 0 */
    ck_assert_uint_eq(res.arch, KEXEC_ARCH_64);
    ck_assert_uint_eq(kxl_maddr_val(res.params_maddr), BASE + addr);
    /* the block's page is a bounce frame: args, then the file's zeros */
    mfn = source_of(ents, res.nr_entries, kxl_maddr_val(res.params_maddr));
    ck_assert_uint_ge(mfn, BOUNCE_MFN);
    ck_assert_uint_lt(mfn, BOUNCE_MFN + nr_bounce);
    page = bounce_pages[mfn - BOUNCE_MFN];
    ck_assert_int_eq(memcmp(page, &a, sizeof(a)), 0);
    ck_assert_int_eq(memcmp(page + sizeof(a), elf + off + sizeof(a),
                            PG - sizeof(a)),
                     0);
    /* every other page with file bytes is the ELF's own, untouched */
    for (uint64_t p = BASE; p < kxl_maddr_val(res.params_maddr); p += PG)
        ck_assert_uint_eq(source_of(ents, res.nr_entries, p),
                          BUF_MFN + (p - BASE + 0x1000) / PG);
    ck_assert_int_eq(memcmp(elf, elf_copy, elf_size), 0);
    /* the .bss after the block is ZERO */
    ck_assert_uint_eq(source_of(ents, res.nr_entries,
                                kxl_maddr_val(res.params_maddr) + PG),
                      ~0ULL);
}
END_TEST

START_TEST(test_refusals)
{
    struct purgatory_args a = good_args();
    struct kexec_entry ents[32];
    struct kxl_result res;
    struct kxl_request req;
    uint64_t addr, off, nm;
    uint8_t blk[8] = { 0 };
    const kxl_maddr_t base = kxl_maddr(BASE), none = kxl_maddr(0);

    a.magic[7] = 'X';
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, &a, &env,
                                         ents, 32, &res),
                     KXL_EARG);
    a = good_args();
    a.version = 2;
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, &a, &env,
                                         ents, 32, &res),
                     KXL_EARG);
    a = good_args();
    a.nr_regions = PURGATORY_MAX_REGIONS + 1;
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, &a, &env,
                                         ents, 32, &res),
                     KXL_EARG);
    a = good_args();
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, NULL,
                                         &env, ents, 32, &res),
                     KXL_EARG);
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, kxl_maddr_add(base, 8),
                                         none, 0, &a, &env, ents, 32, &res),
                     KXL_EARG);
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, base, PG, &a,
                                         &env, ents, 32, &res),
                     KXL_EREGION);
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, &a, &env,
                                         ents, 1, &res),
                     KXL_E2BIG);
    ck_assert_uint_eq(nr_bounce, 0); /* nothing bounced so far */
    ck_assert_int_eq(memcmp(elf, elf_copy, elf_size), 0);

    /* the named section and params together; empty name; too long */
    req = (struct kxl_request){ .elf = elf,
                                .elf_size = elf_size,
                                .base = base,
                                .section_name = ".purgatory_args",
                                .section_bytes = blk,
                                .section_len = 8,
                                .params = true };
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_EARG);
    req.params = false;
    req.section_name = "";
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_EARG);
    req.section_name = ".purgatory_args";
    req.section_len = PG + 1;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_EARG);
    req.section_bytes = NULL;
    req.section_len = 8;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_EARG);

    /* an ELF without the section: KXL_ENOPARAMS */
    ck_assert(find_section(".purgatory_args", &addr, &off, &nm));
    elf[nm + 1] = 'X'; /* ".Xurgatory_args" */
    ck_assert_int_eq(kxl_build_purgatory(elf, elf_size, base, none, 0, &a, &env,
                                         ents, 32, &res),
                     KXL_ENOPARAMS);
}
END_TEST

START_TEST(test_region_record)
{
    struct purgatory_region r;
    uint8_t data[5000], want[32], *full = calloc(1, 9000);

    ck_assert_ptr_nonnull(full);
    for (unsigned int i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13 + 1);
    memcpy(full, data, 3000);
    memset(&r, 0xcc, sizeof(r));
    kxl_purgatory_region(&r, "kernel", kxl_maddr(0x1000000), 9000, data, 3000);
    sha256(full, 9000, want);
    ck_assert_uint_eq(r.start, 0x1000000);
    ck_assert_uint_eq(r.size, 9000);
    ck_assert_int_eq(memcmp(r.sha256, want, 32), 0);
    ck_assert_int_eq(memcmp(r.name, "kernel\0\0\0\0\0\0\0\0\0\0", 16), 0);
    /* filled above size counts as size; a long name is cut to 15 */
    kxl_purgatory_region(&r, "a-very-long-region-name", kxl_maddr(0), 4000,
                         data, 5000);
    sha256(data, 4000, want);
    ck_assert_int_eq(memcmp(r.sha256, want, 32), 0);
    ck_assert_int_eq(memcmp(r.name, "a-very-long-reg\0", 16), 0);
    /* all zero fill */
    kxl_purgatory_region(&r, "bss", kxl_maddr(0), 9000, NULL, 0);
    memset(full, 0, 9000);
    sha256(full, 9000, want);
    ck_assert_int_eq(memcmp(r.sha256, want, 32), 0);
    free(full);
}
END_TEST

/* kxl_purgatory_add: leading zeros, the data, trailing zeros; its limits. */
START_TEST(test_region_add)
{
    static struct purgatory_args a;
    uint8_t data[3000], want[32], *full = calloc(1, 9000);

    ck_assert_ptr_nonnull(full);
    for (unsigned int i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 3);
    memcpy(full + 100, data, sizeof(data));
    memset(&a, 0, sizeof(a));
    ck_assert_int_eq(kxl_purgatory_add(&a, "vmlinux", kxl_maddr(0x2000000),
                                       9000, 100, data, sizeof(data)),
                     KXL_OK);
    sha256(full, 9000, want);
    ck_assert_uint_eq(a.nr_regions, 1);
    ck_assert_uint_eq(a.regions[0].start, 0x2000000);
    ck_assert_uint_eq(a.regions[0].size, 9000);
    ck_assert_int_eq(memcmp(a.regions[0].sha256, want, 32), 0);
    ck_assert_int_eq(memcmp(a.regions[0].name, "vmlinux", 8), 0);
    /* more than size: refused, nothing added */
    ck_assert_int_eq(kxl_purgatory_add(&a, "x", kxl_maddr(0), 3000, 1, data,
                                       3000),
                     KXL_EARG);
    ck_assert_uint_eq(a.nr_regions, 1);
    /* the table full */
    a.nr_regions = PURGATORY_MAX_REGIONS;
    ck_assert_int_eq(kxl_purgatory_add(&a, "x", kxl_maddr(0), 4096, 0, NULL, 0),
                     KXL_E2BIG);
    ck_assert_uint_eq(a.nr_regions, PURGATORY_MAX_REGIONS);
    free(full);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("purgatory-load");
    TCase *tc = tcase_create("purgatory-load");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_args_land_in_their_page);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_region_record);
    tcase_add_test(tc, test_region_add);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(suite());
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader: ELF -> kexec entry list, the parameter block, CRC-32.
 *
 * The ELFs are built in memory (no dependency on the images' build): a
 * page-aligned buffer holding the ELF header at 0, program headers at 64
 * and, when asked, a section table naming ".kexec_params".  Every file
 * byte outside the headers and the parameter block is a non-zero pattern
 * (pat(offset)), so that a byte copied from the wrong place, or a file
 * byte past p_filesz, shows.
 *
 * The fake machine: buffer page k is machine frame BUF_MFN + k (or any
 * table the test sets); bounce frames are BOUNCE_MFN, +1, ... (or every
 * other frame when bounce_step is 2, so that they never merge).
 *
 * Every list produced is also run through the hypervisor's validator
 * (common/kimage.c) on a machine where all of it is RAM and every frame
 * the test hands out is owned, so that the loader and the ABI agree.
 */
#include "harness.h"

#include <hv/kimage.h>

#include "../../tools/kexec-loader/kexec-loader.h"
#include "../../tests/images/kexec-params.h"

#define PG         4096u
#define BUF_MFN    0x100u
#define BOUNCE_MFN 0x9000u
#define MAX_BOUNCE 64
#define BASE       0x4000000ULL

/* ---- the fake machine ---------------------------------------------------- */

static uint8_t *buf; /* the ELF, page aligned */
static size_t buf_size;
static uint64_t buf_mfns[64]; /* page k of buf -> machine frame */
static bool xlate_fail_page[64];

static uint8_t *bounce_pages[MAX_BOUNCE];
static unsigned int nr_bounce, bounce_limit, bounce_step;

static kxl_mfn_t fake_va_to_mfn(void *ctx, const void *va)
{
    const uint8_t *p = va;
    size_t k;

    ck_assert_ptr_eq(ctx, &buf);
    ck_assert(p >= buf && p < buf + ((buf_size + PG - 1) & ~(size_t)(PG - 1)));
    ck_assert_uint_eq((uintptr_t)p % PG, 0);
    k = (size_t)(p - buf) / PG;
    return xlate_fail_page[k] ? KXL_NO_MFN : kxl_mfn(buf_mfns[k]);
}

static int fake_bounce(void *ctx, struct kxl_frame *out)
{
    ck_assert_ptr_eq(ctx, &buf);
    if (nr_bounce >= bounce_limit)
        return -1;
    bounce_pages[nr_bounce] = aligned_alloc(PG, PG);
    ck_assert_ptr_nonnull(bounce_pages[nr_bounce]);
    memset(bounce_pages[nr_bounce], 0xee, PG); /* the loader must clear it */
    out->mfn = kxl_mfn(BOUNCE_MFN + nr_bounce * bounce_step);
    out->va = bounce_pages[nr_bounce];
    nr_bounce++;
    return 0;
}

static const struct kxl_env env = { fake_va_to_mfn, fake_bounce, &buf };

/* The bounce page with frame mfn. */
static const uint8_t *bounce_of(uint64_t mfn)
{
    unsigned int i = (unsigned int)((mfn - BOUNCE_MFN) / bounce_step);

    ck_assert_uint_eq((mfn - BOUNCE_MFN) % bounce_step, 0);
    ck_assert_uint_lt(i, nr_bounce);
    return bounce_pages[i];
}

static uint8_t pat(uint64_t off)
{
    return (uint8_t)(off * 7 + 0x35) | 1; /* never 0 */
}

static void setup(void)
{
    buf = NULL;
    buf_size = 0;
    for (unsigned int k = 0; k < ARRAY_SIZE(buf_mfns); k++) {
        buf_mfns[k] = BUF_MFN + k;
        xlate_fail_page[k] = false;
    }
    nr_bounce = 0;
    bounce_limit = MAX_BOUNCE;
    bounce_step = 1;
}

static void teardown(void)
{
    free(buf);
    for (unsigned int i = 0; i < nr_bounce; i++)
        free(bounce_pages[i]);
}

/* ---- building ELFs -------------------------------------------------------- */

struct tseg {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct telf {
    bool is64;
    uint16_t type, machine;
    uint64_t entry;
    const struct tseg *segs;
    unsigned int nsegs;
    size_t size; /* file size */
    /* parameter block section: params_size 0 = no section table */
    uint64_t params_addr, params_offset, params_size;
};

static void w(uint8_t *p, uint64_t v, unsigned int bytes)
{
    for (unsigned int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Section table: [0] null, [1] .kexec_params, [2] .shstrtab; at the end. */
static const char shstrtab[] = "\0.kexec_params\0.shstrtab";

static void build_elf(const struct telf *t)
{
    size_t alloc;
    bool s64 = t->is64;
    unsigned int phent = s64 ? 56 : 32, shent = s64 ? 64 : 40;
    uint64_t shoff = 0, stroff = 0;

    buf_size = t->size;
    if (t->params_size) {
        stroff = buf_size;
        shoff = (stroff + sizeof(shstrtab) + 7) & ~7ULL;
        buf_size = shoff + 3 * shent;
    }
    alloc = (buf_size + PG - 1) & ~(size_t)(PG - 1);
    buf = aligned_alloc(PG, alloc);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < alloc; i++)
        buf[i] = pat(i);
    memset(buf, 0, 64 + t->nsegs * phent);
    if (t->params_size)
        memset(buf + t->params_offset, 0, t->params_size);

    memcpy(buf,
           "\x7f"
           "ELF",
           4);
    buf[4] = s64 ? 2 : 1;
    buf[5] = 1;
    buf[6] = 1;
    w(buf + 16, t->type, 2);
    w(buf + 18, t->machine ? t->machine : (s64 ? 62 : 3), 2);
    w(buf + 20, 1, 4);
    if (s64) {
        w(buf + 24, t->entry, 8);
        w(buf + 32, 64, 8);
        w(buf + 40, shoff, 8);
        w(buf + 52, 64, 2);
        w(buf + 54, phent, 2);
        w(buf + 56, t->nsegs, 2);
        w(buf + 58, shent, 2);
        w(buf + 60, t->params_size ? 3 : 0, 2);
        w(buf + 62, t->params_size ? 2 : 0, 2);
    } else {
        w(buf + 24, t->entry, 4);
        w(buf + 28, 64, 4);
        w(buf + 32, shoff, 4);
        w(buf + 40, 52, 2);
        w(buf + 42, phent, 2);
        w(buf + 44, t->nsegs, 2);
        w(buf + 46, shent, 2);
        w(buf + 48, t->params_size ? 3 : 0, 2);
        w(buf + 50, t->params_size ? 2 : 0, 2);
    }
    for (unsigned int i = 0; i < t->nsegs; i++) {
        const struct tseg *s = &t->segs[i];
        uint8_t *ph = buf + 64 + i * phent;

        w(ph, s->type ? s->type : 1, 4);
        if (s64) {
            w(ph + 8, s->offset, 8);
            w(ph + 16, s->vaddr, 8);
            w(ph + 24, s->paddr, 8);
            w(ph + 32, s->filesz, 8);
            w(ph + 40, s->memsz, 8);
            w(ph + 48, PG, 8);
        } else {
            w(ph + 4, s->offset, 4);
            w(ph + 8, s->vaddr, 4);
            w(ph + 12, s->paddr, 4);
            w(ph + 16, s->filesz, 4);
            w(ph + 20, s->memsz, 4);
            w(ph + 28, PG, 4);
        }
    }
    if (t->params_size) {
        uint8_t *sh = buf + shoff;

        memcpy(buf + stroff, shstrtab, sizeof(shstrtab));
        memset(sh, 0, 3 * shent);
        /* [1] .kexec_params */
        w(sh + shent + 0, 1, 4);
        w(sh + shent + 4, 1, 4); /* SHT_PROGBITS */
        w(sh + shent + (s64 ? 16 : 12), t->params_addr, s64 ? 8 : 4);
        w(sh + shent + (s64 ? 24 : 16), t->params_offset, s64 ? 8 : 4);
        w(sh + shent + (s64 ? 32 : 20), t->params_size, s64 ? 8 : 4);
        /* [2] .shstrtab */
        w(sh + 2 * shent + 0, 15, 4);
        w(sh + 2 * shent + 4, 3, 4); /* SHT_STRTAB */
        w(sh + 2 * shent + (s64 ? 24 : 16), stroff, s64 ? 8 : 4);
        w(sh + 2 * shent + (s64 ? 32 : 20), sizeof(shstrtab), s64 ? 8 : 4);
    }
}

static struct kxl_request request(uint64_t base)
{
    return (struct kxl_request){ .elf = buf,
                                 .elf_size = buf_size,
                                 .base = kxl_maddr(base),
                                 .type = KEXEC_TYPE_DEFAULT };
}

/* ---- checking lists ------------------------------------------------------- */

struct xe {
    uint16_t op;
    uint64_t a0, a1, a2;
};

#define D(a)                                                                   \
    {                                                                          \
        KEXEC_OP_DEST, (a), 0, 0                                               \
    }
#define C(m, n)                                                                \
    {                                                                          \
        KEXEC_OP_COPY, (m), (n), 0                                             \
    }
#define Z(n)                                                                   \
    {                                                                          \
        KEXEC_OP_ZERO, 0, (n), 0                                               \
    }
#define M(v, i, n)                                                             \
    {                                                                          \
        KEXEC_OP_MAP, (v), (i), (n)                                            \
    }

static void dump(const struct kexec_entry *e, uint64_t n)
{
    static const char *const ops[] = { "?", "DEST", "COPY", "ZERO", "MAP" };

    for (uint64_t i = 0; i < n; i++)
        fprintf(stderr, "  [%lu] %s %#lx %#lx %#lx\n", (unsigned long)i,
                e[i].op < 5 ? ops[e[i].op] : "?", (unsigned long)e[i].arg0,
                (unsigned long)e[i].arg1, (unsigned long)e[i].arg2);
}

static void expect_list(const struct kexec_entry *e, uint64_t n,
                        const struct xe *x, uint64_t nx)
{
    bool ok = n == nx;

    for (uint64_t i = 0; ok && i < n; i++)
        ok = e[i].op == x[i].op && e[i].arg0 == x[i].a0 &&
             e[i].arg1 == x[i].a1 && e[i].arg2 == x[i].a2 && !e[i].flags &&
             !e[i].pad;
    if (!ok) {
        fprintf(stderr, "got:\n");
        dump(e, n);
        fprintf(stderr, "want:\n");
        for (uint64_t i = 0; i < nx; i++)
            fprintf(stderr, "  [%lu] op %u %#lx %#lx %#lx\n", (unsigned long)i,
                    x[i].op, (unsigned long)x[i].a0, (unsigned long)x[i].a1,
                    (unsigned long)x[i].a2);
    }
    ck_assert_msg(ok, "entry list differs (see stderr)");
}

#define EXPECT(ents, res, ...)                                                 \
    do {                                                                       \
        static const struct xe want_[] = { __VA_ARGS__ };                      \
        expect_list(ents, (res).nr_entries, want_, ARRAY_SIZE(want_));         \
    } while (0)

/* The validator's view: all RAM below 16 GiB, every test frame owned. */
static bool v_owned(void *ctx, mfn_t frame)
{
    uint64_t mfn = mfn_x(frame);

    (void)ctx;
    return (mfn >= BUF_MFN && mfn < BUF_MFN + 0x1000) ||
           (mfn >= BOUNCE_MFN && mfn < BOUNCE_MFN + 0x1000);
}

static bool v_ram(void *ctx, maddr_t start_ma, uint64_t size)
{
    uint64_t start = maddr_x(start_ma);

    (void)ctx;
    return start + size <= GiB(16);
}

static void expect_valid(const struct kxl_result *res, uint8_t type,
                         const struct kexec_entry *ents)
{
    static struct kimage_run runs[128];
    struct kimage_dests dests = { .runs = runs };
    struct kexec_entry copy[128];
    struct kexec_load ld;
    struct kimage_machine m = {
        .frame_owned = v_owned,
        .is_ram = v_ram,
        .phys_limit = GiB(16),
        .hv_start = 0x200000,
        .hv_end = 0x400000,
        .crash_load_start = 0x10000000,
        .crash_load_size = MiB(64),
        .max_entries = 128,
        .max_pages = 1 << 20,
        .max_map_pages = 1 << 20,
        .dests = &dests,
    };
    struct kimage_summary sum;
    uint64_t bad = 0;
    const char *why = "";
    int rc;

    ck_assert_uint_le(res->nr_entries, ARRAY_SIZE(copy));
    memcpy(copy, ents, res->nr_entries * sizeof(*copy));
    kxl_fill_load(&ld, res, type, copy);
    ck_assert_uint_eq(ld.size, sizeof(ld));
    ck_assert_uint_eq(ld.type, type);
    ck_assert_uint_eq(ld.arch, res->arch);
    ck_assert_uint_eq(ld.entries, (uintptr_t)copy);
    ck_assert_uint_eq(ld.nr_entries, res->nr_entries);
    ck_assert_uint_eq(ld.entry_maddr, kxl_maddr_val(res->entry_maddr));
    rc = kimage_validate(&ld, copy, &m, &sum, &bad, &why);
    ck_assert_msg(rc == 0, "kimage_validate: %d at %lu: %s", rc,
                  (unsigned long)bad, why);
    ck_assert_uint_eq(sum.copy_pages, res->copy_pages);
    ck_assert_uint_eq(sum.zero_pages, res->zero_pages);
    ck_assert_uint_eq(sum.maps, res->nr_map_entries);
}

/* ---- CRC-32 --------------------------------------------------------------- */

/* An independent bitwise CRC-32 (zlib) for cross-checks. */
static uint32_t ref_crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffff;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c;
}

START_TEST(test_crc32)
{
    static const uint8_t zeros[1000];
    uint8_t data[3000];

    ck_assert_uint_eq(kxl_crc32(0, "123456789", 9), 0xcbf43926);
    ck_assert_uint_eq(kxl_crc32(0, "", 0), 0);
    ck_assert_uint_eq(kxl_crc32(0, "a", 1), 0xe8b7be43);
    ck_assert_uint_eq(kxl_crc32(0,
                                "The quick brown fox jumps over the lazy dog",
                                43),
                      0x414fa339);
    ck_assert_uint_eq(kxl_crc32(kxl_crc32(0, "1234", 4), "56789", 5),
                      0xcbf43926);
    ck_assert_uint_eq(kxl_crc32_zeros(0, 1000), kxl_crc32(0, zeros, 1000));
    ck_assert_uint_eq(kxl_crc32_zeros(kxl_crc32(0, "12", 2), 7),
                      ref_crc((const uint8_t *)"12\0\0\0\0\0\0\0", 9));
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 131 + 7);
    ck_assert_uint_eq(kxl_crc32(0, data, sizeof(data)),
                      ref_crc(data, sizeof(data)));
}
END_TEST

/* ---- entry lists ------------------------------------------------------------ */

START_TEST(test_simple_dyn)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x3000, 0x3000 },
    };
    struct telf t = { true, 3, 0, 0x10, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 3));
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), BASE + 0x10);
    ck_assert_uint_eq(res.arch, KEXEC_ARCH_64);
    ck_assert_uint_eq(kxl_maddr_val(res.base), BASE);
    ck_assert_uint_eq(kxl_maddr_val(res.image_end), BASE + 0x3000);
    ck_assert_uint_eq(res.copy_pages, 3);
    ck_assert_uint_eq(res.direct_pages, 3);
    ck_assert_uint_eq(res.bounce_pages, 0);
    ck_assert_uint_eq(nr_bounce, 0);
    ck_assert_uint_eq(kxl_maddr_val(res.params_maddr), 0);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

/* Buffer frames that are not machine-contiguous split the COPY run. */
START_TEST(test_discontiguous_source)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x4000, 0x4000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x5000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    buf_mfns[3] = 0x777;
    buf_mfns[4] = 0x778;
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 2), C(0x777, 2));
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

/* Segment starts mid-page (congruent): bounce, direct, bounce. */
START_TEST(test_unaligned_start)
{
    static const struct tseg segs[] = {
        { 0, 0x1234, 0x1234, 0x1234, 0x2000, 0x2000 },
    };
    struct telf t = { true, 3, 0, 0x1300, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;
    const uint8_t *b0, *b1;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    /* low = 0x1234 -> page 0x1000 goes to BASE */
    EXPECT(ents, res, D(BASE), C(BOUNCE_MFN, 1), C(BUF_MFN + 2, 1),
           C(BOUNCE_MFN + 1, 1));
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), BASE + 0x300);
    ck_assert_uint_eq(res.bounce_pages, 2);
    ck_assert_uint_eq(res.direct_pages, 1);
    b0 = bounce_of(BOUNCE_MFN);
    b1 = bounce_of(BOUNCE_MFN + 1);
    for (unsigned int i = 0; i < PG; i++) {
        /* page 0x1000: bytes below 0x1234 are not the segment's: zero */
        ck_assert_uint_eq(b0[i], i < 0x234 ? 0 : pat(0x1000 + i));
        /* page 0x3000: the segment ends at 0x3234 */
        ck_assert_uint_eq(b1[i], i < 0x234 ? pat(0x3000 + i) : 0);
    }
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

/* .bss starting mid-page: the file page is bounced, cut at p_filesz. */
START_TEST(test_bss_tail)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x1800, 0x4000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;
    const uint8_t *b;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 1), C(BOUNCE_MFN, 1), Z(2));
    ck_assert_uint_eq(res.zero_pages, 2);
    b = bounce_of(BOUNCE_MFN);
    /* the buffer has non-zero bytes past p_filesz: never copied */
    ck_assert_uint_ne(buf[0x1000 + 0x1800], 0);
    for (unsigned int i = 0; i < PG; i++)
        ck_assert_uint_eq(b[i], i < 0x800 ? pat(0x2000 + i) : 0);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

/* p_filesz 0: all .bss; p_filesz ending on a page boundary: no bounce. */
START_TEST(test_bss_only_and_aligned_end)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x2000, 0x3000 },
        { 0, 0x3000, 0x5000, 0x5000, 0, 0x1800 },
    };
    struct telf t = { true, 3, 0, 0, segs, 2, 0x3000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 2), Z(1), D(BASE + 0x5000), Z(2));
    ck_assert_uint_eq(nr_bounce, 0);
    ck_assert_uint_eq(kxl_maddr_val(res.image_end), BASE + 0x7000);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

/* p_offset and p_vaddr not congruent: every page bounced; merged runs. */
START_TEST(test_not_congruent)
{
    static const struct tseg segs[] = {
        { 0, 0x1100, 0x2000, 0x2000, 0x2100, 0x3000 },
    };
    struct telf t = { true, 3, 0, 0x2000, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    /* three pages hold file bytes; bounce frames are contiguous: one COPY */
    EXPECT(ents, res, D(BASE), C(BOUNCE_MFN, 3));
    ck_assert_uint_eq(res.bounce_pages, 3);
    for (unsigned int i = 0; i < 3 * PG; i++) {
        uint8_t want = i < 0x2100 ? pat(0x1100 + i) : 0;

        ck_assert_uint_eq(bounce_of(BOUNCE_MFN + i / PG)[i % PG], want);
    }
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

START_TEST(test_bounce_frames_not_contiguous)
{
    static const struct tseg segs[] = {
        { 0, 0x1100, 0x2000, 0x2000, 0x2100, 0x3000 },
    };
    struct telf t = { true, 3, 0, 0x2000, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    bounce_step = 2;
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BOUNCE_MFN, 1), C(BOUNCE_MFN + 2, 1),
           C(BOUNCE_MFN + 4, 1));
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

/* Two segments in one page: refused, whatever their byte ranges. */
START_TEST(test_shared_page)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x1800, 0x1800 },
        { 0, 0x2800, 0x1800, 0x1800, 0x100, 0x800 },
    };
    static const struct tseg overlap[] = {
        { 0, 0x1000, 0, 0, 0x1000, 0x3000 },
        { 0, 0x2000, 0x2000, 0x2000, 0x1000, 0x1000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 2, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_ESHARED);
    ck_assert_uint_eq(res.where, 1);
    ck_assert_uint_eq(nr_bounce, 0);
    free(buf);
    t.segs = overlap;
    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_ESHARED);
    ck_assert_uint_eq(res.where, 1);
}
END_TEST

/* ET_DYN: BASE + (p_vaddr - low), whatever low is; other headers ignored. */
START_TEST(test_dyn_base_offset)
{
    static const struct tseg segs[] = {
        { 6, 0, 0, 0, 0, 0 }, /* PT_PHDR: ignored */
        { 0, 0x1000, 0x400000, 0, 0x2000, 0x2000 },
        { 0, 0x3000, 0x405000, 0, 0x1000, 0x3000 },
        { 0, 0x3000, 0x900000, 0, 0, 0 }, /* memsz 0: ignored */
    };
    struct telf t = { true, 3, 0, 0x401004, segs, 4, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(0x10100000);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(0x10100000), C(BUF_MFN + 1, 2), D(0x10105000),
           C(BUF_MFN + 3, 1), Z(2));
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x10101004);
    ck_assert_uint_eq(res.nr_segments, 2);
    ck_assert_uint_eq(kxl_maddr_val(res.image_end), 0x10108000);
    expect_valid(&res, KEXEC_TYPE_CRASH, ents);

    /* another base: the same list, shifted */
    req.base = kxl_maddr(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 2), D(BASE + 0x5000),
           C(BUF_MFN + 3, 1), Z(2));
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), BASE + 0x1004);

    /* a base that is not page aligned */
    req.base = kxl_maddr(BASE + 0x800);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EARG);
    /* a base that wraps */
    req.base = kxl_maddr(0xfffffffffffff000ULL);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EADDR);
}
END_TEST

/* ELF32 ET_EXEC: p_paddr as linked; base 0 or exactly that. */
START_TEST(test_exec32)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0x2000000, 0x2000000, 0x1000, 0x1000 },
        { 0, 0x2000, 0x2001000, 0x2001000, 0x800, 0x2000 },
    };
    struct telf t = { false, 2, 0, 0x2000010, segs, 2, 0x3000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(0);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    /* two segments adjacent but in distinct pages */
    EXPECT(ents, res, D(0x2000000), C(BUF_MFN + 1, 1), D(0x2001000),
           C(BOUNCE_MFN, 1), Z(1));
    ck_assert_uint_eq(res.arch, KEXEC_ARCH_32);
    ck_assert_uint_eq(res.elf_type, 2);
    ck_assert_uint_eq(kxl_maddr_val(res.base), 0x2000000);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x2000010);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);

    req.base = kxl_maddr(0x2000000);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    req.base = kxl_maddr(0x3000000);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EBASE);
}
END_TEST

/* ET_EXEC whose p_vaddr differs from p_paddr: placed by p_paddr. */
START_TEST(test_exec64_paddr)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0xffffffff80000000ULL, 0x1000000, 0x1000, 0x1000 },
    };
    struct telf t = { true, 2, 0, 0xffffffff80000040ULL, segs, 1, 0x2000,
                      0,    0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(0);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(0x1000000), C(BUF_MFN + 1, 1));
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x1000040);
}
END_TEST

/*
 * by_paddr (a vmlinux): segments move together by p_paddr to BASE, even
 * one with p_vaddr 0 (Linux's percpu segment); e_entry is physical.
 */
START_TEST(test_exec64_by_paddr)
{
    static const struct tseg segs[] = {
        { 1, 0x1000, 0xffffffff81000000ULL, 0x1000000, 0x1000, 0x1000 },
        { 1, 0x2000, 0, 0x1001000, 0x1000, 0x3000 },
    };
    struct telf t = { true, 2, 0, 0x1000040, segs, 2, 0x3000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(0x10200000);
    req.by_paddr = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(0x10200000), C(BUF_MFN + 1, 1), D(0x10201000),
           C(BUF_MFN + 2, 1), Z(2));
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x10200040);
    ck_assert_uint_eq(kxl_maddr_val(res.placed[1].dest), 0x10201000);
    ck_assert_uint_eq(kxl_maddr_val(res.placed[1].end), 0x10204000);
    ck_assert_uint_eq(res.placed[1].filesz, 0x1000);
    /* 0: as linked; an ET_DYN is refused */
    req = request(0);
    req.by_paddr = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x1000040);
    t.type = 3;
    free(buf);
    build_elf(&t);
    req = request(0x10200000);
    req.by_paddr = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EUNSUP);
}
END_TEST

/* A raw blob: whole pages straight from the buffer, the tail bounced. */
START_TEST(test_raw_blob)
{
    static const struct tseg segs[] = {
        { 1, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000 },
    };
    struct telf t = { true, 3, 0, 0x1000, segs, 1, 0x3000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_raw raw;

    build_elf(&t); /* only for a patterned, page-mapped buffer */
    raw = (struct kxl_raw){ .buf = buf,
                            .filesz = 0x1800,
                            .memsz = 0x4000,
                            .dest = kxl_maddr(0x20000000) };
    ck_assert_int_eq(kxl_build_raw(&raw, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(0x20000000), C(BUF_MFN, 1), C(BOUNCE_MFN, 1), Z(2));
    ck_assert_mem_eq(bounce_of(BOUNCE_MFN), buf + 0x1000, 0x800);
    for (unsigned int i = 0x800; i < PG; i++)
        ck_assert_uint_eq(bounce_of(BOUNCE_MFN)[i], 0);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), 0x20000000);
    /* refusals */
    raw.dest = kxl_maddr(0x20000800);
    ck_assert_int_eq(kxl_build_raw(&raw, &env, ents, 16, &res), KXL_EARG);
    raw.dest = kxl_maddr(0x20000000);
    raw.filesz = raw.memsz + 1;
    ck_assert_int_eq(kxl_build_raw(&raw, &env, ents, 16, &res), KXL_EARG);
    raw.filesz = 0x1800;
    raw.region_start = kxl_maddr(0x20000000);
    raw.region_size = 0x3000;
    ck_assert_int_eq(kxl_build_raw(&raw, &env, ents, 16, &res), KXL_EREGION);
}
END_TEST

/* Capacity: exactly enough works; one less is KXL_E2BIG, no overrun. */
START_TEST(test_capacity)
{
    static const struct tseg segs[] = {
        { 0, 0x1234, 0x1234, 0, 0x2000, 0x4000 },
    };
    struct telf t = { true, 3, 0, 0x1234, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[8];
    struct kxl_result res;
    struct kxl_request req;
    uint64_t need;

    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 8, &res), KXL_OK);
    need = res.nr_entries;
    ck_assert_uint_eq(need, 5); /* DEST, COPY b, COPY d, COPY b, ZERO */
    for (uint64_t cap = 0; cap < need; cap++) {
        memset(ents, 0xa5, sizeof(ents));
        ck_assert_int_eq(kxl_build(&req, &env, cap ? ents : NULL, cap, &res),
                         KXL_E2BIG);
        ck_assert_uint_eq(res.nr_entries, cap);
        for (uint64_t i = cap; i < ARRAY_SIZE(ents); i++)
            ck_assert_uint_eq(ents[i].op, 0xa5a5);
    }
    ck_assert_int_eq(kxl_build(&req, &env, ents, need, &res), KXL_OK);
    ck_assert_uint_eq(res.nr_entries, need);
}
END_TEST

/* MAP requests: entries split at their start, one MAP per entry covered. */
START_TEST(test_maps)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x3800, 0x6000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x5000, 0, 0, 0 };
    struct kexec_entry ents[32];
    struct kxl_result res;
    struct kxl_request req;
    struct kxl_map_req maps[3] = {
        /* inside one COPY */
        { kxl_vaddr(0xffffc00000000000ULL), kxl_maddr(BASE), 2 },
        /* splits, spans 3 */
        { kxl_vaddr(0xffffc00000100000ULL), kxl_maddr(BASE + 0x1000), 4 },
        /* last bss page */
        { kxl_vaddr(0x1000000), kxl_maddr(BASE + 0x5000), 1 },
    };

    build_elf(&t);
    req = request(BASE);
    req.maps = maps;
    req.nr_maps = 3;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 1), C(BUF_MFN + 2, 2),
           C(BOUNCE_MFN, 1), Z(1), Z(1), M(0xffffc00000000000ULL, 1, 1),
           M(0xffffc00000001000ULL, 2, 1), M(0xffffc00000100000ULL, 2, 2),
           M(0xffffc00000102000ULL, 3, 1), M(0xffffc00000103000ULL, 4, 1),
           M(0x1000000, 5, 1));
    ck_assert_uint_eq(res.nr_map_entries, 6);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

START_TEST(test_map_refusals)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x2000, 0x2000 },
        { 0, 0x3000, 0x4000, 0, 0x1000, 0x1000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 2, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[32];
    struct kxl_result res;
    struct kxl_request req;
    struct kxl_map_req m;
    static const struct {
        uint64_t va, maddr, pages;
        int rc;
    } cases[] = {
        { 0x1000, BASE + 0x1000, 2, KXL_EMAP }, /* runs into the hole */
        { 0x1000, BASE + 0x2000, 1, KXL_EMAP }, /* the hole */
        { 0x1000, BASE - 0x1000, 2, KXL_EMAP }, /* starts below */
        { 0x1000, BASE + 0x4000, 2, KXL_EMAP }, /* runs past the end */
        { 0x1000, BASE, 0, KXL_EMAP },          /* 0 pages */
        { 0x1800, BASE, 1, KXL_EMAP },          /* va misaligned */
        { 0x1000, BASE + 0x10, 1, KXL_EMAP },   /* maddr misaligned */
        { 0x1000, BASE + 0x4000, 1, KXL_OK },   { 0x1000, BASE, 2, KXL_OK },
    };

    build_elf(&t);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        req = request(BASE);
        m = (struct kxl_map_req){ kxl_vaddr(cases[i].va),
                                  kxl_maddr(cases[i].maddr), cases[i].pages };
        req.maps = &m;
        req.nr_maps = 1;
        ck_assert_msg(kxl_build(&req, &env, ents, 32, &res) == cases[i].rc,
                      "case %zu", i);
        if (cases[i].rc)
            ck_assert_uint_eq(res.where, 0);
    }
    req = request(BASE);
    req.nr_maps = KXL_MAX_MAPS + 1;
    req.maps = &m;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_EARG);
}
END_TEST

/* The zero range: DEST + ZERO after the segments; can be a MAP target. */
START_TEST(test_zero_range)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x1000, 0x1000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x2000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;
    struct kxl_map_req m = { kxl_vaddr(0x200000), kxl_maddr(BASE + 0x11000),
                             2 };

    build_elf(&t);
    req = request(BASE);
    req.zero_maddr = kxl_maddr(BASE + 0x10000);
    req.zero_pages = 3;
    req.maps = &m;
    req.nr_maps = 1;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 1), D(BASE + 0x10000), Z(1), Z(2),
           M(0x200000, 4, 2));
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);

    /* touching the image's pages */
    req.nr_maps = 0;
    req.zero_maddr = kxl_maddr(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_ESHARED);
    req.zero_maddr = kxl_maddr(BASE + 0x800);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EARG);
}
END_TEST

/* A region (the crash region): every destination inside it. */
START_TEST(test_region)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x1000, 0x3000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x2000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(0x10000000);
    req.type = KEXEC_TYPE_CRASH;
    req.region_start = kxl_maddr(0x10000000);
    req.region_size = 0x3000;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    expect_valid(&res, KEXEC_TYPE_CRASH, ents);
    req.region_size = 0x2000;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EREGION);
    ck_assert_uint_eq(res.where, 0);
    req.region_size = 0x3000;
    req.base = kxl_maddr(0xff000);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EREGION);
    req.base = kxl_maddr(0x10000000);
    req.zero_maddr = kxl_maddr(0x10004000);
    req.zero_pages = 1;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EREGION);
}
END_TEST

/* Malformed and unsupported ELFs. */
START_TEST(test_bad_elves)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x1000, 0x1000 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x2000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;
    uint8_t save[64 + 56]; /* ELF header and the program header */

#define TRY(rc_)                                                               \
    do {                                                                       \
        req = request(BASE);                                                   \
        ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), rc_);          \
        memcpy(buf, save, sizeof(save));                                       \
    } while (0)

    build_elf(&t);
    memcpy(save, buf, sizeof(save));
    TRY(KXL_OK);
    buf[0] = 0x7e;
    TRY(KXL_ENOTELF);
    buf[4] = 3; /* class */
    TRY(KXL_ENOTELF);
    buf[5] = 2; /* big endian */
    TRY(KXL_ENOTELF);
    buf[6] = 0; /* ident version */
    TRY(KXL_ENOTELF);
    buf[20] = 2; /* e_version */
    TRY(KXL_ENOTELF);
    w(buf + 18, 3, 2); /* EM_386 in an ELF64 */
    TRY(KXL_EUNSUP);
    w(buf + 16, 1, 2); /* ET_REL */
    TRY(KXL_EUNSUP);
    w(buf + 16, 4, 2); /* ET_CORE */
    TRY(KXL_EUNSUP);
    w(buf + 54, 40, 2); /* e_phentsize */
    TRY(KXL_EBADELF);
    w(buf + 32, 0x1fe0, 8); /* phdrs past the end */
    TRY(KXL_EBADELF);
    w(buf + 56, 0, 2); /* no program header */
    TRY(KXL_ENOLOAD);
    w(buf + 24, 0x1000, 8); /* e_entry past memsz */
    TRY(KXL_EENTRY);

    /* segment problems: in the program header at 64 */
    w(buf + 64, 4, 4); /* PT_NOTE only */
    TRY(KXL_ENOLOAD);
    w(buf + 64 + 32, 0x1001, 8); /* p_filesz > file */
    w(buf + 64 + 40, 0x2000, 8);
    TRY(KXL_EBADELF);
    w(buf + 64 + 32, 0x1001, 8); /* p_filesz > p_memsz */
    TRY(KXL_EBADELF);
    w(buf + 64 + 8, 0xfffffffffffff000ULL, 8); /* p_offset wraps */
    TRY(KXL_EBADELF);
    w(buf + 64 + 16, 0xfffffffffffff800ULL, 8); /* p_vaddr + p_memsz wraps */
    TRY(KXL_EBADELF);

    /* too short to be an ELF */
    req = request(BASE);
    req.elf_size = 40;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_ENOTELF);
    /* bad arguments */
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, NULL), KXL_EARG);
    ck_assert_int_eq(kxl_build(NULL, &env, ents, 16, &res), KXL_EARG);
    ck_assert_int_eq(kxl_build(&req, NULL, ents, 16, &res), KXL_EARG);
    ck_assert_int_eq(kxl_build(&req, &env, NULL, 16, &res), KXL_EARG);
    req.elf = NULL;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EARG);
    ck_assert_uint_eq(nr_bounce, 0);
#undef TRY
}
END_TEST

START_TEST(test_too_many_segments)
{
    struct tseg segs[KXL_MAX_SEGMENTS + 1];
    struct telf t = { true, 3, 0, 0, segs, 0, 0x2000, 0, 0, 0 };
    struct kexec_entry ents[64];
    struct kxl_result res;
    struct kxl_request req;

    for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++)
        segs[i] = (struct tseg){ 0, 0x1000, 0x1000 * i, 0, 0, 0x1000 };
    t.nsegs = KXL_MAX_SEGMENTS;
    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_OK);
    ck_assert_uint_eq(res.nr_entries, 2 * KXL_MAX_SEGMENTS);
    free(buf);
    t.nsegs = KXL_MAX_SEGMENTS + 1;
    build_elf(&t);
    req = request(BASE);
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_ETOOMANY);
    ck_assert_uint_eq(res.where, KXL_MAX_SEGMENTS);
}
END_TEST

/* Callback failures. */
START_TEST(test_callback_failures)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0, 0, 0x2800, 0x2800 },
    };
    struct telf t = { true, 3, 0, 0, segs, 1, 0x4000, 0, 0, 0 };
    struct kexec_entry ents[16];
    struct kxl_result res;
    struct kxl_request req;

    build_elf(&t);
    req = request(BASE);
    xlate_fail_page[2] = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EXLATE);
    ck_assert_uint_eq(res.where, 0);
    xlate_fail_page[2] = false;
    bounce_limit = 0;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_EBOUNCE);
    ck_assert_uint_eq(res.bounce_pages, 0);
    bounce_limit = MAX_BOUNCE;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 16, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 2), C(BOUNCE_MFN, 1));
}
END_TEST

/* ---- the parameter block ------------------------------------------------- */

/*
 * Like check64: text at 0 (file 0x1000), data at 0x3000 (file 0x3000)
 * holding the block at 0x4000 (file 0x4000), .bss tail to 0x7800.
 */
static const struct tseg param_segs[] = {
    { 0, 0x1000, 0, 0, 0x2000, 0x2000 },
    { 0, 0x3000, 0x3000, 0x3000, 0x2400, 0x4800 },
};

static struct telf param_elf(void)
{
    return (struct telf){ true, 3,      0,      0x20,   param_segs,
                          2,    0x5400, 0x4000, 0x4000, KXPARAM_SIZE };
}

/* The memory image of a segment as the images see it, block zeroed. */
static uint32_t want_crc(const struct tseg *s, uint64_t blk)
{
    uint8_t *img = calloc(1, s->memsz);
    uint32_t crc;

    memcpy(img, buf + s->offset, s->filesz);
    if (blk >= s->vaddr && blk < s->vaddr + s->memsz)
        memset(img + (blk - s->vaddr), 0,
               MIN(KXPARAM_SIZE, s->vaddr + s->memsz - blk));
    crc = ref_crc(img, s->memsz);
    free(img);
    return crc;
}

START_TEST(test_params)
{
    struct telf t = param_elf();
    struct kexec_entry ents[32];
    struct kxl_result res;
    struct kxl_request req;
    struct kxl_map_req m = { kxl_vaddr(0xffffc00000000000ULL), kxl_maddr(BASE),
                             2 };
    const kxl_vaddr_t unmapped[] = { kxl_vaddr(0xffffc00000002000ULL),
                                     kxl_vaddr(0x1234) };
    const struct kexec_params *kp;
    uint8_t *before;
    const uint8_t *raw;

    build_elf(&t);
    before = malloc(buf_size);
    memcpy(before, buf, buf_size);

    req = request(BASE);
    req.type = KEXEC_TYPE_DEFAULT;
    req.params = true;
    req.image_id = 7;
    req.maps = &m;
    req.nr_maps = 1;
    req.zero_maddr = kxl_maddr(BASE + 0x100000);
    req.zero_pages = 2;
    req.unmapped = unmapped;
    req.nr_unmapped = 2;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_OK);
    /* data: page 0x3000 direct, the block's page bounced, 0x5000 bounced
       (p_filesz ends at 0x5400), 0x6000-0x7fff zero */
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 2), D(BASE + 0x3000),
           C(BUF_MFN + 3, 1), C(BOUNCE_MFN, 2), Z(2), D(BASE + 0x100000), Z(2),
           M(0xffffc00000000000ULL, 1, 2));
    ck_assert_uint_eq(kxl_maddr_val(res.params_maddr), BASE + 0x4000);
    ck_assert_uint_eq(kxl_maddr_val(res.entry_maddr), BASE + 0x20);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);

    /* the boot module is untouched */
    ck_assert_int_eq(memcmp(before, buf, buf_size), 0);
    free(before);

    kp = (const struct kexec_params *)bounce_of(BOUNCE_MFN);
    ck_assert_int_eq(memcmp(kp->magic, "KXPARAM1", 8), 0);
    ck_assert_uint_eq(kp->version, KXPARAM_VERSION);
    ck_assert_uint_eq(kp->pad0, 0);
    ck_assert_uint_eq(kp->image_id, 7);
    ck_assert_uint_eq(kp->base, BASE);
    ck_assert_uint_eq(kp->nr_segments, 2);
    ck_assert_uint_eq(kp->seg[0].vaddr_offset, 0);
    ck_assert_uint_eq(kp->seg[0].memsz, 0x2000);
    ck_assert_uint_eq(kp->seg[0].crc32, want_crc(&param_segs[0], 0x4000));
    ck_assert_uint_eq(kp->seg[1].vaddr_offset, 0x3000);
    ck_assert_uint_eq(kp->seg[1].memsz, 0x4800);
    ck_assert_uint_eq(kp->seg[1].crc32, want_crc(&param_segs[1], 0x4000));
    ck_assert_uint_eq(kp->zero_maddr, BASE + 0x100000);
    ck_assert_uint_eq(kp->zero_pages, 2);
    ck_assert_uint_eq(kp->nr_maps, 1);
    ck_assert_uint_eq(kp->maps[0].va, 0xffffc00000000000ULL);
    ck_assert_uint_eq(kp->maps[0].target_maddr, BASE);
    ck_assert_uint_eq(kp->maps[0].pages, 2);
    ck_assert_uint_eq(kp->nr_unmapped, 2);
    ck_assert_uint_eq(kp->unmapped[0], 0xffffc00000002000ULL);
    ck_assert_uint_eq(kp->unmapped[1], 0x1234);
    ck_assert_uint_eq(kp->expect_type, KEXEC_TYPE_DEFAULT);
    /* everything else zero */
    raw = (const uint8_t *)kp;
    for (size_t i = offsetof(struct kexec_params, reserved); i < PG; i++)
        ck_assert_uint_eq(raw[i], 0);
    for (unsigned int i = 2; i < KXPARAM_MAX_SEGS; i++)
        ck_assert(!kp->seg[i].vaddr_offset && !kp->seg[i].memsz &&
                  !kp->seg[i].crc32);
    for (unsigned int i = 0; i < KXPARAM_MAX_SEGS; i++)
        ck_assert_uint_eq(kp->seg[i].pad, 0);
    /* the page after the block: file bytes to 0x5400, then zero */
    for (unsigned int i = 0; i < PG; i++)
        ck_assert_uint_eq(bounce_of(BOUNCE_MFN + 1)[i],
                          i < 0x400 ? pat(0x5000 + i) : 0);
}
END_TEST

/* A crash image, a MAP spanning two entries: two maps[] records. */
START_TEST(test_params_crash_two_maps)
{
    struct telf t = param_elf();
    struct kexec_entry ents[32];
    struct kxl_result res;
    struct kxl_request req;
    struct kxl_map_req m = { kxl_vaddr(0xffffc00000000000ULL),
                             kxl_maddr(BASE + 0x3000), 3 };
    const struct kexec_params *kp;

    build_elf(&t);
    req = request(BASE);
    req.type = KEXEC_TYPE_CRASH;
    req.params = true;
    req.image_id = 2;
    req.maps = &m;
    req.nr_maps = 1;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_OK);
    EXPECT(ents, res, D(BASE), C(BUF_MFN + 1, 2), D(BASE + 0x3000),
           C(BUF_MFN + 3, 1), C(BOUNCE_MFN, 2), Z(2),
           M(0xffffc00000000000ULL, 3, 1), M(0xffffc00000001000ULL, 4, 2));
    kp = (const struct kexec_params *)bounce_of(BOUNCE_MFN);
    ck_assert_uint_eq(kp->image_id, 2);
    ck_assert_uint_eq(kp->expect_type, KEXEC_TYPE_CRASH);
    ck_assert_uint_eq(kp->nr_maps, 2);
    ck_assert_uint_eq(kp->maps[0].target_maddr, BASE + 0x3000);
    ck_assert_uint_eq(kp->maps[0].pages, 1);
    ck_assert_uint_eq(kp->maps[1].va, 0xffffc00000001000ULL);
    ck_assert_uint_eq(kp->maps[1].target_maddr, BASE + 0x4000);
    ck_assert_uint_eq(kp->maps[1].pages, 2);
    ck_assert_uint_eq(kp->zero_pages, 0);
    ck_assert_uint_eq(kp->zero_maddr, 0);
    ck_assert_uint_eq(kp->nr_unmapped, 0);
}
END_TEST

/* The same ELF loaded twice gives the same list (module not modified). */
START_TEST(test_params_reload)
{
    struct telf t = param_elf();
    struct kexec_entry a[32], b[32];
    struct kxl_result ra, rb;
    struct kxl_request req;

    build_elf(&t);
    req = request(BASE);
    req.params = true;
    req.image_id = 1;
    ck_assert_int_eq(kxl_build(&req, &env, a, 32, &ra), KXL_OK);
    req.image_id = 2;
    ck_assert_int_eq(kxl_build(&req, &env, b, 32, &rb), KXL_OK);
    ck_assert_uint_eq(ra.nr_entries, rb.nr_entries);
    ck_assert_uint_eq(
        ((const struct kexec_params *)bounce_of(BOUNCE_MFN))->image_id, 1);
    ck_assert_uint_eq(
        ((const struct kexec_params *)bounce_of(BOUNCE_MFN + 2))->image_id, 2);
    ck_assert_uint_eq(
        ((const struct kexec_params *)bounce_of(BOUNCE_MFN))->seg[1].crc32,
        ((const struct kexec_params *)bounce_of(BOUNCE_MFN + 2))->seg[1].crc32);
}
END_TEST

START_TEST(test_params_refusals)
{
    static const struct tseg segs9[9] = {
        { 0, 0x1000, 0x0000, 0, 0x1000, 0x1000 },
        { 0, 0x2000, 0x1000, 0, 0x1000, 0x1000 },
        { 0, 0x1000, 0x2000, 0, 0, 0x1000 },
        { 0, 0x1000, 0x3000, 0, 0, 0x1000 },
        { 0, 0x1000, 0x4000, 0, 0, 0x1000 },
        { 0, 0x1000, 0x5000, 0, 0, 0x1000 },
        { 0, 0x1000, 0x6000, 0, 0, 0x1000 },
        { 0, 0x1000, 0x7000, 0, 0, 0x1000 },
        { 0, 0x1000, 0x8000, 0, 0, 0x1000 },
    };
    struct telf t = { true, 3, 0, 0, param_segs, 2, 0x5400, 0, 0, 0 };
    struct kexec_entry ents[64];
    struct kxl_result res;
    struct kxl_request req;

    /* no section table at all */
    build_elf(&t);
    req = request(BASE);
    req.params = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_ENOPARAMS);
    /* without params the same ELF loads */
    req.params = false;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_OK);
    free(buf);

    /* the wrong size, misaligned, outside the file bytes */
    t = param_elf();
    t.params_size = 0x800;
    build_elf(&t);
    req = request(BASE);
    req.params = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_ENOPARAMS);
    free(buf);
    t = param_elf();
    t.params_addr = 0x4100;
    build_elf(&t);
    req = request(BASE);
    req.params = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_ENOPARAMS);
    free(buf);
    t = param_elf();
    t.params_addr = 0x6000; /* in the .bss, not in file bytes */
    build_elf(&t);
    req = request(BASE);
    req.params = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_ENOPARAMS);
    free(buf);

    /* more segments than the block describes */
    t = (struct telf){ true, 3,      0,      0,      segs9,
                       9,    0x3000, 0x1000, 0x2000, KXPARAM_SIZE };
    build_elf(&t);
    req = request(BASE);
    req.params = true;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_EPARAMS);
    req.params = false;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_OK);
}
END_TEST

START_TEST(test_params_too_many_maps)
{
    struct telf t = param_elf();
    struct kexec_entry ents[64];
    struct kxl_result res;
    struct kxl_request req;
    struct kxl_map_req m[2] = {
        { kxl_vaddr(0x100000000ULL), kxl_maddr(BASE), 2 },
        /* base+0x3000 .. +0x8000: 3 entries; with 2 above ... */
        { kxl_vaddr(0x200000000ULL), kxl_maddr(BASE + 0x3000), 5 },
    };
    struct kxl_map_req many[KXL_MAX_MAPS];

    build_elf(&t);
    req = request(BASE);
    req.params = true;
    req.maps = m;
    req.nr_maps = 2;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_OK);
    ck_assert_uint_eq(res.nr_map_entries, 4);
    /* 8 requests over 5 entries of the image, split further: > 8 MAPs */
    for (unsigned int i = 0; i < KXL_MAX_MAPS; i++)
        many[i] = (struct kxl_map_req){ kxl_vaddr(0x100000000ULL * (i + 1)),
                                        kxl_maddr(BASE + (i % 2 ? 0x3000 : 0)),
                                        2 };
    req.maps = many;
    req.nr_maps = KXL_MAX_MAPS;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 64, &res), KXL_EPARAMS);
}
END_TEST

/* ELF32 params: the same layout rules (check32 style). */
START_TEST(test_params_elf32)
{
    static const struct tseg segs[] = {
        { 0, 0x1000, 0x2000000, 0x2000000, 0x1000, 0x1000 },
        { 0, 0x2000, 0x2001000, 0x2001000, 0x1000, 0x3000 },
    };
    struct telf t = { false, 2,      0,         0x2000000, segs,
                      2,     0x3000, 0x2001000, 0x2000,    KXPARAM_SIZE };
    struct kexec_entry ents[32];
    struct kxl_result res;
    struct kxl_request req;
    const struct kexec_params *kp;

    build_elf(&t);
    req = request(0);
    req.params = true;
    req.image_id = 3;
    ck_assert_int_eq(kxl_build(&req, &env, ents, 32, &res), KXL_OK);
    EXPECT(ents, res, D(0x2000000), C(BUF_MFN + 1, 1), D(0x2001000),
           C(BOUNCE_MFN, 1), Z(2));
    kp = (const struct kexec_params *)bounce_of(BOUNCE_MFN);
    ck_assert_uint_eq(kp->base, 0x2000000);
    ck_assert_uint_eq(kp->seg[1].vaddr_offset, 0x1000);
    ck_assert_uint_eq(kp->seg[0].crc32, want_crc(&segs[0], 0x2001000));
    ck_assert_uint_eq(kp->seg[1].crc32, want_crc(&segs[1], 0x2001000));
    ck_assert_uint_eq(res.arch, KEXEC_ARCH_32);
    expect_valid(&res, KEXEC_TYPE_DEFAULT, ents);
}
END_TEST

START_TEST(test_strerror)
{
    for (int e = 0; e >= KXL_EPARAMS; e--)
        ck_assert_ptr_null(strstr(kxl_strerror(e), "KXL_E?"));
    ck_assert_ptr_nonnull(strstr(kxl_strerror(KXL_E2BIG), "KXL_E2BIG"));
    ck_assert_ptr_nonnull(strstr(kxl_strerror(-100), "unknown"));
    ck_assert_ptr_nonnull(strstr(kxl_strerror(5), "unknown"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kexec-loader");
    TCase *crc = tcase_create("crc32");
    TCase *list = tcase_create("list");
    TCase *params = tcase_create("params");

    tcase_add_test(crc, test_crc32);
    suite_add_tcase(s, crc);

    tcase_add_checked_fixture(list, setup, teardown);
    tcase_add_test(list, test_simple_dyn);
    tcase_add_test(list, test_discontiguous_source);
    tcase_add_test(list, test_unaligned_start);
    tcase_add_test(list, test_bss_tail);
    tcase_add_test(list, test_bss_only_and_aligned_end);
    tcase_add_test(list, test_not_congruent);
    tcase_add_test(list, test_bounce_frames_not_contiguous);
    tcase_add_test(list, test_shared_page);
    tcase_add_test(list, test_dyn_base_offset);
    tcase_add_test(list, test_exec32);
    tcase_add_test(list, test_exec64_paddr);
    tcase_add_test(list, test_exec64_by_paddr);
    tcase_add_test(list, test_raw_blob);
    tcase_add_test(list, test_capacity);
    tcase_add_test(list, test_maps);
    tcase_add_test(list, test_map_refusals);
    tcase_add_test(list, test_zero_range);
    tcase_add_test(list, test_region);
    tcase_add_test(list, test_bad_elves);
    tcase_add_test(list, test_too_many_segments);
    tcase_add_test(list, test_callback_failures);
    tcase_add_test(list, test_strerror);
    suite_add_tcase(s, list);

    tcase_add_checked_fixture(params, setup, teardown);
    tcase_add_test(params, test_params);
    tcase_add_test(params, test_params_crash_two_maps);
    tcase_add_test(params, test_params_reload);
    tcase_add_test(params, test_params_refusals);
    tcase_add_test(params, test_params_too_many_maps);
    tcase_add_test(params, test_params_elf32);
    suite_add_tcase(s, params);
    return s;
}

int main(void)
{
    return harness_run(suite());
}

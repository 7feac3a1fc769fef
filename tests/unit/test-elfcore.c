/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader/elfcore.c: the ELF core header a dom0 loader hands to
 * the crash image.
 *
 * Each header is checked twice: field by field in memory, and by GNU
 * readelf (`readelf -h -l -W` on a temporary file), whose program-header
 * table must list exactly the segments the request asks for.
 */
#include "harness.h"

#include <unistd.h>

#include "../../tools/kexec-loader/elfcore.h"

#define HV_VIRT ELFCORE_HV_VIRT
#define DMAP    ELFCORE_DIRECTMAP_VIRT
#define RWX     (ELFCORE_PF_R | ELFCORE_PF_W | ELFCORE_PF_X)

/* What one program header should be. */
struct want {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, size;
};

/* A SeaBIOS-like map of a 512 MiB machine. */
static const struct elfcore_mem bios_map[] = {
    { 0x0, 0x9fc00, 1, 0 },        { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },    { 0x100000, 0x1fee0000, 1, 0 },
    { 0x1ffe0000, 0x20000, 2, 0 }, { 0xfffc0000, 0x40000, 2, 0 },
};

/* 4 CPU notes, the hypervisor note, VMCOREINFO. */
static const struct elfcore_range notes4[] = {
    { { 0x24a0000 }, 356 }, { { 0x24a0200 }, 356 }, { { 0x24a0400 }, 356 },
    { { 0x24a0600 }, 356 }, { { 0x24a1000 }, 196 }, { { 0x13fff000 }, 0x2f4 },
};

#define CRASH_START 0x10000000ULL
#define CRASH_SIZE  0x4000000ULL
#define HV_START    0x200000ULL
#define HV_SIZE     0x276000ULL

static struct elfcore_req bios_req(void)
{
    return (struct elfcore_req){
        .notes = notes4,
        .nr_notes = 6,
        .mem = bios_map,
        .nr_mem = 6,
        .crash_start = { CRASH_START },
        .crash_size = CRASH_SIZE,
        .hv_start = { HV_START },
        .hv_size = HV_SIZE,
    };
}

/* ---- checking a header in memory ------------------------------------------ */

static void check_ehdr(const uint8_t *buf, unsigned int nr_phdrs)
{
    struct elfcore_ehdr eh;

    memcpy(&eh, buf, sizeof(eh));
    ck_assert_mem_eq(eh.e_ident,
                     "\x7f"
                     "ELF\x02\x01\x01\x00",
                     8);
    for (unsigned int i = 8; i < 16; i++)
        ck_assert_uint_eq(eh.e_ident[i], 0);
    ck_assert_uint_eq(eh.e_type, 4);
    ck_assert_uint_eq(eh.e_machine, 62);
    ck_assert_uint_eq(eh.e_version, 1);
    ck_assert_uint_eq(eh.e_entry, 0);
    ck_assert_uint_eq(eh.e_phoff, 64);
    ck_assert_uint_eq(eh.e_shoff, 0);
    ck_assert_uint_eq(eh.e_flags, 0);
    ck_assert_uint_eq(eh.e_ehsize, 64);
    ck_assert_uint_eq(eh.e_phentsize, 56);
    ck_assert_uint_eq(eh.e_phnum, nr_phdrs);
    ck_assert_uint_eq(eh.e_shentsize, 0);
    ck_assert_uint_eq(eh.e_shnum, 0);
    ck_assert_uint_eq(eh.e_shstrndx, 0);
}

static void check_phdrs(const uint8_t *buf, const struct want *w,
                        unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        struct elfcore_phdr ph;

        memcpy(&ph, buf + 64 + 56 * i, sizeof(ph));
        ck_assert_msg(ph.p_type == w[i].type && ph.p_flags == w[i].flags &&
                          ph.p_offset == w[i].offset &&
                          ph.p_vaddr == w[i].vaddr &&
                          ph.p_paddr == w[i].paddr &&
                          ph.p_filesz == w[i].size && ph.p_memsz == w[i].size &&
                          ph.p_align == 0,
                      "phdr %u: got type %u flags %u offset %#lx vaddr %#lx "
                      "paddr %#lx filesz %#lx memsz %#lx align %#lx, want "
                      "type %u flags %u offset %#lx vaddr %#lx size %#lx",
                      i, ph.p_type, ph.p_flags, (unsigned long)ph.p_offset,
                      (unsigned long)ph.p_vaddr, (unsigned long)ph.p_paddr,
                      (unsigned long)ph.p_filesz, (unsigned long)ph.p_memsz,
                      (unsigned long)ph.p_align, w[i].type, w[i].flags,
                      (unsigned long)w[i].offset, (unsigned long)w[i].vaddr,
                      (unsigned long)w[i].size);
    }
}

/* ---- checking it with readelf ------------------------------------------------ */

/* Runs `readelf -h -l -W` on the header written to a temporary file. */
static char *readelf_of(const uint8_t *buf, size_t size)
{
    char path[] = "/tmp/test-elfcore-XXXXXX", cmd[128];
    static char out[65536];
    size_t len = 0, got;
    int fd = mkstemp(path);
    FILE *p;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, buf, size), (ssize_t)size);
    close(fd);
    snprintf(cmd, sizeof(cmd), "readelf -h -l -W %s 2>&1", path);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    while ((got = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
        len += got;
    out[len] = '\0';
    ck_assert_int_eq(pclose(p), 0);
    unlink(path);
    return out;
}

static const char *flags_str(uint32_t f)
{
    static char s[4];

    s[0] = f & ELFCORE_PF_R ? 'R' : ' ';
    s[1] = f & ELFCORE_PF_W ? 'W' : ' ';
    s[2] = f & ELFCORE_PF_X ? 'E' : ' ';
    s[3] = '\0';
    return s;
}

/*
 * readelf's header and its program-header rows, one by one, in order:
 *   "  NOTE  0x... 0x... 0x... 0x... 0x... <flags> 0"
 */
static void check_readelf(const uint8_t *buf, size_t size, const struct want *w,
                          unsigned int n)
{
    char *out = readelf_of(buf, size), *line, *save = NULL;
    char expect[64];
    unsigned int row = 0;

    ck_assert_msg(strstr(out, "Class:                             ELF64"),
                  "readelf: class\n%s", out);
    ck_assert_msg(strstr(out, "Data:                              2's "
                              "complement, little endian"),
                  "readelf: data\n%s", out);
    ck_assert_msg(strstr(out,
                         "Type:                              CORE (Core file)"),
                  "readelf: type\n%s", out);
    ck_assert_msg(strstr(out, "Machine:                           Advanced "
                              "Micro Devices X86-64"),
                  "readelf: machine\n%s", out);
    snprintf(expect, sizeof(expect), "Number of program headers:         %u",
             n);
    ck_assert_msg(strstr(out, expect), "readelf: want \"%s\"\n%s", expect, out);
    ck_assert_msg(!strstr(out, "Warning") && !strstr(out, "Error"),
                  "readelf complained\n%s", out);

    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char type[16], flg[8] = "", *end;
        unsigned long off, va, pa, fs, ms, align;
        int k;

        if (sscanf(line, " %15s 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx%n", type, &off,
                   &va, &pa, &fs, &ms, &k) != 6)
            continue;
        ck_assert_msg(row < n, "readelf lists more than %u segments: %s", n,
                      line);
        /* flags (3 columns, blanks included), then the alignment
         * ("0" or "0x1000") */
        ck_assert_uint_ge(strlen(line + k), 5);
        memcpy(flg, line + k + 1, 3);
        align = strtoul(line + k + 4, &end, 0);
        ck_assert_msg(end != line + k + 4 && !*end, "readelf row: %s", line);
        ck_assert_str_eq(type,
                         w[row].type == ELFCORE_PT_NOTE ? "NOTE" : "LOAD");
        ck_assert_msg(off == w[row].offset && va == w[row].vaddr &&
                          pa == w[row].paddr && fs == w[row].size &&
                          ms == w[row].size && align == 0 &&
                          !strcmp(flg, flags_str(w[row].flags)),
                      "readelf row %u: %s\nwant offset %#lx vaddr %#lx paddr "
                      "%#lx size %#lx flags '%s'",
                      row, line, (unsigned long)w[row].offset,
                      (unsigned long)w[row].vaddr, (unsigned long)w[row].paddr,
                      (unsigned long)w[row].size, flags_str(w[row].flags));
        row++;
    }
    ck_assert_uint_eq(row, n);
}

static void check_all(const struct elfcore_req *req, const struct want *w,
                      unsigned int n)
{
    static uint8_t buf[8192];
    struct elfcore_result res;

    memset(buf, 0xcc, sizeof(buf));
    ck_assert_int_eq(elfcore_build(req, buf, sizeof(buf), &res), ELFCORE_OK);
    ck_assert_uint_eq(res.nr_phdrs, n);
    ck_assert_uint_eq(res.size, 64 + 56 * n);
    check_ehdr(buf, n);
    check_phdrs(buf, w, n);
    /* nothing written past the header */
    for (size_t i = res.size; i < sizeof(buf); i++)
        ck_assert_uint_eq(buf[i], 0xcc);
    check_readelf(buf, res.size, w, n);
}

#define NOTE(s, z)                                                             \
    {                                                                          \
        ELFCORE_PT_NOTE, 0, s, 0, s, z                                         \
    }
#define RAM(s, z)                                                              \
    {                                                                          \
        ELFCORE_PT_LOAD, RWX, s, DMAP + (s), s, z                              \
    }
#define HVIMG(s, z)                                                            \
    {                                                                          \
        ELFCORE_PT_LOAD, RWX, s, HV_VIRT, s, z                                 \
    }

/* ---- tests ------------------------------------------------------------------- */

START_TEST(test_bios_machine)
{
    struct elfcore_req req = bios_req();
    const struct want w[] = {
        NOTE(0x24a0000, 356),
        NOTE(0x24a0200, 356),
        NOTE(0x24a0400, 356),
        NOTE(0x24a0600, 356),
        NOTE(0x24a1000, 196),
        NOTE(0x13fff000, 0x2f4),
        RAM(0x0, 0x9fc00),
        RAM(0x100000, CRASH_START - 0x100000),
        RAM(CRASH_START + CRASH_SIZE, 0x1ffe0000 - CRASH_START - CRASH_SIZE),
        HVIMG(HV_START, HV_SIZE),
    };
    struct elfcore_result res;
    static uint8_t buf[4096];

    check_all(&req, w, 10);
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), 0);
    ck_assert_uint_eq(res.nr_notes, 6);
    ck_assert_uint_eq(res.nr_ram, 3);
    ck_assert_uint_eq(res.nr_hv, 1);
}
END_TEST

START_TEST(test_no_hv_no_crash)
{
    struct elfcore_req req = bios_req();
    const struct want w[] = {
        NOTE(0x24a0000, 356),
        RAM(0x0, 0x9fc00),
        RAM(0x100000, 0x1fee0000),
    };

    req.nr_notes = 1;
    req.hv_size = 0;
    req.crash_size = 0;
    check_all(&req, w, 3);
}
END_TEST

/* Unsorted, overlapping and touching RAM entries: sorted and merged;
 * non-RAM entries never show. */
START_TEST(test_sorts_and_merges)
{
    static const struct elfcore_mem map[] = {
        { 0x800000, 0x100000, 1, 0 }, { 0x100000, 0x200000, 1, 0 },
        { 0x200000, 0x200000, 1, 0 }, /* overlaps the previous one */
        { 0x400000, 0x1000, 1, 0 },   /* touches it */
        { 0x500000, 0x300000, 3, 0 }, /* ACPI: not dumped */
        { 0x900000, 0, 1, 0 },        /* empty */
        { 0x0, 0x1000, 4, 0 },        /* NVS */
    };
    struct elfcore_req req = {
        .mem = map,
        .nr_mem = 7,
        .hv_start = { 0x100000 },
        .hv_size = 0x3000,
    };
    const struct want w[] = {
        RAM(0x100000, 0x301000),
        RAM(0x800000, 0x100000),
        HVIMG(0x100000, 0x3000),
    };

    check_all(&req, w, 3);
}
END_TEST

/* The crash region at every position relative to a RAM range. */
START_TEST(test_crash_region_edges)
{
    static const struct elfcore_mem map[] = {
        { 0x1000000, 0x1000000, 1, 0 }, /* 16..32 MiB */
        { 0x4000000, 0x1000000, 1, 0 }, /* 64..80 MiB */
        { 0x6000000, 0x1000000, 1, 0 }, /* 96..112 MiB */
    };
    struct elfcore_req req = { .mem = map, .nr_mem = 3 };

    /* covering the first range exactly: it disappears */
    req.crash_start = kxl_maddr(0x1000000);
    req.crash_size = 0x1000000;
    {
        const struct want w[] = { RAM(0x4000000, 0x1000000),
                                  RAM(0x6000000, 0x1000000) };
        check_all(&req, w, 2);
    }
    /* the head of the second range */
    req.crash_start = kxl_maddr(0x3000000);
    req.crash_size = 0x1800000;
    {
        const struct want w[] = { RAM(0x1000000, 0x1000000),
                                  RAM(0x4800000, 0x800000),
                                  RAM(0x6000000, 0x1000000) };
        check_all(&req, w, 3);
    }
    /* the tail of the third range, beyond it */
    req.crash_start = kxl_maddr(0x6c00000);
    req.crash_size = 0x1000000;
    {
        const struct want w[] = { RAM(0x1000000, 0x1000000),
                                  RAM(0x4000000, 0x1000000),
                                  RAM(0x6000000, 0xc00000) };
        check_all(&req, w, 3);
    }
    /* across all of them */
    req.crash_start = kxl_maddr(0x1800000);
    req.crash_size = 0x5000000;
    {
        const struct want w[] = { RAM(0x1000000, 0x800000),
                                  RAM(0x6800000, 0x800000) };
        check_all(&req, w, 2);
    }
    /* in a gap: nothing changes */
    req.crash_start = kxl_maddr(0x2000000);
    req.crash_size = 0x2000000;
    {
        const struct want w[] = { RAM(0x1000000, 0x1000000),
                                  RAM(0x4000000, 0x1000000),
                                  RAM(0x6000000, 0x1000000) };
        check_all(&req, w, 3);
    }
}
END_TEST

/* The most notes and memory entries; every entry split by the crash
 * region in the middle of the machine. */
START_TEST(test_limits)
{
    static struct elfcore_range notes[ELFCORE_MAX_NOTES];
    static struct elfcore_mem map[ELFCORE_MAX_MEM];
    static uint8_t buf[16384];
    struct elfcore_req req = {
        .notes = notes,
        .nr_notes = ELFCORE_MAX_NOTES,
        .mem = map,
        .nr_mem = ELFCORE_MAX_MEM,
        .crash_start = { 0x100000 * ELFCORE_MAX_MEM }, /* half way */
        .crash_size = 0x1000,
    };
    struct elfcore_result res;

    for (unsigned int i = 0; i < ELFCORE_MAX_NOTES; i++)
        notes[i] = (struct elfcore_range){ kxl_maddr(0x1000 + 0x200 * i), 356 };
    /* every range 1 MiB, 1 MiB apart: nothing merges */
    for (unsigned int i = 0; i < ELFCORE_MAX_MEM; i++)
        map[i] = (struct elfcore_mem){ 0x200000ULL * (ELFCORE_MAX_MEM - 1 - i),
                                       0x100000, 1, 0 };
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), 0);
    /* the crash region is at the start of one range: none splits in two */
    ck_assert_uint_eq(res.nr_ram, ELFCORE_MAX_MEM);
    ck_assert_uint_eq(res.nr_phdrs, ELFCORE_MAX_NOTES + ELFCORE_MAX_MEM);
    for (unsigned int i = 0; i < res.nr_ram; i++) {
        struct elfcore_phdr ph;
        uint64_t want = 0x200000ULL * i;

        memcpy(&ph, buf + 64 + 56 * (ELFCORE_MAX_NOTES + i), sizeof(ph));
        if (want == kxl_maddr_val(req.crash_start))
            want += 0x1000;
        ck_assert_uint_eq(ph.p_paddr, want);
    }

    req.nr_notes = ELFCORE_MAX_NOTES + 1;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), ELFCORE_EARG);
    req.nr_notes = ELFCORE_MAX_NOTES;
    req.nr_mem = ELFCORE_MAX_MEM + 1;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), ELFCORE_EARG);
}
END_TEST

START_TEST(test_buffer_too_small)
{
    struct elfcore_req req = bios_req();
    struct elfcore_result res;
    uint8_t buf[64 + 56 * 10];

    /* sizing call */
    ck_assert_int_eq(elfcore_build(&req, NULL, 0, &res), ELFCORE_E2BIG);
    ck_assert_uint_eq(res.size, sizeof(buf));
    ck_assert_uint_eq(res.nr_phdrs, 10);
    /* one byte short: nothing written */
    memset(buf, 0xcc, sizeof(buf));
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf) - 1, &res),
                     ELFCORE_E2BIG);
    for (size_t i = 0; i < sizeof(buf); i++)
        ck_assert_uint_eq(buf[i], 0xcc);
    /* exactly enough */
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), ELFCORE_OK);
    check_ehdr(buf, 10);
}
END_TEST

START_TEST(test_bad_requests)
{
    struct elfcore_req req = bios_req();
    struct elfcore_result res;
    struct elfcore_range bad_note[1] = { { { 0x1000 }, 0 } };
    struct elfcore_mem bad_mem[1] = { { 0xfffffffffffff000ULL, 0x2000, 1, 0 } };
    static uint8_t buf[4096];

    ck_assert_int_eq(elfcore_build(NULL, buf, sizeof(buf), &res), ELFCORE_EARG);
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), NULL), ELFCORE_EARG);
    ck_assert_int_eq(elfcore_build(&req, NULL, sizeof(buf), &res),
                     ELFCORE_EARG);
    req.notes = NULL;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), ELFCORE_EARG);
    req = bios_req();
    req.mem = NULL;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), ELFCORE_EARG);

    /* an empty note */
    req = bios_req();
    req.notes = bad_note;
    req.nr_notes = 1;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res),
                     ELFCORE_ERANGE);
    /* a note that wraps */
    bad_note[0] = (struct elfcore_range){ kxl_maddr(0xfffffffffffff000ULL),
                                          0x2000 };
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res),
                     ELFCORE_ERANGE);
    /* RAM that wraps */
    req = bios_req();
    req.mem = bad_mem;
    req.nr_mem = 1;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res),
                     ELFCORE_ERANGE);
    /* RAM whose direct-map address would wrap */
    bad_mem[0] = (struct elfcore_mem){ 0x0000ff0000000000ULL, 0x1000, 1, 0 };
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res),
                     ELFCORE_ERANGE);
    /* the same, but not RAM: ignored */
    bad_mem[0].type = 2;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res), ELFCORE_OK);
    /* a crash region that wraps */
    req = bios_req();
    req.crash_start = kxl_maddr(0xfffffffffffff000ULL);
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res),
                     ELFCORE_ERANGE);
    /* a hypervisor image whose link address range would wrap */
    req = bios_req();
    req.hv_size = 0x8000000000000000ULL;
    ck_assert_int_eq(elfcore_build(&req, buf, sizeof(buf), &res),
                     ELFCORE_ERANGE);
}
END_TEST

START_TEST(test_strerror)
{
    ck_assert_ptr_nonnull(strstr(elfcore_strerror(ELFCORE_OK), "ELFCORE_OK"));
    ck_assert_ptr_nonnull(strstr(elfcore_strerror(ELFCORE_EARG), "EARG"));
    ck_assert_ptr_nonnull(strstr(elfcore_strerror(ELFCORE_ERANGE), "ERANGE"));
    ck_assert_ptr_nonnull(strstr(elfcore_strerror(ELFCORE_E2BIG), "E2BIG"));
    ck_assert_ptr_nonnull(elfcore_strerror(-99));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elfcore");
    TCase *tc = tcase_create("header");

    tcase_add_test(tc, test_bios_machine);
    tcase_add_test(tc, test_no_hv_no_crash);
    tcase_add_test(tc, test_sorts_and_merges);
    tcase_add_test(tc, test_crash_region_edges);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_buffer_too_small);
    tcase_add_test(tc, test_bad_requests);
    tcase_add_test(tc, test_strerror);
    suite_add_tcase(s, tc);
    return harness_run(s);
}

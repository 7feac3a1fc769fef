/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/kexec-loader/vmcore-stream.c: the vmcore of a crashed hypervisor.
 *
 * A fake machine: a buffer whose offsets are machine addresses, holding
 * notes, a hypervisor image (data pages, a zero page, data, an all-zero
 * tail) and the crashed hypervisor's 4-level page tables, which map two
 * CPUs' stack blocks: CPU 0's with 4 KiB leaves and an unmapped guard
 * page, CPU 1's with one 2 MiB leaf.  Every vmcore written is parsed back
 * as an ELF64 core and each PT_LOAD's file bytes held against the fake
 * memory at its p_paddr.
 */
#include "harness.h"

#include "../../tools/kexec-loader/elfcore.h"
#include "../../tools/kexec-loader/kexec-loader.h"
#include "../../tools/kexec-loader/vmcore-stream.h"

#define PG       4096ull
#define MEM_SIZE (8ull << 20)
#define HV_VIRT  ELFCORE_HV_VIRT
#define DMAP     ELFCORE_DIRECTMAP_VIRT

/* Where things are in the fake machine. */
#define PML4       0x1000ull
#define PDPT       0x2000ull
#define PD         0x3000ull
#define PT         0x4000ull
#define EMPTY_PT   0x5000ull /* all zero: maps nothing */
#define NOTE_A     0x10000ull
#define NOTE_B     0x10200ull
#define NOTE_C     0x11000ull
#define HV_PADDR   0x100000ull
#define HV_SIZE    0x6000ull   /* data data zero data zero zero */
#define CPU0_STACK 0x200000ull /* 4 KiB pages; the first one a guard */
#define CPU1_STACK 0x600000ull /* one 2 MiB page */
#define STACKS     0xffff820000000000ull
#define STACK_SIZE 0x200000ull

#define PTE_P     0x1ull
#define PTE_RW    0x2ull
#define PTE_PS    0x80ull
#define PTE_PAT_L 0x1000ull /* PAT in a 2 MiB leaf: not an address bit */
#define PTE_NX    (1ull << 63)

static uint8_t *mem;

static const char vmcoreinfo_text[] =
    "OSRELEASE=test\n"
    "PAGESIZE=4096\n"
    "NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
    "NUMBER(STACK_SIZE)=2097152\n"
    "NUMBER(NR_CPUS)=2\n"
    "NUMBER(image_maddr)=100000\n"
    "NUMBER(pgtable_maddr)=1000\n";

static const struct vmcore_note notes3[] = {
    { { NOTE_B }, 200 },
    { { NOTE_A }, 356 },
    { { NOTE_C }, 0x2f4 },
};

static void put64(uint64_t maddr, uint64_t v)
{
    memcpy(mem + maddr, &v, 8);
}

static void fill(uint64_t maddr, uint64_t n, uint32_t seed)
{
    for (uint64_t i = 0; i < n; i++)
        mem[maddr + i] = (uint8_t)((i * 131 + seed) % 251 + 1); /* never 0 */
}

static void machine_setup(void)
{
    free(mem);
    mem = calloc(1, MEM_SIZE);
    ck_assert_ptr_nonnull(mem);

    fill(NOTE_A, 356, 1);
    fill(NOTE_B, 200, 2);
    fill(NOTE_C, 0x2f4, 3);
    /* the image: data, data, zero, data, zero, zero */
    fill(HV_PADDR, 2 * PG, 4);
    fill(HV_PADDR + 3 * PG, PG, 5);
    mem[HV_PADDR + 3 * PG + PG - 1] = 0; /* a zero byte in a data page */

    /* the page tables: STACKS is PD slot 0 */
    put64(PML4 + ((STACKS >> 39) & 511) * 8, PDPT | PTE_P | PTE_RW);
    put64(PDPT + ((STACKS >> 30) & 511) * 8, PD | PTE_P | PTE_RW | PTE_NX);
    put64(PD + 0 * 8, PT | PTE_P | PTE_RW);
    put64(PD + 1 * 8,
          CPU1_STACK | PTE_PAT_L | PTE_NX | PTE_PS | PTE_P | PTE_RW);
    for (uint64_t i = 1; i < 512; i++) /* PT slot 0: the guard page */
        put64(PT + i * 8, (CPU0_STACK + i * PG) | PTE_NX | PTE_P | PTE_RW);
    fill(CPU0_STACK, STACK_SIZE, 6);
    fill(CPU1_STACK, STACK_SIZE, 7);
}

/* ---- the callbacks ------------------------------------------------------- */

static struct {
    uint64_t bad_start, bad_size; /* reads touching it fail */
    unsigned int fail_after;      /* ... from this read of it on (0: 1st) */
    unsigned int bad_reads;
    unsigned int reads;
} rd_ctl;

static struct {
    uint8_t *buf;
    size_t len, cap;
    unsigned int calls;
} out;

static bool fake_read(void *ctx, kxl_maddr_t at, void *buf, uint64_t len)
{
    uint64_t maddr = kxl_maddr_val(at);

    ck_assert_ptr_eq(ctx, &rd_ctl);
    ck_assert_uint_gt(len, 0);
    rd_ctl.reads++;
    if (maddr + len < maddr || maddr + len > MEM_SIZE)
        return false;
    if (rd_ctl.bad_size && maddr < rd_ctl.bad_start + rd_ctl.bad_size &&
        rd_ctl.bad_start < maddr + len &&
        rd_ctl.bad_reads++ >= rd_ctl.fail_after)
        return false;
    memcpy(buf, mem + maddr, len);
    return true;
}

static void fake_write(void *ctx, const void *buf, uint64_t len)
{
    ck_assert_ptr_eq(ctx, &rd_ctl);
    if (out.len + len > out.cap) {
        out.cap = (out.len + len) * 2;
        out.buf = realloc(out.buf, out.cap);
        ck_assert_ptr_nonnull(out.buf);
    }
    memcpy(out.buf + out.len, buf, len);
    out.len += len;
    out.calls++;
}

static const struct vmcore_src src = { fake_read, fake_write, &rd_ctl };

static struct vmcore_req base_req(void)
{
    return (struct vmcore_req){
        .notes = notes3,
        .nr_notes = 3,
        .nr_cpus = 2,
        .hv_paddr = { HV_PADDR },
        .hv_size = HV_SIZE,
        .max_image = 4ull << 20,
        .hv_virt = HV_VIRT,
        .directmap_virt = DMAP,
        .vmcoreinfo = vmcoreinfo_text,
        .vmcoreinfo_len = sizeof(vmcoreinfo_text) - 1,
    };
}

static int run(const struct vmcore_req *req, struct vmcore_result *res)
{
    memset(&rd_ctl.reads, 0, sizeof(rd_ctl.reads));
    out.len = 0;
    out.calls = 0;
    memset(res, 0xa5, sizeof(*res)); /* the writer must set it all */
    return vmcore_stream(req, &src, res);
}

static void setup(void)
{
    machine_setup();
    memset(&rd_ctl, 0, sizeof(rd_ctl));
}

static void teardown(void)
{
    free(mem);
    mem = NULL;
    free(out.buf);
    memset(&out, 0, sizeof(out));
}

/* ---- reading the core back ------------------------------------------------- */

static struct elfcore_phdr phdr(unsigned int i)
{
    struct elfcore_phdr ph;

    ck_assert_uint_le(64 + 56 * (i + 1), out.len);
    memcpy(&ph, out.buf + 64 + 56 * i, sizeof(ph));
    return ph;
}

/* The ELF header, and the program headers' table inside the file. */
static unsigned int check_ehdr(void)
{
    struct elfcore_ehdr eh;

    ck_assert_uint_ge(out.len, 64);
    memcpy(&eh, out.buf, sizeof(eh));
    ck_assert_mem_eq(eh.e_ident,
                     "\x7f"
                     "ELF\x02\x01\x01\x00",
                     8);
    for (unsigned int i = 8; i < 16; i++)
        ck_assert_uint_eq(eh.e_ident[i], 0);
    ck_assert_uint_eq(eh.e_type, ELFCORE_ET_CORE);
    ck_assert_uint_eq(eh.e_machine, ELFCORE_EM_X86_64);
    ck_assert_uint_eq(eh.e_version, 1);
    ck_assert_uint_eq(eh.e_entry, 0);
    ck_assert_uint_eq(eh.e_phoff, 64);
    ck_assert_uint_eq(eh.e_shoff, 0);
    ck_assert_uint_eq(eh.e_shnum, 0);
    ck_assert_uint_eq(eh.e_ehsize, 64);
    ck_assert_uint_eq(eh.e_phentsize, 56);
    ck_assert_uint_le(64 + 56ull * eh.e_phnum, out.len);
    return eh.e_phnum;
}

/* Every PT_LOAD's file bytes are memory's at p_paddr, the rest zero. */
static void check_loads(unsigned int phnum)
{
    for (unsigned int i = 0; i < phnum; i++) {
        struct elfcore_phdr ph = phdr(i);

        if (ph.p_type != ELFCORE_PT_LOAD)
            continue;
        ck_assert_uint_eq(ph.p_align, PG);
        ck_assert_uint_le(ph.p_filesz, ph.p_memsz);
        ck_assert_uint_le(ph.p_offset + ph.p_filesz, out.len);
        ck_assert_uint_le(ph.p_paddr + ph.p_memsz, MEM_SIZE);
        ck_assert_msg(!memcmp(out.buf + ph.p_offset, mem + ph.p_paddr,
                              ph.p_filesz),
                      "PT_LOAD %u: file bytes at %#lx are not memory's at "
                      "%#lx",
                      i, (unsigned long)ph.p_offset, (unsigned long)ph.p_paddr);
        for (uint64_t b = ph.p_filesz; b < ph.p_memsz; b++)
            ck_assert_msg(!mem[ph.p_paddr + b],
                          "PT_LOAD %u: byte %#lx past "
                          "p_filesz is not zero in memory",
                          i, (unsigned long)b);
    }
}

struct want {
    uint64_t vaddr, paddr, filesz, memsz;
};

static void check_load(unsigned int i, uint32_t flags, uint64_t offset,
                       const struct want *w)
{
    struct elfcore_phdr ph = phdr(i);

    ck_assert_msg(ph.p_type == ELFCORE_PT_LOAD && ph.p_flags == flags &&
                      ph.p_offset == offset && ph.p_vaddr == w->vaddr &&
                      ph.p_paddr == w->paddr && ph.p_filesz == w->filesz &&
                      ph.p_memsz == w->memsz,
                  "phdr %u: got type %u flags %u offset %#lx vaddr %#lx "
                  "paddr %#lx filesz %#lx memsz %#lx, want flags %u offset "
                  "%#lx vaddr %#lx paddr %#lx filesz %#lx memsz %#lx",
                  i, ph.p_type, ph.p_flags, (unsigned long)ph.p_offset,
                  (unsigned long)ph.p_vaddr, (unsigned long)ph.p_paddr,
                  (unsigned long)ph.p_filesz, (unsigned long)ph.p_memsz, flags,
                  (unsigned long)offset, (unsigned long)w->vaddr,
                  (unsigned long)w->paddr, (unsigned long)w->filesz,
                  (unsigned long)w->memsz);
}

/* ---- the whole file ------------------------------------------------------------ */

START_TEST(test_layout)
{
    const struct vmcore_req req = base_req();
    const uint32_t rwx = ELFCORE_PF_R | ELFCORE_PF_W | ELFCORE_PF_X;
    const uint32_t rw = ELFCORE_PF_R | ELFCORE_PF_W;
    /* data data | zero ; data | zero zero */
    const struct want image[2] = {
        { HV_VIRT, HV_PADDR, 2 * PG, 3 * PG },
        { HV_VIRT + 3 * PG, HV_PADDR + 3 * PG, PG, 3 * PG },
    };
    /* CPU 0's block less its guard page; CPU 1's 2 MiB page */
    const struct want stacks[2] = {
        { STACKS + PG, CPU0_STACK + PG, STACK_SIZE - PG, STACK_SIZE - PG },
        { STACKS + STACK_SIZE, CPU1_STACK, STACK_SIZE, STACK_SIZE },
    };
    const uint64_t notes = 200 + 356 + 0x2f4;
    const uint64_t note_off = 64 + 56 * 7;
    const uint64_t load_off = (note_off + notes + PG - 1) & ~(PG - 1);
    struct vmcore_result res;
    struct elfcore_phdr ph;
    uint64_t off;

    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(check_ehdr(), 7);
    ck_assert_uint_eq(res.nr_phdrs, 7);
    ck_assert_uint_eq(res.nr_image_runs, 2);
    ck_assert_uint_eq(res.nr_stack_runs, 2);
    ck_assert_uint_eq(res.notes_bytes, notes);
    ck_assert_uint_eq(res.image_bytes, 3 * PG);
    ck_assert_uint_eq(res.stack_pages, 2 * STACK_SIZE / PG - 1);
    ck_assert_uint_eq(res.stacks_virt, STACKS);

    /* one PT_NOTE, the notes in the caller's order, then zeros to a page */
    ph = phdr(0);
    ck_assert_uint_eq(ph.p_type, ELFCORE_PT_NOTE);
    ck_assert_uint_eq(ph.p_offset, note_off);
    ck_assert_uint_eq(ph.p_filesz, notes);
    ck_assert_uint_eq(ph.p_memsz, notes);
    ck_assert_uint_eq(ph.p_vaddr, 0);
    ck_assert_uint_eq(ph.p_paddr, 0);
    ck_assert_uint_eq(ph.p_align, 4);
    off = note_off;
    for (unsigned int i = 0; i < 3; i++) {
        ck_assert_mem_eq(out.buf + off, mem + kxl_maddr_val(notes3[i].maddr),
                         notes3[i].size);
        off += notes3[i].size;
    }
    for (; off < load_off; off++)
        ck_assert_uint_eq(out.buf[off], 0);

    /* the image twice: link address, then direct map; the same offsets */
    off = load_off;
    for (unsigned int i = 0; i < 2; i++) {
        struct want dm = image[i];

        dm.vaddr = DMAP + image[i].paddr;
        check_load(1 + i, rwx, off, &image[i]);
        check_load(3 + i, rwx, off, &dm);
        off += image[i].filesz;
    }
    for (unsigned int i = 0; i < 2; i++) {
        check_load(5 + i, rw, off, &stacks[i]);
        off += stacks[i].filesz;
    }
    ck_assert_uint_eq(off, out.len);
    check_loads(7);

    ck_assert_uint_eq(res.bytes, out.len);
    ck_assert_uint_eq(res.crc32, kxl_crc32(0, out.buf, out.len));
}
END_TEST

/* The bytes are the same whatever the chunks: written once more, equal. */
START_TEST(test_repeatable)
{
    const struct vmcore_req req = base_req();
    struct vmcore_result res1, res2;
    uint8_t *first;
    size_t len;

    ck_assert_int_eq(run(&req, &res1), VMCORE_OK);
    len = out.len;
    first = malloc(len);
    ck_assert_ptr_nonnull(first);
    memcpy(first, out.buf, len);
    ck_assert_int_eq(run(&req, &res2), VMCORE_OK);
    ck_assert_uint_eq(out.len, len);
    ck_assert_mem_eq(out.buf, first, len);
    ck_assert_uint_eq(res1.crc32, res2.crc32);
    free(first);
}
END_TEST

START_TEST(test_max_image)
{
    struct vmcore_req req = base_req();
    struct vmcore_result res;
    struct elfcore_phdr ph;

    /* two data pages and a half: one run, its file bytes to the end */
    req.max_image = 2 * PG + PG / 2;
    req.hv_size = HV_SIZE;
    mem[HV_PADDR + 2 * PG + 7] = 1;
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(check_ehdr(), 1 + 2 + 2);
    ck_assert_uint_eq(res.nr_image_runs, 1);
    ph = phdr(1);
    ck_assert_uint_eq(ph.p_filesz, 2 * PG + PG / 2);
    ck_assert_uint_eq(ph.p_memsz, 2 * PG + PG / 2);
    check_loads(5);

    /* max_image 0: all of it */
    mem[HV_PADDR + 2 * PG + 7] = 0;
    req.max_image = 0;
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(res.nr_image_runs, 2);
    ph = phdr(2);
    ck_assert_uint_eq(ph.p_paddr + ph.p_memsz, HV_PADDR + HV_SIZE);
}
END_TEST

/* More runs than program headers for them: the last takes the rest. */
START_TEST(test_many_runs)
{
    struct vmcore_req req = base_req();
    const uint64_t pages = 2 * VMCORE_MAX_RUNS + 20;
    struct vmcore_result res;
    struct elfcore_phdr last;
    unsigned int phnum;

    req.hv_size = pages * PG;
    memset(mem + HV_PADDR, 0, pages * PG);
    for (uint64_t p = 0; p < pages; p += 2)
        fill(HV_PADDR + p * PG, PG, (uint32_t)p);
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(res.nr_image_runs, VMCORE_MAX_RUNS);
    phnum = check_ehdr();
    ck_assert_uint_eq(phnum, 1 + 2 * VMCORE_MAX_RUNS + 2);
    last = phdr(VMCORE_MAX_RUNS);
    ck_assert_uint_eq(last.p_vaddr, HV_VIRT + 2 * (VMCORE_MAX_RUNS - 1) * PG);
    ck_assert_uint_eq(last.p_paddr + last.p_memsz, HV_PADDR + pages * PG);
    ck_assert_uint_eq(last.p_filesz, last.p_memsz);
    ck_assert_uint_eq(phdr(1).p_filesz, PG);
    ck_assert_uint_eq(phdr(1).p_memsz, 2 * PG);
    check_loads(phnum);
    ck_assert_uint_eq(res.crc32, kxl_crc32(0, out.buf, out.len));
}
END_TEST

/* A 1 GiB leaf, and a stack page the caller cannot read: left out. */
START_TEST(test_1g_leaf_and_unreadable_page)
{
    struct vmcore_req req = base_req();
    struct vmcore_result res;
    struct elfcore_phdr ph;

    /* CPU 1's block through a 1 GiB leaf at machine 0: STACKS + 2 MiB is
     * 2 MiB into it, i.e. machine 0x200000 .. 0x400000 */
    put64(PDPT + ((STACKS >> 30) & 511) * 8, 0 | PTE_PS | PTE_P | PTE_RW);
    req.nr_cpus = 2;
    rd_ctl.bad_start = 0x300000;
    rd_ctl.bad_size = PG;
    rd_ctl.fail_after = 0;
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(res.nr_stack_runs, 2);
    ck_assert_uint_eq(res.stack_pages, 2 * STACK_SIZE / PG - 1);
    ph = phdr(1 + 4);
    ck_assert_uint_eq(ph.p_vaddr, STACKS);
    ck_assert_uint_eq(ph.p_paddr, 0);
    ck_assert_uint_eq(ph.p_filesz, 0x300000);
    ph = phdr(1 + 4 + 1);
    ck_assert_uint_eq(ph.p_vaddr, STACKS + 0x301000);
    ck_assert_uint_eq(ph.p_paddr, 0x301000);
    ck_assert_uint_eq(ph.p_filesz, 0x400000 - 0x301000);
    check_loads(7);
}
END_TEST

/* ---- errors ---------------------------------------------------------------- */

START_TEST(test_bad_args)
{
    struct vmcore_req req = base_req();
    struct vmcore_note many[VMCORE_MAX_NOTES + 1];
    struct vmcore_src s = src;
    struct vmcore_result res;

    ck_assert_int_eq(vmcore_stream(&req, &src, NULL), VMCORE_EARG);
    ck_assert_int_eq(run(NULL, &res), VMCORE_EARG);
    req.nr_notes = 0;
    ck_assert_int_eq(run(&req, &res), VMCORE_EARG);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(res.bytes, 0);
    req = base_req();
    req.notes = NULL;
    ck_assert_int_eq(run(&req, &res), VMCORE_EARG);
    for (unsigned int i = 0; i <= VMCORE_MAX_NOTES; i++)
        many[i] = (struct vmcore_note){ { NOTE_A }, 4 };
    req.notes = many;
    req.nr_notes = VMCORE_MAX_NOTES + 1;
    ck_assert_int_eq(run(&req, &res), VMCORE_EARG);
    req.nr_notes = VMCORE_MAX_NOTES;
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    req = base_req();
    s.read = NULL;
    ck_assert_int_eq(vmcore_stream(&req, &s, &res), VMCORE_EARG);
    s = src;
    s.write = NULL;
    ck_assert_int_eq(vmcore_stream(&req, &s, &res), VMCORE_EARG);
    ck_assert_int_eq(vmcore_stream(&req, NULL, &res), VMCORE_EARG);
    /* an image whose link address range wraps */
    req.hv_virt = 0xfffffffffffff000ull;
    ck_assert_int_eq(run(&req, &res), VMCORE_EARG);
    ck_assert_uint_eq(out.len, 0);
}
END_TEST

static int with_vmcoreinfo(const char *text, struct vmcore_result *res)
{
    struct vmcore_req req = base_req();

    req.vmcoreinfo = text;
    req.vmcoreinfo_len = strlen(text);
    return run(&req, res);
}

START_TEST(test_vmcoreinfo)
{
    struct vmcore_result res;
    struct vmcore_req req = base_req();

    /* each number missing in turn */
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(pgtable_maddr)=1000\n",
                        &res),
        VMCORE_EVMCOREINFO);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_int_eq(with_vmcoreinfo("NUMBER(STACK_SIZE)=2097152\n"
                                     "NUMBER(pgtable_maddr)=1000\n",
                                     &res),
                     VMCORE_EVMCOREINFO);
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=2097152\n",
                        &res),
        VMCORE_EVMCOREINFO);
    /* not at the start of a line */
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "XNUMBER(STACK_SIZE)=2097152\n"
                        "NUMBER(pgtable_maddr)=1000\n",
                        &res),
        VMCORE_EVMCOREINFO);
    /* no digits, a size of 0, not a page multiple, too many digits */
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=\n"
                        "NUMBER(pgtable_maddr)=1000\n",
                        &res),
        VMCORE_EVMCOREINFO);
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=0\n"
                        "NUMBER(pgtable_maddr)=1000\n",
                        &res),
        VMCORE_EVMCOREINFO);
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=4097\n"
                        "NUMBER(pgtable_maddr)=1000\n",
                        &res),
        VMCORE_EVMCOREINFO);
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=1ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=2097152\n"
                        "NUMBER(pgtable_maddr)=1000\n",
                        &res),
        VMCORE_EVMCOREINFO);
    ck_assert_uint_eq(out.len, 0);
    /* the length counts, not a NUL: cut before STACK_SIZE's digits */
    req.vmcoreinfo_len = (size_t)(strstr(vmcoreinfo_text, "SIZE)=") + 6 -
                                  vmcoreinfo_text);
    ck_assert_int_eq(run(&req, &res), VMCORE_EVMCOREINFO);
    /* the order of the lines does not matter; 4 KiB stacks work */
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(pgtable_maddr)=1000\n"
                        "NUMBER(STACK_SIZE)=4096\n"
                        "NUMBER(STACKS_VIRT_START)=ffff820000001000",
                        &res),
        VMCORE_OK);
    ck_assert_uint_eq(res.stack_pages, 2);
    ck_assert_uint_eq(res.stacks_virt, STACKS + PG);
}
END_TEST

START_TEST(test_read_fails)
{
    struct vmcore_req req = base_req();
    struct vmcore_note bad[2] = { { { NOTE_A }, 356 },
                                  { { MEM_SIZE - 16 }, 32 } };
    struct vmcore_result res;

    /* a note past the machine's memory: found before a byte is written */
    req.notes = bad;
    req.nr_notes = 2;
    ck_assert_int_eq(run(&req, &res), VMCORE_EREAD);
    ck_assert_uint_eq(kxl_maddr_val(res.bad_maddr), MEM_SIZE - 16);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(res.bytes, 0);

    /* an image page */
    req = base_req();
    rd_ctl.bad_start = HV_PADDR + 3 * PG + 100;
    rd_ctl.bad_size = 1;
    ck_assert_int_eq(run(&req, &res), VMCORE_EREAD);
    ck_assert_uint_eq(kxl_maddr_val(res.bad_maddr), HV_PADDR + 3 * PG);
    ck_assert_uint_eq(out.len, 0);

    /* a stack page that worked while planning, not while streaming: the
     * prefix written is counted and its CRC-32 given */
    rd_ctl.bad_start = CPU1_STACK + 5 * PG;
    rd_ctl.bad_size = PG;
    rd_ctl.bad_reads = 0;
    rd_ctl.fail_after = 1;
    ck_assert_int_eq(run(&req, &res), VMCORE_EREAD);
    ck_assert_uint_eq(kxl_maddr_val(res.bad_maddr), CPU1_STACK + 5 * PG);
    ck_assert_uint_gt(out.len, 0);
    ck_assert_uint_eq(res.bytes, out.len);
    ck_assert_uint_eq(res.crc32, kxl_crc32(0, out.buf, out.len));
    /* everything up to CPU 1's sixth stack page */
    ck_assert_uint_eq(out.len, phdr(6).p_offset + 5 * PG);
}
END_TEST

START_TEST(test_no_stacks)
{
    struct vmcore_req req = base_req();
    struct vmcore_result res;

    /* page tables that map nothing there */
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=2097152\n"
                        "NUMBER(pgtable_maddr)=5000\n",
                        &res),
        VMCORE_ESTACKS);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(res.stack_pages, 0);
    /* a root past the machine's memory */
    ck_assert_int_eq(
        with_vmcoreinfo("NUMBER(STACKS_VIRT_START)=ffff820000000000\n"
                        "NUMBER(STACK_SIZE)=2097152\n"
                        "NUMBER(pgtable_maddr)=100000000\n",
                        &res),
        VMCORE_ESTACKS);
    /* no CPUs */
    req.nr_cpus = 0;
    ck_assert_int_eq(run(&req, &res), VMCORE_ESTACKS);
    ck_assert_uint_eq(out.len, 0);
    /* only the guard page */
    req.nr_cpus = 2;
    put64(PD + 1 * 8, 0);
    for (uint64_t i = 1; i < 512; i++)
        put64(PT + i * 8, 0);
    ck_assert_int_eq(run(&req, &res), VMCORE_ESTACKS);
    /* one page back */
    put64(PT + 9 * 8, (CPU0_STACK + 9 * PG) | PTE_P);
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(res.stack_pages, 1);
}
END_TEST

START_TEST(test_too_many_stack_runs)
{
    struct vmcore_req req = base_req();
    struct vmcore_result res;

    /* every other page of CPU 0's block mapped: 255 runs */
    put64(PD + 1 * 8, 0);
    for (uint64_t i = 1; i < 512; i++)
        put64(PT + i * 8, i % 2 ? 0 : (CPU0_STACK + i * PG) | PTE_P);
    ck_assert_int_eq(run(&req, &res), VMCORE_ESTACKS);
    ck_assert_uint_eq(out.len, 0);
    /* VMCORE_MAX_STACK_RUNS - 1 lone pages: as many runs, within the
     * limit */
    for (uint64_t i = 1; i < 512; i++)
        put64(PT + i * 8, i < 2 * VMCORE_MAX_STACK_RUNS && !(i % 2)
                              ? (CPU0_STACK + i * PG) | PTE_P
                              : 0);
    ck_assert_int_eq(run(&req, &res), VMCORE_OK);
    ck_assert_uint_eq(res.nr_stack_runs, VMCORE_MAX_STACK_RUNS - 1);
}
END_TEST

START_TEST(test_strerror)
{
    ck_assert_ptr_nonnull(strstr(vmcore_strerror(VMCORE_OK), "VMCORE_OK"));
    ck_assert_ptr_nonnull(strstr(vmcore_strerror(VMCORE_EARG), "EARG"));
    ck_assert_ptr_nonnull(strstr(vmcore_strerror(VMCORE_EREAD), "EREAD"));
    ck_assert_ptr_nonnull(
        strstr(vmcore_strerror(VMCORE_EVMCOREINFO), "EVMCOREINFO"));
    ck_assert_ptr_nonnull(strstr(vmcore_strerror(VMCORE_ESTACKS), "ESTACKS"));
    ck_assert_ptr_nonnull(vmcore_strerror(-99));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vmcore-stream");
    TCase *tc = tcase_create("vmcore");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_repeatable);
    tcase_add_test(tc, test_max_image);
    tcase_add_test(tc, test_many_runs);
    tcase_add_test(tc, test_1g_leaf_and_unreadable_page);
    tcase_add_test(tc, test_bad_args);
    tcase_add_test(tc, test_vmcoreinfo);
    tcase_add_test(tc, test_read_fails);
    tcase_add_test(tc, test_no_stacks);
    tcase_add_test(tc, test_too_many_stack_runs);
    tcase_add_test(tc, test_strerror);
    suite_add_tcase(s, tc);
    return harness_run(s);
}

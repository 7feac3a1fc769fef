/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elfcore_build() (tools/kexec-loader/elfcore.c) with the notes, the
 * memory map, the crash region, the hypervisor image and the buffer size
 * from the input.  Oracle, written from elfcore.h: a header it builds
 * reads back as an ELF64 core (identity, sizes, program headers inside
 * the buffer and nothing written past res->size), its PT_NOTEs are the
 * request's in order, its RAM PT_LOADs are sorted, apart (merged when
 * touching), off the crash region, inside the map's RAM and covering
 * every RAM byte outside the crash region, and the hypervisor's is as
 * asked; a refusal is the documented one for what was asked.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../tools/kexec-loader/elfcore.h"
#include "fuzz.h"

#define MAXN  (ELFCORE_MAX_NOTES + 2)
#define MAXM  (ELFCORE_MAX_MEM + 2)
#define BUFSZ (64 + 56 * (MAXN + 2 * MAXM + 2) + 64)

/* An address: small and page-grained mostly, raw when bit 7 says. */
static uint64_t fz_where(struct fz *f)
{
    uint64_t c = fz_take(f, 1);

    if (c & 0x80)
        return fz_take(f, 8);
    return ((c & 0x7f) << 24) + fz_take(f, 2) * 4096;
}

static bool wraps(uint64_t a, uint64_t n)
{
    return n > UINT64_MAX - a;
}

/* Is byte a inside one of the RAM PT_LOADs? */
static bool covered(const struct elfcore_phdr *ph, uint32_t from, uint32_t to,
                    uint64_t a)
{
    for (uint32_t i = from; i < to; i++)
        if (a >= ph[i].p_paddr && a - ph[i].p_paddr < ph[i].p_memsz)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[BUFSZ];
    static struct elfcore_range notes[MAXN];
    static struct elfcore_mem mem[MAXM];
    struct fz f = { data, size, 0 };
    struct elfcore_req req = { 0 };
    struct elfcore_result res;
    const struct elfcore_ehdr *eh = (const void *)buf;
    const struct elfcore_phdr *ph = (const void *)(buf + 64);
    uint32_t nn = fz_take(&f, 1) % (MAXN + 1), nm = fz_take(&f, 1) % (MAXM + 1);
    unsigned int how = fz_take(&f, 1);
    bool bad_range = false;
    uint64_t cs, ce;
    size_t cap;
    int rc;

    for (uint32_t i = 0; i < nn; i++) {
        notes[i].start = kxl_maddr(fz_where(&f));
        notes[i].size = fz_take(&f, 1) & 1 ? fz_take(&f, 8) : fz_take(&f, 2);
        bad_range |= !notes[i].size ||
                     wraps(kxl_maddr_val(notes[i].start), notes[i].size);
    }
    for (uint32_t i = 0; i < nm; i++) {
        unsigned int t = fz_take(&f, 1);

        mem[i].addr = fz_where(&f);
        mem[i].size = t & 0x80 ? fz_take(&f, 8) : fz_take(&f, 3) * 4096;
        mem[i].type = t & 0x40 ? t % 6 : ELFCORE_MEM_RAM;
        mem[i].pad = 0;
    }
    req.notes = (how & 1) && !nn ? NULL : notes;
    req.nr_notes = nn;
    req.mem = (how & 2) && !nm ? NULL : mem;
    req.nr_mem = nm;
    req.crash_start = kxl_maddr(fz_where(&f));
    req.crash_size = fz_take(&f, 3) * 4096;
    req.hv_start = kxl_maddr(fz_where(&f));
    req.hv_size = how & 4 ? fz_take(&f, 8) : fz_take(&f, 1) * 4096;

    /* ask for the size first, as a loader does */
    rc = elfcore_build(&req, NULL, 0, &res);
    cap = how & 8 ? fz_take(&f, 2) % BUFSZ : BUFSZ;
    if (rc == ELFCORE_E2BIG)
        cap = how & 0x10 ? (res.size <= BUFSZ ? res.size : BUFSZ) : cap;
    memset(buf, 0xee, sizeof(buf));
    rc = elfcore_build(&req, buf, cap, &res);
    if (fz_verbose())
        fprintf(stderr,
                "fuzz-elfcore: %u notes, %u mem, cap %zu: %s, "
                "%u phdrs\n",
                nn, nm, cap, elfcore_strerror(rc), rc ? 0 : res.nr_phdrs);

    if (nn > ELFCORE_MAX_NOTES || nm > ELFCORE_MAX_MEM) {
        FZ_CHECK(rc == ELFCORE_EARG, "too many notes/ranges: %d", rc);
        return 0;
    }
    FZ_CHECK(rc != ELFCORE_EARG, "EARG for a request within the limits");
    if (rc == ELFCORE_ERANGE) {
        for (uint32_t i = 0; i < nm; i++)
            bad_range |= mem[i].type == ELFCORE_MEM_RAM &&
                         (wraps(mem[i].addr, mem[i].size) ||
                          wraps(ELFCORE_DIRECTMAP_VIRT,
                                mem[i].addr + mem[i].size));
        bad_range |= req.hv_size &&
                     (wraps(kxl_maddr_val(req.hv_start), req.hv_size) ||
                      wraps(ELFCORE_HV_VIRT, req.hv_size));
        bad_range |= wraps(kxl_maddr_val(req.crash_start), req.crash_size);
        FZ_CHECK(bad_range, "ERANGE with every range sound");
        return 0;
    }
    FZ_CHECK(!bad_range, "a bad note accepted (%d)", rc);
    FZ_CHECK(res.size == 64 + 56ULL * res.nr_phdrs, "size %lu for %u phdrs",
             (unsigned long)res.size, res.nr_phdrs);
    if (rc == ELFCORE_E2BIG) {
        FZ_CHECK(res.size > cap, "E2BIG with %lu <= %zu",
                 (unsigned long)res.size, cap);
        for (size_t i = 0; i < sizeof(buf); i++)
            FZ_CHECK(buf[i] == 0xee, "E2BIG wrote byte %zu", i);
        return 0;
    }
    FZ_CHECK(rc == 0, "result %d", rc);
    FZ_CHECK(res.size <= cap, "%lu bytes in a buffer of %zu",
             (unsigned long)res.size, cap);
    for (size_t i = res.size; i < sizeof(buf); i++)
        FZ_CHECK(buf[i] == 0xee, "byte %zu past the header written", i);

    /* readelf's view */
    FZ_CHECK(!memcmp(eh->e_ident, "\177ELF\2\1\1", 7) &&
                 eh->e_type == ELFCORE_ET_CORE &&
                 eh->e_machine == ELFCORE_EM_X86_64 && eh->e_version == 1 &&
                 eh->e_phoff == 64 && eh->e_phentsize == 56 &&
                 eh->e_ehsize == 64 && !eh->e_shoff && !eh->e_shnum &&
                 eh->e_phnum == res.nr_phdrs,
             "bad ELF header");
    FZ_CHECK(eh->e_phoff + 56ULL * eh->e_phnum <= res.size,
             "program headers past the header");
    FZ_CHECK(res.nr_phdrs == res.nr_notes + res.nr_ram + res.nr_hv &&
                 res.nr_notes == nn && res.nr_hv == (req.hv_size != 0),
             "counts %u = %u + %u + %u", res.nr_phdrs, res.nr_notes, res.nr_ram,
             res.nr_hv);
    for (uint32_t i = 0; i < nn; i++)
        FZ_CHECK(ph[i].p_type == ELFCORE_PT_NOTE &&
                     ph[i].p_offset == kxl_maddr_val(notes[i].start) &&
                     ph[i].p_paddr == kxl_maddr_val(notes[i].start) &&
                     ph[i].p_filesz == notes[i].size &&
                     ph[i].p_memsz == notes[i].size,
                 "note %u", i);

    cs = kxl_maddr_val(req.crash_start);
    ce = cs + req.crash_size;
    for (uint32_t i = nn; i < nn + res.nr_ram; i++) {
        const struct elfcore_phdr *p = &ph[i];
        bool in_ram = false;

        FZ_CHECK(p->p_type == ELFCORE_PT_LOAD && p->p_memsz &&
                     p->p_filesz == p->p_memsz && p->p_offset == p->p_paddr &&
                     p->p_vaddr == ELFCORE_DIRECTMAP_VIRT + p->p_paddr &&
                     p->p_flags == 7,
                 "RAM PT_LOAD %u fields", i);
        FZ_CHECK(i == nn || p->p_paddr > ph[i - 1].p_paddr + ph[i - 1].p_memsz,
                 "PT_LOAD %u: not sorted, or overlaps or "
                 "touches the one before",
                 i);
        FZ_CHECK(!req.crash_size || p->p_paddr + p->p_memsz <= cs ||
                     p->p_paddr >= ce,
                 "PT_LOAD %u over the crash region", i);
        /* inside the union of the RAM entries: its ends are */
        for (uint32_t k = 0; k < nm; k++)
            in_ram |= mem[k].type == ELFCORE_MEM_RAM &&
                      p->p_paddr >= mem[k].addr &&
                      p->p_paddr - mem[k].addr < mem[k].size;
        FZ_CHECK(in_ram, "PT_LOAD %u starts outside RAM", i);
    }
    /* every RAM entry's first and last byte outside the crash region */
    for (uint32_t k = 0; k < nm; k++) {
        uint64_t ends[2] = { mem[k].addr, mem[k].addr + mem[k].size - 1 };

        if (mem[k].type != ELFCORE_MEM_RAM || !mem[k].size)
            continue;
        for (unsigned int j = 0; j < 2; j++)
            FZ_CHECK((req.crash_size && ends[j] >= cs && ends[j] < ce) ||
                         covered(ph, nn, nn + res.nr_ram, ends[j]),
                     "RAM byte %#lx of entry %u not dumped",
                     (unsigned long)ends[j], k);
    }
    if (req.hv_size) {
        const struct elfcore_phdr *p = &ph[nn + res.nr_ram];

        FZ_CHECK(p->p_type == ELFCORE_PT_LOAD &&
                     p->p_paddr == kxl_maddr_val(req.hv_start) &&
                     p->p_offset == kxl_maddr_val(req.hv_start) &&
                     p->p_vaddr == ELFCORE_HV_VIRT &&
                     p->p_filesz == req.hv_size && p->p_memsz == req.hv_size,
                 "the hypervisor's PT_LOAD");
    }
    return 0;
}

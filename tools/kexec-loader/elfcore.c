/* SPDX-License-Identifier: MIT */
/*
 * elfcore: the ELF core header for a crash image.  See elfcore.h for the
 * layout; this file builds it in three steps: the checks, the RAM pieces
 * (the memory map minus the crash region, sorted and merged), the header.
 */
#include "elfcore.h"
#include "kxl-bytes.h"

#define PHDR_SIZE ((uint64_t)sizeof(struct elfcore_phdr))
#define EHDR_SIZE ((uint64_t)sizeof(struct elfcore_ehdr))

void elfcore_fill_ehdr(struct elfcore_ehdr *eh, uint16_t phnum)
{
    kxl_zero(eh, sizeof(*eh));
    eh->e_ident[0] = 0x7f;
    eh->e_ident[1] = 'E';
    eh->e_ident[2] = 'L';
    eh->e_ident[3] = 'F';
    eh->e_ident[4] = ELFCORE_ELFCLASS64;
    eh->e_ident[5] = ELFCORE_ELFDATA2LSB;
    eh->e_ident[6] = ELFCORE_EV_CURRENT;
    eh->e_type = ELFCORE_ET_CORE;
    eh->e_machine = ELFCORE_EM_X86_64;
    eh->e_version = ELFCORE_EV_CURRENT;
    eh->e_phoff = EHDR_SIZE;
    eh->e_ehsize = (uint16_t)EHDR_SIZE;
    eh->e_phentsize = (uint16_t)PHDR_SIZE;
    eh->e_phnum = phnum;
}

const char *elfcore_strerror(int err)
{
    switch (err) {
    /* clang-format off */
    case ELFCORE_OK:     return "ELFCORE_OK: success";
    case ELFCORE_EARG:   return "ELFCORE_EARG: bad request";
    case ELFCORE_ERANGE: return "ELFCORE_ERANGE: empty note or range that wraps";
    case ELFCORE_E2BIG:  return "ELFCORE_E2BIG: the header does not fit the buffer";
    default:             return "ELFCORE_E?: unknown error";
        /* clang-format on */
    }
}

/* Does [start, start + size) wrap, or its virtual alias at base + start? */
static int wraps(uint64_t start, uint64_t size, uint64_t base)
{
    uint64_t end = start + size;

    if (end < start)
        return 1;
    return base && (base + start < base || base + end < base + start);
}

/* ---- RAM pieces --------------------------------------------------------- */

struct piece {
    uint64_t start, end; /* [start, end) */
};

/* Add [s, e) to the sorted, disjoint list p[0 .. *n-1], merging. */
static void add_piece(struct piece *p, uint32_t *n, uint64_t s, uint64_t e)
{
    uint32_t i, j;

    if (s >= e)
        return;
    /* insert in start order */
    for (i = *n; i > 0 && p[i - 1].start > s; i--)
        p[i] = p[i - 1];
    p[i].start = s;
    p[i].end = e;
    (*n)++;
    /* merge every overlapping or touching neighbour into one */
    for (i = 0, j = 1; j < *n; j++) {
        if (p[j].start <= p[i].end) {
            if (p[j].end > p[i].end)
                p[i].end = p[j].end;
        } else {
            p[++i] = p[j];
        }
    }
    *n = i + 1;
}

/* The RAM of the map, without the crash region.  Returns the count. */
static uint32_t ram_pieces(const struct elfcore_req *req, struct piece *p)
{
    uint64_t cs = kxl_maddr_val(req->crash_start), ce = cs + req->crash_size;
    uint32_t n = 0;

    for (uint32_t i = 0; i < req->nr_mem; i++) {
        const struct elfcore_mem *m = &req->mem[i];
        uint64_t s = m->addr, e = m->addr + m->size;

        if (m->type != ELFCORE_MEM_RAM || !m->size)
            continue;
        if (!req->crash_size || e <= cs || s >= ce) {
            add_piece(p, &n, s, e);
            continue;
        }
        if (s < cs)
            add_piece(p, &n, s, cs);
        if (e > ce)
            add_piece(p, &n, ce, e);
    }
    return n;
}

/* ---- the header --------------------------------------------------------- */

static void put_phdr(uint8_t *at, uint32_t type, uint32_t flags,
                     kxl_maddr_t paddr, uint64_t vaddr, uint64_t size)
{
    struct elfcore_phdr ph;

    ph.p_type = type;
    ph.p_flags = flags;
    ph.p_offset = kxl_maddr_val(paddr);
    ph.p_vaddr = vaddr;
    ph.p_paddr = kxl_maddr_val(paddr);
    ph.p_filesz = size;
    ph.p_memsz = size;
    ph.p_align = 0;
    kxl_copy(at, &ph, sizeof(ph));
}

int elfcore_build(const struct elfcore_req *req, void *buf, size_t cap,
                  struct elfcore_result *res)
{
    /* every RAM entry can be split in two by the crash region */
    struct piece pieces[2 * ELFCORE_MAX_MEM];
    const uint32_t rwx = ELFCORE_PF_R | ELFCORE_PF_W | ELFCORE_PF_X;
    struct elfcore_ehdr eh;
    uint32_t nr_ram, nr_hv;
    uint8_t *out = buf, *ph;

    if (!res)
        return ELFCORE_EARG;
    kxl_zero(res, sizeof(*res));
    if (!req || (req->nr_notes && !req->notes) || (req->nr_mem && !req->mem) ||
        req->nr_notes > ELFCORE_MAX_NOTES || req->nr_mem > ELFCORE_MAX_MEM ||
        (cap && !buf))
        return ELFCORE_EARG;

    for (uint32_t i = 0; i < req->nr_notes; i++)
        if (!req->notes[i].size ||
            wraps(kxl_maddr_val(req->notes[i].start), req->notes[i].size, 0))
            return ELFCORE_ERANGE;
    for (uint32_t i = 0; i < req->nr_mem; i++)
        if (req->mem[i].type == ELFCORE_MEM_RAM &&
            wraps(req->mem[i].addr, req->mem[i].size, ELFCORE_DIRECTMAP_VIRT))
            return ELFCORE_ERANGE;
    if (wraps(kxl_maddr_val(req->crash_start), req->crash_size, 0))
        return ELFCORE_ERANGE;
    /* the image's offsets are added to the link address */
    if (req->hv_size && (wraps(kxl_maddr_val(req->hv_start), req->hv_size, 0) ||
                         wraps(0, req->hv_size, ELFCORE_HV_VIRT)))
        return ELFCORE_ERANGE;

    nr_ram = ram_pieces(req, pieces);
    nr_hv = req->hv_size ? 1 : 0;
    res->nr_notes = req->nr_notes;
    res->nr_ram = nr_ram;
    res->nr_hv = nr_hv;
    res->nr_phdrs = req->nr_notes + nr_ram + nr_hv;
    res->size = EHDR_SIZE + PHDR_SIZE * res->nr_phdrs;
    if (res->size > cap)
        return ELFCORE_E2BIG;

    elfcore_fill_ehdr(&eh, (uint16_t)res->nr_phdrs);
    kxl_copy(out, &eh, sizeof(eh));

    ph = out + EHDR_SIZE;
    for (uint32_t i = 0; i < req->nr_notes; i++, ph += PHDR_SIZE)
        put_phdr(ph, ELFCORE_PT_NOTE, 0, req->notes[i].start, 0,
                 req->notes[i].size);
    for (uint32_t i = 0; i < nr_ram; i++, ph += PHDR_SIZE)
        put_phdr(ph, ELFCORE_PT_LOAD, rwx, kxl_maddr(pieces[i].start),
                 ELFCORE_DIRECTMAP_VIRT + pieces[i].start,
                 pieces[i].end - pieces[i].start);
    if (nr_hv)
        put_phdr(ph, ELFCORE_PT_LOAD, rwx, req->hv_start, ELFCORE_HV_VIRT,
                 req->hv_size);
    return ELFCORE_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * kexec-loader: ELF image -> kexec_op entry list.  See kexec-loader.h for
 * the contract; this file follows it section by section:
 *   1. reading the ELF (byte-wise, little endian, every bound checked);
 *   2. placing the segments and checking them against each other;
 *   3. the entry list, page by page;
 *   4. MAP entries;
 *   5. the parameter block.
 */
#include "kexec-loader.h"
#include "kxl-bytes.h"
#include "../../tests/images/kexec-params.h"

#define PG         ((uint64_t)KXL_PAGE_SIZE)
#define PG_DOWN(x) ((x) & ~(PG - 1))
#define PG_OFF(x)  ((x) & (PG - 1))

#define ET_EXEC    2
#define ET_DYN     3
#define EM_386     3
#define EM_X86_64  62
#define PT_LOAD    1
#define PN_XNUM    0xffff
#define SHN_XINDEX 0xffff

_Static_assert(KXL_MAX_UNMAPPED == KXPARAM_MAX_UNMAPPED, "unmapped list size");
_Static_assert(KXL_PAGE_SIZE == 1u << KXL_PAGE_SHIFT, "kxl-addr.h page size");

/* ---- small freestanding helpers ----------------------------------------- */

static void kxl_memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;

    while (n--)
        *d++ = (uint8_t)c;
}

/* Is [off, off + len) inside a buffer of size bytes? */
static bool in_buf(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Does [a + bytes) wrap around 2^64? */
static bool wraps(kxl_maddr_t a, uint64_t bytes)
{
    return kxl_maddr_val(a) + bytes < kxl_maddr_val(a);
}

/* Do the pages [first, end) and [first2, end2) meet? */
static bool overlaps(kxl_maddr_t first, kxl_maddr_t end, kxl_maddr_t first2,
                     kxl_maddr_t end2)
{
    return kxl_maddr_val(first) < kxl_maddr_val(end2) &&
           kxl_maddr_val(first2) < kxl_maddr_val(end);
}

/* Is [first, end) inside the request's region (if it names one)? */
static bool in_region(const struct kxl_request *req, kxl_maddr_t first,
                      kxl_maddr_t end)
{
    return !req->region_size ||
           (kxl_maddr_val(first) >= kxl_maddr_val(req->region_start) &&
            kxl_maddr_diff(end, req->region_start) <= req->region_size);
}

const char *kxl_strerror(int err)
{
    switch (err) {
    /* clang-format off */
    case KXL_OK:        return "KXL_OK: success";
    case KXL_EARG:      return "KXL_EARG: bad request";
    case KXL_ENOTELF:   return "KXL_ENOTELF: not a little-endian ELF32/ELF64 image";
    case KXL_EUNSUP:    return "KXL_EUNSUP: unsupported machine or ELF type";
    case KXL_EBADELF:   return "KXL_EBADELF: malformed ELF";
    case KXL_ENOLOAD:   return "KXL_ENOLOAD: no PT_LOAD segment";
    case KXL_ETOOMANY:  return "KXL_ETOOMANY: too many PT_LOAD segments";
    case KXL_ESHARED:   return "KXL_ESHARED: two segments share a destination page";
    case KXL_EBASE:     return "KXL_EBASE: base does not match the ET_EXEC image";
    case KXL_EADDR:     return "KXL_EADDR: destination address wraps or is out of range";
    case KXL_EREGION:   return "KXL_EREGION: destination outside the region";
    case KXL_EENTRY:    return "KXL_EENTRY: entry point inside no segment";
    case KXL_E2BIG:     return "KXL_E2BIG: more entries than the capacity";
    case KXL_EXLATE:    return "KXL_EXLATE: no machine frame for a buffer page";
    case KXL_EBOUNCE:   return "KXL_EBOUNCE: no bounce frame";
    case KXL_EMAP:      return "KXL_EMAP: bad MAP request";
    case KXL_ENOPARAMS: return "KXL_ENOPARAMS: no usable .kexec_params (or named) section";
    case KXL_EPARAMS:   return "KXL_EPARAMS: parameter block cannot describe the load";
    default:            return "KXL_E?: unknown error";
        /* clang-format on */
    }
}

/* ---- 1. reading the ELF ---------------------------------------------------- */

struct seg {
    uint64_t offset, vaddr, paddr, filesz, memsz; /* as in the file */
    kxl_maddr_t dest;                             /* where p_vaddr lands */
    kxl_maddr_t first, end;                       /* its pages: [first, end) */
};

struct elf {
    const uint8_t *buf;
    uint64_t size;
    bool is64;
    uint16_t type;
    uint64_t entry;
    unsigned int nsegs;
    struct seg segs[KXL_MAX_SEGMENTS];
    /* the ".kexec_params" section, if any */
    bool has_params;
    uint64_t params_addr, params_size, params_offset;
};

/* Field readers: (64-bit offset, 32-bit offset, 64-bit size, 32-bit size). */
#define FIELD(e, base, o64, o32, s64, s32)                                     \
    kxl_rd((e)->buf + (base) + ((e)->is64 ? (o64) : (o32)),                    \
           (e)->is64 ? (s64) : (s32))

/* The section to fill: req->section_name, else ".kexec_params". */
static int find_params(struct elf *e, uint64_t shoff, uint64_t shnum,
                       uint64_t shentsize, uint64_t shstrndx, const char *name)
{
    uint64_t want_ent = e->is64 ? 64 : 40, str_off, str_size;
    size_t name_len = 0;

    while (name[name_len])
        name_len++;
    name_len++; /* the NUL too */

    if (!shoff)
        return KXL_OK; /* no section table */
    if (shentsize != want_ent)
        return KXL_EBADELF;
    if (!in_buf(shoff, want_ent, e->size))
        return KXL_EBADELF;
    /* extended numbering: the counts live in section 0 */
    if (shnum == 0)
        shnum = FIELD(e, shoff, 32, 20, 8, 4);
    if (shstrndx == SHN_XINDEX)
        shstrndx = FIELD(e, shoff, 40, 24, 4, 4);
    if (shnum > e->size / want_ent || !in_buf(shoff, shnum * want_ent, e->size))
        return KXL_EBADELF;
    if (shstrndx == 0 || shstrndx >= shnum)
        return KXL_OK; /* no section names */
    str_off = FIELD(e, shoff + shstrndx * want_ent, 24, 16, 8, 4);
    str_size = FIELD(e, shoff + shstrndx * want_ent, 32, 20, 8, 4);
    if (!in_buf(str_off, str_size, e->size))
        return KXL_EBADELF;

    for (uint64_t i = 1; i < shnum; i++) {
        uint64_t sh = shoff + i * want_ent;
        uint64_t nm = kxl_rd(e->buf + sh, 4);

        if (nm >= str_size || str_size - nm < name_len)
            continue;
        bool same = true;
        for (size_t k = 0; k < name_len; k++) /* includes the NUL */
            if (e->buf[str_off + nm + k] != (uint8_t)name[k]) {
                same = false;
                break;
            }
        if (!same)
            continue;
        e->has_params = true;
        e->params_addr = FIELD(e, sh, 16, 12, 8, 4);
        e->params_offset = FIELD(e, sh, 24, 16, 8, 4);
        e->params_size = FIELD(e, sh, 32, 20, 8, 4);
        break;
    }
    return KXL_OK;
}

static int parse_elf(struct elf *e, const void *buf, size_t size,
                     uint32_t *where, const char *section_name)
{
    const uint8_t *b = buf;
    uint64_t phoff, phnum, phentsize, shoff, shnum, shentsize, shstrndx;
    uint64_t want_ph;
    uint16_t machine;

    e->buf = b;
    e->size = size;
    if (size < 52 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
        return KXL_ENOTELF;
    if (b[4] != 1 && b[4] != 2) /* EI_CLASS */
        return KXL_ENOTELF;
    e->is64 = b[4] == 2;
    if (b[5] != 1 || b[6] != 1) /* EI_DATA little endian, EI_VERSION */
        return KXL_ENOTELF;
    if (e->is64 && size < 64)
        return KXL_ENOTELF;
    if (kxl_rd(b + 20, 4) != 1) /* e_version */
        return KXL_ENOTELF;
    e->type = (uint16_t)kxl_rd(b + 16, 2);
    machine = (uint16_t)kxl_rd(b + 18, 2);
    if (machine != (e->is64 ? EM_X86_64 : EM_386))
        return KXL_EUNSUP;
    if (e->type != ET_EXEC && e->type != ET_DYN)
        return KXL_EUNSUP;

    e->entry = FIELD(e, 0, 24, 24, 8, 4);
    phoff = FIELD(e, 0, 32, 28, 8, 4);
    shoff = FIELD(e, 0, 40, 32, 8, 4);
    phentsize = FIELD(e, 0, 54, 42, 2, 2);
    phnum = FIELD(e, 0, 56, 44, 2, 2);
    shentsize = FIELD(e, 0, 58, 46, 2, 2);
    shnum = FIELD(e, 0, 60, 48, 2, 2);
    shstrndx = FIELD(e, 0, 62, 50, 2, 2);
    want_ph = e->is64 ? 56 : 32;

    if (phnum == PN_XNUM) {
        if (!shoff || !in_buf(shoff, e->is64 ? 64 : 40, size))
            return KXL_EBADELF;
        phnum = FIELD(e, shoff, 44, 28, 4, 4); /* sh_info of section 0 */
    }
    if (phnum && phentsize != want_ph)
        return KXL_EBADELF;
    if (!in_buf(phoff, phnum * want_ph, size))
        return KXL_EBADELF;

    e->nsegs = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        uint64_t ph = phoff + i * want_ph;
        struct seg s;

        if (kxl_rd(e->buf + ph, 4) != PT_LOAD)
            continue;
        s.offset = FIELD(e, ph, 8, 4, 8, 4);
        s.vaddr = FIELD(e, ph, 16, 8, 8, 4);
        s.paddr = FIELD(e, ph, 24, 12, 8, 4);
        s.filesz = FIELD(e, ph, 32, 16, 8, 4);
        s.memsz = FIELD(e, ph, 40, 20, 8, 4);
        if (!s.memsz)
            continue;
        *where = (uint32_t)i;
        if (s.filesz > s.memsz || !in_buf(s.offset, s.filesz, size) ||
            s.vaddr + s.memsz < s.vaddr || s.paddr + s.memsz < s.paddr)
            return KXL_EBADELF;
        if (e->nsegs == KXL_MAX_SEGMENTS)
            return KXL_ETOOMANY;
        e->segs[e->nsegs++] = s;
    }
    *where = KXL_WHERE_NONE;
    if (!e->nsegs)
        return KXL_ENOLOAD;
    return find_params(e, shoff, shnum, shentsize, shstrndx, section_name);
}

/* ---- 2. placing the segments --------------------------------------------- */

static int place(struct elf *e, const struct kxl_request *req,
                 struct kxl_result *res)
{
    uint64_t low = ~(uint64_t)0;
    kxl_maddr_t base;
    bool found_entry = false;

    if (req->by_paddr && (e->type != ET_EXEC || !e->is64))
        return KXL_EUNSUP;
    for (unsigned int i = 0; i < e->nsegs; i++)
        low = min_u64(low,
                      e->type == ET_DYN ? e->segs[i].vaddr : e->segs[i].paddr);
    low = PG_DOWN(low);
    /* ET_EXEC as linked: its p_paddr are machine addresses */
    if (req->by_paddr) {
        base = kxl_maddr_val(req->base) ? req->base : kxl_maddr(low);
    } else if (e->type == ET_EXEC) {
        if (kxl_maddr_val(req->base) && kxl_maddr_val(req->base) != low)
            return KXL_EBASE;
        base = kxl_maddr(low);
    } else {
        base = req->base;
    }
    res->base = base;

    for (unsigned int i = 0; i < e->nsegs; i++) {
        struct seg *s = &e->segs[i];
        uint64_t rel, end;

        res->where = i;
        if (e->type == ET_DYN || req->by_paddr) {
            rel = (e->type == ET_DYN ? s->vaddr : s->paddr) - low;
            if (wraps(base, rel))
                return KXL_EADDR;
            s->dest = kxl_maddr_add(base, rel);
        } else {
            s->dest = kxl_maddr(s->paddr);
        }
        if (wraps(s->dest, s->memsz))
            return KXL_EADDR;
        end = kxl_maddr_val(s->dest) + s->memsz;
        if (end + (PG - 1) < end)
            return KXL_EADDR;
        if (!e->is64 && e->type == ET_EXEC && end > (1ULL << 32))
            return KXL_EADDR;
        s->first = kxl_maddr(PG_DOWN(kxl_maddr_val(s->dest)));
        s->end = kxl_maddr(PG_DOWN(end + PG - 1));
        if (!in_region(req, s->first, s->end))
            return KXL_EREGION;
        for (unsigned int j = 0; j < i; j++)
            if (overlaps(s->first, s->end, e->segs[j].first, e->segs[j].end))
                return KXL_ESHARED;
        if (req->zero_pages &&
            overlaps(s->first, s->end, req->zero_maddr,
                     kxl_maddr_add(req->zero_maddr, req->zero_pages * PG)))
            return KXL_ESHARED;
        if (kxl_maddr_val(s->end) > kxl_maddr_val(res->image_end))
            res->image_end = s->end;
        res->placed[i] = (struct kxl_placed){ .dest = s->dest,
                                              .first = s->first,
                                              .end = s->end,
                                              .file_offset = s->offset,
                                              .filesz = s->filesz };
        {
            uint64_t at = req->by_paddr ? s->paddr : s->vaddr;

            if (!found_entry && e->entry >= at && e->entry - at < s->memsz) {
                res->entry_maddr = kxl_maddr_add(s->dest, e->entry - at);
                found_entry = true;
            }
        }
    }
    res->where = KXL_WHERE_NONE;
    if (!found_entry)
        return KXL_EENTRY;
    return KXL_OK;
}

/* ---- 3. the entry list ---------------------------------------------------- */

struct gen {
    const struct kxl_request *req;
    const struct kxl_env *env;
    struct kxl_result *res;
    struct kexec_entry *ents;
    size_t cap;
    uint64_t n;
    kxl_maddr_t dest;       /* current destination */
    bool run_open;          /* ents[n - 1] may still grow */
    kxl_mfn_t run_next_mfn; /* for COPY: the frame that would extend it */
    void *params_page;      /* bounce copy of the parameter block */
};

/* The one place an entry is written: its arguments are the wire's integers. */
static int push(struct gen *g, uint16_t op, uint64_t a0, uint64_t a1,
                uint64_t a2)
{
    if (g->n >= g->cap)
        return KXL_E2BIG;
    g->ents[g->n] = (struct kexec_entry){
        .op = op, .arg0 = a0, .arg1 = a1, .arg2 = a2
    };
    g->n++;
    return KXL_OK;
}

static int gen_dest(struct gen *g, kxl_maddr_t addr)
{
    g->run_open = false;
    g->dest = addr;
    return push(g, KEXEC_OP_DEST, kxl_maddr_val(addr), 0, 0);
}

/* A MAP request starts at this destination: a new entry must start here. */
static bool is_map_start(const struct gen *g, kxl_maddr_t dest)
{
    for (uint32_t i = 0; i < g->req->nr_maps; i++)
        if (kxl_maddr_eq(g->req->maps[i].maddr, dest))
            return true;
    return false;
}

/* One destination page: ZERO (mfn ignored) or COPY of frame mfn. */
static int gen_page(struct gen *g, uint16_t op, kxl_mfn_t mfn)
{
    struct kexec_entry *last = g->n ? &g->ents[g->n - 1] : NULL;
    int rc;

    if (g->run_open && last->op == op && !is_map_start(g, g->dest) &&
        (op == KEXEC_OP_ZERO || kxl_mfn_eq(mfn, g->run_next_mfn))) {
        last->arg1++;
    } else {
        rc = op == KEXEC_OP_ZERO ? push(g, op, 0, 1, 0)
                                 : push(g, op, kxl_mfn_val(mfn), 1, 0);
        if (rc)
            return rc;
        g->run_open = true;
    }
    g->run_next_mfn = kxl_mfn_add(mfn, 1);
    g->dest = kxl_maddr_add(g->dest, PG);
    if (op == KEXEC_OP_ZERO)
        g->res->zero_pages++;
    else
        g->res->copy_pages++;
    return KXL_OK;
}

static int gen_segment(struct gen *g, const struct elf *e, const struct seg *s,
                       bool params, kxl_maddr_t params_dest)
{
    /* this segment's machine addresses, as integers to walk its pages */
    uint64_t dest = kxl_maddr_val(s->dest), file_end = dest + s->filesz;
    uint64_t end = kxl_maddr_val(s->end);
    int rc = gen_dest(g, s->first);

    for (uint64_t p = kxl_maddr_val(s->first); !rc && p < end; p += PG) {
        uint64_t fs = max_u64(p, dest), fe = min_u64(p + PG, file_end);
        uint64_t off = s->offset + (fs - dest); /* valid if fs < fe */
        bool is_params = params && p == kxl_maddr_val(params_dest);
        struct kxl_frame f;

        if (fs >= fe && !is_params) {
            rc = gen_page(g, KEXEC_OP_ZERO, kxl_mfn(0));
            continue;
        }
        if (fs == p && fe == p + PG && !is_params &&
            PG_OFF((uintptr_t)(e->buf + off)) == 0) {
            kxl_mfn_t mfn = g->env->va_to_mfn(g->env->ctx, e->buf + off);

            if (kxl_mfn_eq(mfn, KXL_NO_MFN))
                return KXL_EXLATE;
            rc = gen_page(g, KEXEC_OP_COPY, mfn);
            if (!rc)
                g->res->direct_pages++;
            continue;
        }
        /* A bounce page: zeros, then the file bytes this page holds. */
        f.va = NULL;
        if (g->env->bounce(g->env->ctx, &f) || !f.va ||
            kxl_mfn_eq(f.mfn, KXL_NO_MFN))
            return KXL_EBOUNCE;
        g->res->bounce_pages++;
        kxl_memset(f.va, 0, PG);
        if (fs < fe)
            kxl_copy((uint8_t *)f.va + (fs - p), e->buf + off, fe - fs);
        if (is_params)
            g->params_page = f.va;
        rc = gen_page(g, KEXEC_OP_COPY, f.mfn);
    }
    return rc;
}

/* ---- 4. MAP entries --------------------------------------------------------- */

static int gen_maps(struct gen *g, struct kexec_params *kp)
{
    uint64_t n_before = g->n;

    for (uint32_t m = 0; m < g->req->nr_maps; m++) {
        const struct kxl_map_req *r = &g->req->maps[m];
        uint64_t rstart = kxl_maddr_val(r->maddr);
        uint64_t rend = rstart + r->pages * PG, covered = 0, dest = 0;

        g->res->where = m;
        for (uint64_t i = 0; i < n_before; i++) {
            const struct kexec_entry *x = &g->ents[i];
            uint64_t es, ee, chunk; /* the entries' own integers */
            kxl_vaddr_t va;
            int rc;

            if (x->op == KEXEC_OP_DEST) {
                dest = x->arg0;
                continue;
            }
            es = dest;
            ee = dest + x->arg1 * PG;
            dest = ee;
            if (es < rstart || es >= rend)
                continue;
            chunk = (min_u64(ee, rend) - es) / PG;
            va = kxl_vaddr_add(r->va, es - rstart);
            rc = push(g, KEXEC_OP_MAP, kxl_vaddr_val(va), i, chunk);
            if (rc)
                return rc;
            if (kp) {
                if (kp->nr_maps == KXPARAM_MAX_MAPS)
                    return KXL_EPARAMS;
                kp->maps[kp->nr_maps].va = kxl_vaddr_val(va);
                kp->maps[kp->nr_maps].target_maddr = es;
                kp->maps[kp->nr_maps].pages = chunk;
                kp->nr_maps++;
            }
            g->res->nr_map_entries++;
            covered += chunk;
        }
        if (covered != r->pages)
            return KXL_EMAP;
    }
    g->res->where = KXL_WHERE_NONE;
    return KXL_OK;
}

/* ---- 5. the parameter block ------------------------------------------------ */

/* CRC-32 of a segment's memory image, the parameter block counted as zero. */
static uint32_t seg_crc(const struct elf *e, const struct seg *s)
{
    uint64_t blk_lo = e->params_addr, blk_hi = e->params_addr + KXPARAM_SIZE;
    uint64_t v = s->vaddr, fend = s->vaddr + s->filesz;
    uint32_t crc = 0;

    while (v < fend) {
        uint64_t next;

        if (v >= blk_lo && v < blk_hi) {
            next = min_u64(blk_hi, fend);
            crc = kxl_crc32_zeros(crc, next - v);
        } else {
            next = (v < blk_lo) ? min_u64(blk_lo, fend) : fend;
            crc = kxl_crc32(crc, e->buf + s->offset + (v - s->vaddr), next - v);
        }
        v = next;
    }
    return kxl_crc32_zeros(crc, s->memsz - s->filesz);
}

/* Where the block lands: 0 and *dest set, or KXL_ENOPARAMS. */
static int params_dest(const struct elf *e, kxl_maddr_t *dest)
{
    if (!e->has_params || e->params_size != KXPARAM_SIZE ||
        PG_OFF(e->params_addr))
        return KXL_ENOPARAMS;
    for (unsigned int i = 0; i < e->nsegs; i++) {
        const struct seg *s = &e->segs[i];

        if (e->params_addr >= s->vaddr &&
            e->params_addr - s->vaddr <= s->filesz &&
            s->filesz - (e->params_addr - s->vaddr) >= KXPARAM_SIZE) {
            *dest = kxl_maddr_add(s->dest, e->params_addr - s->vaddr);
            /* the block must fill one destination page exactly */
            return kxl_maddr_pg_aligned(*dest) ? KXL_OK : KXL_ENOPARAMS;
        }
    }
    return KXL_ENOPARAMS;
}

static void fill_params(const struct elf *e, const struct kxl_request *req,
                        const struct kxl_result *res, struct kexec_params *kp)
{
    uint64_t low = ~(uint64_t)0;

    for (unsigned int i = 0; i < e->nsegs; i++)
        low = min_u64(low, e->segs[i].vaddr);
    kxl_copy(kp->magic, KXPARAM_MAGIC, KXPARAM_MAGIC_LEN);
    kp->version = KXPARAM_VERSION;
    kp->image_id = req->image_id;
    kp->base = kxl_maddr_val(res->base);
    kp->nr_segments = e->nsegs;
    for (unsigned int i = 0; i < e->nsegs; i++) {
        kp->seg[i].vaddr_offset = e->segs[i].vaddr - low;
        kp->seg[i].memsz = e->segs[i].memsz;
        kp->seg[i].crc32 = seg_crc(e, &e->segs[i]);
    }
    kp->zero_maddr = req->zero_pages ? kxl_maddr_val(req->zero_maddr) : 0;
    kp->zero_pages = req->zero_pages;
    kp->nr_unmapped = req->nr_unmapped;
    for (uint32_t i = 0; i < req->nr_unmapped; i++)
        kp->unmapped[i] = kxl_vaddr_val(req->unmapped[i]);
    kp->expect_type = req->type;
    /* maps[] and nr_maps: gen_maps() */
}

/* ---- the whole ------------------------------------------------------------ */

static int check_request(const struct kxl_request *req,
                         const struct kxl_env *env,
                         const struct kexec_entry *ents, size_t cap,
                         struct kxl_result *res)
{
    if (!req->elf || !env || !env->va_to_mfn || !env->bounce ||
        (!ents && cap) || !kxl_maddr_pg_aligned(req->base) ||
        req->nr_maps > KXL_MAX_MAPS || (req->nr_maps && !req->maps) ||
        req->nr_unmapped > KXL_MAX_UNMAPPED ||
        (req->nr_unmapped && !req->unmapped))
        return KXL_EARG;
    /* a named section: its bytes given, at most one page, not with params */
    if (req->section_name &&
        (req->params || !req->section_name[0] || !req->section_bytes ||
         req->section_len > KXPARAM_SIZE))
        return KXL_EARG;
    if (req->zero_pages && (!kxl_maddr_pg_aligned(req->zero_maddr) ||
                            req->zero_pages > (~(uint64_t)0 >> 12) ||
                            wraps(req->zero_maddr, req->zero_pages * PG)))
        return KXL_EARG;
    if (req->zero_pages &&
        !in_region(req, req->zero_maddr,
                   kxl_maddr_add(req->zero_maddr, req->zero_pages * PG)))
        return KXL_EREGION;
    for (uint32_t i = 0; i < req->nr_maps; i++) {
        const struct kxl_map_req *m = &req->maps[i];

        res->where = i;
        if (!kxl_vaddr_pg_aligned(m->va) || !kxl_maddr_pg_aligned(m->maddr) ||
            !m->pages || m->pages > (~(uint64_t)0 >> 12) ||
            wraps(m->maddr, m->pages * PG))
            return KXL_EMAP;
    }
    res->where = KXL_WHERE_NONE;
    return KXL_OK;
}

int kxl_build(const struct kxl_request *req, const struct kxl_env *env,
              struct kexec_entry *ents, size_t cap, struct kxl_result *res)
{
    struct elf e;
    struct gen g;
    kxl_maddr_t pdest = kxl_maddr(0);
    bool fill;
    int rc;

    if (!res)
        return KXL_EARG;
    kxl_memset(res, 0, sizeof(*res));
    res->where = KXL_WHERE_NONE;
    if (!req)
        return KXL_EARG;
    rc = check_request(req, env, ents, cap, res);
    if (rc)
        return rc;
    kxl_memset(&e, 0, sizeof(e));
    rc = parse_elf(&e, req->elf, req->elf_size, &res->where,
                   req->section_name ? req->section_name : KXPARAM_SECTION);
    if (rc)
        return rc;
    res->arch = e.is64 ? KEXEC_ARCH_64 : KEXEC_ARCH_32;
    res->elf_type = (uint8_t)e.type;
    res->nr_segments = e.nsegs;
    rc = place(&e, req, res);
    if (rc)
        return rc;
    fill = req->params || req->section_name;
    if (fill) {
        rc = params_dest(&e, &pdest);
        if (rc)
            return rc;
        if (req->params && e.nsegs > KXPARAM_MAX_SEGS)
            return KXL_EPARAMS;
        res->params_maddr = pdest;
    }

    g = (struct gen){
        .req = req, .env = env, .res = res, .ents = ents, .cap = cap
    };
    for (unsigned int i = 0; i < e.nsegs; i++) {
        res->where = i;
        rc = gen_segment(&g, &e, &e.segs[i], fill, pdest);
        if (rc)
            goto out;
    }
    res->where = KXL_WHERE_NONE;
    if (req->zero_pages) {
        rc = gen_dest(&g, req->zero_maddr);
        for (uint64_t p = 0; !rc && p < req->zero_pages; p++)
            rc = gen_page(&g, KEXEC_OP_ZERO, kxl_mfn(0));
        if (rc)
            goto out;
    }
    if (req->params) {
        /* gen_segment() bounced the block's page: fill it there. */
        struct kexec_params *kp = g.params_page;

        fill_params(&e, req, res, kp);
        rc = gen_maps(&g, kp);
    } else if (req->section_name) {
        /* the bounce copy holds the section's file bytes: overwrite */
        kxl_copy(g.params_page, req->section_bytes, req->section_len);
        rc = gen_maps(&g, NULL);
    } else {
        rc = gen_maps(&g, NULL);
    }
out:
    res->nr_entries = g.n;
    return rc;
}

int kxl_build_raw(const struct kxl_raw *raw, const struct kxl_env *env,
                  struct kexec_entry *ents, size_t cap, struct kxl_result *res)
{
    struct kxl_request req = { .region_start = raw ? raw->region_start
                                                   : kxl_maddr(0),
                               .region_size = raw ? raw->region_size : 0 };
    struct elf e;
    struct seg *s = &e.segs[0];
    struct gen g;
    int rc;

    if (!res)
        return KXL_EARG;
    kxl_memset(res, 0, sizeof(*res));
    res->where = KXL_WHERE_NONE;
    if (!raw || !env || !env->va_to_mfn || !env->bounce || (!ents && cap) ||
        (!raw->buf && raw->filesz) || !kxl_maddr_pg_aligned(raw->dest) ||
        !raw->memsz || raw->filesz > raw->memsz)
        return KXL_EARG;
    kxl_memset(&e, 0, sizeof(e));
    e.buf = raw->buf;
    e.size = raw->filesz;
    e.is64 = true;
    e.type = ET_DYN;
    e.entry = 0;
    e.nsegs = 1;
    *s = (struct seg){ .offset = 0,
                       .vaddr = 0,
                       .paddr = 0,
                       .filesz = raw->filesz,
                       .memsz = raw->memsz };
    req.base = raw->dest;
    rc = place(&e, &req, res);
    if (rc)
        return rc;
    res->arch = KEXEC_ARCH_64;
    res->nr_segments = 1;
    g = (struct gen){
        .req = &req, .env = env, .res = res, .ents = ents, .cap = cap
    };
    rc = gen_segment(&g, &e, s, false, kxl_maddr(0));
    res->nr_entries = g.n;
    return rc;
}

void kxl_fill_load(struct kexec_load *ld, const struct kxl_result *res,
                   uint8_t type, const struct kexec_entry *ents)
{
    kxl_memset(ld, 0, sizeof(*ld));
    ld->size = sizeof(*ld);
    ld->type = type;
    ld->arch = res->arch;
    ld->flags = 0;
    ld->entry_maddr = kxl_maddr_val(res->entry_maddr);
    ld->entries = (uint64_t)(uintptr_t)ents;
    ld->nr_entries = res->nr_entries;
    ld->bad_entry = 0;
}

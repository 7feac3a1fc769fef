/* SPDX-License-Identifier: MIT */
/*
 * multiboot-load: a Multiboot (v1) kernel and its modules -> entry list.
 * The contract is in multiboot-load.h; this file follows it: the header,
 * the placement (every check before the first entry is written, so that a
 * refusal leaves nothing), the information structure, the entry list.
 */
#include "multiboot-load.h"
#include "kxl-bytes.h"

#define PG         ((uint64_t)KXL_PAGE_SIZE)
#define PG_DOWN(x) ((x) & ~(PG - 1))
#define PG_UP(x)   (((x) + PG - 1) & ~(PG - 1))
#define GIB4       0x100000000ULL

#define HDR_BYTES      12u /* magic, flags, checksum */
#define HDR_ADDR_BYTES 32u /* ... then the five address fields */
#define KNOWN_FLAGS    (KXLM_HF_PAGE_ALIGN | KXLM_HF_MEMORY_INFO)
#define REQUIRED_MASK  0xFFFFu

#define E820_RAM       1
#define LOW_RAM_END    0xA0000u  /* 640 KiB */
#define HIGH_RAM_START 0x100000u /* 1 MiB */

#define INFO_SIZE 88u /* struct kxl_mb_info: up to vbe_interface_len */
#define MOD_SIZE  16u
#define MMAP_SIZE 24u /* the size field and its 20 bytes */

#define ELF_ET_EXEC 2
#define ELF_EM_386  3

_Static_assert(sizeof(struct kxl_mb_info) == INFO_SIZE, "kxl_mb_info");
_Static_assert(sizeof(struct kxl_mb_module) == MOD_SIZE, "kxl_mb_module");
_Static_assert(sizeof(struct kxl_mb_mmap) == MMAP_SIZE, "kxl_mb_mmap");

const char *kxl_mb_strerror(int err)
{
    switch (err) {
    /* clang-format off */
    case KXLM_OK:          return "KXLM_OK: success";
    case KXLM_EARG:        return "KXLM_EARG: bad request";
    case KXLM_ENOHEADER:   return "KXLM_ENOHEADER: no Multiboot header (magic 0x1BADB002) in the first 8192 bytes";
    case KXLM_ECHECKSUM:   return "KXLM_ECHECKSUM: magic + flags + checksum is not 0";
    case KXLM_EVIDEO:      return "KXLM_EVIDEO: the header asks for a video mode (flags bit 2)";
    case KXLM_EFLAGS:      return "KXLM_EFLAGS: the header requires a feature this loader does not know (flags bits 3-15)";
    case KXLM_EADDRFIELDS: return "KXLM_EADDRFIELDS: inconsistent address fields (flags bit 16)";
    case KXLM_EELF:        return "KXLM_EELF: no address fields and not an ELF32 i386 ET_EXEC";
    case KXLM_EFIT:        return "KXLM_EFIT: a part does not fit the region, meets the kernel or lies above 4 GiB";
    case KXLM_EBUILD:      return "KXLM_EBUILD: building the entry list failed";
    default:               return "KXLM_E?: unknown error";
        /* clang-format on */
    }
}

/* ---- the header ------------------------------------------------------- */

/* An ELF32 i386 ET_EXEC by its identification (kxl_build checks the rest). */
static bool is_elf32_exec(const uint8_t *b, size_t size)
{
    return size >= 52 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' &&
           b[3] == 'F' && b[4] == 1 && b[5] == 1 &&
           kxl_rd(b + 16, 2) == ELF_ET_EXEC && kxl_rd(b + 18, 2) == ELF_EM_386;
}

static int parse_addresses(const uint8_t *b, size_t size,
                           struct kxl_mb_header *h)
{
    const uint8_t *a = b + h->header_offset + HDR_BYTES;
    uint64_t load_off, load_end, bss_end;

    if ((uint64_t)h->header_offset + HDR_ADDR_BYTES > size)
        return KXLM_EADDRFIELDS;
    h->header_addr = (uint32_t)kxl_rd(a, 4);
    h->load_addr = (uint32_t)kxl_rd(a + 4, 4);
    h->load_end_addr = (uint32_t)kxl_rd(a + 8, 4);
    h->bss_end_addr = (uint32_t)kxl_rd(a + 12, 4);
    h->entry_addr = (uint32_t)kxl_rd(a + 16, 4);
    h->address_fields = true;
    if (h->load_addr > h->header_addr ||
        h->header_addr - h->load_addr > h->header_offset)
        return KXLM_EADDRFIELDS;
    load_off = h->header_offset - (h->header_addr - h->load_addr);
    if (!h->load_end_addr)
        load_end = h->load_addr + (size - load_off);
    else if (h->load_end_addr <= h->load_addr ||
             h->load_end_addr - h->load_addr > size - load_off)
        return KXLM_EADDRFIELDS;
    else
        load_end = h->load_end_addr;
    if (load_end > GIB4)
        return KXLM_EADDRFIELDS;
    if (h->bss_end_addr && h->bss_end_addr < load_end)
        return KXLM_EADDRFIELDS;
    bss_end = h->bss_end_addr ? h->bss_end_addr : load_end;
    if (h->entry_addr < h->load_addr || h->entry_addr >= bss_end)
        return KXLM_EADDRFIELDS;
    return KXLM_OK;
}

int kxl_mb_parse(const void *image, size_t size, struct kxl_mb_header *h)
{
    const uint8_t *b = image;
    size_t limit = size < KXLM_SEARCH_BYTES ? size : KXLM_SEARCH_BYTES;
    bool seen = false;
    size_t off;

    if (!b || !h)
        return KXLM_EARG;
    kxl_zero(h, sizeof(*h));
    /* The first magic with a good checksum; a bad one may be data. */
    for (off = 0; off + HDR_BYTES <= limit; off += 4) {
        uint32_t sum;

        if (kxl_rd(b + off, 4) != KXLM_HEADER_MAGIC)
            continue;
        seen = true;
        sum = (uint32_t)(KXLM_HEADER_MAGIC + kxl_rd(b + off + 4, 4) +
                         kxl_rd(b + off + 8, 4));
        if (!sum)
            break;
    }
    if (off + HDR_BYTES > limit)
        return seen ? KXLM_ECHECKSUM : KXLM_ENOHEADER;
    h->header_offset = (uint32_t)off;
    h->flags = (uint32_t)kxl_rd(b + off + 4, 4);
    if (h->flags & KXLM_HF_VIDEO_MODE)
        return KXLM_EVIDEO;
    if (h->flags & REQUIRED_MASK & ~KNOWN_FLAGS)
        return KXLM_EFLAGS;
    if (h->flags & KXLM_HF_ADDRESS)
        return parse_addresses(b, size, h);
    /* No address fields: the ELF's own program headers, ELF32 only. */
    if (!is_elf32_exec(b, size))
        return KXLM_EELF;
    return KXLM_OK;
}

/* ---- placement -------------------------------------------------------- */

struct layout {
    uint64_t load_off, load_len; /* bit 16: the kernel's file bytes */
    uint32_t mods_off, mmap_off, str_off, size;
    uint32_t cmdline_len;
    uint32_t mod_cmdline_len[KXLM_MAX_MODULES];
};

static const char *mod_cmdline(const struct kxl_mb_module_req *m)
{
    return m->cmdline ? m->cmdline : "";
}

/* [s, e) inside the region (if any) and below 4 GiB, not meeting the kernel. */
static bool fits(const struct kxl_mb_req *req, const struct kxl_mb_result *res,
                 kxl_maddr_t start, kxl_maddr_t end)
{
    uint64_t s = kxl_maddr_val(start), e = kxl_maddr_val(end);
    uint64_t rs = kxl_maddr_val(req->region_start);

    if (e < s || e > GIB4)
        return false;
    if (req->region_size && (s < rs || e > rs + req->region_size))
        return false;
    return e <= kxl_maddr_val(res->kernel_start) ||
           s >= kxl_maddr_val(res->kernel_end);
}

static void add_seg(struct kxl_mb_result *res, const char *name,
                    kxl_maddr_t dest, uint64_t memsz, uint64_t lead_zero,
                    const void *data, uint64_t filesz)
{
    if (res->nr_segs < KXLM_MAX_SEGS)
        res->segs[res->nr_segs++] = (struct kxl_mb_segment){
            .name = name,
            .dest = dest,
            .memsz = memsz,
            .lead_zero = lead_zero,
            .data = data,
            .filesz = filesz
        };
}

/* The kernel's pages; KXLM_EELF / KXLM_EFIT when it cannot be placed. */
static int place_kernel(const struct kxl_mb_req *req, const struct kxl_env *env,
                        struct kxl_mb_result *res, struct layout *lo)
{
    const struct kxl_mb_header *h = &res->hdr;
    uint64_t rs = kxl_maddr_val(req->region_start), ks, ke;

    if (h->address_fields) {
        uint64_t load_end, end;

        lo->load_off = h->header_offset - (h->header_addr - h->load_addr);
        load_end = h->load_end_addr
                       ? h->load_end_addr
                       : h->load_addr + (req->image_size - lo->load_off);
        lo->load_len = load_end - h->load_addr;
        /* the address fields are machine addresses */
        res->kernel_start = kxl_maddr(PG_DOWN((uint64_t)h->load_addr));
        end = h->bss_end_addr > load_end ? h->bss_end_addr : load_end;
        res->kernel_end = kxl_maddr(PG_UP(end));
        res->entry_maddr = kxl_maddr(h->entry_addr);
    } else {
        struct kxl_request kr = { .elf = req->image,
                                  .elf_size = req->image_size,
                                  .region_start = req->region_start,
                                  .region_size = req->region_size };
        struct kxl_result r;
        int rc = kxl_build(&kr, env, NULL, 0, &r);

        /* No capacity: only the checks and the placement (E2BIG). */
        if (rc == KXL_EREGION)
            return KXLM_EFIT;
        if (rc != KXL_E2BIG) {
            res->kxl_error = rc ? rc : KXL_EARG;
            return KXLM_EELF;
        }
        res->kernel_start = r.base;
        res->kernel_end = r.image_end;
        res->entry_maddr = r.entry_maddr;
    }
    ks = kxl_maddr_val(res->kernel_start);
    ke = kxl_maddr_val(res->kernel_end);
    if (ke > GIB4 ||
        (req->region_size && (ks < rs || ke > rs + req->region_size)))
        return KXLM_EFIT;
    return KXLM_OK;
}

/* The information structure's layout: offsets of its parts, its size. */
static int lay_out_info(const struct kxl_mb_req *req, struct layout *lo)
{
    uint64_t size;

    lo->mods_off = INFO_SIZE;
    lo->mmap_off = lo->mods_off + MOD_SIZE * req->nr_modules;
    lo->str_off = lo->mmap_off + MMAP_SIZE * req->nr_mem;
    size = lo->str_off;
    lo->cmdline_len = 0;
    if (req->cmdline) {
        size_t n = kxl_strlen(req->cmdline);

        if (n >= KXLM_MAX_INFO_PAGES * PG)
            return KXLM_EARG;
        lo->cmdline_len = (uint32_t)n;
    }
    size += lo->cmdline_len + 1;
    for (uint32_t i = 0; i < req->nr_modules; i++) {
        size_t n = kxl_strlen(mod_cmdline(&req->modules[i]));

        if (n >= KXLM_MAX_INFO_PAGES * PG)
            return KXLM_EARG;
        lo->mod_cmdline_len[i] = (uint32_t)n;
        size += n + 1;
    }
    size += sizeof(KXLM_LOADER_NAME);
    if (size > KXLM_MAX_INFO_PAGES * PG)
        return KXLM_EARG;
    lo->size = (uint32_t)size;
    return KXLM_OK;
}

static int place_parts(const struct kxl_mb_req *req, struct kxl_mb_result *res,
                       const struct layout *lo)
{
    uint64_t at;

    res->info_maddr = req->info_maddr;
    res->info_end = kxl_maddr_add(req->info_maddr, PG_UP((uint64_t)lo->size));
    if (!fits(req, res, res->info_maddr, res->info_end))
        return KXLM_EFIT;
    at = kxl_maddr_val(res->info_end);
    res->end = res->info_end;
    for (uint32_t i = 0; i < req->nr_modules; i++) {
        uint64_t sz = PG_UP((uint64_t)req->modules[i].size);

        if (sz < req->modules[i].size || at + sz < at ||
            !fits(req, res, kxl_maddr(at), kxl_maddr(at + sz)) ||
            at + req->modules[i].size > GIB4)
            return KXLM_EFIT;
        res->module_maddr[i] = kxl_maddr(at);
        at += sz;
        res->end = kxl_maddr(at);
    }
    if (kxl_maddr_val(res->kernel_end) > kxl_maddr_val(res->end))
        res->end = res->kernel_end;
    return KXLM_OK;
}

/* ---- the information structure ----------------------------------------- */

struct info_pages {
    uint8_t *va[KXLM_MAX_INFO_PAGES];
    kxl_mfn_t mfn[KXLM_MAX_INFO_PAGES];
    uint32_t n;
};

static void put(const struct info_pages *ip, uint32_t off, const void *src,
                size_t len)
{
    const uint8_t *s = src;

    for (size_t i = 0; i < len; i++, off++)
        ip->va[off / PG][off % PG] = s[i];
}

static void put32(const struct info_pages *ip, uint32_t off, uint64_t v)
{
    uint8_t b[4];

    for (unsigned int i = 0; i < 4; i++, v >>= 8)
        b[i] = (uint8_t)v;
    put(ip, off, b, 4);
}

static void put64(const struct info_pages *ip, uint32_t off, uint64_t v)
{
    put32(ip, off, (uint32_t)v);
    put32(ip, off + 4, v >> 32);
}

/* KiB of RAM from addr up, through RAM entries that meet end to start. */
static uint64_t ram_from(const struct kxl_mb_req *req, uint64_t addr,
                         uint64_t limit)
{
    uint64_t end = addr;
    bool grew = true;

    while (grew) {
        grew = false;
        for (uint32_t i = 0; i < req->nr_mem; i++) {
            const struct e820_entry *m = &req->mem[i];

            if (m->type == E820_RAM && m->addr <= end &&
                m->addr + m->size > end) {
                end = m->addr + m->size;
                grew = true;
            }
        }
    }
    if (end > limit)
        end = limit;
    return (end - addr) >> 10;
}

static void fill_info(const struct kxl_mb_req *req,
                      const struct kxl_mb_result *res, const struct layout *lo,
                      const struct info_pages *ip)
{
    uint32_t base = (uint32_t)kxl_maddr_val(res->info_maddr), s = lo->str_off;
    uint64_t upper = ram_from(req, HIGH_RAM_START, ~(uint64_t)0);

    put32(ip, offsetof(struct kxl_mb_info, flags),
          KXLM_IF_MEM | KXLM_IF_CMDLINE | KXLM_IF_MODS | KXLM_IF_MMAP |
              KXLM_IF_LOADER_NAME);
    put32(ip, offsetof(struct kxl_mb_info, mem_lower),
          ram_from(req, 0, LOW_RAM_END));
    put32(ip, offsetof(struct kxl_mb_info, mem_upper),
          upper > 0xFFFFFFFFu ? 0xFFFFFFFFu : upper);

    put32(ip, offsetof(struct kxl_mb_info, cmdline), base + s);
    if (req->cmdline)
        put(ip, s, req->cmdline, lo->cmdline_len);
    s += lo->cmdline_len + 1;

    put32(ip, offsetof(struct kxl_mb_info, mods_count), req->nr_modules);
    put32(ip, offsetof(struct kxl_mb_info, mods_addr), base + lo->mods_off);
    for (uint32_t i = 0; i < req->nr_modules; i++) {
        uint32_t m = lo->mods_off + MOD_SIZE * i;

        put32(ip, m + offsetof(struct kxl_mb_module, mod_start),
              kxl_maddr_val(res->module_maddr[i]));
        put32(ip, m + offsetof(struct kxl_mb_module, mod_end),
              kxl_maddr_val(res->module_maddr[i]) + req->modules[i].size);
        put32(ip, m + offsetof(struct kxl_mb_module, string), base + s);
        put(ip, s, mod_cmdline(&req->modules[i]), lo->mod_cmdline_len[i]);
        s += lo->mod_cmdline_len[i] + 1;
    }

    put32(ip, offsetof(struct kxl_mb_info, mmap_length),
          MMAP_SIZE * req->nr_mem);
    put32(ip, offsetof(struct kxl_mb_info, mmap_addr), base + lo->mmap_off);
    for (uint32_t i = 0; i < req->nr_mem; i++) {
        uint32_t m = lo->mmap_off + MMAP_SIZE * i;

        put32(ip, m + offsetof(struct kxl_mb_mmap, size), MMAP_SIZE - 4);
        put64(ip, m + offsetof(struct kxl_mb_mmap, base_addr),
              req->mem[i].addr);
        put64(ip, m + offsetof(struct kxl_mb_mmap, length), req->mem[i].size);
        put32(ip, m + offsetof(struct kxl_mb_mmap, type), req->mem[i].type);
    }

    put32(ip, offsetof(struct kxl_mb_info, boot_loader_name), base + s);
    put(ip, s, KXLM_LOADER_NAME, sizeof(KXLM_LOADER_NAME));
}

/* ---- the entry list ------------------------------------------------------ */

struct emit {
    struct kexec_entry *ents;
    size_t cap;
    struct kxl_mb_result *res;
};

/* Where the next entries go (NULL only with no capacity at all). */
static struct kexec_entry *next(const struct emit *em)
{
    return em->ents ? em->ents + em->res->nr_entries : NULL;
}

/* Entries are written here and in emit_info(): the wire's integers. */
static int push(struct emit *em, uint16_t op, uint64_t arg0, uint64_t arg1)
{
    if (em->res->nr_entries >= em->cap) {
        em->res->kxl_error = KXL_E2BIG;
        return KXLM_EBUILD;
    }
    em->ents[em->res->nr_entries++] = (struct kexec_entry){ .op = op,
                                                            .arg0 = arg0,
                                                            .arg1 = arg1 };
    return KXLM_OK;
}

static int get_frame(const struct kxl_env *env, struct kxl_mb_result *res,
                     struct kxl_frame *f)
{
    f->va = NULL;
    if (env->bounce(env->ctx, f) || !f->va || kxl_mfn_eq(f->mfn, KXL_NO_MFN)) {
        res->kxl_error = KXL_EBOUNCE;
        return KXLM_EBUILD;
    }
    kxl_zero(f->va, PG);
    return KXLM_OK;
}

/* A kxl_build / kxl_build_raw call's entries, appended. */
static int append(struct emit *em, const struct kxl_env *env,
                  const struct kxl_raw *raw)
{
    struct kxl_result r;
    int rc = kxl_build_raw(raw, env, next(em), em->cap - em->res->nr_entries,
                           &r);

    em->res->nr_entries += r.nr_entries;
    if (rc) {
        em->res->kxl_error = rc;
        return KXLM_EBUILD;
    }
    return KXLM_OK;
}

static int emit_kernel(const struct kxl_mb_req *req, const struct kxl_env *env,
                       struct emit *em, const struct layout *lo)
{
    struct kxl_mb_result *res = em->res;
    const struct kxl_mb_header *h = &res->hdr;
    const uint8_t *file = (const uint8_t *)req->image + lo->load_off;
    uint64_t lead, done = 0;
    kxl_maddr_t first;
    struct kxl_raw raw;
    int rc;

    if (!h->address_fields) {
        struct kxl_request kr = { .elf = req->image,
                                  .elf_size = req->image_size,
                                  .region_start = req->region_start,
                                  .region_size = req->region_size };
        struct kxl_result r;

        rc = kxl_build(&kr, env, next(em), em->cap - res->nr_entries, &r);
        res->nr_entries += r.nr_entries;
        if (rc) {
            res->kxl_error = rc;
            return KXLM_EBUILD;
        }
        for (uint32_t i = 0; i < r.nr_segments; i++) {
            const struct kxl_placed *p = &r.placed[i];

            add_seg(res, "kernel", p->first, kxl_maddr_diff(p->end, p->first),
                    kxl_maddr_diff(p->dest, p->first),
                    (const uint8_t *)req->image + p->file_offset, p->filesz);
        }
        return KXLM_OK;
    }

    /* load_addr inside a page: that page through a bounce frame. */
    lead = h->load_addr - kxl_maddr_val(res->kernel_start);
    first = res->kernel_start;
    if (lead) {
        struct kxl_frame f;
        uint64_t n = PG - lead < lo->load_len ? PG - lead : lo->load_len;

        rc = get_frame(env, res, &f);
        if (!rc)
            rc = push(em, KEXEC_OP_DEST, kxl_maddr_val(first), 0);
        if (!rc)
            rc = push(em, KEXEC_OP_COPY, kxl_mfn_val(f.mfn), 1);
        if (rc)
            return rc;
        for (uint64_t i = 0; i < n; i++)
            ((uint8_t *)f.va)[lead + i] = file[i];
        done = n;
        first = kxl_maddr_add(first, PG);
    }
    if (kxl_maddr_val(first) < kxl_maddr_val(res->kernel_end)) {
        raw = (struct kxl_raw){ .buf = file + done,
                                .filesz = lo->load_len - done,
                                .memsz = kxl_maddr_diff(res->kernel_end, first),
                                .dest = first };
        rc = append(em, env, &raw);
        if (rc)
            return rc;
    }
    add_seg(res, "kernel", res->kernel_start,
            kxl_maddr_diff(res->kernel_end, res->kernel_start), lead, file,
            lo->load_len);
    return KXLM_OK;
}

static int emit_info(const struct kxl_mb_req *req, const struct kxl_env *env,
                     struct emit *em, const struct layout *lo)
{
    static const char *const names[KXLM_MAX_INFO_PAGES] = { "info", "info 1",
                                                            "info 2",
                                                            "info 3" };
    struct kxl_mb_result *res = em->res;
    struct info_pages ip = { .n = (uint32_t)(PG_UP((uint64_t)lo->size) / PG) };
    int rc = push(em, KEXEC_OP_DEST, kxl_maddr_val(res->info_maddr), 0);

    for (uint32_t i = 0; !rc && i < ip.n; i++) {
        struct kxl_frame f;
        struct kexec_entry *last = &em->ents[res->nr_entries - 1];

        rc = get_frame(env, res, &f);
        if (rc)
            break;
        ip.va[i] = f.va;
        ip.mfn[i] = f.mfn;
        /* Consecutive frames: one COPY. */
        if (i && last->op == KEXEC_OP_COPY &&
            last->arg0 + last->arg1 == kxl_mfn_val(f.mfn))
            last->arg1++;
        else
            rc = push(em, KEXEC_OP_COPY, kxl_mfn_val(f.mfn), 1);
    }
    if (rc)
        return rc;
    fill_info(req, res, lo, &ip);
    for (uint32_t i = 0; i < ip.n; i++)
        add_seg(res, names[i], kxl_maddr_add(res->info_maddr, i * PG), PG, 0,
                ip.va[i], PG);
    return KXLM_OK;
}

static int emit_modules(const struct kxl_mb_req *req, const struct kxl_env *env,
                        struct emit *em)
{
    static const char *const names[KXLM_MAX_MODULES] = {
        "module 0", "module 1", "module 2", "module 3",
        "module 4", "module 5", "module 6", "module 7"
    };

    for (uint32_t i = 0; i < req->nr_modules; i++) {
        const struct kxl_mb_module_req *m = &req->modules[i];
        struct kxl_raw raw = { .buf = m->data,
                               .filesz = m->size,
                               .memsz = PG_UP((uint64_t)m->size),
                               .dest = em->res->module_maddr[i] };
        int rc;

        if (!m->size)
            continue; /* mod_start == mod_end: nothing to load */
        rc = append(em, env, &raw);
        if (rc)
            return rc;
        add_seg(em->res, names[i], raw.dest, raw.memsz, 0, m->data, m->size);
    }
    return KXLM_OK;
}

int kxl_mb_build(const struct kxl_mb_req *req, const struct kxl_env *env,
                 struct kexec_entry *ents, size_t cap,
                 struct kxl_mb_result *res)
{
    struct layout lo;
    struct emit em = { .ents = ents, .cap = cap, .res = res };
    int rc;

    if (!res)
        return KXLM_EARG;
    kxl_zero(res, sizeof(*res));
    if (!req || !env || !env->bounce || !env->va_to_mfn || (!ents && cap) ||
        !req->image || req->nr_modules > KXLM_MAX_MODULES ||
        (req->nr_modules && !req->modules) || req->nr_mem > KXLM_MAX_MMAP ||
        (req->nr_mem && !req->mem) || !kxl_maddr_pg_aligned(req->info_maddr) ||
        kxl_maddr_val(req->info_maddr) >= GIB4 ||
        (req->region_size &&
         kxl_maddr_val(req->region_start) + req->region_size <
             kxl_maddr_val(req->region_start)))
        return KXLM_EARG;
    for (uint32_t i = 0; i < req->nr_modules; i++)
        if (req->modules[i].size && !req->modules[i].data)
            return KXLM_EARG;
    kxl_zero(&lo, sizeof(lo));
    rc = kxl_mb_parse(req->image, req->image_size, &res->hdr);
    if (!rc)
        rc = lay_out_info(req, &lo);
    if (!rc)
        rc = place_kernel(req, env, res, &lo);
    if (!rc)
        rc = place_parts(req, res, &lo);
    if (!rc)
        rc = emit_kernel(req, env, &em, &lo);
    if (!rc)
        rc = emit_info(req, env, &em, &lo);
    if (!rc)
        rc = emit_modules(req, env, &em);
    if (rc) {
        /* Nothing to load: only the codes say what went wrong. */
        int kxl_error = res->kxl_error;
        struct kxl_mb_header hdr = res->hdr;

        kxl_zero(res, sizeof(*res));
        res->hdr = hdr;
        res->kxl_error = kxl_error;
    }
    return rc;
}

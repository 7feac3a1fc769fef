/* SPDX-License-Identifier: MIT */
/*
 * linux-load: bzImage (+ vmlinux) -> entry list.  The contract is in
 * linux-load.h; this file follows it: the header, the placement, the
 * e820, boot_params and the command line, the entry list.
 */
#include "linux-load.h"
#include "kxl-bytes.h"

#define PG       ((uint64_t)KXL_PAGE_SIZE)
#define PG_UP(x) (((x) + PG - 1) & ~(PG - 1))

/* Setup header offsets (boot.rst) and zero-page offsets (zero-page.rst). */
#define HDR_SETUP_SECTS    0x1F1
#define HDR_SYSSIZE        0x1F4
#define HDR_BOOT_FLAG      0x1FE
#define HDR_JUMP_END       0x201 /* byte: header length - 0x202 */
#define HDR_MAGIC          0x202
#define HDR_VERSION        0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS      0x211
#define HDR_RAMDISK_IMAGE  0x218
#define HDR_RAMDISK_SIZE   0x21C
#define HDR_CMD_LINE_PTR   0x228
#define HDR_KERNEL_ALIGN   0x230
#define HDR_RELOCATABLE    0x234
#define HDR_MIN_ALIGNMENT  0x235
#define HDR_XLOADFLAGS     0x236
#define HDR_CMDLINE_SIZE   0x238
#define HDR_PAYLOAD_OFFSET 0x248
#define HDR_PAYLOAD_LENGTH 0x24C
#define HDR_PREF_ADDRESS   0x258
#define HDR_INIT_SIZE      0x260
#define HDR_MAX_END        (0x202 + 0x7F)

#define BP_ACPI_RSDP        0x070
#define BP_EXT_RAMDISK_IMG  0x0C0
#define BP_EXT_RAMDISK_SIZE 0x0C4
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_E820_ENTRIES     0x1E8
#define BP_E820_TABLE       0x2D0

#define LOADED_HIGH                0x01
#define XLF_KERNEL_64              0x01
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02
#define LOADER_TYPE_UNKNOWN        0xFF
#define E820_RAM                   1
#define ENTRY64_OFFSET             0x200

const char *kxl_linux_strerror(int err)
{
    switch (err) {
    /* clang-format off */
    case KXLL_OK:         return "KXLL_OK: success";
    case KXLL_EARG:       return "KXLL_EARG: bad request";
    case KXLL_ENOTBZ:     return "KXLL_ENOTBZ: not a bzImage (boot_flag 0xAA55 at 0x1FE, \"HdrS\" at 0x202)";
    case KXLL_EVERSION:   return "KXLL_EVERSION: boot protocol version (0x206) older than 2.12";
    case KXLL_ELOADHIGH:  return "KXLL_ELOADHIGH: loadflags (0x211) without LOADED_HIGH: not a bzImage";
    case KXLL_ENO64:      return "KXLL_ENO64: xloadflags (0x236) without XLF_KERNEL_64 and XLF_CAN_BE_LOADED_ABOVE_4G: no 64-bit entry";
    case KXLL_ERELOC:     return "KXLL_ERELOC: relocatable_kernel (0x234) is 0: not relocatable";
    case KXLL_EHEADER:    return "KXLL_EHEADER: kernel_alignment (0x230) not a power of two >= 4 KiB, or init_size (0x260) 0";
    case KXLL_ETRUNC:     return "KXLL_ETRUNC: truncated: setup_sects (0x1F1) or syssize (0x1F4) beyond the end of the file";
    case KXLL_ECMDLINE:   return "KXLL_ECMDLINE: command line longer than cmdline_size (0x238)";
    case KXLL_EKERNELFIT: return "KXLL_EKERNELFIT: the kernel (init_size, 0x260) does not fit the region";
    case KXLL_EINITRDFIT: return "KXLL_EINITRDFIT: the initrd does not fit the region";
    case KXLL_EE820:      return "KXLL_EE820: more than 128 e820 entries";
    case KXLL_EVMLINUX:   return "KXLL_EVMLINUX: the vmlinux is not an ELF64 ET_EXEC that fits init_size";
    case KXLL_EBUILD:     return "KXLL_EBUILD: building the entry list failed";
    default:              return "KXLL_E?: unknown error";
        /* clang-format on */
    }
}

/* ---- the header ------------------------------------------------------- */

int kxl_linux_parse(const void *bzimage, size_t size,
                    struct kxl_linux_header *h)
{
    const uint8_t *b = bzimage;
    uint64_t sects, syssize;

    if (!b || !h)
        return KXLL_EARG;
    kxl_zero(h, sizeof(*h));
    if (size < 1024 || kxl_rd(b + HDR_BOOT_FLAG, 2) != 0xAA55 ||
        b[HDR_MAGIC] != 'H' || b[HDR_MAGIC + 1] != 'd' ||
        b[HDR_MAGIC + 2] != 'r' || b[HDR_MAGIC + 3] != 'S')
        return KXLL_ENOTBZ;
    h->version = (uint16_t)kxl_rd(b + HDR_VERSION, 2);
    h->setup_sects = b[HDR_SETUP_SECTS];
    h->loadflags = b[HDR_LOADFLAGS];
    h->xloadflags = (uint16_t)kxl_rd(b + HDR_XLOADFLAGS, 2);
    h->relocatable_kernel = b[HDR_RELOCATABLE];
    h->min_alignment = b[HDR_MIN_ALIGNMENT];
    h->kernel_alignment = (uint32_t)kxl_rd(b + HDR_KERNEL_ALIGN, 4);
    h->cmdline_size = (uint32_t)kxl_rd(b + HDR_CMDLINE_SIZE, 4);
    h->init_size = (uint32_t)kxl_rd(b + HDR_INIT_SIZE, 4);
    h->payload_offset = (uint32_t)kxl_rd(b + HDR_PAYLOAD_OFFSET, 4);
    h->payload_length = (uint32_t)kxl_rd(b + HDR_PAYLOAD_LENGTH, 4);
    h->pref_address = kxl_rd(b + HDR_PREF_ADDRESS, 8);
    h->hdr_end = 0x202 + b[HDR_JUMP_END];
    if (h->hdr_end > HDR_MAX_END)
        h->hdr_end = HDR_MAX_END;
    if (h->version < KXLL_BOOT_PROTOCOL_MIN)
        return KXLL_EVERSION;
    if (!(h->loadflags & LOADED_HIGH))
        return KXLL_ELOADHIGH;
    if ((h->xloadflags & (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G)) !=
        (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G))
        return KXLL_ENO64;
    if (!h->relocatable_kernel)
        return KXLL_ERELOC;
    if (h->kernel_alignment < PG ||
        (h->kernel_alignment & (h->kernel_alignment - 1)) || !h->init_size)
        return KXLL_EHEADER;
    sects = h->setup_sects ? h->setup_sects : 4;
    h->pm_offset = (sects + 1) * 512;
    syssize = kxl_rd(b + HDR_SYSSIZE, 4) * 16;
    if (h->pm_offset >= size || syssize > size - h->pm_offset)
        return KXLL_ETRUNC;
    h->pm_size = size - h->pm_offset;
    return KXLL_OK;
}

/* ---- the e820 ---------------------------------------------------------- */

static int add_e820(struct e820_entry *out, uint32_t cap, uint32_t *n,
                    uint64_t addr, uint64_t size, uint32_t type)
{
    if (!size)
        return KXLL_OK;
    if (*n == cap)
        return KXLL_EE820;
    out[(*n)++] = (struct e820_entry){ .addr = addr,
                                       .size = size,
                                       .type = type };
    return KXLL_OK;
}

int kxl_linux_e820(const struct kxl_linux_req *req, struct e820_entry *out,
                   uint32_t cap)
{
    uint64_t rs = kxl_maddr_val(req->region_start), re = rs + req->region_size;
    uint64_t hs = kxl_maddr_val(req->elfcorehdr_maddr);
    uint64_t he = hs + req->elfcorehdr_size;
    uint32_t n = 0;
    int rc = KXLL_OK;

    for (uint32_t i = 0; !rc && i < req->nr_mem; i++) {
        const struct e820_entry *m = &req->mem[i];

        if (req->type != KEXEC_TYPE_CRASH)
            rc = add_e820(out, cap, &n, m->addr, m->size, m->type);
        else if (m->type != E820_RAM)
            rc = add_e820(out, cap, &n, m->addr, m->size, m->type);
        else if (m->addr < KXLL_LOW_RAM_END)
            rc = add_e820(out, cap, &n, m->addr,
                          (m->addr + m->size < KXLL_LOW_RAM_END
                               ? m->addr + m->size
                               : KXLL_LOW_RAM_END) -
                              m->addr,
                          E820_RAM);
    }
    if (!rc && req->type == KEXEC_TYPE_CRASH) {
        if (!req->elfcorehdr_size || he <= rs || hs >= re) {
            rc = add_e820(out, cap, &n, rs, re - rs, E820_RAM);
        } else {
            rc = add_e820(out, cap, &n, rs, hs > rs ? hs - rs : 0, E820_RAM);
            if (!rc)
                rc = add_e820(out, cap, &n, he, he < re ? re - he : 0,
                              E820_RAM);
        }
    }
    if (rc)
        return rc;
    /* Sorted by address (insertion sort: a few dozen entries). */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && out[j - 1].addr > out[j].addr; j--) {
            struct e820_entry t = out[j];

            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return (int)n;
}

/* ---- boot_params and the command line ------------------------------------ */

static int fill_cmdline(const struct kxl_linux_req *req,
                        const struct kxl_linux_header *h, char *page,
                        uint32_t *len_out)
{
    size_t n = kxl_strlen(req->cmdline), k = 0;

    if (n >= PG)
        return KXLL_ECMDLINE;
    kxl_zero(page, PG);
    for (size_t i = 0; i < n; i++)
        page[k++] = req->cmdline[i];
    if (req->type == KEXEC_TYPE_CRASH) {
        static const char key[] = " elfcorehdr=";
        char digits[24];
        unsigned int nd = 0;
        uint64_t v = kxl_maddr_val(req->elfcorehdr_maddr) >> 10;

        if (!n)
            k = 0; /* no leading space on an empty line */
        for (const char *p = n ? key : key + 1; *p; p++)
            if (k < PG - 1)
                page[k++] = *p;
        do {
            digits[nd++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (nd && k < PG - 2)
            page[k++] = digits[--nd];
        page[k++] = 'K';
    }
    page[k < PG ? k : PG - 1] = '\0';
    if (k > h->cmdline_size || k >= PG)
        return KXLL_ECMDLINE;
    *len_out = (uint32_t)k;
    return KXLL_OK;
}

static int fill_boot_params(const struct kxl_linux_req *req,
                            const struct kxl_linux_result *res, uint8_t *bp)
{
    const uint8_t *b = req->bzimage;
    struct e820_entry e820[KXLL_E820_MAX];
    int n = kxl_linux_e820(req, e820, KXLL_E820_MAX);
    uint64_t cl = kxl_maddr_val(res->cmdline_maddr);
    uint64_t rd = kxl_maddr_val(res->initrd_maddr);

    if (n < 0)
        return n;
    kxl_zero(bp, PG);
    for (uint32_t o = HDR_SETUP_SECTS; o < res->hdr.hdr_end; o++)
        bp[o] = b[o];
    bp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNKNOWN;
    bp[HDR_LOADFLAGS] = LOADED_HIGH;
    kxl_wr(bp + HDR_CMD_LINE_PTR, (uint32_t)cl, 4);
    kxl_wr(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(cl >> 32), 4);
    if (rd) {
        kxl_wr(bp + HDR_RAMDISK_IMAGE, (uint32_t)rd, 4);
        kxl_wr(bp + BP_EXT_RAMDISK_IMG, (uint32_t)(rd >> 32), 4);
        kxl_wr(bp + HDR_RAMDISK_SIZE, (uint32_t)req->initrd_size, 4);
        kxl_wr(bp + BP_EXT_RAMDISK_SIZE,
               (uint32_t)((uint64_t)req->initrd_size >> 32), 4);
    }
    kxl_wr(bp + BP_ACPI_RSDP, kxl_maddr_val(req->acpi_rsdp), 8);
    bp[BP_E820_ENTRIES] = (uint8_t)n;
    for (int i = 0; i < n; i++) {
        uint8_t *e = bp + BP_E820_TABLE + 20 * i;

        kxl_wr(e, e820[i].addr, 8);
        kxl_wr(e + 8, e820[i].size, 8);
        kxl_wr(e + 16, e820[i].type, 4);
    }
    return KXLL_OK;
}

/* ---- the whole ------------------------------------------------------------ */

static void add_seg(struct kxl_linux_result *res, const char *name,
                    kxl_maddr_t dest, uint64_t memsz, uint64_t lead_zero,
                    const void *data, uint64_t filesz)
{
    if (res->nr_segs < KXLL_MAX_SEGS)
        res->segs[res->nr_segs++] = (struct kxl_linux_segment){
            .name = name,
            .dest = dest,
            .memsz = memsz,
            .lead_zero = lead_zero,
            .data = data,
            .filesz = filesz
        };
}

/* Append one part's entries after the n already in ents. */
static int append(struct kxl_linux_result *res, int rc,
                  const struct kxl_result *r)
{
    res->nr_entries += r->nr_entries;
    if (rc) {
        res->kxl_error = rc;
        res->where = r->where;
        return KXLL_EBUILD;
    }
    return KXLL_OK;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) & ~(a - 1);
}

/* The kernel's place: K and its size; KXLL_EKERNELFIT if it does not fit. */
static bool kernel_fits(const struct kxl_linux_req *req,
                        const struct kxl_linux_result *res, kxl_maddr_t limit,
                        kxl_maddr_t *k_out)
{
    uint64_t start = kxl_maddr_val(req->region_start), k;
    uint64_t end = kxl_maddr_val(limit);

    if (res->hdr.pref_address > start && res->hdr.pref_address < end)
        start = res->hdr.pref_address;
    k = align_up(start, res->kernel_align);
    *k_out = kxl_maddr(k);
    return k >= start && k < end && res->kernel_size <= end - k;
}

static int place_kernel(const struct kxl_linux_req *req,
                        struct kxl_linux_result *res, uint64_t align,
                        uint64_t span)
{
    res->kernel_align = align;
    res->kernel_size = span;
    if (!kernel_fits(req, res, res->usable_end, &res->kernel_maddr))
        return KXLL_EKERNELFIT;
    return KXLL_OK;
}

static int build_kernel(const struct kxl_linux_req *req,
                        const struct kxl_env *env, struct kexec_entry *ents,
                        size_t cap, struct kxl_linux_result *res)
{
    struct kxl_result r;
    int rc;

    if (req->vmlinux) {
        struct kxl_request kr = { .elf = req->vmlinux,
                                  .elf_size = req->vmlinux_size,
                                  .type = req->type,
                                  .by_paddr = true };
        uint64_t span;

        /* Once to learn the span (placed as linked, no entries), then at K. */
        rc = kxl_build(&kr, env, NULL, 0, &r);
        if (rc && rc != KXL_E2BIG) {
            res->kxl_error = rc;
            res->where = r.where;
            return KXLL_EVMLINUX;
        }
        span = kxl_maddr_diff(r.image_end, r.base);
        if (span > PG_UP((uint64_t)res->hdr.init_size)) {
            res->kxl_error = KXL_OK;
            return KXLL_EVMLINUX;
        }
        rc = place_kernel(req, res,
                          KXLL_VMLINUX_ALIGN > res->hdr.kernel_alignment
                              ? KXLL_VMLINUX_ALIGN
                              : res->hdr.kernel_alignment,
                          span);
        if (rc)
            return rc;
        kr.base = res->kernel_maddr;
        kr.region_start = req->region_start;
        kr.region_size = kxl_maddr_diff(res->usable_end, req->region_start);
        rc = kxl_build(&kr, env, ents, cap, &r);
        res->entry_maddr = r.entry_maddr;
        res->fast = true;
        for (uint32_t i = 0; !rc && i < r.nr_segments; i++) {
            const struct kxl_placed *p = &r.placed[i];

            add_seg(res, "vmlinux", p->first, kxl_maddr_diff(p->end, p->first),
                    kxl_maddr_diff(p->dest, p->first),
                    (const uint8_t *)req->vmlinux + p->file_offset, p->filesz);
        }
        return append(res, rc, &r);
    }

    rc = place_kernel(req, res, res->hdr.kernel_alignment,
                      PG_UP((uint64_t)res->hdr.init_size > res->hdr.pm_size
                                ? res->hdr.init_size
                                : res->hdr.pm_size));
    if (rc)
        return rc;
    {
        struct kxl_raw raw = {
            .buf = (const uint8_t *)req->bzimage + res->hdr.pm_offset,
            .filesz = res->hdr.pm_size,
            .memsz = res->kernel_size,
            .dest = res->kernel_maddr,
            .region_start = req->region_start,
            .region_size = kxl_maddr_diff(res->usable_end, req->region_start)
        };

        rc = kxl_build_raw(&raw, env, ents, cap, &r);
    }
    res->entry_maddr = kxl_maddr_add(res->kernel_maddr, ENTRY64_OFFSET);
    if (!rc)
        add_seg(res, "kernel", res->kernel_maddr, res->kernel_size, 0,
                (const uint8_t *)req->bzimage + res->hdr.pm_offset,
                res->hdr.pm_size);
    return append(res, rc, &r);
}

/* A page the loader writes itself (boot_params, the command line). */
static int build_page(const struct kxl_env *env, struct kexec_entry *ents,
                      size_t cap, kxl_maddr_t dest,
                      struct kxl_linux_result *res, void **va)
{
    struct kxl_frame f = { .va = NULL };

    if (env->bounce(env->ctx, &f) || !f.va || kxl_mfn_eq(f.mfn, KXL_NO_MFN)) {
        res->kxl_error = KXL_EBOUNCE;
        return KXLL_EBUILD;
    }
    if (cap < 2) {
        res->kxl_error = KXL_E2BIG;
        return KXLL_EBUILD;
    }
    ents[0] = (struct kexec_entry){ .op = KEXEC_OP_DEST,
                                    .arg0 = kxl_maddr_val(dest) };
    ents[1] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                    .arg0 = kxl_mfn_val(f.mfn),
                                    .arg1 = 1 };
    res->nr_entries += 2;
    *va = f.va;
    return KXLL_OK;
}

int kxl_linux_build(const struct kxl_linux_req *req, const struct kxl_env *env,
                    struct kexec_entry *ents, size_t cap,
                    struct kxl_linux_result *res)
{
    uint64_t rs, top;
    void *bp, *cl;
    int rc;

    if (!res)
        return KXLL_EARG;
    kxl_zero(res, sizeof(*res));
    res->where = KXL_WHERE_NONE;
    if (!req)
        return KXLL_EARG;
    rs = kxl_maddr_val(req->region_start);
    if (!env || !env->bounce || !env->va_to_mfn || (!ents && cap) ||
        !req->cmdline || (req->initrd_size && !req->initrd) ||
        (req->type != KEXEC_TYPE_CRASH && req->type != KEXEC_TYPE_DEFAULT) ||
        (rs | req->region_size | req->reserve_top) & (PG - 1) ||
        req->reserve_top >= req->region_size || rs + req->region_size < rs)
        return KXLL_EARG;
    rc = kxl_linux_parse(req->bzimage, req->bzimage_size, &res->hdr);
    if (rc)
        return rc;
    res->usable_end = kxl_maddr(rs + req->region_size - req->reserve_top);

    /* From the top down: boot_params, the command line, the initrd. */
    top = kxl_maddr_val(res->usable_end);
    if (top - rs < 2 * PG)
        return KXLL_EKERNELFIT;
    res->boot_params_maddr = kxl_maddr(top - PG);
    res->cmdline_maddr = kxl_maddr(top - 2 * PG);
    top -= 2 * PG;
    if (req->initrd_size) {
        uint64_t sz = PG_UP((uint64_t)req->initrd_size);

        if (sz > top - rs)
            return KXLL_EINITRDFIT;
        top -= sz;
        res->initrd_maddr = kxl_maddr(top);
    }

    {
        /* The kernel below all of them. */
        kxl_maddr_t saved_end = res->usable_end;

        res->usable_end = kxl_maddr(top);
        rc = build_kernel(req, env, ents, cap, res);
        res->usable_end = saved_end;
        if (rc == KXLL_EKERNELFIT && req->initrd_size) {
            kxl_maddr_t k;

            /* The kernel would fit without the initrd: the initrd's fault. */
            if (kernel_fits(req, res, res->cmdline_maddr, &k))
                rc = KXLL_EINITRDFIT;
        }
        if (rc)
            return rc;
    }

    if (req->initrd_size) {
        struct kxl_raw raw = { .buf = req->initrd,
                               .filesz = req->initrd_size,
                               .memsz = PG_UP((uint64_t)req->initrd_size),
                               .dest = res->initrd_maddr };
        struct kxl_result r;

        rc = append(res,
                    kxl_build_raw(&raw, env, ents + res->nr_entries,
                                  cap - res->nr_entries, &r),
                    &r);
        if (rc)
            return rc;
        add_seg(res, "initrd", res->initrd_maddr, raw.memsz, 0, req->initrd,
                req->initrd_size);
    }

    rc = build_page(env, ents + res->nr_entries, cap - res->nr_entries,
                    res->cmdline_maddr, res, &cl);
    if (rc)
        return rc;
    rc = fill_cmdline(req, &res->hdr, cl, &res->cmdline_len);
    if (rc)
        return rc;
    res->cmdline = cl;
    add_seg(res, "cmdline", res->cmdline_maddr, PG, 0, cl, PG);

    rc = build_page(env, ents + res->nr_entries, cap - res->nr_entries,
                    res->boot_params_maddr, res, &bp);
    if (rc)
        return rc;
    rc = fill_boot_params(req, res, bp);
    if (rc)
        return rc;
    res->nr_e820 = ((uint8_t *)bp)[BP_E820_ENTRIES];
    add_seg(res, "boot_params", res->boot_params_maddr, PG, 0, bp, PG);
    return KXLL_OK;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UEFI entry: the firmware starts hv.efi at efi_main(), at whatever
 * physical address it loaded the PE image, on its own 1:1 page tables,
 * having applied the PE base relocations for that address.  The code is
 * position independent, so it runs there as it is.  Under boot services:
 *
 *   1. find the image (loaded image protocol) and its volume;
 *   2. read the config file next to the image (BOOTX64.EFI ->
 *      BOOTX64.CFG):  "options=<command line>" and "module=<FILE> [args]"
 *      lines, dom0 first, '#' comments;
 *   3. load each module into pages below 4 GiB;
 *   4. find the ACPI RSDP in the configuration table;
 *   5. build transitional page tables from a pool inside the image's
 *      .bss (so start_hv() sees it as part of the busy image): the low
 *      4 GiB 1:1 in 2 MiB pages, the image at HV_VIRT_START in 4 KiB pages;
 *   6. get the memory map and exit boot services; convert the map;
 *   7. re-apply the base relocations for HV_VIRT_START, so that every
 *      absolute pointer in the image matches the high mapping, and jump
 *      through efi-stub.S to boot_common_high (head.S) at its high address,
 *      which continues as the Multiboot path does into start_hv().
 *
 * Messages go to the firmware console (ConOut), as printk() is not usable
 * before start_hv().  After the relocations of step 7 no statically
 * initialised pointer may be used until running high; nothing is, as the
 * stub jumps straight away.
 */
#include <asm/config.h>
#include <asm/efi.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <hv/boot-info.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>

#define PT_POOL_PAGES   64
#define CONFIG_MAX_SIZE KiB(64)
#define PATH_MAX_CHARS  512
#define MODULE_MAX_ADDR 0xffffffffUL
#define X86_CR4_LA57    (1UL << 12)

/* efi-stub.S: load cr3, jump to entry (the high boot_common_high). */
__noreturn void efi_enter_hv(uint64_t cr3, uint64_t entry);
extern char boot_common_high[];

static const char efi_loader_name[] = "UEFI";

static efi_system_table_t *efi_st;
static efi_boot_services_t *efi_bs;

/* Tables of the transitional page tables: inside the image, so busy. */
static pte_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __section(".bss.page_aligned")
    __aligned(PAGE_SIZE);
static unsigned int pt_pool_used;

/* The memory map usually fits here; a pool allocation otherwise. */
static uint64_t mmap_static[KiB(32) / sizeof(uint64_t)];

/* What the PE headers and the loaded image protocol tell us. */
struct image_info {
    uint64_t base; /* physical address of the headers (RVA 0) */
    uint64_t size; /* bytes, page aligned */
    uint32_t reloc_rva, reloc_size;
};

/* ---- console ------------------------------------------------------------ */

static void efi_puts(const char *s)
{
    efi_char16_t buf[128];
    unsigned int n = 0;

    if (!efi_st || !efi_st->con_out)
        return;
    while (*s) {
        if (*s == '\n')
            buf[n++] = '\r';
        buf[n++] = (unsigned char)*s++;
        if (n >= ARRAY_SIZE(buf) - 2 || !*s) {
            buf[n] = 0;
            efi_st->con_out->output_string(efi_st->con_out, buf);
            n = 0;
        }
    }
}

static void __printf(1, 2) efi_printf(const char *fmt, ...)
{
    char buf[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    efi_puts(buf);
}

#define efi_info(fmt, ...) efi_printf("hv-efi: " fmt "\n", ##__VA_ARGS__)
#define efi_warn(fmt, ...)                                                     \
    efi_printf("hv-efi: warning: " fmt "\n", ##__VA_ARGS__)
#define efi_err(fmt, ...) efi_printf("hv-efi: error: " fmt "\n", ##__VA_ARGS__)

/* For the status codes in messages: the low bits without the error bit. */
static unsigned long st_code(efi_status_t s)
{
    return (unsigned long)(s & ~EFI_ERROR_BIT);
}

/* UTF-16 path for messages (ASCII only, anything else as '?'). */
static const char *path_ascii(const efi_char16_t *p, char *buf, size_t size)
{
    size_t i;

    for (i = 0; i + 1 < size && p[i]; i++)
        buf[i] = p[i] < 0x80 ? (char)p[i] : '?';
    buf[i] = 0;
    return buf;
}

/* ---- UTF-16 paths ------------------------------------------------------- */

static size_t wstrlen(const efi_char16_t *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* Append ASCII src to the UTF-16 string dst of max chars; false if full. */
static bool wstr_append_ascii(efi_char16_t *dst, size_t max, const char *src)
{
    size_t n = wstrlen(dst);

    for (; *src; src++) {
        if (n + 1 >= max)
            return false;
        dst[n++] = *src == '/' ? '\\' : (unsigned char)*src;
    }
    dst[n] = 0;
    return true;
}

/*
 * The image's own path on its volume, from the file path nodes of the
 * loaded image's device path (there may be several, to be joined).
 */
static bool image_file_path(const efi_device_path_t *dp, efi_char16_t *out,
                            size_t max)
{
    size_t n = 0;

    out[0] = 0;
    for (unsigned int guard = 0; dp && guard < 64; guard++) {
        unsigned int len = dp->length[0] | (dp->length[1] << 8);

        if (dp->type == EFI_DP_TYPE_END || len < sizeof(*dp))
            break;
        if (dp->type == EFI_DP_TYPE_MEDIA &&
            dp->subtype == EFI_DP_MEDIA_FILE_PATH) {
            /* PathName may be unaligned: read it byte-wise. */
            const uint8_t *name = (const uint8_t *)(dp + 1);
            size_t chars = (len - sizeof(*dp)) / 2;

            if (n && out[n - 1] != '\\' && chars && name[0] != '\\') {
                if (n + 1 >= max)
                    return false;
                out[n++] = '\\';
            }
            for (size_t i = 0; i < chars; i++) {
                efi_char16_t c = name[2 * i] | (name[2 * i + 1] << 8);

                if (!c)
                    break;
                if (n + 1 >= max)
                    return false;
                out[n++] = c == '/' ? '\\' : c;
            }
            out[n] = 0;
        }
        dp = (const void *)((const uint8_t *)dp + len);
    }
    return n != 0;
}

/*
 * From the image path, the config path (extension replaced by .CFG) and
 * the directory (with its trailing backslash) module names are relative to.
 */
static bool config_paths(const efi_char16_t *image, efi_char16_t *cfg,
                         efi_char16_t *dir, size_t max)
{
    size_t len = wstrlen(image), slash = 0, dot = len;
    bool have_slash = false;

    if (len + 5 >= max)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (image[i] == '\\') {
            slash = i;
            have_slash = true;
            dot = len;
        } else if (image[i] == '.') {
            dot = i;
        }
    }
    memcpy(cfg, image, dot * sizeof(*cfg));
    cfg[dot] = 0;
    wstr_append_ascii(cfg, max, ".CFG");

    if (have_slash) {
        memcpy(dir, image, (slash + 1) * sizeof(*dir));
        dir[slash + 1] = 0;
    } else {
        dir[0] = '\\';
        dir[1] = 0;
    }
    return true;
}

/* ---- files -------------------------------------------------------------- */

static efi_status_t file_size(efi_file_t *f, uint64_t *size)
{
    efi_guid_t guid = EFI_FILE_INFO_ID;
    uint64_t buf[160]; /* 8-byte aligned efi_file_info_t and a long name */
    uint64_t len = sizeof(buf);
    void *info = buf;
    efi_status_t s;

    s = f->get_info(f, &guid, &len, info);
    if (s == EFI_BUFFER_TOO_SMALL) {
        s = efi_bs->allocate_pool(EFI_LOADER_DATA, len, &info);
        if (EFI_IS_ERROR(s))
            return s;
        s = f->get_info(f, &guid, &len, info);
    }
    if (!EFI_IS_ERROR(s))
        *size = ((efi_file_info_t *)info)->file_size;
    if (info != buf)
        efi_bs->free_pool(info);
    return s;
}

static efi_status_t read_all(efi_file_t *f, void *buf, uint64_t size)
{
    uint8_t *p = buf;

    while (size) {
        uint64_t n = size;
        efi_status_t s = f->read(f, &n, p);

        if (EFI_IS_ERROR(s))
            return s;
        if (!n)
            return EFI_LOAD_ERROR; /* shorter than its size said */
        p += n;
        size -= n;
    }
    return EFI_SUCCESS;
}

static efi_status_t open_file(efi_file_t *root, efi_char16_t *path,
                              efi_file_t **f)
{
    return root->open(root, f, path, EFI_FILE_MODE_READ, 0);
}

/* ---- modules and the config file ---------------------------------------- */

static void free_modules(void)
{
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        efi_bs->free_pages(maddr_x(boot_info.modules[i].start),
                           MAX(ROUNDUP(boot_info.modules[i].size, PAGE_SIZE) >>
                                   PAGE_SHIFT,
                               1UL));
    boot_info.nr_modules = 0;
}

static efi_status_t load_module(efi_file_t *root, const efi_char16_t *dir,
                                const char *name, const char *args)
{
    efi_char16_t path[PATH_MAX_CHARS];
    struct boot_module *m;
    efi_physical_addr_t addr = MODULE_MAX_ADDR;
    uint64_t size = 0, pages;
    efi_file_t *f;
    efi_status_t s;

    if (boot_info.nr_modules >= BOOT_MAX_MODULES) {
        efi_err("module %s: more than %u modules", name, BOOT_MAX_MODULES);
        return EFI_OUT_OF_RESOURCES;
    }
    /* Relative to the config's directory, unless it starts at the root. */
    path[0] = 0;
    if (name[0] != '\\' && name[0] != '/') {
        size_t n = wstrlen(dir);

        if (n >= ARRAY_SIZE(path))
            return EFI_BAD_BUFFER_SIZE;
        memcpy(path, dir, (n + 1) * sizeof(*path));
    }
    if (!wstr_append_ascii(path, ARRAY_SIZE(path), name)) {
        efi_err("module %s: path too long", name);
        return EFI_BAD_BUFFER_SIZE;
    }

    s = open_file(root, path, &f);
    if (EFI_IS_ERROR(s)) {
        char a[PATH_MAX_CHARS];

        efi_err("cannot open module %s (%s): status %lu", name,
                path_ascii(path, a, sizeof(a)), st_code(s));
        return s;
    }
    s = file_size(f, &size);
    if (EFI_IS_ERROR(s)) {
        efi_err("module %s: cannot get its size: status %lu", name, st_code(s));
        f->close(f);
        return s;
    }
    pages = MAX(ROUNDUP(size, PAGE_SIZE) >> PAGE_SHIFT, 1UL);
    s = efi_bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages,
                               &addr);
    if (EFI_IS_ERROR(s)) {
        efi_err("module %s: no memory below 4 GiB for %lu bytes: status %lu",
                name, (unsigned long)size, st_code(s));
        f->close(f);
        return s;
    }
    s = read_all(f, (void *)addr, size);
    f->close(f);
    if (EFI_IS_ERROR(s)) {
        efi_err("module %s: read failed: status %lu", name, st_code(s));
        efi_bs->free_pages(addr, pages);
        return s;
    }

    m = &boot_info.modules[boot_info.nr_modules++];
    m->start = _maddr(addr);
    m->size = size;
    if (strlcpy(m->cmdline, args, sizeof(m->cmdline)) >= sizeof(m->cmdline))
        efi_warn("module %s: arguments truncated to %zu characters", name,
                 sizeof(m->cmdline) - 1);
    efi_info("module %u: %s, %lu bytes at %#lx", boot_info.nr_modules - 1, name,
             (unsigned long)size, (unsigned long)addr);
    return EFI_SUCCESS;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* text is NUL terminated; it is modified in place. */
static efi_status_t parse_config(char *text, efi_file_t *root,
                                 const efi_char16_t *dir)
{
    char *p = text;
    unsigned int lineno = 0;

    if (!strncmp(p, "\xef\xbb\xbf", 3)) /* UTF-8 byte order mark */
        p += 3;
    while (*p) {
        char *line = p, *end;

        while (*p && *p != '\n')
            p++;
        end = p;
        if (*p)
            *p++ = 0;
        lineno++;

        while (end > line && is_blank(end[-1]))
            *--end = 0;
        while (is_blank(*line))
            line++;
        if (!*line || *line == '#')
            continue;

        if (!strncmp(line, "options=", 8)) {
            if (strlcpy(boot_info.cmdline, line + 8,
                        sizeof(boot_info.cmdline)) >= sizeof(boot_info.cmdline))
                efi_warn("command line truncated to %zu characters",
                         sizeof(boot_info.cmdline) - 1);
        } else if (!strncmp(line, "module=", 7)) {
            char *name = line + 7, *args;
            efi_status_t s;

            while (is_blank(*name))
                name++;
            args = name;
            while (*args && !is_blank(*args))
                args++;
            if (*args)
                *args++ = 0;
            while (is_blank(*args))
                args++;
            if (!*name) {
                efi_err("config line %u: module= without a file name", lineno);
                return EFI_INVALID_PARAMETER;
            }
            s = load_module(root, dir, name, args);
            if (EFI_IS_ERROR(s))
                return s;
        } else {
            efi_warn("config line %u ignored: %s", lineno, line);
        }
    }
    return EFI_SUCCESS;
}

static efi_status_t read_config(efi_file_t *root, efi_char16_t *cfg_path,
                                const efi_char16_t *dir)
{
    char a[PATH_MAX_CHARS];
    efi_file_t *f;
    uint64_t size = 0;
    void *text;
    efi_status_t s;

    path_ascii(cfg_path, a, sizeof(a));
    s = open_file(root, cfg_path, &f);
    if (EFI_IS_ERROR(s)) {
        efi_warn("no config file %s (status %lu): empty command line, "
                 "no modules",
                 a, st_code(s));
        return EFI_SUCCESS;
    }
    s = file_size(f, &size);
    if (!EFI_IS_ERROR(s) && size > CONFIG_MAX_SIZE) {
        efi_err("config file %s is larger than %lu bytes", a,
                (unsigned long)CONFIG_MAX_SIZE);
        s = EFI_BAD_BUFFER_SIZE;
    }
    if (!EFI_IS_ERROR(s))
        s = efi_bs->allocate_pool(EFI_LOADER_DATA, size + 1, &text);
    if (EFI_IS_ERROR(s)) {
        efi_err("config file %s: status %lu", a, st_code(s));
        f->close(f);
        return s;
    }
    s = read_all(f, text, size);
    f->close(f);
    if (EFI_IS_ERROR(s)) {
        efi_err("reading config file %s: status %lu", a, st_code(s));
    } else {
        ((char *)text)[size] = 0;
        efi_info("config file %s", a);
        s = parse_config(text, root, dir);
    }
    efi_bs->free_pool(text);
    return s;
}

/* ---- ACPI ----------------------------------------------------------------- */

static void find_rsdp(void)
{
    efi_guid_t acpi20 = EFI_ACPI_20_TABLE_GUID, acpi10 = EFI_ACPI_10_TABLE_GUID;
    uint64_t rsdp20 = 0, rsdp10 = 0;

    for (uint64_t i = 0; i < efi_st->number_of_table_entries; i++) {
        const efi_configuration_table_t *t = &efi_st->configuration_table[i];

        if (!memcmp(&t->vendor_guid, &acpi20, sizeof(acpi20)))
            rsdp20 = (uint64_t)t->vendor_table;
        else if (!memcmp(&t->vendor_guid, &acpi10, sizeof(acpi10)))
            rsdp10 = (uint64_t)t->vendor_table;
    }
    boot_info.rsdp = _maddr(rsdp20 ? rsdp20 : rsdp10);
    if (!maddr_x(boot_info.rsdp))
        efi_warn("no ACPI table in the UEFI configuration table");
}

/* ---- the PE image ------------------------------------------------------- */

/* Read the headers at base and check the relocation directory. */
static bool pe_image_info(uint64_t base, uint64_t loaded_size,
                          struct image_info *ii)
{
    const uint8_t *img = (const uint8_t *)base;
    const struct pe_coff_header *coff;
    const struct pe32plus_opt_header *opt;
    uint32_t lfanew, off;
    uint64_t size;

    if (*(const uint16_t *)img != PE_DOS_MAGIC)
        return false;
    lfanew = *(const uint32_t *)(img + PE_DOS_LFANEW);
    if (lfanew > PAGE_SIZE - sizeof(*coff) - sizeof(*opt) - 4 - 8 * 16 ||
        *(const uint32_t *)(img + lfanew) != PE_SIGNATURE)
        return false;
    coff = (const void *)(img + lfanew + 4);
    opt = (const void *)(coff + 1);
    if (opt->magic != PE_OPT_MAGIC_PE32PLUS ||
        opt->number_of_rva_and_sizes <= PE_DIR_BASERELOC)
        return false;

    size = ROUNDUP(MAX((uint64_t)opt->size_of_image, loaded_size), PAGE_SIZE);
    ii->base = base;
    ii->size = size;
    ii->reloc_rva = opt->data_dir[PE_DIR_BASERELOC].rva;
    ii->reloc_size = opt->data_dir[PE_DIR_BASERELOC].size;
    if ((uint64_t)ii->reloc_rva + ii->reloc_size > size)
        return false;

    /* Walk the blocks once: every entry must be one we can handle. */
    for (off = 0; off + sizeof(struct pe_reloc_block) <= ii->reloc_size;) {
        const struct pe_reloc_block *b = (const void *)(img + ii->reloc_rva +
                                                        off);
        const uint16_t *e = (const uint16_t *)(b + 1);
        unsigned int n;

        if (!b->block_size)
            break; /* zero padding up to the section's alignment */
        if (b->block_size < sizeof(*b) || b->block_size > ii->reloc_size - off)
            return false;
        n = (b->block_size - sizeof(*b)) / sizeof(*e);
        for (unsigned int i = 0; i < n; i++) {
            unsigned int type = PE_REL_TYPE(e[i]);
            uint64_t at = (uint64_t)b->page_rva + PE_REL_OFFSET(e[i]);

            if (type == PE_REL_BASED_ABSOLUTE || type == PE_REL_BASED_HIGHLOW)
                continue;
            if (type != PE_REL_BASED_DIR64 || at + 8 > size)
                return false;
        }
        off += b->block_size;
    }
    return true;
}

/*
 * Add delta to every DIR64 target.  The firmware applied these for the
 * load address; applying them again with HV_VIRT_START - base leaves each
 * pointer as linked, i.e. pointing into the high mapping.  HIGHLOW ones
 * belong to the 32-bit Multiboot entry, which never runs here.
 */
static void pe_relocate(const struct image_info *ii, uint64_t delta)
{
    uint8_t *img = (uint8_t *)ii->base;

    for (uint32_t off = 0;
         off + sizeof(struct pe_reloc_block) <= ii->reloc_size;) {
        const struct pe_reloc_block *b = (const void *)(img + ii->reloc_rva +
                                                        off);
        const uint16_t *e = (const uint16_t *)(b + 1);
        unsigned int n;

        if (!b->block_size)
            break;
        n = (b->block_size - sizeof(*b)) / sizeof(*e);
        for (unsigned int i = 0; i < n; i++)
            if (PE_REL_TYPE(e[i]) == PE_REL_BASED_DIR64)
                *(uint64_t *)(img + b->page_rva + PE_REL_OFFSET(e[i])) += delta;
        off += b->block_size;
    }
}

/* ---- transitional page tables ------------------------------------------ */

static mfn_t pool_alloc_table(void *ctx)
{
    pte_t *t;

    if (pt_pool_used >= PT_POOL_PAGES)
        return INVALID_MFN;
    t = pt_pool[pt_pool_used++];
    memset(t, 0, PAGE_SIZE);
    return maddr_to_mfn(_maddr((uint64_t)t)); /* running 1:1: va == pa */
}

static pte_t *pool_table_va(void *ctx, mfn_t mfn)
{
    return (pte_t *)maddr_x(mfn_to_maddr(mfn));
}

/*
 * The low 4 GiB 1:1 (where we run until the jump, and where start_hv()
 * reaches boot memory until its own tables), the image at HV_VIRT_START,
 * and the image 1:1 as well should the firmware have put it above 4 GiB.
 */
static bool build_page_tables(const struct image_info *ii, mfn_t *root)
{
    struct pt_ops ops;
    uint64_t pages = ii->size >> PAGE_SHIFT;
    int rc;

    ops.alloc_table = pool_alloc_table;
    ops.table_va = pool_table_va;
    ops.ctx = NULL;

    *root = pool_alloc_table(NULL);
    rc = map_pages(&ops, *root, _vaddr(0), _mfn(0), GiB(4) >> PAGE_SHIFT,
                   _PAGE_PRESENT | _PAGE_RW);
    if (!rc)
        rc = map_pages(&ops, *root, _vaddr(HV_VIRT_START),
                       maddr_to_mfn(_maddr(ii->base)), pages,
                       _PAGE_PRESENT | _PAGE_RW | MAP_SMALL_ONLY);
    if (!rc && ii->base + ii->size > GiB(4))
        rc = map_pages(&ops, *root, _vaddr(ii->base),
                       maddr_to_mfn(_maddr(ii->base)), pages,
                       _PAGE_PRESENT | _PAGE_RW | MAP_SMALL_ONLY);
    if (rc)
        efi_err("building the page tables failed (%d, %u of %u pages used)", rc,
                pt_pool_used, PT_POOL_PAGES);
    return !rc;
}

/* ---- memory map and exit -------------------------------------------------- */

static uint32_t efi_to_mem_type(uint32_t t)
{
    switch (t) {
    case EFI_CONVENTIONAL_MEMORY:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
        return MEM_RAM;
    case EFI_ACPI_RECLAIM_MEMORY:
        return MEM_ACPI;
    case EFI_ACPI_MEMORY_NVS:
        return MEM_NVS;
    case EFI_UNUSABLE_MEMORY:
        return MEM_UNUSABLE;
    default:
        return MEM_RESERVED;
    }
}

/* Runs after ExitBootServices: no allocation, no firmware call. */
static void convert_memory_map(const uint8_t *map, uint64_t map_size,
                               uint64_t desc_size)
{
    struct boot_info *bi = &boot_info;

    bi->nr_mem = 0;
    for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
        const efi_memory_descriptor_t *d = (const void *)(map + off);
        uint64_t start = d->physical_start;
        uint64_t size = d->number_of_pages << EFI_PAGE_SHIFT;
        uint32_t type = efi_to_mem_type(d->type);
        unsigned int i;

        if (!size)
            continue;
        /* Extend a region this one continues (the map is mostly sorted). */
        for (i = bi->nr_mem; i-- > 0;) {
            struct mem_region *r = &bi->mem[i];

            if (r->type != type)
                continue;
            if (maddr_x(r->start) + r->size == start) {
                r->size += size;
                break;
            }
            if (start + size == maddr_x(r->start)) {
                r->start = _maddr(start);
                r->size += size;
                break;
            }
        }
        if (i < bi->nr_mem)
            continue;
        if (bi->nr_mem < BOOT_MAX_MEM_REGIONS)
            bi->mem[bi->nr_mem++] = (struct mem_region){ _maddr(start), size,
                                                         type };
        /* else: dropped; nothing can be reported from here */
    }
}

struct efi_mmap {
    void *buf;
    uint64_t cap; /* bytes available at buf */
    uint64_t size, key, desc_size;
    uint32_t desc_version;
};

static efi_status_t get_memory_map(struct efi_mmap *m)
{
    efi_status_t s;

    for (;;) {
        m->size = m->cap;
        s = efi_bs->get_memory_map(&m->size, m->buf, &m->key, &m->desc_size,
                                   &m->desc_version);
        if (s != EFI_BUFFER_TOO_SMALL)
            return s;
        /* Room for the descriptors the allocation itself may add. */
        if (m->buf != mmap_static)
            efi_bs->free_pool(m->buf);
        m->cap = m->size + 16 * m->desc_size;
        s = efi_bs->allocate_pool(EFI_LOADER_DATA, m->cap, &m->buf);
        if (EFI_IS_ERROR(s)) {
            m->buf = mmap_static;
            m->cap = sizeof(mmap_static);
            return s;
        }
    }
}

static efi_status_t exit_boot_services(efi_handle_t image, struct efi_mmap *m)
{
    efi_status_t s;

    m->buf = mmap_static;
    m->cap = sizeof(mmap_static);
    s = get_memory_map(m);
    if (EFI_IS_ERROR(s)) {
        efi_err("GetMemoryMap failed: status %lu", st_code(s));
        return s;
    }
    s = efi_bs->exit_boot_services(image, m->key);
    if (s == EFI_INVALID_PARAMETER) {
        /* The map changed under us: once more with a fresh key.  Only
         * GetMemoryMap and ExitBootServices are allowed now. */
        m->size = m->cap;
        s = efi_bs->get_memory_map(&m->size, m->buf, &m->key, &m->desc_size,
                                   &m->desc_version);
        if (!EFI_IS_ERROR(s))
            s = efi_bs->exit_boot_services(image, m->key);
    }
    if (EFI_IS_ERROR(s))
        efi_err("ExitBootServices failed: status %lu", st_code(s));
    return s;
}

/* ---- the entry ------------------------------------------------------------ */

static efi_status_t efi_prepare(efi_handle_t image, struct image_info *ii,
                                mfn_t *root)
{
    efi_guid_t li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    efi_guid_t fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
    efi_char16_t img_path[PATH_MAX_CHARS], cfg_path[PATH_MAX_CHARS];
    efi_char16_t dir[PATH_MAX_CHARS];
    efi_loaded_image_t *li;
    efi_simple_file_system_t *fs;
    efi_file_t *root_dir;
    efi_status_t s;

    if (read_cr4() & X86_CR4_LA57) {
        efi_err("the firmware runs with 5-level paging; not supported");
        return EFI_UNSUPPORTED;
    }

    s = efi_bs->handle_protocol(image, &li_guid, (void **)&li);
    if (EFI_IS_ERROR(s)) {
        efi_err("no loaded image protocol: status %lu", st_code(s));
        return s;
    }
    if (!IS_ALIGNED((uint64_t)li->image_base, PAGE_SIZE) ||
        !pe_image_info((uint64_t)li->image_base, li->image_size, ii)) {
        efi_err("unexpected PE image at %p", li->image_base);
        return EFI_LOAD_ERROR;
    }
    if (ii->size > HV_IMAGE_MAX) {
        efi_err("image of %lu bytes is larger than %lu",
                (unsigned long)ii->size, (unsigned long)HV_IMAGE_MAX);
        return EFI_LOAD_ERROR;
    }
    boot_info.image_start = _maddr(ii->base);
    boot_info.image_end = _maddr(ii->base + ii->size);
    efi_info("image at %#lx - %#lx", (unsigned long)ii->base,
             (unsigned long)(ii->base + ii->size));

    /* The config file and the modules, from the image's volume. */
    if (!image_file_path(li->file_path, img_path, ARRAY_SIZE(img_path))) {
        efi_warn(
            "no file path for the image, assuming \\EFI\\BOOT\\BOOTX64.EFI");
        img_path[0] = 0;
        wstr_append_ascii(img_path, ARRAY_SIZE(img_path),
                          "\\EFI\\BOOT\\BOOTX64.EFI");
    }
    if (!config_paths(img_path, cfg_path, dir, ARRAY_SIZE(cfg_path))) {
        efi_err("image path too long");
        return EFI_BAD_BUFFER_SIZE;
    }
    s = efi_bs->handle_protocol(li->device_handle, &fs_guid, (void **)&fs);
    if (!EFI_IS_ERROR(s))
        s = fs->open_volume(fs, &root_dir);
    if (EFI_IS_ERROR(s)) {
        efi_warn("cannot open the image's volume (status %lu): empty "
                 "command line, no modules",
                 st_code(s));
    } else {
        s = read_config(root_dir, cfg_path, dir);
        root_dir->close(root_dir);
        if (EFI_IS_ERROR(s)) {
            free_modules();
            return s;
        }
    }

    find_rsdp();

    if (!build_page_tables(ii, root)) {
        free_modules();
        return EFI_OUT_OF_RESOURCES;
    }
    return EFI_SUCCESS;
}

efi_status_t EFIAPI efi_main(efi_handle_t image, efi_system_table_t *systab)
{
    struct image_info ii;
    struct efi_mmap m;
    mfn_t root;
    uint64_t delta, entry, cr0;
    efi_status_t s;

    efi_st = systab;
    efi_bs = systab->boot_services;
    efi_info("UEFI entry");

    s = efi_prepare(image, &ii, &root);
    if (EFI_IS_ERROR(s))
        return s;

    efi_info("exiting boot services");
    s = exit_boot_services(image, &m);
    if (EFI_IS_ERROR(s)) {
        free_modules();
        return s;
    }
    /* Boot services are gone: no firmware call, no message from here on. */
    /* clang-format off */
    asm volatile("cli" ::: "memory");
    /* clang-format on */
    efi_st = NULL;

    convert_memory_map(m.buf, m.size, m.desc_size);

    delta = HV_VIRT_START - ii.base;
    /* A link-time address for the rodata string, written into .bss. */
    boot_info.loader = (const char *)((uint64_t)efi_loader_name + delta);
    entry = (uint64_t)boot_common_high + delta;

    /* The firmware may have write protected text and rodata. */
    cr0 = read_cr0();
    write_cr0(cr0 & ~X86_CR0_WP);
    pe_relocate(&ii, delta);
    write_cr0(cr0);

    efi_enter_hv(maddr_x(mfn_to_maddr(root)), entry);
}

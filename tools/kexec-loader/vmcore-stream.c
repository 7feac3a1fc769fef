/* SPDX-License-Identifier: MIT */
/*
 * vmcore-stream: the vmcore of a crashed hypervisor, as an ELF64 core.
 * The contract is in vmcore-stream.h; this file follows it in two steps:
 * the plan (VMCOREINFO's numbers, every read the stream will make tried
 * once, the image runs, the stack runs), then the stream, which follows
 * the plan to the byte whatever the memory holds by then.  Every failure
 * but a read that worked while planning and fails while streaming is
 * found before the first byte is written.
 *
 * The plan lives in .bss (the ring-0 crash image has no other memory to
 * speak of): one dump at a time.
 */
#include "vmcore-stream.h"
#include "elfcore.h"
#include "kexec-loader.h" /* kxl_crc32() */
#include "kxl-bytes.h"

#define PG        4096ull
#define EHDR_SIZE ((uint64_t)sizeof(struct elfcore_ehdr))
#define PHDR_SIZE ((uint64_t)sizeof(struct elfcore_phdr))
#define PTE_ADDR  0x000ffffffffff000ull
#define PTE_P     0x1ull
#define PTE_PS    0x80ull

const char *vmcore_strerror(int err)
{
    switch (err) {
    /* clang-format off */
    case VMCORE_OK:          return "VMCORE_OK: success";
    case VMCORE_EARG:        return "VMCORE_EARG: bad request";
    case VMCORE_EREAD:       return "VMCORE_EREAD: memory could not be read";
    case VMCORE_EVMCOREINFO: return "VMCORE_EVMCOREINFO: VMCOREINFO lacks "
                                    "pgtable_maddr, STACKS_VIRT_START or "
                                    "STACK_SIZE";
    case VMCORE_ESTACKS:     return "VMCORE_ESTACKS: no stack mapped, or too "
                                    "many stack runs";
    default:                 return "VMCORE_E?: unknown error";
        /* clang-format on */
    }
}

/* A run of the image: offsets from hv_paddr; [filesz, memsz) is zero. */
struct run {
    uint64_t off, filesz, memsz;
};

/* A run of stack pages contiguous in both spaces. */
struct vrun {
    uint64_t va, maddr, size;
};

static struct {
    const struct vmcore_req *req;
    const struct vmcore_src *src;
    struct vmcore_result *res;
    uint64_t dump;                          /* image bytes dumped */
    uint64_t root, stacks_virt, stack_size; /* from VMCOREINFO */
    struct run runs[VMCORE_MAX_RUNS];
    uint32_t nr_runs;
    struct vrun stacks[VMCORE_MAX_STACK_RUNS];
    uint32_t nr_stacks;
    uint8_t page[PG]; /* a read's bytes */
} vs;

static bool rd(uint64_t maddr, void *buf, uint64_t len)
{
    if (vs.src->read(vs.src->ctx, kxl_maddr(maddr), buf, len))
        return true;
    vs.res->bad_maddr = kxl_maddr(maddr);
    return false;
}

/* [maddr, + len) readable, a page at a time. */
static bool try_read(uint64_t maddr, uint64_t len)
{
    for (uint64_t pos = 0; pos < len; pos += PG) {
        uint64_t n = len - pos < PG ? len - pos : PG;

        if (!rd(maddr + pos, vs.page, n))
            return false;
    }
    return true;
}

/* ---- VMCOREINFO ------------------------------------------------------------ */

/* "KEY=value" at the start of a line of VMCOREINFO, in the given base. */
static bool number(const char *key, unsigned int base, uint64_t *v)
{
    const char *t = vs.req->vmcoreinfo;
    size_t n = vs.req->vmcoreinfo_len, k = kxl_strlen(key);

    for (size_t i = 0; i + k <= n; i++) {
        size_t j;
        unsigned int digits = 0;

        if (i && t[i - 1] != '\n')
            continue;
        for (j = 0; j < k && t[i + j] == key[j]; j++)
            ;
        if (j < k)
            continue;
        *v = 0;
        for (j = i + k; j < n; j++, digits++) {
            unsigned int d;
            char c = t[j];

            if (c >= '0' && c <= '9')
                d = (unsigned int)(c - '0');
            else if (base == 16 && c >= 'a' && c <= 'f')
                d = (unsigned int)(c - 'a' + 10);
            else if (base == 16 && c >= 'A' && c <= 'F')
                d = (unsigned int)(c - 'A' + 10);
            else
                break;
            if (*v > (UINT64_MAX - d) / base)
                return false; /* overflows: a bad number */
            *v = *v * base + d;
        }
        return digits > 0;
    }
    return false;
}

/* ---- the plan ---------------------------------------------------------------- */

static bool zero_page(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (vs.page[i])
            return false;
    return true;
}

/*
 * The image range in runs of pages, each a PT_LOAD whose p_filesz covers
 * its leading non-zero pages and whose p_memsz also covers the all-zero
 * pages after them: most of the image is a .bss never written.
 */
static int plan_runs(void)
{
    const uint64_t paddr = kxl_maddr_val(vs.req->hv_paddr), size = vs.dump;
    uint64_t pos = 0, n = 0;
    bool zero = false;

    vs.nr_runs = 0;
    /* one page read at a time: pos is the next page unread, and the page
     * before it (n bytes) is zero or not */
    while (pos < size) {
        uint64_t start = pos, data_end;

        while (pos < size) {
            n = size - pos < PG ? size - pos : PG;
            if (!rd(paddr + pos, vs.page, n))
                return VMCORE_EREAD;
            zero = zero_page(n);
            if (zero)
                break;
            pos += n;
        }
        data_end = pos;
        while (pos < size) {
            if (pos > data_end) {
                n = size - pos < PG ? size - pos : PG;
                if (!rd(paddr + pos, vs.page, n))
                    return VMCORE_EREAD;
                zero = zero_page(n);
            }
            if (!zero)
                break;
            pos += n;
        }
        if (vs.nr_runs == VMCORE_MAX_RUNS - 1 && pos < size) {
            /* the last program header takes the rest, zeros included */
            if (!try_read(paddr + pos, size - pos))
                return VMCORE_EREAD;
            data_end = pos = size;
        }
        vs.runs[vs.nr_runs].off = start;
        vs.runs[vs.nr_runs].filesz = data_end - start;
        vs.runs[vs.nr_runs].memsz = pos - start;
        vs.nr_runs++;
    }
    return VMCORE_OK;
}

/*
 * The machine address of va in the crashed hypervisor's page tables
 * (4 KiB, 2 MiB, 1 GiB leaves).  A table that cannot be read maps
 * nothing.
 */
static bool translate(uint64_t va, uint64_t *maddr)
{
    uint64_t table = vs.root, e;
    uint8_t b[8];

    for (int shift = 39; shift >= 12; shift -= 9) {
        if (!vs.src->read(vs.src->ctx,
                          kxl_maddr(table + ((va >> shift) & 511) * 8), b, 8))
            return false;
        e = kxl_rd(b, 8);
        if (!(e & PTE_P))
            return false;
        if (shift == 12 || ((e & PTE_PS) && shift <= 30)) {
            uint64_t page = (1ull << shift) - 1;

            *maddr = ((e & PTE_ADDR) & ~page) | (va & page);
            return true;
        }
        table = e & PTE_ADDR;
    }
    return false;
}

/* Every mapped and readable page of every CPU's stack block, in runs. */
static int plan_stacks(void)
{
    const uint64_t base = vs.stacks_virt;
    const uint64_t end = base + (uint64_t)vs.req->nr_cpus * vs.stack_size;
    uint64_t m, pages = 0;

    vs.nr_stacks = 0;
    for (uint64_t va = base; va < end; va += PG) {
        struct vrun *last = vs.nr_stacks ? &vs.stacks[vs.nr_stacks - 1] : NULL;

        /* a page the caller cannot read is left out like a guard page */
        if (!translate(va, &m) ||
            !vs.src->read(vs.src->ctx, kxl_maddr(m), vs.page, PG))
            continue;
        pages++;
        if (last && last->va + last->size == va &&
            last->maddr + last->size == m) {
            last->size += PG;
            continue;
        }
        if (vs.nr_stacks == VMCORE_MAX_STACK_RUNS)
            return VMCORE_ESTACKS;
        vs.stacks[vs.nr_stacks].va = va;
        vs.stacks[vs.nr_stacks].maddr = m;
        vs.stacks[vs.nr_stacks].size = PG;
        vs.nr_stacks++;
    }
    vs.res->stack_pages = pages;
    vs.res->nr_stack_runs = vs.nr_stacks;
    return pages ? VMCORE_OK : VMCORE_ESTACKS;
}

static int plan(void)
{
    const struct vmcore_req *req = vs.req;
    uint64_t blocks;
    int err;

    if (!number("NUMBER(pgtable_maddr)=", 16, &vs.root) ||
        !number("NUMBER(STACKS_VIRT_START)=", 16, &vs.stacks_virt) ||
        !number("NUMBER(STACK_SIZE)=", 10, &vs.stack_size) || !vs.stack_size ||
        vs.stack_size % PG)
        return VMCORE_EVMCOREINFO;
    blocks = (uint64_t)req->nr_cpus * vs.stack_size;
    if (vs.stack_size > UINT64_MAX / (req->nr_cpus ? req->nr_cpus : 1) ||
        vs.stacks_virt + blocks < vs.stacks_virt)
        return VMCORE_EVMCOREINFO; /* stack blocks past 2^64 */
    vs.res->stacks_virt = vs.stacks_virt;

    for (uint32_t i = 0; i < req->nr_notes; i++) {
        if (!try_read(kxl_maddr_val(req->notes[i].maddr), req->notes[i].size))
            return VMCORE_EREAD;
        vs.res->notes_bytes += req->notes[i].size;
    }
    err = plan_runs();
    if (err)
        return err;
    vs.res->nr_image_runs = vs.nr_runs;
    for (uint32_t i = 0; i < vs.nr_runs; i++)
        vs.res->image_bytes += vs.runs[i].filesz;
    return plan_stacks();
}

/* ---- the stream ---------------------------------------------------------------- */

static void out(const void *buf, uint64_t len)
{
    vs.src->write(vs.src->ctx, buf, len);
    vs.res->crc32 = kxl_crc32(vs.res->crc32, buf, (size_t)len);
    vs.res->bytes += len;
}

/* len bytes of memory at maddr, a page at a time. */
static bool out_mem(uint64_t maddr, uint64_t len)
{
    for (uint64_t pos = 0; pos < len; pos += PG) {
        uint64_t n = len - pos < PG ? len - pos : PG;

        if (!rd(maddr + pos, vs.page, n))
            return false;
        out(vs.page, n);
    }
    return true;
}

static void out_phdr(uint32_t type, uint32_t flags, uint64_t offset,
                     uint64_t vaddr, uint64_t paddr, uint64_t filesz,
                     uint64_t memsz, uint64_t align)
{
    struct elfcore_phdr ph;

    ph.p_type = type;
    ph.p_flags = flags;
    ph.p_offset = offset;
    ph.p_vaddr = vaddr;
    ph.p_paddr = paddr;
    ph.p_filesz = filesz;
    ph.p_memsz = memsz;
    ph.p_align = align;
    out(&ph, sizeof(ph));
}

static int stream(void)
{
    const struct vmcore_req *req = vs.req;
    const uint32_t rwx = ELFCORE_PF_R | ELFCORE_PF_W | ELFCORE_PF_X;
    const uint32_t nr_ph = 1 + 2 * vs.nr_runs + vs.nr_stacks;
    const uint64_t note_off = EHDR_SIZE + nr_ph * PHDR_SIZE;
    const uint64_t notes = vs.res->notes_bytes;
    const uint64_t load_off = (note_off + notes + PG - 1) & ~(PG - 1);
    struct elfcore_ehdr eh;
    uint64_t off;

    vs.res->nr_phdrs = nr_ph;
    elfcore_fill_ehdr(&eh, (uint16_t)nr_ph);
    out(&eh, sizeof(eh));

    out_phdr(ELFCORE_PT_NOTE, 0, note_off, 0, 0, notes, notes, 4);
    /* the image at its link address, then the same file bytes at its
     * direct-map address */
    for (unsigned int alias = 0; alias < 2; alias++) {
        off = load_off;
        for (uint32_t i = 0; i < vs.nr_runs; i++) {
            const struct run *r = &vs.runs[i];
            uint64_t pa = kxl_maddr_val(req->hv_paddr) + r->off;

            out_phdr(ELFCORE_PT_LOAD, rwx, off,
                     alias ? req->directmap_virt + pa : req->hv_virt + r->off,
                     pa, r->filesz, r->memsz, PG);
            off += r->filesz;
        }
    }
    for (uint32_t i = 0; i < vs.nr_stacks; i++) {
        const struct vrun *s = &vs.stacks[i];

        out_phdr(ELFCORE_PT_LOAD, ELFCORE_PF_R | ELFCORE_PF_W, off, s->va,
                 s->maddr, s->size, s->size, PG);
        off += s->size;
    }

    for (uint32_t i = 0; i < req->nr_notes; i++)
        if (!out_mem(kxl_maddr_val(req->notes[i].maddr), req->notes[i].size))
            return VMCORE_EREAD;
    kxl_zero(vs.page, PG);
    out(vs.page, load_off - vs.res->bytes);
    for (uint32_t i = 0; i < vs.nr_runs; i++)
        if (!out_mem(kxl_maddr_val(req->hv_paddr) + vs.runs[i].off,
                     vs.runs[i].filesz))
            return VMCORE_EREAD;
    for (uint32_t i = 0; i < vs.nr_stacks; i++)
        if (!out_mem(vs.stacks[i].maddr, vs.stacks[i].size))
            return VMCORE_EREAD;
    return VMCORE_OK;
}

int vmcore_stream(const struct vmcore_req *req, const struct vmcore_src *src,
                  struct vmcore_result *res)
{
    int err;

    if (!res)
        return VMCORE_EARG;
    kxl_zero(res, sizeof(*res));
    if (!req || !src || !src->read || !src->write || !req->notes ||
        !req->nr_notes || req->nr_notes > VMCORE_MAX_NOTES ||
        (req->vmcoreinfo_len && !req->vmcoreinfo))
        return VMCORE_EARG;

    vs.req = req;
    vs.src = src;
    vs.res = res;
    vs.dump = req->max_image && req->hv_size > req->max_image ? req->max_image
                                                              : req->hv_size;
    /* no range may wrap, nor its link or direct-map alias */
    if (kxl_maddr_val(req->hv_paddr) + vs.dump < kxl_maddr_val(req->hv_paddr) ||
        req->hv_virt + vs.dump < req->hv_virt ||
        req->directmap_virt + kxl_maddr_val(req->hv_paddr) <
            req->directmap_virt ||
        req->directmap_virt + kxl_maddr_val(req->hv_paddr) + vs.dump <
            req->directmap_virt + kxl_maddr_val(req->hv_paddr))
        return VMCORE_EARG;
    for (uint32_t i = 0; i < req->nr_notes; i++)
        if (kxl_maddr_val(req->notes[i].maddr) + req->notes[i].size <
            kxl_maddr_val(req->notes[i].maddr))
            return VMCORE_EARG;

    err = plan();
    if (err)
        return err;
    return stream();
}

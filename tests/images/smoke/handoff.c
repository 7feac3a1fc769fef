/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smoke-test handoff shim (NOT the hypervisor): runs one kexec test
 * image under QEMU as the hypervisor's handoff would, so that the images'
 * checks can be exercised before (and independently of) the real kexec
 * path.  QEMU -kernel handoff.elf -initrd IMAGE.elf -append OPTIONS, where
 * IMAGE.elf has its parameter block filled (fill-params.py): from it the
 * shim takes the base, the zero range and the MAP entries.
 *
 * It loads the PT_LOAD segments at base + (p_vaddr - lowest p_vaddr)
 * (over stale bytes: the page span is first filled with 0xa5), zeroes the
 * .bss, dirties then zeroes the zero range, fills map targets outside the
 * image with a pattern, and for an ELF64 builds 4-level tables that map
 * exactly: the image's pages, the zero range, the map targets and the
 * control page 1:1, plus each MAP; the tables themselves stay unmapped.
 * Then the CPU state of include/public/kexec.h and the jump (head.S).
 *
 * OPTIONS: break=NAME[,NAME...] breaks one promise on purpose, to show that
 * the image sees it: gpr (rbx/ebx non-zero), flags (DF set), cr4 (OSFXSR
 * set), bss (.bss left dirty), zero (one word of the zero range left),
 * map (each MAP one page off its target), ro (MAPs read-only), extra (the
 * page below the image mapped); base=ADDR loads the image there whatever
 * the block says.  A shim error ends QEMU with status 253 (code 0x7e).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kexec-params.h"

#define SHIM_EXIT_ERROR 0x7e

extern char control_page[], __shim_end[];
extern uint64_t ctl_regs[16], ctl_flags, ctl_entry;
extern uint32_t ctl_cr0, ctl_cr3, ctl_cr4, ctl_efer;
__attribute__((noreturn)) void handoff64(void);
__attribute__((noreturn)) void handoff32(void);
void smoke_main(uint32_t magic, uint32_t mbi_addr);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* ---- output ---------------------------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
    /* clang-format off */
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
    /* clang-format on */
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    /* clang-format off */
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    /* clang-format on */
    return v;
}

static void putc_(char c)
{
    if (c == '\n')
        putc_('\r');
    for (unsigned int i = 0; i < 100000; i++)
        if (inb(0x3f8 + 5) & 0x20)
            break;
    outb(0x3f8, (uint8_t)c);
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void puthex(uint64_t v)
{
    puts_("0x");
    for (int i = 60; i >= 0; i -= 4)
        if ((v >> i) || !i)
            putc_("0123456789abcdef"[(v >> i) & 0xf]);
}

__attribute__((noreturn)) static void die(const char *why)
{
    puts_("smoke: error: ");
    puts_(why);
    puts_("\n");
    outb(0xf4, SHIM_EXIT_ERROR);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;

    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

static bool streq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* ---- options ------------------------------------------------------------- */

enum {
    BRK_GPR = 1,
    BRK_FLAGS = 2,
    BRK_CR4 = 4,
    BRK_BSS = 8,
    BRK_ZERO = 16,
    BRK_MAP = 32,
    BRK_RO = 64,
    BRK_EXTRA = 128,
};

static unsigned int brk;
static uint64_t opt_base;

static uint64_t parse_num(const char **sp)
{
    const char *s = *sp;
    uint64_t v = 0;
    unsigned int base = 10;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++) {
        unsigned int d;

        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            break;
        v = v * base + d;
    }
    *sp = s;
    return v;
}

static void parse_options(const char *s)
{
    static const struct {
        char name[8];
        unsigned int bit;
    } names[] = {
        { "gpr", BRK_GPR }, { "flags", BRK_FLAGS }, { "cr4", BRK_CR4 },
        { "bss", BRK_BSS }, { "zero", BRK_ZERO },   { "map", BRK_MAP },
        { "ro", BRK_RO },   { "extra", BRK_EXTRA },
    };

    while (*s) {
        if (streq_n(s, "base=", 5)) {
            s += 5;
            opt_base = parse_num(&s);
        } else if (streq_n(s, "break=", 6)) {
            s += 6;
            while (*s && *s != ' ') {
                bool found = false;

                for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]);
                     i++) {
                    size_t n = 0;

                    while (names[i].name[n])
                        n++;
                    if (streq_n(s, names[i].name, n) &&
                        (s[n] == ',' || s[n] == ' ' || !s[n])) {
                        brk |= names[i].bit;
                        s += n;
                        found = true;
                        break;
                    }
                }
                if (!found)
                    die("unknown break= option");
                if (*s == ',')
                    s++;
            }
        } else {
            while (*s && *s != ' ') /* the kernel's own path, others */
                s++;
        }
        while (*s == ' ')
            s++;
    }
}

/* ---- page tables (ELF64 images) ------------------------------------------ */

#define PTE_P     0x1ull
#define PTE_RW    0x2ull
#define ADDR_MASK 0x000ffffffffff000ull

static uint64_t pool[128][512] __attribute__((aligned(4096)));
static unsigned int pool_used;

static uint64_t *new_table(void)
{
    if (pool_used == sizeof(pool) / sizeof(pool[0]))
        die("out of page-table pages");
    memset(pool[pool_used], 0, 4096);
    return pool[pool_used++];
}

static uint64_t *pml4;

static void map_page(uint64_t va, uint64_t pa, bool rw)
{
    uint64_t *t = pml4;

    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];

        if (!(*e & PTE_P))
            *e = (uint64_t)(uintptr_t)new_table() | PTE_P | PTE_RW;
        t = (uint64_t *)(uintptr_t)(*e & ADDR_MASK);
    }
    t[(va >> 12) & 511] = (pa & ADDR_MASK) | PTE_P | (rw ? PTE_RW : 0);
}

static void map_range(uint64_t va, uint64_t pa, uint64_t pages, bool rw)
{
    for (uint64_t i = 0; i < pages; i++)
        map_page(va + (i << 12), pa + (i << 12), rw);
}

/* ---- ELF ------------------------------------------------------------------- */

struct image {
    bool is64;
    uint64_t entry, low, high;         /* link addresses */
    const struct kexec_params *params; /* in the module, NULL if none */
};

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

/* Walk the PT_LOADs; if dest, copy each to dest + (vaddr - low). */
static void walk_loads(const uint8_t *f, struct image *im, uint64_t dest)
{
    bool is64 = f[4] == 2;
    uint64_t phoff = is64 ? rd64(f + 32) : rd32(f + 28);
    unsigned int phentsize = rd16(f + (is64 ? 54 : 42));
    unsigned int phnum = rd16(f + (is64 ? 56 : 44));

    for (unsigned int i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + i * phentsize;
        uint64_t off, vaddr, filesz, memsz;

        if (rd32(ph) != 1)
            continue;
        if (is64) {
            off = rd64(ph + 8);
            vaddr = rd64(ph + 16);
            filesz = rd64(ph + 32);
            memsz = rd64(ph + 40);
        } else {
            off = rd32(ph + 4);
            vaddr = rd32(ph + 8);
            filesz = rd32(ph + 16);
            memsz = rd32(ph + 20);
        }
        if (!memsz)
            continue;
        if (!dest) {
            if (vaddr < im->low)
                im->low = vaddr;
            if (vaddr + memsz > im->high)
                im->high = vaddr + memsz;
            continue;
        }
        uint8_t *d = (uint8_t *)(uintptr_t)(dest + vaddr - im->low);

        memcpy(d, f + off, filesz);
        if (!(brk & BRK_BSS))
            memset(d + filesz, 0, memsz - filesz);
    }
}

static void parse_image(const uint8_t *f, struct image *im)
{
    if (rd32(f) != 0x464c457f)
        die("the module is not an ELF file");
    im->is64 = f[4] == 2;
    im->entry = im->is64 ? rd64(f + 24) : rd32(f + 24);
    im->low = ~0ull;
    im->high = 0;
    walk_loads(f, im, 0);
    if (im->low == ~0ull)
        die("no PT_LOAD segment");

    /* The parameter block, found by section name. */
    uint64_t shoff = im->is64 ? rd64(f + 40) : rd32(f + 32);
    unsigned int shentsize = rd16(f + (im->is64 ? 58 : 46));
    unsigned int shnum = rd16(f + (im->is64 ? 60 : 48));
    unsigned int shstrndx = rd16(f + (im->is64 ? 62 : 50));
    const uint8_t *strsh = f + shoff + shstrndx * shentsize;
    uint64_t stroff = im->is64 ? rd64(strsh + 24) : rd32(strsh + 16);

    im->params = NULL;
    for (unsigned int i = 0; i < shnum; i++) {
        const uint8_t *sh = f + shoff + i * shentsize;
        const char *name = (const char *)f + stroff + rd32(sh);
        uint64_t off = im->is64 ? rd64(sh + 24) : rd32(sh + 16);

        if (streq_n(name, KXPARAM_SECTION, sizeof(KXPARAM_SECTION)))
            im->params = (const struct kexec_params *)(f + off);
    }
    if (!im->params)
        die("no " KXPARAM_SECTION " section");
}

/* ---- main ------------------------------------------------------------------ */

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
};

struct mb_mod {
    uint32_t start, end, string, reserved;
};

static bool in_range(uint64_t a, uint64_t start, uint64_t pages)
{
    return a >= start && a - start < (pages << 12);
}

void smoke_main(uint32_t magic, uint32_t mbi_addr)
{
    const struct mb_info *mbi = (const void *)(uintptr_t)mbi_addr;
    const struct mb_mod *mod;
    const struct kexec_params *p;
    struct image im;
    uint64_t base, span_pages, ctl = (uintptr_t)control_page;
    bool filled;

    puts_("smoke: kexec handoff shim (tests/images/smoke), not the "
          "hypervisor\n");
    if (magic != 0x2badb002)
        die("not started by a Multiboot loader");
    if ((mbi->flags & 4) && mbi->cmdline)
        parse_options((const char *)(uintptr_t)mbi->cmdline);
    if (!(mbi->flags & 8) || !mbi->mods_count)
        die("no module: give the image with -initrd");
    mod = (const void *)(uintptr_t)mbi->mods_addr;

    parse_image((const uint8_t *)(uintptr_t)mod->start, &im);
    p = im.params;
    filled = streq_n(p->magic, KXPARAM_MAGIC, KXPARAM_MAGIC_LEN);
    base = filled ? p->base : im.is64 ? 0x01000000 : im.low;
    if (opt_base)
        base = opt_base;
    span_pages = (im.high - im.low + 4095) >> 12;
    if (base & 0xfff)
        die("base not page aligned");
    if (base < mod->end + 4096 || base + (span_pages << 12) > 0x07000000)
        die("base overlaps the shim or the module, or is above 112 MiB");

    /* Stale memory, then the segments and the .bss. */
    memset((void *)(uintptr_t)base, 0xa5, span_pages << 12);
    walk_loads((const uint8_t *)(uintptr_t)mod->start, &im, base);

    if (filled && p->zero_pages) {
        uint8_t *z = (uint8_t *)(uintptr_t)p->zero_maddr;

        memset(z, 0x5a, p->zero_pages << 12);
        memset(z, 0, p->zero_pages << 12);
        if (brk & BRK_ZERO)
            z[(p->zero_pages << 12) / 2 + 8] = 0x5a;
    }
    if (filled)
        for (unsigned int i = 0; i < p->nr_maps && i < KXPARAM_MAX_MAPS; i++) {
            uint64_t t = p->maps[i].target_maddr, n = p->maps[i].pages;

            if (in_range(t, base, span_pages) ||
                in_range(t, p->zero_maddr, p->zero_pages))
                continue;
            for (uint64_t k = 0; k < (n << 12); k++) /* a COPY's data */
                ((uint8_t *)(uintptr_t)t)[k] = (uint8_t)(k * 7 + 1 + (k >> 12));
        }

    for (unsigned int i = 0; i < 16; i++)
        ctl_regs[i] = 0;
    if (brk & BRK_GPR)
        ctl_regs[1] = 0x5a5a;
    ctl_flags = brk & BRK_FLAGS ? 0x402 : 0x2;
    ctl_entry = base + (im.entry - im.low);

    if (im.is64) {
        pml4 = new_table();
        map_range(base, base, span_pages, true);
        map_range(ctl, ctl, 1, true);
        if (filled) {
            map_range(p->zero_maddr, p->zero_maddr, p->zero_pages, true);
            for (unsigned int i = 0; i < p->nr_maps && i < KXPARAM_MAX_MAPS;
                 i++) {
                const struct kxparam_map *m = &p->maps[i];

                map_range(m->target_maddr, m->target_maddr, m->pages, true);
                map_range(m->va, m->target_maddr + (brk & BRK_MAP ? 4096 : 0),
                          m->pages, !(brk & BRK_RO));
            }
        }
        if (brk & BRK_EXTRA)
            map_range(base - 4096, base - 4096, 1, true);
        ctl_cr0 = 0x80000031;
        ctl_cr4 = 0x20 | (brk & BRK_CR4 ? 0x200 : 0);
        ctl_efer = 0x100;
        ctl_cr3 = (uint32_t)(uintptr_t)pml4;
    } else {
        ctl_cr0 = 0x31;
        ctl_cr4 = brk & BRK_CR4 ? 0x200 : 0;
        ctl_efer = 0;
    }

    puts_("smoke: ");
    puts_(im.is64 ? "ELF64" : "ELF32");
    puts_(" image at ");
    puthex(base);
    puts_(", entry ");
    puthex(ctl_entry);
    puts_(", control page ");
    puthex(ctl);
    if (im.is64) {
        puts_(", cr3 ");
        puthex(ctl_cr3);
    }
    puts_(brk ? ", breaking promises on purpose\n" : "\n");
    if (im.is64)
        handoff64();
    handoff32();
}

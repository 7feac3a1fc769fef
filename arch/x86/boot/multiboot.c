/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiboot v1 information -> struct boot_info.
 *
 * Called from head.S on the boot page tables, where the low 4 GiB are
 * mapped 1:1, so the loader's structures are read through their
 * physical addresses.  Everything is copied into boot_info.
 */
#include <asm/config.h>
#include <hv/boot-info.h>
#include <hv/lib.h>

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __packed;

struct mb_module {
    uint32_t mod_start, mod_end;
    uint32_t string;
    uint32_t reserved;
} __packed;

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type;
} __packed;

#define MBI_CMDLINE     (1u << 2)
#define MBI_MODS        (1u << 3)
#define MBI_MMAP        (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

extern char __image_start[], __bss_end[];
/* HV_LOAD_PHYS as head.S was assembled for it (hv.elf and hv-crash.elf
   differ in it; C objects are shared). */
extern const uint64_t hv_load_phys;

__noreturn void multiboot_entry(uint32_t magic, uint32_t info_pa);

/*
 * Loaders put the file's own name first, as argv[0], in the command line
 * of the image and of each module: skip it, so that both boot paths give
 * the same strings (the UEFI config file names files separately).
 */
static const char *skip_image_name(const char *cmd)
{
    while (*cmd && *cmd != ' ')
        cmd++;
    while (*cmd == ' ')
        cmd++;
    return cmd;
}

__noreturn void multiboot_entry(uint32_t magic, uint32_t info_pa)
{
    const struct mb_info *mbi = (const void *)(uint64_t)info_pa;
    struct boot_info *bi = &boot_info;

    (void)magic; /* checked in head.S */
    bi->loader = "Multiboot";
    bi->image_start = _maddr(hv_load_phys);
    bi->image_end = maddr_add(bi->image_start,
                              (uintptr_t)__bss_end - (uintptr_t)__image_start);

    /* Which loader (QEMU's says "qemu"; a kexec from this hypervisor's
       dom0 "kexec-hv"): the banner shows it. */
    if (mbi->flags & MBI_LOADER_NAME)
        strlcpy(bi->loader_name, (const char *)(uint64_t)mbi->boot_loader_name,
                sizeof(bi->loader_name));
    if (mbi->flags & MBI_CMDLINE)
        strlcpy(bi->cmdline,
                skip_image_name((const char *)(uint64_t)mbi->cmdline),
                sizeof(bi->cmdline));

    if (mbi->flags & MBI_MMAP) {
        uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

        while (p < end && bi->nr_mem < BOOT_MAX_MEM_REGIONS) {
            const struct mb_mmap_entry *e = (const void *)p;
            struct mem_region *r = &bi->mem[bi->nr_mem++];

            r->start = _maddr(e->addr);
            r->size = e->len;
            r->type = e->type >= MEM_RAM && e->type <= MEM_UNUSABLE
                          ? e->type
                          : MEM_RESERVED;
            p += e->size + sizeof(e->size);
        }
    } else {
        /* No map: the two basic ranges. */
        bi->mem[0] = (struct mem_region){ _maddr(0), mbi->mem_lower * 1024ULL,
                                          MEM_RAM };
        bi->mem[1] = (struct mem_region){ _maddr(MiB(1)),
                                          mbi->mem_upper * 1024ULL, MEM_RAM };
        bi->nr_mem = 2;
    }

    if (mbi->flags & MBI_MODS) {
        const struct mb_module *m = (const void *)(uint64_t)mbi->mods_addr;

        for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++) {
            struct boot_module *bm = &bi->modules[bi->nr_modules++];

            bm->start = _maddr(m[i].mod_start);
            bm->size = m[i].mod_end - m[i].mod_start;
            if (m[i].string)
                strlcpy(bm->cmdline,
                        skip_image_name((const char *)(uint64_t)m[i].string),
                        sizeof(bm->cmdline));
        }
    }
    start_hv();
}

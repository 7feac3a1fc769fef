/* SPDX-License-Identifier: MIT */
/* Placing purgatory: see purgatory-load.h. */
#include "purgatory-load.h"
#include "sha256.h"

int kxl_build_purgatory(const void *elf, size_t elf_size, kxl_maddr_t base,
                        kxl_maddr_t region_start, uint64_t region_size,
                        const struct purgatory_args *args,
                        const struct kxl_env *env, struct kexec_entry *ents,
                        size_t cap, struct kxl_result *res)
{
    static const char magic[8] = PURGATORY_ARGS_MAGIC;
    struct kxl_request req = {
        .elf = elf,
        .elf_size = elf_size,
        .base = base,
        .region_start = region_start,
        .region_size = region_size,
        .section_name = ".purgatory_args",
        .section_bytes = args,
        .section_len = sizeof(*args),
    };

    if (!args) {
        if (res) {
            res->nr_entries = 0;
            res->where = KXL_WHERE_NONE;
        }
        return KXL_EARG;
    }
    for (int i = 0; i < 8; i++)
        if (args->magic[i] != magic[i])
            req.elf = NULL; /* kxl_build: KXL_EARG */
    if (args->version != PURGATORY_ARGS_VERSION ||
        args->nr_regions > PURGATORY_MAX_REGIONS)
        req.elf = NULL;
    return kxl_build(&req, env, ents, cap, res);
}

void kxl_purgatory_region(struct purgatory_region *r, const char *name,
                          kxl_maddr_t start, uint64_t size, const void *data,
                          uint64_t filled)
{
    struct sha256_ctx c;
    unsigned int i;

    r->start = kxl_maddr_val(start); /* purgatory-args.h: the wire's */
    r->size = size;
    for (i = 0; i < PURGATORY_NAME_LEN - 1 && name && name[i]; i++)
        r->name[i] = name[i];
    for (; i < PURGATORY_NAME_LEN; i++)
        r->name[i] = 0;
    if (filled > size)
        filled = size;
    sha256_init(&c, NULL);
    sha256_update(&c, data, (size_t)filled);
    sha256_update_zeros(&c, size - filled);
    sha256_final(&c, r->sha256);
}

int kxl_purgatory_add(struct purgatory_args *a, const char *name,
                      kxl_maddr_t start, uint64_t size, uint64_t lead_zero,
                      const void *data, uint64_t filled)
{
    struct purgatory_region *r;
    struct sha256_ctx c;

    if (lead_zero > size || filled > size - lead_zero)
        return KXL_EARG;
    if (a->nr_regions >= PURGATORY_MAX_REGIONS)
        return KXL_E2BIG;
    r = &a->regions[a->nr_regions++];
    kxl_purgatory_region(r, name, start, size, NULL, 0);
    sha256_init(&c, NULL);
    sha256_update_zeros(&c, lead_zero);
    sha256_update(&c, data, (size_t)filled);
    sha256_update_zeros(&c, size - lead_zero - filled);
    sha256_final(&c, r->sha256);
    return KXL_OK;
}

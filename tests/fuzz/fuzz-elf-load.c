/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kxl_build() (tools/kexec-loader/kexec-loader.c) on ELF bytes from the
 * input, the request (type, base, zero range, MAP requests, params,
 * by_paddr) from its first bytes.  Every destination must lie in the
 * request's region, so the oracle is the hypervisor's own: a list the
 * loader builds must pass kimage_validate() as an image in that region
 * (fake_expect_valid_crash(), on the unit tests' fake machine), or the
 * loader must refuse with a KXL_E* code.  Either way the ELF buffer is
 * never written, and the result's counts agree with the list.
 */
#include <stdio.h>
#include <string.h>

#include "fake-loader-env.h"
#include "fuzz.h"
#include "fuzz-loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kexec_entry ents[FZL_CAP];
    struct fz f = { data, size, 0 };
    struct kxl_map_req maps[KXL_MAX_MAPS];
    kxl_vaddr_t unmapped[2] = { kxl_vaddr(0xffffffff90000000ULL),
                                kxl_vaddr(0x7000) };
    struct kxl_request req;
    struct kxl_result res;
    unsigned int b = fz_take(&f, 1), nmaps;
    size_t n, cap;
    const uint8_t *elf_in;
    uint8_t *elf;
    int rc;

    memset(&req, 0, sizeof(req));
    req.type = b & 1;
    req.params = b & 2;
    req.by_paddr = b & 4;
    req.region_start = kxl_maddr(FZL_REGION);
    req.region_size = FZL_REGION_SIZE;
    if (b & 8)
        req.base = kxl_maddr(FZL_REGION + fz_take(&f, 2) * 4096);
    if (b & 0x10) {
        req.zero_maddr = kxl_maddr(FZL_REGION + fz_take(&f, 2) * 4096);
        req.zero_pages = 1 + fz_take(&f, 1) % 16;
    }
    nmaps = (b >> 5) & 3;
    for (unsigned int i = 0; i < nmaps; i++)
        maps[i] = (struct kxl_map_req){
            /* high canonical, outside the hypervisor's area: valid */
            .va = kxl_vaddr(0xffffffff80000000ULL +
                            (fz_take(&f, 1) + 0x100 * i) * 4096),
            .maddr = kxl_maddr(FZL_REGION + fz_take(&f, 2) * 4096),
            .pages = 1 + fz_take(&f, 1) % 4,
        };
    req.maps = maps;
    req.nr_maps = nmaps;
    if (b & 0x80) {
        req.image_id = 0x1234;
        req.unmapped = unmapped;
        req.nr_unmapped = 2;
    }
    cap = (fz_take(&f, 1) & 1) ? FZL_CAP : fz_take(&f, 1) % 16;

    elf_in = fz_rest(&f, &n);
    fake_reset();
    elf = fake_new_buf(n);
    memcpy(elf, elf_in, n);
    req.elf = elf;
    req.elf_size = n;

    rc = kxl_build(&req, &fake_env, ents, cap, &res);
    if (fz_verbose())
        fprintf(stderr, "fuzz-elf-load: %zu bytes: %s, %lu entries\n", n,
                kxl_strerror(rc), rc ? 0UL : (unsigned long)res.nr_entries);
    FZ_CHECK(!memcmp(elf, elf_in, n), "the loader wrote its ELF buffer");
    FZ_CHECK(rc <= 0 && rc >= KXL_EPARAMS, "result %d is no KXL_E*", rc);
    if (rc == 0) {
        uint64_t copy = 0, zero = 0, maps_seen = 0;

        FZ_CHECK(res.nr_entries <= cap, "%lu entries, cap %zu",
                 (unsigned long)res.nr_entries, cap);
        for (uint64_t i = 0; i < res.nr_entries; i++) {
            if (ents[i].op == KEXEC_OP_COPY)
                copy += ents[i].arg1;
            else if (ents[i].op == KEXEC_OP_ZERO)
                zero += ents[i].arg1;
            else if (ents[i].op == KEXEC_OP_MAP)
                maps_seen++;
        }
        FZ_CHECK(copy == res.copy_pages && zero == res.zero_pages &&
                     maps_seen == res.nr_map_entries &&
                     res.copy_pages == res.direct_pages + res.bounce_pages,
                 "result counts disagree with the list");
        FZ_CHECK(res.bounce_pages <= fake_nr_bounce, "bounce pages");
        fzl_expect_valid(ents, res.nr_entries, res.arch, res.entry_maddr);
    }
    fake_free();
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kxl_mb_build() (tools/kexec-loader/multiboot-load.c) on a Multiboot
 * kernel from the input (a.out-kludge address fields or an ELF32), with
 * up to three modules and the information page's place chosen by its
 * first bytes.  Oracle: a list it builds passes the hypervisor's
 * validator inside the region (fuzz-loader.h), its parts lie in the
 * region below 4 GiB and meet neither each other nor the kernel, and no
 * input buffer is written; or it refuses with a KXLM_E* code and, as
 * multiboot-load.h says, nothing to load.
 */
#include <stdio.h>
#include <string.h>

#include "../../tools/kexec-loader/multiboot-load.h"
#include "fuzz.h"
#include "fuzz-loader.h"

static const struct e820_entry machine[] = {
    { 0x0, 0x9fc00, 1, 0 },        { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },    { 0x100000, 0x7ff00000, 1, 0 },
    { 0xfffc0000, 0x40000, 3, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kexec_entry ents[FZL_CAP];
    static const char *lines[4] = { NULL, "", "console=com1 kexec",
                                    "a fairly long module command line" };
    struct fz f = { data, size, 0 };
    struct kxl_mb_module_req mods[3];
    struct kxl_mb_req req;
    struct kxl_mb_result res;
    unsigned int b = fz_take(&f, 1), nmods = b % 4;
    const uint8_t *in;
    uint8_t *img, *mod[3];
    size_t n, cap;
    int rc;

    memset(&req, 0, sizeof(req));
    memset(mods, 0, sizeof(mods));
    req.cmdline = lines[(b >> 2) & 3];
    req.region_start = kxl_maddr(FZL_REGION);
    req.region_size = FZL_REGION_SIZE;
    req.mem = machine;
    req.nr_mem = (b & 0x10) ? 0 : sizeof(machine) / sizeof(machine[0]);
    req.info_maddr = kxl_maddr(FZL_REGION +
                               ((b & 0x20) ? fz_take(&f, 2) : 0x2000) * 4096);
    cap = (b & 0x40) ? fz_take(&f, 1) % 8 : FZL_CAP;
    fake_reset();
    for (unsigned int i = 0; i < nmods; i++) {
        size_t ms = fz_take(&f, 2);

        mod[i] = fake_new_buf(ms);
        memset(mod[i], 0x40 + i, ms);
        mods[i] = (struct kxl_mb_module_req){ mod[i], ms,
                                              lines[(b >> (6 + i % 2)) & 3] };
    }
    req.modules = mods;
    req.nr_modules = nmods;

    in = fz_rest(&f, &n);
    img = fake_new_buf(n);
    memcpy(img, in, n);
    req.image = img;
    req.image_size = n;

    rc = kxl_mb_build(&req, &fake_env, ents, cap, &res);
    if (fz_verbose())
        fprintf(stderr,
                "fuzz-multiboot-load: %zu bytes, %u modules: %s (%d),"
                " %lu entries\n",
                n, nmods, kxl_mb_strerror(rc), res.kxl_error,
                (unsigned long)res.nr_entries);
    FZ_CHECK(!memcmp(img, in, n), "the loader wrote the kernel");
    for (unsigned int i = 0; i < nmods; i++)
        for (size_t k = 0; k < mods[i].size; k++)
            FZ_CHECK(mod[i][k] == 0x40 + i, "the loader wrote module %u", i);
    FZ_CHECK(rc <= 0 && rc >= KXLM_EBUILD, "result %d is no KXLM_E*", rc);
    if (rc) {
        FZ_CHECK(!res.nr_entries && !res.nr_segs &&
                     !kxl_maddr_val(res.entry_maddr),
                 "a refusal with something to load");
    } else {
        uint64_t ks = kxl_maddr_val(res.kernel_start);
        uint64_t ke = kxl_maddr_val(res.kernel_end);

        FZ_CHECK(kxl_maddr_val(res.end) <= FZL_REGION + FZL_REGION_SIZE &&
                     kxl_maddr_val(res.end) <= (1ULL << 32),
                 "end above the region");
        for (unsigned int i = 0; i < res.nr_segs; i++) {
            uint64_t d = kxl_maddr_val(res.segs[i].dest);
            uint64_t e = d + res.segs[i].memsz;

            FZ_CHECK(d >= FZL_REGION && e >= d &&
                         e <= FZL_REGION + FZL_REGION_SIZE,
                     "part %s outside the region", res.segs[i].name);
            FZ_CHECK(res.segs[i].lead_zero + res.segs[i].filesz <=
                         res.segs[i].memsz,
                     "part %s: data past its size", res.segs[i].name);
            if (strcmp(res.segs[i].name, "kernel"))
                FZ_CHECK(e <= ks || d >= ke, "part %s meets the kernel",
                         res.segs[i].name);
            for (unsigned int j = 0; j < i; j++) {
                uint64_t d2 = kxl_maddr_val(res.segs[j].dest);

                FZ_CHECK(e <= d2 || d >= d2 + res.segs[j].memsz,
                         "parts %s and %s overlap", res.segs[i].name,
                         res.segs[j].name);
            }
        }
        FZ_CHECK(kxl_maddr_val(res.entry_maddr) < (1ULL << 32),
                 "entry above 4 GiB");
        fzl_expect_valid(ents, res.nr_entries, KEXEC_ARCH_32, res.entry_maddr);
    }
    fake_free();
    return 0;
}

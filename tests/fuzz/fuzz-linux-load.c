/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kxl_linux_build() (tools/kexec-loader/linux-load.c) on a bzImage from
 * the input, and optionally a vmlinux (the input's tail after a 4-byte
 * length) and an initrd.  The first byte picks the type and options.
 * Oracle: a list it builds passes the hypervisor's validator inside the
 * region (fuzz-loader.h), every part lies below the usable end, the
 * command line fits the kernel's cmdline_size, and no input buffer is
 * written; or it refuses with a KXLL_E* code.
 */
#include <stdio.h>
#include <string.h>

#include "../../tools/kexec-loader/linux-load.h"
#include "fuzz.h"
#include "fuzz-loader.h"

static const struct e820_entry machine[] = {
    { 0x0, 0x9fc00, 1, 0 },         { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },     { 0x100000, 0x1ff00000 - 0x100000, 1, 0 },
    { 0x1ff00000, 0x100000, 3, 0 }, { 0xfffc0000, 0x40000, 2, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kexec_entry ents[FZL_CAP];
    static const char *lines[4] = {
        "", "console=ttyS0",
        "console=ttyS0 root=/dev/ram0 quiet loglevel=8 a=b c=d e=f g=h i=j", "x"
    };
    struct fz f = { data, size, 0 };
    struct kxl_linux_req req;
    struct kxl_linux_result res;
    unsigned int b = fz_take(&f, 1);
    const uint8_t *in;
    uint8_t *bz, *vm = NULL, *rd = NULL;
    size_t cap, n, bzn, vmn = 0, rdn = (b & 0x10) ? 1 + fz_take(&f, 2) : 0;
    int rc;

    memset(&req, 0, sizeof(req));
    req.type = b & 1;
    req.cmdline = lines[(b >> 1) & 3];
    req.region_start = kxl_maddr(FZL_REGION);
    req.region_size = (b & 0x40) ? (1 + fz_take(&f, 1)) * 0x40000ULL
                                 : FZL_REGION_SIZE;
    req.reserve_top = 4 * 4096;
    req.mem = machine;
    req.nr_mem = sizeof(machine) / sizeof(machine[0]);
    req.acpi_rsdp = kxl_maddr(0xf5a40);
    req.elfcorehdr_maddr = kxl_maddr(FZL_REGION + req.region_size - 2 * 4096);
    req.elfcorehdr_size = 2 * 4096;

    cap = (b & 0x80) ? fz_take(&f, 1) % 8 : FZL_CAP;
    in = fz_rest(&f, &n);
    bzn = n;
    if ((b & 8) && n >= 4) {
        bzn = (in[0] | in[1] << 8 | in[2] << 16 | (size_t)in[3] << 24) %
              (n - 3);
        vmn = n - 4 - bzn;
        in += 4;
    }
    fake_reset();
    bz = fake_new_buf(bzn);
    memcpy(bz, in, bzn);
    req.bzimage = bz;
    req.bzimage_size = bzn;
    if (b & 8) {
        vm = fake_new_buf(vmn);
        memcpy(vm, in + bzn, vmn);
        req.vmlinux = vm;
        req.vmlinux_size = vmn;
    }
    if (rdn) {
        rd = fake_new_buf(rdn);
        memset(rd, 0x5a, rdn);
        req.initrd = rd;
        req.initrd_size = rdn;
    }

    rc = kxl_linux_build(&req, &fake_env, ents, cap, &res);
    if (fz_verbose())
        fprintf(stderr,
                "fuzz-linux-load: %zu + %zu bytes: %s (%d), "
                "%lu entries\n",
                bzn, vmn, kxl_linux_strerror(rc), res.kxl_error,
                rc ? 0UL : (unsigned long)res.nr_entries);
    FZ_CHECK(!memcmp(bz, in, bzn), "the loader wrote the bzImage");
    FZ_CHECK(!vm || !memcmp(vm, in + bzn, vmn), "the loader wrote the vmlinux");
    for (size_t i = 0; i < rdn; i++)
        FZ_CHECK(rd[i] == 0x5a, "the loader wrote the initrd");
    FZ_CHECK(rc <= 0 && rc >= KXLL_EBUILD, "result %d is no KXLL_E*", rc);
    if (rc == 0) {
        uint64_t end = kxl_maddr_val(res.usable_end);

        FZ_CHECK(end <= FZL_REGION + req.region_size - req.reserve_top,
                 "usable end %#lx", (unsigned long)end);
        for (unsigned int i = 0; i < res.nr_segs; i++) {
            uint64_t d = kxl_maddr_val(res.segs[i].dest);

            FZ_CHECK(d >= FZL_REGION && d <= end &&
                         res.segs[i].memsz <= end - d &&
                         res.segs[i].lead_zero + res.segs[i].filesz <=
                             res.segs[i].memsz,
                     "segment %s at %#lx + %#lx outside the region",
                     res.segs[i].name, (unsigned long)d,
                     (unsigned long)res.segs[i].memsz);
        }
        FZ_CHECK(res.cmdline_len <= res.hdr.cmdline_size,
                 "command line %u "
                 "longer than %u",
                 res.cmdline_len, res.hdr.cmdline_size);
        FZ_CHECK(res.nr_e820 <= KXLL_E820_MAX, "e820 of %u", res.nr_e820);
        fzl_expect_valid(ents, res.nr_entries, KEXEC_ARCH_64, res.entry_maddr);
    }
    fake_free();
    return 0;
}

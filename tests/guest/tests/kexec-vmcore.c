/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec-vmcore: load crashdump64 (tests/images/, modules[0]) as the CRASH
 * image with an ELF core header, then inject a crash.
 *
 * Command line: `test=kexec-vmcore inject=KIND`, KIND one of the kinds of
 * debug_op(DEBUGOP_inject) (docs/crash-path.md: panic ud pf gp de df nmi
 * ap two console nested nested2 hang; nested2 ends the run at the second
 * re-entry, before the crash image).  The hypervisor must be booted with
 * crashkernel= (the integration tests use crashkernel=64M@256M).
 *
 * What dom0 does, as kexec-tools does for Linux:
 *   1. counts the CPUs: get_range(KEXEC_RANGE_MA_CPU, nr = n) succeeds for
 *      every CPU and gives -ERANGE past the last one (that refusal leaves
 *      one "(HV) d0 kexec_op: get_range: no CPU n (-ERANGE)" line);
 *   2. collects the note ranges (every CPU's, KEXEC_RANGE_MA_HVINFO,
 *      KEXEC_RANGE_MA_VMCOREINFO), the hypervisor image
 *      (KEXEC_RANGE_MA_XEN), the crash region and the machine memory map
 *      (memory_op XENMEM_machine_memory_map);
 *   3. builds the ELF core header with tools/kexec-loader/elfcore.c in
 *      fresh dom0 frames: one PT_NOTE per note, one PT_LOAD per RAM range
 *      outside the crash region (the whole reserved region: get_range's
 *      size plus the VMCOREINFO page after it), one for the hypervisor
 *      image at its link address;
 *   4. builds crashdump64's entry list with the loader
 *      (kexec-guest.h: kx_build; BASE = crash region + 1 MiB), writes the
 *      header's machine address and size and the CPU count into the
 *      parameter block (its bounce copy, before the load), and appends
 *      DEST = crash region start, COPY the header's frames: the header is
 *      part of the crash image, in the crash region;
 *   5. loads it (KEXEC_TYPE_CRASH) and calls debug_op(DEBUGOP_inject,
 *      KIND), which does not return.
 *
 * Expected guest lines: PASS only, then no verdict (the crash ends the
 * guest).  Then the hypervisor's crash path and crashdump64's lines,
 * "crashdump64: verdict PASS", QEMU status 65, and the vmcore on COM2.
 * Should the injection return: FAIL and "Test result: FAILURE".
 */
#include "kexec-guest.h"
#include "../../images/kexec-params.h"

#define KV_HDR_PAGES   4   /* up to 4 pages of header */
#define KV_SLOT_HDR    200 /* scratch slots 200 .. 203 */
#define KV_SLOT_PARAMS 210

/* Step 3: the header in fresh dom0 frames; their mfns in hdr_mfn[]. */
static bool build_header(const struct elfcore_req *req, uint64_t *hdr_mfn,
                         struct elfcore_result *res)
{
    static uint8_t buf[KV_HDR_PAGES * PAGE_SIZE];
    int rc = elfcore_build(req, buf, sizeof(buf), res);
    unsigned int pages;

    if (!check_eq(rc, ELFCORE_OK, "elfcore_build: %s", elfcore_strerror(rc)))
        return false;
    info("ELF core header: %lu bytes, %u program headers (%u PT_NOTE, %u RAM "
         "PT_LOAD, %u hypervisor image PT_LOAD)",
         res->size, res->nr_phdrs, res->nr_notes, res->nr_ram, res->nr_hv);
    pages = (unsigned int)((res->size + PAGE_SIZE - 1) / PAGE_SIZE);
    for (unsigned int i = 0; i < pages; i++) {
        uint64_t gfn = take_free_gfn();

        if (gfn == NO_GFN) {
            error("no free dom0 frame for the ELF core header");
            return false;
        }
        hdr_mfn[i] = gfn_to_mfn(gfn);
        if (scratch_map(KV_SLOT_HDR + i, hdr_mfn[i], PTE_RW)) {
            error("mapping header frame %#lx", hdr_mfn[i]);
            return false;
        }
        memset((void *)scratch_slot_va(KV_SLOT_HDR + i), 0, PAGE_SIZE);
        memcpy((void *)scratch_slot_va(KV_SLOT_HDR + i), buf + i * PAGE_SIZE,
               PAGE_SIZE);
        scratch_unmap(KV_SLOT_HDR + i);
    }
    return true;
}

DEFINE_KX_TEST(kexec_vmcore, "kexec-vmcore",
               "crashdump64 + ELF core header as the crash image, inject=KIND")
{
    static char kind[16];
    static uint64_t hdr_mfn[KV_HDR_PAGES];
    static struct kx_core_info core;
    uint64_t start = 0, size = 0, mfn;
    unsigned int nr_cpus, pages;
    struct elfcore_result hres;
    struct elfcore_req req;
    struct kexec_load ld;
    struct kxl_result res;
    struct kexec_params *kp;
    struct kx_opts o;
    size_t len;
    const char *k = cmdline_find("inject", &len);
    long rc;

    if (!k || !len || len >= sizeof(kind)) {
        error("no inject=KIND on the command line (panic, ud, pf, ...)");
        return;
    }
    memcpy(kind, k, len);
    kind[len] = '\0';

    if (!kx_crash_region(&start, &size) || !kx_collect_core_info(&core))
        return;
    nr_cpus = core.nr_cpus;

    /* the reserved region is get_range's size plus the VMCOREINFO page */
    req = kx_core_req(&core, start, size);
    if (!build_header(&req, hdr_mfn, &hres))
        return;
    pages = (unsigned int)((hres.size + PAGE_SIZE - 1) / PAGE_SIZE);

    /* step 4: the image, the block's new fields, the header's pages */
    o = (struct kx_opts){
        .module = 0,
        .type = KEXEC_TYPE_CRASH,
        .base = start + KX_CRASH_OFFSET,
        .image_id = 1,
        .region_start = start,
        .region_size = size,
    };
    if (kx_build(&o, &ld, &res))
        return;
    mfn = kx_copy_source(res.nr_entries, kxl_maddr_val(res.params_maddr));
    if (!check_true(kxl_maddr_val(res.params_maddr) && mfn != NO_MFN,
                    "the parameter block (at %#lx) is a COPY of frame %#lx",
                    kxl_maddr_val(res.params_maddr), mfn))
        return;
    if (scratch_map(KV_SLOT_PARAMS, mfn, PTE_RW)) {
        error("mapping the parameter block's frame %#lx", mfn);
        return;
    }
    kp = (struct kexec_params *)scratch_slot_va(KV_SLOT_PARAMS);
    if (!check_eq(memcmp(kp->magic, KXPARAM_MAGIC, KXPARAM_MAGIC_LEN), 0,
                  "the loader filled the parameter block")) {
        scratch_unmap(KV_SLOT_PARAMS);
        return;
    }
    kp->elfcorehdr_maddr = start;
    kp->elfcorehdr_size = hres.size;
    kp->nr_cpus = nr_cpus;
    scratch_unmap(KV_SLOT_PARAMS);

    if (res.nr_entries + 1 + pages > KX_MAX_ENTRIES) {
        error("no room for the header's entries (%lu used)", res.nr_entries);
        return;
    }
    kx_ents[res.nr_entries++] = (struct kexec_entry){ .op = KEXEC_OP_DEST,
                                                      .arg0 = start };
    for (unsigned int i = 0; i < pages; i++)
        kx_ents[res.nr_entries++] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                                          .arg0 = hdr_mfn[i],
                                                          .arg1 = 1 };
    ld.nr_entries = res.nr_entries;
    info("ELF core header at %#lx (%lu bytes, %u pages), crashdump64 at %#lx, "
         "entry %#lx, %lu entries",
         start, hres.size, pages, kxl_maddr_val(res.base),
         kxl_maddr_val(res.entry_maddr), res.nr_entries);

    kx_check_status(KEXEC_TYPE_CRASH, 0, "before the load");
    rc = kx_load(&ld);
    if (!check_eq(rc, 0,
                  "load crashdump64 and the ELF core header as the "
                  "crash image")) {
        info("... bad_entry %#lx", ld.bad_entry);
        return;
    }
    kx_check_status(KEXEC_TYPE_CRASH, KEXEC_STATUS_LOADED, "after the load");

    /* step 5 */
    info("injecting '%s' (debug_op DEBUGOP_inject): crashdump64 runs next",
         kind);
    rc = hypercall2(__HYPERVISOR_debug_op, DEBUGOP_inject, PTR(kind));
    fail("debug_op DEBUGOP_inject '%s' returned %ld (want no return)", kind,
         rc);
}

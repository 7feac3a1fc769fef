/* SPDX-License-Identifier: MIT */
/*
 * How the initial domain (dom0) starts, and struct start_info.
 *
 * Entry state.  dom0 is a 64-bit ELF linked in the upper half (like a PV
 * kernel; the hypervisor's own area 0xffff800000000000-0xffff87ffffffffff
 * is never the guest's).  It starts at the ELF entry point:
 *   - ring 3, 64-bit: CS = 0x2b, SS = DS = ES = 0x23, FS = GS = 0;
 *   - %rsi = virtual address of struct start_info; %rsp = the top of a
 *     stack of START_STACK_PAGES pages; other GPRs are zero;
 *   - RFLAGS = 0x202 (IF set, nothing else);
 *   - mapped (all user pages): the image's PT_LOAD segments (writable
 *     unless the segment is read-only; executable only if PF_X), the
 *     start_info page (read-only), the hypercall page (read-only,
 *     executable), the stack, the P2M list (read-only), a read-only view
 *     of every page-table frame of the domain, the boot modules
 *     (writable), and an empty scratch window whose L1 table exists, so
 *     that the guest can map pages with mmu_update/update_va_mapping.
 *   - Memory: nr_pages frames, not machine-contiguous.  Guest frame
 *     numbers (gfn) index the P2M list, whose entries are machine frame
 *     numbers (mfn), or P2M_INVALID for a gfn with no frame (ballooned
 *     out).  Page tables and the kexec ABI speak machine addresses.
 */
#ifndef HV_PUBLIC_START_INFO_H
#define HV_PUBLIC_START_INFO_H

#include <stdint.h>

#define START_INFO_MAGIC   "kexec-hv-pv-1"
#define START_INFO_VERSION 3
#define START_STACK_PAGES  4
#define START_MAX_MODULES  7
#define START_CMDLINE_LEN  512
#define P2M_INVALID        (~(uint64_t)0)

/* start_info.flags */
#define SIF_PRIVILEGED (1u << 0) /* may use [privileged] hypercalls */
#define SIF_INITDOMAIN (1u << 1) /* the initial domain */

struct start_module {
    uint64_t va;        /* where it is mapped, page aligned */
    uint64_t size;      /* bytes */
    uint64_t first_gfn; /* its frames are gfns first_gfn .. + pages */
    char cmdline[104];  /* the module's own arguments */
};

struct start_info {
    char magic[16];          /* START_INFO_MAGIC, NUL padded */
    uint32_t version;        /* START_INFO_VERSION */
    uint32_t flags;          /* SIF_* */
    uint64_t nr_pages;       /* frames the domain owns at start */
    uint64_t p2m_list;       /* VA of uint64_t p2m[p2m_size] */
    uint64_t p2m_size;       /* entries (the largest gfn + 1 possible) */
    uint64_t pt_base;        /* VA (in the view) of the L4 table */
    uint64_t pt_view;        /* VA of the read-only page-table view */
    uint64_t nr_pt_frames;   /* frames in the view, in this order: */
    uint64_t pt_view_mfns;   /* VA of uint64_t mfn[nr_pt_frames] */
    uint64_t scratch_va;     /* 2 MiB window with an empty L1 table */
    uint64_t scratch_l1_mfn; /* machine frame of that L1 table */
    uint64_t hypercall_page; /* VA of the hypercall page */
    uint64_t stack_top;      /* initial %rsp */
    uint64_t first_free_gfn; /* gfns from here on are not mapped */
    uint32_t nr_modules;
    uint32_t pad;
    struct start_module modules[START_MAX_MODULES];
    char cmd_line[START_CMDLINE_LEN];
    /*
     * Machine address of the ACPI RSDP the hypervisor found (UEFI's
     * configuration table, or the BIOS areas), 0 if none: what a loader
     * passes to a next kernel that cannot scan for it (under UEFI there
     * is no RSDP in the BIOS area).  Xen's PVH start info has the same.
     */
    uint64_t rsdp_paddr;
    /*
     * The TSC's frequency in kHz, as the hypervisor calibrated it (every
     * CPU's TSC runs at it): what a loader passes to a next hypervisor
     * (tsc_khz=) so that it need not calibrate again.  Version 3.
     */
    uint64_t tsc_khz;
};

#endif /* HV_PUBLIC_START_INFO_H */

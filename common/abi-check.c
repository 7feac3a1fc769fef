/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest ABI's layouts, checked at build time: every struct of
 * include/public/ with its size and the offset of every field.  A change
 * here is an ABI change: fields never move, and a struct grows only at its
 * end.
 */
#include <stddef.h>
#include <hv/types.h>
#include <public/elfnote.h>
#include <public/kexec.h>
#include <public/start-info.h>
#include <public/xen.h>

/* Each failure names the struct, the value, and ABI_DOC: the header that
   specifies it and the document whose readers it would break. */
#define LAYOUT_SIZE(s, n)                                                      \
    _Static_assert(sizeof(struct s) == (n),                                    \
                   "struct " #s " must be " #n " bytes: " ABI_DOC)
#define LAYOUT_AT(s, f, off)                                                   \
    _Static_assert(offsetof(struct s, f) == (off),                             \
                   "struct " #s "." #f " must be at " #off ": " ABI_DOC)

#define ABI_DOC "include/public/elfnote.h, docs/crash-path.md (readelf, gdb)"

LAYOUT_SIZE(hv_elf_prstatus, 336);
LAYOUT_AT(hv_elf_prstatus, si_signo, 0);
LAYOUT_AT(hv_elf_prstatus, si_code, 4);
LAYOUT_AT(hv_elf_prstatus, si_errno, 8);
LAYOUT_AT(hv_elf_prstatus, pr_cursig, 12);
LAYOUT_AT(hv_elf_prstatus, pad0, 14);
LAYOUT_AT(hv_elf_prstatus, pr_sigpend, 16);
LAYOUT_AT(hv_elf_prstatus, pr_sighold, 24);
LAYOUT_AT(hv_elf_prstatus, pr_pid, 32);
LAYOUT_AT(hv_elf_prstatus, pr_ppid, 36);
LAYOUT_AT(hv_elf_prstatus, pr_pgrp, 40);
LAYOUT_AT(hv_elf_prstatus, pr_sid, 44);
LAYOUT_AT(hv_elf_prstatus, pr_times, 48);
LAYOUT_AT(hv_elf_prstatus, pr_reg, 112);
LAYOUT_AT(hv_elf_prstatus, pr_fpvalid, 328);
LAYOUT_AT(hv_elf_prstatus, pad1, 332);

LAYOUT_SIZE(hv_crash_info, 176);
LAYOUT_AT(hv_crash_info, version, 0);
LAYOUT_AT(hv_crash_info, crashing_cpu, 4);
LAYOUT_AT(hv_crash_info, nr_cpus, 8);
LAYOUT_AT(hv_crash_info, cpus_saved, 12);
LAYOUT_AT(hv_crash_info, tsc_khz, 16);
LAYOUT_AT(hv_crash_info, tsc_panic, 24);
LAYOUT_AT(hv_crash_info, tsc_handoff, 32);
LAYOUT_AT(hv_crash_info, hv_version, 40);
LAYOUT_AT(hv_crash_info, reason, 48);

#undef ABI_DOC
#define ABI_DOC "include/public/kexec.h, docs/kexec.md"
LAYOUT_SIZE(kexec_exec, 8);
LAYOUT_AT(kexec_exec, type, 0);
LAYOUT_AT(kexec_exec, pad, 4);

LAYOUT_SIZE(kexec_range, 24);
LAYOUT_AT(kexec_range, range, 0);
LAYOUT_AT(kexec_range, nr, 4);
LAYOUT_AT(kexec_range, start, 8);
LAYOUT_AT(kexec_range, size, 16);

LAYOUT_SIZE(kexec_limits, 40);
LAYOUT_AT(kexec_limits, max_entries, 0);
LAYOUT_AT(kexec_limits, max_pages, 8);
LAYOUT_AT(kexec_limits, phys_limit, 16);
LAYOUT_AT(kexec_limits, entry_size, 24);
LAYOUT_AT(kexec_limits, load_size, 28);
LAYOUT_AT(kexec_limits, max_map_pages, 32);

LAYOUT_SIZE(kexec_entry, 32);
LAYOUT_AT(kexec_entry, op, 0);
LAYOUT_AT(kexec_entry, flags, 2);
LAYOUT_AT(kexec_entry, pad, 4);
LAYOUT_AT(kexec_entry, arg0, 8);
LAYOUT_AT(kexec_entry, arg1, 16);
LAYOUT_AT(kexec_entry, arg2, 24);

LAYOUT_SIZE(kexec_load, 40);
LAYOUT_AT(kexec_load, size, 0);
LAYOUT_AT(kexec_load, type, 4);
LAYOUT_AT(kexec_load, arch, 5);
LAYOUT_AT(kexec_load, flags, 6);
LAYOUT_AT(kexec_load, entry_maddr, 8);
LAYOUT_AT(kexec_load, entries, 16);
LAYOUT_AT(kexec_load, nr_entries, 24);
LAYOUT_AT(kexec_load, bad_entry, 32);

#undef ABI_DOC
#define ABI_DOC "include/public/start-info.h, docs/guest-abi.md"
LAYOUT_SIZE(start_module, 128);
LAYOUT_AT(start_module, va, 0);
LAYOUT_AT(start_module, size, 8);
LAYOUT_AT(start_module, first_gfn, 16);
LAYOUT_AT(start_module, cmdline, 24);

LAYOUT_SIZE(start_info, 1552);
LAYOUT_AT(start_info, magic, 0);
LAYOUT_AT(start_info, version, 16);
LAYOUT_AT(start_info, flags, 20);
LAYOUT_AT(start_info, nr_pages, 24);
LAYOUT_AT(start_info, p2m_list, 32);
LAYOUT_AT(start_info, p2m_size, 40);
LAYOUT_AT(start_info, pt_base, 48);
LAYOUT_AT(start_info, pt_view, 56);
LAYOUT_AT(start_info, nr_pt_frames, 64);
LAYOUT_AT(start_info, pt_view_mfns, 72);
LAYOUT_AT(start_info, scratch_va, 80);
LAYOUT_AT(start_info, scratch_l1_mfn, 88);
LAYOUT_AT(start_info, hypercall_page, 96);
LAYOUT_AT(start_info, stack_top, 104);
LAYOUT_AT(start_info, first_free_gfn, 112);
LAYOUT_AT(start_info, nr_modules, 120);
LAYOUT_AT(start_info, pad, 124);
LAYOUT_AT(start_info, modules, 128);
LAYOUT_AT(start_info, cmd_line, 1024);
LAYOUT_AT(start_info, rsdp_paddr, 1536);
LAYOUT_AT(start_info, tsc_khz, 1544);

#undef ABI_DOC
#define ABI_DOC "include/public/xen.h, docs/hypercall-abi.md"
LAYOUT_SIZE(xen_feature_info, 8);
LAYOUT_AT(xen_feature_info, submap_idx, 0);
LAYOUT_AT(xen_feature_info, submap, 4);

LAYOUT_SIZE(sched_shutdown, 4);
LAYOUT_AT(sched_shutdown, reason, 0);

LAYOUT_SIZE(mmu_update, 16);
LAYOUT_AT(mmu_update, ptr, 0);
LAYOUT_AT(mmu_update, val, 8);

LAYOUT_SIZE(xen_memory_reservation, 32);
LAYOUT_AT(xen_memory_reservation, extent_start, 0);
LAYOUT_AT(xen_memory_reservation, nr_extents, 8);
LAYOUT_AT(xen_memory_reservation, extent_order, 16);
LAYOUT_AT(xen_memory_reservation, mem_flags, 20);
LAYOUT_AT(xen_memory_reservation, domid, 24);
LAYOUT_AT(xen_memory_reservation, pad, 26);

LAYOUT_SIZE(e820_entry, 24);
LAYOUT_AT(e820_entry, addr, 0);
LAYOUT_AT(e820_entry, size, 8);
LAYOUT_AT(e820_entry, type, 16);
LAYOUT_AT(e820_entry, pad, 20);

LAYOUT_SIZE(xen_memory_map, 16);
LAYOUT_AT(xen_memory_map, nr_entries, 0);
LAYOUT_AT(xen_memory_map, pad, 4);
LAYOUT_AT(xen_memory_map, buffer, 8);

LAYOUT_SIZE(debug_bench_copy, 40);
LAYOUT_AT(debug_bench_copy, bytes, 0);
LAYOUT_AT(debug_bench_copy, tsc_khz, 8);
LAYOUT_AT(debug_bench_copy, memcpy_cycles, 16);
LAYOUT_AT(debug_bench_copy, movsq_cycles, 24);
LAYOUT_AT(debug_bench_copy, memcpy_page_cycles, 32);

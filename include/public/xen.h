/* SPDX-License-Identifier: MIT */
/*
 * The hypercall ABI of kexec-hv, in Xen's style.
 *
 * Calling convention (64-bit PV guest in ring 3):
 *   - A guest calls hypercall N by `call hypercall_page + N * 32`; each
 *     32-byte stub, written by the hypervisor, is `mov $N, %eax; syscall;
 *     ret`.  The page's address is start_info.hypercall_page.
 *   - Arguments: %rdi, %rsi, %rdx, %r10, %r8 (the 4th is %r10 because
 *     `syscall` clobbers %rcx).  Result in %rax: >= 0 on success, a
 *     negative errno (errno.h) on failure.
 *   - Clobbered: %rax, %rcx, %r11 (by syscall itself).  Every other
 *     register is preserved.  Guest memory named by a pointer argument is
 *     read or written through the guest's own page tables; a pointer that
 *     faults gives -EFAULT.
 *   - An unknown hypercall number gives -ENOSYS; an unknown sub-operation
 *     of a known hypercall gives -EOPNOTSUPP.
 *   - Calls marked [privileged] give -EPERM to an unprivileged domain
 *     (start_info.flags without SIF_PRIVILEGED).
 *   - Every refused call also prints one line on the hypervisor console,
 *     naming the domain, the call and the reason, rate limited as the
 *     console_io writes below.
 * Fixed-width types and explicit padding throughout; layouts are checked at
 * build time (common/abi-check.c).
 */
#ifndef HV_PUBLIC_XEN_H
#define HV_PUBLIC_XEN_H

#include <stdint.h>

/* Hypercall numbers: Xen's, where Xen has the call. */
#define __HYPERVISOR_mmu_update        1
#define __HYPERVISOR_memory_op         12
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_xen_version       17
#define __HYPERVISOR_console_io        18
#define __HYPERVISOR_sched_op          29
#define __HYPERVISOR_kexec_op          37
#define __HYPERVISOR_debug_op          48 /* ours: testing aids */
#define NR_HYPERCALLS                  64 /* size of the hypercall page / 32 */

#define HYPERCALL_STUB_SIZE 32

typedef uint16_t domid_t;
#define DOMID_SELF ((domid_t)0x7ff0)

/* ---------------------------------------------------------------------
 * console_io(cmd, count, buffer)
 *   CONSOLEIO_write: print count bytes from buffer on the hypervisor
 *     console (at most CONSOLEIO_MAX bytes per call, -E2BIG above).
 *     Returns 0.  -EFAULT if buffer is unreadable.  Text goes out line by
 *     line ("(d0) <line>"; a line ends at a newline or after 255 bytes).
 *     Rate limits: a privileged domain's lines are never dropped (its
 *     refusal lines: the first 10000, then every 1000th, marked
 *     "[rate limited]").  An unprivileged domain's lines and its refusal
 *     lines share one bucket of 64 lines that refills one line every
 *     500 ms; a line without a token is dropped (the call still returns
 *     0), and the next line printed is preceded by "d0: N console lines
 *     suppressed (rate limited)", as is the domain's end.
 *   CONSOLEIO_read [privileged]: copy up to count bytes received on the
 *     serial port into buffer; returns the number of bytes (0 if none).
 *     A buffer whose first min(count, 128) bytes are not guest addresses
 *     (the hypervisor's area, non-canonical, wrapping) gives -EFAULT
 *     before any input is taken, even with nothing waiting.  A guest
 *     address that is not mapped writable is found only when there is a
 *     byte to copy: -EFAULT then (the bytes taken are lost); with
 *     nothing waiting the call returns 0 and does not touch the buffer.
 */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1
#define CONSOLEIO_MAX   4096

/* ---------------------------------------------------------------------
 * xen_version(cmd, arg)
 *   XENVER_version: returns (major << 16) | minor; arg unused.
 *   XENVER_extraversion: writes a NUL-terminated string of at most
 *     XEN_EXTRAVERSION_LEN bytes to arg.
 *   XENVER_get_features: arg -> struct xen_feature_info; submap_idx 0
 *     is the only submap; others give submap 0 bits.
 */
#define XENVER_version       0
#define XENVER_extraversion  1
#define XENVER_get_features  6
#define XEN_EXTRAVERSION_LEN 16

struct xen_feature_info {
    uint32_t submap_idx; /* [in]  */
    uint32_t submap;     /* [out] XENFEAT_* bits */
};

/*
 * The hypervisor sets _PAGE_USER on every L1 entry a guest installs
 * (64-bit PV guests run in ring 3, so their pages need it), as Xen's
 * adjust_guest_l1e does.  Clear when the hypervisor runs with
 * pv-page-user=guest, where the guest must set the bit itself (the
 * behaviour of Xen before 3.0.3).
 */
#define XENFEAT_page_user_forced (1u << 0)
/* kexec_op is available to this domain (privileged, crash support). */
#define XENFEAT_kexec (1u << 1)

/* ---------------------------------------------------------------------
 * sched_op(cmd, arg)
 *   SCHEDOP_yield: returns 0.
 *   SCHEDOP_shutdown: arg -> struct sched_shutdown.  Does not return.
 *     For a privileged domain, poweroff ends the machine (under QEMU:
 *     exit status 3), reboot ends it with status 5, crash is a domain
 *     crash, which for a privileged domain is the host's (see the kexec
 *     ABI: it runs the loaded crash image).  For an unprivileged domain
 *     each of the three ends that domain only ("Domain 0 shut down
 *     (poweroff|reboot)", "Domain 0 crashed"); with no domain left the
 *     hypervisor halts (under QEMU: status 7).  A fatal fault of the
 *     domain is a crash too.  An unknown reason gives -EINVAL.
 */
#define SCHEDOP_yield    0
#define SCHEDOP_shutdown 2

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot   1
#define SHUTDOWN_crash    3

/* ---------------------------------------------------------------------
 * mmu_update(reqs, count, success_count, domid)
 *   Apply count requests in order; stop at the first refused one.
 *   *success_count (if non-NULL) receives the number applied.  Returns 0
 *   or the errno of the refused request; requests before it stay applied.
 *   domid must be DOMID_SELF.
 *
 *   ptr: machine address of the 8-byte entry to write, with the command
 *        in its low 2 bits (MMU_NORMAL_PT_UPDATE is the only command).
 *        The entry must lie in one of the caller's L1 page-table frames:
 *        otherwise -EINVAL.
 *   val: the new entry: a machine frame number and flags.  Rules:
 *     - not present: always accepted (unmaps);
 *     - the frame must belong to the caller: -EACCES otherwise
 *       (hypervisor frames, other domains' frames, free frames);
 *     - the frame must not be in the crash region: -EACCES, with its own
 *       console line (it never is the caller's, the line says why);
 *     - a page-table frame of the caller may be mapped read-only, never
 *       writable: -EPERM;
 *     - flags outside P, RW, U, PWT, PCD, A, D, NX: -EINVAL;
 *     - _PAGE_USER is forced on (see XENFEAT_page_user_forced).
 */
#define MMU_NORMAL_PT_UPDATE 0

struct mmu_update {
    uint64_t ptr; /* [in] machine address of the entry | command */
    uint64_t val; /* [in] new entry */
};

/* ---------------------------------------------------------------------
 * update_va_mapping(va, val, flags)
 *   Write the L1 entry that maps va in the caller's current page tables,
 *   with the rules of mmu_update.  -EINVAL if va has no L1 table in the
 *   caller's tables or lies in the hypervisor's area.  Flags:
 *     UVMF_INVLPG      flush va from this CPU's TLB;
 *     UVMF_TLB_FLUSH   flush this CPU's whole TLB;
 *   with neither, the guest must not rely on the new entry being seen.
 */
#define UVMF_NONE           0
#define UVMF_TLB_FLUSH      1
#define UVMF_INVLPG         2
#define UVMF_FLUSHTYPE_MASK 3

/* ---------------------------------------------------------------------
 * memory_op(cmd, arg)
 *   XENMEM_increase_reservation: arg -> struct xen_memory_reservation;
 *     allocates nr_extents frames (extent_order must be 0) and writes
 *     the guest frame numbers given to them into extent_start[]; their
 *     machine frames appear in the P2M list.  Returns the number done:
 *     fewer than asked at the maximum reservation, when memory runs out,
 *     or past XENMEM_MAX_EXTENTS_PER_CALL.  The gfn given is the one
 *     given back most recently.
 *   XENMEM_decrease_reservation: gives back the guest frames listed in
 *     extent_start[] (extent_order 0).  The gfn must have a frame
 *     (-EACCES), not a boot module's (-EPERM; page tables, start_info and
 *     the hypercall page have no gfn at all) and not be mapped anywhere in
 *     the caller's tables (-EBUSY, which includes the pages of its own
 *     image).  Stops at the first refused gfn: returns the number done,
 *     or the errno if none was done.  A frame given back is flushed from
 *     every TLB that may hold it before it is free: a guest that unmaps
 *     without a flush and keeps using the address takes a page fault.
 *     Ballooning out memory makes a later kexec unreliable: it
 *     clears the "kexec is safe" state (see kexec.h).
 *   Both do at most XENMEM_MAX_EXTENTS_PER_CALL extents per call, each in
 *     constant time (hypercalls run with interrupts off): a caller with
 *     more loops, from extent_start + 8 * (the number returned), as with
 *     Xen's partial results.
 *   XENMEM_current_reservation / XENMEM_maximum_reservation: arg points at
 *     a domid_t (DOMID_SELF); returns the number of frames.
 *   XENMEM_machine_memory_map [privileged]: arg -> struct xen_memory_map;
 *     fills at most nr_entries e820 entries into buffer, sets nr_entries.
 */
#define XENMEM_MAX_EXTENTS_PER_CALL 512
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_machine_memory_map   10

struct xen_memory_reservation {
    uint64_t extent_start; /* [in/out] guest pointer to uint64_t gfns */
    uint64_t nr_extents;   /* [in] */
    uint32_t extent_order; /* [in] must be 0 */
    uint32_t mem_flags;    /* [in] must be 0 */
    domid_t domid;         /* [in] DOMID_SELF */
    uint16_t pad[3];
};

struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
    uint32_t pad;
};

struct xen_memory_map {
    uint32_t nr_entries; /* [in] capacity, [out] entries written */
    uint32_t pad;
    uint64_t buffer; /* [in] guest pointer to struct e820_entry[] */
};

/* ---------------------------------------------------------------------
 * debug_op(cmd, arg) [privileged]: testing aids.
 *   DEBUGOP_inject: arg -> NUL-terminated name (at most 15 characters) of
 *     a crash to inject (docs/crash-path.md lists them: panic, ud, pf, gp,
 *     de, df, nmi, ap, two, console, nested, nested2, hang, regionwrite).
 *     Only in a boot with the hypervisor option debug-inject (off by
 *     default: a production hypervisor does not let a guest kill it on
 *     request); without it -EOPNOTSUPP, checked before arg is read.
 *     With it: does not return; an unreadable name gives -EFAULT, an
 *     unknown one -EINVAL.
 *   DEBUGOP_free_frames: returns the number of free machine frames in the
 *     hypervisor's allocator (tests check that refused requests give back
 *     all the memory they took); arg unused.  Needs no debug-inject: it
 *     reads one count and changes nothing, and a privileged domain learns
 *     as much from the memory map and its own reservation.
 *   DEBUGOP_bench_copy: arg -> struct debug_bench_copy; the reference
 *     figures of the benchmarks (docs/benchmarks.md).  Only with the
 *     option debug-inject (-EOPNOTSUPP without it, checked before arg is
 *     read: it holds the CPU for as long as the copies take).  The
 *     hypervisor allocates two runs of `bytes` bytes of its own frames,
 *     writes both once (so that no first touch is timed), then times with
 *     the TSC, interrupts off, one memcpy() from the first to the second,
 *     one `rep movsq` of the same bytes (the kexec load's copy_pages()),
 *     and memcpy() one page at a time, frees both runs and writes the
 *     cycle counts and the TSC's frequency back.  bytes: a multiple of 4096, 4096 .. 64 MiB, else
 *     -EINVAL; no contiguous memory for both runs: -ENOMEM; an unreadable
 *     or unwritable arg: -EFAULT.  Returns 0.
 *   DEBUGOP_fail_alloc: arg = N: the Nth frame allocation the hypervisor
 *     makes from now on fails (once), as if memory had run out; 0 disarms.
 *     Returns how many allocations were made since the previous call (or
 *     since boot), counting the failed one: disarming after an operation
 *     tells how many it made, and so whether the Nth was reached.  For the
 *     tests that walk N over every allocation of a kexec load.  Only with
 *     the option debug-inject (-EOPNOTSUPP without it).
 *   Errors: -EPERM for an unprivileged caller (before anything else),
 *     -EOPNOTSUPP for an unknown cmd.
 */
#define DEBUGOP_inject      0
#define DEBUGOP_free_frames 1
#define DEBUGOP_bench_copy  2
#define DEBUGOP_fail_alloc  3

#define DEBUG_BENCH_COPY_MAX (64UL << 20)

struct debug_bench_copy {
    uint64_t bytes;         /* [in] bytes to copy */
    uint64_t tsc_khz;       /* [out] the TSC's frequency, kHz (as calibrated
                                at boot; every CPU's TSC runs at it) */
    uint64_t memcpy_cycles; /* [out] TSC cycles of memcpy(dst, src, bytes) */
    uint64_t movsq_cycles;  /* [out] TSC cycles of rep movsq, bytes / 8 */
    uint64_t memcpy_page_cycles; /* [out] TSC cycles of bytes / 4096
                                    memcpy()s of 4096 bytes */
};

#endif /* HV_PUBLIC_XEN_H */

/* SPDX-License-Identifier: MIT */
/*
 * kexec_op (hypercall 37): load, unload, query and execute kexec images.
 *
 *   long kexec_op(unsigned int cmd, void *arg);   [privileged]
 *
 * An unprivileged domain gets -EPERM for every command.  Every refusal
 * also prints one line on the hypervisor console:
 *     (HV) d0 kexec_op: <what> (-<ERRNO>)
 * and changes nothing: the images loaded before the call stay loaded,
 * bit for bit, and still run.
 *
 * Two image types: DEFAULT, run on request (KEXEC_CMD_kexec); CRASH, run
 * when the hypervisor crashes (panic, fatal exception, dom0 crash, NMI) or
 * on request.  At most one image of each type is loaded; loading replaces.
 *
 * Addresses in this interface are machine addresses; frames named as
 * copy sources are machine frames (a PV guest finds them in its P2M list).
 */
#ifndef HV_PUBLIC_KEXEC_H
#define HV_PUBLIC_KEXEC_H

#include <stdint.h>

#define KEXEC_CMD_kexec            0
#define KEXEC_CMD_kexec_get_range  3
#define KEXEC_CMD_kexec_load       4
#define KEXEC_CMD_kexec_unload     5
#define KEXEC_CMD_kexec_status     6
#define KEXEC_CMD_kexec_get_limits 7
/* An unknown command gives -EOPNOTSUPP. */

#define KEXEC_TYPE_DEFAULT 0
#define KEXEC_TYPE_CRASH   1

/* ---------------------------------------------------------------------
 * KEXEC_CMD_kexec: arg -> struct kexec_exec.  Runs the image of that
 * type; does not return on success.  Other CPUs are stopped first (with a
 * bounded wait; a CPU that does not stop is named on the console and the
 * handoff goes on).  Errors: -ENOENT (no image of that type loaded),
 * -ENOTRECOVERABLE (kexec is not safe: see status), -EINVAL (type).
 */
struct kexec_exec {
    uint32_t type;          /* [in] KEXEC_TYPE_* */
    uint32_t pad;           /* [in] must be 0 */
};

/* ---------------------------------------------------------------------
 * KEXEC_CMD_kexec_unload: arg -> struct kexec_exec.  Forgets the image of
 * that type (0 even if none was loaded).  Unloading the CRASH image lifts
 * the write protection of the crash region.
 *
 * KEXEC_CMD_kexec_status: arg -> struct kexec_exec.  Returns a mask:
 */
#define KEXEC_STATUS_LOADED 1u  /* an image of this type is loaded */
#define KEXEC_STATUS_UNSAFE 2u  /* kexec is not safe (load and exec refuse) */

/* ---------------------------------------------------------------------
 * KEXEC_CMD_kexec_get_range: arg -> struct kexec_range.
 *   KEXEC_RANGE_MA_CRASH       the crash region available to CRASH images
 *                              (size 0 if none reserved)
 *   KEXEC_RANGE_MA_XEN         the hypervisor image
 *   KEXEC_RANGE_MA_CPU         CPU nr's crash note (elfnote.h); -ERANGE
 *                              for a CPU that does not exist
 *   KEXEC_RANGE_MA_VMCOREINFO  the VMCOREINFO note: the safe copy kept in
 *                              the last page of the crash region (written
 *                              at boot and at every CRASH load)
 *   KEXEC_RANGE_MA_HVINFO      the hypervisor's crash-information note
 * Unknown range: -EINVAL.
 */
#define KEXEC_RANGE_MA_CRASH      0
#define KEXEC_RANGE_MA_XEN        1
#define KEXEC_RANGE_MA_CPU        2
#define KEXEC_RANGE_MA_VMCOREINFO 6
#define KEXEC_RANGE_MA_HVINFO     8

struct kexec_range {
    uint32_t range;         /* [in] KEXEC_RANGE_* */
    uint32_t nr;            /* [in] index, for per-CPU ranges */
    uint64_t start;         /* [out] machine address */
    uint64_t size;          /* [out] bytes */
};

/* ---------------------------------------------------------------------
 * KEXEC_CMD_kexec_get_limits: arg -> struct kexec_limits.  The hypervisor's
 * own limits (none comes from a Linux constant).
 */
struct kexec_limits {
    uint64_t max_entries;   /* [out] most entries in one load */
    uint64_t max_pages;     /* [out] most destination pages in one image */
    uint64_t phys_limit;    /* [out] destinations must end at or below */
    uint32_t entry_size;    /* [out] sizeof(struct kexec_entry) */
    uint32_t load_size;     /* [out] sizeof(struct kexec_load) */
};

/* ---------------------------------------------------------------------
 * KEXEC_CMD_kexec_load: arg -> struct kexec_load.
 *
 * The image is described by a list of entries, each with an operation
 * code, processed in order with a current destination address:
 *
 *   KEXEC_OP_DEST  arg0 = machine address, page aligned: the current
 *                  destination becomes arg0.
 *   KEXEC_OP_COPY  arg0 = first source machine frame, arg1 = frames:
 *                  copies frames arg0 .. arg0 + arg1 - 1 (each owned by
 *                  the caller) to the current destination, which then
 *                  advances by arg1 pages.
 *   KEXEC_OP_ZERO  arg1 = pages: the next arg1 destination pages are
 *                  zero-filled; the destination advances.
 *   KEXEC_OP_MAP   arg0 = virtual address (page aligned, canonical),
 *                  arg1 = index of an EARLIER COPY or ZERO entry,
 *                  arg2 = pages (at most that entry's arg1): maps
 *                  arg0 .. to the machine pages where that entry lands,
 *                  in the page tables the image is entered with (this
 *                  replaces the old interface's physical/virtual pairs).
 * Unused args must be 0.
 *
 * Validation happens for every entry before anything changes.  Each rule
 * has its own errno; *bad_entry receives the index of the entry at fault
 * (KEXEC_BAD_HEADER for the struct itself):
 *
 *   -EINVAL          size smaller than this struct's first version, or a
 *                    field (type, arch, flags, op, pad, unused arg) holds a
 *                    value with no meaning
 *   -E2BIG           nr_entries or the total of destination pages above
 *                    the limits (KEXEC_CMD_kexec_get_limits)
 *   -EFAULT          entries cannot be read (the list is copied into the
 *                    hypervisor once and never read again)
 *   -ENXIO           an entry names frame 0 or a count of 0
 *   -EADDRNOTAVAIL   an address not page aligned, or a destination that is
 *                    not RAM, or a MAP address that is not canonical or
 *                    lies in the hypervisor's area
 *   -EOVERFLOW       address + length wraps around
 *   -ERANGE          a destination ends above the machine's physical limit
 *   -EBADMSG         a COPY or ZERO before any DEST, or a MAP that names
 *                    itself, a later entry, or an entry that is not COPY or
 *                    ZERO, or more pages than that entry has
 *   -EACCES          a source frame that the caller does not own
 *   -EADDRINUSE      destinations overlapping each other or the hypervisor
 *                    image, or a MAP of an address already mapped
 *   -ENOSPC          a CRASH image not entirely inside the crash region, or
 *                    no crash region reserved
 *   -ENOEXEC         entry_maddr not inside a page the image fills (COPY or
 *                    ZERO)
 *   -ENOTRECOVERABLE kexec is not safe (e.g. memory was ballooned out)
 *   -ENOMEM          the hypervisor ran out of memory; all it took is freed
 *
 * Memory: the hypervisor holds a copy of the entry list and of every
 * copied page (for CRASH images, until they are in the crash region) and
 * a few pages of page tables; all of it is returned on failure and on
 * unload.  The cost of validation is linear in entries plus pages.
 *
 * CRASH images are written into the crash region, which is then write
 * protected in the hypervisor's own mappings.  Replacing one is atomic:
 * the new image is first staged outside the region and made the active
 * crash image in that form (running it would copy it into place); only
 * then is the region rewritten.  A crash at any instant runs the old
 * image or the new one, whole.
 */
#define KEXEC_OP_DEST 1
#define KEXEC_OP_COPY 2
#define KEXEC_OP_ZERO 3
#define KEXEC_OP_MAP  4

struct kexec_entry {
    uint16_t op;            /* KEXEC_OP_* */
    uint16_t flags;         /* must be 0 */
    uint32_t pad;           /* must be 0 */
    uint64_t arg0;
    uint64_t arg1;
    uint64_t arg2;
};

#define KEXEC_ARCH_64 1     /* entered in 64-bit mode, paging on */
#define KEXEC_ARCH_32 2     /* entered in 32-bit protected mode, paging off */

#define KEXEC_BAD_HEADER (~(uint64_t)0)

struct kexec_load {
    uint32_t size;          /* [in] sizeof(struct kexec_load), to grow */
    uint8_t type;           /* [in] KEXEC_TYPE_* */
    uint8_t arch;           /* [in] KEXEC_ARCH_* */
    uint16_t flags;         /* [in] must be 0 */
    uint64_t entry_maddr;   /* [in] machine address of the entry point */
    uint64_t entries;       /* [in] guest pointer to struct kexec_entry[] */
    uint64_t nr_entries;    /* [in] */
    uint64_t bad_entry;     /* [out] index of the entry refused */
};

/* ---------------------------------------------------------------------
 * The CPU state at the image's entry point (both types, both paths).
 *
 * One CPU runs; every other CPU is stopped (halted with interrupts off,
 * its local APIC's timer stopped and its LVTs masked).  Interrupts are
 * disabled (RFLAGS = 0x2).  Every general-purpose register is zero,
 * %rsp/%esp included: the image sets up its own stack.  NMIs are not
 * blocked (the image takes the next NMI sent to it).
 *
 * The machine is quiesced, as Linux's machine_shutdown() leaves it: every
 * redirection entry of every IOAPIC the ACPI MADT lists masked, both 8259
 * PICs masked (IMR 0xff), PIT channel 0 stopped (mode 0, no count
 * loaded), and on this CPU's local APIC the timer stopped (initial count
 * 0) and the timer, LINT0, LINT1, performance-counter and error LVTs
 * masked.  The local APIC stays software-enabled in xAPIC mode.
 *
 * KEXEC_ARCH_64: long mode, paging on.
 *   CR0 = PE | ET | NE | PG (0x80000031)     CR4 = PAE (0x20)
 *   EFER = LME | LMA (0x500)                 CR3 = the handoff tables
 *   GDT (in the control page, mapped): 0x08 32-bit code, 0x10 64-bit code,
 *   0x18 flat data.  CS = 0x10, DS = ES = SS = FS = GS = 0x18.
 *   IDTR: base 0, limit 0.
 *   Mapped, read-write-execute, 1:1 (virtual = machine address): every
 *   destination page and the control page; plus each MAP entry.  Nothing
 *   else is mapped; in particular the page-table frames themselves are not.
 * KEXEC_ARCH_32: 32-bit protected mode, paging off.
 *   CR0 = PE | ET | NE (0x31)  CR4 = 0  EFER = 0  CS = 0x08,
 *   DS = ES = SS = FS = GS = 0x18, GDT as above, IDTR base 0 limit 0.
 *   The entry point and the control page are below 4 GiB (-ERANGE
 *   otherwise).
 *
 * Faults in the handoff.  From the hypervisor's jump into the control page
 * until the null IDT is loaded, every instruction runs with a fault IDT
 * and a stack in the control page: first at the page's alias address
 * (mapped in both the hypervisor's and the relocation tables, so the
 * switch to the relocation tables is covered), then at its 1:1 address
 * (mapped in the relocation and the handoff tables), and in the 32-bit
 * path, once paging is off, a 32-bit IDT of the same handlers.  A fault
 * there prints "(HV) kexec: fault in the handoff: vector V rip R cr2 C"
 * (from protected mode: "vector V eip E cr2 C", 32-bit fields) on COM1
 * and stops the machine (under QEMU: exit status 11) instead of a triple
 * fault or a silent hang.  Without a handler run only instructions that
 * cannot fault:
 *   KEXEC_ARCH_64: after `lidt` of the null IDT, `mov $0, %esp` and the
 *     jump through the control page's own copy of the entry point (which
 *     the validator put in a destination, so it is mapped);
 *   KEXEC_ARCH_32: the one `lidt` of the 32-bit IDT right after paging is
 *     turned off (its operand lies in the control page, flat segment), and
 *     after `lidt` of the null IDT, `mov $0, %ebp`, `mov $0, %esp` and the
 *     far jump through the control page's far pointer (CS 0x08 of its GDT).
 * An NMI is not a fault: one that arrives in these last instructions, or
 * at the image's first ones before it loads an IDT, is the image's.
 */

#endif /* HV_PUBLIC_KEXEC_H */

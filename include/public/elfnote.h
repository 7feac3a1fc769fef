/* SPDX-License-Identifier: MIT */
/*
 * The crash notes the hypervisor keeps for a dump tool, published through
 * kexec_op get_range (kexec.h): per-CPU register notes, one hypervisor
 * note, and VMCOREINFO.  All are ELF64 notes (Elf64_Nhdr, name and
 * descriptor each padded to 4 bytes), allocated and zeroed at boot below
 * 4 GiB, filled on the crash path.
 *
 *   KEXEC_RANGE_MA_CPU, nr = n   CPU n's NT_PRSTATUS note ("CORE", type 1),
 *                                in the x86-64 layout readelf, gdb and
 *                                crash read (struct hv_elf_prstatus below).
 *   KEXEC_RANGE_MA_HVINFO        the hypervisor's note ("HV", type
 *                                HV_ELFNOTE_CRASH_INFO, struct
 *                                hv_crash_info).
 *   KEXEC_RANGE_MA_VMCOREINFO    the VMCOREINFO note ("VMCOREINFO", type
 *                                0): "KEY=value\n" lines (PAGESIZE,
 *                                BUILD-ID, SYMBOL(name)=address, ...).
 * A CPU that did not answer the NMI of the crash path keeps a note with
 * pr_pid = 0 and all registers 0; the hypervisor note names such CPUs.
 */
#ifndef HV_PUBLIC_ELFNOTE_H
#define HV_PUBLIC_ELFNOTE_H

#include <stdint.h>

#define NT_PRSTATUS           1
#define HV_ELFNOTE_CRASH_INFO 0x48560001u /* 'HV' 1 */
#define VMCOREINFO_NOTE_TYPE  0

/* pr_reg: Linux's x86-64 user_regs_struct order. */
/* Packed in rows of the register order; one per line hides it. */
/* clang-format off */
enum hv_prstatus_reg {
    PR_R15, PR_R14, PR_R13, PR_R12, PR_RBP, PR_RBX, PR_R11, PR_R10,
    PR_R9, PR_R8, PR_RAX, PR_RCX, PR_RDX, PR_RSI, PR_RDI, PR_ORIG_RAX,
    PR_RIP, PR_CS, PR_RFLAGS, PR_RSP, PR_SS, PR_FS_BASE, PR_GS_BASE,
    PR_DS, PR_ES, PR_FS, PR_GS, PR_NREGS
};
/* clang-format on */

struct hv_elf_prstatus {
    int32_t si_signo, si_code, si_errno;
    int16_t pr_cursig;
    uint16_t pad0;
    uint64_t pr_sigpend, pr_sighold;
    int32_t pr_pid; /* CPU number + 1 (0: no registers saved) */
    int32_t pr_ppid, pr_pgrp, pr_sid;
    uint64_t pr_times[8]; /* utime, stime, cutime, cstime: unused */
    uint64_t pr_reg[PR_NREGS];
    int32_t pr_fpvalid;
    uint32_t pad1;
};

struct hv_crash_info {
    uint32_t version; /* 1 */
    uint32_t crashing_cpu;
    uint32_t nr_cpus;
    uint32_t cpus_saved; /* bit n: CPU n's registers are in its note */
    uint64_t tsc_khz;
    uint64_t tsc_panic;   /* rdtsc when panic() was entered */
    uint64_t tsc_handoff; /* rdtsc just before the jump */
    uint64_t hv_version;  /* (major << 16) | minor */
    char reason[128];     /* the panic message, NUL terminated */
};

/* Size of one note with its header and padded name. */
#define HV_NOTE_SIZE(namesz, descsz)                                           \
    (12 + (((namesz) + 3) & ~3u) + (((descsz) + 3) & ~3u))

#endif /* HV_PUBLIC_ELFNOTE_H */

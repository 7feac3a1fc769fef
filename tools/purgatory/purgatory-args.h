/* SPDX-License-Identifier: MIT */
/*
 * The contract between a kexec loader (tools/kexec-loader/, run in dom0)
 * and purgatory (tools/purgatory/), the small program the loader places
 * in front of the real image and the hypervisor enters first.
 *
 * Self-contained: <stdint.h> only, fixed-width fields, explicit padding,
 * little endian, the same layout for every compiler.
 *
 * WHERE IT IS.  purgatory.elf has exactly one block: the ELF section
 * ".purgatory_args" (SHT_PROGBITS, sh_addr page aligned, sh_size 4096),
 * also the global symbol `purgatory_args`, all zero as built.  The loader
 * fills it in its bounce copy of that page before the load; purgatory
 * reads it in place (RIP-relative) and never writes it.
 *
 * WHAT PURGATORY DOES, in this order:
 *   1. sets up its own stack, GDT (PURGATORY_CS64 / PURGATORY_DS below,
 *      the selectors Linux's 64-bit boot protocol names __BOOT_CS and
 *      __BOOT_DS) and IDT (any exception: one line on COM1, then exit
 *      PURGATORY_EXIT_FAULT), and turns on SSE (CR4.OSFXSR) for SHA-NI;
 *   2. checks the block: magic, version, nr_regions <= PURGATORY_MAX_REGIONS,
 *      the rest below (else exit PURGATORY_EXIT_BADARGS with one line);
 *   3. computes the SHA-256 of every region [start, start + size) (machine
 *      addresses, identity mapped by the handoff tables) and compares it
 *      with sha256[]; on the first mismatch it prints, on COM1:
 *        purgatory: region N [start, +size) "name": SHA-256 mismatch
 *        purgatory:   expected <64 hex digits>
 *        purgatory:   computed <64 hex digits>
 *      and exits PURGATORY_EXIT_MISMATCH (never a silent spin);
 *   4. prints one line -- unless flags has PURGATORY_F_QUIET:
 *        purgatory: N regions, B bytes verified in C TSC cycles (SHA-256:
 *        SHA extensions|portable); entering 0x<entry>
 *      (SHA extensions when CPUID leaf 7 EBX bit 29, SSSE3 and SSE4.1 are
 *      there; QEMU 7.2's TCG offers none, so there it is the portable code);
 *   5. enters the next image as `mode` says, with every general-purpose
 *      register not named by the mode zero, RFLAGS = 0x2 (interrupts off).
 *
 * Bad arguments: wrong magic or version, nr_regions above the maximum, a
 * mode other than the two below (and their own rules), an unknown flag, non-zero pad0 or
 * reserved[], a region of size 0 or one that wraps: one line
 * "purgatory: bad arguments: <what>" and PURGATORY_EXIT_BADARGS.  An
 * exception: "purgatory: exception V error E at rip R cr2 C" and
 * PURGATORY_EXIT_FAULT.  An NMI while purgatory runs is ignored (iretq).
 *
 * "Exit" means: write the code to the isa-debug-exit port (exit_port,
 * usually 0xf4; QEMU's status is then (code << 1) | 1), then halt with
 * interrupts off, for good, on hardware without the device.
 *
 * The loader computes each region's digest at load time over exactly the
 * bytes the hypervisor will place there: file bytes and zero fill alike
 * (the whole memsz of a segment).  Purgatory's own pages are not a region
 * (they hold the digests).
 */
#ifndef PURGATORY_ARGS_H
#define PURGATORY_ARGS_H

/* Constants usable from assembly too (head.S): no C suffix there. */
#ifdef __ASSEMBLER__
#define PURGATORY_U(x) x
#else
#include <stdint.h>
#define PURGATORY_U(x) x##u
#endif

#define PURGATORY_ARGS_MAGIC   "KXPURG01" /* 8 bytes, no NUL */
#define PURGATORY_ARGS_VERSION PURGATORY_U(1)
#define PURGATORY_MAX_REGIONS  PURGATORY_U(62) /* as many as fit the page */
#define PURGATORY_NAME_LEN     PURGATORY_U(16)
#define PURGATORY_ARGS_SIZE    PURGATORY_U(4096) /* the whole section */

/* Purgatory's GDT selectors, as Linux's boot protocol wants them; the
 * handoff's GDT (include/public/kexec.h) has the same three. */
#define PURGATORY_CS64 PURGATORY_U(0x10) /* 64-bit flat code (__BOOT_CS) */
#define PURGATORY_DS   PURGATORY_U(0x18) /* flat data (__BOOT_DS) */
#define PURGATORY_CS32 PURGATORY_U(0x08) /* 32-bit flat code (Multiboot) */

/*
 * How the next image is entered (purgatory_args.mode).
 *
 * PURGATORY_MODE_LINUX64: in the kexec handoff state itself (kexec.h,
 *   KEXEC_ARCH_64), which purgatory gives back before the jump: the
 *   handoff's page tables, GDT (in the control page) and null IDT, its CR0
 *   and CR4 (SSE off again), EFER; CS = PURGATORY_CS64, DS = ES = SS = FS =
 *   GS = PURGATORY_DS; RFLAGS = 0x2; rsi = regs.rsi (boot_params), rbx =
 *   regs.rbx, rsp = regs.rsp, rbp = regs.rbp, every other GPR zero; jump
 *   to entry.  That is what Linux's 64-bit boot protocol asks (__BOOT_CS,
 *   __BOOT_DS, paging with the kernel and boot_params mapped 1:1, rsi),
 *   and an image that checks the handoff (tests/images/check64) sees it
 *   unchanged.
 * PURGATORY_MODE_MULTIBOOT32: the machine state of the Multiboot
 *   Specification 0.6.96, section 3.2, for a Multiboot (v1) kernel
 *   (tools/kexec-loader/multiboot-load.h): 32-bit protected mode, paging
 *   and long mode off (CR0 = PE | ET | NE, CR4 = 0, EFER = 0), CS =
 *   PURGATORY_CS32, DS = ES = FS = GS = SS = PURGATORY_DS of purgatory's
 *   own GDT (flat 4 GiB), the null IDT, EFLAGS = 0x2, eax = 0x2BADB002,
 *   ebx = regs.rbx (the information structure), every other GPR zero
 *   (esp too); jump to entry.  entry, regs.rbx and purgatory itself must
 *   be below 4 GiB and regs.rsi, rsp, rbp zero (else
 *   PURGATORY_EXIT_BADARGS).
 */
#define PURGATORY_MODE_LINUX64     PURGATORY_U(1)
#define PURGATORY_MODE_MULTIBOOT32 PURGATORY_U(2)

/* purgatory_args.flags */
#define PURGATORY_F_QUIET (PURGATORY_U(1) << 0) /* no progress line */
#define PURGATORY_F_BENCH                                                      \
    (PURGATORY_U(1) << 1) /* after verifying, time
                                         each SHA-256 code and rep movsq
                                         over the same bytes, one line each
                                         (a measurement, not for production:
                                         rep movsq rewrites each region onto
                                         itself, unchanged) */

/* Exit codes (QEMU status (code << 1) | 1), next to include/hv/shutdown.h's. */
#define PURGATORY_EXIT_MISMATCH                                                \
    PURGATORY_U(0x30) /* status 97: a digest differs */
#define PURGATORY_EXIT_BADARGS PURGATORY_U(0x31) /* status 99: bad block */
#define PURGATORY_EXIT_FAULT   PURGATORY_U(0x32) /* status 101: an exception */

#ifndef __ASSEMBLER__
struct purgatory_region { /* 64 bytes */
    uint64_t start;       /* machine address */
    uint64_t size;        /* bytes (not 0) */
    uint8_t sha256[32];
    char name[PURGATORY_NAME_LEN]; /* for the mismatch line; NUL padded */
};

struct purgatory_regs {          /* 32 bytes */
    uint64_t rsi, rbx, rsp, rbp; /* the rest are zero at the jump */
};

struct purgatory_args {
    char magic[8];    /* PURGATORY_ARGS_MAGIC */
    uint32_t version; /* PURGATORY_ARGS_VERSION */
    uint32_t nr_regions;
    uint32_t flags;       /* PURGATORY_F_* */
    uint32_t mode;        /* PURGATORY_MODE_* */
    uint16_t serial_port; /* COM1: 0x3f8; 0: no output */
    uint16_t exit_port;   /* isa-debug-exit: 0xf4; 0: none */
    uint32_t pad0;
    uint64_t entry; /* machine address of the jump */
    struct purgatory_regs regs;
    uint64_t reserved[4]; /* zero */
    struct purgatory_region regions[PURGATORY_MAX_REGIONS];
};

_Static_assert(sizeof(struct purgatory_region) == 64, "region layout");
_Static_assert(sizeof(struct purgatory_args) == 104 + 62 * 64, "args layout");
_Static_assert(sizeof(struct purgatory_args) <= PURGATORY_ARGS_SIZE,
               "args fit their page");
#endif /* !__ASSEMBLER__ */

#endif /* PURGATORY_ARGS_H */

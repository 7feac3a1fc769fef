/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a domain may do to the host (docs/guest-abi.md, "What a domain may
 * do"): how its end is taken, how much it may print, and that it stays in
 * 64-bit mode.  The rules depend on the boot option dom0-unprivileged, so
 * the integration tests run each of these both ways and judge the
 * hypervisor's lines and QEMU's exit status; these tests only act.
 *
 *   end_poweroff   sched_op shutdown poweroff
 *   end_reboot     sched_op shutdown reboot
 *   end_crash      sched_op shutdown crash
 *                  privileged: the machine's poweroff (status 3), reboot
 *                  (5), a panic (9); unprivileged: "Domain 0 shut down
 *                  (poweroff|reboot)" or "Domain 0 crashed", then "no
 *                  domain left to run: halting" (status 7), never a panic.
 *                  Expected guest line: "<test>: about to ...", no verdict.
 *
 *   console_flood  FLOOD_LINES console_io writes of one line each, every
 *                  one returning 0 (a suppressed line is not an error).
 *                  Privileged: every line appears.  Unprivileged: the first
 *                  64 or so, then "(HV) d0: N console lines suppressed
 *                  (rate limited)".  Its own verdict may be suppressed, so
 *                  a failed write ends the domain with SHUTDOWN_crash
 *                  instead of the usual poweroff.
 *
 *   compat_cs      a far jump to selector 0x1b (the GDT's 32-bit ring-3
 *                  code slot, GUEST_CS32, STAR's sysret base) at 0x1000.
 *                  The slot is a null descriptor: #GP with error code 0x18
 *                  at the ljmp, which is fatal to the domain.  (With a
 *                  32-bit code descriptor there, the guest would enter
 *                  compat mode and fault at 0x1000 instead.)
 *                  Expected guest line: "compat_cs: about to ljmp to
 *                  0x1b:0x1000 at RIP <hex>", no verdict.
 */
#include "guest.h"

static void end_with(uint32_t reason, const char *what)
{
    long rc;

    info("about to %s", what);
    rc = hc_shutdown(reason);
    fail("shutdown (%s) returned %ld", what, rc);
}

DEFINE_TEST(end_poweroff, "sched_op shutdown poweroff")
{
    end_with(SHUTDOWN_poweroff, "power off");
}

DEFINE_TEST(end_reboot, "sched_op shutdown reboot")
{
    end_with(SHUTDOWN_reboot, "reboot");
}

DEFINE_TEST(end_crash, "sched_op shutdown crash")
{
    end_with(SHUTDOWN_crash, "crash");
}

#define FLOOD_LINES 1000

DEFINE_TEST(console_flood, "1000 console lines, one write each")
{
    char line[64];
    unsigned int failed = 0;

    info("flooding the console with %u lines", FLOOD_LINES);
    for (unsigned int i = 0; i < FLOOD_LINES; i++) {
        int n = snprintf(line, sizeof(line), "console_flood: line %u\n", i);

        if (hc_console_io(CONSOLEIO_write, (uint64_t)n, PTR(line)))
            failed++;
    }
    if (failed) {
        fail("%u of %u console writes failed", failed, FLOOD_LINES);
        hc_shutdown(SHUTDOWN_crash);
    }
    check_eq(failed, 0, "every console write returned 0");
}

/*
 * The far jump, in file-scope asm so that it has one address.  A far jump
 * through memory rather than a far return: QEMU's TCG pops a far return's
 * CS:RIP with supervisor accesses, which SMAP refuses on the guest's user
 * stack (#PF, error code 0x1) before the descriptor is looked at.
 */
#define GUEST_CS32_SEL 0x1b
#define COMPAT_TARGET  0x1000
/* Assembly text laid out as assembly. */
/* clang-format off */
__asm__(
    "    .pushsection .text, \"ax\", @progbits\n"
    "    .globl do_compat_ljmp, compat_ljmp_rip\n"
    "do_compat_ljmp:\n"
    "compat_ljmp_rip:\n"
    "    ljmpl *(%rdi)\n"      /* m16:32: offset, then selector */
    "    ret\n"
    "    .popsection\n");
/* clang-format on */

struct __attribute__((packed)) far_ptr32 {
    uint32_t offset;
    uint16_t selector;
};
void do_compat_ljmp(const struct far_ptr32 *to);
extern const char compat_ljmp_rip[];

DEFINE_TEST(compat_cs, "far jump to the 32-bit code slot: fatal #GP")
{
    static const struct far_ptr32 to = { COMPAT_TARGET, GUEST_CS32_SEL };

    info("about to ljmp to %#x:%#x at RIP %016lx", GUEST_CS32_SEL,
         COMPAT_TARGET, PTR(compat_ljmp_rip));
    do_compat_ljmp(&to);
    fail("still running after the far jump");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault_pf, fault_ud, fault_gp, fault_ptwrite: deliberate guest faults.
 *
 * Rule guarded: a fault in the guest is fatal to the domain (there is no
 * guest exception delivery in this ABI): the hypervisor prints a
 * diagnostic naming the domain, the fault and the guest RIP, and crashes
 * the domain (docs/guest-abi.md: a privileged dom0's crash panics, into
 * the crash image if one is loaded; an unprivileged domain's ends it).  The guest
 * prints the RIP of its faulting instruction first, so the test can
 * compare the two.
 *
 *   fault_pf       write to 0x1000 (unmapped)           -> page fault
 *   fault_ud       ud2                                  -> invalid opcode
 *   fault_gp       read of 0x8000000000000000           -> general protection
 *   fault_io       inb from port 0x3fd (COM1, the hypervisor's) -> general
 *                  protection (the TSS's I/O bitmap denies it)
 *   fault_ptwrite  write to the L4 through the read-only page-table view
 *                  (the same value back)                -> page fault; the
 *                  view must never be writable (PV memory rules)
 *
 * Expected guest line: "<test>: about to fault: <what> at RIP <hex>", and
 * no verdict.  Expected hypervisor line:
 * "(HV) d0: fatal <page fault|invalid opcode|general protection fault> at
 * RIP <hex> ...", then the end of the run: for a privileged dom0 a panic
 * (QEMU status 9), for an unprivileged one the domain's end (status 7).
 * Should the guest survive, it prints FAIL and "Test result: FAILURE".
 */
#include "guest.h"

/*
 * The faulting instructions, in file-scope asm so that each has exactly
 * one address, published as <name>_rip.  Each is a function taking its
 * target address in %rdi.
 */
/* Assembly text laid out as assembly. */
/* clang-format off */
__asm__(
    "    .pushsection .text, \"ax\", @progbits\n"
    "    .globl do_fault_pf, fault_pf_rip\n"
    "do_fault_pf:\n"
    "fault_pf_rip:\n"
    "    movl $0x5a5a5a5a, (%rdi)\n"
    "    ret\n"
    "    .globl do_fault_ud, fault_ud_rip\n"
    "do_fault_ud:\n"
    "fault_ud_rip:\n"
    "    ud2\n"
    "    ret\n"
    "    .globl do_fault_gp, fault_gp_rip\n"
    "do_fault_gp:\n"
    "fault_gp_rip:\n"
    "    movq (%rdi), %rax\n"
    "    ret\n"
    "    .globl do_fault_io, fault_io_rip\n"
    "do_fault_io:\n"
    "    mov %edi, %edx\n"
    "fault_io_rip:\n"
    "    inb %dx, %al\n"
    "    ret\n"
    "    .globl do_fault_ptwrite, fault_ptwrite_rip\n"
    "do_fault_ptwrite:\n"
    "    movq (%rdi), %rax\n"
    "fault_ptwrite_rip:\n"
    "    movq %rax, (%rdi)\n"
    "    ret\n"
    "    .popsection\n");
/* clang-format on */

void do_fault_pf(uint64_t addr);
void do_fault_ud(uint64_t addr);
void do_fault_gp(uint64_t addr);
void do_fault_ptwrite(uint64_t addr);
void do_fault_io(uint64_t port);
extern const char fault_pf_rip[], fault_ud_rip[], fault_gp_rip[],
    fault_ptwrite_rip[], fault_io_rip[];

static void about_to_fault(const char *what, const char *rip,
                           void (*fn)(uint64_t), uint64_t addr)
{
    info("about to fault: %s at RIP %016lx", what, PTR(rip));
    fn(addr);
    fail("still running after %s", what);
}

DEFINE_TEST(fault_pf, "write to 0x1000: fatal page fault")
{
    about_to_fault("write to 0x1000", fault_pf_rip, do_fault_pf, 0x1000);
}

DEFINE_TEST(fault_ud, "ud2: fatal invalid opcode")
{
    about_to_fault("ud2", fault_ud_rip, do_fault_ud, 0);
}

DEFINE_TEST(fault_gp, "non-canonical read: fatal general protection fault")
{
    about_to_fault("read of 0x8000000000000000", fault_gp_rip, do_fault_gp,
                   0x8000000000000000UL);
}

DEFINE_TEST(fault_io, "in from COM1's port (the hypervisor's): fatal "
                      "general protection fault")
{
    about_to_fault("inb from port 0x3fd", fault_io_rip, do_fault_io, 0x3fd);
}

/*
 * io_com2: a privileged dom0 may use COM2 (0x2f8-0x2ff, the TSS's I/O
 * bitmap): its line status reads back with the transmitter empty.  An
 * unprivileged one may not: the same read is fatal.
 */
DEFINE_TEST(io_com2, "in from COM2's line status: allowed to a privileged dom0")
{
    uint8_t lsr;

    info("about to read COM2's line status (port 0x2fd)");
    /* clang-format off */
    asm volatile("inb %w1, %0" : "=a"(lsr) : "d"(0x2fd));
    /* clang-format on */
    check_eq(lsr & 0x60, 0x60, "COM2's line status %#x: transmitter empty",
             lsr);
}

DEFINE_TEST(fault_ptwrite, "write to the page-table view: fatal page fault")
{
    about_to_fault("write to the L4 through the page-table view",
                   fault_ptwrite_rip, do_fault_ptwrite, si->pt_base);
}

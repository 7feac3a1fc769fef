# SPDX-License-Identifier: GPL-2.0-only
"""dom0 test guest (tests/guest/): one boot per guest test.

The guest is the first module; its arguments are dom0's command line
(`test=NAME ...`), separate from the hypervisor's.  A guest test prints
PASS/FAIL lines and ends with exactly one verdict line,
"Test result: SUCCESS|FAILURE|ERROR", then powers off (status 3).  Every
refused hypercall must also leave a hypervisor line
"(HV) d0 <call>: <reason> (-<ERRNO>)"; a guest fault leaves
"(HV) d0: fatal <fault> at RIP <hex> ..." and, with no crash image, a
panic (status 9).
"""
import os
import re

import pytest

from conftest import (ALWAYS_BAD, BUILD, STATUS_NO_DOMAIN, STATUS_PANIC,
                      STATUS_POWEROFF)

GUEST_ELF = os.path.join(BUILD, "guest", "dom0.elf")

# Guest lines reach the console as "(d0) <text>"; accept them bare too.
D0 = r"^(?:\(d0\) )?"


def d0(pat):
    return D0 + pat


SUCCESS = d0(r"Test result: SUCCESS$")
# What no successful guest run prints.
GUEST_BAD = ALWAYS_BAD + [
    d0(r"FAIL: "),
    d0(r"ERROR: "),
    d0(r"Test result: (?:FAILURE|ERROR)"),
    r"^\(HV\) d0: fatal",
    r"Domain 0 crashed",
]

ALL_TESTS = ["hypercalls", "page_user", "mmu_refusals", "balloon",
             "balloon_stale", "balloon_batch", "unpriv", "debug_gate",
             "fault_pf", "fault_ud", "fault_gp", "fault_ptwrite", "fault_io",
             "io_com2",
             "end_poweroff", "end_reboot", "end_crash", "console_flood",
             "compat_cs"]

# The crash region the mmu_refusals test aims at (crashkernel=32M@256M).
CRASH_OPT = "crashkernel=32M@256M"
CRASH_MFN = 0x10000

# firmware x CPUs: both firmwares for the basic tests, SeaBIOS for the rest.
MATRIX_BOTH = [("bios", 1), ("bios", 2), ("uefi", 1)]
MATRIX_BIOS = [("bios", 1), ("bios", 2)]


@pytest.fixture(autouse=True)
def guest_elf():
    if not os.path.exists(GUEST_ELF):
        pytest.fail(f"{GUEST_ELF} is missing: run `make guest`",
                    pytrace=False)
    return GUEST_ELF


def run_guest(boot, firmware, smp, guest_args, cmdline="", extra=()):
    """Boot with the guest as dom0; extra: further (path, args) modules."""
    return boot(firmware, smp, cmdline,
                modules=[(GUEST_ELF, guest_args)] + list(extra))


def refusals(call, *errnos):
    return [rf"^\(HV\) d0 {call}: .*\(-{e}\)" for e in errnos]


# ---- selection and verdicts ----------------------------------------------

def test_guest_list(boot):
    r = run_guest(boot, "bios", 1, "test=list")
    r.expect(STATUS_POWEROFF, [d0(rf"dom0:\s+{t}\s") for t in ALL_TESTS],
             ALWAYS_BAD + [d0(r"Test result:")])


def test_guest_unknown_test(boot):
    r = run_guest(boot, "bios", 1, "test=hypercalls test=no_such_test")
    r.expect(STATUS_POWEROFF,
             [d0(r"ERROR: dom0: unknown test 'no_such_test'"),
              d0(r"Test result: ERROR$")],
             ALWAYS_BAD + [d0(r"--- hypercalls: start")])


def test_guest_without_test(boot):
    r = run_guest(boot, "bios", 1, "")
    r.expect(STATUS_POWEROFF,
             [d0(r"ERROR: dom0: no test=NAME"), d0(r"Test result: ERROR$")],
             ALWAYS_BAD)


# ---- the hypercall tests -------------------------------------------------

@pytest.mark.parametrize("firmware,smp", MATRIX_BOTH)
def test_hypercalls(boot, firmware, smp):
    r = run_guest(boot, firmware, smp, "test=hypercalls")
    must = [SUCCESS, d0(r"--- hypercalls: SUCCESS \(\d+ checks, 0 failed\)"),
            r"^\(HV\) d0 \S+: .*hypercall 50 \(-ENOSYS\)",
            r"^\(HV\) d0 \S+: .*hypercall 63 \(-ENOSYS\)"]
    must += refusals("console_io", "EFAULT", "E2BIG", "EOPNOTSUPP")
    must += refusals("xen_version", "EFAULT", "EOPNOTSUPP")
    must += refusals("sched_op", "EFAULT", "EINVAL", "EOPNOTSUPP")
    must += refusals("memory_op", "EFAULT", "EOPNOTSUPP")
    must += refusals("mmu_update", "EFAULT")
    r.expect(STATUS_POWEROFF, must, GUEST_BAD)


@pytest.mark.parametrize("firmware,smp", MATRIX_BOTH)
@pytest.mark.parametrize("mode", ["default", "guest"])
def test_page_user(boot, firmware, smp, mode):
    """Seed 002: the guest detects whether _PAGE_USER is forced."""
    cmdline = "pv-page-user=guest" if mode == "guest" else ""
    line = {"default": r"page_user: hypervisor forces _PAGE_USER$",
            "guest": r"page_user: guest must set _PAGE_USER$"}[mode]
    other = {"default": r"page_user: guest must set _PAGE_USER",
             "guest": r"page_user: hypervisor forces _PAGE_USER"}[mode]
    r = run_guest(boot, firmware, smp, "test=page_user", cmdline)
    r.expect(STATUS_POWEROFF, [SUCCESS, d0(line)],
             GUEST_BAD + [d0(other), r"^\(HV\) d0 \S+: .*\(-E[A-Z0-9]+\)"])


@pytest.mark.parametrize("firmware,smp", MATRIX_BIOS)
def test_mmu_refusals(boot, firmware, smp):
    r = run_guest(boot, firmware, smp,
                  f"test=mmu_refusals crash_mfn={CRASH_MFN:#x}", CRASH_OPT)
    must = [SUCCESS,
            r"^\(HV\) Crash region: 0000000010000000 - 0000000012000000",
            r"^\(HV\) d0 mmu_update: .*0x200 .*\(-EACCES\)",
            r"^\(HV\) d0 mmu_update: .*crash region.*\(-EACCES\)",
            r"^\(HV\) d0 update_va_mapping: .*crash region.*\(-EACCES\)",
            r"^\(HV\) d0 mmu_update: .*page.table.*\(-EPERM\)",
            r"^\(HV\) d0 update_va_mapping: .*\(-EPERM\)",
            r"^\(HV\) d0 update_va_mapping: .*0xffff82d040000000.*\(-EINVAL\)"]
    must += refusals("mmu_update", "EINVAL")
    r.expect(STATUS_POWEROFF, must, GUEST_BAD)


@pytest.mark.parametrize("firmware,smp", MATRIX_BIOS)
def test_balloon(boot, tmp_path, firmware, smp):
    """A second module gives the guest boot-module pages to try (-EPERM)."""
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 40)        # 10240 bytes, 3 pages
    r = run_guest(boot, firmware, smp, "test=balloon", "",
                  extra=[(str(blob), "blob")])
    must = [SUCCESS] + refusals("memory_op", "EACCES", "EPERM", "EBUSY",
                                "EFAULT")
    r.expect(STATUS_POWEROFF, must, GUEST_BAD)


@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("mode", ["privileged", "unprivileged"])
def test_balloon_stale_tlb(boot, smp, mode):
    """Unmap without a flush, give the frame back, write through the old
    address: the write must fault, not reach a free frame."""
    cmdline = "dom0-unprivileged" if mode == "unprivileged" else ""
    r = run_guest(boot, "bios", smp, "test=balloon_stale", cmdline)
    r.expect(STATUS_NO_DOMAIN if mode == "unprivileged" else STATUS_PANIC,
             [d0(r"balloon_stale: about to fault: write through the stale"),
              r"^\(HV\) d0: fatal page fault at RIP",
              r"^\(HV\) Domain 0 crashed"],
             [d0(r"FAIL: "), d0(r"Test result:"), r"\[qemu stderr\]"])
    m = r.search(d0(r"balloon_stale: about to fault: .* address (0x[0-9a-f]+)"
                    r" at RIP ([0-9a-f]{16})$"))
    va, rip = int(m.group(1), 16), int(m.group(2), 16)
    f = r.search(r"^\(HV\) d0: fatal page fault at RIP ([0-9a-f]+), "
                 r"error code (0x[0-9a-f]+), CR2 ([0-9a-f]+)")
    assert int(f.group(1), 16) == rip, f"fault RIP {f.group(1)} != {rip:#x}"
    assert int(f.group(3), 16) == va, f"CR2 {f.group(3)} != {va:#x}"
    # A write (bit 1) from user mode (bit 2) to a page not present (bit 0 clear).
    assert int(f.group(2), 16) == 0x6, f"error code {f.group(2)}"


@pytest.mark.parametrize("firmware,smp", MATRIX_BIOS + [("uefi", 1)])
def test_balloon_batch(boot, firmware, smp):
    """Each call does at most XENMEM_MAX_EXTENTS_PER_CALL extents."""
    r = run_guest(boot, firmware, smp, "test=balloon_batch")
    r.expect(STATUS_POWEROFF,
             [SUCCESS, d0(r"balloon_batch: decrease_reservation: 512 extents "
                          r"in \d+ TSC cycles")], GUEST_BAD)


@pytest.mark.parametrize("firmware,smp", MATRIX_BIOS)
def test_unpriv(boot, firmware, smp):
    r = run_guest(boot, firmware, smp, "test=unpriv", "dom0-unprivileged")
    must = [SUCCESS]
    must += refusals("memory_op", "EPERM")
    must += refusals("console_io", "EPERM")
    must += refusals("kexec_op", "EPERM")
    # Its poweroff ends only itself (see "what a domain may do" below).
    must += [r"^\(HV\) Domain 0 shut down \(poweroff\)$", NO_DOMAIN_LEFT]
    r.expect(STATUS_NO_DOMAIN, must, GUEST_BAD + [r"suppressed"])


def test_unpriv_needs_the_option(boot):
    """Without dom0-unprivileged the unpriv test must fail, not pass."""
    r = run_guest(boot, "bios", 1, "test=unpriv")
    r.expect(STATUS_POWEROFF,
             [d0(r"FAIL: unpriv: start_info.flags"),
              d0(r"Test result: FAILURE$")], ALWAYS_BAD)


def test_several_tests_in_one_boot(boot):
    """Tests share one domain: each leaves it as the next expects.

    (Separate test= words: QEMU's -initrd splits modules at commas.)
    """
    r = run_guest(boot, "bios", 2,
                  f"test=hypercalls test=page_user test=mmu_refusals "
                  f"test=balloon crash_mfn={CRASH_MFN:#x}", CRASH_OPT)
    must = [SUCCESS] + [d0(rf"--- {t}: SUCCESS") for t in
                        ["hypercalls", "page_user", "mmu_refusals", "balloon"]]
    r.expect(STATUS_POWEROFF, must, GUEST_BAD)


# ---- guest faults --------------------------------------------------------

FAULTS = {
    "fault_pf": "page fault",
    "fault_ud": "invalid opcode",
    "fault_gp": "general protection fault",
    "fault_ptwrite": "page fault",
    "fault_io": "general protection fault",
}


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("test", sorted(FAULTS))
def test_guest_fault(boot, test, smp):
    r = run_guest(boot, "bios", smp, f"test={test}")
    r.expect(STATUS_PANIC,
             [d0(rf"{test}: about to fault"),
              rf"^\(HV\) d0: fatal {FAULTS[test]} at RIP",
              r"^\(HV\) Domain 0 crashed"],
             [d0(r"Test result:"), d0(r"FAIL: "), r"\[qemu stderr\]"])
    want = int(r.search(d0(rf"{test}: about to fault: .* at RIP "
                           r"([0-9a-f]{16})$")).group(1), 16)
    m = r.search(r"^\(HV\) d0: fatal (?:page fault|invalid opcode|"
                 r"general protection fault) at RIP (?:0x)?([0-9a-f]+)")
    assert int(m.group(1), 16) == want, \
        f"hypervisor RIP {m.group(1)} != guest's {want:016x}"
    if test == "fault_pf":
        r.search(r"^\(HV\) d0: fatal page fault .*CR2 (?:0x)?0*1000\b")


# ---- what a domain may do (docs/guest-abi.md) ------------------------------
#
# A privileged dom0's end is the machine's: poweroff, reboot, and a crash
# that panics into the crash image.  An unprivileged domain's end is its
# own: one line saying how it ended, "no domain left to run: halting",
# status 7, and never a panic.

STATUS_REBOOT = 5
UNPRIV = "dom0-unprivileged"
NO_DOMAIN_LEFT = r"^\(HV\) no domain left to run: halting$"
# An unprivileged domain's end must not reach the host's panic path.
NO_PANIC = [r"Panic", r"FATAL TRAP", r"\[qemu stderr\]",
            r"requested (?:poweroff|reboot)", d0(r"FAIL: "),
            d0(r"Test result:")]

UNPRIV_ENDS = {
    "end_poweroff": [r"^\(HV\) Domain 0 shut down \(poweroff\)$"],
    "end_reboot": [r"^\(HV\) Domain 0 shut down \(reboot\)$"],
    "end_crash": [r"^\(HV\) d0: requested crash \(SCHEDOP_shutdown\)$",
                  r"^\(HV\) Domain 0 crashed$"],
    "fault_pf": [r"^\(HV\) d0: fatal page fault at RIP",
                 r"^\(HV\) Domain 0 crashed$"],
    "fault_gp": [r"^\(HV\) d0: fatal general protection fault at RIP",
                 r"^\(HV\) Domain 0 crashed$"],
    # COM2's ports are a privileged dom0's only
    "io_com2": [r"^\(HV\) d0: fatal general protection fault at RIP",
                r"^\(HV\) Domain 0 crashed$"],
}


@pytest.mark.parametrize("test", sorted(UNPRIV_ENDS))
def test_unpriv_end_is_the_domains(boot, test):
    r = run_guest(boot, "bios", 2, f"test={test}", UNPRIV)
    r.expect(STATUS_NO_DOMAIN, [d0(rf"{test}: about to")] +
             UNPRIV_ENDS[test] + [NO_DOMAIN_LEFT], NO_PANIC)
    # One line saying how it ended, then the halt, in that order.
    end = r.log.index(re.search(UNPRIV_ENDS[test][-1], r.log, re.M).group(0))
    assert end < r.log.index("no domain left to run"), "halt before the end"


PRIV_ENDS = {
    "end_poweroff": (STATUS_POWEROFF, r"^\(HV\) d0 requested poweroff$"),
    "end_reboot": (STATUS_REBOOT, r"^\(HV\) d0 requested reboot$"),
    "end_crash": (STATUS_PANIC, r"^\(HV\) Panic on CPU 0:"),
}


@pytest.mark.parametrize("test", sorted(PRIV_ENDS))
def test_priv_end_is_the_machines(boot, test):
    status, line = PRIV_ENDS[test]
    r = run_guest(boot, "bios", 1, f"test={test}")
    r.expect(status, [d0(rf"{test}: about to"), line],
             [r"no domain left", r"Domain 0 shut down", d0(r"FAIL: ")])


FLOOD = 1000
FLOOD_LINE = d0(r"console_flood: line (\d+)$")
SUPPRESSED = r"^\(HV\) d0: (\d+) console lines suppressed \(rate limited\)$"
UNPRIV_BURST = 64       # common/domain.c UNPRIV_LOG_BURST


def test_unpriv_console_flood_is_limited(boot):
    r = run_guest(boot, "bios", 1, "test=console_flood", UNPRIV)
    r.expect(STATUS_NO_DOMAIN,
             [d0(r"console_flood: flooding the console"), SUPPRESSED,
              r"^\(HV\) Domain 0 shut down \(poweroff\)$", NO_DOMAIN_LEFT],
             NO_PANIC[:-1] + [r"Domain 0 crashed"])
    shown = [int(n) for n in re.findall(FLOOD_LINE, r.log, re.M)]
    suppressed = sum(int(n) for n in re.findall(SUPPRESSED, r.log, re.M))
    # The burst passes whole, in order; the rest is a trickle (one line per
    # 500 ms); every line is either shown or counted.
    assert shown[:10] == list(range(10)), shown[:10]
    assert len(shown) < UNPRIV_BURST + 20, f"{len(shown)} flood lines shown"
    assert len(shown) + suppressed >= FLOOD, (len(shown), suppressed)


def test_priv_console_flood_is_whole(boot):
    r = run_guest(boot, "bios", 1, "test=console_flood")
    r.expect(STATUS_POWEROFF, [SUCCESS], GUEST_BAD + [r"suppressed"])
    shown = [int(n) for n in re.findall(FLOOD_LINE, r.log, re.M)]
    assert shown == list(range(FLOOD)), f"{len(shown)} of {FLOOD} lines"


# The far jump to the null 32-bit code slot: #GP(0x18) at the ljmp.
COMPAT_GP = (r"^\(HV\) d0: fatal general protection fault at RIP "
             r"(?:0x)?([0-9a-f]+), error code 0x18,")


@pytest.mark.parametrize("unpriv", [False, True])
def test_compat_segment_is_gone(boot, unpriv):
    r = run_guest(boot, "bios", 1, "test=compat_cs", UNPRIV if unpriv else "")
    must = [COMPAT_GP, r"^\(HV\) Domain 0 crashed$"]
    if unpriv:
        r.expect(STATUS_NO_DOMAIN, must + [NO_DOMAIN_LEFT], NO_PANIC)
    else:
        r.expect(STATUS_PANIC, must + [r"^\(HV\) Panic on CPU 0:"],
                 [r"no domain left", d0(r"FAIL: ")])
    want = int(r.search(d0(r"compat_cs: about to ljmp to 0x1b:0x1000 at RIP "
                           r"([0-9a-f]{16})$")).group(1), 16)
    assert int(r.search(COMPAT_GP).group(1), 16) == want


def test_io_com2_privileged(boot):
    r = run_guest(boot, "bios", 1, "test=io_com2")
    r.expect(STATUS_POWEROFF,
             [d0(r"PASS: io_com2: COM2's line status 0x[0-9a-f]+: transmitter "
                 r"empty"), SUCCESS], GUEST_BAD)

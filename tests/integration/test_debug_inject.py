# SPDX-License-Identifier: GPL-2.0-only
"""debug-inject: the one boot option, off by default, without which no
guest call and no command-line word can crash the hypervisor on purpose
(docs/hypercall-abi.md, "Who may crash the machine").

Every other test boots with it (the `boot` fixture appends it); these
boot without it (debug_inject=False) and check both ways:
  - debug_op(DEBUGOP_inject) from a privileged dom0 gives -EOPNOTSUPP and
    one refusal line, and the machine goes on (guest test debug_gate);
    with the option the same call panics;
  - every test hook on the command line (inject=, *_test_*) is ignored
    with one line each, wherever debug-inject is on the line;
  - the serial debug key 'C' is the administrator's and works in any boot.
The kexec_test_* hooks without the option: test_kexec.py
(test_kexec_handoff_fault_hook_needs_debug_inject).
"""
import os
import re

import pytest

from conftest import ALWAYS_BAD, BUILD, STATUS_PANIC, STATUS_POWEROFF

GUEST_ELF = os.path.join(BUILD, "guest", "dom0.elf")


def d0(pat):
    return r"^(?:\(d0\) )?" + pat


REFUSAL = (r"^\(HV\) d0 debug_op: crash injection needs the boot option "
           r"debug-inject \(-EOPNOTSUPP\)$")
GATE_ON = r"^\(HV\) debug-inject: test hooks and crash injection are on"


def ignored(hook):
    return (rf"^\(HV\) cmdline: '{hook}' is a test hook: needs debug-inject, "
            r"ignored$")


# Every test hook, with a value that would act (docs/command-line.md).
TEST_HOOKS = {
    "inject": "inject=panic",
    "crash_test_touch_region": "crash_test_touch_region",
    "crash_test_parked_nmi": "crash_test_parked_nmi",
    "smp_test_flush_delay_ms": "smp_test_flush_delay_ms=500",
    "smp_test_late_nmi_cpu": "smp_test_late_nmi_cpu=1",
    "kexec_test_reload_panic": "kexec_test_reload_panic=1",
    "kexec_test_handoff_fault": "kexec_test_handoff_fault",
    "kexec_test_reloc_fault": "kexec_test_reloc_fault",
    "kexec_test_fault32": "kexec_test_fault32",
    "kexec_test_arm_timers": "kexec_test_arm_timers",
    "kexec_test_reload_panic_at": "kexec_test_reload_panic_at=after_active",
    "kexec_test_reload_remote_panic": "kexec_test_reload_remote_panic=1",
}


@pytest.fixture(autouse=True)
def guest_elf():
    if not os.path.exists(GUEST_ELF):
        pytest.fail(f"{GUEST_ELF} is missing: run `make guest`",
                    pytrace=False)


# ---- debug_op -------------------------------------------------------------

@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 2),
                                          ("uefi", 2)])
def test_debug_op_inject_refused_without_the_option(boot, firmware, smp):
    r = boot(firmware, smp, "", modules=[(GUEST_ELF, "test=debug_gate")],
             debug_inject=False)
    r.expect(STATUS_POWEROFF,
             [d0(r"--- debug_gate: SUCCESS \(\d+ checks, 0 failed\)$"),
              d0(r"Test result: SUCCESS$"), REFUSAL,
              r"^\(HV\) d0 requested poweroff$"],
             ALWAYS_BAD + [d0(r"FAIL: "), d0(r"ERROR: "), GATE_ON,
                           r"Injecting", r"Panic"])
    # One refusal line per refused call, and nothing else refused.
    refused = len(re.findall(d0(r"PASS: debug_gate: debug_op inject .*"
                                r"refused"), r.log, re.M))
    assert refused >= 7, r.log
    assert len(re.findall(REFUSAL, r.log, re.M)) == refused
    # ... plus DEBUGOP_fail_alloc's refusal and the poweroff.
    assert re.search(r"^\(HV\) d0 debug_op: fail_alloc needs the boot option "
                     r"debug-inject \(-EOPNOTSUPP\)$", r.log, re.M), r.log
    assert len(re.findall(r"^\(HV\) d0 ", r.log, re.M)) == refused + 2


def test_debug_op_inject_panics_with_the_option(boot):
    """The same guest test in a testing boot: its first call, 'panic',
    does not return (the kinds themselves: test_crash_inject.py and
    test_kexec.py via=inject:KIND)."""
    r = boot("bios", 2, "", modules=[(GUEST_ELF, "test=debug_gate")])
    r.expect(STATUS_PANIC,
             [GATE_ON, d0(r"debug_gate: injecting 'panic'$"),
              r"^\(HV\) Injecting 'panic'$", r"^\(HV\) Panic on CPU 0:",
              r"^\(HV\) injected panic$"],
             [d0(r"Test result:"), r"needs the boot option debug-inject",
              d0(r"PASS: debug_gate: debug_op inject")])


# ---- the command line -----------------------------------------------------

def test_test_hooks_ignored_without_the_option(boot):
    """Each hook gives its one line and does nothing: no injected panic,
    no touched crash region, no late NMI, a normal end of boot."""
    cmdline = "crashkernel=32M@256M " + " ".join(TEST_HOOKS.values())
    r = boot("bios", 2, cmdline, debug_inject=False)
    r.expect(STATUS_POWEROFF,
             [ignored(h) for h in TEST_HOOKS] +
             [r"^\(HV\) Crash region: ", r"^\(HV\) Boot complete: 2 CPUs online",
              r"^\(HV\) No dom0 module given"],
             ALWAYS_BAD + [GATE_ON, r"Injecting", r"crash_test_touch_region:",
                           r"late NMI", r"cmdline: unknown option"])
    assert len(re.findall(r"is a test hook", r.log)) == len(TEST_HOOKS)


@pytest.mark.parametrize("cmdline", ["inject=panic debug-inject no-debug-inject",
                                     "debug-inject=0 inject=panic",
                                     "debug-inject=maybe inject=panic"])
def test_inject_with_the_option_turned_off(boot, cmdline):
    """The gate's off forms and a bad value leave it off (last word wins)."""
    r = boot("bios", 1, cmdline, debug_inject=False)
    must = [ignored("inject"), r"^\(HV\) Boot complete"]
    if "maybe" in cmdline:
        must.append(r"^\(HV\) cmdline: bad value for 'debug-inject': 'maybe'")
    r.expect(STATUS_POWEROFF, must, ALWAYS_BAD + [GATE_ON, r"Injecting"])


@pytest.mark.parametrize("cmdline", ["debug-inject inject=panic",
                                     "inject=panic debug-inject"])
def test_inject_with_the_option_in_either_place(boot, cmdline):
    r = boot("bios", 1, cmdline, debug_inject=False)
    r.expect(STATUS_PANIC,
             [GATE_ON, r"^\(HV\) Injecting 'panic'$", r"^\(HV\) injected panic$"],
             [r"is a test hook", r"Boot complete"])


# ---- the administrator's key ---------------------------------------------

def test_serial_debug_key_without_the_option(boot):
    """'C' on the hypervisor's own serial console is the host
    administrator's key (Xen's 'C' key handler): no guest can type it, and
    it works in a production boot."""
    r = boot("bios", 2, "", modules=[(GUEST_ELF, "test=idle")],
             serial_input=(r"idle: waiting for the debug key", b"C"),
             debug_inject=False)
    r.expect(STATUS_PANIC,
             [r"^\(HV\) debug key 'C' pressed on the serial console",
              r"^\(HV\) SMP: 1/1 other CPU stopped"], [GATE_ON])

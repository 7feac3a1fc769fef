# SPDX-License-Identifier: GPL-2.0-only
"""Every crash injection mode takes the one crash path (no crash image
loaded here: the run ends in panic(), QEMU status 9).  The kexec tests run
the same modes into a crash image."""
import pytest

from conftest import STATUS_PANIC

STOPPED = r"^\(HV\) SMP: 3/3 other CPUs stopped"

CASES = {
    "panic": [r"^\(HV\) Panic on CPU 0:", r"^\(HV\) injected panic$", STOPPED],
    "df": [r"FATAL TRAP: vector 8 \(double fault\)",
           r"Panic on CPU 0:\n\(HV\) FATAL TRAP: vector 8 \(double fault\) at inject_df_recurse",
           STOPPED],
    "nmi": [r"^\(HV\) Unexpected NMI on CPU 0",
            r"^\(HV\) FATAL TRAP: vector 2 \(NMI\)", STOPPED],
    "ap": [r"^\(HV\) Panic on CPU 1:", r"^\(HV\) injected panic on CPU 1", STOPPED],
    "two": [r"^\(HV\) Panic on CPU [01]:", STOPPED,
            r"^\(HV\) Panic: 1 other CPU panicked at the same time; its own "
            r"registers kept"],
    "console": [r"^\(HV\) injected panic while CPU 1 holds the console lock",
                STOPPED],
    "hang": [r"^\(HV\) SMP: CPU 3 did not stop within 1000 ms; going on without it",
             r"^\(HV\) SMP: 2/3 other CPUs stopped"],
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_injected_crash_without_image(boot, kind):
    r = boot("bios", 4, f"inject={kind}")
    r.expect(STATUS_PANIC, CASES[kind] + [rf"^\(HV\) Injecting '{kind}'"],
             [r"nothing was raised", r"Panic re-entered"])
    # Exactly one CPU reports.
    assert r.log.count("Panic on CPU") == 1, "more than one CPU reported a panic"


@pytest.mark.parametrize("kind", ["panic", "two", "ap", "console"])
def test_stopped_cpus_take_nmis(boot, kind):
    """Every stopped CPU (and the loser of a race) has left NMI context
    before it halts: with crash_test_parked_nmi the crash path sends each
    one more NMI, and each takes it (a CPU parked inside its NMI handler
    would keep NMIs blocked, and leak that block to whatever runs next)."""
    r = boot("bios", 4, f"inject={kind} crash_test_parked_nmi")
    r.expect(STATUS_PANIC,
             [rf"^\(HV\) SMP: CPU {c} took an NMI while stopped$"
              for c in range(4) if f"Panic on CPU {c}:" not in r.log] +
             [STOPPED],
             [r"stopped with NMIs blocked", r"nothing was raised"])


def test_nested_panic_without_image(boot):
    """nested: one panic inside the crash path goes straight on; with no
    crash image the run then ends (status 9)."""
    r = boot("bios", 2, "inject=nested")
    r.expect(STATUS_PANIC,
             [r"^\(HV\) Panic re-entered on CPU 0 \(crash test: panic inside "
              r"the crash path \(0 more to come\)\); going straight on$"],
             [r"a second time", r"nothing was raised"])


def test_late_ipi_check_nmi_is_ignored(boot):
    """An NMI of the boot IPI check that reaches its CPU after the check
    gave up (smp_test_late_nmi_cpu=2: CPU 2 sits in an NMI handler for
    300 ms) is counted and ignored; the boot goes on to the end."""
    r = boot("bios", 4, "smp_test_late_nmi_cpu=2")
    r.expect(3, [r"^\(HV\) IPI check: 2/3 CPUs answered fixed and NMI IPIs; "
                 r"not: CPU 2 \(neither\)$",
                 r"^\(HV\) IPI check: 1 late NMI counted and ignored$"],
             [r"Unexpected NMI", r"FATAL TRAP", r"Panic"])


def test_timeout_is_configurable(boot):
    r = boot("bios", 2, "inject=hang crash_nmi_timeout_ms=200")
    r.expect(STATUS_PANIC,
             [r"^\(HV\) SMP: CPU 1 did not stop within 200 ms; going on without it"])


def test_serial_debug_key(boot):
    """'C' typed on the serial console while dom0 idles crashes the machine."""
    import os
    from conftest import BUILD
    guest = os.path.join(BUILD, "guest", "dom0.elf")
    r = boot("bios", 2, "", modules=[(guest, "test=idle")],
             serial_input=(r"idle: waiting for the debug key", b"C"))
    r.expect(STATUS_PANIC,
             [r"^\(HV\) debug key 'C' pressed on the serial console",
              r"^\(HV\) SMP: 1/1 other CPU stopped"])

# SPDX-License-Identifier: GPL-2.0-only
"""Bounded waits with one vCPU starved (docs/testing.md).

tools/vcpu_pause.py stops CPU 2's QEMU thread (ptrace) for some seconds
when a serial line appears; the other vCPUs and the TSC run on.
"""
import functools

import pytest

import vcpu_pause
from test_kexec import (BAD, CHECK64, CRASH_BASE, CRASH_OPT, GUEST_ELF,
                        image_ran)

STATUS_IMAGE_PASS = 65
# dom0's pause_ms line (tests/guest/tests/kexec-lib.c): between the load
# and the crash, so that the pause starts after the load's TLB shootdown.
PAUSING = r"^\(d0\) kexec-crash: pausing \d+ ms before the crash"


def boot_paused(boot, trigger, seconds, guest_args, firmware="bios",
                cmdline=""):
    return boot(firmware, 4, f"{CRASH_OPT} {cmdline}".strip(),
                modules=[(GUEST_ELF, guest_args), (CHECK64, None)],
                on_serial=(trigger, functools.partial(
                    lambda s, pid: vcpu_pause.pause(pid, 2, s), seconds)))


@pytest.mark.parametrize("firmware", ["bios", "uefi"])
def test_load_with_cpu2_starved(boot, firmware):
    """The crash load's TLB shootdown has no time limit: it waits for the
    starved CPU, says so, and the image is loaded and runs whole."""
    r = boot_paused(boot, r"^\(HV\) IPI check: 3/3", 3.0,
                    "test=kexec-crash via=inject:panic", firmware)
    r.expect(STATUS_IMAGE_PASS, image_ran("check64", 1, "crash", CRASH_BASE)
             + [r"^\(HV\) SMP: TLB shootdown: waiting for CPU 2 to flush"],
             [p for p in BAD if "Panic" not in p])
    done = r.search(r"^\(HV\) SMP: TLB shootdown: every CPU flushed after "
                    r"(\d+) ms$")
    if int(done.group(1)) < 100:
        r.fail("flushed before the first waiting line")
    assert r.res.hook and r.res.hook >= 2.9


def gave_up_on_cpu2(r):
    """The crash shootdown's lines with CPU 2 starved: it gave up on CPU 2
    alone, at its 1000 ms bound, and left CPU 2's note empty."""
    for cpu in (1, 3):
        if f"CPU {cpu} did not stop" in r.log:
            r.fail(f"CPU {cpu} did not stop, only CPU 2 is starved")
    return [r"^\(HV\) Panic on CPU 0:",
            r"^\(HV\) SMP: CPU 2 did not stop within 1000 ms; going on "
            r"without it$",
            r"^\(HV\) SMP: 2/3 other CPUs stopped$",
            r"^\(HV\) Crash notes: 1 CPU note left empty \(CPUs not stopped\)$"]


def test_crash_with_cpu2_starved(boot):
    """CPU 2 starved from after the load (dom0's pause_ms gap) until well
    after the panic: the NMI shootdown gives up on it after 1000 ms and the
    crash image runs whole on the others."""
    r = boot_paused(boot, PAUSING, 3.0,
                    "test=kexec-crash via=inject:panic pause_ms=500")
    r.expect(STATUS_IMAGE_PASS,
             gave_up_on_cpu2(r) + image_ran("check64", 1, "crash", CRASH_BASE),
             BAD + [r"Crash notes: CPU \d+ still writing", r"stopped late"])
    assert r.res.hook and r.res.hook >= 2.9, f"paused {r.res.hook} s"


def test_cpu2_stopping_late_leaves_its_note_empty(boot):
    """CPU 2 resumes about 1 s after the shootdown gave up on it and takes
    its stop NMI then.  crash_test_late_wait_ms holds the crash path back
    until it does: CPU 2 must stop without writing its crash note (the
    crash kernel may be reading it by then), and the image runs whole."""
    r = boot_paused(boot, PAUSING, 2.5,
                    "test=kexec-crash via=inject:panic pause_ms=500",
                    cmdline="crash_test_late_wait_ms=5000")
    late = r"^\(HV\) Crash notes: CPU 2 stopped late; its note left empty$"
    r.expect(STATUS_IMAGE_PASS,
             gave_up_on_cpu2(r) + [late]
             + image_ran("check64", 1, "crash", CRASH_BASE),
             BAD + [r"its note WRITTEN", r"did not stop in \d+ ms more"])
    waited = int(r.search(r"^\(HV\) Crash notes: waited (\d+) ms for late "
                          r"CPUs$").group(1))
    # The pause (2.5 s) outlasts the panic's 1000 ms bound by ~1 s.
    if not 200 <= waited <= 3000:
        r.fail(f"CPU 2 stopped {waited} ms after the give-up, want ~1000")
    order = [r.search(p).start() for p in
             (r"^\(HV\) SMP: 2/3 other CPUs stopped", late,
              r"^\(HV\) kexec: running the crash image")]
    if order != sorted(order):
        r.fail("the late stop is not between the give-up and the image")
    assert r.res.hook and r.res.hook >= 2.4, f"paused {r.res.hook} s"


def test_boot_ipi_check_with_cpu2_starved(boot):
    """CPU 2 not run for 3 s from the moment it came online: the boot's
    IPI check (a 100 ms wait) reports it and goes on; the check's NMI,
    taken when CPU 2 runs again seconds later, is its late answer, not a
    fatal unexpected NMI; the crash load waits for CPU 2's flush, and the
    crash stops all three others and runs the image whole."""
    r = boot_paused(boot, r"^\(HV\) CPU 2: APIC ID 2 online", 3.0,
                    "test=kexec-crash via=inject:panic")
    r.expect(STATUS_IMAGE_PASS,
             [r"^\(HV\) IPI check: 2/3 CPUs answered fixed and NMI IPIs; "
              r"not: CPU 2 \(neither\)$",
              r"^\(HV\) SMP: TLB shootdown: waiting for CPU 2 to flush",
              r"^\(HV\) SMP: 3/3 other CPUs stopped$"]
             + image_ran("check64", 1, "crash", CRASH_BASE),
             [p for p in BAD if "Panic" not in p]
             + [r"Unexpected NMI", r"FATAL TRAP"])
    assert r.res.hook and r.res.hook >= 2.9

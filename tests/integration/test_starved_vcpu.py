# SPDX-License-Identifier: GPL-2.0-only
"""Bounded waits with one vCPU starved (docs/testing.md).

tools/vcpu_pause.py stops CPU 2's QEMU thread (ptrace) for some seconds
when a serial line appears; the other vCPUs and the TSC run on.
"""
import functools

import vcpu_pause
from test_kexec import (BAD, CHECK64, CRASH_BASE, CRASH_OPT, GUEST_ELF,
                        image_ran)

STATUS_IMAGE_PASS = 65


def boot_paused(boot, trigger, seconds, guest_args):
    return boot("bios", 4, CRASH_OPT,
                modules=[(GUEST_ELF, guest_args), (CHECK64, None)],
                on_serial=(trigger, functools.partial(
                    lambda s, pid: vcpu_pause.pause(pid, 2, s), seconds)))


def test_load_with_cpu2_starved(boot):
    """The crash load's TLB shootdown has no time limit: it waits for the
    starved CPU, says so, and the image is loaded and runs whole."""
    r = boot_paused(boot, r"^\(HV\) IPI check: 3/3", 3.0,
                    "test=kexec-crash via=inject:panic")
    r.expect(STATUS_IMAGE_PASS, image_ran("check64", 1, "crash", CRASH_BASE)
             + [r"^\(HV\) SMP: TLB shootdown: waiting for CPU 2 to flush"],
             [p for p in BAD if "Panic" not in p])
    done = r.search(r"^\(HV\) SMP: TLB shootdown: every CPU flushed after "
                    r"(\d+) ms$")
    if int(done.group(1)) < 100:
        r.fail("flushed before the first waiting line")
    assert r.res.hook and r.res.hook >= 2.9


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

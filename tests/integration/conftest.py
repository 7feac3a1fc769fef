# SPDX-License-Identifier: GPL-2.0-only
"""pytest harness for QEMU integration tests.

A test boots the hypervisor once (tools/qemu_run.py), then states the
serial lines that must and must not appear and QEMU's exit status
(include/hv/shutdown.h).  On failure the assertion message carries the
tail of the serial log.  The firmware x CPU-count matrix is the
`firmware` and `smp` parametrisation used by the tests.
"""
import os
import re
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import qemu_run  # noqa: E402

BUILD = os.environ.get("HV_BUILD", os.path.join(ROOT, "build"))
os.environ["HV_BUILD"] = BUILD

FIRMWARES = ["bios", "uefi"]
# Under TCG, OVMF needs ~4 s to reach the application; leave margin for a
# loaded shared machine running two boots at once.
TIMEOUT = {"bios": 60, "uefi": 120}

STATUS_POWEROFF = 3
STATUS_PANIC = 9
STATUS_NO_DOMAIN = 7     # an unprivileged domain ended, none left (EXIT_NO_DOMAIN)

# Lines that must never appear in a boot that is meant to go well.
ALWAYS_BAD = [r"FATAL TRAP", r"Panic on CPU", r"selftest: .*: FAIL",
              r"\[qemu stderr\]"]


def tail(log, n=40):
    lines = log.rstrip("\n").splitlines()
    return "\n".join(lines[-n:])


class BootResult:
    def __init__(self, res, desc):
        self.res = res
        self.log = res.log
        self.desc = desc

    def fail(self, why):
        pytest.fail(f"{self.desc}: {why}\n--- serial log (tail) ---\n"
                    f"{tail(self.log)}", pytrace=False)

    def expect(self, status=STATUS_POWEROFF, must=(), must_not=()):
        if self.res.timed_out:
            self.fail("timed out")
        for pat in must:
            if not re.search(pat, self.log, re.M):
                self.fail(f"missing line /{pat}/")
        for pat in must_not:
            m = re.search(pat, self.log, re.M)
            if m:
                self.fail(f"unexpected line /{pat}/: {m.group(0)!r}")
        if self.res.status != status:
            self.fail(f"QEMU exit status {self.res.status}, expected {status}")
        return self

    def search(self, pat):
        m = re.search(pat, self.log, re.M)
        if not m:
            self.fail(f"missing line /{pat}/")
        return m


@pytest.fixture
def boot(tmp_path):
    """boot(firmware, smp, cmdline, modules=(), cpu='max') -> BootResult

    Every boot is a testing boot: `debug-inject` (the gate of the test
    hooks and of debug_op's crash injection, docs/command-line.md) is
    appended to the command line, last, unless debug_inject=False.
    """
    def _boot(firmware="bios", smp=1, cmdline="", modules=(), cpu="max",
              timeout=None, memory=512, serial2=None, serial_input=None,
              debug_inject=True, disk=None, disk_size=None, extra=(),
              on_serial=None):
        if debug_inject:
            cmdline = f"{cmdline} debug-inject".strip()
        log = str(tmp_path / f"serial-{firmware}-{smp}.log")
        res = qemu_run.run(firmware, smp, cmdline, modules,
                           timeout or TIMEOUT[firmware], log, memory=memory,
                           cpu=cpu, serial2=serial2, serial_input=serial_input,
                           disk=disk, extra=list(extra), on_serial=on_serial,
                           **({"disk_size": disk_size} if disk_size else {}))
        return BootResult(res, f"{firmware} smp={smp} cmdline={cmdline!r}")
    return _boot

# SPDX-License-Identifier: GPL-2.0-only
"""The dom0 hypercall fuzzer (tests/guest/tests/fuzz.c): random hypercalls
against the guest's model of what each must return, then a panic into
the check64 crash image, which must run and pass every check.

Each seed boots under SeaBIOS and OVMF with 1 and 4 CPUs.  An even seed
loads the crash image before the fuzz (every CRASH load the fuzzer makes
is then poisoned to be refused: the refusals must leave the crash region
untouched), an odd one after it.

    FUZZ_SEEDS="1 2 3"  the seeds (default: 1 2 3)
    FUZZ_N=10000        calls per boot (default 10000)
    FUZZ_MATRIX="bios:1 uefi:4"   firmware:CPUs pairs (default: all four)

`make fuzz SEEDS="..." N=...` sets them.  On a failure the message names
the seed, the failing call and the command that replays the boot.
"""
import os
import re

import pytest

from conftest import BUILD, TIMEOUT, tail
from test_kexec import CHECK64, CRASH_BASE, CRASH_OPT, GUEST_ELF, \
    STATUS_IMAGE_PASS, image_ran

SEEDS = [int(s) for s in os.environ.get("FUZZ_SEEDS", "1 2 3").split()]
N = int(os.environ.get("FUZZ_N", "10000"))
MATRIX = [(fw, int(smp)) for fw, smp in
          (p.split(":") for p in
           os.environ.get("FUZZ_MATRIX",
                          "bios:1 bios:4 uefi:1 uefi:4").split())]

FAILS = re.compile(r"^(?:\(d0\) )?(?:FAIL|ERROR): .*$|"
                   r"^\(HV\) (?:FATAL TRAP|Panic while panicking).*$|"
                   r"^(?:\(d0\) )?fuzz:   call \d+: .*$", re.M)


def replay(firmware, smp, seed, n, from_call=None):
    frm = f" fuzz_from={from_call}" if from_call is not None else ""
    return (f"/usr/bin/python3 tools/qemu_run.py --firmware {firmware} "
            f"--smp {smp} --cmdline '{CRASH_OPT} debug-inject' "
            f"--module '{GUEST_ELF} test=fuzz fuzz_seed={seed} fuzz_n={n}"
            f"{frm}' --module {CHECK64} --expect-status {STATUS_IMAGE_PASS}"
            f"   (or: make fuzz SEEDS={seed} N={n} "
            f"FUZZ_MATRIX={firmware}:{smp})")


@pytest.fixture(autouse=True)
def built():
    for path in (GUEST_ELF, CHECK64):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all`", pytrace=False)


@pytest.mark.parametrize("firmware,smp", MATRIX)
@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz(boot, firmware, smp, seed):
    r = boot(firmware, smp, CRASH_OPT,
             modules=[(GUEST_ELF, f"test=fuzz fuzz_seed={seed} fuzz_n={N}"),
                      (CHECK64, None)],
             timeout=TIMEOUT[firmware] + N // 500)
    log = r.log

    def fail(why):
        m = re.search(r"FAIL: fuzz: call (\d+):", log)
        at = max(0, int(m.group(1)) - 5) if m else None
        lines = FAILS.findall(log)
        pytest.fail(
            f"fuzz seed {seed}, {N} calls, {firmware} smp={smp}: {why}\n"
            f"replay: {replay(firmware, smp, seed, N, at)}\n"
            + ("--- FAIL lines and the last calls ---\n  "
               + "\n  ".join(lines[:30]) + "\n" if lines else "")
            + f"--- serial log (tail) ---\n{tail(log)}", pytrace=False)

    if r.res.timed_out:
        fail("timed out")
    must = [rf"^\(d0\) fuzz: seed {seed}, {N} calls, crash image loaded "
            rf"{'before' if seed % 2 == 0 else 'after'} the fuzz",
            rf"^\(d0\) fuzz: i={N - N % 1000 or N} ok$" if N >= 1000 else
            r"^\(d0\) PASS: fuzz: ",
            rf"^\(d0\) PASS: fuzz: {N} calls, seed {seed}: every result as "
            r"the model says$",
            r"^\(d0\) PASS: fuzz: free frames back at the baseline",
            r"^\(HV\) Injecting 'panic'",
            r"^\(HV\) kexec: running the crash image \(in place\), "
            rf"entry {CRASH_BASE:#x}$"]
    for pat in (r"^\(d0\) (?:FAIL|ERROR): ", r"^\(d0\) Test result:",
                r"FATAL TRAP", r"verdict FAIL", r"\[qemu stderr\]",
                r"kexec: fault in the handoff", r"Panic while panicking"):
        m = re.search(pat, log, re.M)
        if m:
            fail(f"unexpected line /{pat}/: {m.group(0)!r}")
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    for pat in must:
        if not re.search(pat, log, re.M):
            fail(f"missing line /{pat}/")
    if r.res.status != STATUS_IMAGE_PASS:
        fail(f"QEMU exit status {r.res.status}, expected {STATUS_IMAGE_PASS}")

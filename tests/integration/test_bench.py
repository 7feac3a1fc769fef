# SPDX-License-Identifier: GPL-2.0-only
"""The dom0 `bench` test (tests/guest/tests/bench.c) boots once and prints
every BENCH line `make bench` reads, each with a positive value:

    BENCH <figure-name> <value> <unit> [ref=<ref-name>:<ref-value>]

The values themselves are not checked (machines are noisy); their shape,
their units and that a throughput names its reference are.  Boot:
dom0_mem=128M (the 64 MiB image is made of dom0's frames), -m 512,
debug-inject (DEBUGOP_bench_copy needs it).  A second boot without
debug-inject checks that bench_copy is refused there.
"""
import os
import re

from conftest import BUILD, STATUS_POWEROFF

GUEST_ELF = os.path.join(BUILD, "guest", "dom0.elf")

BENCH = re.compile(r"^\(d0\) BENCH ([a-zA-Z0-9-]+) (\d+\.\d+) (\S+)"
                   r"(?: ref=([a-z0-9-]+):(\d+\.\d+))?$", re.M)

# figure -> (unit, reference name or None)
FIGURES = {
    "null-hypercall": ("ns", None),
    "sched-yield": ("ns", None),
    "load-fixed-14pages": ("us", None),
    "load-64KiB": ("MB/s", "memcpy"),
    "load-16MiB": ("MB/s", "memcpy"),
    "load-64MiB": ("MB/s", "memcpy"),
    "hv-movsq-64KiB": ("MB/s", "memcpy"),
    "hv-movsq-16MiB": ("MB/s", "memcpy"),
    "hv-movsq-64MiB": ("MB/s", "memcpy"),
}

BAD = [r"FATAL TRAP", r"Panic on CPU", r"^\(d0\) (?:FAIL|ERROR): "]


def test_bench_lines(boot):
    r = boot("bios", 1, "dom0_mem=128M", modules=[(GUEST_ELF, "test=bench")],
             timeout=240)
    r.expect(STATUS_POWEROFF, [r"^\(d0\) Test result: SUCCESS$"], BAD)
    seen = {}
    for name, value, unit, ref, ref_value in BENCH.findall(r.log):
        if name in seen:
            r.fail(f"BENCH {name} printed twice")
        seen[name] = (float(value), unit, ref or None,
                      float(ref_value) if ref_value else None)
    for name, (unit, ref) in FIGURES.items():
        if name not in seen:
            r.fail(f"no BENCH {name} line")
        value, got_unit, got_ref, ref_value = seen[name]
        if value <= 0:
            r.fail(f"BENCH {name}: value {value} is not positive")
        if got_unit != unit:
            r.fail(f"BENCH {name}: unit {got_unit}, want {unit}")
        if got_ref != ref:
            r.fail(f"BENCH {name}: ref {got_ref}, want {ref}")
        if ref and not ref_value > 0:
            r.fail(f"BENCH {name}: ref value {ref_value} is not positive")
    extra = set(seen) - set(FIGURES)
    if extra:
        r.fail(f"BENCH lines this test does not know: {sorted(extra)}")


def test_bench_copy_needs_debug_inject(boot):
    r = boot("bios", 1, "dom0_mem=128M", modules=[(GUEST_ELF, "test=bench")],
             debug_inject=False)
    r.expect(STATUS_POWEROFF,
             [r"^\(HV\) d0 debug_op: bench_copy needs the boot option "
              r"debug-inject \(-EOPNOTSUPP\)$",
              r"^\(d0\) FAIL: bench: debug_op bench_copy \(needs "
              r"debug-inject\) \(got -EOPNOTSUPP, want 0\)$",
              r"^\(d0\) Test result: FAILURE$"],
             [r"^\(d0\) BENCH ", r"FATAL TRAP", r"Panic on CPU"])

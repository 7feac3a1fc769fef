# SPDX-License-Identifier: GPL-2.0-only
"""The dom0 `bench` test (tests/guest/tests/bench.c) boots once and prints
every BENCH line `make bench` reads, each with a positive value:

    BENCH <figure-name> <value> <unit> [ref=<ref-name>:<ref-value>]

The values themselves are not checked (machines are noisy); their shape,
their units and that a throughput names its reference are.  Boot:
dom0_mem=128M (the 64 MiB image is made of dom0's frames), -m 512,
debug-inject (DEBUGOP_bench_copy needs it).  A second boot without
debug-inject checks that bench_copy is refused there.

bench_reloc executes a DEFAULT image whose first page is a stub that exits
with status 69; with kexec_test_bench_reloc the trampoline prints the
cycles of relocate_pages and of the same walk by byte moves, and the
number of pages it walked (figure 4).
"""
import os
import re

import pytest

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
    "hv-memcpy-pages-64KiB": ("MB/s", "memcpy"),
    "hv-memcpy-pages-16MiB": ("MB/s", "memcpy"),
    "hv-memcpy-pages-64MiB": ("MB/s", "memcpy"),
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


STATUS_BENCH_IMAGE = 69     # IMAGE_EXIT_BENCH (tests/images/verdict.h)
RELOC = re.compile(r"^\(HV\) kexec: bench: relocate_pages 0x([0-9a-f]{16}) "
                   r"bytewise 0x([0-9a-f]{16}) pages 0x([0-9a-f]{16})\r?$", re.M)


@pytest.mark.parametrize("pages", [16, 300])
def test_bench_reloc_times_the_relocation(boot, pages):
    r = boot("bios", 1, "dom0_mem=128M kexec_test_bench_reloc",
             modules=[(GUEST_ELF, f"test=bench_reloc reloc-pages={pages}")])
    r.expect(STATUS_BENCH_IMAGE,
             [rf"^\(HV\) kexec: loaded a default image \(64-bit\): {pages} "
              rf"pages \({pages} copied, 0 zeroed\)",
              r"^\(HV\) kexec: executing the default image, entry 0x4000000$"],
             BAD)
    found = RELOC.findall(r.log)
    if len(found) != 1:
        r.fail(f"{len(found)} relocation bench lines, want 1")
    reloc, ref, walked = (int(v, 16) for v in found[0])
    if walked != pages:
        r.fail(f"the walk counted {walked} pages, the image has {pages}")
    if not (reloc > 0 and ref > 0):
        r.fail(f"cycles {reloc} and {ref}: not both positive")


def test_bench_reloc_off_by_default(boot):
    """Without the hook the same image runs, and nothing is timed."""
    r = boot("bios", 1, "dom0_mem=128M",
             modules=[(GUEST_ELF, "test=bench_reloc reloc-pages=16")])
    r.expect(STATUS_BENCH_IMAGE,
             [r"^\(HV\) kexec: executing the default image"],
             BAD + [r"kexec: bench:"])


def test_bench_reloc_leaves_the_image_whole(boot):
    """Both walks write the same bytes: check64, executed as the DEFAULT
    image with the hook on, still finds every segment's CRC-32 right."""
    check64 = os.path.join(BUILD, "images", "check64.elf")
    r = boot("bios", 2, "kexec_test_bench_reloc",
             modules=[(GUEST_ELF, "test=kexec-exec64"), (check64, None)])
    r.expect(65, [r"^\(HV\) kexec: bench: relocate_pages ",
                  r"^\(HV\) SMP: 1 stopped CPU sent INIT: waiting for a SIPI$",
                  r"^PASS: check64: segment 0 CRC-32",
                  r"^PASS: check64: segment 1 CRC-32",
                  r"^check64: verdict PASS$"], BAD)

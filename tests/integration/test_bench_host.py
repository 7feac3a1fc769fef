# SPDX-License-Identifier: GPL-2.0-only
"""Smoke run of the host benchmarks (make bench-host-bin): small sizes
only, a second or so; tools/bench.py runs them in full.  Each figure must
be printed in the one BENCH format, with a positive value."""
import os
import re
import subprocess

from conftest import BUILD

BENCH_LINE = re.compile(r"^BENCH ([a-z0-9-]+) ([0-9]+(?:\.[0-9]+)?) ([a-z]+)$")


def run_bench(*args):
    binary = os.path.join(BUILD, "unit", "bench-validate")
    assert os.path.exists(binary), "make bench-host-bin first"
    p = subprocess.run([binary, *args], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    figures = {}
    for line in p.stdout.splitlines():
        m = BENCH_LINE.match(line)
        assert m, "not a BENCH line: %r" % line
        figures[m.group(1)] = (float(m.group(2)), m.group(3))
    return figures


def check_figures(figures, prefix):
    want = ["%s-ns-per-entry-%d" % (prefix, n) for n in (2, 10, 100, 1000)]
    assert sorted(figures) == sorted(want + [prefix + "-flatness"]), figures
    for name in want:
        value, unit = figures[name]
        assert unit == "ns" and value > 0, (name, figures[name])
    ratio, unit = figures[prefix + "-flatness"]
    lo = min(figures[n][0] for n in want)
    hi = max(figures[n][0] for n in want)
    assert unit == "ratio" and ratio >= 1
    assert abs(ratio - hi / lo) < 0.01 * ratio + 0.01


def test_bench_validate_smoke():
    check_figures(run_bench("--max", "1000", "--samples", "3"), "validate")


def test_bench_validate_shuffled_smoke():
    check_figures(run_bench("--max", "1000", "--samples", "3", "--shuffled"),
                  "validate-shuffled")


def test_bench_validate_refuses_bad_arguments():
    binary = os.path.join(BUILD, "unit", "bench-validate")
    p = subprocess.run([binary, "--max", "1"], capture_output=True, text=True)
    assert p.returncode == 2 and "--max" in p.stderr

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run the host unit tests, then the QEMU integration tests.

    run_tests.py --unit BIN... [--build DIR] [--no-integration] [-- PYTEST-ARGS]

Each unit binary is a libcheck runner; its summary line
"NN%: Checks: N, Failures: F, Errors: E" gives its counts.  The integration
tests run under pytest (two workers) when tests/integration has test files.
The last line printed is always "N passed, N failed" over everything; the
exit status is nonzero when anything failed or nothing ran at all.
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTEGRATION_DIR = os.path.join("tests", "integration")

CHECK_SUMMARY = re.compile(
    r"^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)\s*$", re.M)
# pytest's last line, e.g. "3 failed, 10 passed, 2 skipped, 1 error in 4.2s"
PYTEST_SUMMARY = re.compile(r"^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s")
PYTEST_COUNT = re.compile(r"(\d+) ([a-z]+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def section(title):
    print("==== %s ====" % title, flush=True)


def run_streamed(cmd, cwd=None, env=None):
    """Run cmd, echoing its output as it comes; returns (status, output)."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                errors="replace")
    except OSError as e:
        msg = "cannot run %s: %s\n" % (cmd[0], e)
        sys.stdout.write(msg)
        return 127, msg
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    return proc.wait(), "".join(lines)


def run_unit(binary):
    """One libcheck binary: returns (passed, failed)."""
    section("unit: %s" % binary)
    status, out = run_streamed([os.path.abspath(binary)])
    summaries = CHECK_SUMMARY.findall(out)
    if not summaries:
        print("%s: no Check summary (exit status %d); counted as 1 failed"
              % (binary, status))
        return 0, 1
    checks, failures, errors = (int(x) for x in summaries[-1])
    passed, failed = checks - failures - errors, failures + errors
    if status != 0 and failed == 0:
        # e.g. a sanitizer report at exit after every check passed
        print("%s: exit status %d with no failed check; counted as 1 failed"
              % (binary, status))
        failed = 1
    return passed, failed


def has_integration_tests():
    path = os.path.join(ROOT, INTEGRATION_DIR)
    for _dirpath, _dirs, files in os.walk(path):
        if any(f.startswith("test_") and f.endswith(".py") for f in files):
            return True
    return False


def parse_pytest(out):
    """Counts from pytest's final summary line: (passed, failed, found)."""
    for line in reversed(out.splitlines()):
        m = PYTEST_SUMMARY.match(ANSI.sub("", line).strip())
        if not m:
            continue
        counts = {}
        for n, what in PYTEST_COUNT.findall(m.group(1)):
            counts[what] = counts.get(what, 0) + int(n)
        failed = (counts.get("failed", 0) + counts.get("error", 0) +
                  counts.get("errors", 0))
        return counts.get("passed", 0), failed, True
    return 0, 0, False


def run_integration(build, extra):
    """pytest over tests/integration: returns (passed, failed, status)."""
    section("integration: pytest %s" % INTEGRATION_DIR)
    env = dict(os.environ)
    if build:
        env["HV_BUILD"] = os.path.abspath(build)
    cmd = ["/usr/bin/python3", "-m", "pytest", "-q", "-n", "2",
           INTEGRATION_DIR] + extra
    status, out = run_streamed(cmd, cwd=ROOT, env=env)
    passed, failed, found = parse_pytest(out)
    if not found:
        print("pytest: no summary line (exit status %d)" % status)
    if status != 0 and failed == 0:
        # e.g. a collection or usage error, or no test collected (5)
        print("pytest: exit status %d with no failed test; counted as 1 failed"
              % status)
        failed = 1
    return passed, failed, status


def main(argv):
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unit", nargs="*", default=[], metavar="BIN",
                    help="libcheck unit test binaries to run")
    ap.add_argument("--build", metavar="DIR",
                    help="build directory, passed to pytest as HV_BUILD")
    ap.add_argument("--no-integration", action="store_true",
                    help="skip the QEMU integration tests")
    args = ap.parse_args(argv)

    passed = failed = pytest_status = 0
    for binary in args.unit:
        p, f = run_unit(binary)
        passed += p
        failed += f

    if args.no_integration:
        section("integration: skipped (--no-integration)")
    elif has_integration_tests():
        p, f, pytest_status = run_integration(args.build, extra)
        passed += p
        failed += f
    else:
        section("integration: no test_*.py in %s" % INTEGRATION_DIR)

    if passed + failed == 0:
        print("no tests ran")
    print("%d passed, %d failed" % (passed, failed), flush=True)
    if pytest_status:
        return pytest_status
    return 1 if failed or passed + failed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

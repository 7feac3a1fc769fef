#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run the host fuzzers (tests/fuzz/, make fuzz-host-bin) for a while each.

    run_fuzz.py [--time S] [--build DIR] [--work DIR] [--fresh] [TARGET...]

Each $BUILD/fuzz/fuzz-TARGET runs for S seconds (default 300) from its
seeds (tests/fuzz/corpus/TARGET, read only) and what earlier runs found
($BUILD/fuzz/corpus/TARGET, or --work DIR/TARGET: where new inputs go;
--fresh empties it first).  A crash, an oracle failure or a sanitizer report stops that
target; its input is saved as $BUILD/fuzz/crash-<sha1> (replay it with
`$BUILD/fuzz/fuzz-TARGET FILE`, FUZZ_VERBOSE=1 says what it did).
One line per target, "fuzz-TARGET: N executions in S s: ok|FAILED";
the exit status is nonzero when any target failed or ran nothing.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = ["kimage", "elf-load", "linux-load", "multiboot-load", "elfcore",
           "cmdline", "kexec-op"]
EXECS = re.compile(r"^stat::number_of_executed_units: (\d+)", re.M)


def run_one(build, target, seconds, fresh=False, work=None, fuzz_dir=None,
            env=None, runs=None):
    """Returns (ok, executions, output).  fuzz_dir: where the binary is
    and crashes go (default BUILD/fuzz); runs: replay the corpus only."""
    fuzz_dir = fuzz_dir or os.path.join(build, "fuzz")
    binary = os.path.join(fuzz_dir, "fuzz-" + target)
    corpus = os.path.join(work or os.path.join(fuzz_dir, "corpus"), target)
    seeds = os.path.join(ROOT, "tests", "fuzz", "corpus", target)
    if fresh:
        shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus, exist_ok=True)
    cmd = [binary, "-max_total_time=%d" % seconds, "-print_final_stats=1",
           "-timeout=10", "-artifact_prefix=" + fuzz_dir + os.sep]
    if runs is not None:
        cmd.append("-runs=%d" % runs)
    cmd += [corpus, seeds]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=seconds + 120, env=env)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, 0, "%s: %s\n" % (binary, e)
    m = EXECS.findall(p.stdout)
    execs = int(m[-1]) if m else 0
    return p.returncode == 0 and execs > 0, execs, p.stdout


def failure_report(out):
    """What libFuzzer printed from the failure on."""
    lines = out.splitlines()
    start = next((i for i, l in enumerate(lines)
                  if "ERROR" in l or "oracle" in l or
                  "runtime error" in l), max(0, len(lines) - 40))
    return "\n".join(lines[start:start + 60]) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time", type=int, default=300, metavar="S")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--work", metavar="DIR",
                    help="where new inputs go (default BUILD/fuzz/corpus)")
    ap.add_argument("--fresh", action="store_true",
                    help="forget the inputs earlier runs found")
    ap.add_argument("targets", nargs="*", metavar="TARGET")
    args = ap.parse_args(argv)
    failed = 0
    for target in args.targets or TARGETS:
        ok, execs, out = run_one(args.build, target, args.time, args.fresh,
                                 args.work)
        if not ok:
            sys.stdout.write(failure_report(out))
            failed += 1
        print("fuzz-%s: %d executions in %d s: %s"
              % (target, execs, args.time, "ok" if ok else "FAILED"),
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

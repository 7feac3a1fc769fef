#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The source coverage the host fuzzers reach (make fuzz-coverage).

    fuzz_coverage.py [--time S] [--jobs N] [--out DIR] TARGET=FILE,FILE...

Each DIR/bin/fuzz-TARGET (the fuzzers built again with
-fprofile-instr-generate -fcoverage-mapping, no sanitizers) runs for S
seconds (default 30) from its seeds (tests/fuzz/corpus/TARGET, read only)
into an emptied DIR/corpus/TARGET, N targets at a time (default 2).  Its
profile (DIR/TARGET/*.profraw, merged into TARGET.profdata) is reported
over the FILEs it tests, never the harness: a table per target, then one
line each:

    fuzz-coverage: TARGET: lines X% (a/b), regions Y% (c/d) of the N files it tests

DIR/TARGET/ keeps report.txt (llvm-cov report), functions.txt (per
function) and show.txt (the sources with line counts).  A crash or an
oracle failure fails the target (its input: DIR/bin/crash-<sha1>); its
coverage is then that of a replay of the corpus found so far, since the
crash ends the process before the profile is written.  The exit status
is nonzero when any target failed.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys

import run_fuzz

ROOT = run_fuzz.ROOT
PROFDATA = "llvm-profdata-14"
COV = "llvm-cov-14"


def pct(part, whole):
    return 100.0 * part / whole if whole else 100.0


def cell(summary):
    """"P%" of a file's summary entry, "-" when it has none (no code)."""
    if not summary["count"]:
        return "-"
    return "%.1f%%" % pct(summary["covered"], summary["count"])


def measure(out_dir, target, files, seconds):
    """Fuzz, merge, report.  Returns (ok, text to print, totals)."""
    tdir = os.path.join(out_dir, target)
    shutil.rmtree(tdir, ignore_errors=True)
    os.makedirs(tdir)
    env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(tdir, "%p.profraw"))
    work = os.path.join(out_dir, "corpus")
    bin_dir = os.path.join(out_dir, "bin")
    text = ""
    ok, execs, out = run_fuzz.run_one(None, target, seconds, fresh=True,
                                      work=work, fuzz_dir=bin_dir, env=env)
    if not ok:
        text += run_fuzz.failure_report(out)
        for f in glob.glob(os.path.join(tdir, "*.profraw")):
            os.remove(f)
        run_fuzz.run_one(None, target, seconds, work=work, fuzz_dir=bin_dir,
                         env=env, runs=0)
    raws = glob.glob(os.path.join(tdir, "*.profraw"))
    if not raws:
        return False, text + "fuzz-coverage: %s: no profile written\n" \
            % target, None
    profdata = os.path.join(tdir, target + ".profdata")
    subprocess.run([PROFDATA, "merge", "-sparse", "-o", profdata] + raws,
                   check=True)
    binary = os.path.join(bin_dir, "fuzz-" + target)
    base = [binary, "-instr-profile=" + profdata]

    def cov(cmd, name=None, *opts):
        p = subprocess.run([COV, cmd] + base + list(opts) + files, cwd=ROOT,
                           check=True, stdout=subprocess.PIPE, text=True)
        if name:
            with open(os.path.join(tdir, name), "w") as f:
                f.write(p.stdout)
        return p.stdout

    cov("report", "report.txt", "-show-branch-summary=false")
    cov("report", "functions.txt", "-show-functions",
        "-show-branch-summary=false")
    cov("show", "show.txt", "-show-line-counts-or-regions")
    data = json.loads(cov("export", None))["data"][0]

    rows = [("File", "Lines", "", "Regions", "Functions")]
    for f in sorted(data["files"], key=lambda f: f["filename"]):
        s = f["summary"]
        rows.append((os.path.relpath(f["filename"], ROOT),
                     cell(s["lines"]),
                     "(%d/%d)" % (s["lines"]["covered"], s["lines"]["count"]),
                     cell(s["regions"]),
                     "%d/%d" % (s["functions"]["covered"],
                                s["functions"]["count"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    text += "fuzz-%s: %d executions in %d s%s\n" % (
        target, execs, seconds, "" if ok else ", FAILED (replayed corpus)")
    for r in rows:
        text += "  %-*s  %*s %-*s  %*s  %*s\n" % (
            widths[0], r[0], widths[1], r[1], widths[2], r[2],
            widths[3], r[3], widths[4], r[4])
    # The export lists every function of the binary, the harness's and
    # the headers' too: keep those defined in the files tested.  A static
    # one is named "file.c:name".
    tested = {os.path.join(ROOT, f) for f in files}
    never = sorted({(os.path.relpath(fn["filenames"][0], ROOT),
                     fn["name"].split(":")[-1]) for fn in data["functions"]
                    if fn["count"] == 0 and fn["filenames"][0] in tested})
    by_file = {}
    for f, n in never:
        by_file.setdefault(f, []).append(n)
    for f, names in sorted(by_file.items()):
        text += "  never ran in %s: %s\n" % (f, ", ".join(names))
    return ok, text, (data["totals"], len(data["files"]))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time", type=int, default=30, metavar="S")
    ap.add_argument("--jobs", type=int, default=2, metavar="N")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz-cov"),
                    metavar="DIR")
    ap.add_argument("targets", nargs="+", metavar="TARGET=FILE,FILE")
    args = ap.parse_args(argv)
    out_dir = os.path.abspath(args.out)
    jobs = {}
    for spec in args.targets:
        target, _, files = spec.partition("=")
        jobs[target] = [f for f in files.split(",") if f]
        if target not in run_fuzz.TARGETS or not jobs[target]:
            ap.error("%s: want TARGET=FILE,FILE..." % spec)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = {t: pool.submit(measure, out_dir, t, f, args.time)
                   for t, f in jobs.items()}
        results = {t: f.result() for t, f in futures.items()}
    failed = 0
    for target, (ok, text, _) in results.items():
        sys.stdout.write(text)
        failed += not ok
    for target, (ok, _, totals) in results.items():
        if totals is None:
            print("fuzz-coverage: %s: FAILED, no profile" % target)
            continue
        t, nfiles = totals
        lines, regions = t["lines"], t["regions"]
        print("fuzz-coverage: %s: lines %.1f%% (%d/%d), regions %.1f%% "
              "(%d/%d) of the %d file%s it tests%s"
              % (target, pct(lines["covered"], lines["count"]),
                 lines["covered"], lines["count"],
                 pct(regions["covered"], regions["count"]),
                 regions["covered"], regions["count"], nfiles,
                 "" if nfiles == 1 else "s", "" if ok else ": FAILED"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

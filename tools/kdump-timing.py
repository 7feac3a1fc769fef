#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""How long a crash takes to reach the Linux crash kernel's /init.

    tools/kdump-timing.py [--runs N] [--icount] [--smp N]

Boots the hypervisor N times as `make run-linux` does (dom0 loads the
Debian kernel's vmlinux, the crash initramfs and a command line behind
purgatory, then injects a panic) and reports medians [min-max] of:
  - load: dom0's build, SHA-256 and load hypercall (TSC cycles it prints);
  - panic -> handoff: the hypervisor's crash path (its note's TSCs);
  - purgatory SHA-256: cycles and bytes it prints, and MB/s;
  - panic -> kernel start: panic -> /init minus the kernel's own uptime
    at /init (its clock starts early in start_kernel, just after
    "Linux version" is printed);
  - panic -> /init: /init's first rdtsc minus the TSC at panic.
Every figure comes from TSC values the guest prints: the TSC runs on
across the handoff, and with --icount (-icount shift=0) it is virtual
time, one instruction per ns, the same on every run.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402
import run_linux  # noqa: E402



def one(smp, icount, work, dom0_extra=""):
    disk = os.path.join(work, "vmcore.img")
    if os.path.exists(disk):
        os.unlink(disk)
    mods = run_linux.crash_modules(os.path.join(work, "cmdline.txt"), "",
                                   f"test=kexec-linux {dom0_extra}".strip())
    extra = ["-icount", "shift=0,sleep=off"] if icount else []
    r = qemu_run.run("bios", smp, f"{run_linux.CRASHKERNEL} debug-inject",
                     mods, 600, None, memory=run_linux.MEMORY, cpu="max,-smap",
                     disk=disk, disk_size=(run_linux.MEMORY + 16) << 20,
                     extra=extra)
    log = r.log
    if r.status != 81:
        raise SystemExit(f"kdump-timing: run ended with status {r.status}:\n"
                         + "\n".join(log.splitlines()[-20:]))
    g = lambda pat: re.search(pat, log, re.M)             # noqa: E731
    khz, panic, handoff = map(int, g(
        r"HV note: TSC (\d+) kHz, at panic (\d+), at handoff (\d+)").groups())
    uptime, tsc_init = g(r"crash-init: uptime ([\d.]+) s, TSC (\d+)").groups()
    sha_bytes, sha_cycles = map(int, g(
        r"^purgatory: \d+ regions, (\d+) bytes verified in (\d+) TSC").groups())
    build, lsha_bytes, lsha, hcall = map(int, g(
        r"load timings \(TSC cycles\): build (\d+), SHA-256 of (\d+) bytes "
        r"(\d+), hypercall (\d+)").groups())
    ms = lambda c: c / khz                               # noqa: E731
    bench = dict((w, (int(b), int(c))) for w, b, c in re.findall(
        r"^purgatory: bench: (.*?): (\d+) bytes in (\d+) TSC cycles", log,
        re.M))
    extra = {}
    for what, (b, c) in bench.items():
        extra[f"purgatory bench: {what} (MB/s)"] = b / 1e6 / (ms(c) / 1e3)
    init = ms(int(tsc_init) - panic)
    return {
        "load: build (ms)": ms(build),
        "load: SHA-256 in dom0 (ms)": ms(lsha),
        "load: hypercall (ms)": ms(hcall),
        "panic -> handoff (ms)": ms(handoff - panic),
        "purgatory SHA-256 (ms)": ms(sha_cycles),
        "purgatory SHA-256 (MB/s)": sha_bytes / 1e6 / (ms(sha_cycles) / 1e3),
        "panic -> kernel start (ms)": init - float(uptime) * 1000,
        "panic -> /init (ms)": init,
        "bytes verified": sha_bytes,
        **extra,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--smp", type=int, default=1)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kdump-timing-") as work:
        for i in range(args.runs):
            rows.append(one(args.smp, args.icount, work))
            print(f"run {i + 1}: panic -> /init "
                  f"{rows[-1]['panic -> /init (ms)']:.1f} ms", flush=True)
    mode = "icount shift=0 (virtual)" if args.icount else "TCG (wall)"
    print(f"\n{mode}, {args.smp} CPU(s), n={args.runs}: median [min-max]")
    for k in rows[0]:
        v = [r[k] for r in rows]
        print(f"  {k:30s} {statistics.median(v):10.1f} "
              f"[{min(v):.1f}-{max(v):.1f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())

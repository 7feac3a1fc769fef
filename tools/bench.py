#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""`make bench`: every performance figure, measured on this machine.

    tools/bench.py [--runs N] [--quick] [--only SCENARIO,...]

Runs each scenario (crash, linux, boot, kexecboot, guest, reloc, host,
ramsize; QEMU TCG, -cpu max,-smap; the conditions are written
next to every figure) several times and writes:
  build/bench/results.json   one object per figure: name, unit, median,
                             min, max, n, conditions, and for a
                             throughput its reference measured in the
                             same boot (ref, ref_median) and the ratio
  build/bench/results.md     the same as a table (also printed)
  build/bench/*.png          crash latency against CPUs, validation
                             ns/entry against entries, load throughput
                             against image size next to memcpy
Figures come from values the guest prints (TSC cycles, converted with
the TSC frequency the hypervisor calibrated; under -icount shift=0 that is
virtual time, one instruction per ns) and from `BENCH <name> <value>
<unit> [ref=<name>:<value>]` lines; never from when a host pipe reader
happened to see a line.  docs/benchmarks.md explains each figure.
--quick: one run per scenario (not a result).  --smoke: less still (the
smallest case of each scenario, no icount Linux boot): what
tests/integration/test_bench.py runs to see that every scenario works.
"""
import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402

ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("HV_BUILD", os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "bench")
GUEST = os.path.join(BUILD, "guest", "dom0.elf")
CPU = "max,-smap"
ICOUNT = ["-icount", "shift=0,sleep=off"]

spec = importlib.util.spec_from_file_location(
    "kdump_timing", os.path.join(HERE, "kdump-timing.py"))
kdump_timing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kdump_timing)

BENCH_LINE = re.compile(r"BENCH ([A-Za-z0-9-]+) ([-\d.eE+]+) (\S+)(?: ref=([^:\s]+):([-\d.eE+]+))?")


class Figures:
    """Samples per figure name, with unit, conditions and references."""

    def __init__(self):
        self.data = {}

    def add(self, name, value, unit, conditions, ref=None, ref_value=None):
        f = self.data.setdefault(name, {"name": name, "unit": unit,
                                        "conditions": conditions,
                                        "samples": [], "ref": ref,
                                        "ref_samples": []})
        f["samples"].append(float(value))
        if ref is not None:
            f["ref_samples"].append(float(ref_value))

    def add_bench_lines(self, text, conditions, prefix=""):
        n = 0
        for m in BENCH_LINE.finditer(text):
            name, value, unit, ref, ref_value = m.groups()
            self.add(prefix + name, value, unit, conditions, ref, ref_value)
            n += 1
        return n

    def results(self):
        out = []
        for f in self.data.values():
            s = f["samples"]
            r = {"name": f["name"], "unit": f["unit"],
                 "median": statistics.median(s), "min": min(s), "max": max(s),
                 "n": len(s), "conditions": f["conditions"]}
            if f["ref"]:
                rm = statistics.median(f["ref_samples"])
                r["ref"] = f["ref"]
                r["ref_median"] = rm
                # the ratio of medians of paired samples: median of ratios
                ratios = [a / b for a, b in zip(s, f["ref_samples"]) if b]
                r["ratio"] = statistics.median(ratios) if ratios else None
            out.append(r)
        return out


def boot(firmware, smp, cmdline, modules, memory=512, extra=(), timeout=300,
         disk=None):
    r = qemu_run.run(firmware, smp, cmdline, modules, timeout, None,
                     memory=memory, cpu=CPU, extra=list(extra), disk=disk,
                     **({"disk_size": (memory + 16) << 20} if disk else {}))
    if r.timed_out:
        raise RuntimeError(f"{firmware} smp={smp} {cmdline!r}: timed out")
    return r


def tsc_khz(log):
    m = re.search(r"TSC: ([\d.]+) MHz", log)
    if not m:
        raise RuntimeError("no TSC frequency line in the log")
    return float(m.group(1)) * 1000


# ---- the scenarios ----------------------------------------------------------

def crash_latency(fig, runs, quick):
    """Figure 1: panic -> first instruction of the crash image, hypervisor
    note's TSCs (crashdump64 prints them)."""
    mods = [(GUEST, "test=kexec-vmcore inject=panic"),
            (os.path.join(BUILD, "images", "crashdump64.elf"), None)]
    for smp in ((1, 2) if SMOKE else (1, 2, 4, 8)):
        for mode, extra, n in (("TCG", (), runs), ("icount", ICOUNT, 1 if quick else 2)):
            cond = f"SeaBIOS, {smp} CPU(s), -m 512, crashkernel=64M@256M, {mode}"
            for _ in range(n):
                r = boot("bios", smp, "crashkernel=64M@256M debug-inject",
                         mods, extra=extra)
                m = re.search(r"handoff latency (\d+) ticks", r.log)
                if not m:
                    raise RuntimeError(f"crash latency smp={smp}: no latency "
                                       f"line (status {r.status})")
                us = int(m.group(1)) / tsc_khz(r.log) * 1000
                fig.add(f"crash-latency-{smp}cpu-{mode.lower()}", us, "us", cond)


def linux_crash_boot(fig, runs, quick):
    """Figure 2: the Debian kernel as crash kernel (tools/kdump-timing.py).
    The times come from plain runs; purgatory's SHA-256 throughput against
    rep movsq over the same bytes from runs with purgatory-bench=1 (which
    re-hashes after the check, so those runs' times are not used)."""
    modes = (("TCG", False, runs),) if SMOKE else \
        (("TCG", False, runs), ("icount", True, 1))
    for mode, icount, n in modes:
        cond = ("SeaBIOS, 1 CPU, -m 384, crashkernel=128M@128M, Debian "
                f"6.1 vmlinux behind purgatory, {mode}")
        with tempfile.TemporaryDirectory(prefix="bench-linux-") as work:
            for _ in range(n):
                row = kdump_timing.one(1, icount, work)
                for k, v in row.items():
                    if k in ("bytes verified", "purgatory SHA-256 (MB/s)"):
                        continue
                    name = "linux-" + re.sub(r"[^a-z0-9]+", "-",
                                             k.split(" (")[0].lower()).strip("-")
                    unit = k.split("(")[-1].rstrip(")")
                    fig.add(f"{name}-{mode.lower()}", v, unit, cond)
            for _ in range(1 if icount or quick else 3):
                row = kdump_timing.one(1, icount, work, "purgatory-bench=1")
                movsq = row.get("purgatory bench: rep movsq (MB/s)")
                if movsq is None:
                    raise RuntimeError("purgatory printed no bench lines")
                fig.add(f"linux-purgatory-sha256-throughput-{mode.lower()}",
                        row["purgatory bench: portable SHA-256 (MB/s)"], "MB/s",
                        cond + f", {row['bytes verified']:.0f} bytes",
                        "rep-movsq", movsq)


def boot_time(fig, runs, quick):
    """Figure 7: machine reset -> "Boot complete" and -> dom0 entry (TSC
    values the hypervisor prints; the TSC starts at the reset)."""
    for firmware, smp in ((("bios", 1),) if SMOKE else
                          (("bios", 1), ("bios", 4), ("uefi", 1))):
        cond = f"{'SeaBIOS' if firmware == 'bios' else 'OVMF'}, {smp} CPU(s), -m 512, TCG"
        for _ in range(runs):
            r = boot(firmware, smp, "", [(GUEST, "test=list")])
            khz = tsc_khz(r.log)
            for what, pat in (("boot-complete", r"Boot complete: .*\(TSC (\d+)\)"),
                              ("dom0-entry", r"Entering dom0 \(TSC (\d+)\)")):
                m = re.search(pat, r.log)
                if not m:
                    raise RuntimeError(f"boot {firmware} {smp}: no /{pat}/")
                fig.add(f"boot-{what}-{firmware}-{smp}cpu",
                        int(m.group(1)) / khz, "ms", cond)


def guest_bench(fig, runs, quick):
    """Figures 3 and 6: the dom0 bench test's BENCH lines (load throughput
    with the hypervisor's memcpy and rep movsq over the same bytes in the
    same boot, the fixed cost of a small load, hypercall round trips)."""
    cond = "SeaBIOS, 1 CPU, -m 512, dom0_mem=128M, TCG"
    for _ in range(runs):
        r = boot("bios", 1, "dom0_mem=128M debug-inject", [(GUEST, "test=bench")])
        if not fig.add_bench_lines(r.log, cond):
            raise RuntimeError(f"dom0 bench: no BENCH line (status {r.status})")


RELOC_LINE = re.compile(r"kexec: bench: relocate_pages 0x([0-9a-f]+) bytewise "
                        r"0x([0-9a-f]+) pages 0x([0-9a-f]+)")


def relocation(fig, runs, quick):
    """Figure 4: relocate_pages at the exec of a DEFAULT image, against the
    same walk with byte moves (rep movsb) in the same state; the
    trampoline times both (kexec_test_bench_reloc) and the image, a stub
    page, exits with status 69."""
    cond = "SeaBIOS, 1 CPU, -m 512, dom0_mem=128M, handoff state, TCG"
    sizes = (("64KiB", 16),) if SMOKE else \
        (("64KiB", 16), ("16MiB", 4096), ("64MiB", 16384))
    for name, pages in sizes:
        for _ in range(runs):
            r = boot("bios", 1, "dom0_mem=128M debug-inject kexec_test_bench_reloc",
                     [(GUEST, f"test=bench_reloc reloc-pages={pages}")])
            m = RELOC_LINE.search(r.log)
            if not m or r.status != 69:
                raise RuntimeError(f"relocation {name}: no bench line or the "
                                   f"image did not run (status {r.status})")
            reloc, ref, n = (int(g, 16) for g in m.groups())
            if n != pages:
                raise RuntimeError(f"relocation {name}: {n} pages walked, "
                                   f"{pages} loaded")
            khz = tsc_khz(r.log)
            mbps = [pages * 4096 / (c / khz) / 1000 for c in (reloc, ref)]
            fig.add(f"relocation-{name}", mbps[0], "MB/s", cond, "rep-movsb",
                    mbps[1])


EXEC_TSC = re.compile(r"kexec-hv: KEXEC_CMD_kexec at TSC (\d+): generation 2")
BOOT_TSC = re.compile(r"Boot complete: .*\(TSC (\d+)\)")


def kexec_reboot(fig, runs, quick):
    """Issue 12's figure: dom0 kexecs hv.elf (tests/guest/tests/kexec-hv.c)
    -> the second hypervisor's "Boot complete", from the TSC (it runs on
    across a kexec), against the firmware's boot from a reset to "Boot
    complete" in a boot of the same run (the TSC starts at the reset)."""
    with tempfile.TemporaryDirectory(prefix="bench-kexec-") as work:
        hvcmd = os.path.join(work, "hvcmdline.txt")
        with open(hvcmd, "w") as f:
            f.write("\n")
        mods = [(GUEST, "test=kexec-hv hv-chain=2"),
                (os.path.join(BUILD, "hv.elf"), "hv"), (GUEST, "dom0"),
                (hvcmd, "hvcmdline")]
        for firmware in (("bios",) if SMOKE else ("bios", "uefi")):
            name = "SeaBIOS" if firmware == "bios" else "OVMF"
            cond = f"{name} first boot, 1 CPU, -m 512, TCG"
            for _ in range(runs):
                r = boot(firmware, 1, "", mods, timeout=300)
                khz = tsc_khz(r.log)
                m = EXEC_TSC.search(r.log)
                boots = BOOT_TSC.findall(r.log)
                if not m or len(boots) != 2:
                    raise RuntimeError(f"kexec reboot {firmware}: no exec TSC "
                                       f"or not two boots (status {r.status})")
                fw = boot(firmware, 1, "", [(GUEST, "test=list")])
                fw_boot = BOOT_TSC.search(fw.log)
                if not fw_boot:
                    raise RuntimeError(f"firmware boot {firmware}: no line")
                fig.add(f"kexec-reboot-{firmware}",
                        (int(boots[1]) - int(m.group(1))) / khz, "ms", cond,
                        "firmware-boot", int(fw_boot.group(1)) / tsc_khz(fw.log))


LOAD_LINE = re.compile(r"kexec-bench-load: bench-load: 21 loads of (\d+) entries "
                       r"\((\d+) pages\): median (\d+) cycles")


def ram_size(fig, runs, quick):
    """Figure 5, second half: the same small load (check64) with 1 GiB and
    64 GiB of RAM (dom0's kexec-bench-load: median of 21 loads)."""
    mods = [(GUEST, "test=kexec-bench-load"),
            (os.path.join(BUILD, "images", "check64.elf"), None)]
    for _ in range(runs):
        us = {}
        for name, mib in (("1GiB", 1024), ("64GiB", 65536)):
            r = boot("bios", 1, "crashkernel=64M@256M", mods, memory=mib)
            m = LOAD_LINE.search(r.log)
            if not m:
                raise RuntimeError(f"kexec-bench-load {name}: no result line")
            us[name] = int(m.group(3)) / tsc_khz(r.log) * 1000
            fig.add(f"load-small-{name}", us[name], "us",
                    f"SeaBIOS, 1 CPU, -m {mib}, check64 (6 entries, 21 pages), "
                    "median of 21 loads, TCG")
        fig.add("load-small-64GiB-over-1GiB", us["64GiB"] / us["1GiB"], "ratio",
                "the two figures above, same run")


def host_bench(fig, runs, quick):
    """Figure 5: validation ns/entry on the host (build/unit/bench-validate)."""
    exe = os.path.join(BUILD, "unit", "bench-validate")
    if not os.path.exists(exe):
        print("bench: build/unit/bench-validate is missing: figure 5 NOT "
              "MEASURED", file=sys.stderr)
        return
    cond = "host, -O2, common/kimage.c kimage_validate(), ascending runs"
    for _ in range(1 if quick else 3):
        out = subprocess.run([exe] + (["--max", "1000", "--samples", "3"]
                                      if quick else []),
                             capture_output=True, text=True, check=True).stdout
        fig.add_bench_lines(out, cond)
    if not quick:
        out = subprocess.run([exe, "--shuffled"], capture_output=True,
                             text=True, check=True).stdout
        fig.add_bench_lines(out, cond.replace("ascending", "shuffled"))


SMOKE = False
SCENARIOS = {"crash": crash_latency, "linux": linux_crash_boot,
             "boot": boot_time, "kexecboot": kexec_reboot,
             "guest": guest_bench, "reloc": relocation,
             "host": host_bench, "ramsize": ram_size}


# ---- output ----------------------------------------------------------------

def fmt(v):
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def table(results):
    lines = ["| figure | median | min | max | n | unit | reference (median) | ratio | conditions |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        ref = f"{r['ref']} {fmt(r['ref_median'])}" if r.get("ref") else ""
        ratio = f"{r['ratio']:.3f}" if r.get("ratio") is not None else ""
        lines.append(f"| {r['name']} | {fmt(r['median'])} | {fmt(r['min'])} | "
                     f"{fmt(r['max'])} | {r['n']} | {r['unit']} | {ref} | "
                     f"{ratio} | {r['conditions']} |")
    return "\n".join(lines)


def plots(results):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench: no matplotlib: plots NOT WRITTEN", file=sys.stderr)
        return []
    by = {r["name"]: r for r in results}
    written = []

    def save(fig, name):
        path = os.path.join(OUT, name)
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(path)

    cpus = [c for c in (1, 2, 4, 8) if f"crash-latency-{c}cpu-tcg" in by]
    if cpus:
        fig, ax = plt.subplots(figsize=(6, 4))
        for mode, style in (("tcg", "o-"), ("icount", "s--")):
            pts = [(c, by[f"crash-latency-{c}cpu-{mode}"]) for c in cpus
                   if f"crash-latency-{c}cpu-{mode}" in by]
            if pts:
                ax.errorbar([c for c, _ in pts], [r["median"] for _, r in pts],
                            yerr=[[r["median"] - r["min"] for _, r in pts],
                                  [r["max"] - r["median"] for _, r in pts]],
                            fmt=style, capsize=3,
                            label="TCG wall (median, min-max)" if mode == "tcg"
                            else "icount virtual")
        ax.set_xlabel("CPUs")
        ax.set_ylabel("panic -> crash image (us)")
        ax.set_xticks(cpus)
        ax.legend()
        ax.set_title("Crash latency, hypervisor share")
        save(fig, "crash-latency.png")

    val = sorted((int(m.group(1)), r) for n, r in by.items()
                 if (m := re.match(r"validate-ns-per-entry-(\d+)$", n)))
    if val:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot([n for n, _ in val], [r["median"] for _, r in val], "o-")
        ax.set_xscale("log")
        ax.set_xlabel("entries")
        ax.set_ylabel("ns per entry")
        ax.set_ylim(bottom=0)
        ax.set_title("Validation cost per entry (host)")
        save(fig, "validation.png")

    loads = sorted((int(m.group(1)) * (1024 if m.group(2) == "MiB" else 1), r)
                   for n, r in by.items()
                   if (m := re.match(r"load-(\d+)(KiB|MiB)$", n)) and r.get("ref"))
    relocs = sorted((int(m.group(1)) * (1024 if m.group(2) == "MiB" else 1), r)
                    for n, r in by.items()
                    if (m := re.match(r"relocation-(\d+)(KiB|MiB)$", n)) and r.get("ref"))
    if loads or relocs:
        fig, ax = plt.subplots(figsize=(6, 4))
        for pts, label in ((loads, "kexec load"), (relocs, "relocation at exec")):
            if pts:
                ax.plot([k for k, _ in pts], [r["median"] for _, r in pts], "o-",
                        label=f"{label} (MB/s)")
                ax.plot([k for k, _ in pts], [r["ref_median"] for _, r in pts],
                        "x--", label=f"{pts[0][1]['ref']} same boot (MB/s)")
        ax.set_xscale("log")
        ax.set_xlabel("image size (KiB)")
        ax.set_ylabel("MB/s")
        ax.legend()
        ax.set_title("Load and relocation throughput against memcpy")
        save(fig, "throughput.png")
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default=",".join(SCENARIOS))
    args = ap.parse_args()
    global SMOKE
    SMOKE = args.smoke
    args.quick = args.quick or args.smoke
    runs = 1 if args.quick else args.runs
    os.makedirs(OUT, exist_ok=True)
    fig = Figures()
    t0 = time.monotonic()
    for name in args.only.split(","):
        t = time.monotonic()
        print(f"bench: {name} ...", flush=True)
        SCENARIOS[name](fig, runs, args.quick)
        print(f"bench: {name} done in {time.monotonic() - t:.0f} s", flush=True)
    results = fig.results()
    md = table(results)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(md + "\n")
    pngs = plots(results)
    print("\n" + md)
    print(f"\nbench: {len(results)} figures in {time.monotonic() - t0:.0f} s: "
          f"{os.path.relpath(OUT, ROOT)}/results.json, results.md"
          + "".join(f", {os.path.basename(p)}" for p in pngs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""How long the Debian kernel takes to reach the crash initramfs' /init.

    linux-boot-time.py [--runs N] [--icount] [--memory MB]

Boots build/linux/vmlinuz + crash-initramfs.cpio directly in QEMU
(tools/qemu_run.py --firmware linux, -cpu max,-smap), N times, and
reports per milestone the median [min-max]:
  - host: seconds from starting QEMU until the serial line appears
    (stamped as QEMU writes it to our pipe), for "Linux version" (the
    kernel proper prints its first line: the firmware, the setup code and
    the silent xz decompressor -- Debian has no X86_VERBOSE_BOOTUP -- are
    behind it) and "crash-init: /init started";
  - guest: the TSC /init read first thing (its "uptime ... TSC" line),
    over the TSC frequency the kernel found: time since QEMU's reset.
    With --icount (-icount shift=0: one instruction = 1 ns of virtual
    time) this is virtual time, independent of the host's load.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402

MILESTONES = [("Linux version", r"Linux version"),
              ("/init", r"crash-init: /init started")]


def one_boot(icount, memory):
    build = qemu_run.build_dir()
    extra = ["-icount", "shift=0"] if icount else []
    with tempfile.TemporaryDirectory() as work:
        log = os.path.join(work, "serial.log")
        cmd = qemu_run.qemu_command(
            "linux", 1, "console=ttyS0", (), work, log, memory=memory,
            cpu="max,-smap", stdio=True, extra=extra,
            linux_kernel=os.path.join(build, "linux", "vmlinuz"),
            initrd=os.path.join(build, "linux", "crash-initramfs.cpio"))
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        stamps, text = {}, ""
        for raw in proc.stdout:
            now = time.monotonic() - start
            line = raw.decode(errors="replace")
            text += line
            for name, pat in MILESTONES:
                if name not in stamps and re.search(pat, line):
                    stamps[name] = now
        proc.wait()
    m = re.search(r"crash-init: uptime [\d.]+ s, TSC (\d+)", text)
    mhz = re.findall(r"tsc: (?:Refined TSC clocksource calibration|"
                     r"Detected) ([\d.]+) MHz", text)
    if m and mhz:
        stamps["guest TSC at /init"] = int(m.group(1)) / (float(mhz[-1]) * 1e6)
    if proc.returncode != 81 or "/init" not in stamps:
        sys.exit(f"boot failed (status {proc.returncode}):\n{text[-2000:]}")
    return stamps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--memory", type=int, default=256)
    args = ap.parse_args()
    runs = [one_boot(args.icount, args.memory) for _ in range(args.runs)]
    mode = "TCG -icount shift=0" if args.icount else "TCG"
    print(f"{mode}, -cpu max,-smap, -m {args.memory}, {args.runs} runs: "
          "median [min-max] seconds")
    for name in [n for n, _ in MILESTONES] + ["guest TSC at /init"]:
        vals = [r[name] for r in runs if name in r]
        if vals:
            print(f"  {name:20s} {statistics.median(vals):7.3f} "
                  f"[{min(vals):.3f}-{max(vals):.3f}]"
                  f"{'' if name.startswith('guest') else ' (host)'}")


if __name__ == "__main__":
    main()

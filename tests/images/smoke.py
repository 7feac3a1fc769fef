#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Smoke-test the kexec test images under QEMU, without the hypervisor.

Each scenario fills an image's parameter block (fill-params.py), boots the
handoff shim (tests/images/smoke/, a stand-in for the hypervisor's kexec
handoff) with the image as a Multiboot module, and checks QEMU's exit
status and the image's PASS/FAIL lines.  The "good" scenarios must pass
every check; each broken one breaks one promise on purpose (a shim
break= option, a wrong CRC, a wrong base, no block at all) and must fail
exactly the checks that see it, and nothing else.  The last scenario is
the plain Multiboot entry of check32 (QEMU -kernel, no shim).

    python3 tests/images/smoke.py --build build [-k NAME] [-v]

Exit status 0 if every scenario behaved.  QEMU status 65/67 is the
image's verdict (tests/images/verdict.h); 253 is a shim error; 0 usually
means a triple fault (-no-reboot).
"""
import argparse
import concurrent.futures
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "fill_params", os.path.join(HERE, "fill-params.py"))
fill_params = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fill_params)

PASS, FAIL = 65, 67
BASE64 = 0x1234000              # deliberately not 2 MiB aligned
ZERO64 = (0x1800000, 4)
MAPS64 = [(0xffffffff80000000, BASE64, 2),      # onto the image's text
          (0x0000400000000000, ZERO64[0], 4),   # onto the zero range
          (0xffffc90000000000, 0x1900000, 1)]   # onto a copied page
UNMAPPED64 = [0x1901000, 0x1804000]
FILL64 = dict(base=BASE64, image_id=7, zero=ZERO64, maps=MAPS64,
              unmapped=UNMAPPED64)
FILL32 = dict(image_id=32, zero=(0x3000000, 4), expect_type=1)

# name: (image, fill kwargs or None, shim options or None for plain
#        Multiboot, QEMU status, FAIL lines that must appear, only those?)
SCENARIOS = {
    "check64-good": ("check64", FILL64, "", PASS, [], True),
    "check64-gpr": ("check64", FILL64, "break=gpr", FAIL,
                    [r"%rbx zero at entry \(got 0x5a5a, want 0\)"], True),
    "check64-flags": ("check64", FILL64, "break=flags", FAIL,
                      [r"RFLAGS at entry \(got 0x402, want 0x2\)"], True),
    "check64-cr4": ("check64", FILL64, "break=cr4", FAIL,
                    [r"CR4 \(PAE\) \(got 0x220, want 0x20\)"], True),
    "check64-bss": ("check64", FILL64, "break=bss", FAIL,
                    [r"\.bss zero at entry \(got \d+ non-zero bytes"], True),
    "check64-zero": ("check64", FILL64, "break=zero", FAIL,
                     [r"zero-filled range 0x1800000, 4 pages: all zero "
                      r"\(got 1 non-zero"], True),
    "check64-map": ("check64", FILL64, "break=map", FAIL,
                    [r"map 0: .*\(got 0x[0-9a-f]+ at va .* but 0x[0-9a-f]+ "
                     r"at the target",
                     r"map 1: .*\(got 0xffffffffffffffff written at va .* "
                     r"but 0x0 at the target",
                     r"map 2: .*\(got 0x[0-9a-f]+ at va .* but 0x[0-9a-f]+ "
                     r"at the target"], True),
    "check64-ro": ("check64", FILL64, "break=ro", FAIL,
                   [r"map 1: .*a page fault writing va 0x400000000000, "
                    r"error 0x3",
                    r"map 2: .*a page fault writing va 0xffffc90000000000, "
                    r"error 0x3"],
                   True),
    "check64-extra": ("check64", FILL64, "break=extra", FAIL,
                      [r"page below the image at 0x1233000 unmapped \(got "
                       r"readable"], True),
    "check64-crc": ("check64", dict(FILL64, corrupt_crc=0), "", FAIL,
                    [r"segment 0 CRC-32 .*\(got 0x[0-9a-f]+, want"], True),
    "check64-base": ("check64", dict(base=BASE64, image_id=1),
                     "base=0x1400000", FAIL,
                     [r"loaded at the parameter block's base 0x1234000 "
                      r"\(got 0x1234000, want 0x1400000\)"], True),
    "check64-unfilled": ("check64", None, "", FAIL,
                         [r"parameter block not filled"], True),
    "check32-good": ("check32", FILL32, "", PASS, [], True),
    "check32-gpr": ("check32", FILL32, "break=gpr", FAIL,
                    [r"%ebx zero at entry \(got 0x5a5a, want 0\)"], True),
    "check32-flags": ("check32", FILL32, "break=flags", FAIL,
                      [r"EFLAGS at entry \(got 0x402, want 0x2\)"], True),
    "check32-cr4": ("check32", FILL32, "break=cr4", FAIL,
                    [r"CR4 \(got 0x200, want 0x0\)"], True),
    "check32-zero": ("check32", FILL32, "break=zero", FAIL,
                     [r"zero-filled range 0x3000000, 4 pages: all zero"], True),
    "check32-crc": ("check32", dict(FILL32, corrupt_crc=1), "", FAIL,
                    [r"segment 1 CRC-32"], True),
    "check32-multiboot": ("check32", FILL32, None, FAIL,
                          [r"%eax zero at entry \(got 0x2badb002, want 0\)"],
                          False),
}


def run(name, build, verbose):
    image, fill, opts, want_status, want_fails, only = SCENARIOS[name]
    elf = os.path.join(build, "images", f"{image}.elf")
    data = open(elf, "rb").read()
    if fill is not None:
        data = fill_params.fill(data, **fill)
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, f"{image}.elf")
        open(img, "wb").write(data)
        cmd = ["qemu-system-x86_64", "-display", "none", "-vga", "none",
               "-serial", "stdio", "-m", "128", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        if opts is None:
            cmd += ["-kernel", img]
        else:
            cmd += ["-kernel", os.path.join(build, "images", "smoke",
                                            "handoff.elf"),
                    "-initrd", img, "-append", opts or "none"]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               errors="replace", timeout=120)
            status, out = p.returncode, p.stdout + p.stderr
        except subprocess.TimeoutExpired as e:
            status = None
            out = (e.stdout or b"").decode(errors="replace") \
                if isinstance(e.stdout, bytes) else (e.stdout or "")
    out = out.replace("\r", "")
    problems = []
    if status != want_status:
        problems.append(f"QEMU status {status}, want {want_status}")
    fails = [l for l in out.splitlines() if l.startswith("FAIL: ")]
    for pat in want_fails:
        if not any(re.search(pat, l) for l in fails):
            problems.append(f"no FAIL line matching /{pat}/")
    if only:
        for l in fails:
            if not any(re.search(pat, l) for pat in want_fails):
                problems.append(f"unexpected: {l}")
    verdict = f"{image}: verdict " + ("PASS" if want_status == PASS
                                      else "FAIL")
    if verdict not in out:
        problems.append(f"no line '{verdict}'")
    return name, problems, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("-k", help="only scenarios whose name contains this")
    ap.add_argument("-v", action="store_true", help="show every serial log")
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()

    names = [n for n in SCENARIOS if not a.k or a.k in n]
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(a.j) as ex:
        for name, problems, out in ex.map(lambda n: run(n, a.build, a.v),
                                          names):
            print(f"{'ok  ' if not problems else 'FAIL'} {name}")
            for pr in problems:
                print(f"     {pr}")
            if problems or a.v:
                print("     " + "\n     ".join(out.splitlines()[-60:]))
            bad += bool(problems)
    print(f"{len(names) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Post-link checks of the two images, with binutils' readelf and nm.

  check_image.py elf hv.elf hv-pass1.elf
      loadable segments are W^X; every PT_LOAD has the same
      (file offset - physical address), as QEMU's Multiboot a.out kludge
      loads the file as one flat range; text symbols did not move between
      the first link and this one.
  check_image.py efi hv.efi hv.elf
      no section below the image base (OVMF refuses those); the text
      symbols sit at the same addresses as in hv.elf (one symbol table
      serves both images).
  Both: the build id (SHA-1 of the objects, build/build-id) is embedded.
"""
import os
import subprocess
import sys


def fail(img, msg):
    sys.exit(f"check_image: {img}: {msg}")


def text_symbols(path):
    out = subprocess.run(["nm", "-n", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tT":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def check_build_id(img, build_dir):
    """The image embeds the build id: the SHA-1 of its objects."""
    want = open(os.path.join(build_dir, "build-id")).read().strip()
    if len(want) != 40 or want.encode() not in open(img, "rb").read():
        fail(img, f"build id {want!r} is not embedded")


def check_elf(img):
    out = subprocess.run(["readelf", "-lW", img], check=True,
                         capture_output=True, text=True).stdout
    loads = [l.split() for l in out.splitlines() if l.strip().startswith("LOAD")]
    if len(loads) != 3:
        fail(img, f"expected 3 PT_LOAD segments (text, rodata, data), got {len(loads)}")
    deltas = set()
    for seg in loads:
        offset, paddr = int(seg[1], 16), int(seg[3], 16)
        flags = "".join(seg[6:-1])
        if "W" in flags and "E" in flags:
            fail(img, f"segment at {seg[2]} is writable and executable")
        deltas.add(offset - paddr)
    if len(deltas) != 1:
        fail(img, "segments do not keep one file-offset/physical-address delta")


def check_efi(img):
    out = subprocess.run(["objdump", "-h", "-p", img], check=True,
                         capture_output=True, text=True).stdout
    base = None
    for line in out.splitlines():
        if line.startswith("ImageBase"):
            base = int(line.split()[1], 16)
    if base is None:
        fail(img, "no ImageBase")
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0].isdigit():
            if int(parts[3], 16) < base:
                fail(img, f"section {parts[1]} lies below the image base")


def main():
    mode, img, ref = sys.argv[1:4]
    if mode == "elf":
        check_elf(img)
        check_build_id(img, os.path.dirname(img))
    elif mode == "efi":
        check_efi(img)
        check_build_id(img, os.path.dirname(img))
    else:
        fail(img, f"unknown mode {mode}")
    if text_symbols(img) != text_symbols(ref):
        fail(img, f"text symbols differ from {ref}")


if __name__ == "__main__":
    main()

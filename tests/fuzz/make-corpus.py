#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the host fuzzers' seed corpora into tests/fuzz/corpus/<target>/.

    tests/fuzz/make-corpus.py [DIR]

Each seed is a small input in the format its fuzzer decodes (the opening
comment of tests/fuzz/fuzz-<target>.c): valid inputs mostly, so that the
fuzzer starts from what is accepted and mutates towards the edges.  The
files are committed; run this again after changing a decoder.
"""

import base64
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PG = 4096
REGION = 0x10000000


def u8(*v):
    return bytes(x & 0xff for x in v)


def le(v, n):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


# ---- ELF images -------------------------------------------------------------

def elf64(etype, segs, entry, machine=62, shdrs=b""):
    """segs: (paddr, vaddr, file bytes, memsz); file offsets congruent."""
    phoff, phnum = 64, len(segs)
    off = 0x1000
    body = bytearray()
    phdrs = b""
    for paddr, vaddr, data, memsz in segs:
        while (off + len(body)) % PG != vaddr % PG:
            body.append(0)
        o = off + len(body)
        body += data
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, o, vaddr, paddr, len(data),
                             memsz, PG)
    eh = (b"\x7fELF" + u8(2, 1, 1, 0) + bytes(8) +
          struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0,
                      64, 56, phnum, 64, 0, 0))
    head = eh + phdrs
    return head + bytes(off - len(head)) + bytes(body)


def elf32(segs, entry):
    phoff, phnum = 52, len(segs)
    off = 0x1000
    body = bytearray()
    phdrs = b""
    for paddr, vaddr, data, memsz in segs:
        while (off + len(body)) % PG != vaddr % PG:
            body.append(0)
        o = off + len(body)
        body += data
        phdrs += struct.pack("<IIIIIIII", 1, o, vaddr, paddr, len(data), memsz,
                             7, PG)
    eh = (b"\x7fELF" + u8(1, 1, 1, 0) + bytes(8) +
          struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, phoff, 0, 0, 52, 32,
                      phnum, 40, 0, 0))
    head = eh + phdrs
    return head + bytes(off - len(head)) + bytes(body)


def pattern(n, k=1):
    return bytes((i * 7 + k) & 0xff for i in range(n))


ELF_EXEC = elf64(2, [(REGION, 0xffffffff81000000, pattern(0x1800), 0x3000),
                     (REGION + 0x4000, 0xffffffff81004000, pattern(0x200, 3),
                      0x2000)], 0xffffffff81000010)
ELF_DYN = elf64(3, [(0, 0x1000, pattern(0x1234), 0x1234),
                    (0, 0x3800, pattern(0x300, 5), 0x1000)], 0x1010)
# a vmlinux: by p_paddr, e_entry physical
ELF_VMLINUX = elf64(2, [(0x1000000, 0xffffffff81000000, pattern(0x2100), 0x4000)],
                    0x1000000)
ELF_32 = elf32([(REGION + 0x1000, REGION + 0x1000, pattern(0x900), 0x2000)],
               REGION + 0x1000)


# ---- the targets -------------------------------------------------------------

def kimage():
    # machine byte (bit 1-2: crash range), header byte, entries
    dest = u8(0x00) + le(3 << 13, 2)            # DEST crash_s
    copy = u8(0x01 | (2 << 2)) + le(0x10, 2)    # COPY 3 frames
    zero = u8(0x02)                             # ZERO 1
    mp = u8(0x03 | (1 << 2)) + le(5 << 13, 2) + u8(1)   # MAP 2 pages
    return {
        "crash": u8(0x02, 0x01) + dest + copy + zero + mp,
        "default": u8(0x00, 0x00) + u8(0x00) + le(1 << 13, 2) + copy + zero
                   + u8(0x00) + le(4 << 13, 2) + u8(0x02 | (3 << 2)),
        "arch32": u8(0x02, 0x03) + dest + copy,
        "raw": u8(0x00, 0x00) + u8(0x80, 1) + le(0x200000, 8) + bytes(16)
               + u8(0x80, 3) + bytes(8) + le(1, 8) + bytes(8),
        "limits": u8(0xe2, 0x01) + u8(3) + le(2, 2) + u8(1) + dest + copy,
    }


def elf_load():
    # b (type, params, by_paddr, base, zero range, maps), cap bytes, ELF
    return {
        "exec": u8(0x01, 0x01) + ELF_EXEC,
        "vmlinux-paddr": u8(0x0c) + le(0x200, 2) + u8(0x01) + ELF_VMLINUX,
        "dyn-zero-map": u8(0x39) + le(0x400, 2) + le(0x800, 2) + u8(3)
                        + u8(1) + le(0x400, 2) + u8(1) + u8(0x01) + ELF_DYN,
        "elf32": u8(0x01, 0x01) + ELF_32,
    }


def bzimage(pm_size=0x1000, init_size=0x10000, version=0x020F):
    setup = 4
    b = bytearray((setup + 1) * 512)
    b[0x1F1] = setup
    b[0x1F4:0x1F8] = le(pm_size // 16, 4)
    b[0x1FE:0x200] = le(0xAA55, 2)
    b[0x200], b[0x201] = 0xEB, 0x6A
    b[0x202:0x206] = b"HdrS"
    b[0x206:0x208] = le(version, 2)
    b[0x211] = 0x01
    b[0x230:0x234] = le(0x200000, 4)
    b[0x234], b[0x235] = 1, 21
    b[0x236:0x238] = le(0x7F, 2)
    b[0x238:0x23C] = le(2047, 4)
    b[0x258:0x260] = le(0x1000000, 8)
    b[0x260:0x264] = le(init_size, 4)
    return bytes(b) + pattern(pm_size)


def linux_load():
    # b: type, cmdline, vmlinux (bit 3), initrd (bit 4: 2-byte size),
    # region size (bit 6), cap (bit 7)
    bz = bzimage()
    vm = elf64(2, [(0x1000000, 0xffffffff81000000, pattern(0x3000), 0x6000)],
               0x1000000)
    return {
        "crash": u8(0x03) + bz,
        "default-initrd": u8(0x14) + le(0x3000, 2) + bz,
        "vmlinux": u8(0x0b) + le(len(bz), 4) + bz + vm,
        "small-region": u8(0x41, 0x08) + bz,
    }


def mb_header(flags, fields=()):
    magic = 0x1BADB002
    return (le(magic, 4) + le(flags, 4) + le(-(magic + flags), 4) +
            b"".join(le(x, 4) for x in fields))


def multiboot_load():
    # b: modules (b % 4), cmdline, no memory map (bit 4), info place
    # (bit 5), cap (bit 6); module sizes; the kernel
    load = REGION + 0x100000
    body = 0x1800
    aout = mb_header(0x10003, (load, load, load + 32 + body, load + 0x4000,
                               load + 32)) + pattern(body)
    hdr = mb_header(0x3)
    mbelf = elf32([(REGION + 0x200000, REGION + 0x200000,
                    hdr + pattern(0x800), 0x3000)], REGION + 0x200010)
    return {
        "aout": u8(0x08) + aout,
        "aout-modules": u8(0x0a) + le(0x1234, 2) + le(0x3000, 2) + aout,
        "elf32": u8(0x09) + le(0x10, 2) + mbelf,
        "info-place": u8(0x20) + le(0x3000, 2) + aout,
    }


def cmdline():
    # count byte (maps % 9, busy >> 4), map entries (type byte, start and
    # size in pages), busy ranges (start page, pages), the line
    def ram(start, size, t=0):
        return u8(t) + le(start >> 12, 4) + le(size >> 12, 4)

    mp = (ram(0, 0x9f000) + ram(0x100000, 0x7ff00000) +
          ram(0xfee00000, 0x1000, 0x20 | 1) + ram(0x100000000, 0x40000000))
    busy = le(0x200, 4) + le(0x200, 2)
    head = u8(4 | (1 << 4)) + mp + busy
    return {
        "plain": head + b"crashkernel=64M@256M flag u16=65535 name=abc",
        "below": head + b"crashkernel=256M,below=2G no-flag mem=4K",
        "ranges": head + b"crashkernel=512M-2G:64M,2G-:128M<3G mem32=1M",
        "auto": head + b"crashkernel=128M hook=1 hook_str=x debug-inject",
        "bad": head + b"crashkernel=1M@0x1234 u8=256 nope name=toolongvalue",
    }


def kexec_op():
    # boot byte (command line), then calls: command byte % 10 and its
    # arguments (the decoders in fuzz-kexec-op.c)
    def load(c=0, where=0, body=b""):
        return u8(0, c, where) + body
    tdef = u8(0x09)                             # DEST 20M, COPY 2, ZERO 1
    tcrash = u8(0x10, 0x29)                     # in the crash range, + MAP
    status, unload = u8(4, 0), u8(3, 0)
    ranges = b"".join(u8(6, r) for r in (0, 1, 2, 6, 8, 0x0a))
    return {
        "default": u8(0) + load(0, 0, tdef) + status + unload + status,
        "crash": u8(0) + load(1, 0, tcrash) + u8(4, 1) +
                 load(1, 0, u8(0x20, 0x49, 0x13, 0x00)) + u8(3, 1),
        "faults": u8(0) + load(0, 1, tdef) + load(0, 3, tdef) +
                  load(1, 4, tcrash) + load(0, 2, tdef + le(0x1000, 8)),
        "entries": u8(0) + load(3, 0, u8(4, 0x00) + le(0, 2) + u8(0x05, 3)
                                + u8(0x02) + u8(0x43)) +
                   load(2, 0, u8(3, 0x00) + le(2 << 13, 2) + u8(0x09, 0)
                        + u8(0x0a)),
        "unsafe": u8(0) + load(0, 0, tdef) + u8(9) + u8(5, 0) +
                  load(1, 0, tcrash) + u8(9) + u8(5, 1) + status,
        "alloc-fail": u8(0) + load(1, 0, tcrash) +
                      load(0x11, 0, tcrash + u8(2)) + u8(7, 0) + ranges,
        "small-limits": u8(3) + load(0x08, 0, tdef + u8(0x04, 9)) +
                        load(1, 0, tcrash) + u8(8) + u8(0x18) + le(0, 8),
        "no-region": u8(2) + load(1, 0, tcrash) + u8(6, 0) + u8(7, 1),
    }


# Inputs that found bugs, kept as seeds so that every run replays them.
REGRESSIONS = {
    # a line break inside a word split a report's console line (param.c)
    ("cmdline", "regress-newline-in-word"):
        "FAAAAAAAnwAAAAAAAQAAAP8HACEA7g8AAQAAAAAABAAAAAAEAAACAAAAAm5vLWNyYS0y"
        "YGAxMk1gYGBHOjY0TSwyRy06MTI4TTwzCgAoZW0zMj0xTQ==",
    # a load refused as unsafe left bad_entry unwritten (kexec.c)
    ("kexec-op", "regress-unsafe-bad-entry"): "AC4BCQApAQD///8uNAAAAAAAAAAAAAAAAwE=",
    # a raw argument address on the harness's argument page (the harness)
    ("kexec-op", "regress-raw-arg-in-guest"):
        "AAAFAQkAAAMJAAAAEATCGgIAAAAJABAAAAAAAAA=",
}


def elfcore():
    # counts (notes, memory ranges, how), notes, ranges, crash, hv, cap
    def where(addr):                    # below 2 GiB, page grained
        return u8(addr >> 24) + le((addr & 0xffffff) >> 12, 2)

    def note(addr, size):
        return where(addr) + u8(0) + le(size, 2)

    def mem(addr, size, t=None):
        return (u8(0x40 | t) if t else u8(0)) + where(addr) + le(size >> 12, 3)

    notes = note(0x3f000, 0x150) + note(0x3f200, 0x150) + note(0x3e000, 0x1000)
    mm = (mem(0, 0x9f000) + mem(0x100000, 0x3ff00000) +
          mem(0xf0000, 0x10000, 2) + mem(0x40000000, 0x40000000))
    tail = where(0x10000000) + le(0x4000000 >> 12, 3) + where(0x200000) + u8(2)
    return {
        "machine": u8(3, 4, 0) + notes + mm + tail,
        "touching": u8(1, 3, 0) + note(0x1000, 8) + mem(0x100000, 0x100000)
                    + mem(0x200000, 0x100000) + mem(0x180000, 0x200000)
                    + where(0) + le(0, 3) + where(0) + u8(0),
        "small-buffer": u8(3, 4, 0x08) + notes + mm + tail + le(100, 2),
        "bad-note": u8(1, 0, 0) + note(0x1000, 0) + tail,
    }


def write(outdir, target, seeds):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        os.unlink(os.path.join(d, name))
    for name, data in sorted(seeds.items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


TARGETS = {
    "kimage": kimage,
    "elf-load": elf_load,
    "linux-load": linux_load,
    "multiboot-load": multiboot_load,
    "elfcore": elfcore,
    "cmdline": cmdline,
    "kexec-op": kexec_op,
}


def main(argv):
    outdir = argv[0] if argv else os.path.join(ROOT, "tests", "fuzz", "corpus")
    for target, make in TARGETS.items():
        seeds = make()
        for (t, name), b64 in REGRESSIONS.items():
            if t == target:
                seeds[name] = base64.b64decode(b64)
        write(outdir, target, seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

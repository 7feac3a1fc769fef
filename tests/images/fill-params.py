#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Fill the parameter block of a kexec test image (tests/images/).

The reference implementation of the rule in tests/images/kexec-params.h,
for the smoke tests (tests/images/smoke.py) and for anyone who wants to
compare a loader's output with it:

    fill-params.py build/images/check64.elf out.elf --base 0x1234000 \\
        --id 7 --zero 0x1800000:4 --map 0xffffffff80000000:0x1234000:2 \\
        --unmapped 0x1900000
    fill-params.py --dump out.elf          # show a filled block

Also importable: fill(elf_bytes, base=..., ...) -> bytes.
"""
import argparse
import struct
import sys
import zlib

MAGIC = b"KXPARAM1"
VERSION = 1
SECTION = ".kexec_params"
SIZE = 4096
MAX_SEGS, MAX_MAPS, MAX_UNMAPPED = 8, 8, 16
PT_LOAD = 1


class Elf:
    def __init__(self, data):
        if data[:4] != b"\x7fELF":
            raise ValueError("not an ELF file")
        self.data = data
        self.is64 = data[4] == 2
        if self.is64:
            (self.type, _, _, self.entry, phoff, shoff, _, _, phentsize,
             phnum, shentsize, shnum, shstrndx) = struct.unpack_from(
                "<HHIQQQIHHHHHH", data, 16)
        else:
            (self.type, _, _, self.entry, phoff, shoff, _, _, phentsize,
             phnum, shentsize, shnum, shstrndx) = struct.unpack_from(
                "<HHIIIIIHHHHHH", data, 16)
        self.loads = []         # (offset, vaddr, filesz, memsz) in order
        for i in range(phnum):
            o = phoff + i * phentsize
            if self.is64:
                (ptype, _, off, vaddr, _, filesz, memsz,
                 _) = struct.unpack_from("<IIQQQQQQ", data, o)
            else:
                (ptype, off, vaddr, _, filesz, memsz, _,
                 _) = struct.unpack_from("<IIIIIIII", data, o)
            if ptype == PT_LOAD and memsz:
                self.loads.append((off, vaddr, filesz, memsz))
        self.sections = {}      # name -> (addr, offset, size)
        shdrs = []
        for i in range(shnum):
            o = shoff + i * shentsize
            if self.is64:
                (name, _, _, addr, off, size) = struct.unpack_from(
                    "<IIQQQQ", data, o)
            else:
                (name, _, _, addr, off, size) = struct.unpack_from(
                    "<IIIIII", data, o)
            shdrs.append((name, addr, off, size))
        if shdrs:
            stroff = shdrs[shstrndx][2]
            for name, addr, off, size in shdrs:
                end = data.index(b"\0", stroff + name)
                self.sections[data[stroff + name:end].decode()] = (
                    addr, off, size)
        self.low = min(v for _, v, _, _ in self.loads)

    def block(self):
        """(vaddr, file offset) of the parameter block."""
        if SECTION not in self.sections:
            raise ValueError(f"no {SECTION} section")
        addr, off, size = self.sections[SECTION]
        if size != SIZE or addr % 4096:
            raise ValueError(f"{SECTION}: size {size:#x} at {addr:#x}")
        return addr, off

    def segment_image(self, off, vaddr, filesz, memsz, blank_block=True):
        """The memory image of one PT_LOAD, the parameter block as zeros."""
        mem = bytearray(self.data[off:off + filesz])
        mem += bytes(memsz - filesz)
        if blank_block:
            baddr, _ = self.block()
            lo, hi = max(baddr, vaddr), min(baddr + SIZE, vaddr + memsz)
            if lo < hi:
                mem[lo - vaddr:hi - vaddr] = bytes(hi - lo)
        return bytes(mem)


def segments(elf):
    """[(vaddr_offset, memsz, crc32)] per the rule of kexec-params.h."""
    out = []
    for off, vaddr, filesz, memsz in elf.loads:
        crc = zlib.crc32(elf.segment_image(off, vaddr, filesz, memsz))
        out.append((vaddr - elf.low, memsz, crc))
    return out


def pack(image_id, base, segs, zero=(0, 0), maps=(), unmapped=(),
         expect_type=0):
    if len(segs) > MAX_SEGS or len(maps) > MAX_MAPS or \
            len(unmapped) > MAX_UNMAPPED:
        raise ValueError("too many segments, maps or unmapped addresses")
    b = bytearray(SIZE)
    struct.pack_into("<8sIIQQII", b, 0, MAGIC, VERSION, 0, image_id, base,
                     len(segs), 0)
    for i, (voff, memsz, crc) in enumerate(segs):
        struct.pack_into("<QQII", b, 0x28 + 24 * i, voff, memsz, crc, 0)
    struct.pack_into("<QQII", b, 0xe8, zero[0], zero[1], len(maps), 0)
    for i, (va, target, pages) in enumerate(maps):
        struct.pack_into("<QQQ", b, 0x100 + 24 * i, va, target, pages)
    struct.pack_into("<II", b, 0x1c0, len(unmapped), 0)
    for i, va in enumerate(unmapped):
        struct.pack_into("<Q", b, 0x1c8 + 8 * i, va)
    struct.pack_into("<Q", b, 0x248, expect_type)
    return bytes(b)


def unpack(b):
    magic, version, _, image_id, base, nsegs, _ = struct.unpack_from(
        "<8sIIQQII", b, 0)
    segs = [struct.unpack_from("<QQI", b, 0x28 + 24 * i)
            for i in range(min(nsegs, MAX_SEGS))]
    zmaddr, zpages, nmaps, _ = struct.unpack_from("<QQII", b, 0xe8)
    maps = [struct.unpack_from("<QQQ", b, 0x100 + 24 * i)
            for i in range(min(nmaps, MAX_MAPS))]
    nun, _ = struct.unpack_from("<II", b, 0x1c0)
    unmapped = [struct.unpack_from("<Q", b, 0x1c8 + 8 * i)[0]
                for i in range(min(nun, MAX_UNMAPPED))]
    (etype,) = struct.unpack_from("<Q", b, 0x248)
    return dict(magic=magic, version=version, image_id=image_id, base=base,
                segments=segs, zero=(zmaddr, zpages), maps=maps,
                unmapped=unmapped, expect_type=etype)


def fill(data, base=None, image_id=0, zero=(0, 0), maps=(), unmapped=(),
         expect_type=0, corrupt_crc=None):
    elf = Elf(data)
    if base is None:
        if elf.type != 2:       # ET_EXEC has a fixed place; ET_DYN needs one
            raise ValueError("--base is needed for an ET_DYN image")
        base = elf.low
    if elf.type == 2 and base != elf.low:
        raise ValueError(f"ET_EXEC image linked at {elf.low:#x}: base must "
                         "be that")
    segs = segments(elf)
    if corrupt_crc is not None:             # for negative tests only
        v, m, c = segs[corrupt_crc]
        segs[corrupt_crc] = (v, m, c ^ 0x1)
    _, off = elf.block()
    out = bytearray(data)
    out[off:off + SIZE] = pack(image_id, base, segs, zero, maps, unmapped,
                               expect_type)
    return bytes(out)


def num(s):
    return int(s, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--dump", action="store_true",
                    help="print the block of INPUT and the CRCs it should "
                         "hold")
    ap.add_argument("--base", type=num)
    ap.add_argument("--id", type=num, default=0)
    ap.add_argument("--type", type=num, default=0)
    ap.add_argument("--zero", help="MADDR:PAGES")
    ap.add_argument("--map", action="append", default=[],
                    help="VA:TARGET_MADDR:PAGES (repeatable)")
    ap.add_argument("--unmapped", action="append", default=[], type=num)
    ap.add_argument("--corrupt-crc", type=int, metavar="SEG",
                    help="store a wrong CRC for that segment (negative "
                         "tests)")
    a = ap.parse_args()

    data = open(a.input, "rb").read()
    if a.dump:
        elf = Elf(data)
        addr, off = elf.block()
        print(f"block at vaddr {addr:#x}, file offset {off:#x}")
        for i, (voff, memsz, crc) in enumerate(segments(elf)):
            print(f"segment {i}: vaddr_offset {voff:#x} memsz {memsz:#x} "
                  f"crc32 {crc:#010x}")
        for k, v in unpack(data[off:off + SIZE]).items():
            print(f"  {k}: {v}")
        return 0
    if not a.output:
        ap.error("OUTPUT is needed")
    zero = tuple(num(x) for x in a.zero.split(":")) if a.zero else (0, 0)
    maps = [tuple(num(x) for x in m.split(":")) for m in a.map]
    out = fill(data, a.base, a.id, zero, maps, a.unmapped, a.type,
               a.corrupt_crc)
    open(a.output, "wb").write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

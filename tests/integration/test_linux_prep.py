# SPDX-License-Identifier: GPL-2.0-only
"""tools/linux-prep/bzimage-extract (docs/linux-crash-kernel.md).

  - the real Debian kernel (make linux-kernel): the vmlinux it extracts is
    an ELF64 x86-64 ET_EXEC entered at 0x1000000 with PT_LOADs (readelf),
    and --info names the compression the kernel's config chose;
  - synthetic bzImages: a hand-made setup header and a small ELF payload
    compressed by each format's own command-line tool, the way the kernel
    build does it (a le32 size trailer after every format but gzip): the
    extracted file is byte-exact;
  - bad input: each refusal is one stderr line naming the problem, exit
    status 1, and no output file.
"""
import os
import random
import re
import struct
import subprocess

import pytest

from conftest import BUILD

TOOL = os.path.join(BUILD, "linux-prep", "bzimage-extract")
LINUX = os.path.join(BUILD, "linux")

# format -> (compress command, kernel build appends the le32 size)
COMPRESSORS = {
    "gzip":  (["gzip", "-9", "-n", "-c"], False),
    "bzip2": (["bzip2", "-9", "-c"], True),
    "lzma":  (["xz", "--format=lzma", "-9", "-c"], True),
    "xz":    (["xz", "--check=crc32", "--x86", "--lzma2=dict=1MiB", "-c"], True),
    "lzo":   (["lzop", "-9", "-c"], True),
    "lz4":   (["lz4", "-l", "-9", "-c"], True),
    "zstd":  (["zstd", "-19", "-q", "-c"], True),
}


def need(path, target):
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run `make {target}`", pytrace=False)


@pytest.fixture(scope="module")
def tool():
    need(TOOL, "linux")
    return TOOL


def small_elf(e_type=2, machine=62, klass=2, body=96 << 10, seed=1):
    """ELF64 header + one PT_LOAD of half text-like, half zero bytes."""
    rnd = random.Random(seed)
    text = bytes(rnd.choice(b"\x48\x89\xe5\x31\xc0\xc3\x90\x0f\x05")
                 for _ in range(body // 2)) + bytes(body // 2)
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", klass, 1, 1,
                       0, 0, b"", e_type, machine, 1, 0x1000000, 64, 0, 0,
                       64, 56, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0x1000, 0xffffffff81000000,
                       0x1000000, len(text), len(text), 0x1000)
    elf = ehdr + phdr
    return elf + bytes(0x1000 - len(elf)) + text


def compress(fmt, data, size_trailer=None):
    cmd, trailer = COMPRESSORS[fmt]
    out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
                         check=True).stdout
    if size_trailer if size_trailer is not None else trailer:
        out += struct.pack("<I", len(data) & 0xffffffff)
    return out


def bzimage(payload, setup_sects=1, version=0x020f, gap=0x40,
            payload_length=None):
    """A setup header that places `payload` `gap` bytes into the
    protected-mode part, which starts at ((setup_sects or 4) + 1) * 512."""
    pm_start = ((setup_sects or 4) + 1) * 512
    img = bytearray(pm_start + gap)
    img[0x1f1] = setup_sects
    struct.pack_into("<H", img, 0x1fe, 0xaa55)
    img[0x200] = 0xeb            # jmp, as in a real header
    img[0x201] = 0x6a
    img[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", img, 0x206, version)
    img[0x211] = 0x01                                   # LOADED_HIGH
    struct.pack_into("<IBBHI", img, 0x230, 0x200000, 1, 21, 0x7f, 2047)
    struct.pack_into("<II", img, 0x248, gap,
                     len(payload) if payload_length is None else payload_length)
    struct.pack_into("<QI", img, 0x258, 0x1000000, 0x3f98000)
    return bytes(img) + payload


def run_tool(*args):
    return subprocess.run([TOOL, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


# ---- the real kernel -------------------------------------------------------

def kernel_compression():
    """The compression CONFIG_KERNEL_<X>=y of the fetched kernel's config."""
    need(os.path.join(LINUX, "version"), "linux-kernel")
    ver = open(os.path.join(LINUX, "version")).read().strip()
    config = open(os.path.join(LINUX, "root", "boot", f"config-{ver}")).read()
    m = re.search(r"^CONFIG_KERNEL_(GZIP|BZIP2|LZMA|XZ|LZO|LZ4|ZSTD)=y$",
                  config, re.M)
    assert m, "no CONFIG_KERNEL_<compression>=y in the kernel's config"
    return m.group(1).lower()


def test_extract_debian_kernel(tool, tmp_path):
    need(os.path.join(LINUX, "vmlinuz"), "linux-kernel")
    out = tmp_path / "vmlinux"
    res = run_tool(os.path.join(LINUX, "vmlinuz"), str(out))
    assert res.returncode == 0, res.stderr
    hdr = subprocess.run(["readelf", "-h", "-l", "-W", str(out)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    assert re.search(r"Class:\s+ELF64", hdr), hdr
    assert re.search(r"Machine:\s+Advanced Micro Devices X86-64", hdr), hdr
    assert re.search(r"Type:\s+EXEC", hdr), hdr
    assert re.search(r"Entry point address:\s+0x1000000$", hdr, re.M), hdr
    loads = re.findall(r"^\s+LOAD\s+0x[0-9a-f]+ (0x[0-9a-f]+) (0x[0-9a-f]+)",
                       hdr, re.M)
    assert len(loads) >= 2, hdr
    # The kernel text is linked at 0xffffffff81000000, loaded at 16 MiB.
    assert ("0xffffffff81000000", "0x0000000001000000") in loads, hdr
    # The build's own copy (make linux-vmlinux) is the same file.
    built = os.path.join(LINUX, "vmlinux")
    need(built, "linux-vmlinux")
    assert open(built, "rb").read() == out.read_bytes()


def test_info_debian_kernel(tool):
    res = run_tool("--info", os.path.join(LINUX, "vmlinuz"))
    assert res.returncode == 0, res.stderr
    info = dict(l.split(None, 1) for l in res.stdout.splitlines())
    for field in ("version", "setup_sects", "loadflags", "xloadflags",
                  "kernel_alignment", "relocatable_kernel", "pref_address",
                  "init_size", "cmdline_size", "compression"):
        assert field in info, res.stdout
    assert info["compression"] == kernel_compression()
    assert int(info["version"].split()[0], 16) >= 0x020c
    assert int(info["xloadflags"], 16) & 0x3 == 0x3     # 64-bit entry, > 4G
    assert info["relocatable_kernel"] == "1"


# ---- synthetic images --------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(COMPRESSORS))
def test_roundtrip(tool, tmp_path, fmt):
    elf = small_elf(seed=len(fmt))
    # gzip also with setup_sects = 0 (which means 4)
    img = bzimage(compress(fmt, elf), setup_sects=0 if fmt == "gzip" else 3)
    (tmp_path / "bz").write_bytes(img)
    res = run_tool("--info", str(tmp_path / "bz"))
    assert res.returncode == 0, res.stderr
    assert re.search(rf"^compression\s+{fmt}$", res.stdout, re.M), res.stdout
    res = run_tool(str(tmp_path / "bz"), str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out").read_bytes() == elf


@pytest.mark.parametrize("fmt", ["xz", "zstd", "lz4"])
def test_roundtrip_without_size_trailer(tool, tmp_path, fmt):
    elf = small_elf(seed=7)
    (tmp_path / "bz").write_bytes(bzimage(compress(fmt, elf, False)))
    res = run_tool(str(tmp_path / "bz"), str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out").read_bytes() == elf


def test_lz4_multi_block(tool, tmp_path):
    """More than one 8 MiB legacy block, then the size trailer."""
    elf = small_elf(body=9 << 20, seed=3)
    (tmp_path / "bz").write_bytes(bzimage(compress("lz4", elf)))
    res = run_tool(str(tmp_path / "bz"), str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out").read_bytes() == elf


def bad_inputs():
    elf = small_elf()
    xz = compress("xz", elf)
    good = bzimage(xz)
    corrupt = bytearray(xz)
    corrupt[len(xz) // 2] ^= 0xff
    no_hdrs = bytearray(good)
    no_hdrs[0x202:0x206] = b"HdrX"
    def corrupted(fmt, at, n=32):
        data = bytearray(compress(fmt, elf))
        data[at:at + n] = b"\xff" * n
        return bzimage(bytes(data))

    no_flag = bytearray(good)
    no_flag[0x1fe] = 0
    return {
        "short": (b"\0" * 100, r"not a bzImage: 100 bytes is too short"),
        "boot_flag": (bytes(no_flag), r"not a bzImage: boot_flag at 0x1fe is 0xaa00"),
        "no_HdrS": (bytes(no_hdrs), r'not a bzImage: no "HdrS" at 0x202'),
        "old_protocol": (bzimage(xz, version=0x0207),
                         r"boot protocol 2\.07 is too old"),
        "header_cut": (good[:0x250], r"truncated: 592 bytes end inside the setup header"),
        "payload_cut": (good[:-100], r"truncated: the payload .* ends past the file"),
        "unknown_magic": (bzimage(b"\x12\x34\x56\x78\x9a\xbc" + xz),
                          r"unknown payload compression: magic bytes 12 34 56 78 9a bc"),
        "xz_corrupt": (bzimage(bytes(corrupt)),
                       r"xz decompression error: liblzma LZMA_DATA_ERROR"),
        "lzma_corrupt": (corrupted("lzma", 100),
                         r"lzma decompression error: liblzma LZMA_DATA_ERROR"),
        "xz_stream_cut": (bzimage(xz[:len(xz) // 2]),
                          r"xz stream truncated"),
        "gzip_corrupt": (corrupted("gzip", 30),
                         r"gzip decompression error: zlib -3 "),
        "gzip_cut": (bzimage(compress("gzip", elf)[:-100]),
                     r"gzip stream truncated"),
        "zstd_cut": (bzimage(compress("zstd", elf)[:-40]),
                     r"zstd stream truncated"),
        "zstd_corrupt": (corrupted("zstd", 20),
                         r"zstd decompression error: libzstd: "),
        "lz4_corrupt": (corrupted("lz4", 12),
                        r"lz4 decompression error: block 0 is corrupt"),
        "lz4_cut": (bzimage(compress("lz4", elf)[:-100]),
                    r"lz4 stream truncated: block 0 needs \d+ bytes"),
        "bzip2_corrupt": (corrupted("bzip2", 40),
                          r"bzip2 decompression error: libbz2 -4 \(BZ_DATA_ERROR"),
        "lzo_cut": (bzimage(compress("lzo", elf)[:60]),
                    r"lzo stream truncated: the input ends in the block data"),
        "lzo_corrupt": (corrupted("lzo", 80),
                        r"lzo decompression error: block 0 "),
        "bad_size_trailer": (bzimage(xz[:-4] + struct.pack("<I", 1234)),
                             r"xz: the size trailer says 1234 bytes, the stream gave \d+"),
        "trailing_garbage": (bzimage(xz + b"garbage"),
                             r"xz: 11 unexpected bytes after the end of the stream"),
        "not_elf": (bzimage(compress("gzip", b"just text\n" * 100)),
                    r"the decompressed payload \(1000 bytes\) is not an ELF"),
        "elf32": (bzimage(compress("gzip", small_elf(klass=1))),
                  r"the decompressed payload is an ELF but not ELF64"),
        "not_x86_64": (bzimage(compress("gzip", small_elf(machine=183))),
                       r"the decompressed payload is an ELF for machine 183, not x86-64"),
        "not_exec": (bzimage(compress("gzip", small_elf(e_type=3))),
                     r"the decompressed payload is an ELF of type 3, not ET_EXEC"),
    }


BAD = bad_inputs()


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input(tool, tmp_path, case):
    data, pattern = BAD[case]
    src, out = tmp_path / "bad", tmp_path / "out"
    src.write_bytes(data)
    for args in ([str(src), str(out)], ["--info", str(src)]):
        res = run_tool(*args)
        if args[0] == "--info" and not re.match(
                r"not a bzImage|boot protocol|truncated|unknown", pattern):
            # --info reads only the header: the payload is not decompressed
            assert res.returncode == 0, res.stderr
            continue
        assert res.returncode == 1, (args, res.stdout, res.stderr)
        lines = res.stderr.splitlines()
        assert len(lines) == 1, res.stderr
        assert re.match(rf"bzimage-extract: {re.escape(str(src))}: {pattern}",
                        lines[0]), lines[0]
        assert not out.exists() and not os.path.exists(str(out) + ".tmp")


def test_usage(tool):
    res = run_tool("only-one-argument")
    assert res.returncode == 2 and "usage:" in res.stderr
    res = run_tool("/nonexistent/bz", "/tmp/x")
    assert res.returncode == 1
    assert res.stderr.strip() == \
        "bzimage-extract: /nonexistent/bz: cannot open: No such file or directory"

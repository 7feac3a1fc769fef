#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the crash initramfs: an uncompressed newc cpio.

    mkinitramfs.py --init BIN --busybox /bin/busybox \
                   --modules DIR/lib/modules/VER --out FILE.cpio

Contents: /init (crash-init), /bin/busybox and a link per applet, the
virtio modules /init loads (uncompressed, with their load order in
/lib/modules/crash-init.order), /dev/console (the kernel opens it for
/init's output before anything is mounted) and the mount points.

The Debian .deb ships no modules.dep (depmod writes it when the package is
installed), so the load order comes from each module's own .modinfo
`depends=`, the information depmod builds modules.dep from.

Importable: newc_archive() also builds the small extra archives the tests
append to this one (the kernel unpacks concatenated cpio archives).
"""
import argparse
import gzip
import lzma
import os
import stat
import subprocess
import sys

# What /init loads to reach /dev/vda; the _dev helpers exist from 5.x on.
WANTED = ["virtio_ring", "virtio", "virtio_pci_modern_dev",
          "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk"]
OPTIONAL = {"virtio_pci_modern_dev", "virtio_pci_legacy_dev"}
ORDER_FILE = "lib/modules/crash-init.order"


def newc_entry(name, mode, data=b"", rdev=(0, 0), ino=1):
    """One newc record: 110-byte ASCII header, name, data, 4-byte padded."""
    name_b = name.encode() + b"\0"
    fields = [0x070701, ino, mode, 0, 0, 1, 0, len(data), 0, 0,
              rdev[0], rdev[1], len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields[1:])
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def newc_archive(entries):
    """entries: [(name, kind, payload)], kind 'dir' | 'file' | 'exec' |
    'symlink' (payload = target) | 'chr' (payload = (major, minor))."""
    out = []
    for ino, (name, kind, payload) in enumerate(entries, start=1):
        if kind == "dir":
            out.append(newc_entry(name, stat.S_IFDIR | 0o755, ino=ino))
        elif kind in ("file", "exec"):
            perm = 0o755 if kind == "exec" else 0o644
            out.append(newc_entry(name, stat.S_IFREG | perm, payload, ino=ino))
        elif kind == "symlink":
            out.append(newc_entry(name, stat.S_IFLNK | 0o777,
                                  payload.encode(), ino=ino))
        elif kind == "chr":
            out.append(newc_entry(name, stat.S_IFCHR | 0o600, rdev=payload,
                                  ino=ino))
        else:
            raise ValueError(kind)
    out.append(newc_entry("TRAILER!!!", 0, ino=0))
    blob = b"".join(out)
    return blob + b"\0" * (-len(blob) % 512)


def modinfo_depends(data):
    """The depends= of a module's .modinfo section (ELF64 little-endian)."""
    import struct
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def section(i):
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    strtab = section(shstrndx)
    for i in range(shnum):
        name_off, _, _, _, off, size = section(i)
        start = strtab[4] + name_off
        name = data[start:data.index(b"\0", start)].decode()
        if name == ".modinfo":
            for item in data[off:off + size].split(b"\0"):
                if item.startswith(b"depends="):
                    deps = item[len(b"depends="):].decode()
                    return [d for d in deps.split(",") if d]
            return []
    raise ValueError("no .modinfo section")


def read_module(path):
    """A module's bytes, decompressed if it is .ko.xz / .ko.gz / .ko.zst."""
    if path.endswith(".xz"):
        return lzma.decompress(open(path, "rb").read())
    if path.endswith(".gz"):
        return gzip.decompress(open(path, "rb").read())
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True,
                              stdout=subprocess.PIPE).stdout
    return open(path, "rb").read()


def find_modules(moddir):
    """{name: path} of every module under moddir/kernel."""
    found = {}
    for dirpath, _dirs, files in os.walk(os.path.join(moddir, "kernel")):
        for f in files:
            for ext in (".ko", ".ko.xz", ".ko.gz", ".ko.zst"):
                if f.endswith(ext):
                    found[f[:-len(ext)].replace("-", "_")] = \
                        os.path.join(dirpath, f)
    return found


def load_order(moddir):
    """[(name, bytes)] of WANTED, each after its dependencies."""
    available = find_modules(moddir)
    mods = {}
    for name in WANTED:
        if name in available:
            mods[name] = read_module(available[name])
        elif name not in OPTIONAL:
            sys.exit(f"mkinitramfs: {name}.ko not found under {moddir}")
    order, seen = [], set()

    def visit(name, chain):
        if name in seen:
            return
        if name in chain:
            sys.exit(f"mkinitramfs: dependency loop {chain + [name]}")
        if name not in mods:
            sys.exit(f"mkinitramfs: {chain[-1]} depends on {name}, "
                     f"which is not in the list {WANTED}")
        for dep in modinfo_depends(mods[name]):
            visit(dep, chain + [name])
        seen.add(name)
        order.append(name)
    for name in mods:
        visit(name, [])
    return [(name, mods[name]) for name in order]


def busybox_applets(busybox):
    """Applet paths (e.g. 'bin/sh', 'usr/sbin/fsck'), from busybox itself."""
    out = subprocess.run([busybox, "--list-full"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return sorted(set(l.strip().lstrip("/") for l in out.split() if l.strip()))


def build(init, busybox, moddir):
    release = os.path.basename(os.path.normpath(moddir))
    entries = [(d, "dir", None) for d in
               ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc",
                "sys", "tmp", "lib", "lib/modules", f"lib/modules/{release}")]
    entries.append(("dev/console", "chr", (5, 1)))
    entries.append(("init", "exec", open(init, "rb").read()))
    entries.append(("bin/busybox", "exec", open(busybox, "rb").read()))
    for applet in busybox_applets(busybox):
        if applet == "bin/busybox":
            continue
        entries.append((applet, "symlink", "/bin/busybox"))
    order = []
    for name, data in load_order(moddir):
        path = f"lib/modules/{release}/{name}.ko"
        entries.append((path, "file", data))
        order.append("/" + path)
    entries.append((ORDER_FILE, "file", ("\n".join(order) + "\n").encode()))
    return newc_archive(entries), order


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--init", required=True)
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--modules", required=True,
                    help="the kernel's lib/modules/<release> directory")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    blob, order = build(args.init, args.busybox, args.modules)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, args.out)
    print(f"mkinitramfs: {args.out}: {len(blob)} bytes, modules in load "
          f"order: {' '.join(os.path.basename(p) for p in order)}")


if __name__ == "__main__":
    main()

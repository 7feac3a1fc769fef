# SPDX-License-Identifier: GPL-2.0-only
"""The Debian kernel and the crash initramfs, booted by QEMU directly
(no hypervisor): `-kernel build/linux/vmlinuz -initrd crash-initramfs.cpio`
(docs/linux-crash-kernel.md).

There is no /proc/vmcore without a crash, so the save path is driven by
`crash-init.src=`: the test appends a second cpio archive holding a
synthetic ELF64 core (two CORE/NT_PRSTATUS notes, the hypervisor's "HV"
note, VMCOREINFO, two PT_LOADs with zero and non-zero blocks) and checks:
  - the kernel boots ("Linux version", "Run /init"), and the first line
    /init prints is `crash-init: /init started`;
  - every word appended to the command line reaches /proc/cmdline;
  - "no /proc/vmcore (not a crash kernel)" and MemTotal;
  - the notes and PT_LOADs /init reports are those of the file;
  - the virtio modules load, the file is saved to the virtio-blk disk,
    tools/vmcore-extract gets it back byte-exact and sparse; status 81;
  - a source that does not exist: one FAILED line, status 83.

And a real /proc/vmcore, from native Linux kdump: the kernel boots with
crashkernel= and crash-init=shell; in the busybox shell the test types
a command (its arithmetic proves a shell ran it) and
build/linux-prep/kdump-load, which loads the same kernel and initramfs
with kexec_file_load(KEXEC_FILE_ON_CRASH) and crashes through sysrq.  The
crash kernel's /init reports the real notes (CORE/NT_PRSTATUS,
VMCOREINFO, no HV note) and saves /proc/vmcore; on the host,
vmcore-extract, readelf and gdb read it.
"""
import os
import random
import re
import struct
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT, tail

sys.path.insert(0, os.path.join(ROOT, "tools", "crash-initramfs"))
import mkinitramfs  # noqa: E402
import qemu_run  # noqa: E402

LINUX = os.path.join(BUILD, "linux")
VMLINUZ = os.path.join(LINUX, "vmlinuz")
INITRAMFS = os.path.join(LINUX, "crash-initramfs.cpio")
VMCORE_EXTRACT = os.path.join(ROOT, "tools", "vmcore-extract")
KDUMP_LOAD = os.path.join(BUILD, "linux-prep", "kdump-load")
MEMORY = 256
TIMEOUT = 150
STATUS_OK = 81
STATUS_FAILED = 83
NT_PRSTATUS = 1
HV_ELFNOTE_CRASH_INFO = 0x48560001
USER_WORDS = ["crash-test.word=42", "another_word", "last=a,b"]


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)      # noqa: E731
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def synthetic_core():
    """An ELF64 ET_CORE shaped like a kdump vmcore."""
    rnd = random.Random(10)
    notes = b"".join([
        note("CORE", NT_PRSTATUS, bytes(rnd.randrange(256) for _ in range(336))),
        note("CORE", NT_PRSTATUS, bytes(rnd.randrange(256) for _ in range(336))),
        # struct hv_crash_info (include/public/elfnote.h)
        note("HV", HV_ELFNOTE_CRASH_INFO,
             struct.pack("<IIIIQQQQ128s", 1, 1, 2, 3, 2600000, 1, 2,
                         0x10000, b"synthetic panic")),
        note("VMCOREINFO", 0, b"OSRELEASE=synthetic\nPAGESIZE=4096\n"),
    ])
    blk = lambda: bytes(rnd.randrange(256) for _ in range(4096))  # noqa: E731
    load1 = blk() * 1 + bytes(64 << 10) + blk() + blk()
    load2 = b"".join(blk() if i % 3 == 0 else bytes(4096) for i in range(30))
    load2 += b"\x01" * 100                       # a partial last block
    phnum = 3
    notes_off = 64 + 56 * phnum
    load1_off = 0x1000
    load2_off = load1_off + len(load1)
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0,
                       b"", 4, 62, 1, 0, 64, 0, 0, 64, 56, phnum, 64, 0, 0)
    phdrs = struct.pack("<IIQQQQQQ", 4, 0, notes_off, 0, 0, len(notes),
                        len(notes), 0)
    phdrs += struct.pack("<IIQQQQQQ", 1, 7, load1_off, 0xffff888000100000,
                         0x100000, len(load1), len(load1), 0)
    phdrs += struct.pack("<IIQQQQQQ", 1, 7, load2_off, 0xffff888000200000,
                         0x200000, len(load2), len(load2), 0)
    head = ehdr + phdrs + notes
    core = head + bytes(load1_off - len(head)) + load1 + load2
    return core, len(load1) + len(load2)


def boot(tmp_path, cmdline, extra_files=(), disk=None, serial_input=None,
         memory=MEMORY, disk_size=qemu_run.DEFAULT_DISK_SIZE):
    """extra_files: [(path, bytes[, "exec"])], appended as a second cpio."""
    for path, target in ((VMLINUZ, "linux-kernel"), (INITRAMFS, "crash-initramfs"),
                         (KDUMP_LOAD, "linux")):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make {target}`", pytrace=False)
    initrd = INITRAMFS
    if extra_files:
        initrd = str(tmp_path / "initrd.cpio")
        dirs = sorted({os.path.dirname(f[0]) for f in extra_files})
        with open(initrd, "wb") as f:
            f.write(open(INITRAMFS, "rb").read())
            f.write(mkinitramfs.newc_archive(
                [(d, "dir", None) for d in dirs] +
                [(f[0], f[2] if len(f) > 2 else "file", f[1])
                 for f in extra_files]))
    res = qemu_run.run("linux", cmdline=f"console=ttyS0 {cmdline}",
                       timeout=TIMEOUT, log_path=str(tmp_path / "serial.log"),
                       memory=memory, cpu="max,-smap", disk=disk,
                       disk_size=disk_size,
                       linux_kernel=VMLINUZ, initrd=initrd,
                       serial_input=serial_input)
    assert not res.timed_out, "timed out\n" + tail(res.log)
    return res


def must(log, pat):
    m = re.search(pat, log, re.M)
    assert m, f"missing line /{pat}/\n--- serial log (tail) ---\n{tail(log)}"
    return m


def check_boot_and_first_line(log):
    """The kernel's own boot lines, then /init's first line, first."""
    linux = must(log, r"Linux version \S+ .*Debian")
    run_init = must(log, r"Run /init as init process")
    first = must(log, r"^crash-init: .*$")
    # The kernel's own late lines ("tsc: Refined TSC ...") can land on the
    # same console line, after /init's text: /init's line must start it.
    assert re.match(r"crash-init: /init started(\[ *\d+\.\d+\] |$)",
                    first.group(0)), first.group(0)
    assert linux.start() < run_init.start() < first.start()
    must(log, r"^crash-init: uptime \d+\.\d\d s, TSC \d+$")
    return first.end()


def test_crash_init_saves_a_dump(tmp_path):
    core, load_bytes = synthetic_core()
    disk = str(tmp_path / "vmcore.disk")
    res = boot(tmp_path, "crash-init.src=/test/vmcore " + " ".join(USER_WORDS),
               extra_files=[("test/vmcore", core)], disk=disk)
    log = res.log
    check_boot_and_first_line(log)
    cmdline = must(log, r"^crash-init: cmdline: (.*)$").group(1).split()
    for word in USER_WORDS:
        assert word in cmdline, (word, cmdline)
    must(log, r"^crash-init: no /proc/vmcore \(not a crash kernel\)$")
    must(log, r"^crash-init: MemTotal: +\d+ kB$")
    must(log, rf"^crash-init: crash-init.src=/test/vmcore: {len(core)} bytes$")
    must(log, r'^crash-init: note "CORE" type 0x1 \(NT_PRSTATUS\) x2$')
    must(log, r'^crash-init: note "HV" type 0x48560001 '
              r'\(HV_ELFNOTE_CRASH_INFO\) x1$')
    must(log, r'^crash-init: note "VMCOREINFO" type 0x0 \(VMCOREINFO\) x1$')
    assert len(re.findall(r"^crash-init: note ", log, re.M)) == 3, tail(log)
    must(log, r'^crash-init: HV note: version 1, crashing CPU 1 of 2, '
              r'saved mask 0x3, reason "synthetic panic"$')
    must(log, r"^crash-init: notes: 1 PT_NOTE, CORE/NT_PRSTATUS x2, "
              r"VMCOREINFO present, HV note present$")
    must(log, rf"^crash-init: PT_LOAD: 2 segments, {load_bytes} bytes$")
    must(log, r"^crash-init: loaded \d modules: virtio_ring.ko virtio.ko .*"
              r"virtio_pci.ko virtio_blk.ko$")
    must(log, rf"^crash-init: saved {len(core)} bytes of /test/vmcore "
              r"to /dev/vda$")
    assert "FAILED" not in log, tail(log)
    assert res.status == STATUS_OK, f"status {res.status}\n{tail(log)}"

    out = str(tmp_path / "vmcore")
    ext = subprocess.run([VMCORE_EXTRACT, disk, out], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert ext.returncode == 0, ext.stdout
    assert re.match(rf"vmcore-extract: {len(core)} bytes \(/test/vmcore, "
                    r"saved by \S+-amd64 at \d+ ms", ext.stdout), ext.stdout
    assert open(out, "rb").read() == core
    # The zero blocks stayed holes, on the disk and in the copy.
    nonzero = sum(1 for b in range(0, len(core), 4096)
                  if core[b:b + 4096].count(0) != len(core[b:b + 4096]))
    for path, extra in ((disk, 4096), (out, 0)):
        used = os.stat(path).st_blocks * 512
        assert used <= nonzero * 4096 + extra + 8192, (path, used, nonzero)
    readelf = subprocess.run(["readelf", "-n", out], stdout=subprocess.PIPE,
                             text=True)
    assert readelf.stdout.count("NT_PRSTATUS") == 2, readelf.stdout
    assert "VMCOREINFO" in readelf.stdout


def test_crash_init_failure_exits_83(tmp_path):
    res = boot(tmp_path, "crash-init.src=/test/missing")
    check_boot_and_first_line(res.log)
    must(res.log, r"^crash-init: FAILED: open /test/missing: "
                  r"No such file or directory$")
    assert "saved" not in res.log
    must(res.log, r"^crash-init: done: something FAILED, exiting with 0x29$")
    assert res.status == STATUS_FAILED, f"status {res.status}\n{tail(res.log)}"


# Below 384 MiB kexec_file_load refuses the crash kernel (EINVAL).
KDUMP_MEMORY = 384
KDUMP_CRASHKERNEL = "128M"


def test_native_kdump_real_vmcore(tmp_path):
    release = open(os.path.join(LINUX, "version")).read().strip()
    crash_cmdline = "console=ttyS0 nr_cpus=1 reset_devices kdump.word=crash"
    typed = (f'echo shell-$((6*7))-ok; /kd/kdump-load /kd/vmlinuz '
             f'/kd/crash.cpio "{crash_cmdline}" --crash || poweroff -f\n')
    disk = str(tmp_path / "vmcore.disk")
    # nokaslr: the crashed kernel runs at the vmlinux's link addresses
    res = boot(tmp_path, f"crashkernel={KDUMP_CRASHKERNEL} nokaslr "
               "crash-init=shell",
               extra_files=[("kd/vmlinuz", open(VMLINUZ, "rb").read()),
                            ("kd/crash.cpio", open(INITRAMFS, "rb").read()),
                            ("kd/kdump-load", open(KDUMP_LOAD, "rb").read(),
                             "exec")],
               disk=disk, disk_size=1 << 30, memory=KDUMP_MEMORY,
               serial_input=(r"starting /bin/busybox sh", typed.encode()))
    log = res.log
    # The first kernel: no vmcore, the shell, the typed command, the crash.
    first_end = check_boot_and_first_line(log)
    must(log, r"^crash-init: no /proc/vmcore \(not a crash kernel\)$")
    must(log, r"^shell-42-ok$")
    must(log, r"^kdump-load: crash kernel loaded$")
    panic = must(log, r"Kernel panic - not syncing: sysrq triggered crash")
    # The crash kernel: its /init's first line, then the real vmcore.
    crash_log = log[panic.end():]
    assert check_boot_and_first_line(crash_log), tail(log)
    assert first_end < panic.start()
    cmdline = must(crash_log, r"^crash-init: cmdline: (.*)$").group(1).split()
    assert "kdump.word=crash" in cmdline and \
        any(w.startswith("elfcorehdr=") for w in cmdline), cmdline
    size = int(must(crash_log, r"^crash-init: /proc/vmcore: (\d+) bytes$")
               .group(1))
    must(crash_log, r'^crash-init: note "CORE" type 0x1 \(NT_PRSTATUS\) x1$')
    must(crash_log, r"^crash-init: notes: 1 PT_NOTE, CORE/NT_PRSTATUS x1, "
                    r"VMCOREINFO present, HV note absent$")
    nloads = int(must(crash_log, r"^crash-init: PT_LOAD: (\d+) segments")
                 .group(1))
    must(crash_log, rf"^crash-init: saved {size} bytes of /proc/vmcore "
                    r"to /dev/vda$")
    assert "FAILED" not in log, tail(log)
    assert res.status == STATUS_OK, f"status {res.status}\n{tail(log)}"

    out = str(tmp_path / "vmcore")
    ext = subprocess.run([VMCORE_EXTRACT, disk, out], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert ext.returncode == 0, ext.stdout
    assert ext.stdout.startswith(f"vmcore-extract: {size} bytes (/proc/vmcore, "
                                 f"saved by {release} "), ext.stdout
    assert os.path.getsize(out) == size
    notes = subprocess.run(["readelf", "-n", "-l", "-W", out],
                           stdout=subprocess.PIPE, text=True).stdout
    assert notes.count("NT_PRSTATUS") == 1, notes
    assert len(re.findall(r"^\s+LOAD\s", notes, re.M)) == nloads, notes
    # VMCOREINFO's OSRELEASE names the crashed kernel.
    raw = open(out, "rb").read(1 << 20)
    assert f"OSRELEASE={release}\n".encode() in raw
    # gdb opens it: one thread, its rip in the vmlinux's text segment.
    vmlinux = os.path.join(LINUX, "vmlinux")
    gdb = subprocess.run(["gdb", "-batch", "-nx", "-ex", "info threads",
                          "-ex", "p/x $pc", vmlinux, out],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=120)
    pc = re.search(r"^\$1 = (0x[0-9a-f]+)$", gdb.stdout, re.M)
    assert pc, gdb.stdout
    text = subprocess.run(["readelf", "-l", "-W", vmlinux],
                          stdout=subprocess.PIPE, text=True).stdout
    start, memsz = re.search(r"^\s+LOAD\s+\S+ (0x[0-9a-f]+) \S+ \S+ "
                             r"(0x[0-9a-f]+) R E", text, re.M).groups()
    assert int(start, 16) <= int(pc.group(1), 16) < \
        int(start, 16) + int(memsz, 16), (pc.group(1), start, memsz)
    assert len(re.findall(r"^\*?\s+\d+\s+LWP", gdb.stdout, re.M)) == 1, \
        gdb.stdout

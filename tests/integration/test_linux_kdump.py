# SPDX-License-Identifier: GPL-2.0-only
"""The Debian kernel as the hypervisor's crash kernel, end to end.

dom0 (tests/guest/tests/kexec-linux.c) loads the bzImage's header, its
vmlinux (decompressed on the host by tools/linux-prep), the crash
initramfs (tools/crash-initramfs) and a command line behind our purgatory
as the crash image, and injects a panic.  Checked, per boot:
  - purgatory verified every region and entered the kernel;
  - the crash kernel booted ("Linux version") to its /init, with every
    word of the command line, elfcorehdr= included;
  - /proc/vmcore is there with one NT_PRSTATUS per CPU, the hypervisor's
    note and VMCOREINFO, and the kernel printed no vmcore error;
  - /init saved it (status 81); on the host, readelf -n lists the notes
    and gdb, with hv.elf and the stacks made readable
    (tools/vmcore-stacks), backtraces the crashing CPU from inject_panic
    through do_hypercall, and shows every CPU as a thread.
Also: the same kernel as the DEFAULT image, exec'd (no /proc/vmcore, all
RAM); a byte of the loaded kernel flipped after the load
(kexec_test_corrupt_crash): purgatory names the region, status 97; the
loader's refusals of bad input, after which the crash image loaded
before still runs.
"""
import os
import re
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT

HV_ELF = os.path.join(BUILD, "hv.elf")
TOOLS = os.path.join(ROOT, "tools")
sys.path.insert(0, TOOLS)
import run_linux  # noqa: E402

CRASH_OPT = run_linux.CRASHKERNEL
MEMORY = run_linux.MEMORY
TIMEOUT = {"bios": 150, "uefi": 240}
STATUS_INIT_OK = 81
STATUS_PURGATORY_MISMATCH = 97
USER_WORDS = ["kdump.test=1", "another_word"]


def modules(tmp_path, dom0_args, words=USER_WORDS):
    return run_linux.crash_modules(str(tmp_path / "cmdline.txt"),
                                   " ".join(words), dom0_args)


def crash_boot(boot, tmp_path, firmware, smp, dom0_args="test=kexec-linux",
               cmdline=CRASH_OPT, memory=MEMORY):
    disk = str(tmp_path / "vmcore.img")
    return boot(firmware, smp, cmdline, modules=modules(tmp_path, dom0_args),
                memory=memory, cpu="max,-smap", timeout=TIMEOUT[firmware],
                disk=disk, disk_size=(memory + 16) << 20), disk


def tool(*argv):
    return subprocess.run([sys.executable] + list(argv), capture_output=True,
                          text=True, timeout=120)


def check_crash_run(r, smp):
    r.expect(STATUS_INIT_OK,
             [r"^\(HV\) Panic on CPU 0:",
              r"^purgatory: \d+ regions, \d+ bytes verified in \d+ TSC cycles",
              r"Linux version 6\.",
              r"^crash-init: /init started$",
              r"^crash-init: cmdline: .*" + " ".join(
                  re.escape(w) for w in USER_WORDS) + r" elfcorehdr=\d+K$",
              rf"^crash-init: notes: 1 PT_NOTE, CORE/NT_PRSTATUS x{smp}, "
              r"VMCOREINFO present, HV note present$",
              r"^crash-init: saved \d+ bytes of /proc/vmcore to /dev/vda",
              r"^crash-init: done: all ok"],
             [r"FAIL: ", r"Kdump: vmcore not initialized",
              r"vmcore.*(error|invalid|Invalid)", r"^purgatory: .*mismatch",
              r"Kernel panic", r"\[qemu stderr\]"])


def check_dump(r, tmp_path, disk, smp):
    core = str(tmp_path / "vmcore")
    x = tool(os.path.join(TOOLS, "vmcore-extract"), disk, core)
    if x.returncode:
        r.fail(f"vmcore-extract: {x.stdout}{x.stderr}")
    x = tool(os.path.join(TOOLS, "vmcore-stacks"), core)
    if x.returncode or "added" not in x.stdout:
        r.fail(f"vmcore-stacks: {x.stdout}{x.stderr}")
    notes = subprocess.run(["readelf", "-nW", core], capture_output=True,
                           text=True).stdout
    if notes.count("NT_PRSTATUS") != smp or "VMCOREINFO" not in notes or \
            not re.search(r"^\s+HV\s", notes, re.M):
        r.fail(f"readelf -n: want {smp} NT_PRSTATUS, HV, VMCOREINFO:\n{notes}")
    gdb = subprocess.run(
        ["gdb", "-batch", "-nx", "-ex", "set pagination off",
         "-ex", "info threads", "-ex", "thread apply all bt", HV_ELF, core],
        capture_output=True, text=True, timeout=120).stdout
    threads = re.findall(r"^\*?\s+(\d+)\s+LWP", gdb, re.M)
    if len(threads) != smp:
        r.fail(f"gdb: {len(threads)} threads, want {smp}:\n{gdb}")
    crashing = gdb.split("Thread 1 ")[-1]
    for fn in ("inject_panic", "inject_crash", "do_debug_op", "do_hypercall",
               "syscall_entry"):
        if not re.search(rf"^#\d+\s+.*\b{fn}\b", crashing, re.M):
            r.fail(f"gdb: the crashing CPU's backtrace lacks {fn}:\n{gdb}")


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 4),
                                          ("uefi", 1)])
def test_linux_crash_kernel(boot, tmp_path, firmware, smp):
    r, disk = crash_boot(boot, tmp_path, firmware, smp)
    check_crash_run(r, smp)
    check_dump(r, tmp_path, disk, smp)


def test_linux_default_image(boot, tmp_path):
    """A fast reboot into Linux: no /proc/vmcore, all of RAM."""
    r = boot("bios", 2, CRASH_OPT,
             modules=modules(tmp_path, "test=kexec-linux linux=exec"),
             memory=512, cpu="max,-smap", timeout=TIMEOUT["bios"])
    r.expect(STATUS_INIT_OK,
             [r"^purgatory: \d+ regions, \d+ bytes verified",
              r"Linux version 6\.", r"^crash-init: /init started$",
              r"^crash-init: no /proc/vmcore \(not a crash kernel\)"],
             [r"FAIL: ", r"elfcorehdr=", r"Kernel panic", r"\[qemu stderr\]"])
    mem = int(r.search(r"^crash-init: MemTotal:\s+(\d+) kB").group(1))
    assert mem > 400 * 1024, f"MemTotal {mem} kB: not all of the 512 MiB"


def test_linux_corrupted_segment(boot, tmp_path):
    """A bit of the loaded kernel flips after the load: purgatory says so."""
    # 0x100000 into the region: inside the vmlinux's first segment.
    r, _ = crash_boot(boot, tmp_path, "bios", 1,
                      cmdline=f"{CRASH_OPT} kexec_test_corrupt_crash=0x100001")
    r.expect(STATUS_PURGATORY_MISMATCH,
             [r"^\(HV\) kexec: test: flipped bit 0 of the byte at 0x8100000",
              r'^purgatory: region \d+ \[0x[0-9a-f]+, \+0x[0-9a-f]+\) '
              r'"vmlinux[^"]*": SHA-256 mismatch',
              r"^purgatory:\s+expected [0-9a-f]{64}$",
              r"^purgatory:\s+computed [0-9a-f]{64}$"],
             [r"Linux version", r"crash-init:"])
    exp = r.search(r"^purgatory:\s+expected ([0-9a-f]{64})$").group(1)
    got = r.search(r"^purgatory:\s+computed ([0-9a-f]{64})$").group(1)
    assert exp != got


def test_linux_loader_refusals(boot, tmp_path):
    """Bad input: one clear line each, nothing loaded; the crash image
    loaded before still runs."""
    r, disk = crash_boot(boot, tmp_path, "bios", 1,
                         dom0_args="test=kexec-linux refusals=1")
    refused = re.findall(r"^\(d0\) kexec-linux: linux-load refused (.*?): "
                         r"(KXLL_E[A-Z0-9]+)", r.log, re.M)
    want = {"a vmlinux given as the bzImage": "KXLL_ENOTBZ",
            "boot protocol 2.11": "KXLL_EVERSION",
            "no 64-bit entry (xloadflags bit 0 clear)": "KXLL_ENO64",
            "not relocatable": "KXLL_ERELOC",
            "init_size larger than the region": "KXLL_EKERNELFIT",
            "an initrd larger than the region": "KXLL_EINITRDFIT",
            "a command line longer than cmdline_size": "KXLL_ECMDLINE",
            "a file cut after its setup sectors": "KXLL_ETRUNC"}
    assert dict(refused) == want, f"refusals: {refused}"
    check_crash_run(r, 1)

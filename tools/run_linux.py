#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""`make run-linux`: a real Linux kernel as the hypervisor's crash kernel.

The hypervisor boots with a crash region; dom0 (the test guest's
kexec-linux test, tests/guest/tests/kexec-linux.c) loads the kernel, its
vmlinux (decompressed here, at load time, by tools/linux-prep), the
initramfs and the command line as the crash image behind purgatory, and
injects a panic.  Purgatory checks every byte's SHA-256, Linux boots from
the crash region, the crash initramfs's /init finds /proc/vmcore and saves
it to a virtio-blk disk; this script copies it out (tools/vmcore-extract),
makes the hypervisor's stacks readable to gdb (tools/vmcore-stacks) and
says where it is.  --mode kexec loads the same kernel as the DEFAULT image
and execs it instead (a fast reboot into Linux with all RAM).

    tools/run_linux.py [--kernel BZIMAGE] [--initrd CPIO] [--append WORDS]
                       [--smp N] [--firmware bios|uefi] [--mode crash|kexec]
                       [--qemu-extra "ARGS"]

The serial console is stdout.  Exit status 0 when the crash /init said
everything worked (QEMU status 81), 1 otherwise.  Paths are under
build/linux-run/.
"""
import argparse
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402

ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("HV_BUILD", os.path.join(ROOT, "build"))
LINUX = os.path.join(BUILD, "linux")
OUT = os.path.join(BUILD, "linux-run")

# What kdump's own tools give a crash kernel, plus the serial console.
BASE_CMDLINE = "console=ttyS0,115200 nr_cpus=1 irqpoll reset_devices"
CRASHKERNEL = "crashkernel=128M@128M"
MEMORY = 384
INIT_OK = 81            # crash-init's exit code 0x28 (docs/linux-crash-kernel.md)
# A DEFAULT image goes at 64 MiB (kexec-linux.c), 256 MiB of room.
KEXEC_MEMORY = 512


def crash_modules(cmdline_path, words="", dom0_args="test=kexec-linux",
                  kernel=os.path.join(LINUX, "vmlinuz"),
                  vmlinux=os.path.join(LINUX, "vmlinux"),
                  initrd=os.path.join(LINUX, "crash-initramfs.cpio")):
    """The boot modules of a kexec-linux boot (tests/guest/tests/
    kexec-linux.c tells them apart by their first word), after writing the
    kernel's command line, BASE_CMDLINE then words, to cmdline_path."""
    with open(cmdline_path, "w") as f:
        f.write(" ".join(w for w in (BASE_CMDLINE, words) if w) + "\n")
    return [(os.path.join(BUILD, "guest", "dom0.elf"), dom0_args),
            (kernel, "kernel"), (vmlinux, "vmlinux"), (initrd, "initrd"),
            (cmdline_path, "cmdline")]


def prepare(kernel):
    """The vmlinux inside the bzImage, decompressed on the host."""
    default = os.path.join(LINUX, "vmlinuz")
    if os.path.realpath(kernel) == os.path.realpath(default):
        return os.path.join(LINUX, "vmlinux")
    out = os.path.join(OUT, "vmlinux")
    tool = os.path.join(BUILD, "linux-prep", "bzimage-extract")
    subprocess.run([tool, kernel, out], check=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default=os.path.join(LINUX, "vmlinuz"))
    ap.add_argument("--initrd",
                    default=os.path.join(LINUX, "crash-initramfs.cpio"))
    ap.add_argument("--append", default="",
                    help="more words for the kernel's command line")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--firmware", choices=["bios", "uefi"], default="bios")
    ap.add_argument("--mode", choices=["crash", "kexec"], default="crash")
    ap.add_argument("--qemu-extra", default="")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()

    os.makedirs(OUT, exist_ok=True)
    vmlinux = prepare(args.kernel)
    disk = os.path.join(OUT, "vmcore.img")
    if os.path.exists(disk):
        os.unlink(disk)
    dom0 = "test=kexec-linux" + (" linux=exec" if args.mode == "kexec" else "")
    modules = crash_modules(os.path.join(OUT, "cmdline.txt"), args.append,
                            dom0, args.kernel, vmlinux, args.initrd)
    memory = MEMORY if args.mode == "crash" else KEXEC_MEMORY
    res = qemu_run.run(args.firmware, args.smp, f"{CRASHKERNEL} debug-inject",
                       modules, args.timeout, None, memory=memory,
                       cpu="max,-smap", stdio=True, disk=disk,
                       disk_size=(memory + 16) << 20,
                       extra=shlex.split(args.qemu_extra))
    if res.timed_out:
        print(f"\n[run-linux] timed out after {args.timeout:.0f} s")
        return 1
    print(f"\n[run-linux] QEMU exited with status {res.status} "
          f"({'the crash /init said: all ok' if res.status == INIT_OK else 'not the /init success status ' + str(INIT_OK)})")
    if res.status != INIT_OK:
        return 1
    if args.mode == "crash":
        core = os.path.join(OUT, "vmcore")
        subprocess.run([sys.executable, os.path.join(HERE, "vmcore-extract"),
                        disk, core], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "vmcore-stacks"),
                        core], check=True)
        rel = os.path.relpath(core, ROOT)
        print(f"[run-linux] the vmcore is in {rel}; read it with\n"
              f"    readelf -n {rel}\n"
              f"    gdb {os.path.relpath(os.path.join(BUILD, 'hv.elf'), ROOT)} "
              f"{rel} -ex 'thread apply all bt'")
    return 0


if __name__ == "__main__":
    sys.exit(main())

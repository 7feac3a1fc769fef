#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The one place QEMU command lines live.

Boots build/hv.elf through SeaBIOS + Multiboot (`-kernel`) or build/hv.efi
through OVMF (a FAT folder holding EFI/BOOT/BOOTX64.EFI and its config
file BOOTX64.CFG), with the serial console captured to a log, the
isa-debug-exit device for exit codes (include/hv/shutdown.h), and a
timeout.  Used by `make run`, `make debug` and the integration tests.

`--firmware linux` boots a Linux bzImage directly instead (`-kernel
--linux-kernel -initrd --initrd -append --cmdline`), the crash kernel's
test without the hypervisor (docs/linux-crash-kernel.md).  `--disk PATH`
attaches a raw file as a virtio-blk disk (the crash initramfs saves the
vmcore there); it is created sparse, `--disk-size` bytes, when missing.

The UEFI config file (read by arch/x86/boot/efi-boot.c):
    options=<hypervisor command line>
    module=<file> [args]        one line per module, dom0 first
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"

# QEMU exit status = (code << 1) | 1 for a write of `code` to port 0xf4.
EXIT_MEANING = {
    3: "poweroff",
    65: "a test image ran: every check passed",
    67: "a test image ran: a check failed",
    5: "reboot",
    9: "panic, no crash image",
    11: "fault in the kexec handoff",
    81: "crash-init: everything it was asked to do worked",
    83: "crash-init: something failed (its FAILED line says what)",
}

DEFAULT_DISK_SIZE = 64 << 20


@dataclass
class Result:
    status: int         # QEMU's exit status, or None on timeout
    timed_out: bool
    log: str
    seconds: float
    hook: object = None     # what run()'s on_serial action returned


def build_dir():
    return os.environ.get("HV_BUILD", os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "..", "build"))


# Above this (MiB), guest RAM is mapped without a reservation (below).
BIG_MEMORY_MIB = 8192


def qemu_command(firmware, smp, cmdline, modules, workdir, log_path,
                 memory=512, cpu="max", gdb=False, stdio=False, extra=(),
                 serial2=None, input_socket=None, disk=None,
                 linux_kernel=None, initrd=None):
    build = build_dir()
    # debug-threads: vCPU threads named "CPU n/TCG" (tools/vcpu_pause.py).
    cmd = ["qemu-system-x86_64", "-name", "hv,debug-threads=on",
           "-machine", "pc", "-accel", "tcg",
           "-cpu", cpu, "-smp", str(smp), "-m", str(memory),
           "-display", "none", "-vga", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if memory > BIG_MEMORY_MIB:
        # Guest RAM without a reservation (MAP_NORESERVE): the host's
        # overcommit check would refuse more than it has, though TCG
        # only touches the pages the guest uses (a 64 GiB guest boots).
        cmd[cmd.index("pc")] = "pc,memory-backend=ram0"
        cmd += ["-object", f"memory-backend-ram,id=ram0,size={memory}M,"
                "reserve=off"]
    if stdio:
        cmd += ["-chardev", f"stdio,id=com1,signal=off,logfile={log_path}"]
    elif input_socket:
        # A socket the runner writes keystrokes into; output to the log.
        # QEMU waits for the runner to connect before the guest starts.
        cmd += ["-chardev", f"socket,id=com1,path={input_socket},server=on,"
                f"wait=on,logfile={log_path}"]
    else:
        cmd += ["-chardev", f"file,id=com1,path={log_path}"]
    cmd += ["-serial", "chardev:com1", "-monitor", "none"]
    if serial2:
        # COM2: raw bytes to a file (the crash image streams a vmcore here).
        cmd += ["-chardev", f"file,id=com2,path={serial2}",
                "-serial", "chardev:com2"]
    if firmware == "bios":
        cmd += ["-kernel", os.path.join(build, "hv.elf"), "-append", cmdline]
        if modules:
            # QEMU's Multiboot: modules separated by commas, args after a space.
            cmd += ["-initrd", ",".join(
                " ".join([os.path.abspath(m[0])] + ([m[1]] if m[1] else []))
                for m in modules)]
    elif firmware == "uefi":
        esp = os.path.join(workdir, "esp")
        boot = os.path.join(esp, "EFI", "BOOT")
        os.makedirs(boot, exist_ok=True)
        shutil.copy(os.path.join(build, "hv.efi"),
                    os.path.join(boot, "BOOTX64.EFI"))
        lines = [f"options={cmdline}"]
        for path, args in modules:
            name = os.path.basename(path).upper()
            shutil.copy(path, os.path.join(boot, name))
            lines.append(f"module={name}" + (f" {args}" if args else ""))
        with open(os.path.join(boot, "BOOTX64.CFG"), "w") as f:
            f.write("\n".join(lines) + "\n")
        vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}",
                "-drive", f"file=fat:rw:{esp},format=raw,media=disk",
                "-net", "none"]
    elif firmware == "linux":
        cmd += ["-kernel", linux_kernel or os.path.join(build, "linux",
                                                         "vmlinuz"),
                "-append", cmdline]
        if initrd:
            cmd += ["-initrd", initrd]
    else:
        raise ValueError(f"unknown firmware {firmware}")
    if disk:
        cmd += ["-drive", f"file={disk},format=raw,if=none,id=vmcore",
                "-device", "virtio-blk-pci,drive=vmcore"]
    if gdb:
        cmd += ["-s", "-S"]
    return cmd + list(extra)


def type_when(sock_path, pattern, data, deadline, received):
    """Be COM1's socket client: read everything QEMU sends into received
    and, once what was read matches pattern, type data.  Reading blocks,
    so the socket is always drained; the thread ends when QEMU closes the
    socket.  received is the log run() returns: QEMU's log file can hold a
    character twice (seen under load: a write to the socket that would
    block is logged, and the UART sends the character again), the socket
    has each once."""
    conn = None
    while conn is None and time.monotonic() < deadline:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(sock_path)
        except OSError:
            conn.close()
            conn = None
            time.sleep(0.02)
    if conn is None:
        return
    seen, sent = b"", False
    with conn:
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            received.append(chunk)
            if not sent:
                seen += chunk
                if re.search(pattern.encode(), seen, re.M):
                    conn.sendall(data)
                    sent = True


def watch_log(log_path, pattern, action, pid, proc, done):
    """Poll the serial log; once it matches pattern, call action(pid) once
    (on this thread) and store what it returns in done[0]."""
    while proc.poll() is None:
        with open(log_path, errors="replace") as f:
            if re.search(pattern, f.read(), re.M):
                done.append(action(pid))
                return
        time.sleep(0.01)


def run(firmware="bios", smp=1, cmdline="", modules=(), timeout=60,
        log_path=None, memory=512, cpu="max", gdb=False, stdio=False,
        extra=(), serial2=None, serial_input=None, disk=None,
        disk_size=DEFAULT_DISK_SIZE, linux_kernel=None, initrd=None,
        on_serial=None):
    """Boot once; returns Result.  modules: [(path, args-or-None), ...]
    serial2: file for COM2's output.  serial_input: (regex, bytes): type
    the bytes on COM1 once the serial log matches the regex.  disk: a raw
    file attached as virtio-blk, created sparse (disk_size bytes) when
    missing.  linux_kernel, initrd: for firmware "linux"."""
    if disk and not os.path.exists(disk):
        with open(disk, "wb") as f:
            f.truncate(disk_size)
    with tempfile.TemporaryDirectory(prefix="hv-qemu-") as work:
        log = log_path or os.path.join(work, "serial.log")
        open(log, "w").close()
        sock = os.path.join(work, "com1.sock") if serial_input else None
        cmd = qemu_command(firmware, smp, cmdline, modules, work, log,
                           memory=memory, cpu=cpu, gdb=gdb, stdio=stdio,
                           extra=extra, serial2=serial2, input_socket=sock,
                           disk=disk, linux_kernel=linux_kernel,
                           initrd=initrd)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=None if stdio else subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        timed_out = False
        typist = None
        hook_out = []
        received = []
        if on_serial:
            threading.Thread(target=watch_log, daemon=True,
                             args=(log, on_serial[0], on_serial[1], proc.pid,
                                   proc, hook_out)).start()
        if serial_input:
            typist = threading.Thread(
                target=type_when, daemon=True,
                args=(sock, serial_input[0], serial_input[1],
                      time.monotonic() + timeout, received))
            typist.start()
        try:
            _, err = proc.communicate(timeout=None if gdb else timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            timed_out = True
        seconds = time.monotonic() - start
        if typist:
            typist.join(timeout=10)  # QEMU has closed the socket
        if received:
            text = b"".join(received).decode(errors="replace")
        else:
            with open(log, errors="replace") as f:
                text = f.read()
        text = text.replace("\r\n", "\n")
        # QEMU's notice that it waits for the socket client is not an error.
        err = "\n".join(l for l in err.decode(errors="replace").splitlines()
                        if "info: QEMU waiting for connection" not in l)
        if err.strip():
            text += "\n[qemu stderr] " + err
        return Result(None if timed_out else proc.returncode, timed_out,
                      text, seconds, hook_out[0] if hook_out else None)


def parse_module(spec):
    path, _, args = spec.partition(" ")
    return (path, args or None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firmware", choices=["bios", "uefi", "linux"],
                    default="bios")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--module", action="append", default=[],
                    help="'PATH [ARGS]', dom0 first")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--memory", type=int, default=512)
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--log", help="also keep the serial log here")
    ap.add_argument("--disk", help="raw file attached as virtio-blk "
                    "(created sparse when missing)")
    ap.add_argument("--disk-size", type=int, default=DEFAULT_DISK_SIZE,
                    help="bytes, for a --disk that does not exist yet")
    ap.add_argument("--linux-kernel", help="--firmware linux: the bzImage "
                    "(default build/linux/vmlinuz)")
    ap.add_argument("--initrd", help="--firmware linux: the initramfs")
    ap.add_argument("--expect-status", type=int, default=3,
                    help="the QEMU exit status that means success")
    ap.add_argument("--gdb", action="store_true",
                    help="wait for gdb on :1234 (see docs/debugging.md)")
    args = ap.parse_args()
    res = run(args.firmware, args.smp, args.cmdline,
              [parse_module(m) for m in args.module], args.timeout,
              args.log, args.memory, args.cpu, args.gdb, stdio=True,
              disk=args.disk, disk_size=args.disk_size,
              linux_kernel=args.linux_kernel, initrd=args.initrd)
    if res.timed_out:
        print(f"\n[qemu-run] timed out after {args.timeout:.0f} s")
        return 1
    meaning = EXIT_MEANING.get(res.status, "unexpected")
    print(f"\n[qemu-run] QEMU exited with status {res.status} ({meaning}) "
          f"after {res.seconds:.1f} s")
    return 0 if res.status == args.expect_status else 1


if __name__ == "__main__":
    sys.exit(main())

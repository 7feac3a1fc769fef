#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Starve one vCPU of a running QEMU (TCG, MTTCG: one host thread per vCPU).

SIGSTOP would stop the whole process and the monitor's `stop` every vCPU;
PTRACE_SEIZE + PTRACE_INTERRUPT on the thread named "CPU K/TCG" stops just
that thread, PTRACE_DETACH resumes it.  Needs root (or CAP_SYS_PTRACE).
QEMU names its threads only with -name debug-threads=on (qemu_run.py
passes it).  With -icount QEMU runs every vCPU on one thread: refused.
"""
import ctypes
import os
import time

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                         ctypes.c_void_p]
_libc.ptrace.restype = ctypes.c_long


def _ptrace(req, tid):
    if _libc.ptrace(req, tid, None, None) == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"ptrace({req:#x}, {tid}): {os.strerror(err)}")


def vcpu_tid(pid, cpu):
    """The host thread id of vCPU cpu, by its name "CPU n/TCG"."""
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        if b"-icount" in f.read().split(b"\0"):
            raise RuntimeError("-icount: every vCPU on one thread")
    want = f"CPU {cpu}/TCG"
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().strip() == want:
                    return int(tid)
        except OSError:
            continue
    raise LookupError(f"no thread {want!r} in QEMU {pid}")


def thread_state(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def pause(pid, cpu, seconds):
    """Stop vCPU cpu's thread for seconds, then resume it.  Returns the
    measured pause (s).  Only this thread stops (state 't')."""
    tid = vcpu_tid(pid, cpu)
    _ptrace(PTRACE_SEIZE, tid)
    try:
        _ptrace(PTRACE_INTERRUPT, tid)
        os.waitpid(tid, os.__dict__.get("__WALL", 0x40000000))
        start = time.monotonic()
        assert thread_state(pid, tid) in ("t", "T"), "thread did not stop"
        time.sleep(seconds)
    finally:
        try:
            _ptrace(PTRACE_DETACH, tid)
        except ProcessLookupError:
            pass    # QEMU ended during the pause (the crash image exited)
    return time.monotonic() - start

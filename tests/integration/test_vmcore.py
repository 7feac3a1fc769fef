# SPDX-License-Identifier: GPL-2.0-only
"""kdump end to end: an injected crash runs the crash test image, which
streams a vmcore out of COM2; the host reads it with readelf and gdb.

Boot: the hypervisor with crashkernel=64M@256M; modules = the dom0 test
guest ("test=kexec-vmcore inject=KIND", tests/guest/tests/kexec-vmcore.c)
and crashdump64 (tests/images/crashdump64.c), COM2 captured raw to a file.
dom0 builds the ELF core header (tools/kexec-loader/elfcore.c), loads it
with crashdump64 as the CRASH image and injects the crash through
debug_op; crashdump64 walks the header, checks every CPU's note and
sends the vmcore.

Each run must end with "crashdump64: verdict PASS" (QEMU status 65), one
"crashdump64: CPU n ..." line per CPU, and a vmcore on COM2 whose size and
CRC-32 are the ones crashdump64 printed (OVMF also writes its console to
COM2 before the hypervisor starts: the vmcore is the file's tail).  Then:
  - `readelf -n`: one NT_PRSTATUS note per CPU, the hypervisor note
    ("HV", 0x48560001) and VMCOREINFO, whose BUILD-ID is the one hv.elf
    carries (the dump belongs to the hv.elf gdb reads it with);
  - `gdb hv.elf vmcore`: one thread per CPU that answered (LWP = CPU + 1),
    the first one the crashing CPU, whose $pc is the RIP crashdump64
    printed and symbolises to the function the injection lands in
    (arch/x86/inject.c); for `nmi`, to whatever the NMI interrupted, in
    the hypervisor's .text;
  - `thread apply all bt`: every CPU's stack is in the vmcore (crashdump64
    streams the stacks at their virtual addresses), so every thread
    unwinds past frame #0: the crashing CPU through the injection
    function to its caller (inject_crash, or for the injections run on
    CPU 1 by an IPI, through the interrupt frame into the idle loop it
    interrupted), every other CPU through the code it was
    running to its caller (an idle AP: ap_start_c, then ap_start64);
    every CPU's frame #0 is the function it ran, never the NMI path
    (do_trap, nmi_stop_handler ...: a note holding the stop NMI's own
    registers instead of the interrupted code's);
  - `two`: the race is forced (the winner waits for the loser), whichever
    CPU wins: "1 other CPU panicked at the same time", and each CPU's note
    holds where it entered panic (CPU 0 in inject_two, CPU 1 in
    inject_panic_on_ap), not the halt loop it waited in;
  - `nested`: "Panic re-entered ... going straight on", once;
  - `hang`: the CPU spinning with NMIs blocked never answers; the crash
    path names it, crashdump64 prints "CPU n: no registers (did not
    answer)", and the crash completes all the same.

Matrix (MATRIX below): every kind under SeaBIOS and under OVMF with 2, 4
and 8 CPUs, and the kinds that need no second CPU with 1 CPU as well.
test_nested_twice: two panics inside the crash path end the run (status 9)
with one line each, the crash image loaded but never run.  Nothing is
skipped: a missing guest, image or host tool is a failure (`make all`).
"""
import os
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from conftest import BUILD

GUEST_ELF = os.path.join(BUILD, "guest", "dom0.elf")
CRASHDUMP64 = os.path.join(BUILD, "images", "crashdump64.elf")
HV_ELF = os.path.join(BUILD, "hv.elf")

STATUS_IMAGE_PASS = 65
CRASH_OPT = "crashkernel=64M@256M"
HV_VIRT = 0xffff82d040000000

# kind -> (crashing CPUs allowed, {crashing CPU: function regex}); None:
# any function of the hypervisor's .text.
DF = r"inject_df_recurse(?:\.isra(?:\.\d+)?)?"
KINDS = {
    "panic": {0: r"inject_panic"},
    "ud": {0: r"inject_ud"},
    "pf": {0: r"inject_pf"},
    "gp": {0: r"inject_gp"},
    "de": {0: r"inject_de"},
    "df": {0: DF},
    "nmi": {0: None},
    "ap": {1: r"inject_panic_on_ap"},
    "two": {0: r"inject_two", 1: r"inject_panic_on_ap"},
    "console": {0: r"inject_console"},
    "nested": {0: r"inject_nested"},
    "hang": {0: r"inject_hang"},
}

# What every CPU's frame #0 must be, besides the crashing CPU's (KINDS):
# {cpu: function regex}; an AP not named here is idle (ap_start_c).
OTHERS = {
    "ap": {0: r"inject_ap"},
    "two": {0: r"inject_two", 1: r"inject_panic_on_ap"},
    "console": {1: r"inject_hold_console"},
}
IDLE = r"ap_start_c"
# The frame after the injection function (its caller), by function.
# Work run on CPU 1 by an IPI: gdb unwinds through the interrupt frame
# (entry.S's call-frame information, "<signal handler called>") into the
# idle loop the IPI interrupted.
CALLER = {r"inject_panic_on_ap": IDLE,
          r"inject_hold_console": IDLE,
          IDLE: r"ap_start64"}
# The NMI path: no note may hold its registers.
NMI_PATH = {"do_trap", "nmi_stop_handler", "smp_stop_this_cpu", "nmi_unlatch",
            "halt_forever", "crash_save_cpu_regs", "regs_to_prstatus"}

# Kinds that need a second CPU (another CPU panics, holds the console lock
# or hangs) are not generated for 1 CPU: there is nothing to run them on.
NEEDS_TWO = {"ap", "two", "console", "hang"}
MATRIX = [(fw, smp, kind)
          for fw in ("bios", "uefi")
          for smp in (1, 2, 4, 8)
          for kind in sorted(KINDS)
          if smp > 1 or kind not in NEEDS_TWO]


def d0(pat):
    return r"^(?:\(d0\) )?" + pat


BAD = [r"\[qemu stderr\]", r"selftest: .*: FAIL", d0(r"FAIL: "),
       d0(r"ERROR: "), d0(r"Test result:"), r"^FAIL: crashdump64: ",
       r"verdict FAIL", r"kexec: fault in the handoff", r"nothing was raised",
       r"Panic while panicking"]


@pytest.fixture(autouse=True)
def built():
    for path in (GUEST_ELF, CRASHDUMP64, HV_ELF):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all`", pytrace=False)
    for tool in ("readelf", "gdb"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing on the host", pytrace=False)


def run_tool(r, cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if p.returncode:
        r.fail(f"{' '.join(cmd)}: status {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout


def capture_vmcore(r, com2, out, writer=r"crashdump64"):
    """The vmcore: the last N bytes of COM2, N and CRC-32 as printed (by
    crashdump64, or by the line prefix `writer`, a regex)."""
    m = r.search(rf"^{writer}: vmcore: (\d+) bytes, CRC-32 (0x[0-9a-f]+), "
                 r"to COM2$")
    size, crc = int(m.group(1)), int(m.group(2), 16)
    with open(com2, "rb") as f:
        data = f.read()
    if len(data) < size:
        r.fail(f"COM2 captured {len(data)} bytes, {writer} sent {size}")
    core = data[len(data) - size:]
    if zlib.crc32(core) != crc:
        r.fail(f"vmcore CRC-32 {zlib.crc32(core):#x}, {writer} sent {crc:#x}")
    if core[:4] != b"\x7fELF":
        r.fail(f"vmcore does not start with the ELF magic: {core[:16]!r}")
    with open(out, "wb") as f:
        f.write(core)
    return out


def check_readelf(r, vmcore, smp):
    notes = run_tool(r, ["readelf", "-n", "-W", vmcore])
    prstatus = re.findall(r"^\s+CORE\s+0x00000150\s+NT_PRSTATUS", notes, re.M)
    if len(prstatus) != smp:
        r.fail(f"readelf -n: {len(prstatus)} NT_PRSTATUS notes, want {smp}\n"
               f"{notes}")
    if len(re.findall(r"^\s+HV\s+0x[0-9a-f]+\s+.*0x48560001", notes, re.M)) != 1:
        r.fail(f"readelf -n: want one hypervisor note\n{notes}")
    if len(re.findall(r"^\s+VMCOREINFO\s+0x[0-9a-f]+\s", notes, re.M)) != 1:
        r.fail(f"readelf -n: want one VMCOREINFO note\n{notes}")
    phdrs = run_tool(r, ["readelf", "-l", "-W", vmcore])
    loads = re.findall(r"^\s+LOAD\s+0x[0-9a-f]+ (0x[0-9a-f]+) ", phdrs, re.M)
    if not loads or int(loads[0], 16) != HV_VIRT:
        r.fail(f"readelf -l: the memory starts at {HV_VIRT:#x}\n{phdrs}")
    if not re.search(r"Type:\s+CORE \(Core file\)", run_tool(
            r, ["readelf", "-h", vmcore])):
        r.fail("readelf -h: not a core file")


def vmcore_notes(vmcore):
    """[(name, type, desc)] of the vmcore's PT_NOTE segments, in order."""
    with open(vmcore, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    notes = []
    for i in range(phnum):
        p_type, _, off, _, _, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + 56 * i)
        if p_type != 4:
            continue
        pos, end = off, off + filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
            name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0").decode()
            dpos = pos + 12 + ((namesz + 3) & ~3)
            notes.append((name, ntype, data[dpos:dpos + descsz]))
            pos = dpos + ((descsz + 3) & ~3)
    return notes


def check_notes(r, vmcore, crashing):
    """The first NT_PRSTATUS is the crashing CPU's; VMCOREINFO's BUILD-ID is
    the one hv.elf carries (hv_build_id): the dump belongs to the hv.elf gdb
    symbolises it with."""
    notes = vmcore_notes(vmcore)
    pids = [struct.unpack_from("<i", d, 32)[0] for n, t, d in notes
            if n == "CORE" and t == 1]
    if not pids or pids[0] != crashing + 1:
        r.fail(f"vmcore: NT_PRSTATUS pr_pids {pids}, want the crashing CPU's "
               f"({crashing + 1}) first")
    info = [d for n, t, d in notes if n == "VMCOREINFO"]
    got = re.search(rb"^BUILD-ID=([0-9a-f]{40})$", info[0] if info else b"",
                    re.M)
    out = run_tool(r, ["gdb", "-nx", "-batch", HV_ELF,
                       "-ex", 'printf "build-id %s\\n", hv_build_id'])
    want = re.search(r"^build-id ([0-9a-f]{40})$", out, re.M)
    if not got or not want or got.group(1).decode() != want.group(1):
        r.fail(f"vmcore: VMCOREINFO BUILD-ID "
               f"{got.group(1).decode() if got else None}, want hv.elf's "
               f"hv_build_id {want.group(1) if want else None}")


def gdb_crashing_thread(r, vmcore):
    """gdb's threads {LWP: frame text}, the current LWP, $pc, the symbol."""
    out = run_tool(r, ["gdb", "-nx", "-batch", HV_ELF, vmcore,
                       "-ex", "info threads", "-ex", "p/x $pc",
                       "-ex", "info symbol $pc"])
    threads, current = {}, None
    for m in re.finditer(r"^(\*)?\s+\d+\s+LWP (\d+)\s+(.*)$", out, re.M):
        threads[int(m.group(2))] = m.group(3)
        if m.group(1):
            current = int(m.group(2))
    pc = re.search(r"^\$1 = (0x[0-9a-f]+)$", out, re.M)
    sym = re.search(r"^(\S+)(?: \+ \d+)? in section (\S+)$", out, re.M)
    if not pc or not sym or current is None:
        r.fail(f"gdb: no current thread, $pc or symbol in\n{out}")
    return threads, current, int(pc.group(1), 16), sym.group(1), \
        sym.group(2), out


def gdb_backtraces(r, vmcore):
    """{LWP: [function of frame #0, #1, ...]} from `thread apply all bt`."""
    out = run_tool(r, ["gdb", "-nx", "-batch", HV_ELF, vmcore,
                       "-ex", "thread apply all bt 12"])
    bts, lwp = {}, None
    for line in out.splitlines():
        m = re.match(r"^Thread \d+ \(LWP (\d+)\):", line)
        if m:
            lwp = int(m.group(1))
            bts[lwp] = []
            continue
        m = re.match(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(", line)
        if m and lwp is not None:
            bts[lwp].append(m.group(1))
    return bts, out


def check_backtraces(r, vmcore, kind, smp, crashing, answered):
    """Every answering CPU's frame #0 (or the inline frame's caller) is
    the function it was running, and its stack unwinds to that function's
    caller."""
    bts, out = gdb_backtraces(r, vmcore)
    for cpu in sorted(answered):
        frames = bts.get(cpu + 1, [])
        if cpu == crashing:
            want = KINDS[kind][cpu]
        else:
            want = OTHERS.get(kind, {}).get(cpu, IDLE if cpu else None)
        if not frames:
            r.fail(f"gdb: no backtrace for CPU {cpu}\n{out}")
        if frames[0] in NMI_PATH:
            r.fail(f"gdb: CPU {cpu}'s note holds the NMI path ({frames[0]}), "
                   f"not the code its NMI interrupted\n{out}")
        if want is None:
            continue
        # frame #0 may be an inline helper (cpu_relax) of the function; a
        # CPU stopped by NMI may be a few calls deeper (sending its IPI)
        depth = 2 if cpu == crashing else 8
        hits = [i for i, f in enumerate(frames[:depth])
                if re.fullmatch(want, f)]
        if not hits:
            r.fail(f"gdb: CPU {cpu}'s backtrace {frames}, want {want} in its "
                   f"first {depth} frames"
                   f"\n{out}")
        caller = CALLER.get(want, r"inject_crash")
        rest = frames[hits[0] + 1:]
        if not rest or not any(re.fullmatch(caller, f) for f in rest[:8]):
            r.fail(f"gdb: CPU {cpu}'s backtrace {frames} stops before "
                   f"{want}'s caller {caller}: the stack is not in the vmcore"
                   f"\n{out}")


@pytest.mark.parametrize("firmware,smp,kind", MATRIX,
                         ids=[f"{f}-{s}-{k}" for f, s, k in MATRIX])
def test_vmcore(boot, tmp_path, firmware, smp, kind):
    com2 = str(tmp_path / "com2.bin")
    r = boot(firmware, smp, CRASH_OPT,
             modules=[(GUEST_ELF, f"test=kexec-vmcore inject={kind}"),
                      (CRASHDUMP64, None)],
             serial2=com2)
    hang_cpu = smp - 1 if kind == "hang" else None
    must = []
    if kind == "two":
        must.append(r"^\(HV\) Panic: 1 other CPU panicked at the same time; "
                    r"its own registers kept")
    if kind == "nested":
        must.append(r"^\(HV\) Panic re-entered on CPU 0 \(crash test: panic "
                    r"inside the crash path \(0 more to come\)\); going "
                    r"straight on")
    must += [rf"^\(HV\) d0 kexec_op: get_range: no CPU {smp} \(-ERANGE\)",
            d0(r"PASS: kexec-vmcore: load crashdump64 and the ELF core "
               r"header as the crash image"),
            rf"^\(HV\) Injecting '{kind}'",
            r"^\(HV\) kexec: running the crash image",
            rf"^PASS: crashdump64: one NT_PRSTATUS note per CPU \({smp}\)$",
            r"^PASS: crashdump64: vmcore streamed out of COM2 whole$",
            r"^crashdump64: verdict PASS$"]
    for cpu in range(smp):
        if cpu == hang_cpu:
            must.append(rf"^crashdump64: CPU {cpu}: no registers \(did not "
                        r"answer\)$")
            must.append(rf"^\(HV\) SMP: CPU {cpu} did not stop within \d+ ms")
        else:
            must.append(rf"^crashdump64: CPU {cpu} rip 0x[0-9a-f]+ rsp "
                        r"0x[0-9a-f]+$")
    r.expect(STATUS_IMAGE_PASS, must, BAD)

    crashing = int(r.search(r"^crashdump64: crashing CPU (\d+), handoff "
                            r"latency \d+ ticks").group(1))
    if crashing not in KINDS[kind]:
        r.fail(f"crashing CPU {crashing}, want one of {sorted(KINDS[kind])}")
    rips = {int(m.group(1)): int(m.group(2), 16) for m in re.finditer(
        r"^crashdump64: CPU (\d+) rip (0x[0-9a-f]+) ", r.log, re.M)}
    answered = {cpu for cpu in range(smp) if cpu != hang_cpu}
    if set(rips) != answered:
        r.fail(f"CPUs with registers {sorted(rips)}, want {sorted(answered)}")

    vmcore = capture_vmcore(r, com2, str(tmp_path / "vmcore"))
    check_readelf(r, vmcore, smp)
    check_notes(r, vmcore, crashing)

    threads, current, pc, func, section, out = gdb_crashing_thread(r, vmcore)
    if set(threads) != {cpu + 1 for cpu in answered}:
        r.fail(f"gdb: threads with LWPs {sorted(threads)}, want "
               f"{sorted(cpu + 1 for cpu in answered)}\n{out}")
    if current != crashing + 1:
        r.fail(f"gdb: current thread LWP {current}, want the crashing CPU's "
               f"{crashing + 1}\n{out}")
    if pc != rips[crashing]:
        r.fail(f"gdb: $pc {pc:#x}, crashdump64 printed {rips[crashing]:#x}")
    want = KINDS[kind][crashing]
    if section != ".text" or (want and not re.fullmatch(want, func)):
        r.fail(f"gdb: $pc {pc:#x} is {func} in {section}, want "
               f"{want or 'the hypervisor text'}\n{out}")
    check_backtraces(r, vmcore, kind, smp, crashing, answered)
    if kind == "nested" and r.log.count("Panic re-entered") != 1:
        r.fail("nested: want exactly one \"Panic re-entered\" line")


@pytest.mark.parametrize("firmware", ["bios", "uefi"])
def test_nested_twice(boot, tmp_path, firmware):
    """Two panics inside the crash path: the first re-entry goes straight
    on, the second ends the run at once (QEMU status 9), one line each;
    the crash image, loaded, never runs, and nothing recurses."""
    r = boot(firmware, 2, CRASH_OPT,
             modules=[(GUEST_ELF, "test=kexec-vmcore inject=nested2"),
                      (CRASHDUMP64, None)],
             serial2=str(tmp_path / "com2.bin"))
    r.expect(9, [
        r"^\(HV\) Injecting 'nested2'",
        r"^\(HV\) Panic on CPU 0:",
        r"^\(HV\) Panic re-entered on CPU 0 \(crash test: panic inside the "
        r"crash path \(1 more to come\)\); going straight on$",
        r"^\(HV\) Panic re-entered a second time on CPU 0 \(crash test: "
        r"panic inside the crash path \(0 more to come\)\); ending the run$"],
        [r"crashdump64:", r"kexec: running the crash image",
         r"nothing was raised", r"\[qemu stderr\]"])
    if r.log.count("Panic re-entered") != 2 or r.log.count("Panic on CPU") != 1:
        r.fail("want one panic and exactly two re-entry lines")

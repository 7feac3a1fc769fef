# SPDX-License-Identifier: GPL-2.0-only
"""The hypervisor kexecs itself (tests/guest/tests/kexec-hv.c): dom0 loads
hv.elf, a Multiboot kernel, with the next boot's modules behind purgatory
(PURGATORY_MODE_MULTIBOOT32) as the DEFAULT image and executes it; the
second hypervisor boots without the firmware, brings every CPU up again,
starts dom0, which does it again.  Three generations, from a SeaBIOS and
from an OVMF first boot; the last generation runs more dom0 tests."""
import os
import re

import pytest

from conftest import BUILD, STATUS_POWEROFF, TIMEOUT
from test_vmcore import (capture_vmcore, check_notes, check_readelf,
                         gdb_backtraces, gdb_crashing_thread)

DOM0 = os.path.join(BUILD, "guest", "dom0.elf")
HV_ELF = os.path.join(BUILD, "hv.elf")
BAD = [r"FATAL TRAP", r"Panic on CPU", r"^\(d0\) (?:FAIL|ERROR): ",
       r"purgatory: bad arguments", r"SHA-256 mismatch",
       r"kexec: fault in the handoff"]


def chain_modules(tmp_path, tests, chain, hv_words="debug-inject"):
    hvcmd = tmp_path / "hvcmdline.txt"
    hvcmd.write_text(hv_words + "\n")
    return [(DOM0, f"test={tests} hv-chain={chain}"), (HV_ELF, "hv"),
            (DOM0, "dom0"), (str(hvcmd), "hvcmdline")]


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 4),
                                          ("uefi", 1), ("uefi", 4)])
def test_kexec_hv_chain(boot, tmp_path, firmware, smp):
    r = boot(firmware, smp, "",
             modules=chain_modules(tmp_path, "kexec-hv test=hypercalls", 3),
             timeout=TIMEOUT[firmware] + 120)
    r.expect(STATUS_POWEROFF,
             [rf"^\(d0\) kexec-hv: generation {g} of 3$" for g in (1, 2, 3)] +
             [r"^\(HV\) kexec: executing the default image",
              r"^purgatory: \d+ regions, \d+ bytes verified",
              r"^\(d0\) Test result: SUCCESS$"],
             BAD)
    log = r.log
    # Generations 2 and 3 are Multiboot boots by our own loader.
    second = re.findall(r"^\(HV\) kexec-hv \S+ \(Multiboot boot, loader "
                        r"kexec-hv\)\r?$", log, re.M)
    if len(second) != 2:
        r.fail(f"{len(second)} boots by the kexec-hv loader, want 2")
    online = re.findall(r"^\(HV\) Boot complete: (\d+) CPUs? online", log, re.M)
    if online != [str(smp)] * 3:
        r.fail(f"CPUs online per generation: {online}, want {smp} in each of 3")
    # generations 2 and 3 take the TSC's frequency from the first
    if len(re.findall(r"^\(HV\) TSC: [\d.]+ MHz \(tsc_khz=, not calibrated\)",
                      log, re.M)) != 2:
        r.fail("generations 2 and 3 must not calibrate the TSC again")
    if smp > 1 and len(re.findall(rf"^\(HV\) SMP: {smp - 1} stopped CPUs? sent "
                                  r"INIT", log, re.M)) != 2:
        r.fail("each kexec must park the stopped CPUs with INIT")
    if len(re.findall(r"^\(d0\) Test result:", log, re.M)) != 1:
        r.fail("more than one generation ran its tests to the end")
    if not re.search(r"^\(d0\) --- hypercalls: start", log.split(
            "kexec-hv: generation 3 of 3")[-1], re.M):
        r.fail("the last generation did not run the hypercalls test")
    if firmware == "uefi" and not re.search(
            r"^\(HV\) Command line: .*acpi_rsdp=0x[0-9a-f]+", log, re.M):
        r.fail("a UEFI first boot must pass the RSDP on (acpi_rsdp=)")


@pytest.mark.parametrize("firmware,smp", [("bios", 2), ("uefi", 2)])
def test_kexec_hv_crash(boot, tmp_path, firmware, smp):
    """dom0 loads hv-crash.elf (linked inside the crash region) as the crash
    image and crashes; the crash hypervisor boots from the panic on one
    CPU with RAM only in the crash region, and its dom0 (the dump guest)
    finds the ELF core header, reads every CPU's note of the crashed
    hypervisor from old memory (read-only mappings, kdump option) and
    streams a vmcore out of COM2 that readelf and gdb read."""
    hvcmd = tmp_path / "hvcmdline.txt"
    hvcmd.write_text("debug-inject\n")
    mods = [(DOM0, "test=kexec-hv-crash"), (os.path.join(BUILD, "hv-crash.elf"),
                                             "hvcrash"),
            (DOM0, "dom0"), (str(hvcmd), "hvcmdline")]
    com2 = str(tmp_path / "com2.bin")
    r = boot(firmware, smp, "crashkernel=64M@256M", modules=mods,
             timeout=TIMEOUT[firmware] + 120, serial2=com2)
    r.expect(STATUS_POWEROFF,
             [r"^\(HV\) kexec: loaded a crash image",
              r"^\(HV\) Panic on CPU 0:",
              rf"^\(HV\) SMP: {smp - 1}/{smp - 1} other CPUs? stopped",
              r"^\(HV\) kexec: running the crash image \(in place\), entry "
              r"0x10000000$",
              r"^\(HV\) kexec-hv \S+ \(Multiboot boot, loader kexec-hv\)",
              r"^\(HV\) Command line: .*nosmp",
              r"^\(HV\)  0000000010000000 - 0000000013fff000 \(RAM\)",
              r"^\(HV\) SMP: nosmp: \d+ other CPUs? left as they are",
              rf"^\(d0\) PASS: kexec-hv-dump: PT_NOTEs: one per CPU of the "
              rf"crashed hypervisor \({smp}\)",
              r"^\(d0\) PASS: kexec-hv-dump: \d+ bytes of RAM, all inside the "
              r"crash region \[0x10000000, \+0x3fff000\)",
              # old memory: every CPU's note, read-only, only with kdump
              r"^\(d0\) PASS: kexec-hv-crash: a read-only mapping of a "
              r"reserved frame \(0xf0000\) without kdump$",
              r"^\(d0\) PASS: kexec-hv-dump: NT_PRSTATUS notes read from old "
              r"memory$",
              r"^\(d0\) PASS: kexec-hv-dump: of them with the CPU's registers",
              r"^\(d0\) PASS: kexec-hv-dump: the hypervisor note's CPUs$",
              r"^\(d0\) PASS: kexec-hv-dump: a writable mapping of old memory$",
              r"^\(d0\) Test result: SUCCESS$"],
             [r"FATAL TRAP", r"^\(d0\) (?:FAIL|ERROR): ",
              r"purgatory: bad arguments", r"SHA-256 mismatch"])
    # the dump guest's vmcore, as crashdump64's: readelf and gdb read it
    vmcore = capture_vmcore(r, com2, str(tmp_path / "vmcore"),
                            writer=r"\(d0\) kexec-hv-dump")
    check_readelf(r, vmcore, smp)
    check_notes(r, vmcore, 0)           # dom0 crashed on CPU 0
    threads, current, pc, func, section, out = gdb_crashing_thread(r, vmcore)
    if set(threads) != set(range(1, smp + 1)) or current != 1:
        r.fail(f"gdb: threads {sorted(threads)} (current {current}), want "
               f"every CPU of generation 1, CPU 0's current\n{out}")
    if section != ".text":
        r.fail(f"gdb: $pc {pc:#x} is {func} in {section}, not the "
               f"hypervisor's text\n{out}")
    # the stacks are in it: CPU 0 unwinds from the crash to the hypercall
    bts, out = gdb_backtraces(r, vmcore)
    if bts.get(1, [])[:3] != ["domain_crash", "do_sched_op", "do_hypercall"]:
        r.fail(f"gdb: CPU 0's backtrace {bts.get(1)}, want domain_crash <- "
               f"do_sched_op <- do_hypercall\n{out}")
    # the crash hypervisor's own RAM: nothing outside the region
    second = r.log.split("(Multiboot boot, loader kexec-hv)")[-1]
    for start, end in re.findall(r"^\(HV\)  ([0-9a-f]{16}) - ([0-9a-f]{16}) "
                                 r"\(RAM\)", second, re.M):
        if int(start, 16) < 0x10000000 or int(end, 16) > 0x13fff000:
            r.fail(f"crash hypervisor RAM {start}-{end} outside the region")

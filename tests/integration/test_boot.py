# SPDX-License-Identifier: GPL-2.0-only
"""Boot: the firmware x CPU matrix, memory, crash region, command line."""
import subprocess

import pytest

from conftest import ALWAYS_BAD, BUILD, FIRMWARES, STATUS_POWEROFF


@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("firmware", FIRMWARES)
def test_boot_matrix(boot, firmware, smp):
    loader = {"bios": "Multiboot", "uefi": "UEFI"}[firmware]
    # QEMU's Multiboot loader names itself (boot_loader_name)
    banner = {"bios": r"\(Multiboot boot, loader qemu\)",
              "uefi": r"\(UEFI boot\)"}[firmware]
    r = boot(firmware, smp, "crashkernel=64M selftest")
    must = [
        rf"^\(HV\) kexec-hv \S+ {banner}",
        rf"^\(HV\) Memory map \({loader}\):",
        r"^\(HV\)  [0-9a-f]{16} - [0-9a-f]{16} \(RAM\)",
        r"^\(HV\) Crash region: [0-9a-f]{16} - [0-9a-f]{16} \(64 MiB\)",
        r"^\(HV\) Paging: W\^X image, direct map at 0xffff830000000000, NX on",
        r"^\(HV\) TSC: \d+\.\d+ MHz",
        r"^\(HV\) selftest: 0 failed",
        rf"^\(HV\) Boot complete: {smp} CPUs? online",
    ]
    must += [rf"^\(HV\) CPU {n}: APIC ID \d+ online" for n in range(smp)]
    if smp > 1:
        must.append(rf"^\(HV\) IPI check: {smp - 1}/{smp - 1} CPUs answered")
    r.expect(STATUS_POWEROFF, must, ALWAYS_BAD)


@pytest.mark.parametrize("smp", [2, 8])
def test_smp_counts(boot, smp):
    r = boot("bios", smp, "")
    must = [rf"^\(HV\) CPU {n}: APIC ID \d+ online" for n in range(smp)]
    must += [rf"^\(HV\) Boot complete: {smp} CPUs online",
             rf"^\(HV\) IPI check: {smp - 1}/{smp - 1} CPUs answered"]
    r.expect(STATUS_POWEROFF, must, ALWAYS_BAD)


def test_without_smap(boot):
    """TCG's -cpu max offers SMAP; the run without it must work as well."""
    r = boot("bios", 2, "selftest", cpu="max,-smap")
    r.expect(STATUS_POWEROFF,
             [r"SMAP no", r"^\(HV\) selftest: 0 failed",
              r"^\(HV\) Boot complete: 2 CPUs online"], ALWAYS_BAD)


@pytest.mark.parametrize("opt,start,end", [
    ("crashkernel=32M@256M", 0x10000000, 0x12000000),
])
def test_crashkernel_fixed_base(boot, opt, start, end):
    r = boot("bios", 1, opt)
    r.expect(STATUS_POWEROFF,
             [rf"^\(HV\) Crash region: {start:016x} - {end:016x} \(32 MiB\)"],
             ALWAYS_BAD)


@pytest.mark.parametrize("opt", ["crashkernel=16M,below=256M",
                                 "crashkernel=16M<256M"])
def test_crashkernel_below(boot, opt):
    r = boot("bios", 1, opt)
    r.expect(STATUS_POWEROFF, [], ALWAYS_BAD)
    m = r.search(r"^\(HV\) Crash region: ([0-9a-f]{16}) - ([0-9a-f]{16}) "
                 r"\(16 MiB\)")
    assert int(m.group(2), 16) <= 0x10000000, m.group(0)


@pytest.mark.parametrize("opt", [
    "crashkernel=banana",          # not a size
    "crashkernel=64M@0x1001",      # base not page aligned
    "crashkernel=64G",             # more than the machine has
    "crashkernel=64M@0x800000000",  # base outside RAM
    "crashkernel=2G-1G:64M",       # range end below its start
    "crashkernel=0-:64M,below=32M",  # chosen size above the limit
])
def test_crashkernel_bad_values_are_reported(boot, opt):
    """A bad or impossible value: one error line, boot goes on without."""
    r = boot("bios", 1, opt)
    r.expect(STATUS_POWEROFF,
             [rf"^\(HV\) {opt}: .+; continuing without a crash region",
              r"^\(HV\) Boot complete"],
             ALWAYS_BAD + [r"^\(HV\) Crash region: [0-9a-f]"])


@pytest.mark.parametrize("memory,opt,line", [
    # 512 MiB of RAM (a little less after the firmware's holes): range 2
    (512, "crashkernel=0-256M:32M,256M-:64M@256M",
     r"^\(HV\) Crash region: 0000000010000000 - 0000000014000000 \(64 MiB\)"),
    # 256 MiB machine: RAM is just below 256M, so range 1
    (256, "crashkernel=0-256M:32M,256M-:64M",
     r"^\(HV\) Crash region: [0-9a-f]{16} - [0-9a-f]{16} \(32 MiB\)"),
    # size 0 for small machines: no region, said so
    (512, "crashkernel=0-1G:0,1G-:256M",
     r"^\(HV\) Crash region: none \(crashkernel=0-1G:0,1G-:256M: size 0 for "
     r"\d+ MiB of RAM\)"),
    # no range matches
    (512, "crashkernel=1G-:256M",
     r"^\(HV\) Crash region: none \(crashkernel=1G-:256M: no range matches"),
])
def test_crashkernel_ranges(boot, memory, opt, line):
    """Xen's ranges form: the machine's RAM chooses the size."""
    r = boot("bios", 1, opt, memory=memory)
    r.expect(STATUS_POWEROFF, [line, r"^\(HV\) Boot complete"], ALWAYS_BAD)


def test_crashkernel_range_as_big_as_ram_is_ignored(boot):
    r = boot("bios", 1, "crashkernel=0-:1G,0-:32M")
    r.expect(STATUS_POWEROFF,
             [r"^\(HV\) crashkernel=: range 1 ignored: its size 1024 MiB is "
              r"not below RAM \(\d+ MiB\)",
              r"^\(HV\) crashkernel=: range 2 chosen for \d+ MiB of RAM: 32 MiB",
              r"^\(HV\) Crash region: [0-9a-f]{16} - [0-9a-f]{16} \(32 MiB\)"],
             ALWAYS_BAD)


def test_unknown_option_is_not_fatal(boot):
    r = boot("bios", 1, "frobnicate=7 loglvl=banana")
    r.expect(STATUS_POWEROFF,
             [r"^\(HV\) cmdline: unknown option 'frobnicate', ignored",
              r"^\(HV\) cmdline: bad value for 'loglvl': 'banana', ignored",
              r"^\(HV\) Boot complete"], ALWAYS_BAD)


def test_symbols_match_binutils():
    """The in-image symbol table agrees with nm on hv.elf."""
    out = subprocess.run(["nm", "-n", f"{BUILD}/hv.elf"], check=True,
                         capture_output=True, text=True).stdout
    names = {l.split()[2] for l in out.splitlines() if len(l.split()) == 3}
    assert {"start_hv", "do_trap", "map_pages", "panic"} <= names

# SPDX-License-Identifier: GPL-2.0-only
"""A fatal fault injected from the command line gives a symbolised dump.

The RIP printed in the dump is checked against binutils: nm on hv.elf must
place it inside the function the fault was injected in, and the dump's
own symbol+offset must agree.
"""
import re
import subprocess

import pytest

from conftest import BUILD, STATUS_PANIC

FAULTS = {
    "ud": (6, "invalid opcode", "inject_ud"),
    "pf": (14, "page fault", "inject_pf"),
    "gp": (13, "general protection fault", "inject_gp"),
    "de": (0, "divide error", "inject_de"),
}


def nm_range(func):
    out = subprocess.run(["nm", "-S", f"{BUILD}/hv.elf"], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == func:
            start = int(parts[0], 16)
            return start, start + int(parts[1], 16)
    raise AssertionError(f"{func} not in nm output")


# Every kind under SeaBIOS; one under OVMF shows the same dump code there.
@pytest.mark.parametrize("firmware,kind",
                         [("bios", k) for k in sorted(FAULTS)] + [("uefi", "ud")])
def test_fault_dump(boot, firmware, kind):
    vector, name, func = FAULTS[kind]
    r = boot(firmware, 2, f"inject={kind}")
    must = [
        rf"^\(HV\) FATAL TRAP: vector {vector} \({name}\)",
        r"^\(HV\) RFLAGS: [0-9a-f]{16}   CONTEXT: hypervisor",
        r"^\(HV\) rax: [0-9a-f]{16}   rbx: [0-9a-f]{16}   rcx: [0-9a-f]{16}",
        r"^\(HV\) r15: [0-9a-f]{16}   cr0: [0-9a-f]{16}   cr4: [0-9a-f]{16}",
        r"^\(HV\) cr3: [0-9a-f]{16}   cr2: [0-9a-f]{16}",
        r"^\(HV\) ds: 0010   es: 0010 .* cs: 0008",
        r"^\(HV\) Hypervisor stack trace:",
        rf"^\(HV\)    \[<[0-9a-f]{{16}}>\] {func}\+",
        r"^\(HV\)    \[<[0-9a-f]{16}>\] start_hv_on_cpu_stack\+",
        r"^\(HV\) Panic on CPU 0:",
    ]
    r.expect(STATUS_PANIC, must, [r"no fault was raised"])
    m = r.search(r"^\(HV\) RIP:    0008:\[<([0-9a-f]{16})>\] (\S+)\+0x([0-9a-f]+)/")
    rip = int(m.group(1), 16)
    lo, hi = nm_range(func)
    assert m.group(2) == func
    assert lo <= rip < hi, f"RIP {rip:#x} not in {func} [{lo:#x}, {hi:#x})"
    assert rip - lo == int(m.group(3), 16)
    if kind == "pf":
        r.search(r"cr2: 0000000000000000")


def test_injected_panic(boot):
    r = boot("bios", 4, "inject=panic")
    r.expect(STATUS_PANIC,
             [r"^\(HV\) Panic on CPU 0:",
              r"^\(HV\) injected panic$"],
             [r"FATAL TRAP"])

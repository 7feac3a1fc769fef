# SPDX-License-Identifier: GPL-2.0-only
"""Purgatory end to end (tools/purgatory/, docs/purgatory.md): the dom0
test kexec-purgatory (tests/guest/tests/kexec-purgatory.c) loads check64
(modules[0]) behind purgatory (modules[1] = build/purgatory/purgatory.elf)
as one image; the hypervisor enters purgatory, which verifies the SHA-256
of each of check64's destination runs and enters check64, whose own checks
(every GPR zero, RFLAGS, CR0/CR4, the handoff GDT and IDT, every mapped
page accounted for, segment CRCs) must all pass.

  good run     purgatory's progress line, then "check64: verdict PASS"
               (QEMU status 65)
  purg-flip=1  one bit of region 1's expected digest flipped in the args:
               the three mismatch lines naming region 1, check64 never
               runs, QEMU status (PURGATORY_EXIT_MISMATCH << 1) | 1 = 97
"""
import os

import pytest

from conftest import BUILD
from test_kexec import (BAD, CHECK64, GUEST_ELF, STATUS_IMAGE_PASS, d0,
                        image_ran, run)

PURGATORY = os.path.join(BUILD, "purgatory", "purgatory.elf")
STATUS_MISMATCH = (0x30 << 1) | 1

MATRIX = [("bios", 1), ("bios", 2), ("uefi", 1)]

PROGRESS = (r"^purgatory: 2 regions, 86016 bytes verified in \d+ TSC cycles "
            r"\(SHA-256: (?:portable|SHA extensions)\); entering {entry}$")
DIGEST = r"[0-9a-f]{64}"


@pytest.fixture(autouse=True)
def purgatory_built():
    for path in (GUEST_ELF, CHECK64, PURGATORY):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all`", pytrace=False)


@pytest.mark.parametrize("firmware,smp", MATRIX)
def test_purgatory_then_check64(boot, firmware, smp):
    r = run(boot, firmware, smp, "test=kexec-purgatory", [CHECK64, PURGATORY])
    must = [d0(r"PASS: kexec-purgatory: build purgatory at 0x5000000"),
            d0(r"PASS: kexec-purgatory: load check64 behind purgatory as "
               r"the default image"),
            r"^\(HV\) kexec: executing the default image, entry 0x5000000$",
            PROGRESS.format(entry="0x0000000004000000"),
            r"^PASS: check64: handoff tables: \d+ pages present, each "
            r"accounted for: .* 11 foreign pages$"]
    must += image_ran("check64", 1, "default", 0x4000000)
    r.expect(STATUS_IMAGE_PASS, must,
             BAD + [r"Panic on CPU", d0(r"Test result:"), r"mismatch",
                    r"purgatory: (?:bad arguments|exception)"])


@pytest.mark.parametrize("firmware,smp", MATRIX)
def test_purgatory_mismatch(boot, firmware, smp):
    r = run(boot, firmware, smp, "test=kexec-purgatory purg-flip=1",
            [CHECK64, PURGATORY])
    must = [d0(r"kexec-purgatory: flipped bit 4 of byte 7 of region 1"),
            r'^purgatory: region 1 \[0x0000000004006000, '
            r'\+0x000000000000f000\) "check64.1": SHA-256 mismatch$',
            rf"^purgatory:   expected {DIGEST}$",
            rf"^purgatory:   computed {DIGEST}$"]
    r.expect(STATUS_MISMATCH, must,
             BAD + [r"^check64: ", r"Panic on CPU", d0(r"Test result:"),
                    r"verified in"])
    # the two digests differ in exactly the flipped bit
    exp = r.res.search(rf"^purgatory:   expected ({DIGEST})$").group(1)
    got = r.res.search(rf"^purgatory:   computed ({DIGEST})$").group(1)
    assert int(exp, 16) ^ int(got, 16) == 0x10 << (8 * (31 - 7)), (exp, got)


def test_purgatory_crash_image(boot):
    """Loaded as the CRASH image in the crash region, run by a panic."""
    r = run(boot, "bios", 2, "test=kexec-purgatory purg-type=crash "
            "via=inject:panic", [CHECK64, PURGATORY])
    must = [d0(r"PASS: kexec-purgatory: load check64 behind purgatory as "
               r"the crash image"),
            PROGRESS.format(entry="0x0000000010100000")]
    must += image_ran("check64", 1, "crash", 0x10100000)
    r.expect(STATUS_IMAGE_PASS, must,
             BAD + [d0(r"Test result:"), r"mismatch"])


STATUS_BADARGS = (0x31 << 1) | 1


@pytest.mark.parametrize("case", [1, 2, 3])
def test_purgatory_multiboot32_refusals(boot, case):
    """PURGATORY_MODE_MULTIBOOT32 enters 32-bit code with paging off: an
    entry or information structure above 4 GiB, or a register the mode
    does not name set, is refused before any jump."""
    r = run(boot, "bios", 1, f"test=kexec-purgatory purg-mb-bad={case}",
            [CHECK64, PURGATORY])
    r.expect(STATUS_BADARGS,
             [r"^purgatory: bad arguments: MULTIBOOT32: entry, rbx or "
              r"purgatory above 4 GiB, or rsi, rsp or rbp not zero$"],
             BAD + [r"^check64: ", r"Panic on CPU", r"verified in"])

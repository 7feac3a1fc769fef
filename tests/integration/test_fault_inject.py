# SPDX-License-Identifier: GPL-2.0-only
"""Fault injection into crash reloads (docs/testing.md, "Fault injection").

  - test_alloc_fail: guest test kexec-alloc-fail walks an allocation
    failure (debug_op DEBUGOP_fail_alloc) over every frame allocation of
    a crash reload: each attempt -ENOMEM, every frame given back, the old
    image loaded; then the crash runs B (after the successful load) or A
    (keep=a: the walk again over A), whole.
  - test_reload_panic_at: a panic at each named point of install()
    (kexec_test_reload_panic_at): before_active runs A, every later point
    B, whole.
  - test_reload_panic_page: a panic after each of B's pages.
  - test_reload_remote_panic: CPU 1 panics at instants spread over the
    reload (kexec_test_reload_remote_panic): a whole image, A or B; B once
    the reported phase is past the staged image's activation.
"""
import re

import pytest

from test_kexec import (BAD, CHECK64, CRASH_BASE, STATUS_IMAGE_PASS, d0,
                        guest_passed, image_ran, run)

A_ENTRY, B_ENTRY = CRASH_BASE, CRASH_BASE + 0x4000

POINTS = ["before_active", "after_active", "after_unprotect", "before_writes",
          "after_writes", "before_protect", "after_protect", "after_free"]
# The order of install(): "writes" is the page loop, "returned" the end.
PHASES = POINTS[:4] + ["writes"] + POINTS[4:] + ["returned"]


def ran_whole(r, image_id):
    other = 3 - image_id
    return image_ran("check64", image_id, "crash"), \
        [rf"^check64: image id {other}$"]


# Crash reloads under both firmwares, 1 and 4 CPUs; DEFAULT reloads, whose
# image is run by KEXEC_CMD_kexec.
ALLOC_FAIL = [(f, n, "crash", k) for f, n in [("bios", 1), ("bios", 4),
                                               ("uefi", 1)]
              for k in "ab"] + [("uefi", 4, "crash", "b"),
                                ("bios", 1, "default", "a"),
                                ("bios", 4, "default", "b"),
                                ("uefi", 4, "default", "a")]


@pytest.mark.parametrize("firmware,smp,type_,keep", ALLOC_FAIL)
def test_alloc_fail(boot, firmware, smp, type_, keep):
    r = run(boot, firmware, smp,
            f"test=kexec-alloc-fail type={type_} keep={keep}", [CHECK64])
    must = guest_passed("kexec-alloc-fail",
                        f"load {type_} image A (image id 1)")
    must.append(d0(rf"PASS: kexec-alloc-fail: walked \d+ allocation points "
                   rf"of a {type_} reload"))
    image_id = 1 if keep == "a" else 2
    if type_ == "crash":
        ok, bad = ran_whole(r, image_id)
    else:
        base = 0x4000000 + (0 if keep == "a" else 0x100000)
        ok = image_ran("check64", image_id, "default", base)
        bad = [rf"^check64: image id {3 - image_id}$"]
    r.expect(STATUS_IMAGE_PASS, must + ok,
             BAD + bad + [d0(r"Test result:"), r"free_frames\("])
    n = int(r.res.search(d0(r"PASS: kexec-alloc-fail: walked (\d+)")).group(1))
    print(f"allocation points walked per {type_} reload: {n}")


@pytest.mark.parametrize("firmware,smp,point",
                         [(f, n, p) for f, n in [("bios", 1), ("bios", 4)]
                          for p in POINTS] +
                         [("uefi", 4, "before_active"),
                          ("uefi", 4, "after_writes")])
def test_reload_panic_at(boot, firmware, smp, point):
    r = run(boot, firmware, smp, "test=kexec-reload", [CHECK64, CHECK64],
            f"kexec_test_reload_panic_at={point}")
    image_id = 1 if point == "before_active" else 2
    ok, bad = ran_whole(r, image_id)
    must = guest_passed("kexec-reload", "load crash image A (image id 1)")
    must.append(rf"^\(HV\) kexec test: panic at reload point {point}$")
    r.expect(STATUS_IMAGE_PASS, must + ok,
             BAD + bad + [d0(r"Test result:"),
                          d0(r"PASS: kexec-reload: load crash image B")])


@pytest.mark.parametrize("pages", range(1, 23))     # kexec-reload's B: 22 pages
def test_reload_panic_page(boot, pages):
    r = run(boot, "bios", 1, "test=kexec-reload", [CHECK64, CHECK64],
            f"kexec_test_reload_panic={pages}")
    ok, bad = ran_whole(r, 2)
    must = [rf"^\(HV\) kexec test: panic in the middle of a crash-image "
            rf"reload \({pages} pages written\)"]
    r.expect(STATUS_IMAGE_PASS, must + ok, BAD + bad + [d0(r"Test result:")])


# Microseconds after install() was entered, over a reload (0.4-5 ms under
# TCG; the boot prints the time when the panic comes later).
REMOTE_US = [1, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 550, 700,
             850, 1000, 1500, 2500, 4000, 8000, 20000, 100000, 400000,
             2000000]


@pytest.mark.parametrize("delay", REMOTE_US)
def test_reload_remote_panic(boot, delay):
    r = run(boot, "bios", 4, "test=kexec-reload", [CHECK64, CHECK64],
            f"kexec_test_reload_remote_panic={delay}")
    m = re.search(rf"^\(HV\) kexec test: CPU 1 panics {delay} us into a "
                  r"crash-image reload \(phase (\w+)\)$", r.log, re.M)
    ids = re.findall(r"^check64: image id (\d)$", r.log, re.M)
    if len(ids) != 1:
        r.res.fail(f"want one image to run, got ids {ids}")
    image_id = int(ids[0])
    ok, bad = ran_whole(r, image_id)
    took = re.search(r"^\(HV\) kexec: test: the reload took (\d+) us$", r.log,
                     re.M)
    phase = m.group(1) if m else "guest crash"
    if m and PHASES.index(phase) >= 1 and image_id != 2:
        r.res.fail(f"phase {phase}: the new image was active, A ran")
    print(f"remote {delay} us: phase {phase}, image {image_id}, reload "
          f"{took.group(1) if took else '?'} us")
    r.expect(STATUS_IMAGE_PASS, ok, BAD + bad)

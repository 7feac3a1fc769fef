# SPDX-License-Identifier: GPL-2.0-only
"""kexec end to end: the dom0 test guest's kexec tests
(tests/guest/tests/kexec-*.c) load the test images (tests/images/) with
tools/kexec-loader/ and run them.

Boot: the hypervisor with crashkernel=64M@256M; modules = the guest
("test=kexec-... [via=...]"), then the image ELF (start_info modules[0]),
then optionally a second image (modules[1]).

Outcomes (include/hv/shutdown.h, tests/images/verdict.h):
  65  the image ran and every one of its checks passed
      ("check64: verdict PASS" / "check32: verdict PASS")
  67  the image ran and a check failed
  11  a fault in the kexec handoff, caught by the control page
   3  the guest powered off (tests that do not kexec)
A kexec test that never reaches its image ends with the guest's
"Test result: FAILURE|ERROR" and status 3, or a panic (9): both fail here.

Nothing is skipped: a missing guest or image is a failure (build them
with `make all`).
"""
import os
import re

import pytest

from conftest import BUILD, STATUS_POWEROFF

GUEST_ELF = os.path.join(BUILD, "guest", "dom0.elf")
CHECK64 = os.path.join(BUILD, "images", "check64.elf")
CHECK32 = os.path.join(BUILD, "images", "check32.elf")

STATUS_IMAGE_PASS = 65
STATUS_KEXEC_FAULT = 11

CRASH_OPT = "crashkernel=64M@256M"
CRASH_BASE = 0x10000000 + 0x100000      # the guest loads at region + 1 MiB

MATRIX = [("bios", 1), ("bios", 4), ("uefi", 1), ("uefi", 4)]

KEXEC_TESTS = ["kexec-exec64", "kexec-exec32", "kexec-crash",
               "kexec-validate", "kexec-status", "kexec-unsafe",
               "kexec-reload", "kexec-handoff-fault", "kexec-crash32",
               "kexec-exec-refused-reload", "kexec-crash-refused-reload",
               "kexec-purgatory", "kexec-linux"]


def d0(pat):
    """A guest line: "(d0) <text>" on the console."""
    return r"^(?:\(d0\) )?" + pat


# Never in a run that is meant to go well (the crash tests panic on
# purpose, so "Panic on CPU" is not in this list).
BAD = [r"FATAL TRAP", r"\[qemu stderr\]", r"selftest: .*: FAIL",
       d0(r"FAIL: "), d0(r"ERROR: "), d0(r"Test result: (?:FAILURE|ERROR)"),
       r"^FAIL: check(?:64|32): ", r"verdict FAIL",
       r"kexec: fault in the handoff", r"Panic while panicking"]


@pytest.fixture(autouse=True)
def built():
    for path in (GUEST_ELF, CHECK64, CHECK32):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all`", pytrace=False)


class KexecBoot:
    """A BootResult whose expect() first names the FAIL lines of the guest
    and of the image, the most useful thing to read when a kexec test
    fails."""

    FAILS = re.compile(r"^(?:\(d0\) )?(?:FAIL|ERROR): .*$|"
                       r"^\(HV\) (?:FATAL TRAP|kexec: fault in the handoff)"
                       r".*$", re.M)

    def __init__(self, res):
        self.res = res
        self.log = res.log

    def expect(self, status, must=(), must_not=()):
        fails = self.FAILS.findall(self.log)
        if fails and any(re.search(p, f, re.M) for f in fails
                         for p in must_not):
            self.res.fail("FAIL lines:\n  " + "\n  ".join(fails[:20]))
        return self.res.expect(status, must, must_not)


def run(boot, firmware, smp, guest_args, images, hv_extra="",
        debug_inject=True):
    cmdline = CRASH_OPT + (" " + hv_extra if hv_extra else "")
    return KexecBoot(boot(firmware, smp, cmdline,
                          modules=[(GUEST_ELF, guest_args)] +
                          [(i, None) for i in images],
                          debug_inject=debug_inject))


def image_ran(image, image_id=1, type_name="default", base=None):
    """The lines of an image that ran and passed every check."""
    must = [rf"^{image}: start: entered at ",
            rf"^PASS: {image}: every GPR zero at entry",
            rf"^PASS: {image}: segment 0 CRC-32",
            rf"^PASS: {image}: segment 1 CRC-32",
            rf"^{image}: image id {image_id}$",
            rf"^{image}: loaded as type {type_name} ",
            rf"^{image}: verdict PASS$"]
    if image == "check64":
        must += [r"^PASS: check64: an NMI sent to itself at entry arrives",
                 r"^PASS: check64: handoff tables: \d+ pages present, each "
                 r"accounted for: ",
                 r"^PASS: check64: local APIC: timer stopped, timer LINT0 "
                 r"LINT1 perf error masked$",
                 r"^PASS: check64: IOAPIC at 0xfec00000: all 24 entries "
                 r"masked$",
                 r"^PASS: check64: 8259s: every IRQ masked",
                 r"^PASS: check64: PIT channel 0 stopped",
                 r"^PASS: check64: no interrupt with interrupts enabled for "]
    if base is not None:
        must.append(rf"^PASS: {image}: loaded at the parameter block's base "
                    rf"{base:#x}$")
    return must


QUIESCED = (r"^\(HV\) kexec: quiesced: 1 IOAPIC \(24 entries masked\), "
            r"8259s masked, PIT stopped, local APIC timer and LINTs masked$")


def others_stopped(smp):
    """DEFAULT exec: every other CPU stopped before the jump (the image
    cannot see them)."""
    if smp == 1:
        return []
    n = smp - 1
    return [rf"^\(HV\) SMP: {n}/{n} other CPUs? stopped$"]


def guest_passed(test, *checks):
    return [d0(rf"--- {test}: start$")] + \
        [d0(rf"PASS: {test}: {re.escape(c)}") for c in checks]


# ---- the test list ----------------------------------------------------------

def test_kexec_tests_listed(boot):
    r = boot("bios", 1, "", modules=[(GUEST_ELF, "test=list")])
    r.expect(STATUS_POWEROFF, [d0(rf"dom0:\s+{t}\s") for t in KEXEC_TESTS],
             BAD + [d0(r"Test result:")])


# ---- DEFAULT images: KEXEC_CMD_kexec -----------------------------------------

@pytest.mark.parametrize("firmware,smp", MATRIX)
def test_kexec_exec64(boot, firmware, smp):
    r = run(boot, firmware, smp, "test=kexec-exec64", [CHECK64])
    must = guest_passed("kexec-exec64", "load check64 as the default image",
                        "status of the default image after the load: LOADED")
    must += [r"^\(HV\) kexec: loaded a default image \(64-bit\)",
             r"^\(HV\) kexec: executing the default image, entry 0x4000000$",
             r"^PASS: check64: map 0: va 0xffffc00000000000 -> 0x4000000, "
             r"2 pages",
             r"^PASS: check64: zero-filled range ", QUIESCED]
    must += others_stopped(smp)
    must += image_ran("check64", 1, "default", 0x4000000)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [r"Panic on CPU",
                                             d0(r"Test result:")])


@pytest.mark.parametrize("firmware,smp", MATRIX)
def test_kexec_exec32(boot, firmware, smp):
    r = run(boot, firmware, smp, "test=kexec-exec32", [CHECK32])
    must = guest_passed("kexec-exec32", "load check32 as the default image",
                        "check32: the ELF class gives arch KEXEC_ARCH_32")
    must += [r"^\(HV\) kexec: loaded a default image \(32-bit\)",
             r"^\(HV\) kexec: executing the default image, entry 0x200000c$",
             QUIESCED]
    must += others_stopped(smp)
    must += image_ran("check32", 1, "default", 0x2000000)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [r"Panic on CPU",
                                             d0(r"Test result:")])


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 4),
                                          ("uefi", 4)])
def test_kexec_arm_timers(boot, firmware, smp):
    """kexec_test_arm_timers: the LAPIC timer armed, the PIT running, the
    8259's IRQ 0 and an IOAPIC entry unmasked, and a self-IPI left pending
    in the IRR just before the handoff: the quiescing undoes each and takes
    the IPI without its handler, as check64 sees from the inside (its
    registers, and no interrupt while it runs with interrupts enabled)."""
    r = run(boot, firmware, smp, "test=kexec-exec64", [CHECK64],
            "kexec_test_arm_timers")
    # The IPI, and the timer's first tick too if the host held the vCPU
    # for its 8 ms period between the arming and the quiescing.
    must = [r"^\(HV\) kexec: executing the default image", QUIESCED,
            r"^\(HV\) kexec: took (1 pending interrupt|[23] pending "
            r"interrupts), no handler run$"]
    must += others_stopped(smp)
    must += image_ran("check64", 1, "default", 0x4000000)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [r"Panic on CPU",
                                             d0(r"Test result:")])


# Each hook puts a ud2 in one stretch of the trampoline; the control
# page's fault handler must catch it (vector 6, QEMU status 11), never a
# triple fault or a hang, and the image must not start.
FAULT_LINE64 = (r"^\(HV\) kexec: fault in the handoff: vector "
                r"0x0000000000000006 rip 0x{rip} cr2 0x[0-9a-f]{{16}}$")
HANDOFF_FAULTS = {
    # after the switch to the handoff tables (the page's 1:1 IDT)
    "kexec_test_handoff_fault": ("kexec-handoff-fault", "check64", CHECK64,
        FAULT_LINE64.format(rip="[0-9a-f]{16}")),
    # first instruction after the switch to the relocation tables, still
    # at the control page's alias: the alias IDT, mapped in both tables
    "kexec_test_reloc_fault": ("kexec-handoff-fault", "check64", CHECK64,
        FAULT_LINE64.format(rip="ffff82e0000[0-9a-f]{5}")),
    # the 32-bit path after paging is off: the page's 32-bit IDT
    "kexec_test_fault32": ("kexec-exec32", "check32", CHECK32,
        r"^\(HV\) kexec: fault in the handoff: vector 0x00000006 "
        r"eip 0x[0-9a-f]{8} cr2 0x[0-9a-f]{8}$"),
}


@pytest.mark.parametrize("hook", sorted(HANDOFF_FAULTS))
@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("uefi", 4)])
def test_kexec_handoff_fault(boot, firmware, smp, hook):
    test, image, elf, fault_line = HANDOFF_FAULTS[hook]
    r = run(boot, firmware, smp, f"test={test}", [elf], hook)
    must = guest_passed(test, f"load {image} as the default image")
    must += [r"^\(HV\) kexec: executing the default image", fault_line]
    r.expect(STATUS_KEXEC_FAULT, must,
             [r"FATAL TRAP", r"\[qemu stderr\]", d0(r"FAIL: "),
              d0(r"Test result:"), rf"^{image}: start"])


@pytest.mark.parametrize("hook", sorted(HANDOFF_FAULTS))
def test_kexec_handoff_fault_hook_needs_debug_inject(boot, hook):
    """Without debug-inject a kexec_test_* hook is a word of the command
    line that is reported and ignored: the handoff does not fault, the
    image runs and passes."""
    test, image, elf, _ = HANDOFF_FAULTS[hook]
    r = run(boot, "bios", 1, f"test={test}", [elf], hook, debug_inject=False)
    must = [rf"^\(HV\) cmdline: '{hook}' is a test hook: needs debug-inject, "
            r"ignored$",
            r"^\(HV\) kexec: executing the default image"]
    must += image_ran(image, 1, "default")
    r.expect(STATUS_IMAGE_PASS, must, BAD + [r"Panic on CPU",
                                             d0(r"Test result:")])


# ---- CRASH images -----------------------------------------------------------

@pytest.mark.parametrize("via", ["shutdown", "fault", "exec", "inject:panic"])
@pytest.mark.parametrize("firmware,smp", MATRIX)
def test_kexec_crash(boot, firmware, smp, via):
    """via=shutdown: sched_op SHUTDOWN_crash; via=fault: ud2 in dom0;
    via=exec: KEXEC_CMD_kexec of the crash image; via=inject:panic: a panic
    injected through debug_op (what `make run` shows)."""
    r = run(boot, firmware, smp, f"test=kexec-crash via={via}", [CHECK64])
    must = guest_passed("kexec-crash", "load check64 as the crash image",
                        "status of the crash image after the load: LOADED")
    must += [r"^\(HV\) kexec: loaded a crash image \(64-bit\)",
             r"^\(HV\) kexec: running the crash image \(in place\), "
             rf"entry {CRASH_BASE:#x}$"]
    if via == "exec":
        must.append(r"^\(HV\) crash image requested by d0 "
                    r"\(KEXEC_CMD_kexec\)")
    elif via == "inject:panic":
        must += [r"^\(HV\) Injecting 'panic'", r"^\(HV\) injected panic$"]
    else:
        must.append(r"^\(HV\) Domain 0 crashed")
    if via == "fault":
        must.append(r"^\(HV\) d0: fatal invalid opcode at RIP")
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 4),
                                           ("uefi", 2)])
def test_kexec_crash_from_nmi(boot, firmware, smp):
    """A crash taken inside an NMI handler (an unexpected NMI is fatal)
    still hands over with NMIs unblocked: check64's first check sends
    itself an NMI and must take it, which fails if the CPU was left in NMI
    context at the jump."""
    r = run(boot, firmware, smp, "test=kexec-crash via=inject:nmi", [CHECK64])
    must = guest_passed("kexec-crash", "load check64 as the crash image")
    must += [r"^\(HV\) Injecting 'nmi'",
             r"^\(HV\) Unexpected NMI on CPU 0",
             r"^\(HV\) FATAL TRAP: vector 2 \(NMI\)",
             r"^\(HV\) kexec: running the crash image \(in place\), "
             rf"entry {CRASH_BASE:#x}$"]
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    bad = [b for b in BAD if b != r"FATAL TRAP"]
    r.expect(STATUS_IMAGE_PASS, must, bad + [d0(r"Test result:")])


# Where the crash path starts: a panic on CPU 0, one inside an NMI handler
# (the drain's iretq runs on the NMI stack), one on CPU 1 inside the
# injection IPI's handler.
@pytest.mark.parametrize("via", ["inject:panic", "inject:nmi", "inject:ap"])
def test_kexec_crash_pending_interrupt(boot, via):
    """kexec_test_arm_timers on the crash path: a self-IPI waits in the
    crashing CPU's IRR at the handoff; the crash path takes it without its
    handler, so check64 gets no interrupt once it enables them."""
    r = run(boot, "bios", 4, f"test=kexec-crash via={via}", [CHECK64],
            "kexec_test_arm_timers")
    must = [r"^\(HV\) kexec: running the crash image \(in place\), "
            rf"entry {CRASH_BASE:#x}$"]
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    bad = [b for b in BAD if b != r"FATAL TRAP"] if via == "inject:nmi" else BAD
    r.expect(STATUS_IMAGE_PASS, must, bad + [d0(r"Test result:")])


@pytest.mark.parametrize("firmware,smp", MATRIX)
def test_kexec_crash32(boot, firmware, smp):
    """A 32-bit CRASH image: check32 is linked at 0x2000000, so the region
    is put there (crashkernel=64M@32M); dom0 crashes and check32 runs
    through the crash path, every check passing."""
    r = KexecBoot(boot(firmware, smp, "crashkernel=64M@32M",
                       modules=[(GUEST_ELF, "test=kexec-crash32"),
                                (CHECK32, None)]))
    must = guest_passed("kexec-crash32", "load check32 as the crash image",
                        "status of the crash image after the load: LOADED")
    must += [r"^\(HV\) kexec: loaded a crash image \(32-bit\)",
             r"^\(HV\) Domain 0 crashed",
             r"^\(HV\) kexec: running the crash image \(in place\), "
             r"entry 0x200000c$"]
    must += image_ran("check32", 1, "crash", 0x2000000)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])


@pytest.mark.parametrize("firmware,smp,delay", [("bios", 1, 0), ("bios", 4, 0),
                                                ("bios", 4, 500)])
def test_crash_region_write_protected(boot, firmware, smp, delay):
    """Once a crash image is loaded, a write into the crash region from the
    hypervisor (on CPU 1 when there is one) faults, and the crash image
    runs intact.  With CPUs to spare, CPU 1 writes into the region at the
    end of boot (crash_test_touch_region), before the load: its TLB holds
    a writable entry for the page, which only the load's shootdown removes.
    With delay, CPU 1 answers the shootdown that late
    (smp_test_flush_delay_ms): the load waits for it, says so, and only
    then reports the crash image loaded."""
    extra = "crash_test_touch_region" if smp > 1 else ""
    if delay:
        extra += f" smp_test_flush_delay_ms={delay}"
    r = run(boot, firmware, smp, "test=kexec-crash via=inject:regionwrite",
            [CHECK64], hv_extra=extra)
    cpu = 1 if smp > 1 else 0
    must = [r"^\(HV\) FATAL TRAP: vector 14 \(page fault\), error code 0x3",
            rf"^\(HV\) Panic on CPU {cpu}:",
            r"FATAL TRAP: vector 14 \(page fault\) at inject_region_write_here"]
    if smp > 1:
        must.append(r"^\(HV\) crash_test_touch_region: CPU 1 wrote to the "
                    r"crash region at 0x10000000$")
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    bad = [p for p in BAD if p != r"FATAL TRAP"]
    r.expect(STATUS_IMAGE_PASS, must,
             bad + [r"it is not write protected", d0(r"Test result:")])
    if delay:
        wait = r.res.search(r"^\(HV\) SMP: TLB shootdown: waiting for CPU 1 to "
                        r"flush \(\d+ ms\)$")
        done = r.res.search(r"^\(HV\) SMP: TLB shootdown: every CPU flushed "
                        r"after (\d+) ms$")
        loaded = r.res.search(d0(r"PASS: kexec-crash: .*check64 as the crash image"))
        if int(done.group(1)) < delay:
            r.res.fail(f"the shootdown ended after {done.group(1)} ms, before "
                   f"CPU 1 answered ({delay} ms)")
        if not wait.start() < done.start() < loaded.start():
            r.res.fail("want: waiting line, flushed line, then the load's PASS")


@pytest.mark.parametrize("panic_after", [1, 4, 11])
@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 4),
                                          ("uefi", 1)])
def test_kexec_reload_panic(boot, firmware, smp, panic_after):
    """A panic while the reloaded crash image B is being written into the
    region: B runs, whole, from its staged copy (never A, never torn).
    Two image modules: B comes from modules[1]."""
    r = run(boot, firmware, smp, "test=kexec-reload", [CHECK64, CHECK64],
            f"kexec_test_reload_panic={panic_after}")
    must = guest_passed("kexec-reload", "load crash image A (image id 1)")
    must += [r"^\(HV\) kexec test: panic in the middle of a crash-image "
             rf"reload \({panic_after} pages written\)",
             r"^\(HV\) kexec: running the crash image \(staged: relocating "
             rf"it first\), entry {CRASH_BASE + 0x4000:#x}$"]
    must += image_ran("check64", 2, "crash", CRASH_BASE + 0x4000)
    r.expect(STATUS_IMAGE_PASS, must,
             BAD + [d0(r"Test result:"), r"^check64: image id 1$",
                    d0(r"PASS: kexec-reload: load crash image B")])


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("uefi", 4)])
def test_kexec_reload(boot, firmware, smp):
    """No hook: the reload returns, the crash runs B in place."""
    r = run(boot, firmware, smp, "test=kexec-reload", [CHECK64])
    must = guest_passed("kexec-reload", "load crash image A (image id 1)",
                        "load crash image B (image id 2) over A",
                        "status of the crash image after reloading B: LOADED")
    must += [r"^\(HV\) kexec: running the crash image \(in place\), "
             rf"entry {CRASH_BASE + 0x4000:#x}$"]
    must += image_ran("check64", 2, "crash", CRASH_BASE + 0x4000)
    r.expect(STATUS_IMAGE_PASS, must,
             BAD + [d0(r"Test result:"), r"^check64: image id 1$",
                    r"kexec test: panic"])


@pytest.mark.parametrize("kind", ["exec", "crash"])
@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("uefi", 4)])
def test_kexec_refused_reload(boot, firmware, smp, kind):
    """Load image 1, a load the image builder refuses (two MAPs of one
    address, -EADDRINUSE), load image 2: image 2 must run (by
    KEXEC_CMD_kexec, or on a crash).  A refused load must leave nothing
    behind that the next load or the loaded image depends on."""
    test = f"kexec-{kind}-refused-reload"
    r = run(boot, firmware, smp, f"test={test}", [CHECK64])
    must = guest_passed(test, "load image 1",
                        "a load with two MAPs of 0xffffc00000000000",
                        "load image 2 after the refused load")
    must.append(r"^\(HV\) d0 kexec_op: load refused: entry 7: MAP of an "
                r"address already mapped \(-EADDRINUSE\)$")
    if kind == "exec":
        must.append(r"^\(HV\) kexec: executing the default image")
        must += image_ran("check64", 2, "default", 0x4000000)
    else:
        must.append(r"^\(HV\) kexec: running the crash image \(in place\)")
        must += image_ran("check64", 2, "crash", CRASH_BASE)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("bios", 4)])
def test_kexec_unsafe(boot, firmware, smp):
    """After ballooning, load and exec refuse (-ENOTRECOVERABLE); the
    crash image loaded before still runs on a crash."""
    r = run(boot, firmware, smp, "test=kexec-unsafe", [CHECK64])
    must = guest_passed(
        "kexec-unsafe", "decrease_reservation of one free gfn",
        "status of the crash image after ballooning: LOADED | UNSAFE",
        "load of a default image when unsafe",
        "load of a crash image when unsafe",
        "exec of the default image when unsafe",
        "exec of the crash image when unsafe",
        "exec of the default image when none is loaded (and unsafe)")
    must += [r"^\(HV\) d0: kexec is no longer safe: memory was ballooned out",
             r"^\(HV\) d0 kexec_op: load refused: kexec is not safe: .*"
             r"\(-ENOTRECOVERABLE\)",
             r"^\(HV\) d0 kexec_op: exec refused: kexec is not safe: .*"
             r"\(-ENOTRECOVERABLE\)",
             r"^\(HV\) kexec: running the crash image \(in place\)"]
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])


# ---- validation and status: one boot each -----------------------------------

VALIDATE_REFUSALS = [
    ("EINVAL", r"load refused: struct size too small"),
    ("EINVAL", r"load refused: unknown image type"),
    ("EINVAL", r"load refused: unknown arch"),
    ("EINVAL", r"load refused: unknown flags"),
    ("EINVAL", r"load refused: entry 4: unknown operation"),
    ("EINVAL", r"load refused: entry 2: reserved field not zero"),
    ("EINVAL", r"load refused: entry 3: unused argument not zero"),
    ("E2BIG", r"load: 1048577 entries, the limit is 1048576"),
    ("E2BIG", r"load refused: entry 2: "),
    ("EFAULT", r"load: entry list 0x1000 unreadable"),
    ("ENXIO", r"load refused: no entries"),
    ("ENXIO", r"load refused: entry 0: "),
    ("ENXIO", r"load refused: entry 1: "),
    ("ENXIO", r"load refused: entry 5: "),
    ("EADDRNOTAVAIL", r"load refused: entry 3: "),
    ("EADDRNOTAVAIL", r"load refused: entry 4: "),
    ("EADDRNOTAVAIL", r"load refused: entry 5: "),
    ("EOVERFLOW", r"load refused: entry 4: "),
    ("ERANGE", r"load refused: entry 4: "),
    ("EBADMSG", r"load refused: entry 0: "),
    ("EBADMSG", r"load refused: entry 5: "),
    ("EBADMSG", r"load refused: entry 6: "),
    ("EACCES", r"load refused: entry 4: "),
    ("EADDRINUSE", r"load refused: entry 4: "),
    ("EADDRINUSE", r"load refused: entry 6: "),
    ("ENOSPC", r"load refused: entry 1: "),
    ("ENOSPC", r"load refused: entry 4: "),
    ("ENOEXEC", r"load refused: entry point outside the image"),
    ("EOPNOTSUPP", r"unknown command 99"),
    ("EINVAL", r"get_range: unknown range 99"),
    ("ENOENT", r"exec: no default image loaded"),
]


def test_kexec_validate(boot):
    """Every load rule, one case each (exact errno and bad_entry), nothing
    changes on a refusal; then the crash image loaded first runs."""
    r = run(boot, "bios", 1, "test=kexec-validate", [CHECK64])
    must = guest_passed("kexec-validate",
                        "the good list G loads as a default image",
                        "G still loads after the refusals")
    must += [rf"^\(HV\) d0 kexec_op: {what}.*\(-{err}\)$"
             for err, what in VALIDATE_REFUSALS]
    must += [r"^\(HV\) kexec: running the crash image \(in place\)"]
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])
    # every case printed PASS lines only: count them as a floor
    n = len(re.findall(d0(r"PASS: kexec-validate: "), r.log, re.M))
    assert n >= 120, f"only {n} PASS lines from kexec-validate"


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("uefi", 1)])
def test_kexec_status(boot, firmware, smp):
    r = run(boot, firmware, smp, "test=kexec-status", [CHECK64])
    must = [d0(r"Test result: SUCCESS$"),
            d0(r"--- kexec-status: SUCCESS \(\d+ checks, 0 failed\)"),
            d0(r"PASS: kexec-status: status of the default image after load, "
               r"load, unload: not loaded"),
            d0(r"PASS: kexec-status: status of the crash image after load, "
               r"load, unload: not loaded"),
            r"^\(HV\) kexec: unloaded the default image",
            r"^\(HV\) kexec: unloaded the crash image",
            r"^\(HV\) d0 kexec_op: status: unknown type 2 \(-EINVAL\)",
            r"^\(HV\) d0 kexec_op: status: argument 0x1000 unreadable "
            r"\(-EFAULT\)"]
    r.expect(STATUS_POWEROFF, must, BAD + [r"Panic on CPU",
                                           r"kexec: executing"])


# ---- the ABI's rules a caller knows in advance (issue 8) ----------------------

def test_kexec_abi_listed(boot):
    r = boot("bios", 1, "", modules=[(GUEST_ELF, "test=list")])
    r.expect(STATUS_POWEROFF, [d0(rf"dom0:\s+{t}\s")
                               for t in ("kexec-abi", "kexec-safe")],
             BAD + [d0(r"Test result:")])


def test_kexec_abi(boot):
    """MAP rules (the control page is placed outside every MAP), the MAP
    page limit at and one over, the crash load range (region minus the
    VMCOREINFO page, filled exactly), which errno wins, and the ABI's open
    points; every refusal one line; then the crash image loaded before the
    refusals runs."""
    r = run(boot, "bios", 1, "test=kexec-abi", [CHECK64])
    must = guest_passed(
        "kexec-abi",
        "MA_CRASH ends where the VMCOREINFO page begins (0x13fff000)",
        "a crash load filling the crash load range",
        "one page more: -ENOSPC",
        "MAP of VA 0..64 MiB onto a ZERO of 0x8000 pages at 64 MiB loads",
        "a MAP over the ZERO's own 1:1 addresses",
        "a MAP over a later entry's destination",
        "MAPs of exactly max_map_pages pages loads",
        "MAPs of max_map_pages + 1 pages",
        "a MAP from the low half into the hole",
        "nr_entries max_entries, the list longer than readable memory "
        "(-EFAULT, not -ENOMEM)",
        "COPY of the start_info frame (the hypervisor's)",
        "COPY of the hypercall-page frame (the hypervisor's)",
        "get_range MA_VMCOREINFO with nr 1",
        "console_io read into the hypervisor's area, nothing waiting",
        "console_io read into an unmapped guest page, nothing waiting")
    # 64M reserved: the load range is the region minus its last page
    must.append(d0(r"kexec-abi: crash load range 0x10000000, 0x3fff000 bytes$"))
    hv = r"^\(HV\) d0 kexec_op: "
    must += [hv + r"load refused: entry 1: crash image outside the crash "
             r"load range \(-ENOSPC\)$",
             hv + r"load refused: entry 3: MAP over the 1:1 address of a "
             r"destination \(-EADDRINUSE\)$",
             hv + r"load refused: entry 5: MAP over the 1:1 address of a "
             r"destination \(-EADDRINUSE\)$",
             hv + r"load refused: entry \d+: MAP pages above the limit "
             r"\(-E2BIG\)$",
             hv + r"load refused: entry 5: MAP runs into the non-canonical "
             r"hole \(-EADDRNOTAVAIL\)$",
             hv + r"get_range: nr 1 for range 6, which is not per CPU "
             r"\(-EINVAL\)$",
             hv + r"get_range: nr 1 for range 8, which is not per CPU "
             r"\(-EINVAL\)$",
             r"^\(HV\) d0 console_io: read buffer 0xffff830000000000 not "
             r"guest memory \(-EFAULT\)$",
             r"^\(HV\) kexec: running the crash image \(in place\)"]
    must += image_ran("check64", 1, "crash", CRASH_BASE)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])
    # The case: the control page lies outside VA 0..64 MiB (the
    # MAP) and 64..192 MiB (the ZERO), whatever the allocator prefers.
    m = re.search(r"^\(HV\) kexec: loaded a default image \(64-bit\): 32768 "
                  r"pages \(0 copied, 32768 zeroed\), 1 maps \(16384 pages\), "
                  r"entry 0x4000000, control page (0x[0-9a-f]+)$", r.log, re.M)
    assert m, "no load line of the MAP 0..64 MiB case"
    ctl = int(m.group(1), 16)
    assert ctl >= 0xc000000 and ctl < 1 << 32, \
        f"control page {ctl:#x} inside a MAP or destination, or above 4 GiB"


@pytest.mark.parametrize("firmware,smp", [("bios", 1), ("uefi", 1)])
def test_kexec_safe(boot, firmware, smp):
    """Every transition of "kexec is safe" through status: ballooning out
    makes it unsafe, giving every frame back makes it safe again; then the
    default image loaded when safe again runs."""
    r = run(boot, firmware, smp, "test=kexec-safe", [CHECK64])
    must = guest_passed(
        "kexec-safe", "status of the default image at boot: not loaded",
        "decrease_reservation of a gfn with no frame",
        "status of the default image after a refused decrease: not loaded",
        "status of the default image one frame out: not loaded | UNSAFE",
        "status of the default image two frames out: not loaded | UNSAFE",
        "status of the default image one of two frames back: not loaded | "
        "UNSAFE",
        "load while one frame is out",
        "status of the default image both frames back: safe again: not "
        "loaded",
        "status of the default image one frame out again: LOADED | UNSAFE",
        "exec while a frame is out",
        "increase_reservation asking for 4 frames gives the 1 missing",
        "status of the default image the frame back: safe again: LOADED")
    must += [r"^\(HV\) d0: kexec is no longer safe: memory was ballooned out",
             r"^\(HV\) d0: kexec is safe again: every ballooned-out frame "
             r"was given back$",
             r"^\(HV\) kexec: executing the default image, entry 0x4000000$"]
    must += image_ran("check64", 1, "default", 0x4000000)
    r.expect(STATUS_IMAGE_PASS, must, BAD + [d0(r"Test result:")])
    assert len(re.findall(r"kexec is safe again", r.log)) == 2
    assert len(re.findall(r"kexec is no longer safe", r.log)) == 2

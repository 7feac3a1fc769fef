# SPDX-License-Identifier: GPL-2.0-only
"""The cost of loading the same small image (check64, 6 entries, 21
pages) with 1 GiB and with 64 GiB of RAM: dom0's kexec-bench-load test
times KEXEC_CMD_kexec_load with rdtsc, 21 loads, and prints the median
in TSC cycles; here cycles become microseconds with the hypervisor's
"TSC: ... MHz" boot line.  Prints (pytest -s shows them)
    BENCH load-small-1GiB <us> us
    BENCH load-small-64GiB <us> us
    BENCH load-small-64GiB-over-1GiB <ratio> ratio
TCG maps guest RAM lazily (tools/qemu_run.py: without a reservation
above 8 GiB), so the 64 GiB boot is cheap.

The boots run under -icount shift=0: the TSC then counts virtual time
(one instruction per ns), the same on every run and every machine, so
the ratio can be held to the target (1.2) without a timed test's
flakiness; `make bench` measures the wall-clock figure."""
import os
import re

from conftest import BUILD, STATUS_POWEROFF

GUEST_ELF = os.path.join(BUILD, "guest", "dom0.elf")
CHECK64 = os.path.join(BUILD, "images", "check64.elf")
LINE = (r"^\(d0\) kexec-bench-load: bench-load: 21 loads of (\d+) entries "
        r"\((\d+) pages\): median (\d+) cycles, min (\d+), max (\d+)$")


ICOUNT = ["-icount", "shift=0,sleep=off"]


def load_us(boot, memory_mib):
    r = boot("bios", 1, "crashkernel=64M@256M",
             modules=[(GUEST_ELF, "test=kexec-bench-load"), (CHECK64, None)],
             memory=memory_mib, extra=ICOUNT)
    r.expect(STATUS_POWEROFF,
             [r"^\(d0\) Test result: SUCCESS$", LINE,
              r"^\(HV\) TSC: \d+\.\d+ MHz"], [r"Panic on CPU"])
    mhz = float(re.search(r"^\(HV\) TSC: (\d+\.\d+) MHz", r.log, re.M).group(1))
    m = re.search(LINE, r.log, re.M)
    entries, pages, med, lo, hi = map(int, m.groups())
    return med / mhz, lo / mhz, hi / mhz, entries, pages


def test_load_small_against_ram_size(boot):
    figures = {}
    for name, mib in (("1GiB", 1024), ("64GiB", 65536)):
        med, lo, hi, entries, pages = load_us(boot, mib)
        assert med > 0
        figures[name] = med
        print(f"BENCH load-small-{name} {med:.1f} us")
        print(f"  ({entries} entries, {pages} pages: min {lo:.1f}, "
              f"max {hi:.1f} us, 21 loads)")
    ratio = figures["64GiB"] / figures["1GiB"]
    print(f"BENCH load-small-64GiB-over-1GiB {ratio:.2f} ratio")
    # Virtual time: exact, so the target itself (1.2); a RAM-sized bitmap
    # made it 23.
    assert ratio < 1.2, figures

# SPDX-License-Identifier: GPL-2.0-only
"""`make bench` runs: tools/bench.py --smoke (the smallest case of every
scenario, once) must print its table and write results.json, results.md
and the plots, with every figure of each scenario present and positive.
The values themselves are not checked: these machines are shared and
noisy (docs/benchmarks.md has the figures of a real run)."""
import json
import os
import subprocess
import sys

from conftest import BUILD, ROOT


def test_bench_smoke(tmp_path):
    env = dict(os.environ, HV_BUILD=BUILD)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench.py"),
                        "--smoke"], capture_output=True, text=True, env=env,
                       timeout=600)
    assert r.returncode == 0, f"bench.py --smoke:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    out = os.path.join(BUILD, "bench")
    results = json.load(open(os.path.join(out, "results.json")))
    names = {f["name"]: f for f in results}
    want = ["crash-latency-1cpu-tcg", "crash-latency-1cpu-icount",
            "crash-latency-2cpu-tcg", "boot-boot-complete-bios-1cpu",
            "boot-dom0-entry-bios-1cpu", "linux-panic-init-tcg",
            "linux-purgatory-sha256-throughput-tcg", "relocation-64KiB",
            "load-64KiB", "null-hypercall", "kexec-reboot-bios"]
    missing = [w for w in want if w not in names]
    assert not missing, f"figures missing: {missing}\n{r.stdout[-3000:]}"
    for f in results:
        assert f["median"] > 0 and f["min"] <= f["median"] <= f["max"], f
        for k in ("name", "unit", "median", "min", "max", "n", "conditions"):
            assert k in f, (k, f)
    assert names["linux-purgatory-sha256-throughput-tcg"]["ratio"] > 0
    assert names["relocation-64KiB"]["ratio"] > 0
    assert os.path.exists(os.path.join(out, "throughput.png"))
    assert os.path.getsize(os.path.join(out, "results.md")) > 0
    assert os.path.exists(os.path.join(out, "crash-latency.png"))
    assert "| figure | median |" in r.stdout

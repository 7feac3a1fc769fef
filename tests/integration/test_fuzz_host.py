# SPDX-License-Identifier: GPL-2.0-only
"""The host fuzzers (tests/fuzz/, make fuzz-host-bin), each for a short
bounded run from its seed corpus alone: any crash, oracle failure or
sanitizer report fails the test, and so does a run that executed nothing.
make fuzz-host runs them for longer (docs/testing.md, "Host fuzzing")."""
import os
import sys

import pytest

from conftest import BUILD, ROOT

sys.path.insert(0, os.path.join(ROOT, "tools"))
import run_fuzz  # noqa: E402

SECONDS = 12


@pytest.mark.parametrize("target", run_fuzz.TARGETS)
def test_fuzz_host(target, tmp_path):
    binary = os.path.join(BUILD, "fuzz", "fuzz-" + target)
    assert os.path.exists(binary), "make fuzz-host-bin first"
    ok, execs, out = run_fuzz.run_one(BUILD, target, SECONDS, fresh=True,
                                      work=str(tmp_path))
    print("fuzz-%s: %d executions in %d s" % (target, execs, SECONDS))
    assert ok, out[-6000:]
    assert execs > 0

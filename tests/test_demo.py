"""`make demo` (python -m zarrnative.demo) runs to the end and every check
it prints holds."""

from __future__ import annotations

import subprocess
import sys


def test_demo_runs_and_its_checks_hold():
    run = subprocess.run([sys.executable, "-m", "zarrnative.demo"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for line in ("read back equal: True", "zarr-python reads the same bytes: True", "equal to numpy's: True",
                 "same memory as the source: True", "values equal: True"):
        assert line in out, out
    for check in ("equal: False", "same bytes: False", "numpy's: False", "same pointer: False", "source: False"):
        assert check not in out, out

"""The benchmark machinery (bench/run.py) on tiny arrays: zarrnative and
tensorstore, every dataset and operation, the report and the plots. No
timing assertions: this checks that `make bench` still works."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytest.importorskip("tensorstore")
pytest.importorskip("zarr")  # zarr-python writes the datasets


def test_bench_tiny(tmp_path):
    out = tmp_path / "results"
    cmd = [sys.executable, os.path.join(REPO, "bench", "run.py"), "--tiny", "--impl", "zarrnative,tensorstore",
           "--out", str(out), "--tmpdir", str(tmp_path), "--no-codecs"]
    if not _has("matplotlib"):
        cmd.append("--no-plots")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Issue 4 targets" in p.stdout

    md = (out / "tiny.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| dataset | operation | zarrnative"))
    assert "tensorstore" in header
    record = json.loads((out / "tiny.json").read_text())
    assert record["errors"] == []
    for impl in ("zarrnative", "tensorstore"):
        ops = record["measurements"][impl]
        for ds in record["meta"]["datasets"]:
            for op in ds["ops"]:
                m = ops[ds["name"]][op]
                assert m["reps"] and all(t > 0 for t, _ in m["reps"]), (impl, ds["name"], op)
                # every operation's row is in the table
                assert f"| {ds['name']} |" in md
    assert record["ceilings"]["results"]["zstd"]["read_ceiling_MBps"] > 0
    if _has("matplotlib"):
        assert (out / "tiny-read.png").stat().st_size > 0
    # the temp dir with the arrays is gone
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("zarrnative-bench-")]


def _has(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def test_gpu_bench_without_a_gpu_says_why():
    import zarrnative
    if zarrnative._gpu.features_cuda_reason() is None:
        pytest.skip("a GPU is present: test_gpu_bench_tiny runs the GPU benchmark")
    p = subprocess.run([sys.executable, os.path.join(REPO, "bench", "gpu.py"), "--gb", "0.01"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "bench/gpu.py needs a CUDA device" in p.stderr


@pytest.mark.gpu
def test_gpu_bench_tiny(tmp_path):
    pytest.importorskip("cupy")
    p = subprocess.run([sys.executable, os.path.join(REPO, "bench", "gpu.py"), "--gb", "0.05", "--repeats", "1",
                        "--out", str(tmp_path), "--tmpdir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    record = json.loads((tmp_path / "gpu.json").read_text())
    assert [r["dataset"] for r in record["rows"]] == ["sharded-zstd", "gzip"]
    for r in record["rows"]:
        assert r["gpu_matches_cpu"] is True
        assert r["zarrnative_gpu"] > 0 and r["raw_nvcomp"] > 0

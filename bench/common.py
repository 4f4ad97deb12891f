"""What the array benchmark measures, shared by the orchestrator (run.py)
and the worker subprocesses (worker.py): the datasets and their sizes per
mode, the deterministic data, statistics, and the record of the machine.

Sizes: ``full`` is issue 4's set (512^3 uint16 in 64^3 chunks, 256^3 shards;
4096^2 float32 in 32x32 chunks); ``quick`` keeps every chunk shape and
shrinks the arrays 8x (3-D) and 16x (2-D), so per-chunk figures stay
comparable; ``tiny`` is for the smoke test only.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import statistics
import sys
import zlib
from importlib.metadata import PackageNotFoundError, version

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# The order of the columns in every table and the colours of every plot.
IMPLEMENTATIONS = ("zarrnative", "tensorstore", "zarrs", "zarr-python")
PEERS = ("tensorstore", "zarrs", "zarr-python")
LABELS = {
    "zarrnative": "zarrnative",
    "tensorstore": "tensorstore",
    "zarrs": "zarr-python + zarrs pipeline",
    "zarr-python": "zarr-python (default pipeline)",
}


@dataclasses.dataclass(frozen=True)
class Dataset:
    name: str
    family: str                 # "3d", "2d" or "ml": which generated data it holds
    shape: tuple[int, ...]
    dtype: str
    chunks: tuple[int, ...]     # the read chunk: the inner chunk of a sharded array
    shards: tuple[int, ...] | None
    codec: str | None           # "zstd-1", "blosc-lz4-shuffle", "gzip-1" or None (uncompressed)
    ops: tuple[str, ...]

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape)) * np.dtype(self.dtype).itemsize

    @property
    def chunk_nbytes(self) -> int:
        return int(np.prod(self.chunks)) * np.dtype(self.dtype).itemsize

    def describe(self) -> str:
        s = "x".join(map(str, self.shape)) + f" {np.dtype(self.dtype).name}, "
        if self.shards:
            s += f"{'x'.join(map(str, self.shards))} shards of {'x'.join(map(str, self.chunks))}"
        else:
            s += f"{'x'.join(map(str, self.chunks))} chunks"
        return s + f", {self.codec or 'uncompressed'}"


@dataclasses.dataclass(frozen=True)
class Mode:
    name: str
    n3: int          # 3-D array edge
    c3: int          # 3-D chunk (inner chunk) edge
    s3: int          # 3-D shard edge
    n2: int          # 2-D array edge
    c2: int          # 2-D chunk edge
    ml_rows: int     # rows of the 2-D "training table" (ml-rows)
    ml_cols: int
    ml_chunk_rows: int
    crop: int        # edge of an ML crop
    batch: int       # rows in an ML batch
    samples: dict    # per-repeat sample counts of the latency-type operations
    repeats: int     # timed repeats per worker call (after one warm-up)
    rounds: int      # worker calls per implementation, alternating implementations
    timeout: int     # seconds a worker may take
    write_repeats: int  # full writes per worker call; with 0 warm-ups where write_warmup is False
    write_warmup: bool


MODES = {
    "full": Mode("full", 512, 64, 256, 4096, 32, 131072, 256, 64, 64, 256,
                 dict(chunk=100, slice=3, crop=20, batch=20, point=500), repeats=2, rounds=2, timeout=900,
                 write_repeats=2, write_warmup=True),
    "quick": Mode("quick", 256, 64, 128, 1024, 32, 16384, 256, 64, 64, 256,
                  dict(chunk=30, slice=3, crop=10, batch=10, point=100), repeats=2, rounds=2, timeout=300,
                  write_repeats=1, write_warmup=True),
    "tiny": Mode("tiny", 32, 8, 16, 64, 16, 512, 32, 16, 8, 32,
                 dict(chunk=5, slice=3, crop=3, batch=3, point=10), repeats=1, rounds=1, timeout=120,
                 write_repeats=1, write_warmup=True),
}


def datasets(mode: Mode) -> list[Dataset]:
    cube, c3, s3 = (mode.n3,) * 3, (mode.c3,) * 3, (mode.s3,) * 3
    sq, c2 = (mode.n2,) * 2, (mode.c2,) * 2
    base = ("read", "write", "chunk", "slice")
    return [
        Dataset("zstd", "3d", cube, "uint16", c3, None, "zstd-1", base),
        Dataset("sharded-zstd", "3d", cube, "uint16", c3, s3, "zstd-1", base + ("crop", "crops")),
        Dataset("sharded-blosc", "3d", cube, "uint16", c3, s3, "blosc-lz4-shuffle", base),
        Dataset("raw", "3d", cube, "uint16", c3, None, None, base),
        Dataset("sharded-raw", "3d", cube, "uint16", c3, s3, None, base),
        Dataset("gzip-2d", "2d", sq, "float32", c2, None, "gzip-1", base),
        Dataset("zstd-2d", "2d", sq, "float32", c2, None, "zstd-1", base + ("point",)),
        Dataset("ml-rows", "ml", (mode.ml_rows, mode.ml_cols), "float32", (mode.ml_chunk_rows, mode.ml_cols),
                None, "zstd-1", ("batch",)),
    ]


def family_shape(mode: Mode, family: str) -> tuple[tuple[int, ...], str]:
    return {"3d": ((mode.n3,) * 3, "uint16"), "2d": ((mode.n2,) * 2, "float32"),
            "ml": ((mode.ml_rows, mode.ml_cols), "float32")}[family]


# --- data ------------------------------------------------------------------------
def generate(shape: tuple[int, ...], dtype: str, tile: int) -> np.ndarray:
    """Deterministic, realistically compressible data: the codec benchmark's
    generator (tests/codec_interop.smooth_field: a smooth field, about 12
    significant bits for integers, plus noise), laid out in tiles of `tile`
    per axis, each with its own seed. Tiling keeps memory small (the
    generator builds a meshgrid per call) and gives every chunk its own field,
    as in bench_codecs.py."""
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from codec_interop import smooth_field

    out = np.empty(shape, dtype)
    grid = [-(-s // tile) for s in shape]
    for k, idx in enumerate(np.ndindex(*grid)):
        sel = tuple(slice(i * tile, min((i + 1) * tile, s)) for i, s in zip(idx, shape))
        out[sel] = smooth_field(tuple(x.stop - x.start for x in sel), dtype, seed=k)
    return out


def checksum(a: np.ndarray) -> int:
    return zlib.crc32(memoryview(np.ascontiguousarray(a)).cast("B"))


def seed_of(*parts) -> int:
    """A stable seed (the same in every process and run) for random positions."""
    return zlib.crc32("/".join(map(str, parts)).encode())


# --- statistics --------------------------------------------------------------------
def median(xs):
    return statistics.median(xs) if xs else float("nan")


def p90(xs):
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.9 * (len(s) - 1))))]


# --- the machine and the versions ----------------------------------------------------
def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_slug() -> str:
    model = re.sub(r"\(r\)|\(tm\)|cpu|processor|@.*", "", cpu_model().lower())
    model = re.sub(r"[^a-z0-9]+", "-", model).strip("-")
    return f"{os.cpu_count()}c-{model}"


def machine_info() -> dict:
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_bytes": mem,
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "loadavg": load,
    }


def versions() -> dict:
    out = {}
    for name in ("zarrnative", "zarr", "zarrs", "tensorstore", "numcodecs", "numpy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def rss_now() -> int:
    """Resident set size of this process now, in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmRSS in /proc/self/status")


def write_proc(path: str, text: str) -> bool:
    """Writes `text` to a /proc (or /sys) file; False where that is not allowed."""
    try:
        with open(path, "w") as f:
            f.write(text)
        return True
    except OSError:
        return False


def reset_peak_rss() -> bool:
    """Resets the peak RSS (VmHWM) of this process to its current RSS
    (Linux >= 4.0), so the peak of each workload is measured on its own."""
    return write_proc("/proc/self/clear_refs", "5")


def peak_rss() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

"""One benchmark subprocess: one implementation, some datasets, every
operation of each with a warm-up and the timed repeats, and the peak memory
of each operation. Or, with impl "ceiling", what the machine allows for the
same bytes (ceilings.py).

    python bench/worker.py JOB.json     (written by run.py; writes job["result"])

Random positions (chunks, slices, crops, batches, points) come from seeds
that depend on the dataset, the operation, the round and the repeat only,
so every implementation reads the same positions.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import time
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

WARMUP = -1


def array_dir(workdir, name):
    return os.path.join(workdir, "arrays", name)


class OpContext:
    def __init__(self, impl, ds, mode, rnd, workdir, data):
        self.impl, self.ds, self.mode, self.round, self.workdir, self.data = impl, ds, mode, rnd, workdir, data
        self.arr = None

    def rng(self, op, rep):
        return np.random.default_rng(common.seed_of(self.ds.name, op, self.round, rep))

    def n(self, op):
        return self.mode.samples[op]

    def timed_items(self, sels, oindex=False):
        """Reads each selection in turn: (total time, total bytes, per-item times)."""
        read = self.impl.read_oindex if oindex else self.impl.read
        items, nbytes = [], 0
        for sel in sels:
            t0 = time.perf_counter()
            r = read(self.arr, sel)
            items.append(time.perf_counter() - t0)
            nbytes += np.asarray(r).nbytes
            del r
        return sum(items), nbytes, items


# --- the operations: each runs one repeat and returns (seconds, bytes, item seconds) ----
def op_read(ctx, rep):
    ds = ctx.ds
    sel = tuple(slice(0, s) for s in ds.shape)
    t0 = time.perf_counter()
    r = ctx.impl.read(ctx.arr, sel)
    t = time.perf_counter() - t0
    if rep == WARMUP and common.checksum(r) != ctx.data[ds.family]["crc"]:
        raise AssertionError(f"{ctx.impl.name} read wrong data from {ds.name}")
    del r
    return t, ds.nbytes, [t]


def op_chunk(ctx, rep):
    """One (inner) chunk per read: the latency of the smallest unit."""
    ds, rng = ctx.ds, ctx.rng("chunk", rep)
    grid = [s // c for s, c in zip(ds.shape, ds.chunks)]
    sels = []
    for _ in range(ctx.n("chunk")):
        idx = [int(rng.integers(0, g)) for g in grid]
        sels.append(tuple(slice(i * c, (i + 1) * c) for i, c in zip(idx, ds.chunks)))
    return ctx.timed_items(sels)


def op_slice(ctx, rep):
    """Planes across each axis (3-D); a row, a column and a window (2-D)."""
    ds, rng = ctx.ds, ctx.rng("slice", rep)
    full = slice(None)
    if len(ds.shape) == 3:
        i, j, k = (int(rng.integers(0, s)) for s in ds.shape)
        sels = [(i, full, full), (full, j, full), (full, full, k)]
    else:
        i, j = (int(rng.integers(0, s)) for s in ds.shape)
        w = min(512, ds.shape[0] // 2)
        a, b = (int(rng.integers(0, s - w + 1)) for s in ds.shape)
        sels = [(i, full), (full, j), (slice(a, a + w), slice(b, b + w))]
    return ctx.timed_items(sels)


def op_crop(ctx, rep):
    """ML: random crops at unaligned offsets (each spans up to 8 inner chunks)."""
    ds, rng, c = ctx.ds, ctx.rng("crop", rep), ctx.mode.crop
    sels = []
    for _ in range(ctx.n("crop")):
        off = [int(rng.integers(0, s - c + 1)) for s in ds.shape]
        sels.append(tuple(slice(o, o + c) for o in off))
    return ctx.timed_items(sels)


def op_crops(ctx, rep):
    """ML: the same random crops as one batch (a training step's worth), each
    implementation's natural batch form: zarrnative's read_batch, all of
    tensorstore's reads issued before waiting, and a loop for zarr-python."""
    ds, rng, c = ctx.ds, ctx.rng("crop", rep), ctx.mode.crop
    sels = []
    for _ in range(ctx.n("crop")):
        off = [int(rng.integers(0, s - c + 1)) for s in ds.shape]
        sels.append(tuple(slice(o, o + c) for o in off))
    t0 = time.perf_counter()
    r = ctx.impl.read_batch(ctx.arr, sels)
    t = time.perf_counter() - t0
    nbytes = r.nbytes
    if rep == WARMUP:  # the batch holds what single reads give
        for i in (0, len(sels) - 1):
            if not np.array_equal(r[i], np.asarray(ctx.impl.read(ctx.arr, sels[i]))):
                raise AssertionError(f"{ctx.impl.name} read a wrong batch from {ds.name}")
    del r
    return t, nbytes, [t]


def op_batch(ctx, rep):
    """ML: random batches of rows (sorted, distinct) of a 2-D table."""
    ds, rng = ctx.ds, ctx.rng("batch", rep)
    sels = [(np.sort(rng.choice(ds.shape[0], ctx.mode.batch, replace=False)), slice(None))
            for _ in range(ctx.n("batch"))]
    return ctx.timed_items(sels, oindex=True)


def op_point(ctx, rep):
    """Many small reads: one element per call."""
    ds, rng = ctx.ds, ctx.rng("point", rep)
    sels = [tuple(int(rng.integers(0, s)) for s in ds.shape) for _ in range(ctx.n("point"))]
    return ctx.timed_items(sels)


# Written arrays are kept (see op_write) while this much disk stays free.
KEEP_WRITES_FREE_BYTES = 16 << 30


def op_write(ctx, rep):
    """The whole array into a fresh array with the same metadata (zarr.json
    copied from the read dataset), so every implementation writes the same
    codecs. Creating and deleting it is not timed."""
    ds = ctx.ds
    path = os.path.join(ctx.workdir, "w", f"{ctx.impl.name}-{ds.name}-{ctx.round}-{rep}")
    os.makedirs(path)
    shutil.copy(os.path.join(array_dir(ctx.workdir, ds.name), "zarr.json"), path)
    try:
        arr = ctx.impl.open(path, write=True)
        settle_page_cache()
        t0 = time.perf_counter()
        ctx.impl.write(arr, ctx.source)
        t = time.perf_counter() - t0
        if rep == WARMUP or (rep == 0 and not ctx.mode.write_warmup):
            # read back once: a write that did nothing would look fast
            back = ctx.impl.read(ctx.impl.open(path), tuple(slice(0, s) for s in ds.shape))
            if common.checksum(back) != ctx.data[ds.family]["crc"]:
                raise AssertionError(f"{ctx.impl.name} wrote wrong data to {ds.name}")
            del back
        del arr
    finally:
        # The array stays until the run ends (the temp dir goes then) while
        # the disk has room: on ext4 without a journal, inodes freed in the
        # last one to six minutes are skipped one by one whenever a file is
        # made, so deleting here would slow whichever implementation writes
        # next. Its pages go to disk now, untimed, so that no later
        # measurement shares the machine with their writeback, and then out
        # of the page cache, so that later writes do not have to reclaim them.
        if shutil.disk_usage(ctx.workdir).free < KEEP_WRITES_FREE_BYTES:
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.sync()
            _drop_cached_pages(path)
    return t, ds.nbytes, [t]


def settle_page_cache():
    """Before each timed write: dirty pages go to disk and, where the bench
    runs as root, the kernel drops its clean cached pages (vm.drop_caches=1),
    so that every implementation's write starts from the same kernel memory
    state. On this virtual machine the system time of writing 256 MiB swung
    between 0.1 s and 0.5 s for either library, in phases that outlast a
    subprocess, until the cache was dropped. Returns whether it was dropped."""
    os.sync()
    return common.write_proc("/proc/sys/vm/drop_caches", "1")


def _files_below(path):
    for root, _, files in os.walk(path):
        for name in files:
            yield os.path.join(root, name)


def warm_files(path):
    """Reads every file below `path` once, so that it is in the page cache."""
    for name in _files_below(path):
        try:
            with open(name, "rb", buffering=0) as f:
                while f.read(1 << 20):
                    pass
        except OSError:
            continue


def _drop_cached_pages(path):
    """Asks the kernel to drop the (clean) cached pages of every file below `path`."""
    for name in _files_below(path):
        try:
            fd = os.open(name, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


OPS = {"read": op_read, "chunk": op_chunk, "slice": op_slice, "crop": op_crop, "crops": op_crops, "batch": op_batch,
       "point": op_point, "write": op_write}


def run_op(ctx, op):
    """Warm-up, then the repeats; the peak RSS above the RSS just before."""
    fn = OPS[op]
    if op == "write":  # the source, loaded before the baseline
        ctx.source = np.load(ctx.data[ctx.ds.family]["npy"])
    repeats, warmup = ctx.mode.repeats, True
    if op == "write":  # writing the whole array is the slowest operation: fewer in the full run
        repeats, warmup = ctx.mode.write_repeats, ctx.mode.write_warmup
    gc.collect()
    base = common.rss_now()
    common.reset_peak_rss()
    if warmup:
        fn(ctx, WARMUP)
    reps = [fn(ctx, rep) for rep in range(repeats)]
    peak = common.peak_rss()
    ctx.source = None
    if op == "write":  # the operations after it read the dataset from the page cache again
        warm_files(array_dir(ctx.workdir, ctx.ds.name))
    return {"reps": [[t, b] for t, b, _ in reps], "items": [x for _, _, items in reps for x in items],
            "mem": max(0, peak - base)}


def run_impl(job, mode, dsets):
    from impls import ADAPTERS
    impl = ADAPTERS[job["impl"]]()
    out = {"settings": impl.settings(), "results": {}}
    for ds in dsets:
        warm_files(array_dir(job["workdir"], ds.name))  # page-cache reads, whatever ran before
        ctx = OpContext(impl, ds, mode, job["round"], job["workdir"], job["data"])
        res = out["results"][ds.name] = {}
        try:
            ctx.arr = impl.open(array_dir(job["workdir"], ds.name))
        except Exception as e:
            res["_open"] = {"error": f"{type(e).__name__}: {e}"}
            continue
        for op in ds.ops:
            try:
                res[op] = run_op(ctx, op)
            except Exception as e:
                traceback.print_exc()
                res[op] = {"error": f"{type(e).__name__}: {e}".splitlines()[0][:300]}
        ctx.arr = None
    return out


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    mode = common.MODES[job["mode"]]
    dsets = [d for d in common.datasets(mode) if d.name in job["datasets"]]
    if job["impl"] == "ceiling":
        import ceilings
        out = ceilings.run(job, mode, dsets)
    else:
        out = run_impl(job, mode, dsets)
    out["impl"] = job["impl"]
    with open(job["result"], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()

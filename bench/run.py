"""zarrnative against zarr-python 3.1.6 (default pipeline and the zarrs
pipeline) and tensorstore 0.1.86, on local disk, in the same run.

    python bench/run.py            # full (make bench)
    python bench/run.py --quick    # smaller arrays, same chunks (make bench-quick, < 3 minutes)

Data are generated deterministically, written once by zarr-python into a
temp dir, and read by every implementation; writes go to fresh arrays with
the same metadata. Each implementation runs in its own subprocess (worker.py),
implementations alternate (the order rotates every round), each operation
has a warm-up and the median of the repeats is reported, with the peak RSS
above the baseline. Ceilings (ceilings.py) and the codec micro-benchmark
(bench_codecs.py) run in the same run. Output: a markdown report, a JSON
record and PNG plots under bench/results/<date>-<machine>/, and a summary
on the terminal. The machine is shared and noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402
import report  # noqa: E402

MODULES = {"zarrnative": "zarrnative", "tensorstore": "tensorstore", "zarrs": "zarrs", "zarr-python": "zarr"}


def log(msg):
    print(msg, flush=True)


def zarr_python_codecs(ds):
    import zarr
    return {
        None: None,
        "zstd-1": zarr.codecs.ZstdCodec(level=1),
        "gzip-1": zarr.codecs.GzipCodec(level=1),
        "blosc-lz4-shuffle": zarr.codecs.BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"),
    }[ds.codec]


def prepare(workdir, mode, dsets):
    """Generates each family's data once (.npy), then writes every dataset
    with zarr-python (untimed). Returns {family: {"npy", "crc"}}."""
    import numpy as np
    import zarr

    data = {}
    for fam in sorted({d.family for d in dsets}):
        shape, dtype = common.family_shape(mode, fam)
        tile = mode.c3 if fam == "3d" else 256
        t0 = time.perf_counter()
        a = common.generate(shape, dtype, tile)
        path = os.path.join(workdir, "data", f"{fam}.npy")
        np.save(path, a)
        data[fam] = {"npy": path, "crc": common.checksum(a), "array": a}
        log(f"  data {fam}: {'x'.join(map(str, shape))} {dtype} in {time.perf_counter() - t0:.1f} s")
    for ds in dsets:
        t0 = time.perf_counter()
        arr = zarr.create_array(os.path.join(workdir, "arrays", ds.name), shape=ds.shape, dtype=ds.dtype,
                                chunks=ds.chunks, shards=ds.shards, compressors=zarr_python_codecs(ds),
                                fill_value=0)
        arr[...] = data[ds.family]["array"]
        log(f"  wrote {ds.name} ({ds.describe()}) in {time.perf_counter() - t0:.1f} s")
    for d in data.values():
        del d["array"]
    return data


def run_worker(job, timeout):
    """Runs worker.py on a job; returns its result dict or {"error": ...}."""
    path = job["result"] + ".job.json"
    with open(path, "w") as f:
        json.dump(job, f)
    try:
        p = subprocess.run([sys.executable, os.path.join(HERE, "worker.py"), path], capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    if p.returncode != 0 or not os.path.exists(job["result"]):
        tail = [ln for ln in p.stderr.splitlines() if "Still waiting to acquire lock" not in ln][-3:]
        return {"error": f"worker exited with {p.returncode}: {' / '.join(tail)}"}
    with open(job["result"]) as f:
        return json.load(f)


def merge(merged, impl, out, errors):
    """Adds one worker's measurements to merged[impl][dataset][op]."""
    if "error" in out:
        errors.append(f"{impl}: {out['error']}")
        return
    for ds_name, ops in out["results"].items():
        for op, m in ops.items():
            dst = merged.setdefault(impl, {}).setdefault(ds_name, {})
            if "error" in m:
                msg = f"{impl} {ds_name} {op}: {m['error']}"
                if msg not in errors:
                    errors.append(msg)
                if op != "_open":
                    dst[op] = {"error": m["error"]}
                continue
            cur = dst.setdefault(op, {"reps": [], "items": [], "mem": []})
            if "error" in cur:
                continue
            cur["reps"] += m["reps"]
            cur["items"] += m["items"]
            cur["mem"].append(m["mem"])


def zarrnative_source():
    """Where the zarrnative under test comes from (path and commit), found
    without importing it here."""
    spec = importlib.util.find_spec("zarrnative")
    if spec is None or not spec.origin:
        return None
    src = os.path.dirname(spec.origin)
    try:
        rev = subprocess.run(["git", "-C", src, "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"{src} ({rev})" if rev else src


def codecs_part(quick):
    cmd = [sys.executable, os.path.join(HERE, "bench_codecs.py"), "--repeat", "3"] + (["--quick"] if quick else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return None, f"bench_codecs.py exited with {p.returncode}: {p.stderr.strip().splitlines()[-1:]}"
    return p.stdout, None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="smaller arrays, same chunk shapes (< 3 minutes)")
    g.add_argument("--tiny", action="store_true", help="tiny arrays: checks the machinery only (smoke test)")
    ap.add_argument("--impl", default=",".join(common.IMPLEMENTATIONS),
                    help="comma-separated subset of " + ",".join(common.IMPLEMENTATIONS))
    ap.add_argument("--datasets", default=None, help="comma-separated subset of the datasets")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--out", default=None, help="output folder (default bench/results/<date>-<machine>)")
    ap.add_argument("--tmpdir", default=None, help="where the temp dir with the arrays goes (local disk)")
    ap.add_argument("--no-codecs", action="store_true", help="skip the codec micro-benchmark")
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args(argv)

    mode = common.MODES["quick" if args.quick else "tiny" if args.tiny else "full"]
    over = {k: v for k, v in (("rounds", args.rounds), ("repeats", args.repeats)) if v}
    if over:
        mode = common.dataclasses.replace(mode, **over)
    dsets = common.datasets(mode)
    if args.datasets:
        want = args.datasets.split(",")
        unknown = set(want) - {d.name for d in dsets}
        if unknown:
            ap.error(f"unknown datasets {sorted(unknown)}; known: {[d.name for d in dsets]}")
        dsets = [d for d in dsets if d.name in want]
    impls, skipped = [], []
    for name in args.impl.split(","):
        if name not in MODULES:
            ap.error(f"unknown implementation {name!r}")
        (impls if importlib.util.find_spec(MODULES[name]) else skipped).append(name)
    if importlib.util.find_spec("zarr") is None:
        sys.exit("bench: zarr-python writes the datasets; install the bench extra (make bench does)")

    date = time.strftime("%Y-%m-%d")
    outdir = args.out or os.path.join(HERE, "results", f"{date}-{common.machine_slug()}")
    os.makedirs(outdir, exist_ok=True)
    # SIGTERM (and SIGINT, which background jobs ignore) still removes the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="zarrnative-bench-", dir=args.tmpdir)
    for sub in ("data", "arrays", "w", "out"):
        os.makedirs(os.path.join(workdir, sub))
    t_start = time.time()
    load_start = [round(x, 2) for x in os.getloadavg()]
    log(f"bench ({mode.name}): {', '.join(impls)} on {common.cpu_model()}, {os.cpu_count()} cores; "
        f"temp dir {workdir}" + (f"; not installed, skipped: {', '.join(skipped)}" if skipped else ""))
    errors = [f"{s}: not installed, skipped" for s in skipped]
    merged, settings, ceilings = {}, {}, {}
    try:
        data = prepare(workdir, mode, dsets)
        names = [d.name for d in dsets]
        # Tiny runs (smoke test) put all datasets in one worker per implementation.
        groups = [names] if mode.name == "tiny" else [[n] for n in names]
        for rnd in range(mode.rounds):
            job = {"impl": "ceiling", "mode": mode.name, "round": rnd, "workdir": workdir, "datasets": names,
                   "data": data, "result": os.path.join(workdir, "out", f"ceiling-{rnd}.json")}
            out = run_worker(job, mode.timeout)
            if "error" in out:
                errors.append(f"ceilings: {out['error']}")
            elif not ceilings:
                ceilings = out
            else:  # keep the best (the least disturbed) of the rounds
                ceilings["memcpy_MBps"] = max(ceilings["memcpy_MBps"], out["memcpy_MBps"])
                for k, c in out["results"].items():
                    for key in ("file_MBps", "decode_MBps", "read_ceiling_MBps"):
                        ceilings["results"][k][key] = max(ceilings["results"][k][key], c[key])
                    ceilings["results"][k]["chunk_us"] = min(ceilings["results"][k]["chunk_us"], c["chunk_us"])
            for gi, group in enumerate(groups):
                shift = (rnd + gi) % len(impls)
                for impl in impls[shift:] + impls[:shift]:
                    t0 = time.perf_counter()
                    job = dict(job, impl=impl, datasets=group,
                               result=os.path.join(workdir, "out", f"{impl}-{gi}-{rnd}.json"))
                    out = run_worker(job, mode.timeout)
                    merge(merged, impl, out, errors)
                    settings.setdefault(impl, out.get("settings"))
                    log(f"  round {rnd + 1}/{mode.rounds}  {'+'.join(group) if len(group) < 3 else 'all':<14} "
                        f"{impl:<12} {time.perf_counter() - t0:5.1f} s" + ("  ERROR" if "error" in out else ""))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    codecs_md = None
    if not args.no_codecs and "zarrnative" in impls:
        log("  codecs: bench/bench_codecs.py")
        codecs_md, err = codecs_part(quick=mode.name != "full")
        if err:
            errors.append(err)

    cmd = "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    meta = {
        "mode": mode.name, "date": date, "command": cmd.strip(), "machine": common.machine_info(),
        "versions": common.versions(), "zarrnative_source": zarrnative_source(),
        "implementations": impls, "settings": settings, "rounds": mode.rounds, "repeats": mode.repeats,
        "page_cache_dropped_before_writes": os.access("/proc/sys/vm/drop_caches", os.W_OK),
        "load_start": load_start, "load_end": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.time() - t_start, 1),
        "datasets": [{"name": d.name, "description": d.describe(), "nbytes": d.nbytes, "ops": list(d.ops)}
                     for d in dsets],
    }
    rows = report.table_rows(merged, dsets)
    md = report.markdown(meta, rows, ceilings, codecs_md, errors)
    with open(os.path.join(outdir, f"{mode.name}.md"), "w") as f:
        f.write(md)
    with open(os.path.join(outdir, f"{mode.name}.json"), "w") as f:
        json.dump({"meta": meta, "measurements": merged, "ceilings": ceilings, "errors": errors}, f, indent=1)
    pngs = [] if args.no_plots else report.plots(rows, ceilings, [i for i in common.IMPLEMENTATIONS if i in impls],
                                                 outdir, mode.name)
    log("")
    log(report.summary(rows, ceilings, impls))
    if errors:
        log("\nerrors:\n  " + "\n  ".join(errors))
    log(f"\n{len(pngs)} plots and the report in {os.path.relpath(outdir)}/{mode.name}.md "
        f"({meta['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

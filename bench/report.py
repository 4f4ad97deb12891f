"""From the merged measurements to the markdown report, the PNG plots and
the terminal summary, including issue 4's targets as ratios to tensorstore
in the same run."""

from __future__ import annotations

import math
import os

import common
from common import IMPLEMENTATIONS, LABELS, PEERS

LATENCY_OPS = ("chunk", "crop", "batch", "point")
OP_TITLES = {
    "read": "full read", "write": "full write", "chunk": "single chunk", "slice": "slices",
    "crop": "ML: random crops", "crops": "ML: crops as one batch", "batch": "ML: random row batches", "point": "single elements",
}
COLOURS = {"zarrnative": "#d62728", "tensorstore": "#1f77b4", "zarrs": "#ff7f0e", "zarr-python": "#7f7f7f"}


def metrics(m: dict, op: str) -> dict:
    """MB/s (median over repeats), latency median / p90 (ms) over all items,
    peak memory (bytes above the baseline, the largest of the rounds)."""
    if "error" in m:
        return {"error": m["error"]}
    out = {"MBps": common.median([b / t / 1e6 for t, b in m["reps"] if t > 0]), "mem": max(m["mem"])}
    if op in LATENCY_OPS or op == "slice":
        out["lat_ms"] = common.median(m["items"]) * 1e3
        out["p90_ms"] = common.p90(m["items"]) * 1e3
    return out


def table_rows(merged: dict, dsets) -> list[dict]:
    rows = []
    for ds in dsets:
        for op in ds.ops:
            row = {"dataset": ds.name, "op": op, "ds": ds, "by": {}}
            for impl in merged:
                m = merged[impl].get(ds.name, {}).get(op)
                if m is not None:
                    row["by"][impl] = metrics(m, op)
            rows.append(row)
    return rows


def _ok(row, impl, key="MBps"):
    v = row["by"].get(impl, {}).get(key)
    return v if v is not None and not (isinstance(v, float) and math.isnan(v)) else None


def best_peer(row, key="MBps", lower=False):
    vals = [(row["by"][p][key], p) for p in PEERS if _ok(row, p, key) is not None]
    if not vals:
        return None, None
    v, p = (min if lower else max)(vals)
    return v, p


def fmt(v, digits=0):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if digits == 0 and abs(v) < 10:
        return f"{v:.2g}" if v < 1 else f"{v:.1f}"
    return f"{v:.{digits}f}"


def targets(rows, ceilings) -> list[dict]:
    """Issue 4: ratios of zarrnative to tensorstore in this run."""
    out = []

    def add(name, row, key, target, lower):
        zn, ts = _ok(row, "zarrnative", key), _ok(row, "tensorstore", key)
        ratio = zn / ts if zn and ts else None
        ok = None if ratio is None else (ratio <= target if lower else ratio >= target)
        out.append({"target": name, "row": f"{row['dataset']} {row['op']}", "ratio": ratio,
                     "goal": f"{'<=' if lower else '>='} {target}", "pass": ok})

    for row in rows:
        ds, op = row["ds"], row["op"]
        if op == "read" and ds.family == "3d":
            add("full read >= 2x tensorstore", row, "MBps", 2.0, False)
        if op == "read" and ds.family == "2d":
            add("tiny-chunk read >= 1.8x tensorstore", row, "MBps", 1.8, False)
        if op == "chunk" and ds.shards:
            add("inner-chunk latency <= 0.8x tensorstore", row, "lat_ms", 0.8, True)
        if op == "write":
            add("write >= 1.2x tensorstore", row, "MBps", 1.2, False)
    for row in rows:
        if row["op"] == "read":
            mem = _ok(row, "zarrnative", "mem")
            ratio = None if mem is None else mem / row["ds"].nbytes
            out.append({"target": "peak memory of a full read <= 1.1x result", "row": f"{row['dataset']} read",
                        "ratio": ratio, "goal": "<= 1.1", "pass": None if ratio is None else ratio <= 1.1})
    order = ["full read", "tiny-chunk", "inner-chunk", "write", "peak memory"]
    return sorted(out, key=lambda t: [t["target"].startswith(o) for o in order].index(True))


def markdown(meta: dict, rows, ceilings: dict, codecs_md: str | None, errors: list[str]) -> str:
    impls = [i for i in IMPLEMENTATIONS if i in meta["implementations"]]
    L = []
    L.append(f"# zarrnative array benchmark ({meta['mode']}), {meta['date']}\n")
    mach = meta["machine"]
    L.append(f"- machine: {mach['cpu_model']}, {mach['cores']} cores ({mach['usable_cores']} usable), "
             f"{(mach['memory_bytes'] or 0) / 2**30:.0f} GiB, Linux {mach['kernel']}, Python {mach['python']}; "
             f"load average at start {meta['load_start']}, at end {meta['load_end']}")
    L.append(f"- command: `{meta['command']}`; {meta['rounds']} rounds x (1 warm-up + {meta['repeats']} repeats) "
             "per implementation, implementations alternating, each in its own subprocess; medians")
    L.append("- versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v))
    if meta.get("zarrnative_source"):
        L.append(f"- zarrnative source: {meta['zarrnative_source']}")
    for impl in impls:
        L.append(f"- {LABELS[impl]} settings: `{meta['settings'].get(impl)}`")
    L.append("- data: deterministic smooth fields plus noise (tests/codec_interop.smooth_field, tiled), "
             "written once by zarr-python 3.1.6 into a temp dir on local disk; every implementation reads "
             "those bytes (from the page cache) and writes the same metadata into fresh arrays")
    L.append("- writes: each timed write starts after `sync`"
             + (" and a drop of the kernel's clean page cache (vm.drop_caches=1)"
                if meta.get("page_cache_dropped_before_writes") else
                " (not root: the page cache was not dropped)")
             + "; the written arrays go to disk and out of the page cache after it, untimed")
    L.append("")
    L.append("## Throughput (MB/s of array data; higher is better)\n")
    L.append("Ratio: zarrnative / the best peer in the row. Ceiling: cores x the single-thread "
             "file read + numcodecs decode rate of the same bytes (full reads only).\n")
    L.append("| dataset | operation | " + " | ".join(LABELS[i] for i in impls) + " | zn / best peer | % of ceiling |")
    L.append("|---|---|" + "---|" * len(impls) + "---|---|")
    for row in rows:
        cells = []
        for i in impls:
            m = row["by"].get(i, {})
            cells.append("error" if "error" in m else fmt(m.get("MBps")))
        bp, who = best_peer(row)
        zn = _ok(row, "zarrnative")
        ratio = f"{zn / bp:.2f} ({who})" if zn and bp else "–"
        ceil = ceilings.get("results", {}).get(row["dataset"], {}).get("read_ceiling_MBps")
        pct = f"{100 * zn / ceil:.0f}%" if row["op"] == "read" and zn and ceil else ""
        L.append(f"| {row['dataset']} | {OP_TITLES[row['op']]} | " + " | ".join(cells) + f" | {ratio} | {pct} |")
    L.append("")
    L.append("## Latency per call (ms, median / p90; lower is better)\n")
    L.append("| dataset | operation | " + " | ".join(LABELS[i] for i in impls) + " | zn / best peer (median) |")
    L.append("|---|---|" + "---|" * len(impls) + "---|")
    for row in rows:
        if row["op"] not in LATENCY_OPS:
            continue
        cells = []
        for i in impls:
            m = row["by"].get(i, {})
            cells.append("error" if "error" in m else f"{fmt(m.get('lat_ms'), 3)} / {fmt(m.get('p90_ms'), 3)}")
        bp, who = best_peer(row, "lat_ms", lower=True)
        zn = _ok(row, "zarrnative", "lat_ms")
        ratio = f"{zn / bp:.2f} ({who})" if zn and bp else "–"
        L.append(f"| {row['dataset']} | {OP_TITLES[row['op']]} | " + " | ".join(cells) + f" | {ratio} |")
    L.append("")
    L.append("## Peak memory (MB above the process's RSS before the operation; lower is better)\n")
    L.append("| dataset | operation | result MB | " + " | ".join(LABELS[i] for i in impls) + " |")
    L.append("|---|---|---|" + "---|" * len(impls))
    for row in rows:
        if row["op"] not in ("read", "write"):
            continue
        cells = [fmt((row["by"].get(i, {}).get("mem") or 0) / 1e6) if "mem" in row["by"].get(i, {}) else "–"
                 for i in impls]
        L.append(f"| {row['dataset']} | {OP_TITLES[row['op']]} | {row['ds'].nbytes / 1e6:.0f} | "
                 + " | ".join(cells) + " |")
    L.append("")
    L.append("## Ceilings (single thread, same bytes, same run)\n")
    L.append(f"memcpy into a preallocated buffer: {fmt(ceilings.get('memcpy_MBps'))} MB/s\n")
    L.append("| dataset | files | encoded chunks | file read MB/s (page cache) | numcodecs decode MB/s | "
             "read + decode per chunk (us) | read ceiling, all cores (MB/s) |")
    L.append("|---|---|---|---|---|---|---|")
    for name, c in ceilings.get("results", {}).items():
        L.append(f"| {name} | {c['files']} | {c['chunks']} | {fmt(c['file_MBps'])} | {fmt(c['decode_MBps'])} | "
                 f"{c['chunk_us']:.1f} | {fmt(c['read_ceiling_MBps'])} |")
    L.append("")
    L.append("## Issue 4 targets (zarrnative / tensorstore, this run)\n")
    L.append("| target | row | ratio | goal | |")
    L.append("|---|---|---|---|---|")
    for t in targets(rows, ceilings):
        r = "–" if t["ratio"] is None else f"{t['ratio']:.2f}"
        verdict = {True: "pass", False: "**miss**", None: "n/a"}[t["pass"]]
        L.append(f"| {t['target']} | {t['row']} | {r} | {t['goal']} | {verdict} |")
    L.append("")
    L.append("## Datasets\n")
    for ds in meta["datasets"]:
        L.append(f"- **{ds['name']}**: {ds['description']} ({ds['nbytes'] / 1e6:.0f} MB; ops: {', '.join(ds['ops'])})")
    if errors:
        L.append("\n## Errors\n")
        L += [f"- {e}" for e in errors]
    if codecs_md:
        L.append("\n## Codecs (bench/bench_codecs.py: zarrnative's batch API against numcodecs)\n")
        L.append(codecs_md.strip())
    return "\n".join(L) + "\n"


def plots(rows, ceilings: dict, impls, outdir: str, prefix: str) -> list[str]:
    """One PNG per operation: bars per dataset, one colour per implementation;
    full reads carry the ceiling as a black line."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    ops = []
    for row in rows:
        if row["op"] not in ops:
            ops.append(row["op"])
    for op in ops:
        sel = [r for r in rows if r["op"] == op]
        lat = op in LATENCY_OPS
        key = "lat_ms" if lat else "MBps"
        fig, ax = plt.subplots(figsize=(max(4.5, 1.6 * len(sel) + 2), 4))
        width = 0.8 / len(impls)
        for k, impl in enumerate(impls):
            xs, ys = [], []
            for j, r in enumerate(sel):
                v = _ok(r, impl, key)
                if v:
                    xs.append(j + (k - (len(impls) - 1) / 2) * width)
                    ys.append(v)
            ax.bar(xs, ys, width, label=LABELS[impl], color=COLOURS[impl])
        if op == "read":
            for j, r in enumerate(sel):
                c = ceilings.get("results", {}).get(r["dataset"], {}).get("read_ceiling_MBps")
                if c:
                    ax.hlines(c, j - 0.45, j + 0.45, colors="black", linewidth=1.5,
                              label="ceiling (cores x 1-thread read+decode)" if j == 0 else None)
        ax.set_xticks(range(len(sel)))
        ax.set_xticklabels([r["dataset"] for r in sel], rotation=20, ha="right")
        ax.set_yscale("log")
        ax.set_ylabel("median ms per call (lower is better)" if lat else "MB/s (higher is better)")
        ax.set_title(OP_TITLES[op])
        ax.legend(fontsize=7)
        fig.tight_layout()
        path = os.path.join(outdir, f"{prefix}-{op}.png")
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def summary(rows, ceilings, impls) -> str:
    L = [f"{'dataset':<14} {'operation':<18} {'zarrnative':>11} {'best peer':>11}  {'(who)':<12} zn/peer"]
    for row in rows:
        lat = row["op"] in LATENCY_OPS
        key = "lat_ms" if lat else "MBps"
        zn = _ok(row, "zarrnative", key)
        bp, who = best_peer(row, key, lower=lat)
        unit = "ms" if lat else "MB/s"
        ratio = f"{zn / bp:.2f}" if zn and bp else "–"
        L.append(f"{row['dataset']:<14} {OP_TITLES[row['op']][:18]:<18} {fmt(zn, 3 if lat else 0):>8} {unit:<4}"
                 f"{fmt(bp, 3 if lat else 0):>8}  ({who or '–'})".ljust(70) + f" {ratio}")
    L.append("")
    L.append("Issue 4 targets (zarrnative / tensorstore, this run):")
    for t in targets(rows, ceilings):
        r = "–" if t["ratio"] is None else f"{t['ratio']:.2f}"
        verdict = {True: "pass", False: "MISS", None: "n/a"}[t["pass"]]
        L.append(f"  {verdict:<5} {t['target']:<45} {t['row']:<20} {r:>6} (goal {t['goal']})")
    return "\n".join(L)

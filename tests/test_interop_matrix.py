"""Interop matrix: arrays written by zarrnative are read identically by
zarr-python 3.1.6 and tensorstore 0.1.86, and arrays written by either of
them are read identically by zarrnative, for full reads and for selections
of every kind (basic with steps, negative ints and Ellipsis; oindex; vindex
coordinates and masks; blocks), each compared with numpy's own indexing of
the same data.

The matrix is chosen, not a cartesian product: every dtype appears with the
default codecs in v2 and v3; every codec, key encoding, order, layout (edge
chunks, sharding, 0-d, zero-length) and fill value appears with a few dtypes
that exercise it (multi-byte types for byte order and transpose, floats for
NaN and infinities). Each case is written with part of the array left
unwritten, so the fill value is read too.

tensorstore creates its arrays from the metadata document zarr-python writes
for the same case (tensorstore then writes its own metadata and chunks).
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest

import zarrnative
from zarrnative import codecs as zc

zarr = pytest.importorskip("zarr")
numcodecs = pytest.importorskip("numcodecs")
ts = pytest.importorskip("tensorstore")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning",
                                        "ignore::DeprecationWarning", "ignore::RuntimeWarning")


# --- the cases ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    dtype: str  # numpy spelling, or "str" for variable-length UTF-8
    shape: tuple
    chunks: tuple
    fmt: int = 3
    shards: tuple | None = None
    # codec factories: called with zarrnative.codecs or zarr.codecs (v2: numcodecs objects)
    filters: Callable | None = None
    compressors: Callable | None = None
    serializer: Callable | None = None
    fill: Any = 0
    order: str = "C"  # v2 only
    key: dict | None = None  # chunk_key_encoding
    note: str = ""

    def kwargs(self, m) -> dict:
        m = _V2 if self.fmt == 2 else m
        kw: dict = dict(shape=self.shape, chunks=self.chunks, dtype=str if self.dtype == "str" else self.dtype,
                        zarr_format=self.fmt, fill_value=self.fill,
                        compressors=self.compressors(m) if self.compressors else None)
        if self.shards is not None:
            kw["shards"] = self.shards
        if self.filters is not None:
            kw["filters"] = self.filters(m)
        if self.serializer is not None:
            kw["serializer"] = self.serializer(m)
        if self.fmt == 2:
            kw["order"] = self.order
        if self.key is not None:
            kw["chunk_key_encoding"] = self.key
        return kw


NUMERIC = ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16", "bool"]
TIME = ["M8[s]", "M8[ms]", "m8[s]", "m8[us]"]


class _V2:
    """What the codec factories get for a v2 case: numcodecs."""
    ZstdCodec = staticmethod(lambda level: numcodecs.Zstd(level=level))


def _zstd(m):
    return [m.ZstdCodec(level=1)]


V3_CODECS = {
    "none": dict(),
    "zstd": dict(compressors=lambda m: [m.ZstdCodec(level=3, checksum=True)]),
    "gzip": dict(compressors=lambda m: [m.GzipCodec(level=1)]),
    "blosc-lz4-shuffle": dict(compressors=lambda m: [m.BloscCodec(cname="lz4", clevel=5, shuffle="shuffle")]),
    "blosc-zstd-bitshuffle": dict(compressors=lambda m: [m.BloscCodec(cname="zstd", clevel=1,
                                                                      shuffle="bitshuffle")]),
    "crc32c": dict(compressors=lambda m: [m.Crc32cCodec()]),
    "gzip-crc32c": dict(compressors=lambda m: [m.GzipCodec(level=1), m.Crc32cCodec()]),
    "transpose": dict(filters=lambda m: [m.TransposeCodec(order=(1, 0))]),
    "transpose-big-zstd": dict(filters=lambda m: [m.TransposeCodec(order=(1, 0))],
                               serializer=lambda m: m.BytesCodec(endian="big"), compressors=_zstd),
    "big-endian": dict(serializer=lambda m: m.BytesCodec(endian="big")),
}

V2_CODECS = {
    "none": dict(),
    "zstd": dict(compressors=lambda m: numcodecs.Zstd(level=1)),
    "gzip": dict(compressors=lambda m: numcodecs.GZip(level=1)),
    "zlib": dict(compressors=lambda m: numcodecs.Zlib(level=1)),
    "blosc-lz4": dict(compressors=lambda m: numcodecs.Blosc(cname="lz4", clevel=5,
                                                            shuffle=numcodecs.Blosc.SHUFFLE)),
    "blosc-zstd-bit": dict(compressors=lambda m: numcodecs.Blosc(cname="zstd", clevel=1,
                                                                 shuffle=numcodecs.Blosc.BITSHUFFLE)),
}


def _cases() -> dict[str, Case]:
    c: dict[str, Case] = {}
    # every dtype, default codecs, edge chunks, both formats
    for dt in NUMERIC + ["str"] + TIME:
        for fmt in (2, 3):
            c[f"v{fmt}-{dt}"] = Case(dt, (7, 5), (3, 2), fmt=fmt, compressors=_zstd)
    # every dtype through a sharded array with an edge shard
    for dt in NUMERIC + ["str"]:
        c[f"v3-sharded-{dt}"] = Case(dt, (9, 7), (2, 2), shards=(4, 4), compressors=_zstd)
    # big-endian storage for every multi-byte type
    for dt in ["i2", "u4", "i8", "f2", "f4", "f8", "c8", "c16"]:
        c[f"v2->{dt}"] = Case(">" + dt, (6, 5), (4, 2), fmt=2)
        c[f"v3-big-{dt}"] = Case(dt, (6, 5), (4, 2), **V3_CODECS["big-endian"])
    # every codec, with a 2-byte and an 8-byte type
    for name, codec in V3_CODECS.items():
        for dt in ("u2", "f8"):
            c[f"v3-{name}-{dt}"] = Case(dt, (10, 6), (4, 4), **codec)
        c[f"v3-sharded-{name}-i4"] = Case("i4", (10, 9), (2, 3), shards=(4, 6), **codec)
    for name, codec in V2_CODECS.items():
        for dt in ("u2", "f8"):
            c[f"v2-{name}-{dt}"] = Case(dt, (10, 6), (4, 4), fmt=2, **codec)
    # sharding: index at the start, nested codecs, inner chunks = shard, 1-d and 3-d
    c["v3-sharded-index-start"] = Case("f4", (11, 5), (2, 5), shards={"shape": (4, 5), "index_location": "start"},
                                       compressors=lambda m: [m.GzipCodec(level=1)])
    c["v3-sharded-inner-transpose"] = Case("i2", (8, 6), (2, 3), shards=(4, 6),
                                           filters=lambda m: [m.TransposeCodec(order=(1, 0))])
    c["v3-sharded-one-inner"] = Case("u1", (5, 5), (4, 4), shards=(4, 4))
    c["v3-sharded-1d"] = Case("i8", (50,), (3,), shards=(12,), compressors=_zstd)
    c["v3-sharded-3d"] = Case("f4", (5, 4, 6), (2, 2, 3), shards=(4, 4, 3), compressors=_zstd)
    # v2 order F
    for dt in ("i1", "u2", "f4", "c16", ">i8", "bool"):
        c[f"v2-F-{dt}"] = Case(dt, (7, 6), (3, 4), fmt=2, order="F", compressors=_zstd)
    c["v2-F-3d"] = Case("i4", (5, 4, 3), (2, 3, 2), fmt=2, order="F", compressors=_zstd)
    c["v2-F-str"] = Case("str", (5, 4), (2, 3), fmt=2, order="F")
    # 0-d and zero-length dimensions
    for fmt in (2, 3):
        for dt in ("i4", "f8", "c8", "bool", "str"):
            c[f"v{fmt}-0d-{dt}"] = Case(dt, (), (), fmt=fmt, fill=None if fmt == 2 and dt != "str" else 0
                                        if dt != "str" else "")
        c[f"v{fmt}-zero-length"] = Case("i4", (0, 5), (2, 2), fmt=fmt)
        c[f"v{fmt}-zero-length-1d"] = Case("f4", (0,), (3,), fmt=fmt)
    c["v3-sharded-zero-length"] = Case("u2", (4, 0), (2, 2), shards=(4, 4))
    # fill values
    for fmt in (2, 3):
        for fill in (0, np.nan, np.inf, -np.inf, -2.5):
            for dt in ("f4", "f8", "f2"):
                c[f"v{fmt}-fill-{fill}-{dt}"] = Case(dt, (7, 5), (3, 2), fmt=fmt, fill=fill)
        c[f"v{fmt}-fill-nan-c16"] = Case("c16", (7, 5), (3, 2), fmt=fmt, fill=complex(np.nan, 1.5))
        c[f"v{fmt}-fill-inf-c8"] = Case("c8", (7, 5), (3, 2), fmt=fmt, fill=complex(-np.inf, np.inf))
        for dt, fill in (("i1", -7), ("u8", 2**64 - 1), ("i8", -(2**63)), ("bool", True), ("u2", 513),
                         ("str", "filled"), ("str", "a longer fill value than sixteen bytes, with ü")):
            c[f"v{fmt}-fill-{fill!s:.12}-{dt}"] = Case(dt, (7, 5), (3, 2), fmt=fmt, fill=fill)
    c["v3-sharded-fill-nan"] = Case("f8", (9, 7), (2, 2), shards=(4, 4), fill=np.nan)
    c["v3-sharded-fill-str"] = Case("str", (9, 7), (2, 2), shards=(4, 4), fill="x")
    # chunk key encodings
    for sep in ("/", "."):
        for name in ("default", "v2"):
            c[f"v3-key-{name}-{sep}"] = Case("i2", (7, 5), (3, 2), key={"name": name, "separator": sep})
            c[f"v3-key-{name}-{sep}-sharded"] = Case("i2", (7, 5), (2, 2), shards=(4, 4),
                                                     key={"name": name, "separator": sep})
        c[f"v2-key-{sep}"] = Case("i2", (7, 5), (3, 2), fmt=2, key={"name": "v2", "separator": sep})
        c[f"v2-key-{sep}-3d"] = Case("u1", (3, 4, 5), (2, 2, 2), fmt=2, key={"name": "v2", "separator": sep})
        c[f"v3-key-{sep}-0d"] = Case("i2", (), (), key={"name": "default", "separator": sep})
        c[f"v3-key-v2-{sep}-0d"] = Case("i2", (), (), key={"name": "v2", "separator": sep})
    return c


CASES = _cases()


# --- what tensorstore and zarrnative do not support -------------------------------------------------
def ts_unsupported(case: Case) -> str | None:
    if case.dtype == "str":
        return ("tensorstore 0.1.86 has no variable-length string type (zarr3 'string' data_type and the "
                "zarr driver's '|O' dtype with vlen-utf8 are both refused)")
    if case.dtype in TIME:
        return "tensorstore 0.1.86 has no datetime64/timedelta64 data types"
    return None


def zn_unsupported(case: Case) -> str | None:
    return None  # every case of the matrix (tests/test_dtypes_more.py has the other fixed-size types)


# --- data ---------------------------------------------------------------------------------------------
def np_dtype(case: Case) -> np.dtype:
    return np.dtype(object) if case.dtype == "str" else np.dtype(case.dtype)


def fill_element(case: Case):
    if case.dtype == "str":  # both libraries spell a numeric fill value as text (0 -> "0")
        return "" if case.fill is None else str(case.fill)
    if case.fill is None:
        return np.zeros((), np_dtype(case))[()]
    return np.array(case.fill).astype(np_dtype(case))[()]


def sample(case: Case, shape: tuple, seed: int = 0) -> np.ndarray:
    """Values that cover each type: the full integer range, negative zero,
    NaN and the infinities, non-ASCII and empty strings."""
    rng = np.random.default_rng(seed)
    dt = np_dtype(case)
    n = int(np.prod(shape))
    if case.dtype == "str":
        words = ["", "a", "zarr", "ünïcödé", "日本語", "x" * 40, "tab\tnew\nline"]
        return np.array([words[i % len(words)] + str(i) * (i % 3) for i in range(n)], dtype=object).reshape(shape)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, size=shape, dtype=dt.newbyteorder("="), endpoint=True).astype(dt)
    if dt.kind in "mM":
        out = rng.integers(-(10**9), 10**9, size=shape).astype("i8").view(dt)
        flat = out.reshape(-1)
        if n > 2:
            flat[1] = np.datetime64("NaT") if dt.kind == "M" else np.timedelta64("NaT")
        return out
    base = rng.standard_normal(shape) * 100
    if dt.kind == "c":
        base = base + 1j * rng.standard_normal(shape) * 100
    out = base.astype(dt)
    flat = out.reshape(-1)
    specials = [np.nan, np.inf, -np.inf, -0.0]
    for i, v in enumerate(specials):
        if 2 * i + 1 < n:
            flat[2 * i + 1] = v if dt.kind == "f" else complex(v, -v if not np.isnan(v) else 1.0)
    return out


def written_region(case: Case) -> tuple:
    """All but the last chunk (or shard) along axis 0: the rest stays fill."""
    if not case.shape:
        return Ellipsis
    outer = case.shards["shape"] if isinstance(case.shards, dict) else (case.shards or case.chunks)
    stop = max(case.shape[0] - outer[0], 1) if case.shape[0] > outer[0] else max(case.shape[0] - 1, 1)
    return (slice(0, min(stop, case.shape[0])),)


def expected_array(case: Case) -> np.ndarray:
    dt = np_dtype(case)
    exp = np.empty(case.shape, dtype=dt)
    exp[...] = fill_element(case)
    region = written_region(case)
    exp[region] = sample(case, exp[region].shape)
    return exp


# --- writers ------------------------------------------------------------------------------------------
def write_zarrnative(case: Case, path: pathlib.Path, exp: np.ndarray) -> None:
    a = zarrnative.create_array(str(path), **case.kwargs(zc))
    region = written_region(case)
    a[region] = exp[region]


def write_zarr(case: Case, path: pathlib.Path, exp: np.ndarray) -> None:
    a = zarr.create_array(str(path), **case.kwargs(zarr.codecs))
    region = written_region(case)
    if a.shape and 0 in a.shape:
        return
    a[region] = exp[region]


def ts_spec(path: pathlib.Path, fmt: int) -> dict:
    return {"driver": "zarr3" if fmt == 3 else "zarr", "kvstore": {"driver": "file", "path": str(path)}}


def write_tensorstore(case: Case, path: pathlib.Path, exp: np.ndarray) -> None:
    """tensorstore creates the array from the metadata zarr-python writes for the case."""
    meta_dir = path.parent / (path.name + "-meta")
    zarr.create_array(str(meta_dir), **case.kwargs(zarr.codecs))
    meta = json.loads((meta_dir / ("zarr.json" if case.fmt == 3 else ".zarray")).read_text())
    meta.pop("attributes", None)
    spec = {**ts_spec(path, case.fmt), "metadata": meta}
    t = ts.open(spec, create=True).result()
    region = written_region(case)
    if exp[region].size:
        t[region] = exp[region]


WRITERS = {"zarrnative": write_zarrnative, "zarr": write_zarr, "tensorstore": write_tensorstore}


# --- selections -----------------------------------------------------------------------------------------
def grid_chunks(case: Case) -> tuple:
    """The chunk grid (shards for sharded arrays): what `blocks` counts in,
    as zarr-python 3.1.6 does."""
    if isinstance(case.shards, dict):
        return tuple(case.shards["shape"])
    return tuple(case.shards or case.chunks)


def selections(case: Case) -> list[tuple[str, Any]]:
    shape = case.shape
    nd = len(shape)
    out: list[tuple[str, Any]] = [("basic", Ellipsis), ("basic", ())]
    if nd == 0:
        return out
    if 0 in shape:
        out.append(("basic", tuple(slice(None, None, 2) for _ in shape)))
        out.append(("oindex", tuple(np.array([], dtype=np.int64) if s == 0 else slice(None) for s in shape)))
        return out
    rng = np.random.default_rng(len(shape) * 31 + sum(shape))
    out.append(("basic", tuple(slice(1, None, 2) for _ in shape)))
    out.append(("basic", (-1, Ellipsis)))
    out.append(("basic", (Ellipsis, slice(None, None, 3))))
    out.append(("basic", tuple(-s for s in shape)))  # one element, by negative ints: a scalar
    out.append(("basic", (slice(-3, None), Ellipsis)))
    out.append(("basic", tuple(slice(s // 2, s // 2 + 1) for s in shape)))
    out.append(("oindex", tuple(rng.integers(-s, s, size=4) for s in shape)))  # unsorted, repeats, negatives
    out.append(("oindex", (rng.random(shape[0]) > 0.4,) + tuple(slice(None, None, 2) for _ in shape[1:])))
    out.append(("vindex", tuple(rng.integers(-s, s, size=(2, 3)) for s in shape)))  # broadcast 2-d result
    out.append(("vindex", tuple(np.array([s - 1, 0]) for s in shape)))
    out.append(("mask", rng.random(shape) > 0.6))
    out.append(("blocks", (0,)))
    out.append(("blocks", (-1, Ellipsis)))
    out.append(("blocks", tuple(slice(0, 2) for _ in shape)))
    return out


def numpy_select(exp: np.ndarray, kind: str, sel: Any, chunks: tuple) -> np.ndarray:
    if kind == "basic":
        return exp[sel]
    if kind == "oindex":
        idx = []
        for s, n in zip(sel, exp.shape):
            if isinstance(s, slice):
                idx.append(np.arange(n)[s])
            else:
                a = np.asarray(s)
                idx.append(np.nonzero(a)[0] if a.dtype == bool else a)
        return exp[np.ix_(*idx)]
    if kind == "vindex":
        return exp[sel]
    if kind == "mask":
        return exp[sel]
    if kind == "blocks":
        return exp[block_slices(sel, exp.shape, chunks)]
    raise AssertionError(kind)


def block_slices(sel: Any, shape: tuple, chunks: tuple) -> tuple:
    sel = sel if isinstance(sel, tuple) else (sel,)
    if Ellipsis in sel:
        i = sel.index(Ellipsis)
        sel = sel[:i] + (slice(None),) * (len(shape) - len(sel) + 1) + sel[i + 1:]
    sel = sel + (slice(None),) * (len(shape) - len(sel))
    out = []
    for s, n, c in zip(sel, shape, chunks):
        nb = -(-n // c)
        if isinstance(s, slice):
            b0, b1, _ = s.indices(nb)
            out.append(slice(b0 * c, min(b1 * c, n)))
        else:
            b = s + nb if s < 0 else s
            out.append(slice(b * c, min((b + 1) * c, n)))
    return tuple(out)


def zarr_like_select(arr, kind: str, sel: Any):
    """zarrnative and zarr-python share the selection API."""
    if kind == "basic":
        return arr[sel]
    if kind == "oindex":
        return arr.oindex[sel]
    if kind in ("vindex", "mask"):
        return arr.vindex[sel]
    if kind == "blocks":
        return arr.blocks[sel]
    raise AssertionError(kind)


def _positive(sel: Any, shape: tuple) -> Any:
    """tensorstore's index domain is [0, n): negative indices are not counted from the end."""
    if isinstance(sel, tuple):
        if any(s is Ellipsis for s in sel):  # axes before/after the ellipsis keep their dimension
            i = next(k for k, s in enumerate(sel) if s is Ellipsis)
            head = tuple(_positive_item(s, n) for s, n in zip(sel[:i], shape))
            tail_shape = shape[len(shape) - (len(sel) - i - 1):] if len(sel) - i - 1 else ()
            tail = tuple(_positive_item(s, n) for s, n in zip(sel[i + 1:], tail_shape))
            return head + (Ellipsis,) + tail
        return tuple(_positive_item(s, n) for s, n in zip(sel, shape))
    return sel


def _positive_item(s: Any, n: int) -> Any:
    if isinstance(s, (int, np.integer)):
        return int(s) + n if s < 0 else int(s)
    if isinstance(s, slice):
        return slice(*s.indices(n)) if s.step is None or s.step > 0 else s
    a = np.asarray(s)
    if a.dtype.kind in "iu":
        return np.where(a < 0, a + n, a)
    return s


def ts_select(t, kind: str, sel: Any, chunks: tuple):
    shape = tuple(t.shape)
    if kind == "basic":
        if sel == ():
            return t.read().result()
        return t[_positive(sel, shape)].read().result()
    if kind == "oindex":
        return t.oindex[_positive(sel, shape)].read().result()
    if kind == "vindex":
        return t.vindex[_positive(sel, shape)].read().result()
    if kind == "mask":
        return t.vindex[sel].read().result()
    if kind == "blocks":
        return t[block_slices(sel, shape, chunks)].read().result()
    raise AssertionError(kind)


# --- readers ----------------------------------------------------------------------------------------------
def assert_same(got: Any, exp: Any, what: str) -> None:
    got_arr = np.asarray(got)
    exp = np.asarray(exp, dtype=object) if isinstance(exp, str) else np.asarray(exp)
    assert got_arr.shape == exp.shape, f"{what}: shape {got_arr.shape} != {exp.shape}"
    if exp.dtype == object:
        assert [str(x) for x in got_arr.reshape(-1).tolist()] == exp.reshape(-1).tolist(), what
        return
    assert got_arr.dtype.kind == exp.dtype.kind and got_arr.dtype.itemsize == exp.dtype.itemsize, \
        f"{what}: dtype {got_arr.dtype} != {exp.dtype}"
    np.testing.assert_array_equal(got_arr, exp, err_msg=what)
    if exp.dtype.kind in "fc":  # negative zero and the infinities, bit for bit (NaN payloads aside)
        g, e = got_arr.astype(exp.dtype.newbyteorder("=")), exp.astype(exp.dtype.newbyteorder("="))
        same_sign = np.signbit(g.real) == np.signbit(e.real)
        assert (same_sign | np.isnan(e.real)).all(), f"{what}: signs of zero differ"


def read_zarrnative(case: Case, path: pathlib.Path, exp: np.ndarray) -> None:
    a = zarrnative.open_array(str(path), mode="r")
    assert a.shape == case.shape
    assert_same(a[...], exp, "zarrnative full read")
    for kind, sel in selections(case):
        want = numpy_select(exp, kind, sel, grid_chunks(case))
        assert_same(zarr_like_select(a, kind, sel), want, f"zarrnative {kind}[{sel!r}]")


def read_zarr(case: Case, path: pathlib.Path, exp: np.ndarray) -> None:
    a = zarr.open_array(str(path), mode="r")
    assert a.shape == case.shape
    assert_same(a[...], exp, "zarr-python full read")
    for kind, sel in selections(case):
        want = numpy_select(exp, kind, sel, grid_chunks(case))
        assert_same(zarr_like_select(a, kind, sel), want, f"zarr-python {kind}[{sel!r}]")


def read_tensorstore(case: Case, path: pathlib.Path, exp: np.ndarray) -> None:
    t = ts.open(ts_spec(path, case.fmt), open=True).result()
    assert tuple(t.shape) == case.shape
    assert_same(t.read().result(), exp, "tensorstore full read")
    for kind, sel in selections(case):
        want = numpy_select(exp, kind, sel, grid_chunks(case))
        assert_same(ts_select(t, kind, sel, grid_chunks(case)), want, f"tensorstore {kind}[{sel!r}]")


READERS = {"zarrnative": read_zarrnative, "zarr": read_zarr, "tensorstore": read_tensorstore}

# writer -> reader pairs: zarrnative's arrays are read by both oracles, and it reads theirs
PAIRS = [("zarrnative", "zarr"), ("zarrnative", "tensorstore"), ("zarr", "zarrnative"),
         ("tensorstore", "zarrnative")]


def _params():
    for name, case in CASES.items():
        for writer, reader in PAIRS:
            marks = []
            libs = {writer, reader}
            if "tensorstore" in libs and ts_unsupported(case):
                marks.append(pytest.mark.skip(reason=ts_unsupported(case)))
            elif "zarrnative" in libs and zn_unsupported(case):
                marks.append(pytest.mark.xfail(strict=True, reason=zn_unsupported(case)))
            yield pytest.param(case, writer, reader, id=f"{name}:{writer}->{reader}", marks=marks)


@pytest.mark.parametrize("case,writer,reader", list(_params()))
def test_written_by_one_read_by_other(tmp_path, case, writer, reader):
    exp = expected_array(case)
    path = tmp_path / "a"
    WRITERS[writer](case, path, exp)
    READERS[reader](case, path, exp)


def test_matrix_covers_the_issue():
    """Every dtype, codec, key encoding, order and layout the issue lists is in the matrix."""
    dtypes = {c.dtype.lstrip("<>") for c in CASES.values()}
    assert set(NUMERIC) | {"str"} | set(TIME) <= dtypes
    assert {c.fmt for c in CASES.values()} == {2, 3}
    assert any(c.order == "F" for c in CASES.values())
    assert any(c.shards for c in CASES.values())
    assert any(c.shape == () for c in CASES.values())
    assert any(0 in c.shape for c in CASES.values())
    assert any(c.shape and c.shape[0] % c.chunks[0] for c in CASES.values())
    fills = {repr(c.fill) for c in CASES.values()}
    assert {"0", "nan", "inf", "-inf"} <= fills
    keys = {(c.fmt, json.dumps(c.key)) for c in CASES.values() if c.key}
    assert len(keys) == 6


# --- which chunks hold only the fill value: signed zeros and NaNs ----------------------------------
@pytest.mark.parametrize("fmt", [2, 3])
@pytest.mark.parametrize("dtype", ["<f2", "<f4", ">f8"])
@pytest.mark.parametrize("fill", [0.0, -0.0, float("nan"), 1.5, None])
def test_signed_zeros_and_nans_against_the_fill_value(tmp_path, fmt, dtype, fill):
    """A chunk of -0.0 is not the fill value 0.0 (nor 0.0 the fill -0.0):
    it is stored and reads back with its sign. Any NaN is the NaN fill
    value. The chunk files are zarr-python's; every value reads back bit for bit."""
    if fmt == 3 and fill is None:
        pytest.skip("v3 has no null fill value")
    if fmt == 3 and dtype.startswith(">"):
        dtype = "<" + dtype[1:]
    one = np.dtype(dtype).type
    nan_other = np.array([0x7FF4000000000001], "<u8").view("<f8").astype(dtype)  # another payload
    values = [one(-0.0), one(0.0), one("nan"), -one("nan"), nan_other[0], one(1.5), one(-1.5)]
    data = np.array(values, dtype)
    files, back = {}, {}
    for name, lib in (("zn", zarrnative), ("zarr", zarr)):
        kw = {"compressors": None, "fill_value": fill, "zarr_format": fmt}
        a = lib.create_array(str(tmp_path / name), shape=(len(values),), chunks=(1,), dtype=dtype, **kw)
        a[:] = data
        files[name] = sorted(p.name for p in (tmp_path / name).rglob("*") if p.is_file()
                             and p.name not in (".zarray", ".zattrs", "zarr.json"))
        back[name] = zarrnative.open_array(str(tmp_path / name), mode="r")[:]
    assert files["zn"] == files["zarr"]
    numbers = ~np.isnan(data)
    for got in back.values():  # a NaN chunk not stored reads as the fill value's NaN
        assert np.array_equal(got, data, equal_nan=True)
        assert np.array_equal(np.signbit(got[numbers]), np.signbit(data[numbers]))


@pytest.mark.parametrize("dtype", ["<f2", "<f8"])
@pytest.mark.parametrize("fill", [0.0, -0.0, float("nan")])
def test_signed_zeros_and_nans_in_shards_as_zarr_python(tmp_path, dtype, fill):
    """The same rule for the inner chunks of a shard: the shard file is
    zarr-python's byte for byte (which inner chunks it holds included)."""
    nan_other = np.array([0x7FF4000000000001], "<u8").view("<f8").astype(dtype)
    data = np.array([-0.0, 0.0, np.nan, -np.nan, nan_other[0], 1.5, -1.5, 2.0], dtype)
    shard = {}
    for name, lib in (("zn", zarrnative), ("zarr", zarr)):
        a = lib.create_array(str(tmp_path / name), shape=(8,), chunks=(1,), shards=(8,), dtype=dtype,
                             fill_value=fill, compressors=None)
        a[:] = data
        shard[name] = (tmp_path / name / "c" / "0").read_bytes()
        got = zarrnative.open_array(str(tmp_path / name), mode="r")[:]
        assert np.array_equal(got, data, equal_nan=True)
    assert shard["zn"] == shard["zarr"]


@pytest.mark.parametrize("shards", [None, (6,)])
def test_complex_parts_keep_their_signed_zeros(tmp_path, shards):
    """Complex numbers follow the float rule part by part: a chunk of
    complex(0, -0.0) is stored under the fill value 0 and reads back with its
    sign, in zarrnative and in zarr-python. (zarr-python's own writer compares
    complex numbers by value and does not store such a chunk.)"""
    data = np.array([complex(0, -0.0), complex(-0.0, 0), 0j, complex(np.nan, 1), complex(1, np.nan), 2j], "<c16")
    a = zarrnative.create_array(str(tmp_path / "a"), shape=(6,), chunks=(1,), shards=shards, dtype="<c16",
                                fill_value=complex(np.nan, 0), compressors=None)
    a[:] = data
    for got in (zarrnative.open_array(str(tmp_path / "a"), mode="r")[:], zarr.open_array(str(tmp_path / "a"), mode="r")[:]):
        assert np.array_equal(got.view("<f8"), data.view("<f8"), equal_nan=True)
        assert np.array_equal(np.signbit(got.view("<f8")), np.signbit(data.view("<f8")))
    b = zarrnative.create_array(str(tmp_path / "b"), shape=(2,), chunks=(1,), shards=shards, dtype="<c16",
                                fill_value=0j, compressors=None)
    b[:] = [complex(0, -0.0), 0j]
    got = zarr.open_array(str(tmp_path / "b"), mode="r")[:]
    assert list(np.signbit(got.view("<f8"))) == [False, True, False, False]

"""Arrays drawn from zarr-python's own hypothesis strategies
(zarr.testing.strategies: every data type, v2 and v3, sharded or not,
compressors, fill values, paths, attributes) are read by zarrnative as
zarr-python reads them, for full reads and basic and orthogonal selections;
and the same array written again by zarrnative, into a store holding only its
metadata, gives zarr-python the same values and the same chunk keys.

Left out: arrays whose chunk shape has a 0 (zarrnative and tensorstore refuse
the metadata; zarr-python accepts it) and attributes holding lone UTF-16
surrogates (not Unicode: a metadata error in zarrnative and tensorstore)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import zarrnative

zarr = pytest.importorskip("zarr")
hypothesis = pytest.importorskip("hypothesis")
zst = pytest.importorskip("zarr.testing.strategies")

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from zarr.core.buffer import cpu, default_buffer_prototype  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")

DOCUMENTS = ("zarr.json", ".zarray", ".zattrs", ".zgroup")


def _contents(store) -> dict[str, bytes]:
    async def grab():
        out = {}
        async for k in store.list():
            out[k] = (await store.get(k, prototype=default_buffer_prototype())).to_bytes()
        return out
    return zarr.core.sync.sync(grab())


def _same(got, want) -> bool:
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape or got.dtype != want.dtype:
        return False
    if want.dtype.kind in "mM":
        return np.array_equal(got.view("i8"), want.view("i8"))
    return np.array_equal(got, want, equal_nan=want.dtype.kind in "fc")


def _chunk_keys(keys) -> list[str]:
    return sorted(k for k in keys if k.rsplit("/", 1)[-1] not in DOCUMENTS)


def _supported(meta: dict) -> bool:
    grid = meta.get("chunks") or meta["chunk_grid"]["configuration"]["chunk_shape"]
    return all(c > 0 for c in grid)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_zarr_python_strategy_arrays_round_trip(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        za = data.draw(zst.arrays())
    meta = za.metadata.to_dict()
    assume(_supported(meta))
    stored = _contents(za.store)
    ours = zarrnative.storage.MemoryStore()
    for k, v in stored.items():
        ours._native.set(k, v)
    try:
        na = zarrnative.open_array(ours, path=za.path, mode="r")
    except zarrnative.errors.MetadataValidationError as e:
        assume("surrogate" not in str(e))
        raise
    want = za[...]
    assert _same(na[...], want), meta
    sel = data.draw(zst.basic_indices(shape=za.shape))
    assert _same(na[sel], za[sel]), (meta, sel)
    if za.ndim:
        zi, _ = data.draw(zst.orthogonal_indices(shape=za.shape))
        assert _same(na.oindex[zi], za.oindex[zi]), (meta, zi)

    # written again by zarrnative over the same metadata: zarr-python reads the same values and keys
    fresh = zarrnative.storage.MemoryStore()
    for k, v in stored.items():
        if k.rsplit("/", 1)[-1] in DOCUMENTS:
            fresh._native.set(k, v)
    zarrnative.open_array(fresh, path=za.path, mode="r+")[...] = want
    back = {k: fresh._native.get(k) for k in fresh._native.list()}
    theirs = zarr.open_array(zarr.storage.MemoryStore({k: cpu.Buffer.from_bytes(bytes(v)) for k, v in back.items()}),
                             path=za.path, mode="r")
    assert _same(theirs[...], want), meta
    assert _chunk_keys(back) == _chunk_keys(stored), meta

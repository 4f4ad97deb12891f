"""zarr-python's own state machines (zarr.testing.stateful) run against
zarrnative.

- ZarrStoreStateMachine: our MemoryStore and LocalStore, through the async
  store API zarr-python's stores have, against zarr-python's MemoryStore as
  the model (set, get, byte ranges, delete, list, list_dir, list_prefix).
- ZarrHierarchyStateMachine: random sequences of group and array creation,
  writes with basic and orthogonal selections, resizes, chunk, array and
  directory deletions and listings. Every call on the store under test goes
  through zarrnative's API on a zarrnative store; every call on the model
  through zarr-python's API on zarr-python's MemoryStore. The machine then
  compares the arrays' values and the stores' listings.

What the hierarchy machine is kept away from, each a deliberate difference:
- a 0 in a chunk shape (zarrnative and tensorstore refuse it; zarr-python
  accepts it): such chunks become 1;
- repeated indices in one orthogonal write: numpy and zarrnative keep the
  last value written, zarr-python the first;
- integer indices in basic writes (made 1-long slices): after a shrink,
  zarr-python merges such a write into an edge chunk and keeps what lies
  beyond the edge, where a slice covering the same elements fills it (and
  zarrnative fills it for both);
- complex -0.0 parts (in arrays and fill values written): zarrnative (and
  tensorstore) store a chunk that holds them under a fill value of 0,
  zarr-python compares complex numbers by value and does not;
- fill values with lone UTF-16 surrogates (not Unicode: a metadata error)."""

from __future__ import annotations

import tempfile
import warnings

import numpy as np
import pytest

import zarrnative
import zarrnative.storage as zs

zarr = pytest.importorskip("zarr")
pytest.importorskip("hypothesis")
sm = pytest.importorskip("zarr.testing.stateful")

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis.extra import numpy as _npst  # noqa: E402
from hypothesis.stateful import rule, run_state_machine_as_test  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")

def _settings(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def _store(kind: str):
    return zs.MemoryStore() if kind == "memory" else zs.LocalStore(tempfile.mkdtemp(prefix="zn-stateful-"))


@pytest.mark.parametrize("kind", ["memory", "local"])
def test_store_state_machine(kind):
    run_state_machine_as_test(lambda: sm.ZarrStoreStateMachine(_store(kind)), settings=_settings(80))


def _has_surrogate(value) -> bool:
    return isinstance(value, str) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


class _Dispatch:
    """What the machine calls as ``zarr.<name>``: zarrnative's function for a
    zarrnative store, zarr-python's for the model."""

    def __getattr__(self, name):
        def call(*args, **kwargs):
            store = kwargs.get("store", args[0] if args else None)
            if name == "array":
                data = args[0] if args else kwargs.get("data")
                if getattr(data, "dtype", None) is not None and data.dtype.kind == "c":
                    args = (data + 0,) + tuple(args[1:])  # -0.0 parts become 0.0
                fill = kwargs.get("fill_value")
                if isinstance(fill, (complex, np.complexfloating)):
                    kwargs["fill_value"] = fill + 0
                if _has_surrogate(fill):
                    kwargs["fill_value"] = "x"
                if kwargs.get("chunks") is not None:
                    kwargs["chunks"] = tuple(max(1, c) for c in kwargs["chunks"])
            lib = zarrnative if isinstance(store, (zs.MemoryStore, zs.LocalStore)) else zarr
            return getattr(lib, name)(*args, **kwargs)
        return call


def _distinct_indices(shape):
    def distinct(drawn):  # after negative indices are counted from the end
        return all(not isinstance(i, np.ndarray) or i.dtype == bool or len(set((i % n).tolist())) == len(i)
                   for i, n in zip(drawn[0], shape))
    return _zarr_orthogonal_indices(shape=shape).filter(distinct)


class _ArraysWithoutNegativeZeros:
    """hypothesis.extra.numpy for the machine, whose complex arrays have no -0.0 parts."""

    def __getattr__(self, name):
        return getattr(_npst, name)

    def arrays(self, *args, **kwargs):
        return _npst.arrays(*args, **kwargs).map(lambda a: a + 0 if a.dtype.kind == "c" else a)


_zarr_orthogonal_indices = sm.orthogonal_indices
_zarr_basic_indices = sm.basic_indices


def _slices_for_ints(*args, **kwargs):
    def widen(sel):
        one = lambda i: slice(i, i + 1) if isinstance(i, (int, np.integer)) else i  # noqa: E731
        return tuple(one(i) for i in sel) if isinstance(sel, tuple) else one(sel)
    return _zarr_basic_indices(*args, **kwargs).map(widen)


class _Hierarchy(sm.ZarrHierarchyStateMachine):
    @rule()
    def clear(self) -> None:  # the machine's own clear calls zarr-python's group() on both stores
        self._sync(self.store.clear())
        self._sync(self.model.clear())
        self.all_groups.clear()
        self.all_arrays.clear()
        sm.zarr.group(store=self.store)
        sm.zarr.group(store=self.model)


@pytest.mark.parametrize("kind", ["memory", "local"])
def test_hierarchy_state_machine_against_zarr_python(kind, monkeypatch):
    monkeypatch.setattr(sm, "zarr", _Dispatch())
    monkeypatch.setattr(sm, "orthogonal_indices", _distinct_indices)
    monkeypatch.setattr(sm, "basic_indices", _slices_for_ints)
    monkeypatch.setattr(sm, "npst", _ArraysWithoutNegativeZeros())
    # the machine's allowances for zarr-python's LocalStore (names lower-cased for case-insensitive file
    # systems; listings of a folder whose last chunk was deleted still show the empty folder) apply to ours
    monkeypatch.setattr(sm, "LocalStore", zs.LocalStore)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_state_machine_as_test(lambda: _Hierarchy(_store(kind)), settings=_settings(80))

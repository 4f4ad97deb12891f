"""Selections, normalised once per call into the two forms the core resolves.

- Orthogonal: per dimension ``(start, stop, step)`` or an int64 index array.
  Basic selection (ints, slices, Ellipsis), ``oindex`` and ``blocks`` all
  become this; integer axes are dropped from the result afterwards (a
  reshape of a view, no copy).
- Points: ``ndim`` int64 arrays of equal length (``vindex``, masks).

``selection_kind`` decides which of them ``arr[...]`` makes, by
zarr-python's rules; ``pop_fields`` takes record field names out first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from zarrnative.errors import BoundsCheckError, NegativeStepError, VindexInvalidSelectionError


@dataclass
class Orthogonal:
    dims: list  # (start, stop, step) tuples or int64 arrays
    out_shape: tuple[int, ...]  # shape of the core's result
    result_shape: tuple[int, ...]  # shape after dropping integer axes


@dataclass
class Points:
    coords: list  # ndim int64 arrays, flattened
    result_shape: tuple[int, ...]  # shape of the broadcast index arrays


def _expand_ellipsis(selection: tuple, ndim: int) -> tuple:
    n_ellipsis = sum(1 for s in selection if s is Ellipsis)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_ellipsis == 1:
        i = next(k for k, s in enumerate(selection) if s is Ellipsis)
        fill = ndim - (len(selection) - 1)
        selection = selection[:i] + (slice(None),) * max(fill, 0) + selection[i + 1:]
    if len(selection) > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, "
                         f"but {len(selection)} were indexed")
    return selection + (slice(None),) * (ndim - len(selection))


def _as_tuple(selection: Any) -> tuple:
    return selection if isinstance(selection, tuple) else (selection,)


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _int_index(i: Any, extent: int, dim: int) -> int:
    i = int(i)
    j = i + extent if i < 0 else i
    if not 0 <= j < extent:
        raise BoundsCheckError(f"index {i} is out of bounds for axis {dim} with size {extent}")
    return j


def _slice(s: slice, extent: int, dim: int) -> tuple[int, int, int]:
    if s.step is not None and int(s.step) < 1:
        raise NegativeStepError(f"only slices with step >= 1 are supported (axis {dim} has step {s.step})")
    start, stop, step = s.indices(extent)
    return (start, max(stop, start), step)


def basic(selection: Any, shape: tuple[int, ...]) -> Orthogonal:
    """ints, negative ints, slices with positive steps, Ellipsis."""
    sel = _expand_ellipsis(_as_tuple(selection), len(shape))
    dims, out_shape, result_shape = [], [], []
    for d, (s, extent) in enumerate(zip(sel, shape)):
        if _is_int(s):
            i = _int_index(s, extent, d)
            dims.append((i, i + 1, 1))
            out_shape.append(1)
        elif isinstance(s, slice):
            t = _slice(s, extent, d)
            dims.append(t)
            n = len(range(*t))
            out_shape.append(n)
            result_shape.append(n)
        else:
            raise IndexError(f"unsupported selection item for basic indexing: {s!r}; "
                             "use .oindex or .vindex for arrays of indices")
    return Orthogonal(dims, tuple(out_shape), tuple(result_shape))


def orthogonal(selection: Any, shape: tuple[int, ...]) -> Orthogonal:
    """Per dimension: int, slice, integer array or boolean mask."""
    sel = _expand_ellipsis(_as_tuple(selection), len(shape))
    dims, out_shape, result_shape = [], [], []
    for d, (s, extent) in enumerate(zip(sel, shape)):
        if _is_int(s):
            i = _int_index(s, extent, d)
            dims.append((i, i + 1, 1))
            out_shape.append(1)
            continue
        if isinstance(s, slice):
            t = _slice(s, extent, d)
            n = len(range(*t))
            dims.append(t)
            out_shape.append(n)
            result_shape.append(n)
            continue
        a = np.asarray(s)
        if a.dtype == bool:
            if a.shape != (extent,):
                raise IndexError(f"boolean index for axis {d} has shape {a.shape}, expected ({extent},)")
            idx = np.nonzero(a)[0].astype(np.int64)
        elif a.dtype.kind in "iu" and a.ndim == 1:
            idx = a.astype(np.int64)
            if idx.size and (idx.min() < -extent or idx.max() >= extent):
                raise BoundsCheckError(f"index out of bounds for axis {d} with size {extent}")
            idx = np.where(idx < 0, idx + extent, idx)
        else:
            raise IndexError(f"unsupported selection item for orthogonal indexing on axis {d}: {s!r}")
        idx = np.ascontiguousarray(idx, dtype=np.int64)
        dims.append(idx)
        out_shape.append(len(idx))
        result_shape.append(len(idx))
    return Orthogonal(dims, tuple(out_shape), tuple(result_shape))


def blocks(selection: Any, shape: tuple[int, ...], chunks: tuple[int, ...]) -> Orthogonal:
    """Block (chunk-grid) selection: ints and step-1 slices over chunk indices."""
    sel = _expand_ellipsis(_as_tuple(selection), len(shape))
    dims, out_shape = [], []
    for d, (s, extent, c) in enumerate(zip(sel, shape, chunks)):
        nblocks = -(-extent // c)
        if _is_int(s):
            b = _int_index(s, nblocks, d)
            start, stop = b * c, min((b + 1) * c, extent)
        elif isinstance(s, slice):
            if s.step not in (None, 1):
                raise IndexError("block selection only supports slices with step 1")
            # as zarr-python: a first block outside the grid is out of range (an empty
            # array has no blocks); the stop is clamped
            b0 = 0 if s.start is None else int(s.start) + (nblocks if s.start < 0 else 0)
            if not 0 <= b0 < nblocks:
                raise IndexError(f"block index {s.start} is out of bounds for axis {d} with {nblocks} blocks")
            _, b1, _ = s.indices(nblocks)
            start, stop = b0 * c, min(max(b1, b0) * c, extent)
        else:
            raise IndexError(f"unsupported block selection item on axis {d}: {s!r}")
        dims.append((start, max(stop, start), 1))
        out_shape.append(max(stop - start, 0))
    return Orthogonal(dims, tuple(out_shape), tuple(out_shape))


def coordinates(selection: Any, shape: tuple[int, ...]) -> Points:
    """vindex with integer arrays (broadcast together) or one boolean mask."""
    sel = _as_tuple(selection)
    if len(sel) == 1 and np.asarray(sel[0]).dtype == bool:
        return mask(sel[0], shape)
    if len(sel) != len(shape):
        raise VindexInvalidSelectionError(f"coordinate selection needs {len(shape)} index arrays, got {len(sel)}")
    arrays = []
    for d, (s, extent) in enumerate(zip(sel, shape)):
        if isinstance(s, slice):
            raise VindexInvalidSelectionError("slices are not supported in coordinate selection; use .oindex")
        a = np.asarray(s)
        if a.dtype.kind not in "iu":
            raise VindexInvalidSelectionError(f"coordinate selection needs integer arrays (axis {d} has {a.dtype})")
        a = a.astype(np.int64)
        if a.size and (a.min() < -extent or a.max() >= extent):
            raise BoundsCheckError(f"index out of bounds for axis {d} with size {extent}")
        arrays.append(np.where(a < 0, a + extent, a))
    b = np.broadcast_arrays(*arrays)
    result_shape = b[0].shape if b else ()
    if b and result_shape == ():
        result_shape = (1,)  # scalar coordinates select one point: a 1-d result, as zarr-python
    return Points([np.ascontiguousarray(x.reshape(-1)) for x in b], result_shape)


def mask(m: Any, shape: tuple[int, ...]) -> Points:
    m = np.asarray(m)
    if m.dtype != bool or m.shape != tuple(shape):
        raise VindexInvalidSelectionError(f"mask must be a boolean array of shape {tuple(shape)}, got {m.dtype} {m.shape}")
    coords = [np.ascontiguousarray(c.astype(np.int64)) for c in np.nonzero(m)]
    return Points(coords, (len(coords[0]) if coords else 0,))


def pop_fields(selection: Any) -> tuple[Any, Any]:
    """(fields, selection): the field names of a record array (strings, as
    ``arr["a"]`` or ``arr[1:3, "a", "b"]``) apart from the rest of the
    selection, as zarr-python splits them; None when there are none."""
    if isinstance(selection, str):
        return selection, ()
    if not isinstance(selection, tuple) or not any(isinstance(x, str) for x in selection):
        return None, selection
    names = [x for x in selection if isinstance(x, str)]
    rest = tuple(x for x in selection if not isinstance(x, str))
    return (names[0] if len(names) == 1 else names), rest


def selection_kind(selection, ndim: int) -> tuple[str, Any]:
    """How ``arr[selection]`` reads or writes, by zarr-python 3.1's rules,
    and the selection to use (array-likes other than numpy's, such as Zarr
    arrays, read into numpy first):

    - "mask": a boolean array (a 1-tuple counts as its item, as in zarr-python);
    - "coordinate": one integer list or array on a 1-d array, or a tuple of
      exactly ndim integers and integer lists/arrays (no slices, no
      Ellipsis) with at least one list or array;
    - "orthogonal": a tuple of ndim integer or boolean lists/arrays, or at
      most ndim Python ints, slices and at most one such list/array (ints
      and slices alone go here too: one element comes back as a 0-d array,
      as zarr-python returns it);
    - "basic": anything else (Ellipsis, numpy integers with slices); lists
      or arrays there raise IndexError, as in zarr-python.
    """
    sel = tuple(_selection_item(x) for x in selection) if isinstance(selection, tuple) else \
        _selection_item(selection)
    if isinstance(sel, tuple) and len(sel) == 1:
        sel = sel[0]  # a 1-tuple is its item, as zarr-python reads it (fields are popped already)
    if _bool_array(sel):
        return "mask", sel
    if ndim == 1 and _bool_list(sel):
        return "mask", np.asarray(sel, dtype=bool)
    if ndim == 1 and (_int_list(sel) or _int_array(sel)):
        return "coordinate", sel
    if isinstance(sel, tuple) and len(sel) == ndim and \
            not any(isinstance(x, slice) or x is Ellipsis for x in sel) and \
            all(_is_int(x) or _int_list(x) or _int_array(x) for x in sel) and \
            any(_int_list(x) or _int_array(x) for x in sel):
        return "coordinate", sel
    if ndim:
        norm = sel if isinstance(sel, tuple) else (sel,)
        if len(norm) == ndim and all(_iterable_index(x) for x in norm):
            return "orthogonal", sel
        if len(norm) <= ndim and sum(1 for x in norm if _iterable_index(x)) <= 1 and \
                all(_iterable_index(x) or isinstance(x, (int, slice)) for x in norm):
            return "orthogonal", sel
    return "basic", sel


def _selection_item(x: Any) -> Any:
    """Array-likes other than numpy's (Zarr arrays, ...) read into numpy."""
    if isinstance(x, (np.ndarray, list, slice, int, np.generic)) or x is Ellipsis or x is None:
        return x
    if hasattr(x, "__array__") and hasattr(x, "dtype") and hasattr(x, "shape"):
        return np.asarray(x)
    return x


def _int_list(x: Any) -> bool:
    return isinstance(x, list) and len(x) > 0 and all(_is_int(i) for i in x)


def _bool_list(x: Any) -> bool:
    return isinstance(x, list) and len(x) > 0 and all(type(i) in (bool, np.bool_) for i in x)


def _int_array(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind in "ui"


def _bool_array(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype == bool


def _iterable_index(x: Any) -> bool:
    return _int_list(x) or _int_array(x) or _bool_array(x) or _bool_list(x)

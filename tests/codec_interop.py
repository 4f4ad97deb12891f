"""Shared helpers for codec interop tests: zarr-python writes, zarrnative
decodes, and the other way round, one chunk at a time through the thin
pipeline binding (zarrnative._core.CodecPipeline)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import zarr as zp  # zarr-python, the oracle

from zarrnative import _core


def smooth_field(shape: tuple[int, ...], dtype, seed: int = 0) -> np.ndarray:
    """Realistic chunk data: a smooth field plus a little noise."""
    rng = np.random.default_rng(seed)
    grids = np.meshgrid(*[np.linspace(0, 3, n) for n in shape], indexing="ij")
    field = sum(np.sin(g * (i + 1)) for i, g in enumerate(grids)) if grids else np.array(0.5)
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        # About 12 significant bits with 2 bits of noise, like a measured field.
        span = min(float(info.max) - float(info.min), 4000.0)
        lo = max(float(info.min), -span / 2) if dt.kind == "i" else 0.0
        values = lo + (field - field.min()) / (np.ptp(field) + 1e-9) * span * 0.9
        values = values + rng.normal(0, 2, size=shape)
        return np.clip(values, info.min, info.max).astype(dt)
    if dt.kind == "b":
        return (field + rng.normal(0, 0.3, size=shape)) > 0
    if dt.kind == "c":
        return (field + 1j * rng.normal(0, 0.01, size=shape)).astype(dt)
    return (field + rng.normal(0, 0.01, size=shape)).astype(dt)


def fill_bytes(value, dtype) -> bytes:
    return np.array(value, dtype=dtype).tobytes()


def write_with_zarr(root: pathlib.Path, data: np.ndarray, fill_value=0, **kwargs):
    """One-chunk array written by zarr-python; returns (metadata dict, chunk bytes)."""
    arr = zp.create_array(str(root), shape=data.shape, chunks=data.shape, dtype=data.dtype,
                          fill_value=fill_value, overwrite=True, **kwargs)
    arr[...] = data
    fmt = arr.metadata.zarr_format
    meta = json.loads((root / ("zarr.json" if fmt == 3 else ".zarray")).read_text())
    key = "c/" + "/".join("0" * data.ndim) if fmt == 3 else ".".join("0" * data.ndim) or "0"
    if data.ndim == 0:
        key = "c" if fmt == 3 else "0"
    return meta, (root / key).read_bytes(), key


def pipeline_for(meta: dict, shape, fill_value=0):
    if meta.get("zarr_format") == 2:
        dtype = np.dtype(meta["dtype"])
        return _core.CodecPipeline.from_v2(json.dumps(meta), dtype.str, list(shape),
                                           fill_bytes(fill_value, dtype))
    dtype = np.dtype(meta["data_type"])
    return _core.CodecPipeline.from_v3(json.dumps(meta["codecs"]), dtype.str, list(shape),
                                       fill_bytes(fill_value, dtype))


def check_both_directions(tmp_path: pathlib.Path, data: np.ndarray, fill_value=0, lossy=False,
                          **kwargs) -> None:
    """zarr-python -> zarrnative and zarrnative -> zarr-python for one chunk.

    The expected values are what zarr-python itself reads back, which for
    lossless codecs must equal `data`."""
    root = tmp_path / "a"
    meta, chunk, key = write_with_zarr(root, data, fill_value, **kwargs)
    expected = zp.open_array(str(root), mode="r")[...]
    if not lossy:
        np.testing.assert_array_equal(expected, data)
    p = pipeline_for(meta, data.shape, fill_value)

    decoded = np.asarray(p.decode(chunk))
    assert decoded.dtype == data.dtype
    np.testing.assert_array_equal(decoded, expected)

    encoded = p.encode(_core.from_buffer(data if data.flags.c_contiguous else data.copy()))
    (root / key).write_bytes(encoded)
    back = zp.open_array(str(root), mode="r")[...]
    np.testing.assert_array_equal(back, expected)

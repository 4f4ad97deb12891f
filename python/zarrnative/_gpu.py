"""Reads into CUDA device memory: ``arr.get(selection, device="cuda")``, or
``arr[...]`` under ``zarrnative.config.set(device="cuda")``.

The chunks of one read are decoded in one batch on the GPU by nvCOMP
(zstd, gzip, zlib, lz4 and uncompressed chunks; see cpp/include/zarrnative/
gpu/device_read.h); codecs nvCOMP cannot decode (blosc...) are decoded on the
CPU and uploaded, and the ``zarrnative.gpu`` logger says so. The result is a
CuPy array where CuPy is installed, else a device ``NDArray`` (DLPack and
``__cuda_array_interface__``, zero-copy for PyTorch and JAX too).

nvCOMP comes from the ``nvidia-libnvcomp-cu13`` wheel (the ``gpu`` extra),
found here without importing it and loaded by the core on first use.
Without a usable GPU a device read raises
``zarrnative.errors.DeviceUnavailableError`` with the CUDA runtime's reason.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from typing import Any

from zarrnative import _core

__all__ = ["gpu_features", "parse_device", "read"]

log = logging.getLogger("zarrnative.gpu")

_DEVICE = re.compile(r"^(cpu|cuda)(?::(\d+))?$")
_nvcomp_configured = False


def _configure_nvcomp() -> None:
    """Points the core at the nvidia-libnvcomp-cu13 wheel's library, if installed."""
    global _nvcomp_configured
    if _nvcomp_configured:
        return
    _nvcomp_configured = True
    try:
        spec = importlib.util.find_spec("nvidia.libnvcomp")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return
    for sub in ("lib64", "lib"):
        path = os.path.join(spec.submodule_search_locations[0], sub, "libnvcomp.so.6")
        if os.path.isfile(path):
            _core.set_nvcomp_library(path)
            return


def gpu_features() -> dict[str, Any]:
    """GPU decoding here: ``gpu_decode_compiled`` (this build has the nvCOMP
    path), ``nvcomp_loaded``, ``nvcomp_library``, ``nvcomp_version``,
    ``nvcomp_unavailable_reason``, plus ``zarrnative.features()``'s CUDA keys
    and ``gpu_read`` (all of it usable now)."""
    _configure_nvcomp()
    info = dict(_core.features())
    info.update(_core.gpu_features())
    info["gpu_read"] = bool(info["gpu_decode_compiled"] and info["nvcomp_loaded"] and info["cuda_devices"] > 0)
    return info


def parse_device(device: Any) -> int | None:
    """``None``/``"cpu"`` -> None (host); ``"cuda"`` -> 0; ``"cuda:N"`` -> N;
    also objects with ``.type`` and ``.index`` (``torch.device``)."""
    if device is None:
        return None
    if not isinstance(device, str) and hasattr(device, "type"):  # torch.device
        index = getattr(device, "index", None)
        device = device.type if index is None else f"{device.type}:{index}"
    if isinstance(device, str):
        m = _DEVICE.match(device.strip().lower())
        if m:
            if m.group(1) == "cpu":
                if m.group(2) is not None:
                    raise ValueError(f"device {device!r}: the CPU has no index")
                return None
            return int(m.group(2) or 0)
    raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {device!r}")


_config = None  # zarrnative._config.config, once imported (it imports this module)


def configured_device(device: Any) -> int | None:
    """The device of a read: `device` when given, else the config's. On every
    read's path: two lookups when no device is set anywhere."""
    global _config
    if device is None:
        if _config is None:
            from zarrnative._config import config as _config
        device = _config._data.get("device")
        if device is None:
            return None
    return parse_device(device)


def _stream_handle(stream: Any) -> int:
    """A CUDA stream as the core takes it (DLPack convention): None -> the
    legacy default stream (1); an int as it is; CuPy (``.ptr``) and PyTorch
    (``.cuda_stream``) stream objects by their handle."""
    if stream is None:
        return 1
    for attr in ("ptr", "cuda_stream"):
        if hasattr(stream, attr):
            handle = int(getattr(stream, attr))
            return handle if handle else 1  # 0 is the legacy default stream's handle in both
    handle = int(stream)
    if handle == 0:
        raise ValueError("stream 0 is ambiguous: pass None or 1 for the legacy default stream")
    return handle


def _to_framework(nd) -> Any:
    try:
        import cupy
    except ImportError:
        return nd
    return cupy.asarray(nd)  # zero-copy through __cuda_array_interface__


def check_numeric(array) -> None:
    """Device reads carry numbers only: CuPy, PyTorch and JAX have no
    datetime, fixed-length text or record types (and DLPack no codes for
    them), so those arrays raise TypeError before anything is read."""
    if array.dtype.kind not in "biufc":
        raise TypeError(f"device reads take arrays of numbers (bool, integers, floats, complex); array "
                        f"{array.path!r} holds {array.dtype}, which GPU frameworks cannot hold: read it on the CPU")


def read(array, sel, device: int, *, stream: Any = None, out=None, scalar: bool = False) -> Any:
    """Reads the orthogonal selection `sel` (an ``_indexing.Orthogonal``) of
    `array` (a ``zarrnative.Array``) into CUDA memory on `device`."""
    check_numeric(array)
    if out is not None:
        raise ValueError("out= and a CUDA device cannot be combined: the device read makes its own array")
    _configure_nvcomp()
    from zarrnative.storage import _batch
    if _batch.is_batched(array.store):
        # Stores written in Python feed the core in batches; the GPU read
        # needs a native store: read on the CPU, then upload.
        return read_and_upload(array, lambda: array._read_orthogonal(sel, device="cpu"), device,
                               what="a selection of a Python store")
    nd, report, _ = _core.gpu_read(array._native, sel.dims, tuple(sel.result_shape), device, _stream_handle(stream),
                                True, True)
    _log_report(array, report)
    return _to_framework(nd)


def read_batch(array, sels: list, device: int, *, stream: Any = None) -> Any:
    """Reads orthogonal selections of one shape (``_indexing.Orthogonal``) of
    `array` into one CUDA array of shape ``(len(sels), *shape)``: every chunk
    of every selection in one GPU batch. `array`'s store is a native one."""
    check_numeric(array)
    _configure_nvcomp()
    shape = (len(sels), *sels[0].result_shape)
    nd, report, _ = _core.gpu_read_many(array._native, [s.dims for s in sels], shape, device,
                                     _stream_handle(stream), True, True)
    _log_report(array, report)
    return _to_framework(nd)


def read_points(array, pts, device: int, *, stream: Any = None) -> Any:
    """Reads a coordinate selection (an ``_indexing.Points``) of `array` into
    CUDA memory: the chunks holding points decoded in one GPU batch, the
    points gathered by a kernel. `array`'s store is a native one."""
    check_numeric(array)
    _configure_nvcomp()
    nd, report, _ = _core.gpu_read_points(array._native, pts.coords, tuple(pts.result_shape), device,
                                          _stream_handle(stream), True, True)
    _log_report(array, report)
    return _to_framework(nd)


def _log_report(array, report: str) -> None:
    if "CPU" in report:
        log.info("array %r: %s", array.path, report)
    else:
        log.debug("array %r: %s", array.path, report)


def require_cuda() -> None:
    """Raises DeviceUnavailableError, with the reason, unless a GPU is usable."""
    reason = features_cuda_reason()
    if reason is not None:
        raise _core.DeviceUnavailableError("no CUDA device is usable: " + reason)


def read_and_upload(array, read_on_cpu: Any, device: int, *, what: str) -> Any:
    """For device reads decoded on the CPU (stores written in Python): checks
    for a usable GPU first, so that nothing is read in vain, then copies the
    host result of ``read_on_cpu()`` to `device` in one copy (logged), as a
    CuPy array or a device NDArray."""
    check_numeric(array)
    require_cuda()
    host = read_on_cpu()
    log.info("array %r: %s decoded on the CPU, then uploaded", array.path, what)
    from zarrnative.ndarray import as_array
    return _to_framework(as_array(host).cuda(device))


def features_cuda_reason() -> str | None:
    info = _core.features()
    if info["cuda_compiled"] and info["cuda_devices"] > 0:
        return None
    return str(info["cuda_unavailable_reason"] or "zarrnative was built without CUDA")

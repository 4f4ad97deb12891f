from __future__ import annotations

from typing import Any

from zarrnative import _core


def features() -> dict[str, Any]:
    """What this build and this machine support.

    Keys: ``cuda_compiled`` (the build contains CUDA code), ``cuda_devices``
    (usable GPUs now), ``cuda_runtime_version``, ``cuda_driver_version`` and
    ``cuda_unavailable_reason`` (None when a GPU is usable), ``cuda`` (both:
    GPU memory can be used), ``dlpack_max_version``; and GPU decoding:
    ``gpu_decode_compiled`` (the build has the nvCOMP path), ``nvcomp_loaded``,
    ``nvcomp_library``, ``nvcomp_version``, ``nvcomp_unavailable_reason`` and
    ``gpu_read`` (all of it usable now).
    """
    from zarrnative import _gpu
    info = _gpu.gpu_features()
    info["cuda"] = bool(info["cuda_compiled"] and info["cuda_devices"] > 0)
    info["dlpack_max_version"] = (1, 1)
    return info

"""zarrnative: Zarr v2 and v3 for Python, with a C++ engine.

``import zarrnative as zarr`` gives the zarr-python 3 API; the chunk work runs
in C++ threads, and results travel to numpy, CuPy, PyTorch and JAX without
copies through :mod:`zarrnative.ndarray`.
"""

from zarrnative import codecs, errors, ndarray, storage
from zarrnative._array import Array
from zarrnative._create import (
    array,
    create,
    create_array,
    empty,
    empty_like,
    from_array,
    full,
    full_like,
    ones,
    ones_like,
    open_array,
    open_like,
    zeros,
    zeros_like,
)
from zarrnative._features import features

__version__ = "0.1.0"

__all__ = [
    "Array",
    "__version__",
    "array",
    "codecs",
    "create",
    "create_array",
    "empty",
    "empty_like",
    "errors",
    "features",
    "from_array",
    "full",
    "full_like",
    "ndarray",
    "ones",
    "ones_like",
    "open_array",
    "open_like",
    "storage",
    "zeros",
    "zeros_like",
]

"""zarrnative: Zarr v2 and v3 for Python, with a C++ engine.

``import zarrnative as zarr`` gives the zarr-python 3 API; the chunk work runs
in C++ threads, and results travel to numpy, CuPy, PyTorch and JAX without
copies through :mod:`zarrnative.ndarray`.
"""

from zarrnative import errors, ndarray
from zarrnative._features import features

__version__ = "0.1.0"

__all__ = ["errors", "features", "ndarray", "__version__"]

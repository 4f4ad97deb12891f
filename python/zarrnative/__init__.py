"""zarrnative: Zarr v2 and v3 for Python, with a C++ engine.

``import zarrnative as zarr`` gives the zarr-python 3 API; the chunk work runs
in C++ threads, and results travel to numpy, CuPy, PyTorch and JAX without
copies through :mod:`zarrnative.ndarray`.
"""

from zarrnative import api, codecs, core, dtype, errors, ml, ndarray, storage
from zarrnative._api import (
    consolidate_metadata,
    copy,
    copy_all,
    copy_store,
    create_group,
    create_hierarchy,
    group,
    load,
    open,
    open_consolidated,
    open_group,
    save,
    save_array,
    save_group,
    tree,
)
from zarrnative._array import Array
from zarrnative._async import AsyncArray, AsyncGroup
from zarrnative._config import ArrayConfig, config
from zarrnative._debug import print_debug_info, set_format, set_log_level
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
from zarrnative._group import Group

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Array",
    "ArrayConfig",
    "AsyncArray",
    "AsyncGroup",
    "api",
    "array",
    "codecs",
    "config",
    "core",
    "consolidate_metadata",
    "copy",
    "copy_all",
    "copy_store",
    "create",
    "create_array",
    "create_group",
    "create_hierarchy",
    "dtype",
    "empty",
    "empty_like",
    "errors",
    "features",
    "from_array",
    "full",
    "full_like",
    "Group",
    "group",
    "load",
    "ml",
    "ndarray",
    "ones",
    "ones_like",
    "open",
    "open_array",
    "open_consolidated",
    "open_group",
    "open_like",
    "print_debug_info",
    "save",
    "save_array",
    "save_group",
    "set_format",
    "set_log_level",
    "storage",
    "tree",
    "zeros",
    "zeros_like",
]

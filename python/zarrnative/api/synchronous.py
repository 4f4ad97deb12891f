"""The synchronous functions of the top-level API, under the module path
zarr-python gives them (``zarr.api.synchronous``)."""

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

__all__ = [
    "array", "consolidate_metadata", "copy", "copy_all", "copy_store", "create", "create_array", "create_group",
    "create_hierarchy", "empty", "empty_like", "from_array", "full", "full_like", "group", "load", "ones",
    "ones_like", "open", "open_array", "open_consolidated", "open_group", "open_like", "save", "save_array",
    "save_group", "tree", "zeros", "zeros_like",
]

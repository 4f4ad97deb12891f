"""The functions zarr-python keeps under ``zarr.convenience`` for older code
(the top-level namespace is the place to import them from)."""

from zarrnative._api import (
    consolidate_metadata,
    copy,
    copy_all,
    copy_store,
    load,
    open,
    open_consolidated,
    save,
    save_array,
    save_group,
    tree,
)

__all__ = ["consolidate_metadata", "copy", "copy_all", "copy_store", "load", "open", "open_consolidated", "save",
           "save_array", "save_group", "tree"]

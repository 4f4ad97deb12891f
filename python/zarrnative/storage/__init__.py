"""Stores, as zarr-python 3's ``zarr.storage``: ``LocalStore`` and
``MemoryStore`` are faces over the C++ stores that the array engine reads and
writes without Python; ``StorePath`` and ``make_store_path`` address paths
inside them."""

from zarrnative.storage._common import StorePath, make_store_path
from zarrnative.storage._local import LocalStore
from zarrnative.storage._memory import MemoryStore

__all__ = ["LocalStore", "MemoryStore", "StorePath", "make_store_path"]

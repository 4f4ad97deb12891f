"""Stores, as zarr-python 3's ``zarr.storage``.

``LocalStore`` and ``MemoryStore`` are faces over the C++ stores that the
array engine reads and writes without Python. ``ZipStore``, ``FsspecStore``,
``ObjectStore``, ``WrapperStore`` and ``LoggingStore`` are Python, and feed
the engine in batches: one concurrent fetch of every key and byte range a
read needs, then one call into the core (``_batch``). ``StorePath`` and
``make_store_path`` address paths inside any of them.
"""

import pathlib

from zarrnative.storage._base import PythonStore, StoreError
from zarrnative.storage._common import StorePath, make_store_path
from zarrnative.storage._fsspec import FsspecStore
from zarrnative.storage._local import LocalStore
from zarrnative.storage._memory import MemoryStore
from zarrnative.storage._obstore import ObjectStore
from zarrnative.storage._wrapper import LoggingStore, WrapperStore
from zarrnative.storage._zip import ZipStore

# What a ``store=`` argument may be (zarr-python's ``StoreLike``).
StoreLike = LocalStore | MemoryStore | PythonStore | StorePath | pathlib.Path | str | dict

__all__ = [
    "FsspecStore",
    "LocalStore",
    "LoggingStore",
    "MemoryStore",
    "ObjectStore",
    "PythonStore",
    "StoreError",
    "StoreLike",
    "StorePath",
    "WrapperStore",
    "ZipStore",
    "make_store_path",
]

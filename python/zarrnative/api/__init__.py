"""``zarrnative.api``: the module layout of zarr-python's ``zarr.api``.
``synchronous`` holds the functions of the top-level namespace,
``asynchronous`` their coroutines."""

from zarrnative.api import asynchronous, synchronous

__all__ = ["asynchronous", "synchronous"]

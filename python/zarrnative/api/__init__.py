"""``zarrnative.api``: the module layout of zarr-python's ``zarr.api``.
``synchronous`` holds the functions of the top-level namespace."""

from zarrnative.api import synchronous

__all__ = ["synchronous"]

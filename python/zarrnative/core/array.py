"""``zarr.core.array``'s public classes."""

from zarrnative._array import Array
from zarrnative._async import AsyncArray

__all__ = ["Array", "AsyncArray"]

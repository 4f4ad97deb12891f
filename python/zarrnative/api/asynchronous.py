"""The coroutine forms of the top-level functions, under the module path
zarr-python gives them (``zarr.api.asynchronous``): the same arguments as
``zarrnative.api.synchronous``; arrays and groups come back as
:class:`AsyncArray` and :class:`AsyncGroup`. Each runs in a worker thread,
and the C++ work inside releases the GIL, so ``asyncio.gather`` over them
runs in parallel."""

from zarrnative._async import AsyncArray, AsyncGroup, coroutine_of
from zarrnative.api import synchronous as _sync

__all__ = ["AsyncArray", "AsyncGroup", *_sync.__all__]

for _name in _sync.__all__:
    globals()[_name] = coroutine_of(getattr(_sync, _name))
del _name

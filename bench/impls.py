"""One adapter per implementation: open an existing array, read a selection
(a tuple of slices or ints), read an orthogonal selection (index arrays),
write the whole array, and report its thread settings.

Every implementation runs with its defaults (what a user gets), except that
tensorstore writes without fsync (``file_io_sync: false``), as the other
three do: that is the fair comparison.
"""

from __future__ import annotations

import json


class Zarrnative:
    name = "zarrnative"

    def __init__(self):
        import zarrnative
        self.zn = zarrnative

    def open(self, path, write=False):
        return self.zn.open_array(path, mode="r+" if write else "r")

    def read(self, a, sel):
        return a[sel]

    def read_oindex(self, a, sel):
        return a.oindex[sel]

    def read_batch(self, a, sels):
        return a.read_batch(sels)

    def write(self, a, data):
        a[tuple(slice(None) for _ in data.shape)] = data

    def settings(self):
        from zarrnative import _core
        return {"threads": _core.get_threads(), "fsync": False, "module": _core.__file__}


class ZarrPython:
    name = "zarr-python"

    def __init__(self):
        import zarr
        self.zarr = zarr

    def open(self, path, write=False):
        return self.zarr.open_array(path, mode="r+" if write else "r")

    def read(self, a, sel):
        return a[sel]

    def read_oindex(self, a, sel):
        return a.oindex[sel]

    def read_batch(self, a, sels):
        import numpy as np
        return np.stack([a[s] for s in sels])

    def write(self, a, data):
        a[tuple(slice(None) for _ in data.shape)] = data

    def settings(self):
        cfg = self.zarr.config
        return {"async.concurrency": cfg.get("async.concurrency"),
                "threading.max_workers": cfg.get("threading.max_workers"),
                "codec_pipeline": cfg.get("codec_pipeline")}


class Zarrs(ZarrPython):
    """zarr-python with the zarrs (Rust) codec pipeline. Selections are tuples
    of slices (never Ellipsis), which zarrs handles without falling back."""
    name = "zarrs"

    def __init__(self):
        super().__init__()
        import zarrs  # noqa: F401  (registers the pipeline)
        self.zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline"})


class TensorStore:
    name = "tensorstore"

    def __init__(self):
        import tensorstore
        self.ts = tensorstore
        # One context for the process: its defaults (data_copy_concurrency and
        # file_io_concurrency sized by the cores, no chunk cache), and no fsync.
        self.context = tensorstore.Context({"file_io_sync": False})

    def open(self, path, write=False):
        spec = {"driver": "zarr3", "kvstore": {"driver": "file", "path": str(path)}}
        return self.ts.open(spec, context=self.context, open=True, read=True, write=write).result()

    def read(self, a, sel):
        return a[sel].read().result()

    def read_oindex(self, a, sel):
        return a.oindex[sel].read().result()

    def read_batch(self, a, sels):
        import numpy as np
        futures = [a[s].read() for s in sels]  # all issued, then awaited
        return np.stack([f.result() for f in futures])

    def write(self, a, data):
        a.write(data).result()

    def settings(self):
        out = {}
        for key in ("data_copy_concurrency", "file_io_concurrency", "cache_pool", "file_io_sync"):
            try:
                out[key] = self.context[key].to_json(include_defaults=True)
            except Exception as e:  # a resource this version does not have
                out[key] = f"unavailable: {e}"
        return json.loads(json.dumps(out, default=str))


ADAPTERS = {c.name: c for c in (Zarrnative, ZarrPython, Zarrs, TensorStore)}

"""The Array class: zarr-python 3's synchronous Array API over the core."""

from __future__ import annotations

import json
from typing import Any, Iterator

import numpy as np

from zarrnative import _array_meta, _core, _gpu, _indexing
from zarrnative.ndarray import as_array
from zarrnative.storage import _batch


def _is_vlen(typestr: str) -> bool:
    return typestr == "|O"


class Attributes(dict):
    """``arr.attrs``: a dict whose changes are written through to the store."""

    def __init__(self, owner: "Array", data: dict):
        super().__init__(data)
        self._owner = owner

    def _flush(self) -> None:
        self._owner._native.set_attributes(json.dumps(dict(self)))
        self._owner._refresh()  # later `arr.attrs` see (and build on) this change

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._flush()

    def __delitem__(self, key):
        super().__delitem__(key)
        self._flush()

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        self._flush()

    def put(self, d: dict) -> None:
        super().clear()
        super().update(d)
        self._flush()

    def asdict(self) -> dict:
        return dict(self)


class _Indexer:
    def __init__(self, array: "Array", get, set_):
        self._get, self._set = get, set_

    def __getitem__(self, selection):
        return self._get(selection)

    def __setitem__(self, selection, value):
        self._set(selection, value)


class Array:
    """A Zarr array. Create with :func:`zarrnative.create_array`, open with
    :func:`zarrnative.open_array`."""

    def __init__(self, native: "_core.Array", store_path: Any = None, *, read_only: bool = False,
                 config: dict | None = None):
        from zarrnative._async import AsyncArray
        if isinstance(native, AsyncArray):  # zarr-python's Array(async_array)
            s = native.sync
            native, store_path, read_only, config = s._native, s._store_path, s._read_only, s._config
        self._native = native
        self._store_path = store_path
        self._read_only = read_only
        self._config = {"write_empty_chunks": False, "order": "C", **(config or {})}
        self._refresh()

    def __reduce__(self):
        # Pickled as its store (by value for memory, by location otherwise),
        # path, mode and config, and opened again on unpickling: what torch
        # DataLoader workers, multiprocessing and dask need.
        return (_unpickle_array, (self._store_path.store, self._store_path.path, self.zarr_format,
                                  self._read_only, dict(self._config)))

    def __eq__(self, other: object) -> bool:
        # As zarr-python compares arrays: the same store (read-only or not)
        # and path, the same metadata as each last read it, the same settings.
        return (isinstance(other, Array) and self._store_path == other._store_path
                and self._meta == other._meta and self._config == other._config)

    def __hash__(self) -> int:
        return hash(self._store_path)

    def _refresh(self) -> None:
        self._meta = json.loads(self._native.metadata_json)
        m = self._native.metadata
        self._shape = tuple(m.shape)
        self._typestr = m.typestr
        fields = json.loads(m.struct_fields_json)
        self._struct = None if fields is None else np.dtype(_array_meta.numpy_descr(fields))
        self._grid_chunks = tuple(m.chunk_shape)

    # --- properties ---------------------------------------------------------
    @property
    def _async_array(self):
        """This array's coroutine face (zarr-python's attribute name)."""
        from zarrnative._async import AsyncArray
        return AsyncArray(self)

    @property
    def async_array(self):
        """This array's coroutine face, :class:`zarrnative.AsyncArray`."""
        return self._async_array

    # --- runtime configuration and other constructors -----------------------
    @property
    def config(self):
        """The runtime settings (:class:`ArrayConfig`: order, write_empty_chunks).
        Read-only: :meth:`with_config` makes an array with other settings."""
        from zarrnative._config import ArrayConfig
        return ArrayConfig(self._config["order"], bool(self._config["write_empty_chunks"]))

    def with_config(self, config) -> "Array":
        """The same array (same store, metadata and core object) with other
        runtime settings: an ArrayConfig replaces them all, a dict changes
        only the keys it names."""
        from zarrnative._config import ArrayConfig
        if isinstance(config, ArrayConfig):
            merged = config.to_dict()
        elif isinstance(config, dict):
            merged = ArrayConfig.from_dict({**self.config.to_dict(), **config}).to_dict()
        else:
            raise TypeError(f"config must be an ArrayConfig or a dict, got {type(config).__name__}")
        return type(self)(self._native, self._store_path, read_only=self._read_only, config=merged)

    @classmethod
    def open(cls, store: Any) -> "Array":
        """Opens the array at ``store`` (anything ``store=`` accepts, with a path in it)."""
        from zarrnative._create import open_array
        return open_array(store)

    @classmethod
    def create(cls, store: Any, *, shape: Any, dtype: Any, zarr_format: int = 3, fill_value: Any = ...,
               attributes: dict | None = None, chunk_shape: Any = None, chunk_key_encoding: Any = None,
               codecs: Any = None, dimension_names: Any = None, chunks: Any = None,
               dimension_separator: str | None = None, order: str | None = None, filters: Any = None,
               compressor: Any = "auto", overwrite: bool = False, config: Any = None) -> "Array":
        """zarr-python's deprecated ``Array.create``: ``zarrnative.create``'s
        arguments (``chunk_shape`` and ``codecs`` for v3, ``chunks``,
        ``compressor`` and ``filters`` for v2); use :func:`create_array`."""
        import warnings
        from zarrnative._create import DEFAULT_FILL_VALUE, create
        from zarrnative.errors import ZarrDeprecationWarning
        warnings.warn("Array.create is deprecated; use zarrnative.create_array", ZarrDeprecationWarning,
                      stacklevel=2)
        if chunks is not None and chunk_shape is not None:
            raise ValueError("give chunks or chunk_shape, not both")
        return create(shape, store=store, dtype=dtype, zarr_format=zarr_format,
                      fill_value=DEFAULT_FILL_VALUE if fill_value is ... else fill_value,
                      attributes=attributes, chunks=chunks if chunks is not None else chunk_shape,
                      chunk_key_encoding=chunk_key_encoding, codecs=codecs, dimension_names=dimension_names,
                      dimension_separator=dimension_separator, order=order, filters=filters,
                      compressor=compressor, overwrite=overwrite, config=config)

    @classmethod
    def from_dict(cls, store_path: Any, data: dict) -> "Array":
        """An array object for the metadata document ``data`` (a zarr.json's
        or .zarray's contents, with ``zarr_format``) at ``store_path``. The
        core validates it; nothing is read from or written to the store."""
        from zarrnative._create import _config, native_store
        from zarrnative.storage import make_store_path
        if not isinstance(data, dict):
            raise TypeError(f"data must be a dict, got {type(data).__name__}")
        fmt = data.get("zarr_format")
        if fmt not in (2, 3):
            raise ValueError(f"data['zarr_format'] must be 2 or 3, got {fmt!r}")
        sp = make_store_path(store_path)
        text = json.dumps(data)
        meta = (_core.ArrayMetadata.parse_v3(text, sp.path) if fmt == 3
                else _core.ArrayMetadata.from_json(text, 2, sp.path))
        native = _core.Array.from_metadata(native_store(sp), sp.path, meta)
        return cls(native, sp, read_only=sp.store.read_only, config=_config(None))

    @property
    def compressor(self):
        """zarr-python's deprecated v2 property: the compressor of a v2
        array (None if it has none). v3 arrays raise TypeError: use ``compressors``."""
        import warnings
        from zarrnative.errors import ZarrDeprecationWarning
        warnings.warn("Array.compressor is deprecated; use Array.compressors", ZarrDeprecationWarning,
                      stacklevel=2)
        if self.zarr_format != 2:
            raise TypeError("`compressor` is not available for Zarr format 3 arrays.")
        found = self.compressors
        return found[0] if found else None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @shape.setter
    def shape(self, value) -> None:
        self.resize(value)

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def size(self) -> int:
        return int(np.prod(self._shape, dtype=np.int64))

    @property
    def dtype(self) -> np.dtype:
        if _is_vlen(self._typestr):
            text = self._meta.get("data_type") == "string" or _v2_vlen(self._meta) == "vlen-utf8"
            return _string_dtype() if text else np.dtype(object)
        return self._struct if self._struct is not None else np.dtype(self._typestr)

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def zarr_format(self) -> int:
        return int(self._meta["zarr_format"])

    def _sharding_config(self) -> dict | None:
        if self.zarr_format != 3:
            return None
        codecs = self._meta.get("codecs", [])
        if len(codecs) == 1 and codecs[0].get("name") == "sharding_indexed":
            return codecs[0]["configuration"]
        return None

    @property
    def chunks(self) -> tuple[int, ...]:
        sharding = self._sharding_config()
        return tuple(sharding["chunk_shape"]) if sharding else self._grid_chunks

    @property
    def shards(self) -> tuple[int, ...] | None:
        return self._grid_chunks if self._sharding_config() else None

    @property
    def cdata_shape(self) -> tuple[int, ...]:
        return tuple(-(-s // c) for s, c in zip(self._shape, self.chunks))

    @property
    def nchunks(self) -> int:
        return int(np.prod(self.cdata_shape, dtype=np.int64))

    @property
    def _nshards_initialized(self) -> int:
        """Stored objects of the chunk grid (shards, or chunks when unsharded)."""
        return int(self._native.nchunks_initialized())

    @property
    def nchunks_initialized(self) -> int:
        """Initialised chunks: stored shards times the chunks per shard, as
        zarr-python 3 counts them (stored chunks when the array is unsharded)."""
        shards = self.shards
        per_shard = 1 if shards is None else int(np.prod([s // c for s, c in zip(shards, self.chunks)]))
        return self._nshards_initialized * per_shard

    def nbytes_stored(self) -> int:
        return int(self._native.nbytes_stored())

    @property
    def fill_value(self) -> Any:
        fv = self._native.metadata.fill_value_bytes
        if _is_vlen(self._typestr):
            return _array_meta.fill_value_of(self._meta.get("fill_value"), _array_meta.dtype_of_metadata(self._meta))
        if self.zarr_format == 2 and self._meta.get("fill_value") is None:
            return None  # as zarr-python: chunks never written are undefined
        return np.frombuffer(fv, dtype=self.dtype)[0] if fv else self.dtype.type(0)

    @property
    def order(self) -> str:
        if self.zarr_format == 2:
            return self._meta.get("order", "C")
        return self._config.get("order", "C")

    @property
    def attrs(self) -> Attributes:
        return Attributes(self, self._meta.get("attributes", {}))

    @property
    def path(self) -> str:
        return self._native.path

    @property
    def name(self) -> str:
        return "/" + self.path

    @property
    def basename(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def store(self):
        return getattr(self._store_path, "store", self._store_path)

    @property
    def store_path(self):
        return self._store_path

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def metadata(self):
        from zarrnative._array_meta import metadata_view
        return metadata_view(self._meta)

    @property
    def filters(self) -> tuple:
        from zarrnative._array_meta import codec_parts
        return codec_parts(self._meta)[0]

    @property
    def serializer(self):
        from zarrnative._array_meta import codec_parts
        return codec_parts(self._meta)[1]

    @property
    def compressors(self) -> tuple:
        from zarrnative._array_meta import codec_parts
        return codec_parts(self._meta)[2]

    @property
    def info(self):
        from zarrnative._array_meta import array_info
        return array_info(self)

    def info_complete(self):
        """``info`` plus the bytes stored and the chunks initialised (lists the store)."""
        from zarrnative._array_meta import array_info
        return array_info(self, complete=True)

    def __repr__(self) -> str:
        return f"<Array {self._store_path!s} shape={self._shape} dtype={self.dtype}>"

    # --- reading ------------------------------------------------------------
    def _result(self, nd) -> np.ndarray:
        if _is_vlen(self._typestr):
            return _core.vlen_to_numpy(nd)
        out = np.asarray(nd)  # zero-copy: the numpy array keeps the NDArray alive
        return out if self._struct is None else out.view(self._struct)

    def _read_orthogonal(self, sel: _indexing.Orthogonal, out=None, scalar: bool = False, device=None) -> Any:
        device = _gpu.configured_device(device)
        if device is not None:
            return _gpu.read(self, sel, device, out=out)
        if out is not None and hasattr(out, "as_ndarray_like") and not hasattr(out, "__array_interface__"):
            out = out.as_ndarray_like()  # an NDBuffer (zarr-python's or ours): its array
        if out is not None:
            target = as_array(out)
            if tuple(target.shape) != sel.out_shape:
                target = as_array(np.asarray(out).reshape(sel.out_shape))
            self._core_read(sel.dims, target)
            return out
        if self.order == "F" and len(sel.out_shape) > 1 and not _is_vlen(self._typestr):
            # results in the array's memory order, as zarr-python returns them
            result = np.empty(sel.out_shape, dtype=self._typestr, order="F")
            self._core_read(sel.dims, as_array(result))
            if self._struct is not None:
                result = result.view(self._struct)
        else:
            result = self._result(self._core_read(sel.dims))
        result = result.reshape(sel.result_shape)
        # basic selections of one element give a numpy scalar; orthogonal ones a 0-d array (zarr-python)
        return result[()] if scalar and result.ndim == 0 else result

    @property
    def _validate(self) -> bool:
        return True

    @property
    def _batched(self) -> bool:
        """The store is written in Python: chunks go through it in batches (storage/_batch.py)."""
        return _batch.is_batched(self.store)

    def _core_read(self, dims, out=None):
        if self._batched:
            return _batch.read(self._native, self.store, dims, out, self._validate)
        return self._native.read(dims, out, self._validate)

    def _check_fields(self, fields: Any, out: Any) -> None:
        if fields is None:
            return
        if self._struct is None:
            raise IndexError(f"fields= selects fields of a structured data type; this array's is {self.dtype}")
        names = [fields] if isinstance(fields, str) else list(fields)
        missing = [n for n in names if n not in self._struct.names]
        if missing or not names:
            raise IndexError(f"no field {missing[0] if missing else ''!r}: the fields are {list(self._struct.names)}")
        if out is not None:
            raise IndexError("out= cannot be combined with fields=")

    def _with_fields(self, get: Any, selection: Any, value: Any, fields: Any) -> Any:
        """What a set_*_selection with ``fields`` writes: the records ``get``
        reads at ``selection``, with the named fields set to ``value``."""
        if fields is None:
            return value
        self._check_fields(fields, None)
        records = np.array(get(selection))
        records[fields if isinstance(fields, str) else list(fields)] = value
        return records

    def get_basic_selection(self, selection=Ellipsis, *, out=None, fields=None):
        self._check_fields(fields, out)
        return _pick_fields(self._read_orthogonal(_indexing.basic(selection, self._shape), out, scalar=True), fields)

    def get_orthogonal_selection(self, selection, *, out=None, fields=None):
        self._check_fields(fields, out)
        return _pick_fields(self._read_orthogonal(_indexing.orthogonal(selection, self._shape), out), fields)

    def get_block_selection(self, selection, *, out=None, fields=None):
        self._check_fields(fields, out)
        # blocks of the chunk grid: shards for a sharded array, as zarr-python counts them
        return _pick_fields(self._read_orthogonal(_indexing.blocks(selection, self._shape, self._grid_chunks), out),
                            fields)

    def _read_points(self, pts: _indexing.Points, out=None):
        device = _gpu.configured_device(None)
        if device is not None:  # under config device="cuda"
            if out is not None:
                raise ValueError("out= and a CUDA device cannot be combined: the device read makes its own array")
            if self._batched:  # a store written in Python: read on the CPU, then upload
                return _gpu.read_and_upload(self, lambda: self._read_points_host(pts), device,
                                            what="a coordinate or mask selection of a Python store")
            return _gpu.read_points(self, pts, device)
        return self._read_points_host(pts, out)

    def _read_points_host(self, pts: _indexing.Points, out=None):
        result = self._result(_batch.read_points(self._native, self.store, pts.coords) if self._batched
                              else self._native.read_points(pts.coords))
        result = result.reshape(pts.result_shape)
        if out is not None:
            np.copyto(np.asarray(out), result)
            return out
        return result

    def get_coordinate_selection(self, selection, *, out=None, fields=None):
        self._check_fields(fields, out)
        return _pick_fields(self._read_points(_indexing.coordinates(selection, self._shape), out), fields)

    def get_mask_selection(self, mask, *, out=None, fields=None):
        self._check_fields(fields, out)
        return _pick_fields(self._read_points(_indexing.mask(mask, self._shape), out), fields)

    def __getitem__(self, selection):
        fields, selection = _indexing.pop_fields(selection)
        kind, selection = _indexing.selection_kind(selection, self.ndim)
        if kind == "mask":
            return self.get_mask_selection(selection, fields=fields)
        if kind == "coordinate":
            return self.get_coordinate_selection(selection, fields=fields)
        if kind == "orthogonal":
            return self.get_orthogonal_selection(selection, fields=fields)
        return self.get_basic_selection(selection, fields=fields)

    def get(self, selection=Ellipsis, *, out=None, device=None):
        """Reads ``selection`` into ``out`` (anything ``as_array`` wraps), or a new numpy array;
        with ``device="cuda"`` (or ``"cuda:N"``) into CUDA memory, decoded on the GPU (a CuPy
        array where CuPy is installed, else a device NDArray). ``device="cpu"`` reads to the host
        whatever ``config`` says."""
        if device is not None and _gpu.parse_device(device) is None:
            return self._read_orthogonal(_indexing.orthogonal(selection, self._shape), out, device="cpu")
        return self._read_orthogonal(_indexing.orthogonal(selection, self._shape), out, device=device)

    def read_batch(self, selections, *, out=None, device=None):
        """Reads many selections of one shape (tuples of ints and slices, or
        anything ``oindex`` takes) into one array of shape
        ``(len(selections), *shape)``: one request, every chunk of every
        selection decoded in parallel, what a training batch of random crops
        or rows needs. ``out``: a destination of that shape (anything
        ``as_array`` wraps). ``device="cuda"`` (or ``"cuda:N"``): every
        chunk of every selection decoded in one GPU batch into one device
        array (a chunk that several selections share is decoded once); a
        CuPy array where CuPy is installed, else a device NDArray that
        PyTorch takes through DLPack. Chunks nvCOMP cannot decode are
        decoded on the CPU (the ``zarrnative.gpu`` logger says so).

        >>> batch = arr.read_batch([(slice(i, i + 64), slice(j, j + 64)) for i, j in corners])
        >>> torch.from_numpy(batch)  # no copy
        """
        sels = [_indexing.orthogonal(sel, self._shape) for sel in selections]
        if not sels:
            raise ValueError("read_batch: no selections")
        shape = sels[0].result_shape
        for i, sel in enumerate(sels):
            if sel.result_shape != shape:
                raise ValueError(f"read_batch: selection {i} has shape {sel.result_shape}, selection 0 has {shape}")
        full = (len(sels), *sels[0].out_shape)
        device = _gpu.parse_device(device) if device is not None else _gpu.configured_device(None)
        if device is not None:
            if out is not None:
                raise ValueError("out= and a CUDA device cannot be combined: the device read makes its own array")
            if self._batched:  # a store written in Python: read on the CPU, then upload
                return _gpu.read_and_upload(self, lambda: self.read_batch(selections, device="cpu"), device,
                                            what="read_batch of a Python store")
            return _gpu.read_batch(self, sels, device)
        if out is not None:
            target = as_array(out)
            if tuple(target.shape) != full:
                target = as_array(np.asarray(out).reshape(full))
        else:
            target = None
        if self._batched:  # a store written in Python: one batch per selection
            dest = target if target is not None else as_array(np.empty(full, self.dtype))
            arr = np.asarray(dest)
            for i, sel in enumerate(sels):
                self._core_read(sel.dims, as_array(arr[i]))
            result = dest
        else:
            result = self._native.read_many([sel.dims for sel in sels], target, self._validate)
        if out is not None:
            return out
        return self._result(result).reshape((len(sels), *shape))

    @property
    def oindex(self) -> _Indexer:
        return _Indexer(self, self.get_orthogonal_selection, self.set_orthogonal_selection)

    @property
    def vindex(self) -> _Indexer:
        def get(sel):
            if not isinstance(sel, tuple) and np.asarray(sel).dtype == bool:
                return self.get_mask_selection(sel)
            return self.get_coordinate_selection(sel)

        def set_(sel, value):
            if not isinstance(sel, tuple) and np.asarray(sel).dtype == bool:
                return self.set_mask_selection(sel, value)
            return self.set_coordinate_selection(sel, value)

        return _Indexer(self, get, set_)

    @property
    def blocks(self) -> _Indexer:
        return _Indexer(self, self.get_block_selection, self.set_block_selection)

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError("reading a Zarr array always makes a new array; copy=False cannot be honoured")
        a = np.asarray(self[...])  # a 0-d array comes back as a numpy scalar
        return a if dtype is None else a.astype(dtype)

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of unsized object")
        return self._shape[0]

    def __iter__(self) -> Iterator:
        if not self._shape:
            raise TypeError("iteration over a 0-d array")
        step = self.chunks[0]
        for start in range(0, self._shape[0], step):
            block = self[start:min(start + step, self._shape[0])]
            yield from block

    # --- writing ------------------------------------------------------------
    def _check_writable(self) -> None:
        if self._read_only:
            raise ValueError(f"array {self.path!r} was opened read-only (mode 'r')")

    def _values(self, value, shape: tuple[int, ...]):
        if _is_vlen(self._typestr):
            v = np.broadcast_to(np.asarray(value, dtype=object), shape)
            kind = "string" if self._meta.get("data_type") == "string" or _v2_vlen(self._meta) == "vlen-utf8" \
                else "bytes"
            return _core.vlen_from_python(np.ascontiguousarray(v), kind, list(shape))
        v = np.asarray(value)
        if v.dtype != self.dtype:
            v = v.astype(self.dtype)
        return as_array(np.broadcast_to(v, shape))

    def _write_orthogonal(self, sel: _indexing.Orthogonal, value) -> None:
        self._check_writable()
        # (a record array's tuples are records, not rows of numbers)
        value = np.asarray(_host_values(value), dtype=self._struct) if not _is_vlen(self._typestr) else value
        if not _is_vlen(self._typestr) and np.ndim(value) == len(sel.result_shape) and \
                np.shape(value) != sel.result_shape:
            np.broadcast_shapes(np.shape(value), sel.result_shape)  # raises ValueError like numpy
        if not _is_vlen(self._typestr):
            value = np.broadcast_to(value, sel.result_shape).reshape(sel.out_shape) \
                if np.ndim(value) else value
        values, empty = self._values(value, sel.out_shape), bool(self._config["write_empty_chunks"])
        if self._batched:
            _batch.write(self._native, self.store, sel.dims, values, empty)
        else:
            self._native.write(sel.dims, values, empty)

    def set_basic_selection(self, selection, value, *, fields=None):
        value = self._with_fields(self.get_basic_selection, selection, value, fields)
        self._write_orthogonal(_indexing.basic(selection, self._shape), value)

    def set_orthogonal_selection(self, selection, value, *, fields=None):
        value = self._with_fields(self.get_orthogonal_selection, selection, value, fields)
        self._write_orthogonal(_indexing.orthogonal(selection, self._shape), value)

    def set_block_selection(self, selection, value, *, fields=None):
        value = self._with_fields(self.get_block_selection, selection, value, fields)
        self._write_orthogonal(_indexing.blocks(selection, self._shape, self._grid_chunks), value)

    def _write_points(self, pts: _indexing.Points, value) -> None:
        self._check_writable()
        value = _host_values(value)
        v = np.broadcast_to(np.asarray(value, dtype=self.dtype if not _is_vlen(self._typestr) else object),
                            pts.result_shape).reshape(-1)
        values, empty = self._values(np.ascontiguousarray(v), (v.size,)), bool(self._config["write_empty_chunks"])
        if self._batched:
            _batch.write_points(self._native, self.store, pts.coords, values, empty)
        else:
            self._native.write_points(pts.coords, values, empty)

    def set_coordinate_selection(self, selection, value, *, fields=None):
        value = self._with_fields(self.get_coordinate_selection, selection, value, fields)
        self._write_points(_indexing.coordinates(selection, self._shape), value)

    def set_mask_selection(self, mask, value, *, fields=None):
        value = self._with_fields(self.get_mask_selection, mask, value, fields)
        self._write_points(_indexing.mask(mask, self._shape), value)

    def __setitem__(self, selection, value) -> None:
        fields, selection = _indexing.pop_fields(selection)
        kind, selection = _indexing.selection_kind(selection, self.ndim)
        if kind == "mask":
            return self.set_mask_selection(selection, value, fields=fields)
        if kind == "coordinate":
            return self.set_coordinate_selection(selection, value, fields=fields)
        if kind == "orthogonal":
            return self.set_orthogonal_selection(selection, value, fields=fields)
        return self.set_basic_selection(selection, value, fields=fields)

    # --- shape and attributes ---------------------------------------------------
    def resize(self, new_shape, *args) -> None:
        self._check_writable()
        if args:
            new_shape = (new_shape, *args)
        if isinstance(new_shape, (int, np.integer)):
            new_shape = (new_shape,)
        self._native.resize([int(s) for s in new_shape])
        self._refresh()

    def append(self, data, axis: int = 0) -> tuple[int, ...]:
        self._check_writable()
        data = np.asarray(data)
        if data.ndim != self.ndim:
            raise ValueError(f"appended data has {data.ndim} dimensions, the array {self.ndim}")
        axis = axis + self.ndim if axis < 0 else axis
        for d in range(self.ndim):
            if d != axis and data.shape[d] != self._shape[d]:
                raise ValueError(f"appended data has shape {data.shape}, incompatible with {self._shape} "
                                 f"along axis {d}")
        old = self._shape[axis]
        new_shape = list(self._shape)
        new_shape[axis] += data.shape[axis]
        self.resize(tuple(new_shape))
        sel = tuple(slice(old, None) if d == axis else slice(None) for d in range(self.ndim))
        self[sel] = data
        return self._shape

    def update_attributes(self, new_attributes: dict) -> "Array":
        attrs = dict(self._meta.get("attributes", {}))
        attrs.update(new_attributes)
        self._native.set_attributes(json.dumps(attrs))
        self._refresh()
        return self


def _pick_fields(result: Any, fields: Any) -> Any:
    """The named field (a str) or fields (a list) of records read."""
    if fields is None:
        return result
    return result[fields] if isinstance(fields, str) else result[list(fields)]


def _string_dtype():
    try:
        return np.dtypes.StringDType()
    except AttributeError:  # numpy < 2
        return np.dtype(object)


def _v2_vlen(meta: dict) -> str | None:
    for f in meta.get("filters") or []:
        if f.get("id") in ("vlen-utf8", "vlen-bytes"):
            return f["id"]
    return None


def _unpickle_array(store: Any, path: str, zarr_format: int, read_only: bool, config: dict) -> Array:
    from zarrnative._create import _open_native
    from zarrnative.storage import StorePath
    store_path = StorePath(store, path)
    return Array(_open_native(store_path, zarr_format), store_path, read_only=read_only, config=config)


# DLPack device types of CUDA memory the CPU cannot read: CUDA, managed.
_DEVICE_DLPACK = (2, 13)


def _host_values(value: Any) -> Any:
    """Values in CUDA memory (CuPy, PyTorch and JAX GPU arrays, device
    NDArrays) copied to host memory in one copy, for encoding on the CPU;
    anything else as it is. Without a usable GPU such values raise
    ``DeviceUnavailableError``."""
    if isinstance(value, (np.ndarray, np.generic, int, float, complex, bool, str, bytes, list, tuple)) or value is None:
        return value
    on_device = hasattr(value, "__cuda_array_interface__")
    if not on_device and hasattr(value, "__dlpack_device__"):
        try:
            on_device = int(value.__dlpack_device__()[0]) in _DEVICE_DLPACK
        except Exception:
            on_device = False
    if not on_device:
        return value
    host = as_array(value).cpu()
    _gpu.log.debug("write: values copied from the GPU to the host (%d bytes)", host.nbytes)
    return np.asarray(host)

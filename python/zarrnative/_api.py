"""The top-level functions over groups and hierarchies, with zarr-python
3.1's signatures and file-mode semantics:

- ``"r"``: read only, the node must exist
- ``"r+"``: read and write, the node must exist
- ``"a"``: read and write, created where missing (the default)
- ``"w"``: created, deleting what was at the path
- ``"w-"``: created, FileExistsError where anything is at the path
"""

from __future__ import annotations

import warnings
from typing import Any, Iterator

import numpy as np

from zarrnative import _hierarchy as h
from zarrnative._array import Array
from zarrnative._config import default_zarr_format
from zarrnative._create import _zarr_format, create, open_array
from zarrnative._group import Group, _node_object
from zarrnative._hierarchy import ConsolidatedMetadata, GroupMetadata
from zarrnative.errors import (
    ArrayNotFoundError,
    ContainsArrayError,
    ContainsGroupError,
    GroupNotFoundError,
    NodeTypeValidationError,
    ZarrDeprecationWarning,
    ZarrRuntimeWarning,
    ZarrUserWarning,
)
from zarrnative.storage import StorePath, make_store_path

__all__ = [
    "consolidate_metadata",
    "copy",
    "copy_all",
    "copy_store",
    "create_group",
    "create_hierarchy",
    "group",
    "load",
    "open",
    "open_consolidated",
    "open_group",
    "save",
    "save_array",
    "save_group",
    "tree",
]

_READ_MODES = ("r", "r+", "a")
_CREATE_MODES = ("a", "w", "w-")


def _ignored(**args: Any) -> None:
    for name, value in args.items():
        if value is not None:
            warnings.warn(f"{name} is not yet implemented", ZarrRuntimeWarning, stacklevel=3)


def _default_mode(store: Any) -> str:
    """"r" for a read-only store or StorePath, else "a" (zarr-python's default)."""
    return "r" if getattr(store, "read_only", False) is True else "a"


# --- groups -------------------------------------------------------------------------------
def open_group(store: Any = None, *, mode: str = "a", cache_attrs: bool | None = None, synchronizer: Any = None,
               path: str | None = None, chunk_store: Any = None, storage_options: dict | None = None,
               zarr_version: int | None = None, zarr_format: int | None = None, meta_array: Any = None,
               attributes: dict | None = None, use_consolidated: bool | str | None = None) -> Group:
    """Opens a group (creating it in modes "a", "w", "w-"). Consolidated
    metadata is used where present unless ``use_consolidated`` is False;
    True requires it."""
    zarr_format = _zarr_format(zarr_version, zarr_format)
    _ignored(cache_attrs=cache_attrs, synchronizer=synchronizer, meta_array=meta_array, chunk_store=chunk_store)
    store_path = make_store_path(store, path=path, mode=mode, storage_options=storage_options)
    if mode in _READ_MODES:
        try:
            return Group.open(store_path, zarr_format=zarr_format, use_consolidated=use_consolidated)
        except (KeyError, FileNotFoundError):
            pass
    if mode in _CREATE_MODES:
        return Group.from_store(store_path, zarr_format=zarr_format or default_zarr_format(),
                                overwrite=mode == "w", attributes=attributes or {})
    raise GroupNotFoundError(f"No group found in store {store!r} at path {store_path.path!r}")


def open_consolidated(*args: Any, use_consolidated: bool = True, **kwargs: Any) -> Group:
    """``open_group`` that requires consolidated metadata."""
    if use_consolidated is not True:
        raise TypeError("'use_consolidated' must be 'True' in 'open_consolidated'. Use 'open' with "
                        "'use_consolidated=False' to bypass consolidated metadata.")
    return open_group(*args, use_consolidated=use_consolidated, **kwargs)


def create_group(store: Any, *, path: str | None = None, zarr_format: int | None = None, overwrite: bool = False,
                 attributes: dict | None = None, storage_options: dict | None = None) -> Group:
    store_path = make_store_path(store, path=path, mode="a", storage_options=storage_options)
    return Group.from_store(store_path, zarr_format=zarr_format or default_zarr_format(), overwrite=overwrite,
                            attributes=attributes)


def group(store: Any = None, *, overwrite: bool = False, chunk_store: Any = None, cache_attrs: bool | None = None,
          synchronizer: Any = None, path: str | None = None, zarr_version: int | None = None,
          zarr_format: int | None = None, meta_array: Any = None, attributes: dict | None = None,
          storage_options: dict | None = None) -> Group:
    """Opens or creates a group (``overwrite``: replace what is there)."""
    return open_group(store, mode="w" if overwrite else "a", chunk_store=chunk_store, cache_attrs=cache_attrs,
                      synchronizer=synchronizer, path=path, zarr_version=zarr_version, zarr_format=zarr_format,
                      meta_array=meta_array, attributes=attributes, storage_options=storage_options)


# --- open ---------------------------------------------------------------------------------
def open(store: Any = None, *, mode: str | None = None, zarr_version: int | None = None,
         zarr_format: int | None = None, path: str | None = None, storage_options: dict | None = None,
         **kwargs: Any) -> Array | Group:
    """Opens the array or group at ``store`` / ``path``; where there is none,
    creates a group (or, with ``shape``, an array), as zarr-python does."""
    zarr_format = _zarr_format(zarr_version, zarr_format)
    if mode is None:
        mode = _default_mode(store)
    store_path = make_store_path(store, path=path, mode=mode, storage_options=storage_options)
    if "shape" not in kwargs and mode in ("a", "r", "r+", "w"):
        node = h.read_node(store_path.store, store_path.path, zarr_format)
        if node is not None and not node.is_group:
            from zarrnative._create import _config
            arr = _node_object(store_path.store, node)
            if kwargs.get("config") is not None:
                arr._config.update(_config(kwargs["config"]))
            return arr
        return open_group(store_path, zarr_format=zarr_format, mode=mode, **kwargs)
    try:
        return open_array(store_path, zarr_format=zarr_format, mode=mode, **kwargs)
    except (KeyError, NodeTypeValidationError):
        return open_group(store_path, zarr_format=zarr_format, mode=mode, **kwargs)


# --- hierarchies --------------------------------------------------------------------------
def _metadata_dict(meta: Any) -> tuple[int, bool, dict]:
    """(zarr_format, is_group, document) of a node's metadata (ours,
    zarr-python's, or a plain document)."""
    if isinstance(meta, dict):
        doc = meta
    else:
        doc = meta.to_dict()
    fmt = doc.get("zarr_format", getattr(meta, "zarr_format", None))
    is_group = doc.get("node_type") == "group" or (fmt == 2 and "shape" not in doc)
    return fmt, is_group, doc


def _create_nodes(store: Any, nodes: dict, *, overwrite: bool = False) -> Iterator[tuple[str, Array | Group]]:
    """Creates the nodes (absolute paths) and the implicit groups between
    them, in one batch of reads and one batch of writes."""
    import json

    from zarrnative import _core
    parsed: dict[str, tuple[int, bool, dict]] = {}
    for key, meta in nodes.items():
        parsed[h.normalize_key(key)] = _metadata_dict(meta)
    formats = {fmt for fmt, _, _ in parsed.values()}
    if len(formats) > 1:
        raise ValueError("Got data with both Zarr v2 and Zarr v3 nodes, which is invalid. "
                         "Ensure that all nodes have the same Zarr format.")
    if not parsed:
        return
    fmt = formats.pop()
    implicit: list[str] = []
    for key, (_, is_group, _) in list(parsed.items()):
        parts = key.split("/") if key else []
        for i in range(len(parts)):
            parent = "/".join(parts[:i])
            if parent in parsed:
                if not parsed[parent][1]:
                    raise ValueError(f"The node at {parent} contains other nodes, but it is not a Zarr group. "
                                     "This is invalid. Only Zarr groups can contain other nodes.")
            elif parent not in implicit:
                implicit.append(parent)
    existing = dict(zip(list(parsed) + implicit, h.read_nodes(store, list(parsed) + implicit, fmt)))
    if overwrite:
        for key in parsed:
            store.delete_dir_sync(key)
    else:
        for key in parsed:
            node = existing[key]
            if node is not None:
                if node.is_group:
                    raise ContainsGroupError(f"A group exists in store {store!r} at path {key!r}.")
                raise ContainsArrayError(f"An array exists in store {store!r} at path {key!r}.")
    for key in implicit:
        node = existing[key]
        if node is not None and not node.is_group:
            raise ContainsArrayError(f"An array exists in store {store!r} at path {key!r}.")
    writes: dict[str, bytes] = {}
    created: list[tuple[str, h.Node]] = []
    for key in implicit:
        if existing[key] is None:
            meta = GroupMetadata(zarr_format=fmt)
            writes.update(h.group_documents(key, meta))
            created.append((key, h.Node(key, fmt, group=meta)))
    for key, (_, is_group, doc) in parsed.items():
        if is_group:
            meta = GroupMetadata(dict(doc.get("attributes") or {}), fmt)
            writes.update(h.group_documents(key, meta))
            created.append((key, h.Node(key, fmt, group=meta)))
        else:
            text = json.dumps(doc)
            native = (_core.ArrayMetadata.parse_v3(text, key) if fmt == 3
                      else _core.ArrayMetadata.from_json(text, 2, key))  # validated by the core
            node = h.Node(key, fmt, array=native)
            adoc = node.array_doc()
            if fmt == 3:
                writes[h.join(key, h.ZARR_JSON)] = h.dumps(adoc)
            else:
                adoc = dict(adoc)
                attrs = adoc.pop("attributes", {})
                writes[h.join(key, h.ZARRAY)] = h.dumps(adoc)
                writes[h.join(key, h.ZATTRS)] = h.dumps(attrs)
            created.append((key, node))
    h.set_many(store, writes)
    for key, node in created:
        yield key, _node_object(store, node)


def create_hierarchy(*, store: Any, nodes: dict, overwrite: bool = False) -> Iterator[tuple[str, Array | Group]]:
    """Creates a hierarchy from {path: GroupMetadata or array metadata}
    (zarrnative's or zarr-python's metadata objects, or their documents),
    adding the implicit groups between them; yields (path, node)."""
    store_path = make_store_path(store)
    yield from _create_nodes(store_path.store, {h.join(store_path.path, h.normalize_key(k)): v
                                                for k, v in nodes.items()}, overwrite=overwrite)


# --- consolidated metadata --------------------------------------------------------------------
def consolidate_metadata(store: Any, path: str | None = None, zarr_format: int | None = None) -> Group:
    """Writes the metadata of every node below the group at ``path`` into
    it: inline in its zarr.json (v3) or in .zmetadata (v2), the layout
    zarr-python 3.1 writes. Returns the group, with ``consolidated_metadata``."""
    store_path = make_store_path(store, path=path)
    if not getattr(store_path.store, "supports_consolidated_metadata", True):
        raise TypeError(f"The Zarr Store in use ({type(store_path.store).__name__}) doesn't support consolidated "
                        "metadata")
    grp = Group.open(store_path, zarr_format=zarr_format, use_consolidated=False)
    if grp.read_only:
        raise ValueError("store was opened in read-only mode and does not support writing")
    flat = {}
    for key, node in grp._member_nodes(None, use_consolidated_for_children=False):
        meta = node.metadata()
        if isinstance(meta, GroupMetadata):
            meta = GroupMetadata(meta.attributes, meta.zarr_format, ConsolidatedMetadata({}))
        flat[key] = meta
    if grp.metadata.zarr_format == 3:
        warnings.warn("Consolidated metadata is currently not part in the Zarr format 3 specification. It may not "
                      "be supported by other zarr implementations and may change in the future.",
                      ZarrUserWarning, stacklevel=2)
    grp.metadata.consolidated_metadata = ConsolidatedMetadata.from_flat(flat)
    grp._save_metadata()
    return grp


# --- save and load ------------------------------------------------------------------------
def save_array(store: Any, arr: Any, *, zarr_version: int | None = None, zarr_format: int | None = None,
               path: str | None = None, storage_options: dict | None = None, **kwargs: Any) -> None:
    """Writes a numpy (or other ndarray-like) array as a Zarr array."""
    zarr_format = _zarr_format(zarr_version, zarr_format) or default_zarr_format()
    if np.isscalar(arr):
        arr = np.array(arr)
    if not (hasattr(arr, "shape") and hasattr(arr, "dtype") and hasattr(arr, "__array__")):
        raise TypeError("arr argument must be numpy or other NDArrayLike array")
    mode = kwargs.pop("mode", "a")
    store_path = make_store_path(store, path=path, mode=mode, storage_options=storage_options)
    overwrite = kwargs.pop("overwrite", None) or mode == "w"
    new = create(shape=arr.shape, dtype=arr.dtype, chunks=getattr(arr, "chunks", None), store=store_path,
                 zarr_format=zarr_format, overwrite=overwrite, **kwargs)
    new[...] = arr


def save_group(store: Any, *args: Any, zarr_version: int | None = None, zarr_format: int | None = None,
               path: str | None = None, storage_options: dict | None = None, **kwargs: Any) -> None:
    """Writes arrays into a new group: positional ones as ``arr_0``,
    ``arr_1``..., keyword ones by name."""
    zarr_format = _zarr_format(zarr_version, zarr_format) or default_zarr_format()
    for a in args:
        if not hasattr(a, "shape") or not hasattr(a, "dtype"):
            raise TypeError("All arguments must be numpy or other NDArrayLike arrays (except store, path, "
                            "storage_options, and zarr_format)")
    for k, v in kwargs.items():
        if not hasattr(v, "shape") or not hasattr(v, "dtype"):
            raise TypeError(f"Keyword argument '{k}' must be a numpy or other NDArrayLike array")
    if not args and not kwargs:
        raise ValueError("at least one array must be provided")
    store_path = make_store_path(store, path=path, mode="w", storage_options=storage_options)
    for i, a in enumerate(args):
        save_array(store_path, a, zarr_format=zarr_format, path=f"arr_{i}")
    for k, a in kwargs.items():
        save_array(store_path, a, zarr_format=zarr_format, path=k)


def save(store: Any, *args: Any, zarr_version: int | None = None, zarr_format: int | None = None,
         path: str | None = None, **kwargs: Any) -> None:
    """``save_array`` for one positional array, else ``save_group``."""
    zarr_format = _zarr_format(zarr_version, zarr_format)
    if not args and not kwargs:
        raise ValueError("at least one array must be provided")
    if len(args) == 1 and not kwargs:
        save_array(store, args[0], zarr_format=zarr_format, path=path)
    else:
        save_group(store, *args, zarr_format=zarr_format, path=path, **kwargs)


class LazyLoader(dict):
    """``load`` of a group: a mapping from array names to numpy arrays, each
    read when first looked up."""

    def __init__(self, grp: Group) -> None:
        super().__init__()
        self._group = grp
        self._names = list(grp.array_keys())

    def __getitem__(self, key: str) -> Any:
        if key not in self._names:
            raise KeyError(key)
        if not super().__contains__(key):
            super().__setitem__(key, self._group[key][...])
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        return key in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def keys(self):  # type: ignore[override]
        return list(self._names)

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in self._names]

    def values(self):  # type: ignore[override]
        return [self[k] for k in self._names]

    def __repr__(self) -> str:
        return f"<LazyLoader: {', '.join(self._names)}>"


def load(store: Any, path: str | None = None, zarr_format: int | None = None, zarr_version: int | None = None
         ) -> Any:
    """An array's data as numpy; for a group, a lazy mapping of its arrays
    (zarr-python 3.1 raises NotImplementedError for groups; zarrnative does
    what zarr-python 2 did)."""
    zarr_format = _zarr_format(zarr_version, zarr_format)
    obj = open(store=store, path=path, zarr_format=zarr_format, mode="r")
    if isinstance(obj, Array):
        return obj[...]
    return LazyLoader(obj)


def tree(grp: Group, expand: bool | None = None, level: int | None = None) -> Any:
    """Deprecated in zarr-python 3: ``grp.tree()``."""
    warnings.warn("Use Group.tree instead.", ZarrDeprecationWarning, stacklevel=2)
    return grp.tree(expand=expand, level=level)


# --- copying ------------------------------------------------------------------------------
from zarrnative._copy import copy, copy_all, copy_store  # noqa: E402

"""Groups: zarr-python 3's synchronous ``Group`` API over v3 (zarr.json,
node_type "group") and v2 (.zgroup, .zattrs) groups.

A group's members are found by listing the store one level at a time and
reading every metadata document of a level in one batch (``get_many``), or,
where the group holds consolidated metadata, without touching the store.
A hierarchy holds one Zarr format: creating a node of the other format in
a group is refused (zarr-python would write a v3 array into a v2 group from
``Group.zeros``; zarrnative uses the group's format).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, MutableMapping
from typing import Any

import numpy as np

from zarrnative import _core
from zarrnative import _hierarchy as h
from zarrnative._array import Array
from zarrnative._create import DEFAULT_FILL_VALUE
from zarrnative._hierarchy import ConsolidatedMetadata, GroupMetadata, Node
from zarrnative.errors import (
    ContainsArrayError,
    GroupNotFoundError,
    MetadataValidationError,
    ZarrDeprecationWarning,
    ZarrUserWarning,
)
from zarrnative.storage import StorePath, make_store_path

__all__ = ["Group", "GroupMetadata", "ConsolidatedMetadata"]


def _node_object(store: Any, node: Node, *, read_only: bool | None = None) -> Array | Group:
    """The Array or Group of a node read from (or consolidated in) a store."""
    store_path = StorePath(store, node.path)
    if node.is_group:
        return Group(store_path, node.group)
    from zarrnative._create import _config, native_store
    native = _core.Array.from_metadata(native_store(store_path), node.path, node.array)
    return Array(native, store_path, read_only=store.read_only if read_only is None else read_only,
                 config=_config(None))


def _node_from_metadata(path: str, meta: Any) -> Node:
    """A Node from consolidated metadata (validated when it was read)."""
    if isinstance(meta, GroupMetadata):
        return Node(path, meta.zarr_format, group=meta)
    doc = getattr(meta, "_doc", None)  # our views: read-only use, no copy needed
    if doc is None:
        doc = meta.to_dict()
    text = json.dumps(doc)
    if meta.zarr_format == 3:
        native = _core.ArrayMetadata.parse_v3(text, path)
    else:
        native = _core.ArrayMetadata.from_json(text, 2, path)
    return Node(path, meta.zarr_format, array=native, _doc=doc)


class Attributes(MutableMapping):
    """``group.attrs``: a mapping whose changes are written to the store."""

    def __init__(self, group: Group) -> None:
        self._group = group

    def __getitem__(self, key: str) -> Any:
        return self._group.metadata.attributes[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._group.update_attributes({key: value})

    def __delitem__(self, key: str) -> None:
        attrs = dict(self._group.metadata.attributes)
        del attrs[key]
        self._group._set_attributes(attrs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._group.metadata.attributes)

    def __len__(self) -> int:
        return len(self._group.metadata.attributes)

    def put(self, d: dict) -> None:
        """Replaces all attributes."""
        self._group._set_attributes(dict(d))

    def asdict(self) -> dict:
        return dict(self._group.metadata.attributes)

    def __repr__(self) -> str:
        return repr(self.asdict())


class GroupInfo:
    """``Group.info``: zarr-python's layout."""

    def __init__(self, name: str, zarr_format: int, read_only: bool, store_type: str,
                 members: list | None = None) -> None:
        self._name, self._zarr_format, self._read_only, self._store_type = name, zarr_format, read_only, store_type
        self._count_members = self._count_arrays = self._count_groups = None
        if members is not None:
            self._count_members = len(members)
            self._count_groups = sum(isinstance(m, GroupMetadata) for m in members)
            self._count_arrays = self._count_members - self._count_groups

    def __repr__(self) -> str:
        lines = [f"Name        : {self._name}", "Type        : Group", f"Zarr format : {self._zarr_format}",
                 f"Read-only   : {self._read_only}", f"Store type  : {self._store_type}"]
        if self._count_members is not None:
            lines += [f"No. members : {self._count_members}", f"No. arrays  : {self._count_arrays}",
                      f"No. groups  : {self._count_groups}"]
        return "\n".join(lines)

    __str__ = __repr__


class Group:
    """A Zarr group. Open with :func:`zarrnative.open_group`, create with
    :func:`zarrnative.create_group` / :func:`zarrnative.group`."""

    def __init__(self, store_path: StorePath, metadata: GroupMetadata | None = None) -> None:
        from zarrnative._async import AsyncGroup
        if isinstance(store_path, AsyncGroup):  # zarr-python's Group(async_group)
            store_path, metadata = store_path.sync._store_path, store_path.sync._metadata
        self._store_path = store_path
        self._metadata = metadata

    # --- construction ---------------------------------------------------------------
    @classmethod
    def from_store(cls, store: Any, *, attributes: dict | None = None, zarr_format: int = 3,
                   overwrite: bool = False) -> Group:
        """Creates a group at ``store`` (a StoreLike or StorePath). Raises
        ContainsArrayError / ContainsGroupError where a node is there, unless
        ``overwrite`` (which deletes it first)."""
        store_path = make_store_path(store)
        s, path = store_path.store, store_path.path
        if store_path.read_only:
            raise ValueError(f"cannot create a group in the read-only store {s}")
        if overwrite:
            s.delete_dir_sync(path)
        else:
            h.check_no_node(s, path, zarr_format)
        h.ensure_parents(s, path, zarr_format)
        meta = GroupMetadata(dict(attributes or {}), zarr_format)
        h.set_many(s, h.group_documents(path, meta))
        return cls(store_path, meta)

    @classmethod
    def open(cls, store: Any, zarr_format: int | None = 3, use_consolidated: bool | str | None = None) -> Group:
        """Opens the group at ``store``. ``use_consolidated``: None uses
        consolidated metadata where present, True requires it (ValueError
        where missing), False ignores it; a str names a v2 consolidated key."""
        store_path = make_store_path(store)
        s, path = store_path.store, store_path.path
        if zarr_format not in (2, 3, None):
            raise MetadataValidationError(
                f"Invalid value for 'zarr_format'. Expected 2, 3, or None. Got '{zarr_format}'.")
        if not getattr(s, "supports_consolidated_metadata", True):
            if use_consolidated:
                raise ValueError(f"The Zarr store in use ({type(s).__name__}) doesn't support consolidated metadata.")
            use_consolidated = False
        key = use_consolidated if isinstance(use_consolidated, str) else h.ZMETADATA
        if isinstance(use_consolidated, str) and zarr_format == 3:
            raise TypeError("use_consolidated must be a bool or None for Zarr format 3.")
        node = h.read_node(s, path, zarr_format, consolidated_key=key if use_consolidated is not False else None)
        if node is None:
            raise GroupNotFoundError(f"No group found in store {s!r} at path {path!r}")
        if not node.is_group:
            if node.zarr_format == 2:  # zarr-python looks for a .zgroup only: not found
                raise GroupNotFoundError(f"No group found in store {s!r} at path {path!r} (a Zarr format 2 array "
                                         "is there)")
            raise ContainsArrayError(f"An array already exists in store {s} at path {path}.")
        meta = node.group
        if use_consolidated and meta.consolidated_metadata is None:
            if node.zarr_format == 2:
                raise ValueError(key)
            raise ValueError(f"Consolidated metadata requested with 'use_consolidated=True' but not found in "
                             f"'{path}'.")
        if use_consolidated is False:
            meta.consolidated_metadata = None
        return cls(store_path, meta)

    # --- properties -----------------------------------------------------------------
    @property
    def store_path(self) -> StorePath:
        return self._store_path

    @property
    def store(self) -> Any:
        return self._store_path.store

    @property
    def path(self) -> str:
        return self._store_path.path

    @property
    def name(self) -> str:
        return "/" + self.path if self.path else "/"

    @property
    def basename(self) -> str:
        return self.name.split("/")[-1]

    @property
    def metadata(self) -> GroupMetadata:
        return self._metadata

    @property
    def attrs(self) -> Attributes:
        return Attributes(self)

    @property
    def read_only(self) -> bool:
        return self._store_path.read_only

    @property
    def synchronizer(self) -> None:
        return None

    @property
    def info(self) -> GroupInfo:
        cm = self._metadata.consolidated_metadata
        members = list(cm.flattened_metadata.values()) if cm is not None else None
        return self._info(members)

    def info_complete(self) -> GroupInfo:
        return self._info([m.metadata for _, m in self.members(max_depth=None)])

    def _info(self, members: list | None) -> GroupInfo:
        return GroupInfo(self.path, self._metadata.zarr_format, self.read_only, type(self.store).__name__, members)

    def __repr__(self) -> str:
        return f"<Group {self._store_path}>"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Group) and self._store_path == other._store_path
                and self._metadata == other._metadata)

    def __hash__(self) -> int:
        return hash(self._store_path)

    # --- metadata writes --------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise ValueError(f"group {self.name!r} was opened read-only (mode 'r')")

    def _save_metadata(self) -> None:
        self._check_writable()
        h.set_many(self.store, h.group_documents(self.path, self._metadata))

    def _set_attributes(self, attributes: dict) -> None:
        self._check_writable()
        self._metadata.attributes = attributes
        self._save_metadata()

    def update_attributes(self, new_attributes: dict) -> Group:
        self._set_attributes({**self._metadata.attributes, **new_attributes})
        return self

    async def update_attributes_async(self, new_attributes: dict) -> Group:
        return self.update_attributes(new_attributes)

    # --- members ------------------------------------------------------------------------
    def _child_path(self, key: str) -> str:
        return (self._store_path / key).path

    def __getitem__(self, path: str) -> Array | Group:
        key = h.normalize_key(path)
        cm = self._metadata.consolidated_metadata
        if cm is not None:
            return self._getitem_consolidated(key)
        full = self._child_path(key)
        node = h.read_node(self.store, full, self._metadata.zarr_format)
        if node is None:
            if key and h.other_format_at(self.store, full, self._metadata.zarr_format):
                other = 2 if self._metadata.zarr_format == 3 else 3
                raise KeyError(f"{key!r} is a Zarr format {other} node inside a Zarr format "
                               f"{self._metadata.zarr_format} group; formats cannot be mixed in one hierarchy")
            raise KeyError(path)
        return _node_object(self.store, node)

    def _getitem_consolidated(self, key: str) -> Array | Group:
        meta: Any = self._metadata
        for part in key.split("/"):
            if not isinstance(meta, GroupMetadata) or meta.consolidated_metadata is None:
                raise KeyError(key)
            try:
                meta = meta.consolidated_metadata.metadata[part]
            except KeyError:
                raise KeyError(f"'{key}' not found in consolidated metadata.") from None
        return _node_object(self.store, _node_from_metadata(self._child_path(key), meta))

    def get(self, path: str, default: Any = None) -> Any:
        try:
            return self[path]
        except KeyError:
            return default

    def __contains__(self, member: str) -> bool:
        try:
            self[member]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: str, value: Any) -> None:
        """Creates an array ``key`` holding ``value`` (replacing any node there)."""
        from zarrnative._api import save_array
        save_array(self._store_path / key, np.asarray(value) if not hasattr(value, "shape") else value,
                   zarr_format=self._metadata.zarr_format, overwrite=True)

    def __delitem__(self, key: str) -> None:
        self._check_writable()
        key = h.normalize_key(key)
        if self.get(key) is None:
            raise KeyError(key)
        self.store.delete_dir_sync(self._child_path(key))
        cm = self._metadata.consolidated_metadata
        if cm is not None:
            *parents, name = key.split("/")
            level = cm.metadata
            for p in parents:
                level = level[p].consolidated_metadata.metadata
            level.pop(name, None)
            self._save_metadata()

    def members(self, max_depth: int | None = 0, *, use_consolidated_for_children: bool = True
                ) -> tuple[tuple[str, Array | Group], ...]:
        """(relative path, Array or Group) of the members, down to
        ``max_depth`` levels below this group (None: all). Each level's
        metadata documents are read in one batch."""
        if max_depth is not None and max_depth < 0:
            raise ValueError(f"max_depth must be None or >= 0. Got '{max_depth}' instead")
        return tuple((k, _node_object(self.store, n)) for k, n in
                     self._member_nodes(max_depth, use_consolidated_for_children))

    def _member_nodes(self, max_depth: int | None, use_consolidated_for_children: bool = True
                      ) -> list[tuple[str, Node]]:
        cm = self._metadata.consolidated_metadata
        if cm is not None:
            flat = cm.flattened_metadata
            return [(k, _node_from_metadata(self._child_path(k), self._nested(k)))
                    for k in flat if max_depth is None or k.count("/") <= max_depth]
        return self._list_members(max_depth, use_consolidated_for_children)

    def _nested(self, key: str) -> Any:
        meta: Any = self._metadata
        for part in key.split("/"):
            meta = meta.consolidated_metadata.metadata[part]
        return meta

    def _list_members(self, max_depth: int | None, use_consolidated_for_children: bool) -> list[tuple[str, Node]]:
        store, fmt = self.store, self._metadata.zarr_format
        skip = (h.ZARR_JSON,) if fmt == 3 else h.V2_FILES
        out: list[tuple[str, Node]] = []
        level = [("", self.path)]  # (relative, absolute) of the groups to list
        depth = 0
        while level:
            listings = h.list_dirs(store, [p + "/" if p else "" for _, p in level])
            candidates = [(join_rel(rel, name), h.join(absolute, name))
                          for (rel, absolute), names in zip(level, listings)
                          for name in sorted(names) if name not in skip]
            nodes = h.read_nodes(store, [a for _, a in candidates], fmt)
            next_level = []
            for (rel, absolute), node in zip(candidates, nodes):
                if node is None:
                    if h.other_format_at(store, absolute, fmt):
                        warnings.warn(f"Object at {rel} is a Zarr format {5 - fmt} node inside a Zarr format {fmt} "
                                      "hierarchy; formats cannot be mixed, so it is skipped.",
                                      ZarrUserWarning, stacklevel=3)
                    else:
                        warnings.warn(f"Object at {rel} is not recognized as a component of a Zarr hierarchy.",
                                      ZarrUserWarning, stacklevel=3)
                    continue
                if node.is_group and node.group.consolidated_metadata is not None:
                    if use_consolidated_for_children and (max_depth is None or depth < max_depth):
                        out.append((rel, node))
                        sub = Group(StorePath(store, absolute), node.group)
                        out += [(join_rel(rel, k), n) for k, n in
                                sub._member_nodes(None if max_depth is None else max_depth - depth - 1)]
                        continue
                    if not use_consolidated_for_children:
                        node.group.consolidated_metadata = None
                out.append((rel, node))
                if node.is_group:
                    next_level.append((rel, absolute))
            depth += 1
            if max_depth is not None and depth > max_depth:
                break
            level = next_level
        return out

    def nmembers(self, max_depth: int | None = 0) -> int:
        return len(self._member_nodes(max_depth))

    def __len__(self) -> int:
        return self.nmembers()

    def keys(self) -> Iterator[str]:
        for k, _ in self._member_nodes(0):
            yield k

    def __iter__(self) -> Iterator[str]:
        return self.keys()

    def groups(self) -> Iterator[tuple[str, Group]]:
        for k, n in self._member_nodes(0):
            if n.is_group:
                yield k, _node_object(self.store, n)

    def group_keys(self) -> Iterator[str]:
        for k, n in self._member_nodes(0):
            if n.is_group:
                yield k

    def group_values(self) -> Iterator[Group]:
        for _, g in self.groups():
            yield g

    def arrays(self) -> Iterator[tuple[str, Array]]:
        for k, n in self._member_nodes(0):
            if not n.is_group:
                yield k, _node_object(self.store, n)

    def array_keys(self) -> Iterator[str]:
        for k, n in self._member_nodes(0):
            if not n.is_group:
                yield k

    def array_values(self) -> Iterator[Array]:
        for _, a in self.arrays():
            yield a

    def tree(self, expand: bool | None = None, level: int | None = None, *, max_nodes: int = 500,
             plain: bool = False) -> Any:
        """A text tree of the hierarchy (zarr-python 3.1's layout; bold names
        on a terminal; HTML in Jupyter; a rich Tree where ``rich`` is installed)."""
        from zarrnative._tree import group_tree
        if expand is not None:
            raise NotImplementedError("'expand' is not yet implemented.")
        return group_tree(self, max_depth=level, max_nodes=max_nodes, plain=plain)

    # --- creating members -----------------------------------------------------------------
    def create_group(self, name: str, **kwargs: Any) -> Group:
        """A new child group (keyword arguments ``overwrite``, ``attributes``)."""
        return self._create_group(name, **kwargs)

    def _create_group(self, name: str, *, overwrite: bool = False, attributes: dict | None = None) -> Group:
        return Group.from_store(self._store_path / name, attributes=attributes or {}, overwrite=overwrite,
                                zarr_format=self._metadata.zarr_format)

    def require_group(self, name: str, **kwargs: Any) -> Group:
        """The child group ``name``, created where missing (``overwrite=True``: replaced)."""
        return self._require_group(name, **kwargs)

    def _require_group(self, name: str, overwrite: bool = False) -> Group:
        if overwrite:
            return self.create_group(name, overwrite=True)
        try:
            item = self[name]
        except KeyError:
            return self.create_group(name)
        if not isinstance(item, Group):
            raise TypeError(f"Incompatible object ({item.__class__.__name__}) already exists")
        return item

    def require_groups(self, *names: str) -> tuple[Group, ...]:
        return tuple(self.require_group(n) for n in names)

    def create_array(self, name: str, *, shape: Any = None, dtype: Any = None, data: Any = None,
                     chunks: Any = "auto", shards: Any = None, filters: Any = "auto", compressors: Any = "auto",
                     compressor: Any = "auto", serializer: Any = "auto", fill_value: Any = DEFAULT_FILL_VALUE,
                     order: str | None = None, attributes: dict | None = None, chunk_key_encoding: Any = None,
                     dimension_names: Any = None, storage_options: dict | None = None, overwrite: bool = False,
                     config: Any = None, write_data: bool = True) -> Array:
        """Creates an array in this group (``zarrnative.create_array`` with
        this group's format; v2 arrays default to numcodecs Blosc, as in
        zarr-python's ``Group.create_array``)."""
        from zarrnative._create import create_array
        fmt = self._metadata.zarr_format
        compressors = _parse_deprecated_compressor(compressor, compressors, fmt)
        return create_array(self._store_path, name=name, shape=shape, dtype=dtype, data=data, chunks=chunks,
                            shards=shards, filters=filters, compressors=compressors, serializer=serializer,
                            fill_value=fill_value, order=order,
                            zarr_format=fmt, attributes=attributes, chunk_key_encoding=chunk_key_encoding,
                            dimension_names=dimension_names, storage_options=storage_options,
                            overwrite=overwrite, config=config, write_data=write_data)

    def create(self, name: str, **kwargs: Any) -> Array:
        return self.create_array(name, **kwargs)

    def create_dataset(self, name: str, **kwargs: Any) -> Array:
        warnings.warn("Use Group.create_array instead.", ZarrDeprecationWarning, stacklevel=2)
        data = kwargs.pop("data", None)
        if "dtype" not in kwargs and data is not None:
            kwargs["dtype"] = data.dtype
        a = self.create_array(name, **kwargs)
        if data is not None:
            a[...] = data
        return a

    def require_array(self, name: str, *, shape: Any, **kwargs: Any) -> Array:
        """The array ``name``, created where missing; an existing one must have
        this shape and a dtype ``dtype`` can be cast from (``exact=True``: the same)."""
        dtype, exact = kwargs.pop("dtype", None), kwargs.pop("exact", False)
        try:
            ds = self[name]
        except KeyError:
            return self.create_array(name, shape=shape, dtype=dtype, **kwargs)
        if not isinstance(ds, Array):
            raise TypeError(f"Incompatible object ({ds.__class__.__name__}) already exists")
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if shape != ds.shape:
            raise TypeError(f"Incompatible shape ({ds.shape} vs {shape})")
        dtype = np.dtype(dtype)
        if exact:
            if ds.dtype != dtype:
                raise TypeError(f"Incompatible dtype ({ds.dtype} vs {dtype})")
        elif not np.can_cast(ds.dtype, dtype):
            raise TypeError(f"Incompatible dtype ({ds.dtype} vs {dtype})")
        return ds

    def require_dataset(self, name: str, *, shape: Any, **kwargs: Any) -> Array:
        warnings.warn("Use Group.require_array instead.", ZarrDeprecationWarning, stacklevel=2)
        return self.require_array(name, shape=shape, **kwargs)

    def _create_kwargs(self, name: str, kwargs: dict) -> dict:
        fmt = kwargs.pop("zarr_format", None) or self._metadata.zarr_format
        if fmt != self._metadata.zarr_format:
            raise h.MixedFormatError(self.path, self._metadata.zarr_format, self._child_path(name), fmt)
        return {"store": self._store_path, "path": name, "zarr_format": fmt, **kwargs}

    def empty(self, *, name: str, shape: Any, **kwargs: Any) -> Array:
        from zarrnative._create import empty
        return empty(shape, **self._create_kwargs(name, kwargs))

    def zeros(self, *, name: str, shape: Any, **kwargs: Any) -> Array:
        from zarrnative._create import zeros
        return zeros(shape, **self._create_kwargs(name, kwargs))

    def ones(self, *, name: str, shape: Any, **kwargs: Any) -> Array:
        from zarrnative._create import ones
        return ones(shape, **self._create_kwargs(name, kwargs))

    def full(self, *, name: str, shape: Any, fill_value: Any, **kwargs: Any) -> Array:
        from zarrnative._create import full
        return full(shape, fill_value, **self._create_kwargs(name, kwargs))

    def empty_like(self, *, name: str, data: Any, **kwargs: Any) -> Array:
        from zarrnative._create import empty_like
        return empty_like(data, **self._create_kwargs(name, kwargs))

    def zeros_like(self, *, name: str, data: Any, **kwargs: Any) -> Array:
        from zarrnative._create import zeros_like
        return zeros_like(data, **self._create_kwargs(name, kwargs))

    def ones_like(self, *, name: str, data: Any, **kwargs: Any) -> Array:
        from zarrnative._create import ones_like
        return ones_like(data, **self._create_kwargs(name, kwargs))

    def full_like(self, *, name: str, data: Any, **kwargs: Any) -> Array:
        from zarrnative._create import full_like
        return full_like(data, **self._create_kwargs(name, kwargs))

    def array(self, name: str, *, shape: Any = None, dtype: Any = None, data: Any = None, **kwargs: Any) -> Array:
        warnings.warn("Use Group.create_array instead.", ZarrDeprecationWarning, stacklevel=2)
        if data is not None:  # the old API took the data's shape and dtype beside it
            d = np.asarray(data) if not hasattr(data, "shape") else data
            if shape is not None and tuple(np.atleast_1d(shape)) == tuple(d.shape):
                shape = None
            if dtype is not None and np.dtype(dtype) == getattr(d, "dtype", None):
                dtype = None
        return self.create_array(name, shape=shape, dtype=dtype, data=data, **kwargs)

    def create_hierarchy(self, nodes: dict, *, overwrite: bool = False) -> Iterator[tuple[str, Array | Group]]:
        """Creates the nodes (paths relative to this group -> GroupMetadata or
        array metadata, zarrnative's or zarr-python's), with the implicit
        groups between them; yields (path, node)."""
        from zarrnative._api import _create_nodes
        for key, value in nodes.items():
            if value.zarr_format != self._metadata.zarr_format:
                raise ValueError(
                    "The zarr_format of the nodes must be the same as the parent group. "
                    f"The node at {key} has zarr_format {value.zarr_format}, but the parent group"
                    f" has zarr_format {self._metadata.zarr_format}.")
            if h.normalize_key(key) == "":
                raise ValueError("The input defines a root node, but a root node already exists, namely this "
                                 "Group instance. It is an error to use this method to create a root node.")
        prefix = self.path
        absolute = {h.join(prefix, h.normalize_key(k)): v for k, v in nodes.items()}
        for key, node in _create_nodes(self.store, absolute, overwrite=overwrite):
            yield (key[len(prefix) + 1:] if prefix else key), node

    def move(self, source: str, dest: str) -> None:
        """Moves a member (with everything below it) to another path in this
        group; the groups above ``dest`` are created where missing."""
        self._check_writable()
        source, dest = h.normalize_key(source), h.normalize_key(dest)
        if source not in self:
            raise KeyError(source)
        if dest in self:
            raise ValueError(f"a node already exists at {dest!r} in {self}")
        src, dst = self._child_path(source), self._child_path(dest)
        store = self.store
        keys = list(store.list_prefix_sync(src + "/"))
        values = h.get_many(store, keys)
        h.ensure_parents(store, dst, self._metadata.zarr_format)
        h.set_many(store, {dst + k[len(src):]: v for k, v in zip(keys, values) if v is not None})
        store.delete_dir_sync(src)
        cm = self._metadata.consolidated_metadata
        if cm is not None:
            flat = cm.flattened_metadata
            moved = {}
            for k, v in flat.items():
                if k == source or k.startswith(source + "/"):
                    k = dest + k[len(source):]
                moved[k] = v
            for parent in _parents(dest):
                moved.setdefault(parent, GroupMetadata(zarr_format=self._metadata.zarr_format))
            self._metadata.consolidated_metadata = ConsolidatedMetadata.from_flat(moved)
            self._save_metadata()


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i + 1]) for i in range(len(parts))]


def join_rel(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _parse_deprecated_compressor(compressor: Any, compressors: Any, zarr_format: int) -> Any:
    """zarr-python's handling of ``compressor`` beside ``compressors``; a v2
    group's arrays default to numcodecs Blosc()."""
    if not (isinstance(compressor, str) and compressor == "auto"):
        if not (isinstance(compressors, str) and compressors == "auto"):
            raise ValueError("Cannot specify both `compressor` and `compressors`.")
        if zarr_format == 3:
            warnings.warn("The `compressor` argument is deprecated. Use `compressors` instead.", ZarrUserWarning,
                          stacklevel=3)
        return () if compressor is None else (compressor,)
    if zarr_format == 2 and isinstance(compressors, str) and compressors == "auto":
        return ({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0},)
    return compressors

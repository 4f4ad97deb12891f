"""Groups and hierarchies: zarr-python 3's Group API, v2 and v3 layouts
byte-identical to zarr-python 3.1's, interop both ways with zarr-python and
(for arrays inside hierarchies) tensorstore, batched metadata reads, and
the errors of bad input."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import zarrnative as zn
from zarrnative.errors import (
    ContainsArrayError,
    ContainsGroupError,
    GroupNotFoundError,
    MetadataValidationError,
    NodeTypeValidationError,
)
from zarrnative.storage import LocalStore, MemoryStore

zarr = pytest.importorskip("zarr")

ATTRS = {"title": "Température ☃", "nested": {"a": [1, 2, {"b": None}], "ü": True}, "pi": 3.25}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # zarr-python's v3 consolidated warning
        yield


def build(lib, root, zarr_format):
    """The same hierarchy through either library's public API."""
    g = lib.open_group(root, mode="w", zarr_format=zarr_format, attributes=ATTRS)
    a = g.create_group("a", attributes={"level": 1})
    b = a.create_group("b")
    b.create_array("x", shape=(7, 5), chunks=(3, 2), dtype="int16", fill_value=-1)[...] = \
        np.arange(35, dtype="int16").reshape(7, 5)
    g.create_array("f", shape=(10,), chunks=(4,), dtype="float32", attributes={"units": "m"})[...] = \
        np.linspace(0, 1, 10, dtype="float32")
    g.create_array("u", shape=(3,), chunks=(3,), dtype="uint8")[...] = [1, 2, 3]
    g.create_group("empty")
    return g


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def metadata_files(root: Path) -> dict[str, bytes]:
    names = ("zarr.json", ".zgroup", ".zattrs", ".zarray", ".zmetadata")
    return {k: v for k, v in files(root).items() if k.rsplit("/", 1)[-1] in names}


# --- layout and interop -----------------------------------------------------------------
@pytest.mark.parametrize("zarr_format", [2, 3])
def test_group_documents_are_byte_identical_to_zarr_python(tmp_path, zarr_format):
    build(zn, tmp_path / "ours", zarr_format)
    build(zarr, tmp_path / "theirs", zarr_format)
    ours, theirs = metadata_files(tmp_path / "ours"), metadata_files(tmp_path / "theirs")
    assert sorted(ours) == sorted(theirs)
    for key in ours:
        assert ours[key] == theirs[key], key


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_zarr_python_reads_our_hierarchy(tmp_path, zarr_format):
    build(zn, tmp_path, zarr_format)
    g = zarr.open_group(tmp_path, mode="r")
    assert g.metadata.zarr_format == zarr_format
    assert g.attrs.asdict() == ATTRS
    assert sorted(k for k, _ in g.members(max_depth=None)) == ["a", "a/b", "a/b/x", "empty", "f", "u"]
    np.testing.assert_array_equal(g["a/b/x"][...], np.arange(35, dtype="int16").reshape(7, 5))
    np.testing.assert_array_equal(g["f"][...], np.linspace(0, 1, 10, dtype="float32"))
    assert g["a"].attrs["level"] == 1
    assert g["f"].attrs["units"] == "m"


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_we_read_zarr_pythons_hierarchy(tmp_path, zarr_format):
    build(zarr, tmp_path, zarr_format)
    g = zn.open_group(tmp_path, mode="r")
    assert g.metadata.zarr_format == zarr_format
    assert dict(g.attrs) == ATTRS
    assert sorted(k for k, _ in g.members(max_depth=None)) == ["a", "a/b", "a/b/x", "empty", "f", "u"]
    x = g["a/b/x"]
    assert isinstance(x, zn.Array) and x.dtype == np.int16 and x.fill_value == -1
    np.testing.assert_array_equal(x[...], np.arange(35, dtype="int16").reshape(7, 5))
    np.testing.assert_array_equal(g["a"]["b"]["x"][2:4, 1], [11, 16])
    assert g["a"].attrs["level"] == 1
    assert g.read_only and g["a"].read_only


def test_tensorstore_reads_and_writes_arrays_inside_our_hierarchy(tmp_path):
    ts = pytest.importorskip("tensorstore")
    build(zn, tmp_path, 3)
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": str(tmp_path / "a" / "b" / "x")}}).result()
    np.testing.assert_array_equal(t.read().result(), np.arange(35, dtype="int16").reshape(7, 5))
    # an array written by tensorstore into the group is a member
    t2 = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": str(tmp_path / "a" / "ts")},
                  "metadata": {"shape": [4], "data_type": "float64", "chunk_grid": {
                      "name": "regular", "configuration": {"chunk_shape": [2]}}}}, create=True).result()
    t2.write(np.array([1.5, 2.5, 3.5, 4.5])).result()
    g = zn.open_group(tmp_path, mode="r")
    assert sorted(g["a"].array_keys()) == ["ts"]
    np.testing.assert_array_equal(g["a/ts"][...], [1.5, 2.5, 3.5, 4.5])


def test_tensorstore_reads_v2_array_in_our_v2_hierarchy(tmp_path):
    ts = pytest.importorskip("tensorstore")
    build(zn, tmp_path, 2)
    t = ts.open({"driver": "zarr", "kvstore": {"driver": "file", "path": str(tmp_path / "a" / "b" / "x")}}).result()
    np.testing.assert_array_equal(t.read().result(), np.arange(35, dtype="int16").reshape(7, 5))


# --- the Group API -------------------------------------------------------------------------
@pytest.fixture(params=[2, 3])
def hierarchy(request):
    return build(zn, MemoryStore(), request.param)


def test_lookup(hierarchy):
    g = hierarchy
    assert isinstance(g["a"], zn.Group) and isinstance(g["a/b"], zn.Group)
    assert isinstance(g["a/b/x"], zn.Array) and g["a/b/x"].path == "a/b/x" and g["a/b/x"].name == "/a/b/x"
    assert g["a/b"].name == "/a/b" and g["a/b"].basename == "b" and g.name == "/"
    assert "a/b/x" in g and "a" in g and "nope" not in g and "a/nope" not in g
    assert g.get("nope") is None and g.get("nope", 5) == 5
    with pytest.raises(KeyError):
        g["nope"]
    with pytest.raises(KeyError):
        g["f/deeper"]  # below an array


def test_listing(hierarchy):
    g = hierarchy
    assert sorted(g) == sorted(g.keys()) == ["a", "empty", "f", "u"]
    assert len(g) == 4 and g.nmembers(max_depth=None) == 6
    assert sorted(g.group_keys()) == ["a", "empty"] and sorted(g.array_keys()) == ["f", "u"]
    assert all(isinstance(v, zn.Group) for v in g.group_values())
    assert all(isinstance(v, zn.Array) for v in g.array_values())
    assert dict(g.groups()).keys() == {"a", "empty"} and dict(g.arrays()).keys() == {"f", "u"}
    assert sorted(k for k, _ in g.members(max_depth=1)) == ["a", "a/b", "empty", "f", "u"]
    assert sorted(k for k, _ in g["a"].members(max_depth=None)) == ["b", "b/x"]
    with pytest.raises(ValueError, match="max_depth"):
        g.members(max_depth=-1)


def test_members_agree_with_zarr_python(tmp_path):
    build(zn, tmp_path, 3)
    ours = {k: type(v).__name__ for k, v in zn.open_group(tmp_path).members(max_depth=1)}
    theirs = {k: type(v).__name__ for k, v in zarr.open_group(tmp_path).members(max_depth=1)}
    assert ours == theirs


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_create_and_require(zarr_format):
    g = zn.group(zarr_format=zarr_format)
    sub = g.create_group("s", attributes={"k": 1})
    assert sub.metadata.zarr_format == zarr_format and sub.attrs["k"] == 1
    with pytest.raises(ContainsGroupError):
        g.create_group("s")
    assert g.create_group("s", overwrite=True).attrs.asdict() == {}
    assert g.require_group("s") == g["s"]
    r1, r2 = g.require_groups("r1", "r2/deep")
    assert r2.path == "r2/deep" and "r2" in g
    arr = g.create_array("arr", shape=(4,), dtype="i4")
    assert arr.metadata.zarr_format == zarr_format
    with pytest.raises(ContainsArrayError):
        g.create_group("arr")
    with pytest.raises(ContainsArrayError):
        g.create_array("arr", shape=(4,), dtype="i4")
    with pytest.raises(TypeError, match="Incompatible object"):
        g.require_group("arr")
    assert g.require_array("arr", shape=(4,), dtype="i4").path == "arr"
    with pytest.raises(TypeError, match="Incompatible shape"):
        g.require_array("arr", shape=(5,), dtype="i4")
    with pytest.raises(TypeError, match="Incompatible dtype"):
        g.require_array("arr", shape=(4,), dtype="i2")
    new = g.require_array("new", shape=(2, 2), dtype="f4")
    assert new.shape == (2, 2)


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_array_shortcuts(zarr_format):
    g = zn.group(zarr_format=zarr_format)
    assert (g.zeros(name="z", shape=(3,))[...] == 0).all()
    assert (g.ones(name="o", shape=(3,), dtype="i2")[...] == 1).all()
    assert (g.full(name="f", shape=(3,), fill_value=7)[...] == 7).all()
    assert g.empty(name="e", shape=(3,)).shape == (3,)
    data = np.arange(6.0).reshape(2, 3)
    assert g.zeros_like(name="zl", data=data).shape == (2, 3)
    assert (g.ones_like(name="ol", data=data)[...] == 1).all()
    assert (g.full_like(name="fl", data=g["f"])[...] == 7).all()
    assert g.empty_like(name="el", data=data).dtype == data.dtype
    # zarrnative keeps the group's format (zarr-python 3.1 would write v3 arrays into a v2 group)
    assert {v.metadata.zarr_format for v in g.array_values()} == {zarr_format}
    g["set"] = np.arange(4)
    np.testing.assert_array_equal(g["set"][...], np.arange(4))


def test_v2_group_array_default_compressor_matches_zarr_python():
    ours = zn.group(zarr_format=2).create_array("x", shape=(4,), dtype="i4")
    theirs = zarr.group(zarr_format=2).create_array("x", shape=(4,), dtype="i4")
    assert ours.metadata.compressor.get_config() == theirs.metadata.compressor.get_config()


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_attributes_write_through(tmp_path, zarr_format):
    g = zn.open_group(tmp_path, mode="w", zarr_format=zarr_format)
    g.attrs["x"] = {"y": [1, "ü"]}
    g.update_attributes({"z": 2.5})
    del g.attrs["z"]
    assert zarr.open_group(tmp_path, mode="r").attrs.asdict() == {"x": {"y": [1, "ü"]}}
    g.attrs.put({"only": 1})
    assert dict(zn.open_group(tmp_path, mode="r").attrs) == {"only": 1}
    r = zn.open_group(tmp_path, mode="r")
    with pytest.raises(ValueError, match="read-only"):
        r.attrs["no"] = 1


def test_tree_matches_zarr_python(tmp_path):
    build(zn, tmp_path, 3)
    ours = zn.open_group(tmp_path).tree(plain=True)
    theirs = zarr.open_group(tmp_path).tree(plain=True)
    assert repr(ours) == repr(theirs)
    assert repr(zn.open_group(tmp_path).tree(level=0, plain=True)) == \
        repr(zarr.open_group(tmp_path).tree(level=0, plain=True))
    assert ours._repr_mimebundle_()["text/plain"] == repr(ours)


def test_tree_text_layout():
    g = zn.group()
    g.create_group("a").create_array("x", shape=(2,), dtype="f8")
    g.create_group("b")
    assert repr(g.tree(plain=True)) == "/\n├── a\n│   └── x (2,) float64\n└── b\n"


def test_tree_rich_when_installed():
    rich = pytest.importorskip("rich")
    g = zn.group()
    g.create_group("a")
    from rich.console import Console
    console = Console(record=True, width=40)
    g["a"].create_array("x", shape=(2,), dtype="f8")
    console.print(g.tree())
    assert console.export_text() == "/\n└── a\n    └── x (2,) float64\n"
    assert rich


@pytest.mark.parametrize("store_type", ["local", "memory"])
def test_info_matches_zarr_python(tmp_path, store_type):
    if store_type == "local":
        ours, theirs = zn.group(LocalStore(tmp_path / "o")), zarr.group(zarr.storage.LocalStore(tmp_path / "t"))
    else:
        ours, theirs = zn.group(MemoryStore()), zarr.group(zarr.storage.MemoryStore())
    for g in (ours, theirs):
        g.create_group("a").create_array("x", shape=(1,), dtype="i1")
    assert repr(ours.info) == repr(theirs.info)
    assert repr(ours.info_complete()) == repr(theirs.info_complete())


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_delitem_and_move(zarr_format):
    g = build(zn, MemoryStore(), zarr_format)
    del g["a/b"]
    assert "a/b" not in g and "a" in g
    assert not [k for k in g.store.list_sync() if k.startswith("a/b")]
    with pytest.raises(KeyError):
        del g["nope"]
    g.move("f", "moved/deeper/f")
    assert "f" not in g and isinstance(g["moved"], zn.Group)
    np.testing.assert_array_equal(g["moved/deeper/f"][...], np.linspace(0, 1, 10, dtype="float32"))
    with pytest.raises(ValueError, match="already exists"):
        g.move("u", "a")
    with pytest.raises(KeyError):
        g.move("nope", "x")


def test_group_create_writes_parents_like_zarr_python(tmp_path):
    zn.create_group(tmp_path / "o", path="p/q/r")
    zarr.create_group(tmp_path / "t", path="p/q/r")
    assert metadata_files(tmp_path / "o") == metadata_files(tmp_path / "t")
    zn.create_array(tmp_path / "o2", name="a/b", shape=(2,), dtype="i1")
    zarr.create_array(tmp_path / "t2", name="a/b", shape=(2,), dtype="i1")
    assert sorted(metadata_files(tmp_path / "o2")) == sorted(metadata_files(tmp_path / "t2"))


# --- batched metadata reads -----------------------------------------------------------------
class CountingStore(MemoryStore):
    def __init__(self):
        super().__init__()
        self.batches = []
        self.single_gets = 0

    def get_many_sync(self, keys):
        self.batches.append(len(keys))
        return super().get_many_sync(keys)

    def get_sync(self, key, **kwargs):
        self.single_gets += 1
        return super().get_sync(key, **kwargs)


def test_listing_reads_each_level_in_one_batch():
    store = CountingStore()
    g = zn.group(store)
    for i in range(20):
        sub = g.create_group(f"g{i}")
        for j in range(5):
            sub.create_array(f"x{j}", shape=(2,), dtype="i1")
    store.batches.clear()
    store.single_gets = 0
    members = zn.open_group(store).members(max_depth=None)
    assert len(members) == 20 + 100
    # the root (its five possible documents, .zmetadata included), then one batch per level
    # (20 groups, then 100 arrays)
    assert store.batches == [5, 20, 100]
    assert store.single_gets == 0


# --- bad input ---------------------------------------------------------------------------------
def test_missing_node(tmp_path):
    with pytest.raises(GroupNotFoundError):
        zn.open_group(tmp_path / "none", mode="r")
    with pytest.raises(FileNotFoundError):  # GroupNotFoundError is one, as in zarr-python
        zn.open_group(MemoryStore(), mode="r+")
    with pytest.raises(zn.errors.ArrayNotFoundError):
        zn.open_array(MemoryStore(), mode="r")


def test_group_where_array_expected_and_reverse():
    store = MemoryStore()
    zn.create_group(store, path="g")
    zn.create_array(store, name="a", shape=(1,), dtype="i1")
    with pytest.raises(NodeTypeValidationError):  # zarr-python's type for a v3 group
        zn.open_array(store, path="g", mode="r")
    with pytest.raises(ContainsArrayError):
        zn.open_group(store, path="a", mode="r")
    with pytest.raises(ContainsArrayError):
        zn.open_group(store, path="a", mode="a")
    # zarr-python agrees on the same store layout
    zstore = zarr.storage.MemoryStore()
    zarr.create_group(zstore, path="g")
    zarr.create_array(zstore, name="a", shape=(1,), dtype="i1")
    with pytest.raises(zarr.errors.NodeTypeValidationError):
        zarr.open_array(zstore, path="g", mode="r")
    with pytest.raises(zarr.errors.ContainsArrayError):
        zarr.open_group(zstore, path="a", mode="r")


def test_v2_array_where_group_expected():
    store = MemoryStore()
    zn.create_array(store, name="a", shape=(1,), dtype="i1", zarr_format=2)
    with pytest.raises(GroupNotFoundError):
        zn.open_group(store, path="a", mode="r", zarr_format=2)
    with pytest.raises(ContainsArrayError):
        zn.open_group(store, path="a", mode="a", zarr_format=2)


@pytest.mark.parametrize("doc, match", [
    (b"{not json", "zarr.json"),
    (b'{"zarr_format": 3, "node_type": "group", "attributes": [1]}', "attributes"),
    (b'{"zarr_format": 4, "node_type": "group"}', "zarr_format"),
    (b'{"zarr_format": 3, "node_type": "group", "surprise": 1}', "surprise"),
])
def test_corrupt_group_documents(doc, match):
    store = MemoryStore({"zarr.json": doc})
    with pytest.raises(MetadataValidationError, match=match):
        zn.open_group(store, mode="r")


def test_v2_corrupt_and_ambiguous_documents():
    with pytest.raises(MetadataValidationError, match=".zattrs"):
        zn.open_group(MemoryStore({".zgroup": b'{"zarr_format": 2}', ".zattrs": b"[1]"}), mode="r")
    both = MemoryStore({".zgroup": b'{"zarr_format": 2}', ".zarray": b"{}"})
    with pytest.raises(zn.errors.ContainsArrayAndGroupError):
        zn.open_group(both, mode="r", zarr_format=2)


def test_formats_are_not_mixed():
    store = MemoryStore()
    g = zn.group(store, zarr_format=3)
    with pytest.raises(zn.errors.BaseZarrError, match="formats cannot be mixed"):
        zn.create_array(store, name="sub/x", shape=(1,), dtype="i1", zarr_format=2)
    with pytest.raises(zn.errors.BaseZarrError, match="formats cannot be mixed"):
        zn.create_group(store, path="v2/child", zarr_format=2)
    with pytest.raises(zn.errors.BaseZarrError, match="formats cannot be mixed"):
        g.zeros(name="x", shape=(1,), zarr_format=2)
    # a v2 node placed by hand is no member and says why on lookup
    zn.create_array(MemoryStore(), shape=(1,), dtype="i1")
    store.set_sync("old/.zarray", zn.create_array(MemoryStore(), shape=(1,), dtype="i1", zarr_format=2)
                   .store.get_sync(".zarray"))
    with pytest.raises(KeyError, match="formats cannot be mixed"):
        g["old"]
    with pytest.warns(UserWarning, match="cannot be mixed"):
        assert list(g.keys()) == []


def test_v3_nan_attributes_round_trip_with_zarr_python(tmp_path):
    zarr.open_group(tmp_path, mode="w").attrs["nan"] = float("nan")
    assert np.isnan(zn.open_group(tmp_path, mode="r").attrs["nan"])
    g = zn.open_group(tmp_path / "o", mode="w")
    g.attrs["inf"] = float("inf")
    assert zarr.open_group(tmp_path / "o", mode="r").attrs["inf"] == float("inf")
    assert json.loads((tmp_path / "o" / "zarr.json").read_text())["attributes"]["inf"] == float("inf")


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_array_nan_attributes_written_by_zarr_python(tmp_path, zarr_format):
    zarr.create_array(tmp_path, name="x", shape=(2,), dtype="f4", zarr_format=zarr_format).attrs["nan"] = float("nan")
    assert np.isnan(zn.open_array(tmp_path / "x", mode="r").attrs["nan"])
    assert np.isnan(zn.open_group(tmp_path, mode="r")["x"].attrs["nan"])
    # a read-modify-write in the core (resize rewrites the document) keeps them
    ours = zn.open_array(tmp_path / "x", mode="r+")
    ours.attrs["inf"] = [float("inf"), float("-inf"), "NaN"]
    ours.resize((3,))
    theirs = zarr.open_array(tmp_path / "x", mode="r")
    assert np.isnan(theirs.attrs["nan"])
    assert theirs.attrs["inf"] == [float("inf"), float("-inf"), "NaN"]  # the string stays a string

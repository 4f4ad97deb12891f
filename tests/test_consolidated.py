"""Consolidated metadata: v3 inline in the root zarr.json and v2
.zmetadata, byte-identical to zarr-python 3.1's; open_consolidated and
open_group's use_consolidated; re-consolidation; corrupt documents."""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pytest

import zarrnative as zn
from zarrnative.errors import MetadataValidationError
from zarrnative.storage import MemoryStore

zarr = pytest.importorskip("zarr")

from test_groups import ATTRS, CountingStore, build, metadata_files  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        yield


@pytest.mark.parametrize("zarr_format", [2, 3])
@pytest.mark.parametrize("writer", ["zarrnative", "zarr"])
def test_consolidated_documents_are_byte_identical(tmp_path, zarr_format, writer):
    lib = zn if writer == "zarrnative" else zarr
    build(lib, tmp_path / "ours", zarr_format)
    build(lib, tmp_path / "theirs", zarr_format)
    zn.consolidate_metadata(tmp_path / "ours")
    zarr.consolidate_metadata(tmp_path / "theirs")
    ours, theirs = metadata_files(tmp_path / "ours"), metadata_files(tmp_path / "theirs")
    assert sorted(ours) == sorted(theirs)
    for key in ours:
        assert ours[key] == theirs[key], key
    key = "zarr.json" if zarr_format == 3 else ".zmetadata"
    assert key in ours


def test_consolidate_warns_for_v3_like_zarr_python():
    g = zn.group()
    with pytest.warns(UserWarning, match="not part in the Zarr format 3 specification"):
        zn.consolidate_metadata(g.store)


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_each_library_opens_the_others_consolidated_hierarchy(tmp_path, zarr_format):
    build(zn, tmp_path / "ours", zarr_format)
    zn.consolidate_metadata(tmp_path / "ours")
    build(zarr, tmp_path / "theirs", zarr_format)
    zarr.consolidate_metadata(tmp_path / "theirs")
    for root in ("ours", "theirs"):
        a = zn.open_consolidated(tmp_path / root, mode="r")
        b = zarr.open_consolidated(tmp_path / root, mode="r")
        assert a.metadata.consolidated_metadata is not None and b.metadata.consolidated_metadata is not None
        # as JSON: zarr-python's in-memory v2 dicts hold tuples where the documents hold lists
        assert json.loads(json.dumps(a.metadata.to_dict())) == json.loads(json.dumps(b.metadata.to_dict()))
        assert sorted(k for k, _ in a.members(max_depth=None)) == sorted(k for k, _ in b.members(max_depth=None))
        np.testing.assert_array_equal(a["a/b/x"][...], b["a/b/x"][...])
        assert dict(a.attrs) == ATTRS


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_consolidated_metadata_is_used_without_reading_child_documents(tmp_path, zarr_format):
    build(zn, tmp_path, zarr_format)
    zn.consolidate_metadata(tmp_path)
    for name in ("zarr.json", ".zarray", ".zattrs", ".zgroup"):
        for p in (tmp_path / "a").rglob(name):
            p.unlink()
    g = zn.open_group(tmp_path, mode="r")  # use_consolidated=None: used where present
    assert sorted(k for k, _ in g.members(max_depth=None)) == ["a", "a/b", "a/b/x", "empty", "f", "u"]
    np.testing.assert_array_equal(g["a/b/x"][...], np.arange(35, dtype="int16").reshape(7, 5))
    assert g["a"].attrs["level"] == 1
    # without consolidated metadata the deleted documents are missed, as in zarr-python
    plain = zn.open_group(tmp_path, mode="r", use_consolidated=False)
    assert plain.metadata.consolidated_metadata is None
    assert "a/b/x" not in plain


def test_consolidated_listing_reads_nothing():
    store = CountingStore()
    g = zn.group(store)
    for i in range(10):
        g.create_group(f"g{i}").create_array("x", shape=(2,), dtype="i1")
    zn.consolidate_metadata(store)
    store.batches.clear()
    c = zn.open_consolidated(store)
    assert len(c.members(max_depth=None)) == 20
    assert repr(c.tree(plain=True)).count("x (2,) int8") == 10
    assert c.info._count_members == 20
    assert len(store.batches) == 1 and store.single_gets == 0  # the root's documents, nothing else


def test_use_consolidated_true_requires_it():
    g = zn.group()
    with pytest.raises(ValueError, match="Consolidated metadata requested"):
        zn.open_consolidated(g.store)
    g2 = zn.group(zarr_format=2)
    with pytest.raises(ValueError):
        zn.open_group(g2.store, use_consolidated=True, zarr_format=2)
    with pytest.raises(TypeError):
        zn.open_consolidated(g.store, use_consolidated=False)


@pytest.mark.parametrize("lib", [zn, zarr], ids=["zarrnative", "zarr"])
def test_stale_until_consolidated_again(tmp_path, lib):
    g = build(lib, tmp_path, 3)
    lib.consolidate_metadata(tmp_path)
    lib.open_group(tmp_path, use_consolidated=False).create_array("later", shape=(1,), dtype="i1")
    assert "later" not in lib.open_group(tmp_path)
    assert "later" in lib.open_group(tmp_path, use_consolidated=False)
    lib.consolidate_metadata(tmp_path)
    assert "later" in lib.open_consolidated(tmp_path)
    assert g is not None


def test_stale_consolidated_array_metadata_is_what_zarr_python_reports(tmp_path):
    build(zn, tmp_path, 3)
    zn.consolidate_metadata(tmp_path)
    zn.open_array(tmp_path / "f", mode="r+").resize((20,))
    assert zn.open_consolidated(tmp_path)["f"].shape == zarr.open_consolidated(tmp_path)["f"].shape == (10,)
    zn.consolidate_metadata(tmp_path)
    assert zn.open_consolidated(tmp_path)["f"].shape == zarr.open_consolidated(tmp_path)["f"].shape == (20,)


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_delitem_updates_consolidated_metadata(tmp_path, zarr_format):
    build(zn, tmp_path, zarr_format)
    zn.consolidate_metadata(tmp_path)
    g = zn.open_consolidated(tmp_path, mode="a")
    del g["u"]
    assert "u" not in zn.open_consolidated(tmp_path)
    assert "u" not in zarr.open_consolidated(tmp_path)


def test_nested_consolidated_structure_matches_zarr_python(tmp_path):
    build(zn, tmp_path, 3)
    ours = zn.consolidate_metadata(tmp_path).metadata.consolidated_metadata
    theirs = zarr.open_consolidated(tmp_path).metadata.consolidated_metadata
    assert sorted(ours.metadata) == sorted(theirs.metadata)
    assert sorted(ours.metadata["a"].consolidated_metadata.metadata) == \
        sorted(theirs.metadata["a"].consolidated_metadata.metadata)
    assert sorted(ours.flattened_metadata) == sorted(theirs.flattened_metadata)
    assert json.loads(json.dumps(ours.to_dict())) == json.loads(json.dumps(theirs.to_dict()))


def test_consolidate_a_subgroup(tmp_path):
    build(zn, tmp_path / "o", 3)
    build(zn, tmp_path / "t", 3)
    zn.consolidate_metadata(tmp_path / "o", path="a")
    zarr.consolidate_metadata(tmp_path / "t", path="a")
    assert metadata_files(tmp_path / "o") == metadata_files(tmp_path / "t")


def test_read_only_store_cannot_be_consolidated(tmp_path):
    build(zn, tmp_path, 3)
    with pytest.raises(ValueError):
        zn.consolidate_metadata(zn.storage.LocalStore(tmp_path, read_only=True))


# --- corrupt consolidated documents -------------------------------------------------------------
def _v3_with(consolidated) -> MemoryStore:
    doc = {"attributes": {}, "zarr_format": 3, "consolidated_metadata": consolidated, "node_type": "group"}
    return MemoryStore({"zarr.json": json.dumps(doc).encode()})


ARRAY_V3 = {"shape": [2], "data_type": "int8", "chunk_grid": {"name": "regular", "configuration": {
    "chunk_shape": [2]}}, "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": 0, "codecs": [{"name": "bytes"}], "attributes": {}, "zarr_format": 3, "node_type": "array"}


@pytest.mark.parametrize("consolidated, match", [
    ({"kind": "sideways", "must_understand": False, "metadata": {}}, "kind"),
    ({"kind": "inline", "must_understand": False, "metadata": [1]}, "metadata"),
    ({"kind": "inline", "must_understand": False, "metadata": {"x": 5}}, "entry 'x'"),
    ({"kind": "inline", "must_understand": False, "metadata": {"x": {**ARRAY_V3, "shape": [-1]}}}, "shape"),
    ({"kind": "inline", "must_understand": False, "metadata": {"x": {**ARRAY_V3, "data_type": "int99"}}},
     "data_type"),
    ({"kind": "inline", "must_understand": False, "metadata": {"x": {**ARRAY_V3, "node_type": "blob"}}},
     "node_type"),
    ({"kind": "inline", "must_understand": False, "metadata": {"x": {**ARRAY_V3, "zarr_format": 2}}},
     "cannot be mixed"),
    ({"kind": "inline", "must_understand": False, "metadata": {"../up": ARRAY_V3}}, "invalid node path"),
    ({"kind": "inline", "must_understand": False, "metadata": {"x/y": ARRAY_V3}}, "no group"),
])
def test_corrupt_v3_consolidated(consolidated, match):
    with pytest.raises(MetadataValidationError, match=match):
        zn.open_group(_v3_with(consolidated), mode="r")


def test_good_v3_consolidated_by_hand():
    g = zn.open_consolidated(_v3_with({"kind": "inline", "must_understand": False, "metadata": {"x": ARRAY_V3}}))
    assert g["x"].shape == (2,) and g["x"][...].tolist() == [0, 0]


@pytest.mark.parametrize("zmetadata, match", [
    (b"{oops", ".zmetadata"),
    (b'{"metadata": {}, "zarr_consolidated_format": 2}', "zarr_consolidated_format"),
    (b'{"metadata": [], "zarr_consolidated_format": 1}', "metadata"),
    (b'{"metadata": {"x/.zarray": {"shape": [2]}}, "zarr_consolidated_format": 1}', "entry 'x'"),
    (b'{"metadata": {"x/.zblob": {}}, "zarr_consolidated_format": 1}', "zblob"),
    (b'{"metadata": {"x/.zarray": {}, "x/.zgroup": {"zarr_format": 2}}, "zarr_consolidated_format": 1}', "both"),
])
def test_corrupt_v2_consolidated(zmetadata, match):
    store = MemoryStore({".zgroup": b'{"zarr_format": 2}', ".zmetadata": zmetadata})
    with pytest.raises(MetadataValidationError, match=match):
        zn.open_consolidated(store, zarr_format=2)
    # ignored when not asked for
    assert zn.open_group(store, zarr_format=2, use_consolidated=False).metadata.consolidated_metadata is None


def test_zarr_python_v2_store_with_custom_consolidated_key(tmp_path):
    build(zarr, tmp_path, 2)
    zarr.consolidate_metadata(tmp_path)
    shutil.move(tmp_path / ".zmetadata", tmp_path / ".zmeta")
    g = zn.open_group(tmp_path, zarr_format=2, use_consolidated=".zmeta", mode="r")
    assert g.metadata.consolidated_metadata is not None and "a/b/x" in g

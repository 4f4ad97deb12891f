"""zarrnative.dtype against zarr-python 3.1.6's zarr.dtype: the same classes,
reprs, numpy dtypes, metadata JSON and default scalars; arrays created with
them write the metadata zarr-python writes, and report their data type as an
instance of the class."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import zarrnative
from zarrnative import dtype as zd

zarr = pytest.importorskip("zarr")
theirs = pytest.importorskip("zarr.dtype")

pytestmark = pytest.mark.filterwarnings("ignore")

CASES = [("Bool", {}), ("Int8", {}), ("UInt8", {}), ("Int16", {}), ("Int32", {"endianness": "big"}),
         ("Int64", {}), ("UInt16", {"endianness": "big"}), ("UInt32", {}), ("UInt64", {}), ("Float16", {}),
         ("Float32", {"endianness": "big"}), ("Float64", {}), ("Complex64", {}), ("Complex128", {"endianness": "big"}),
         ("VariableLengthUTF8", {}), ("VariableLengthBytes", {}), ("FixedLengthUTF32", {"length": 3}),
         ("NullTerminatedBytes", {"length": 4}), ("RawBytes", {"length": 2}),
         ("DateTime64", {"unit": "s", "scale_factor": 10}), ("DateTime64", {}), ("TimeDelta64", {"unit": "ms"}),
         ("TimeDelta64", {"endianness": "big", "unit": "D", "scale_factor": 7})]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_data_type_classes_match_zarr_python(name, kwargs):
    ours, ref = getattr(zd, name)(**kwargs), getattr(theirs, name)(**kwargs)
    assert repr(ours) == repr(ref)
    assert ours.to_native_dtype() == ref.to_native_dtype()
    assert ours.to_json(zarr_format=3) == ref.to_json(zarr_format=3)
    assert ours.to_json(zarr_format=2) == ref.to_json(zarr_format=2)
    a, b = ours.default_scalar(), ref.default_scalar()
    assert type(a) is type(b) and (a == b or (a != a and b != b) or repr(a) == repr(b))
    assert ours == getattr(zd, name)(**kwargs) and hash(ours) == hash(getattr(zd, name)(**kwargs))
    if ours.kind == "numeric":
        assert type(getattr(zd, name).from_native_dtype(ours.to_native_dtype())) is type(ours)
        assert zd.parse_dtype(ref.to_native_dtype(), zarr_format=3) == ours


def test_structured_and_parse_dtype():
    ours = zd.Structured(fields=(("a", zd.Int32()), ("b", zd.Float64(endianness="big"))))
    ref = theirs.Structured(fields=(("a", theirs.Int32()), ("b", theirs.Float64(endianness="big"))))
    assert repr(ours) == repr(ref)
    assert ours.to_native_dtype() == ref.to_native_dtype()
    assert ours.to_json(zarr_format=3) == ref.to_json(zarr_format=3)
    assert ours.to_json(zarr_format=2) == ref.to_json(zarr_format=2)
    assert [(n, repr(t)) for n, t in ours.fields] == [("a", "Int32(endianness='little')"),
                                                       ("b", "Float64(endianness='big')")]
    for spec in ("<f8", np.float32, ">u2", "int16", str, "S3", "M8[ns]"):
        assert repr(zd.parse_dtype(spec, zarr_format=3)) == repr(theirs.parse_dtype(spec, zarr_format=3))
    assert isinstance(zd.parse_dtype(theirs.Int8()), zd.Int8)  # zarr-python's objects are taken too
    with pytest.raises(zd.DataTypeValidationError):
        zd.Int32.from_native_dtype(np.dtype("f8"))
    with pytest.raises(ValueError):
        zd.Int32(endianness="middle")


@pytest.mark.parametrize("fmt", [2, 3])
def test_arrays_take_and_report_data_type_objects(tmp_path, fmt):
    for name, kwargs in [("Int16", {"endianness": "big"}), ("Float32", {}), ("VariableLengthUTF8", {}),
                         ("DateTime64", {"unit": "s"})]:
        if fmt == 3 and kwargs.get("endianness") == "big":
            continue
        docs = {}
        for lib, mod in ((zarr, theirs), (zarrnative, zd)):
            path = tmp_path / f"{lib.__name__}-{name}-{fmt}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lib.create_array(str(path), shape=(4,), dtype=getattr(mod, name)(**kwargs), zarr_format=fmt)
            docs[lib.__name__] = json.loads((path / (".zarray" if fmt == 2 else "zarr.json")).read_text())
        assert docs["zarrnative"] == docs["zarr"], name
        a = zarrnative.open_array(str(tmp_path / f"zarr-{name}-{fmt}"))
        dt = a.metadata.dtype if fmt == 2 else a.metadata.data_type
        assert isinstance(dt, getattr(zd, name)) and isinstance(dt, zd.ZDType)
        assert repr(dt) == repr(getattr(theirs, name)(**kwargs))
        assert a.dtype == dt.to_native_dtype()


SCALARS = {"Bool": [True, False], "Int8": [42, -128], "UInt8": [255], "Int16": [-3], "Int32": [np.int32(-5)],
           "Int64": [2**62], "UInt16": [7], "UInt32": [2**32 - 1], "UInt64": [2**64 - 1],
           "Float16": [-0.0, 1.5], "Float32": [1.5, float("inf")], "Float64": [float("nan"), 3, -float("inf")],
           "Complex64": [1 + 2j], "Complex128": [complex(float("nan"), 1)],
           "VariableLengthUTF8": ["xy", ""], "VariableLengthBytes": [b"xy", b""],
           "FixedLengthUTF32": [np.str_("ab")], "NullTerminatedBytes": [np.bytes_(b"ab")],
           "RawBytes": [np.void(b"\x01\x02")],
           "DateTime64": [np.datetime64(5, "10s"), np.datetime64("NaT", "s")], "TimeDelta64": [np.timedelta64(7, "ms")]}


def _same_scalar(a, b):
    assert type(a) is type(b)
    assert repr(a) == repr(b) or a == b


@pytest.mark.parametrize("fmt", [2, 3])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_json_forms_match_zarr_python(name, kwargs, fmt):
    """from_json, to_json_scalar and from_json_scalar give zarr-python's answers."""
    ours, ref = getattr(zd, name)(**kwargs), getattr(theirs, name)(**kwargs)
    for value in SCALARS[name]:
        if name == "DateTime64" and not kwargs and isinstance(value, np.datetime64):
            continue  # generic-unit datetimes: values carry their own unit
        if name == "TimeDelta64" and kwargs.get("unit") != "ms":
            continue
        j = ours.to_json_scalar(value, zarr_format=fmt)
        assert repr(j) == repr(ref.to_json_scalar(value, zarr_format=fmt))
        _same_scalar(ours.from_json_scalar(j, zarr_format=fmt), ref.from_json_scalar(j, zarr_format=fmt))
    doc = ref.to_json(zarr_format=fmt)
    back = getattr(zd, name).from_json(doc, zarr_format=fmt)
    assert repr(back) == repr(getattr(theirs, name).from_json(doc, zarr_format=fmt))
    assert zd.parse_dtype(doc, zarr_format=fmt) == back
    # v3 JSON names no byte order (little-endian on disk); v2 keeps it
    assert back == (ours if fmt == 2 or "endianness" not in kwargs else getattr(zd, name)(**{**kwargs,
                                                                                           "endianness": "little"}))


def test_from_json_refuses_other_and_malformed_types():
    assert zd.parse_dtype({"name": "numpy.datetime64", "configuration": {"unit": "s", "scale_factor": 10}},
                          zarr_format=3) == zd.DateTime64(unit="s", scale_factor=10)
    with pytest.raises(zd.DataTypeValidationError):
        zd.Int8.from_json("int16", zarr_format=3)  # another class's type
    with pytest.raises(zd.DataTypeValidationError):
        zd.Int32.from_json({"name": "<i4", "object_codec_id": None}, zarr_format=3)  # v2 JSON in v3
    for bad in ["bogus", "r16", {"name": "numpy.datetime64", "configuration": {"unit": "q", "scale_factor": 1}},
                {"name": "fixed_length_utf32", "configuration": {"length_bytes": 6}}, {"configuration": {}}, 5,
                {"name": "int8", "configuration": {"x": 1}}]:
        with pytest.raises((zd.DataTypeValidationError, TypeError)):
            zd.parse_dtype(bad if isinstance(bad, dict) else {"name": bad}, zarr_format=3)
        with pytest.raises(zd.DataTypeValidationError):
            zd.Int8.from_json(bad, zarr_format=3)
    for bad in [{"name": "|O", "object_codec_id": "json2"}, {"name": "|O"}, {"name": "<q9", "object_codec_id": None},
                "<i4", {"name": "<i4", "object_codec_id": None, "x": 1}]:
        with pytest.raises(zd.DataTypeValidationError):
            zd.Int32.from_json(bad, zarr_format=2)
    with pytest.raises(TypeError):
        zd.Int8().from_json_scalar("x", zarr_format=3)
    with pytest.raises(ValueError, match="zarr_format"):
        zd.Int8().to_json_scalar(1, zarr_format=4)


@pytest.mark.parametrize("dt", ["U3", "S3", "V3", "variable_length_bytes", str, "M8[s]", [("a", "f8")], "i4"])
def test_unstable_v3_data_types_warn_as_zarr_python(dt):
    from zarrnative.errors import UnstableSpecificationWarning

    def categories(lib, fmt):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.create_array(store={}, shape=(2,), dtype=dt, zarr_format=fmt)
        return [x.category.__name__ for x in w if "Specification" in x.category.__name__]

    assert categories(zarrnative, 3) == categories(zarr, 3)
    assert categories(zarrnative, 2) == []
    if dt != "variable_length_bytes":  # zarr-python's v2 does not take this spelling
        assert categories(zarr, 2) == []
    assert issubclass(UnstableSpecificationWarning, FutureWarning)


def test_data_type_registry_and_json_types():
    reg, ref = zd.data_type_registry, theirs.data_type_registry
    assert sorted(reg.contents) == sorted(ref.contents)
    for name in reg.contents:
        assert reg.get(name).__name__ == ref.get(name).__name__
    for dt in ["<i4", ">f8", "U3", "M8[10s]", [("a", "<i2")]]:
        assert repr(reg.match_dtype(np.dtype(dt))) == repr(ref.match_dtype(np.dtype(dt)))
    assert reg.match_json("int32", zarr_format=3) == zd.Int32()
    with pytest.raises(NotImplementedError):
        reg.register("my_type", zd.Int8)
    assert sorted(set(theirs.__all__) - set(dir(zd))) == []  # the JSON type names too

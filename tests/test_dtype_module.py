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

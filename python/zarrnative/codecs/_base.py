"""The codec base class and the conversions every codec shares.

A codec object here is only a description: its ``to_dict()`` is the JSON
that the C++ core parses and validates (the core holds the implementations).
The forms written match zarr-python 3.1's ``to_dict()`` byte for byte, so an
array created by zarrnative has the metadata zarr-python would write.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

# name -> class, filled by each codec module through @register
_REGISTRY: dict[str, type[Codec]] = {}


def register(cls: type[Codec]) -> type[Codec]:
    _REGISTRY[cls.codec_name] = cls
    return cls


def _jsonable(value: Any) -> Any:
    """tuples -> lists, str-enums -> str: the value as JSON would hold it."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if hasattr(value, "value") and isinstance(value.value, (str, int)):  # enums
        return value.value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Codec:
    """Base of the codec descriptions.

    Subclasses set ``codec_name`` (the Zarr v3 name), ``kind``
    (``"array_to_array"``, ``"array_to_bytes"`` or ``"bytes_to_bytes"``) and
    ``_fields`` (the constructor arguments, in zarr-python's order), and may
    override ``_configuration`` where zarr-python writes a special form.
    """

    codec_name: ClassVar[str]
    kind: ClassVar[str]
    _fields: ClassVar[tuple[str, ...]] = ()

    def _configuration(self) -> dict[str, Any] | None:
        """The configuration object; None writes no "configuration" key."""
        return {f: getattr(self, f) for f in self._fields}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.codec_name}
        config = self._configuration()
        if config is not None:
            out["configuration"] = _jsonable(config)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Codec:
        name = data.get("name") if isinstance(data, dict) else None
        if name != cls.codec_name:
            raise ValueError(f"{cls.__name__}.from_dict expects name {cls.codec_name!r}, got {data!r}")
        config = data.get("configuration") or {}
        if not isinstance(config, dict):
            raise ValueError(f"codec {name!r}: 'configuration' must be an object, got {config!r}")
        return cls._from_configuration(config)

    @classmethod
    def _from_configuration(cls, config: dict[str, Any]) -> Codec:
        unknown = set(config) - set(cls._fields)
        if unknown:
            raise ValueError(f"codec {cls.codec_name!r}: unknown configuration fields {sorted(unknown)}")
        return cls(**config)

    # zarr-python's codecs are frozen dataclasses; these compare by value too,
    # and also equal a zarr-python codec that writes the same JSON.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Codec):
            return type(self) is type(other) and self.to_dict() == other.to_dict()
        if hasattr(other, "to_dict") and type(other).__module__.startswith("zarr."):
            try:
                return self.to_dict() == _jsonable(other.to_dict())
            except TypeError:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __repr__(self) -> str:
        args = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({args})"


def codec_from_dict(data: dict[str, Any]) -> Codec | dict[str, Any]:
    """A v3 codec dict as a zarrnative codec object; a codec zarrnative has
    no class for stays the dict it was."""
    cls = _REGISTRY.get(data.get("name", "")) if isinstance(data, dict) else None
    if cls is None:
        if data.get("name") == "endian":  # an early ZEP1 spelling of "bytes"
            cls = _REGISTRY["bytes"]
            data = {**data, "name": "bytes"}
        else:
            return dict(data)
    return cls.from_dict(data)


def _numcodecs_config(obj: Any) -> dict[str, Any]:
    """A numcodecs codec's config as zarr-python writes it into a .zarray
    (zstd without a checksum drops the "checksum" key)."""
    config = dict(obj.get_config())
    if config.get("id") == "zstd" and not config.get("checksum", False):
        config.pop("checksum", None)
    return _jsonable(config)


def is_numcodec(obj: Any) -> bool:
    return hasattr(obj, "get_config") and hasattr(obj, "codec_id") and not hasattr(obj, "to_dict")


def codec_to_dict(obj: Any, zarr_format: int = 3) -> dict[str, Any]:
    """The JSON form of a codec.

    Accepts zarrnative codecs, dicts (returned as JSON values), zarr-python
    codec objects (anything with ``to_dict()``) and numcodecs codecs
    (``get_config()``). For ``zarr_format=2`` the result is a numcodecs
    config (``{"id": ...}``); for 3 a ``{"name": ..., "configuration": ...}``
    object (a numcodecs codec becomes ``"numcodecs.<id>"``, the name
    zarr-python's numcodecs wrappers write).
    """
    if isinstance(obj, Codec):
        if zarr_format == 2:
            codec_id = getattr(obj, "codec_id", None)
            if codec_id is not None:  # zarrnative.codecs.numcodecs: a numcodecs config inside
                return {"id": codec_id, **_jsonable(obj.codec_config)}
            raise ValueError(f"{obj!r} is a Zarr v3 codec; Zarr format 2 arrays take numcodecs codecs or "
                             "{'id': ...} dicts")
        return obj.to_dict()
    if isinstance(obj, dict):
        return _jsonable(obj)
    if is_numcodec(obj):
        config = _numcodecs_config(obj)
        if zarr_format == 2:
            return config
        codec_id = config.pop("id")
        return {"name": f"numcodecs.{codec_id}", "configuration": config}
    if hasattr(obj, "to_dict"):
        d = _jsonable(obj.to_dict())
        if zarr_format == 2:
            # zarr-python's numcodecs wrappers ("numcodecs.zstd") hold a numcodecs config
            name = d.get("name", "")
            if isinstance(name, str) and name.startswith("numcodecs."):
                return {"id": name[len("numcodecs."):], **(d.get("configuration") or {})}
            raise ValueError(f"{obj!r} is a Zarr v3 codec; Zarr format 2 arrays take numcodecs codecs or "
                             "{'id': ...} dicts")
        return d
    raise TypeError(f"cannot use {obj!r} ({type(obj).__name__}) as a codec: expected a zarrnative or "
                    "zarr-python codec, a numcodecs codec, or a dict")

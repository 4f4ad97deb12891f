"""The array -> bytes serialisers (bytes, vlen-utf8, vlen-bytes) and the
array -> array transpose."""

from __future__ import annotations

from enum import Enum
from typing import Any

from zarrnative.codecs._base import Codec, register


class Endian(str, Enum):
    """The byte order of the ``bytes`` codec."""

    big = "big"
    little = "little"


@register
class BytesCodec(Codec):
    """Elements as raw bytes. ``endian`` None is for one-byte types (and is
    what zarr-python writes for them: ``{"name": "bytes"}``)."""

    codec_name = "bytes"
    kind = "array_to_bytes"
    _fields = ("endian",)

    def __init__(self, *, endian: Endian | str | None = "little") -> None:
        self.endian = None if endian is None else Endian(endian)

    def _configuration(self) -> dict[str, Any] | None:
        return None if self.endian is None else {"endian": self.endian.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BytesCodec:
        super().from_dict(data)  # checks the name and the fields
        return cls(endian=(data.get("configuration") or {}).get("endian"))

    def evolve(self, itemsize: int, has_endianness: bool = True) -> BytesCodec:
        """The codec for a data type: no endianness for one-byte types."""
        if self.endian is not None and (itemsize <= 1 or not has_endianness):
            return BytesCodec(endian=None)
        return self


@register
class VLenUTF8Codec(Codec):
    """Variable-length UTF-8 strings (data type ``string``)."""

    codec_name = "vlen-utf8"
    kind = "array_to_bytes"

    def __init__(self) -> None:
        pass

    def _configuration(self) -> dict[str, Any]:
        return {}


@register
class VLenBytesCodec(Codec):
    """Variable-length byte strings (data type ``variable_length_bytes``)."""

    codec_name = "vlen-bytes"
    kind = "array_to_bytes"

    def __init__(self) -> None:
        pass

    def _configuration(self) -> dict[str, Any]:
        return {}


@register
class TransposeCodec(Codec):
    """Permutes the axes of each chunk before it is serialised: ``order`` is
    a permutation of ``range(ndim)``."""

    codec_name = "transpose"
    kind = "array_to_array"
    _fields = ("order",)

    def __init__(self, *, order: Any) -> None:
        if isinstance(order, str):
            raise TypeError(f"TransposeCodec order must be a permutation of axes, got the string {order!r}")
        order = tuple(int(i) for i in order)
        if sorted(order) != list(range(len(order))):
            raise ValueError(f"TransposeCodec order must be a permutation of 0..{len(order) - 1}, got {order}")
        self.order = order

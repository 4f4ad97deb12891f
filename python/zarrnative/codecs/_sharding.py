"""sharding_indexed: many inner chunks stored in one shard object."""

from __future__ import annotations

from enum import Enum
from typing import Any, Iterable

from zarrnative.codecs._array_codecs import BytesCodec
from zarrnative.codecs._base import Codec, _jsonable, codec_from_dict, codec_to_dict, register
from zarrnative.codecs._compressors import Crc32cCodec


class ShardingCodecIndexLocation(str, Enum):
    start = "start"
    end = "end"


def _codecs(values: Iterable[Any]) -> tuple:
    if isinstance(values, (dict, Codec)):
        values = (values,)
    return tuple(codec_from_dict(v) if isinstance(v, dict) else v for v in values)


@register
class ShardingCodec(Codec):
    """``chunk_shape``: the inner chunks; ``codecs``: their codec chain;
    ``index_codecs``: the shard index's chain; ``index_location``: where
    the index sits in the shard ("start" or "end")."""

    codec_name = "sharding_indexed"
    kind = "array_to_bytes"
    _fields = ("chunk_shape", "codecs", "index_codecs", "index_location")

    def __init__(self, *, chunk_shape: Iterable[int], codecs: Iterable[Any] = (BytesCodec(),),
                 index_codecs: Iterable[Any] = (BytesCodec(), Crc32cCodec()),
                 index_location: ShardingCodecIndexLocation | str = ShardingCodecIndexLocation.end) -> None:
        if isinstance(chunk_shape, int):
            chunk_shape = (chunk_shape,)
        self.chunk_shape = tuple(int(c) for c in chunk_shape)
        self.codecs = _codecs(codecs)
        self.index_codecs = _codecs(index_codecs)
        self.index_location = ShardingCodecIndexLocation(index_location)

    def _configuration(self) -> dict[str, Any]:
        return {
            "chunk_shape": list(self.chunk_shape),
            "codecs": [codec_to_dict(c) for c in self.codecs],
            "index_codecs": [codec_to_dict(c) for c in self.index_codecs],
            "index_location": self.index_location.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardingCodec:
        config = _jsonable((data or {}).get("configuration") or {})
        if data.get("name") != cls.codec_name or "chunk_shape" not in config:
            raise ValueError(f"ShardingCodec.from_dict expects a sharding_indexed codec with a chunk_shape, "
                             f"got {data!r}")
        return cls(**config)

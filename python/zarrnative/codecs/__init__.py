"""Codecs, as zarr-python 3's ``zarr.codecs``: descriptions whose
``to_dict()`` is the JSON the C++ core parses (the core holds the
implementations and validates every configuration).

``codec_to_dict`` turns any codec a user may pass (these, zarr-python's,
numcodecs', or a dict) into that JSON.
"""

from zarrnative.codecs._array_codecs import BytesCodec, Endian, TransposeCodec, VLenBytesCodec, VLenUTF8Codec
from zarrnative.codecs._base import Codec, codec_from_dict, codec_to_dict
from zarrnative.codecs._compressors import BloscCname, BloscCodec, BloscShuffle, Crc32cCodec, GzipCodec, ZstdCodec
from zarrnative.codecs._sharding import ShardingCodec, ShardingCodecIndexLocation
from zarrnative.codecs import numcodecs  # noqa: E402  (registers the numcodecs.* names)

__all__ = [
    "BloscCname",
    "BloscCodec",
    "BloscShuffle",
    "BytesCodec",
    "Codec",
    "Crc32cCodec",
    "Endian",
    "GzipCodec",
    "ShardingCodec",
    "ShardingCodecIndexLocation",
    "TransposeCodec",
    "VLenBytesCodec",
    "VLenUTF8Codec",
    "ZstdCodec",
    "codec_from_dict",
    "codec_to_dict",
    "numcodecs",
]

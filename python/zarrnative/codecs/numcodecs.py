"""numcodecs codecs in Zarr v3 arrays, as zarr-python 3.1's
``zarr.codecs.numcodecs``: each writes ``{"name": "numcodecs.<id>",
"configuration": <the numcodecs configuration less its id>}``, and the C++
core runs the codec (the same implementation as for Zarr v2's numcodecs
codecs). Only the codecs the core implements are here::

    zarrnative.create_array(store, shape=..., dtype="i4",
                            filters=[numcodecs.Delta(dtype="<i4")],
                            compressors=[numcodecs.Zlib(level=1), numcodecs.CRC32C()])
"""

from __future__ import annotations

import warnings
from typing import Any

from zarrnative.codecs._base import Codec, register
from zarrnative.errors import ZarrUserWarning

__all__ = ["Adler32", "AsType", "BZ2", "BitRound", "Blosc", "CRC32", "CRC32C", "Delta", "FixedScaleOffset",
           "Fletcher32", "GZip", "JenkinsLookup3", "LZ4", "LZMA", "PackBits", "Quantize", "Shuffle", "ZFPY", "Zlib", "Zstd"]


class _NumcodecsCodec(Codec):
    """A numcodecs codec by its configuration (keyword arguments), checked by the core when an array uses it."""

    codec_id: str

    def __init__(self, **codec_config: Any) -> None:
        codec_config.pop("id", None)
        self.codec_config = dict(codec_config)
        warnings.warn("Numcodecs codecs are not in the Zarr version 3 specification and may not be supported by "
                      "other zarr implementations.", ZarrUserWarning, stacklevel=2)

    def _configuration(self) -> dict[str, Any]:
        return dict(self.codec_config)

    @classmethod
    def _from_configuration(cls, config: dict[str, Any]) -> Codec:
        return cls(**config)  # any numcodecs fields: the core checks them

    def __repr__(self) -> str:
        return f"{type(self).__name__}(codec_name={self.codec_name!r}, codec_config={self.codec_config!r})"


def _define(class_name: str, codec_id: str, kind: str) -> type[_NumcodecsCodec]:
    cls = type(class_name, (_NumcodecsCodec,), {"codec_name": f"numcodecs.{codec_id}", "codec_id": codec_id,
                                                "kind": kind, "__module__": __name__,
                                                "__doc__": f"numcodecs' {class_name} as a Zarr v3 codec."})
    return register(cls)


AsType = _define("AsType", "astype", "array_to_array")
Delta = _define("Delta", "delta", "array_to_array")
BitRound = _define("BitRound", "bitround", "array_to_array")
FixedScaleOffset = _define("FixedScaleOffset", "fixedscaleoffset", "array_to_array")
Quantize = _define("Quantize", "quantize", "array_to_array")
PackBits = _define("PackBits", "packbits", "array_to_array")
ZFPY = _define("ZFPY", "zfpy", "array_to_bytes")
Adler32 = _define("Adler32", "adler32", "bytes_to_bytes")
BZ2 = _define("BZ2", "bz2", "bytes_to_bytes")
Blosc = _define("Blosc", "blosc", "bytes_to_bytes")
CRC32 = _define("CRC32", "crc32", "bytes_to_bytes")
CRC32C = _define("CRC32C", "crc32c", "bytes_to_bytes")
Fletcher32 = _define("Fletcher32", "fletcher32", "bytes_to_bytes")
GZip = _define("GZip", "gzip", "bytes_to_bytes")
JenkinsLookup3 = _define("JenkinsLookup3", "jenkins_lookup3", "bytes_to_bytes")
LZ4 = _define("LZ4", "lz4", "bytes_to_bytes")
LZMA = _define("LZMA", "lzma", "bytes_to_bytes")
Shuffle = _define("Shuffle", "shuffle", "bytes_to_bytes")
Zlib = _define("Zlib", "zlib", "bytes_to_bytes")
Zstd = _define("Zstd", "zstd", "bytes_to_bytes")

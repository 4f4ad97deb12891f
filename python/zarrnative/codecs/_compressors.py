"""The bytes -> bytes codecs: gzip, zstd, blosc, crc32c."""

from __future__ import annotations

from enum import Enum
from typing import Any

from zarrnative.codecs._base import Codec, register


@register
class GzipCodec(Codec):
    codec_name = "gzip"
    kind = "bytes_to_bytes"
    _fields = ("level",)

    def __init__(self, *, level: int = 5) -> None:
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 9:
            raise ValueError(f"GzipCodec level must be an integer from 0 to 9, got {level!r}")
        self.level = level


@register
class ZstdCodec(Codec):
    codec_name = "zstd"
    kind = "bytes_to_bytes"
    _fields = ("level", "checksum")

    def __init__(self, *, level: int = 0, checksum: bool = False) -> None:
        if not isinstance(level, int) or isinstance(level, bool):
            raise TypeError(f"ZstdCodec level must be an integer, got {level!r}")
        if not isinstance(checksum, bool):
            raise TypeError(f"ZstdCodec checksum must be a bool, got {checksum!r}")
        self.level = level
        self.checksum = checksum


@register
class Crc32cCodec(Codec):
    """Appends a CRC-32C checksum (4 bytes, little-endian) and checks it on read."""

    codec_name = "crc32c"
    kind = "bytes_to_bytes"

    def __init__(self) -> None:
        pass

    def _configuration(self) -> None:
        return None  # zarr-python writes {"name": "crc32c"}


class BloscCname(str, Enum):
    lz4 = "lz4"
    lz4hc = "lz4hc"
    blosclz = "blosclz"
    zstd = "zstd"
    snappy = "snappy"
    zlib = "zlib"


class BloscShuffle(str, Enum):
    noshuffle = "noshuffle"
    shuffle = "shuffle"
    bitshuffle = "bitshuffle"

    @classmethod
    def from_int(cls, num: int) -> BloscShuffle:
        return (cls.noshuffle, cls.shuffle, cls.bitshuffle)[num]


@register
class BloscCodec(Codec):
    """Blosc (the blosc1 format). ``typesize`` and ``shuffle`` left as None
    are tunable: they read as 1 and bitshuffle until the array is created,
    when they are set from the data type as zarr-python does (typesize = the
    item size, shuffle = bitshuffle for one-byte types, else byte shuffle).
    ``_tunable_attrs`` names the ones still tunable."""

    codec_name = "blosc"
    kind = "bytes_to_bytes"
    _fields = ("typesize", "cname", "clevel", "shuffle", "blocksize")

    def __init__(self, *, typesize: int | None = None, cname: BloscCname | str = BloscCname.zstd,
                 clevel: int = 5, shuffle: BloscShuffle | str | None = None, blocksize: int = 0) -> None:
        if typesize is not None and (not isinstance(typesize, int) or typesize < 1):
            raise ValueError(f"BloscCodec typesize must be a positive integer, got {typesize!r}")
        if not isinstance(clevel, int) or not 0 <= clevel <= 9:
            raise ValueError(f"BloscCodec clevel must be an integer from 0 to 9, got {clevel!r}")
        if not isinstance(blocksize, int) or blocksize < 0:
            raise ValueError(f"BloscCodec blocksize must be a non-negative integer, got {blocksize!r}")
        self._tunable_attrs: set[str] = set()
        if typesize is None:
            self._tunable_attrs.add("typesize")
        if shuffle is None:
            self._tunable_attrs.add("shuffle")
        self.typesize = 1 if typesize is None else typesize
        self.cname = BloscCname(cname)
        self.clevel = clevel
        self.shuffle = BloscShuffle.bitshuffle if shuffle is None else BloscShuffle(shuffle)
        self.blocksize = blocksize

    def __repr__(self) -> str:
        return f"BloscCodec(_tunable_attrs={self._tunable_attrs!r}, " + super().__repr__()[len("BloscCodec("):]

    def evolve(self, itemsize: int) -> BloscCodec:
        """The codec with its tunable typesize / shuffle chosen for ``itemsize``."""
        tunable = self._tunable_attrs
        return BloscCodec(
            typesize=max(int(itemsize), 1) if "typesize" in tunable else self.typesize,
            cname=self.cname, clevel=self.clevel, blocksize=self.blocksize,
            shuffle=(BloscShuffle.bitshuffle if itemsize == 1 else BloscShuffle.shuffle)
            if "shuffle" in tunable else self.shuffle)

    def _configuration(self) -> dict[str, Any]:
        return {"typesize": self.typesize, "cname": self.cname.value, "clevel": self.clevel,
                "shuffle": self.shuffle.value, "blocksize": self.blocksize}

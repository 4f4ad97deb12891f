// The lzma codec (numcodecs id "lzma"; "numcodecs.lzma" in v3 arrays): what
// Python's lzma.compress / lzma.decompress write and read, with liblzma.
//
//   {"id": "lzma", "format": 1, "check": -1, "preset": null, "filters": null}
//
// format: 1 .xz (the default), 2 the legacy .lzma ("alone"), 3 raw (no
//   container: the filters say how to decode), 0 detect when decoding
//   (encoding refuses it, as Python does). check (.xz only): -1 the format's
//   default (CRC64), 0 none, 1 CRC32, 4 CRC64, 10 SHA-256. preset: 0..9,
//   optionally | 0x80000000 (extreme); null means 6. filters: null or
//   Python's filter chain, up to four dicts {"id": <lzma.FILTER_*>, options}:
//   LZMA1/LZMA2 (preset, dict_size, lc, lp, pb, mode, nice_len, mf, depth),
//   DELTA (dist), the branch filters (start_offset); not with a preset. The
//   raw format needs them; .lzma takes one LZMA1 filter; .xz streams name
//   their filters, so they decode without them (numcodecs refuses that).
// Decoding accepts concatenated streams, as Python's lzma.decompress does,
// and refuses streams that need more than 1 GiB of decoder memory.
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

std::shared_ptr<const BytesToBytesCodec> make_lzma_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec

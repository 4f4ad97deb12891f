// zarrnative: can an array's codec chain be decoded on the GPU?
//
// The GPU read decodes a chain when it is, in decode order:
//   crc32c* (verified on the host, on the stored bytes)
//   -> at most one of zstd, gzip, zlib, lz4 (nvCOMP), or none
//   -> bytes (any endianness: the scatter kernel swaps)
//   -> transpose* (the scatter kernel permutes)
// A sharded array qualifies when its only codec is sharding_indexed and its
// inner chain qualifies (nested sharding does not). Anything else (blosc,
// shuffle, delta, bz2, a checksummed zstd, vlen strings, two compressors...)
// is decoded by the CPU pipeline and uploaded: the plan says why, so the
// read can report the fallback.
//
//   ChainPlan plan = plan_chain(array.pipeline());
//   if (!plan.on_gpu) log("decoded on the CPU: " + plan.cpu_reason);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "zarrnative/codec/pipeline.h"
#include "zarrnative/codec/sharding.h"
#include "zarrnative/gpu/chunk_prep.h"

namespace zarrnative::gpu {

struct ChainPlan {
  bool on_gpu = false;
  std::string cpu_reason;  // why not, when !on_gpu ("blosc has no GPU decoder")

  // The stored bytes: verified by these (crc32c) on the host, in decode
  // order, then decoded as `format` ("zstd", "gzip"... in messages: `codec_name`).
  std::vector<const codec::BytesToBytesCodec*> host_checks;
  StoredFormat format = StoredFormat::kRaw;
  std::string codec_name = "bytes";

  // The decoded bytes are the chunk's elements in C order of the encoded
  // shape: encoded dimension i is decoded (array) dimension order[i].
  std::vector<int> order;
  // 0: the elements are in the machine's byte order; else the size of the
  // units to byte-swap (the item size, or half of it for complex numbers).
  int swap_unit = 0;
  size_t itemsize = 0;

  // Sharded arrays: the sharding codec and the plan of its inner chunks.
  const codec::ShardingCodec* sharding = nullptr;
  std::shared_ptr<const ChainPlan> inner;

  bool identity_layout() const;  // no transpose and no swap
};

// Never throws for an unsupported chain: on_gpu is then false.
ChainPlan plan_chain(const codec::CodecPipeline& pipeline);

}  // namespace zarrnative::gpu

#include "zarrnative/gpu/chain_plan.h"

#include <numeric>
#include <string>

#include "codec/bytes_to_bytes/checksum32_codec.h"
#include "zarrnative/codec/registry.h"

namespace zarrnative::gpu {
namespace {

namespace names = codec::names;
using json = nlohmann::json;

ChainPlan cpu(std::string reason) {
  ChainPlan p;
  p.cpu_reason = std::move(reason);
  return p;
}

// The stored format of a compressor nvCOMP decodes, by codec name.
bool gpu_format(std::string_view name, StoredFormat* format) {
  if (name == names::kZstd) *format = StoredFormat::kZstd;
  else if (name == names::kGzip) *format = StoredFormat::kGzip;
  else if (name == names::kZlib) *format = StoredFormat::kZlib;
  else if (name == names::kLz4) *format = StoredFormat::kLz4;
  else return false;
  return true;
}

}  // namespace

bool ChainPlan::identity_layout() const {
  if (swap_unit != 0) return false;
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] != static_cast<int>(i)) return false;
  }
  return true;
}

ChainPlan plan_chain(const codec::CodecPipeline& pipeline) {
  const codec::ChunkSpec& spec = pipeline.spec();
  const DType& dtype = spec.dtype;
  if (dtype.is_vlen()) return cpu("variable-length strings have no GPU layout");

  const auto& a2b = pipeline.array_to_bytes();
  if (const auto* sharding = dynamic_cast<const codec::ShardingCodec*>(a2b.get())) {
    if (!pipeline.array_to_array().empty() || !pipeline.bytes_to_bytes().empty()) {
      return cpu("codecs around sharding_indexed are decoded on the CPU");
    }
    if (dynamic_cast<const codec::ShardingCodec*>(sharding->inner_pipeline().array_to_bytes().get())) {
      return cpu("nested sharding is decoded on the CPU");
    }
    auto inner = std::make_shared<ChainPlan>(plan_chain(sharding->inner_pipeline()));
    if (!inner->on_gpu) return cpu("inner chunks: " + inner->cpu_reason);
    ChainPlan p = *inner;
    p.sharding = sharding;
    p.inner = std::move(inner);
    return p;
  }

  ChainPlan p;
  p.itemsize = dtype.itemsize();
  const size_t ndim = spec.shape.size();
  p.order.resize(ndim);
  std::iota(p.order.begin(), p.order.end(), 0);
  for (const auto& c : pipeline.array_to_array()) {
    if (c->name() != names::kTranspose) {
      return cpu(std::string(c->name()) + " has no GPU decoder");
    }
    // Encoding applies the transposes in turn: after this one, encoded
    // dimension i is the previous encoded dimension t[i].
    const json order = c->to_json().at("configuration").at("order");
    std::vector<int> next(ndim);
    for (size_t i = 0; i < ndim; ++i) next[i] = p.order[order.at(i).get<int>()];
    p.order = std::move(next);
  }

  if (a2b->name() != names::kBytes) return cpu(std::string(a2b->name()) + " has no GPU decoder");
  const json a2b_json = a2b->to_json();
  if (a2b_json.contains("configuration") && a2b_json["configuration"].contains("endian")) {
    const bool big = a2b_json["configuration"]["endian"] == "big";
    if (big != (native_byte_order() == ByteOrder::kBig) && dtype.swap_unit() > 1) {
      p.swap_unit = static_cast<int>(dtype.swap_unit());
    }
  }

  // Bytes -> bytes codecs in decode order (the reverse of the list).
  const auto& b2b = pipeline.bytes_to_bytes();
  bool have_compressor = false;
  for (size_t k = b2b.size(); k-- > 0;) {
    const auto& c = b2b[k];
    StoredFormat format;
    if (codec::is_checksum_codec(c->name())) {
      // A checksum of compressed bytes is checked on the host before the
      // upload; one of decoded bytes would need them back on the host.
      if (have_compressor) return cpu(std::string(c->name()) + " inside a compressor is verified on the CPU");
      p.host_checks.push_back(c.get());
    } else if (gpu_format(c->name(), &format)) {
      if (have_compressor) return cpu("two compressors (" + p.codec_name + ", " + std::string(c->name()) + ")");
      if (c->name() == names::kZstd && c->to_json().value("configuration", json::object()).value("checksum", false)) {
        // nvCOMP does not document whether it verifies zstd checksums.
        return cpu("zstd with checksum=true is verified on the CPU");
      }
      have_compressor = true;
      p.format = format;
      p.codec_name = std::string(c->name());
    } else {
      return cpu(std::string(c->name()) + " has no GPU decoder");
    }
  }
  p.on_gpu = true;
  return p;
}

}  // namespace zarrnative::gpu

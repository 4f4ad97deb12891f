#include "zarrnative/codec/pipeline.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>

#include "codec/array_to_bytes/vlen_codec.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

const char* kind_name(CodecKind k) {
  switch (k) {
    case CodecKind::kArrayToArray: return "array -> array";
    case CodecKind::kArrayToBytes: return "array -> bytes";
    case CodecKind::kBytesToBytes: return "bytes -> bytes";
  }
  return "";
}

// Reads a v3 codecs-list entry: {"name": ..., "configuration": {...}} or a bare name.
void read_entry(const json& entry, std::string* name, json* config) {
  if (entry.is_string()) {
    *name = entry.get<std::string>();
    *config = json::object();
    return;
  }
  if (!entry.is_object() || !entry.contains("name") || !entry.at("name").is_string()) {
    throw Error(ErrorCode::kCodecConfig,
                "codecs: each entry must be an object with a string 'name', got " + entry.dump());
  }
  *name = entry.at("name").get<std::string>();
  *config = entry.contains("configuration") ? entry.at("configuration") : json::object();
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (it.key() != "name" && it.key() != "configuration" && it.key() != "must_understand") {
      throw Error(ErrorCode::kCodecConfig, "codecs: entry '" + *name + "' has an unknown field '" + it.key() + "'");
    }
  }
}

// Array -> array codecs compute with numbers only. Other items (strings and
// bytes, which are pointers; times, fixed-length text, raw bytes) they may
// move (views such as transpose) but never compute with, unless they say they
// read them (categorize, whose factory checked the type).
void check_item_input(const std::string& name, const ArrayToArrayCodec& codec, const ChunkSpec& input) {
  if (!input.dtype.is_number() && !codec.encodes_to_view() && !codec.reads_non_numeric_items()) {
    config_error(name, "cannot take the data type " + input.dtype.zarr_v3_name() + " (" + input.dtype.typestr() +
                           "; only codecs that move items, such as transpose, can)");
  }
}

void check_chunk(const NDArray& a, const ChunkSpec& spec, const char* what) {
  check(host_accessible(a.kind()), ErrorCode::kInvalidArgument,
        [&] { return std::string(what) + ": the chunk must be in host memory"; });
  check(a.shape() == spec.shape, ErrorCode::kInvalidArgument,
        [&] { return std::string(what) + ": the chunk's shape differs from the pipeline's chunk shape"; });
  check(a.itemsize() == spec.dtype.itemsize() && a.dtype().kind() == spec.dtype.kind(), ErrorCode::kTypeError, [&] {
    return std::string(what) + ": the chunk's dtype " + a.dtype().typestr() + " differs from the pipeline's " +
           spec.dtype.typestr();
  });
}

}  // namespace

std::shared_ptr<const CodecPipeline> CodecPipeline::from_v3(const json& codecs, const ChunkSpec& spec,
                                                            const CodecRegistry& registry) {
  if (!codecs.is_array()) {
    throw Error(ErrorCode::kCodecConfig, "codecs: must be a list, got " + codecs.dump());
  }
  std::shared_ptr<CodecPipeline> p(new CodecPipeline);
  p->spec_ = spec;
  ChunkSpec current = spec;
  std::string a2b_name;
  for (const json& entry : codecs) {
    std::string name;
    json config;
    read_entry(entry, &name, &config);
    auto kind = registry.kind(name);
    if (!kind) throw Error(ErrorCode::kCodecConfig, "unknown codec '" + name + "'");
    switch (*kind) {
      case CodecKind::kArrayToArray:
        if (p->a2b_) {
          config_error(name, "is an array -> array codec and must come before the array -> bytes codec '" +
                                 a2b_name + "'");
        }
        p->a2a_.push_back(registry.make_array_to_array(name, config, current));
        check_item_input(name, *p->a2a_.back(), current);
        p->a2a_specs_.push_back(current);
        current = p->a2a_.back()->encoded_spec(current);
        break;
      case CodecKind::kArrayToBytes:
        if (p->a2b_) {
          config_error(name, "is a second array -> bytes codec (after '" + a2b_name + "'); exactly one is allowed");
        }
        p->a2b_ = registry.make_array_to_bytes(name, config, current);
        p->a2b_spec_ = current;
        a2b_name = name;
        break;
      case CodecKind::kBytesToBytes:
        if (!p->a2b_) {
          config_error(name, "is a bytes -> bytes codec and must come after the array -> bytes codec (such as "
                             "'bytes')");
        }
        p->b2b_.push_back(registry.make_bytes_to_bytes(name, config, current));
        break;
    }
  }
  if (!p->a2b_) {
    throw Error(ErrorCode::kCodecConfig,
                "codecs: the list has no array -> bytes codec (such as 'bytes' or 'sharding_indexed')");
  }
  return p;
}

std::shared_ptr<const CodecPipeline> CodecPipeline::from_v2(const json& zarray, const ChunkSpec& spec,
                                                            const CodecRegistry& registry) {
  if (!zarray.is_object()) throw Error(ErrorCode::kCodecConfig, ".zarray: must be a JSON object");
  std::shared_ptr<CodecPipeline> p(new CodecPipeline);
  p->spec_ = spec;
  ChunkSpec current = spec;

  std::string order = "C";
  if (zarray.contains("order")) {
    const json& o = zarray.at("order");
    if (!o.is_string() || (o != "C" && o != "F")) {
      throw Error(ErrorCode::kCodecConfig, ".zarray: 'order' must be \"C\" or \"F\", got " + o.dump());
    }
    order = o.get<std::string>();
  }
  if (order == "F" && spec.shape.size() > 1) {
    // Column-major chunks are the row-major bytes of the transposed chunk.
    json perm = json::array();
    for (size_t i = spec.shape.size(); i-- > 0;) perm.push_back(i);
    p->a2a_.push_back(registry.make_array_to_array(names::kTranspose, json{{"order", perm}}, current));
    p->a2a_specs_.push_back(current);
    current = p->a2a_.back()->encoded_spec(current);
  }

  std::vector<std::shared_ptr<const BytesToBytesCodec>> byte_filters;
  const json filters = zarray.contains("filters") ? zarray.at("filters") : json();
  if (!filters.is_null() && !filters.is_array()) {
    throw Error(ErrorCode::kCodecConfig, ".zarray: 'filters' must be null or a list, got " + filters.dump());
  }
  for (const json& f : filters.is_array() ? filters : json::array()) {
    if (!f.is_object() || !f.contains("id") || !f.at("id").is_string()) {
      throw Error(ErrorCode::kCodecConfig, ".zarray: each filter needs a string 'id', got " + f.dump());
    }
    std::string id = f.at("id").get<std::string>();
    auto kind = registry.kind(id);
    if (!kind) throw Error(ErrorCode::kCodecConfig, "unknown codec '" + id + "' in .zarray filters");
    if (*kind == CodecKind::kArrayToArray) {
      if (!byte_filters.empty() || p->a2b_) {
        config_error(id, "array filters after byte filters are not supported");
      }
      p->a2a_.push_back(registry.make_array_to_array(id, f, current));
      check_item_input(id, *p->a2a_.back(), current);
      p->a2a_specs_.push_back(current);
      current = p->a2a_.back()->encoded_spec(current);
    } else if (*kind == CodecKind::kArrayToBytes) {  // vlen-utf8, vlen-bytes
      if (p->a2b_) config_error(id, "a second array -> bytes filter is not allowed");
      p->a2b_ = registry.make_array_to_bytes(id, f, current);
      p->a2b_spec_ = current;
    } else {
      byte_filters.push_back(registry.make_bytes_to_bytes(id, f, current));
    }
  }
  const json compressor = zarray.contains("compressor") ? zarray.at("compressor") : json();
  std::string compressor_id;
  std::optional<CodecKind> compressor_kind;
  if (!compressor.is_null()) {
    if (!compressor.is_object() || !compressor.contains("id") || !compressor.at("id").is_string()) {
      throw Error(ErrorCode::kCodecConfig,
                  ".zarray: 'compressor' must be null or an object with a string 'id', got " + compressor.dump());
    }
    compressor_id = compressor.at("id").get<std::string>();
    compressor_kind = registry.kind(compressor_id);
    if (!compressor_kind) throw Error(ErrorCode::kCodecConfig, "unknown compressor '" + compressor_id + "' in .zarray");
    if (*compressor_kind == CodecKind::kArrayToArray) {
      config_error(compressor_id, "is an array -> array codec and cannot be a compressor");
    }
  }
  if (compressor_kind == CodecKind::kArrayToBytes) {
    // A compressor that takes the chunk as an array (numcodecs' ZFPY): it
    // serialises the chunk in place of the bytes codec.
    if (p->a2b_) config_error(compressor_id, "cannot compress after the array -> bytes filter '" +
                                                 std::string(p->a2b_->name()) + "'");
    if (!byte_filters.empty()) {
      config_error(compressor_id, "takes the chunk as an array and cannot follow the bytes filter '" +
                                      std::string(byte_filters.back()->name()) + "'");
    }
    if (order == "F" && spec.shape.size() > 1) {
      config_error(compressor_id, "takes C-ordered chunks only, as numcodecs does (the array's order is \"F\")");
    }
    p->a2b_ = registry.make_array_to_bytes(compressor_id, compressor, current);
    p->a2b_spec_ = current;
    return p;
  }
  if (!p->a2b_) {
    // v2 chunks hold the array's memory in its dtype's byte order.
    json config = json::object();
    if (current.dtype.swap_unit() > 1) {
      config["endian"] = current.dtype.byte_order() == ByteOrder::kBig ? "big" : "little";
    }
    p->a2b_ = registry.make_array_to_bytes(names::kBytes, config, current);
    p->a2b_spec_ = current;
  }
  p->b2b_ = std::move(byte_filters);
  if (compressor_kind) p->b2b_.push_back(registry.make_bytes_to_bytes(compressor_id, compressor, current));
  return p;
}

EncodedSize CodecPipeline::encoded_size() const {
  EncodedSize size = a2b_->encoded_size(a2b_spec_);
  for (const auto& c : b2b_) size = c->encoded_size(size);
  return size;
}

json CodecPipeline::to_json() const {
  json out = json::array();
  for (const auto& c : a2a_) out.push_back(c->to_json());
  out.push_back(a2b_->to_json());
  for (const auto& c : b2b_) out.push_back(c->to_json());
  return out;
}

void CodecPipeline::encode(const NDArray& chunk, ByteBuffer& out, const CodecOptions& options) const {
  check_chunk(chunk, spec_, "encode");
  NDArray current = chunk;
  for (const auto& c : a2a_) current = c->encode(current);
  ByteBuffer staged, other;
  ByteView bytes;
  if (!b2b_.empty() && a2b_->is_identity_for(a2b_spec_) && current.is_c_contiguous() &&
      current.dtype() == a2b_spec_.dtype) {
    // The serialised chunk is its memory: compress from it directly.
    bytes = ByteView(static_cast<const uint8_t*>(current.data()), static_cast<size_t>(current.nbytes()));
  } else {
    a2b_->encode(current, a2b_spec_, b2b_.empty() ? out : staged, options);
    if (b2b_.empty()) return;
    bytes = staged.view();
  }
  ByteBuffer* dst = &other;
  for (size_t i = 0; i < b2b_.size(); ++i) {
    ByteBuffer& target = i + 1 == b2b_.size() ? out : *dst;
    target.clear();
    b2b_[i]->encode(bytes, target, options);
    bytes = target.view();
    dst = (dst == &other) ? &staged : &other;  // ping-pong between the two scratch buffers
  }
}

void CodecPipeline::decode_bytes(ByteView in, std::optional<uint64_t> final_size, ByteBuffer& scratch,
                                 ByteBuffer& out, ByteView* result, const CodecOptions& options) const {
  // Every step, b2b_[size-1] .. b2b_[0]; the innermost gets final_size.
  *result = decode_steps(in, 0, final_size, scratch, out, options);
}

ByteView CodecPipeline::decode_steps(ByteView in, size_t last, std::optional<uint64_t> final_size, ByteBuffer& a,
                                     ByteBuffer& b, const CodecOptions& options) const {
  ByteView current = in;
  ByteBuffer* bufs[2] = {&a, &b};
  int which = 0;
  for (size_t k = b2b_.size(); k-- > last;) {
    const auto& c = b2b_[k];
    if (auto view = c->decode_view(current, options)) {
      current = *view;
      continue;
    }
    ByteBuffer& dst = *bufs[which];
    which ^= 1;
    c->decode(current, dst, k == 0 ? final_size : std::nullopt, options);
    current = dst.view();
  }
  return current;
}

void CodecPipeline::decode(ByteView in, NDArray& out, const CodecOptions& options) const {
  check_chunk(out, spec_, "decode");
  check(!out.readonly(), ErrorCode::kInvalidArgument, "decode: the destination is read-only");
  // Where the array -> bytes codec writes: into `out` itself, through views
  // made by view-only array codecs, or into a scratch array.
  NDArray target = out;
  bool direct = true;
  for (const auto& c : a2a_) {
    if (!c->encodes_to_view()) {
      direct = false;
      break;
    }
    target = c->encode(target);
  }
  if (!direct) target = NDArray::empty(a2b_spec_.dtype, a2b_spec_.shape);

  const EncodedSize serialised = a2b_->encoded_size(a2b_spec_);
  const std::optional<uint64_t> final_size =
      serialised.is_fixed() ? std::optional<uint64_t>(serialised.bytes) : std::nullopt;
  ByteBuffer scratch, staged;
  if (!b2b_.empty() && a2b_->is_identity_for(a2b_spec_) && target.is_c_contiguous() &&
      target.dtype() == a2b_spec_.dtype && final_size) {
    // Decode the outermost bytes -> bytes codecs into scratch, the last one
    // straight into the destination's memory.
    ByteView current = decode_steps(in, 1, std::nullopt, scratch, staged, options);
    MutableByteView dest(static_cast<uint8_t*>(target.data()), static_cast<size_t>(target.nbytes()));
    if (auto view = b2b_[0]->decode_view(current, options)) {
      if (view->size() != dest.size()) {
        corrupt_error(b2b_[0]->name(), "decoded " + std::to_string(view->size()) + " bytes, expected " +
                                           std::to_string(dest.size()));
      }
      if (!dest.empty()) std::memcpy(dest.data(), view->data(), dest.size());
    } else {
      b2b_[0]->decode_into(current, dest, options);
    }
  } else {
    ByteView bytes = in;
    if (!b2b_.empty()) decode_bytes(in, final_size, scratch, staged, &bytes, options);
    a2b_->decode(bytes, a2b_spec_, target, options);
  }
  if (!direct) {
    NDArray current = target;
    for (size_t k = a2a_.size(); k-- > 0;) current = a2a_[k]->decode(current, a2a_specs_[k]);
    out.copy_from(current.dtype() == out.dtype() ? current : current.with_dtype(out.dtype()));
  }
}

uint64_t c_order_prefix(const Shape& shape, const Shape& start, const Shape& count, int64_t itemsize) {
  uint64_t last = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (count[d] <= 0) return 0;
    last = last * static_cast<uint64_t>(shape[d]) + static_cast<uint64_t>(start[d] + count[d] - 1);
  }
  return (last + 1) * static_cast<uint64_t>(itemsize);
}

bool CodecPipeline::decode_prefix(ByteView in, NDArray& out, uint64_t prefix, const CodecOptions& options) const {
  if (!a2a_.empty() || b2b_.empty() || !a2b_->is_identity_for(a2b_spec_) || !out.is_c_contiguous() ||
      out.dtype() != a2b_spec_.dtype || out.shape() != a2b_spec_.shape || out.readonly() ||
      prefix >= static_cast<uint64_t>(out.nbytes())) {
    return false;
  }
  // The outer bytes -> bytes codecs decode whole (crc32c checks its
  // checksum over everything); the innermost one stops after `prefix` bytes.
  ByteBuffer scratch, staged;
  const ByteView current = decode_steps(in, 1, std::nullopt, scratch, staged, options);
  return b2b_[0]->decode_prefix(current, MutableByteView(static_cast<uint8_t*>(out.data()), prefix), options);
}

void fill_chunk(NDArray& out, const ChunkSpec& spec) {
  if (out.dtype().is_vlen()) {  // the fill value is the string's bytes, not an element
    fill_vlen(out, ByteView(spec.fill_value.data(), spec.fill_value.size()));
    return;
  }
  const int64_t isz = out.itemsize();
  uint8_t small[16] = {};
  std::vector<uint8_t> large(isz > 16 ? static_cast<size_t>(isz) : 0);  // fixed-length strings, raw
  uint8_t* element = isz > 16 ? large.data() : small;
  if (!spec.fill_value.empty()) {
    check(static_cast<int64_t>(spec.fill_value.size()) == isz, ErrorCode::kInvalidArgument, [&] {
      return "fill value has " + std::to_string(spec.fill_value.size()) + " bytes, the dtype " + std::to_string(isz);
    });
    std::memcpy(element, spec.fill_value.data(), static_cast<size_t>(isz));
    if (out.dtype().byte_order() != spec.dtype.byte_order()) swap_elements(element, isz, out.dtype());
  }
  bool zero = std::all_of(element, element + isz, [](uint8_t b) { return b == 0; });
  if (zero && out.is_c_contiguous()) {
    std::memset(out.data(), 0, static_cast<size_t>(out.nbytes()));
    return;
  }
  Shape zeros(out.ndim(), 0);  // a zero-stride source repeats the one element
  strided_copy_host(out.data(), out.strides().data(), element, zeros.data(), out.shape().data(), out.ndim(), isz);
}

namespace {

// Runs fn(i) for every item and rethrows the first failure (lowest index),
// naming the chunk.
void run_batch(size_t n, ThreadPool& pool, std::span<const std::string> keys,
               const std::function<void(size_t)>& fn) {
  if (auto failed = parallel_for_first_failure(pool, n, fn)) {
    std::string name = failed->index < keys.size() ? keys[failed->index] : std::to_string(failed->index);
    throw Error(failed->code, "chunk " + name + ": " + failed->message);
  }
}

}  // namespace

void decode_batch(const CodecPipeline& pipeline, std::span<const std::optional<ByteView>> inputs,
                  std::span<NDArray> outputs, const CodecOptions& options, ThreadPool& pool,
                  std::span<const std::string> keys) {
  check(inputs.size() == outputs.size(), ErrorCode::kInvalidArgument, [&] {
    return "decode_batch: " + std::to_string(inputs.size()) + " inputs but " + std::to_string(outputs.size()) +
           " outputs";
  });
  run_batch(inputs.size(), pool, keys, [&](size_t i) {
    if (inputs[i]) pipeline.decode(*inputs[i], outputs[i], options);
    else fill_chunk(outputs[i], pipeline.spec());
  });
}

void encode_batch(const CodecPipeline& pipeline, std::span<const NDArray> inputs, std::vector<ByteBuffer>& outputs,
                  const CodecOptions& options, ThreadPool& pool, std::span<const std::string> keys) {
  outputs.resize(inputs.size());
  run_batch(inputs.size(), pool, keys, [&](size_t i) { pipeline.encode(inputs[i], outputs[i], options); });
}

}  // namespace zarrnative::codec

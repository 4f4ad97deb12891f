#include "codec/array_to_bytes/vlen_codec.h"

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/vlen.h"

namespace zarrnative::codec {
namespace {

constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();

inline uint32_t load_u32le(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

inline void store_u32le(uint8_t* p, uint64_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

// Calls f(address of the element) for every element of an n-d strided
// region, in C order. The innermost dimension is a plain loop.
template <class Byte, class F>
void for_each_element(Byte* base, const Shape& shape, const Shape& strides, F&& f) {
  const int nd = static_cast<int>(shape.size());
  for (int64_t e : shape) {
    if (e == 0) return;
  }
  if (nd == 0) {
    f(base);
    return;
  }
  std::vector<int64_t> index(static_cast<size_t>(nd), 0);
  Byte* p = base;
  const int64_t inner = shape[nd - 1], step = strides[nd - 1];
  while (true) {
    Byte* q = p;
    for (int64_t i = 0; i < inner; ++i, q += step) f(q);
    int k = nd - 2;
    for (; k >= 0; --k) {
      p += strides[k];
      if (++index[k] < shape[k]) break;
      p -= strides[k] * shape[k];
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

class VlenCodec final : public ArrayToBytesCodec {
 public:
  explicit VlenCodec(bool utf8) : utf8_(utf8) {}

  std::string_view name() const override { return utf8_ ? names::kVlenUtf8 : names::kVlenBytes; }

  // As zarr-python 3 writes it (v2 pipelines give their v3 form too).
  json to_json() const override { return {{"name", name()}, {"configuration", json::object()}}; }

  EncodedSize encoded_size(const ChunkSpec&) const override { return EncodedSize::unknown(); }

  void encode(const NDArray& chunk, const ChunkSpec& spec, ByteBuffer& out, const CodecOptions&) const override {
    check_array(chunk, spec, "chunk");
    const uint64_t n = static_cast<uint64_t>(chunk.size());
    if (n > kMaxU32) {
      throw Error(ErrorCode::kInvalidArgument, std::string(name()) + ": a chunk of " + std::to_string(n) +
                                                   " items is more than the format's 32-bit count can hold");
    }
    // First pass: check every item and size the output, so that it is
    // allocated once.
    uint64_t total = 4 + 4 * n, index = 0;
    const auto* base = static_cast<const uint8_t*>(chunk.data());
    for_each_element(base, chunk.shape(), chunk.strides(), [&](const uint8_t* p) {
      VlenItem item;
      std::memcpy(&item, p, sizeof item);
      if (item.size > kMaxU32) {
        throw Error(ErrorCode::kInvalidArgument, std::string(name()) + ": item " + std::to_string(index) +
                                                     " has " + std::to_string(item.size) +
                                                     " bytes; the format's 32-bit lengths hold at most 4 GiB - 1");
      }
      if (item.size > 0 && item.data == nullptr) {
        throw Error(ErrorCode::kInvalidArgument,
                    std::string(name()) + ": item " + std::to_string(index) + " has a length but no data");
      }
      if (utf8_ && !is_valid_utf8(item.data, item.size)) {
        throw Error(ErrorCode::kInvalidArgument,
                    std::string(name()) + ": item " + std::to_string(index) + " is not valid UTF-8");
      }
      total += item.size;
      ++index;
    });
    out.resize(static_cast<size_t>(total));
    uint8_t* w = out.data();
    store_u32le(w, n);
    w += 4;
    for_each_element(base, chunk.shape(), chunk.strides(), [&](const uint8_t* p) {
      VlenItem item;
      std::memcpy(&item, p, sizeof item);
      store_u32le(w, item.size);
      w += 4;
      if (item.size) std::memcpy(w, item.data, item.size);
      w += item.size;
    });
  }

  void decode(ByteView in, const ChunkSpec& spec, NDArray& out, const CodecOptions&) const override {
    check_array(out, spec, "destination");
    if (out.readonly()) {
      throw Error(ErrorCode::kInvalidArgument, std::string(name()) + ": the destination array is read-only");
    }
    const uint64_t size = in.size();
    if (size < 4) {
      corrupt_error(name(), "chunk of " + std::to_string(size) + " bytes has no 4-byte item count");
    }
    const uint64_t count = load_u32le(in.data());
    const uint64_t expected = static_cast<uint64_t>(spec.num_elements());
    if (count != expected) {
      corrupt_error(name(), "chunk holds " + std::to_string(count) + " items, expected " +
                                std::to_string(expected));
    }
    if (4 * count > size - 4) {  // every item needs its 4-byte length at least
      corrupt_error(name(), "chunk of " + std::to_string(size) + " bytes is too short for " +
                                std::to_string(count) + " item lengths");
    }
    // First pass: every length stays inside the input, and the text is UTF-8.
    uint64_t pos = 4;
    for (uint64_t i = 0; i < count; ++i) {
      if (size - pos < 4) corrupt_error(name(), "item " + std::to_string(i) + "'s length is cut off");
      const uint64_t len = load_u32le(in.data() + pos);
      pos += 4;
      if (len > size - pos) {
        corrupt_error(name(), "item " + std::to_string(i) + " claims " + std::to_string(len) + " bytes, " +
                                  std::to_string(size - pos) + " remain in the chunk");
      }
      if (utf8_ && !is_valid_utf8(in.data() + pos, len)) {
        corrupt_error(name(), "item " + std::to_string(i) + " is not valid UTF-8");
      }
      pos += len;
    }
    // One copy of the items' region: the input's lifetime ends with this
    // call, the destination's items must outlive it. At most `size` bytes.
    uint8_t* dest = static_cast<uint8_t*>(out.data());
    if (pos == 4 + 4 * count) {  // only empty items: no heap
      for_each_element(dest, out.shape(), out.strides(), [](uint8_t* p) { std::memset(p, 0, sizeof(VlenItem)); });
      return;
    }
    auto heap = std::make_shared<ByteBuffer>(in.subspan(4, pos - 4));
    const uint8_t* r = heap->data();
    for_each_element(dest, out.shape(), out.strides(), [&](uint8_t* p) {
      const uint32_t len = load_u32le(r);
      const VlenItem item{len ? r + 4 : nullptr, len};  // empty items are all-zero
      std::memcpy(p, &item, sizeof item);
      r += 4 + len;
    });
    out.buffer()->attach(std::move(heap));
  }

 private:
  void check_array(const NDArray& a, const ChunkSpec& spec, const char* what) const {
    if (!host_accessible(a.kind())) {
      throw Error(ErrorCode::kInvalidArgument, std::string(name()) + ": the " + what +
                                                   " must be in host memory, not " + to_string(a.kind()));
    }
    if (a.shape() != spec.shape) {
      throw Error(ErrorCode::kInvalidArgument,
                  std::string(name()) + ": the " + what + "'s shape differs from the chunk's");
    }
    if (a.dtype().kind() != spec.dtype.kind()) {
      throw Error(ErrorCode::kTypeError, std::string(name()) + ": the " + what + " holds " +
                                             a.dtype().zarr_v3_name() + ", the chunk " + spec.dtype.zarr_v3_name());
    }
  }

  bool utf8_;
};

std::shared_ptr<const ArrayToBytesCodec> make_vlen(std::string_view name, DTypeKind kind, const json& config,
                                                   const ChunkSpec& input) {
  require_object(name, config);
  allow_only(name, config, {"id"});  // "id": the v2 filter form
  if (has(config, "id") && (!config.at("id").is_string() || config.at("id").get<std::string>() != name)) {
    config_error(name, "configuration 'id' is " + config.at("id").dump() + ", expected \"" + std::string(name) +
                           "\"");
  }
  if (input.dtype.kind() != kind) {
    const DType wanted(kind, kVlenItemSize);
    config_error(name, "serialises the data type " + wanted.zarr_v3_name() + ", not " +
                           input.dtype.zarr_v3_name());
  }
  return std::make_shared<VlenCodec>(kind == DTypeKind::kString);
}

}  // namespace

bool is_valid_utf8(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t v;
      std::memcpy(&v, p + i, 8);
      if (v & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: sequence length and the range allowed for the second byte
    // (which rules out overlong forms, surrogates and code points above
    // U+10FFFF, per RFC 3629's table).
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;  // a continuation byte, C0/C1, or F5..FF
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

void fill_vlen(NDArray& out, ByteView value) {
  check(out.dtype().is_vlen() && host_accessible(out.kind()), ErrorCode::kInternal,
        "fill_vlen: needs a string or bytes array in host memory");
  check(out.dtype().kind() != DTypeKind::kString || is_valid_utf8(value.data(), value.size()),
        ErrorCode::kInvalidArgument, "the fill value of a string array is not valid UTF-8");
  VlenItem item{nullptr, 0};
  std::shared_ptr<ByteBuffer> heap;
  if (!value.empty()) {
    heap = std::make_shared<ByteBuffer>(value);
    item = {heap->data(), heap->size()};
  }
  for_each_element(static_cast<uint8_t*>(out.data()), out.shape(), out.strides(),
                   [&](uint8_t* p) { std::memcpy(p, &item, sizeof item); });
  if (heap && out.size() > 0) out.buffer()->attach(std::move(heap));
}

std::shared_ptr<const ArrayToBytesCodec> make_vlen_utf8_codec(const json& config, const ChunkSpec& input) {
  return make_vlen(names::kVlenUtf8, DTypeKind::kString, config, input);
}

std::shared_ptr<const ArrayToBytesCodec> make_vlen_bytes_codec(const json& config, const ChunkSpec& input) {
  return make_vlen(names::kVlenBytes, DTypeKind::kBytes, config, input);
}

std::optional<std::vector<uint32_t>> utf8_code_points(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  if (!is_valid_utf8(p, s.size())) return std::nullopt;
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const size_t len = p[i] < 0x80 ? 1 : p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
    uint32_t cp = p[i] & (len == 1 ? 0x7Fu : 0x3Fu >> (len - 1));
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[i + k] & 0x3Fu);
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace zarrnative::codec

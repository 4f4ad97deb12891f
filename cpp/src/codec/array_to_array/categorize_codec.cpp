#include "codec/array_to_array/categorize_codec.h"

#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/array_to_bytes/vlen_codec.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace numpy_like;

constexpr std::string_view kName = names::kCategorize;

uint64_t load(const uint8_t* p, uint32_t size, ByteOrder order) {
  uint64_t v = 0;
  if (order == ByteOrder::kBig) {
    for (uint32_t i = 0; i < size; ++i) v = v << 8 | p[i];
  } else {
    for (uint32_t i = size; i-- > 0;) v = v << 8 | p[i];
  }
  return v;
}

void store(uint8_t* p, uint64_t v, uint32_t size, ByteOrder order) {
  for (uint32_t i = 0; i < size; ++i) {
    const uint8_t b = static_cast<uint8_t>(v >> (8 * i));
    p[order == ByteOrder::kBig ? size - 1 - i : i] = b;
  }
}

// Code points without their trailing NULs: numpy's view of a "U" item.
std::u32string_view stripped(std::u32string_view s) {
  while (!s.empty() && s.back() == 0) s.remove_suffix(1);
  return s;
}

class CategorizeCodec final : public ArrayToArrayCodec {
 public:
  CategorizeCodec(json labels, std::vector<std::u32string> code_points, DType dtype, DType astype, uint32_t per_element)
      : labels_json_(std::move(labels)), dtype_(dtype), astype_(astype), per_element_(per_element) {
    const size_t width = dtype_.itemsize() / 4;
    for (size_t i = 0; i < code_points.size(); ++i) {
      // The last of equal labels wins, as each label's codes overwrite the
      // ones before. A label longer than the item never matches.
      const std::u32string_view key = stripped(code_points[i]);
      if (key.size() <= width) codes_[std::u32string(key)] = i + 1;
      // Decoding stores each label cut to the item, as numpy assigns it.
      std::u32string item = code_points[i].substr(0, width);
      item.resize(width, 0);
      items_.push_back(std::move(item));
    }
  }

  std::string_view name() const override { return kName; }
  bool reads_non_numeric_items() const override { return true; }

  json to_json() const override {
    return {{"id", kName}, {"labels", labels_json_}, {"dtype", dtype_.typestr()}, {"astype", astype_.typestr()}};
  }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    ChunkSpec out{astype_, {decoded.num_elements() * per_element_}, {}};
    // The fill value's code: that of its first item.
    std::vector<uint8_t> item(dtype_.itemsize(), 0);
    if (!decoded.fill_value.empty()) {
      std::memcpy(item.data(), decoded.fill_value.data(), std::min(item.size(), decoded.fill_value.size()));
    }
    out.fill_value.resize(astype_.itemsize());
    std::u32string text;
    store(out.fill_value.data(), code_of(item.data(), text), astype_.itemsize(), astype_.byte_order());
    return out;
  }

  NDArray encode(const NDArray& decoded) const override {
    if (!host_accessible(decoded.kind())) {
      throw Error(ErrorCode::kInvalidArgument, std::string(kName) + ": needs host memory");
    }
    NDArray out = NDArray::empty(astype_, {decoded.size() * per_element_});
    auto* o = static_cast<uint8_t*>(out.data());
    const uint32_t osize = astype_.itemsize(), isize = dtype_.itemsize();
    std::u32string text;  // one item's code points, reused
    for_each_run(decoded, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
      for (int64_t e = 0; e < n; ++e, p += stride) {
        for (uint32_t k = 0; k < per_element_; ++k, o += osize) {
          store(o, code_of(p + k * isize, text), osize, astype_.byte_order());
        }
      }
    });
    return out;
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    const NDArray in = view_as(name(), encoded, astype_);
    const int64_t items = decoded_spec.num_elements() * per_element_;
    if (in.size() != items) {
      corrupt_error(kName, "got " + std::to_string(in.size()) + " codes, the chunk has " + std::to_string(items) +
                               " items of " + dtype_.typestr());
    }
    NDArray out = NDArray::empty(decoded_spec.dtype, decoded_spec.shape);
    auto* o = static_cast<uint8_t*>(out.data());
    const uint32_t isize = astype_.itemsize(), width = dtype_.itemsize() / 4;
    const bool is_signed = astype_.kind() == DTypeKind::kInt;
    const int shift = 64 - static_cast<int>(isize) * 8;
    for_each_run(in, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
      for (int64_t i = 0; i < n; ++i, p += stride) {
        uint64_t code = load(p, isize, astype_.byte_order());
        if (is_signed && static_cast<int64_t>(code << shift) >> shift < 0) code = 0;  // negative: no label
        if (code >= 1 && code <= items_.size()) {
          const std::u32string& label = items_[code - 1];
          for (uint32_t c = 0; c < width; ++c, o += 4) store(o, label[c], 4, dtype_.byte_order());
        } else {
          std::memset(o, 0, width * 4);
          o += width * 4;
        }
      }
    });
    return out;
  }

 private:
  // The code of one item; `text` is the caller's scratch for its code points.
  uint64_t code_of(const uint8_t* item, std::u32string& text) const {
    const size_t width = dtype_.itemsize() / 4;
    text.resize(width);
    for (size_t c = 0; c < width; ++c) text[c] = static_cast<char32_t>(load(item + 4 * c, 4, dtype_.byte_order()));
    auto it = codes_.find(stripped(text));
    return it == codes_.end() ? 0 : it->second;
  }

  json labels_json_;
  DType dtype_, astype_;
  uint32_t per_element_;                          // items of dtype_ in one chunk element
  std::map<std::u32string, uint64_t, std::less<>> codes_;  // stripped label -> code
  std::vector<std::u32string> items_;             // code - 1 -> the decoded item
};

DType parse_text_dtype(const json& config) {
  if (!has(config, "dtype")) config_error(kName, "configuration field 'dtype' is required");
  const json& v = config.at("dtype");
  if (!v.is_string()) config_error(kName, "'dtype' must be a numpy type string, got " + v.dump());
  std::string s = v.get<std::string>();
  if (s == "|O" || s == "O" || s == "object") {
    config_error(kName, "object data types are not supported (zarr-python 3 stores no object arrays with this "
                        "filter); use a fixed-length \"U\" type");
  }
  std::optional<DType> t;
  try {
    t = DType::from_typestr(!s.empty() && s[0] == 'U' ? "=" + s : s);
  } catch (const Error&) {  // refused below
  }
  if (!t || t->kind() != DTypeKind::kFixedUtf32) {
    config_error(kName, "'dtype' \"" + s + "\" is not a fixed-length unicode type (\"<U<n>\")");
  }
  return *t;
}

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_categorize_codec(const json& config, const ChunkSpec& input) {
  require_object(kName, config);
  allow_only(kName, config, {"id", "labels", "dtype", "astype"});
  check_id(kName, config);
  const DType dtype = parse_text_dtype(config);
  const DType astype = get_dtype(kName, config, "astype", DType(DTypeKind::kUInt, 1));
  if (astype.kind() != DTypeKind::kInt && astype.kind() != DTypeKind::kUInt) {
    config_error(kName, "'astype' must be an integer type, got " + astype.typestr());
  }
  if (!has(config, "labels") || !config.at("labels").is_array()) {
    config_error(kName, "configuration field 'labels' is required: a list of strings");
  }
  const json& labels = config.at("labels");
  std::vector<std::u32string> code_points;
  for (const json& label : labels) {
    std::optional<std::vector<uint32_t>> cps;
    if (label.is_string()) cps = utf8_code_points(label.get_ref<const std::string&>());
    if (!cps) config_error(kName, "'labels' must hold strings, got " + label.dump());
    code_points.emplace_back(cps->begin(), cps->end());
  }
  // numpy refuses to store a code its type cannot hold, on every chunk.
  const uint64_t max_code = astype.kind() == DTypeKind::kInt ? (uint64_t{1} << (astype.itemsize() * 8 - 1)) - 1
                            : astype.itemsize() == 8         ? std::numeric_limits<uint64_t>::max()
                                                             : (uint64_t{1} << (astype.itemsize() * 8)) - 1;
  if (code_points.size() > max_code) {
    config_error(kName, std::to_string(code_points.size()) + " labels do not fit in " + astype.typestr() +
                            " codes (at most " + std::to_string(max_code) + ")");
  }
  if (input.dtype.kind() != DTypeKind::kFixedUtf32 || input.dtype.itemsize() % dtype.itemsize() != 0) {
    config_error(kName, "encodes fixed-length unicode chunks whose items are a whole number of " + dtype.typestr() +
                            " items, not " + input.dtype.typestr());
  }
  return std::make_shared<CategorizeCodec>(labels, std::move(code_points), dtype, astype,
                                           input.dtype.itemsize() / dtype.itemsize());
}

}  // namespace zarrnative::codec

// The Store base class: key validation and the default implementations that
// native stores override where they can do better.
#include "zarrnative/store/store.h"

#include <algorithm>
#include <string>

#include "store/range_util.h"
#include "zarrnative/common/error.h"

namespace zarrnative::store {
namespace {

[[noreturn]] void bad_key(std::string_view key, std::string_view why) {
  std::string shown;
  for (char c : key) {
    if (c == '\0') {
      shown += "\\0";
    } else {
      shown += c;
    }
  }
  throw Error(ErrorCode::kInvalidArgument, "invalid store key '" + shown + "': " + std::string(why));
}

class StoreRangeReader final : public codec::ByteRangeReader {
 public:
  StoreRangeReader(Store& store, std::string key) : store_(store), key_(std::move(key)) {}
  std::optional<uint64_t> size() override {
    if (!size_known_) {
      size_ = store_.size(key_);
      size_known_ = true;
    }
    return size_;
  }
  std::vector<std::optional<ByteBuffer>> read(std::span<const ByteRange> ranges) override {
    return store_.get_ranges(key_, ranges);
  }

 private:
  Store& store_;
  std::string key_;
  bool size_known_ = false;
  std::optional<uint64_t> size_;
};

// Keeps the pieces and hands them to set() at commit.
class BufferedWriter final : public StoreWriter {
 public:
  BufferedWriter(Store& store, std::string key) : store_(store), key_(std::move(key)) {}
  void append(std::span<const ByteView> pieces) override {
    for (const ByteView& p : pieces) buffer_.append(p);
  }
  uint64_t size() const override { return buffer_.size(); }
  void commit() override {
    check(!committed_, ErrorCode::kInternal, [&] { return "StoreWriter: commit called twice for '" + key_ + "'"; });
    committed_ = true;
    store_.set(key_, buffer_.view());
  }

 private:
  Store& store_;
  std::string key_;
  ByteBuffer buffer_;
  bool committed_ = false;
};

}  // namespace

std::unique_ptr<StoreWriter> Store::open_writer(std::string_view key) {
  if (read_only()) throw_read_only(*this);
  validate_key(key);
  return std::make_unique<BufferedWriter>(*this, std::string(key));
}

void validate_key(std::string_view key) {
  if (key.empty()) bad_key(key, "empty");
  if (key.front() == '/') bad_key(key, "keys are relative: no leading '/'");
  if (key.find('\0') != std::string_view::npos) bad_key(key, "contains a NUL character");
  if (key.find('\\') != std::string_view::npos) bad_key(key, "contains a backslash");
  size_t start = 0;
  while (true) {
    size_t end = key.find('/', start);
    std::string_view part = key.substr(start, end == std::string_view::npos ? key.npos : end - start);
    if (part.empty()) bad_key(key, "empty path component");
    if (part == "." || part == "..") bad_key(key, "'.' and '..' components are not allowed");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

std::string_view validate_prefix(std::string_view prefix) {
  if (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (!prefix.empty()) validate_key(prefix);
  return prefix;
}

void throw_read_only(const Store& store) {
  throw Error(ErrorCode::kInvalidArgument,
              "store was opened in read-only mode and does not support writing (" + store.describe() + ")");
}

std::shared_ptr<Store> Store::with_read_only(bool) const {
  throw Error(ErrorCode::kInvalidArgument, describe() + ": this store cannot make a read-only view of itself");
}

std::vector<std::optional<ByteBuffer>> Store::get_ranges(std::string_view key, std::span<const ByteRange> ranges) {
  std::vector<std::optional<ByteBuffer>> out(ranges.size());
  std::optional<ByteBuffer> whole = get(key);
  if (!whole) return out;
  for (size_t i = 0; i < ranges.size(); ++i) out[i] = detail::slice(whole->view(), ranges[i]);
  return out;
}

std::optional<uint64_t> Store::size(std::string_view key) {
  std::optional<ByteBuffer> whole = get(key);
  if (!whole) return std::nullopt;
  return whole->size();
}

std::vector<std::optional<ByteBuffer>> Store::get_many(std::span<const std::string> keys) {
  for (const auto& k : keys) validate_key(k);
  std::vector<std::optional<ByteBuffer>> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back(get(k));
  return out;
}

bool Store::exists(std::string_view key) { return size(key).has_value(); }

void Store::set_many(std::span<const std::string> keys, std::span<const ByteView> values) {
  check(keys.size() == values.size(), ErrorCode::kInvalidArgument, [&] {
    return "set_many: " + std::to_string(keys.size()) + " keys but " + std::to_string(values.size()) + " values";
  });
  if (read_only()) throw_read_only(*this);
  for (const auto& k : keys) validate_key(k);
  for (size_t i = 0; i < keys.size(); ++i) set(keys[i], values[i]);
}

void Store::erase_many(std::span<const std::string> keys) {
  if (read_only()) throw_read_only(*this);
  for (const auto& k : keys) validate_key(k);
  for (const auto& k : keys) erase(k);
}

void Store::erase_prefix(std::string_view prefix) {
  if (read_only()) throw_read_only(*this);
  std::string_view p = validate_prefix(prefix);
  for (const auto& k : list_prefix(p.empty() ? std::string() : std::string(p) + "/")) erase(k);
}

std::vector<std::string> Store::list_prefix(std::string_view prefix) {
  size_t slash = prefix.rfind('/');
  if (slash != std::string_view::npos) validate_prefix(prefix.substr(0, slash));
  std::vector<std::string> out;
  for (auto& k : list()) {
    if (k.starts_with(prefix)) out.push_back(std::move(k));
  }
  return out;
}

std::unique_ptr<codec::ByteRangeReader> Store::range_reader(std::string key) {
  validate_key(key);
  return std::make_unique<StoreRangeReader>(*this, std::move(key));
}

}  // namespace zarrnative::store

// PrefetchStore: reads answered from batches fetched beforehand; writes
// staged for the caller. See the header for the contract.
#include "zarrnative/store/prefetch_store.h"

#include <algorithm>
#include <limits>
#include <string>

#include "store/range_util.h"
#include "zarrnative/common/error.h"

namespace zarrnative::store {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > kMax - b ? kMax : a + b; }

class PrefetchRangeReader final : public codec::ByteRangeReader {
 public:
  PrefetchRangeReader(PrefetchStore& store, std::string key) : store_(store), key_(std::move(key)) {}
  std::optional<uint64_t> size() override { return store_.known_size(key_); }
  std::vector<std::optional<ByteBuffer>> read(std::span<const ByteRange> ranges) override {
    return store_.get_ranges(key_, ranges);
  }

 private:
  PrefetchStore& store_;
  std::string key_;
};

// The object's size as far as an entry's pieces tell it.
template <typename Entry>
std::optional<uint64_t> size_of(const Entry& e) {
  if (e.size) return e.size;
  if (e.whole) return e.value ? std::optional<uint64_t>(e.value->size()) : std::nullopt;
  for (const auto& p : e.pieces) {
    const uint64_t n = p.bytes.size();
    if (p.asked.suffix) {
      if (n < p.asked.length) return n;  // the suffix was longer than the object: it is all here
    } else if (n < p.asked.length && (n > 0 || p.asked.offset == 0)) {
      return p.asked.offset + n;  // the object ended inside the piece
    }
  }
  return std::nullopt;
}

}  // namespace

PrefetchStore::PrefetchStore(std::shared_ptr<Store> backing, bool stage_writes)
    : backing_(std::move(backing)), stage_writes_(stage_writes) {
  check(backing_ != nullptr, ErrorCode::kInvalidArgument, "PrefetchStore: no backing store");
}

void PrefetchStore::put(const std::string& key, std::optional<ByteBuffer> value) {
  validate_key(key);
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = cache_[key];
  e.whole = true;
  e.value = std::move(value);
  e.pieces.clear();  // the whole object answers every range
  if (e.value) e.size = e.value->size();
}

void PrefetchStore::put_ranges(const std::string& key, std::span<const ByteRange> ranges,
                               std::vector<std::optional<ByteBuffer>> parts) {
  validate_key(key);
  check(ranges.size() == parts.size(), ErrorCode::kInvalidArgument, [&] {
    return "PrefetchStore.put_ranges: " + std::to_string(ranges.size()) + " ranges but " +
           std::to_string(parts.size()) + " parts for '" + key + "'";
  });
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = cache_[key];
  if (e.whole) return;
  if (std::all_of(parts.begin(), parts.end(), [](const auto& p) { return !p.has_value(); }) && !parts.empty()) {
    e.whole = true;  // the key is missing
    e.value.reset();
    e.pieces.clear();
    return;
  }
  for (size_t i = 0; i < ranges.size(); ++i) {
    check(parts[i].has_value(), ErrorCode::kInvalidArgument,
          [&] { return "PrefetchStore.put_ranges: '" + key + "' is missing for some ranges and present for others"; });
    // A fetched range longer than asked means a client that did not clamp: keep what was asked.
    if (!ranges[i].suffix && parts[i]->size() > ranges[i].length) parts[i]->resize(ranges[i].length);
    e.pieces.push_back({ranges[i], std::move(*parts[i])});
  }
}

void PrefetchStore::put_size(const std::string& key, uint64_t size) {
  validate_key(key);
  std::lock_guard<std::mutex> lock(mu_);
  cache_[key].size = size;
}

bool PrefetchStore::has(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (staged_.count(key)) return true;
  auto it = cache_.find(key);
  return it != cache_.end() && it->second.whole;
}

std::optional<uint64_t> PrefetchStore::known_size(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = staged_.find(key); s != staged_.end()) {
    return s->second ? std::optional<uint64_t>(s->second->size()) : std::nullopt;
  }
  auto it = cache_.find(key);
  return it == cache_.end() ? std::nullopt : size_of(it->second);
}

// nullopt: this entry cannot answer `r`; otherwise the answer (nullopt inside: missing key).
std::optional<std::optional<ByteBuffer>> PrefetchStore::answer(const Entry& e, const ByteRange& r) const {
  if (e.whole) {
    if (!e.value) return std::optional<ByteBuffer>();
    return std::optional<ByteBuffer>(detail::slice(e.value->view(), r));
  }
  const std::optional<uint64_t> size = size_of(e);
  if (size) {
    // The object's size is known: every piece holds [start, start + bytes) of it.
    auto [a, b] = detail::clamp(r, *size);
    if (a == b) return std::optional<ByteBuffer>(ByteBuffer());
    for (const auto& p : e.pieces) {
      const uint64_t n = p.bytes.size();
      const uint64_t start = p.asked.suffix ? *size - std::min<uint64_t>(n, *size) : p.asked.offset;
      if (start <= a && b <= saturating_add(start, n)) {
        return std::optional<ByteBuffer>(ByteBuffer(p.bytes.view().subspan(a - start, b - a)));
      }
    }
    return std::nullopt;
  }
  for (const auto& p : e.pieces) {
    const uint64_t n = p.bytes.size();
    if (r.suffix) {
      if (p.asked.suffix && n == p.asked.length && r.length <= n) {
        return std::optional<ByteBuffer>(ByteBuffer(p.bytes.view().subspan(n - r.length)));
      }
      continue;
    }
    if (p.asked.suffix || r.offset < p.asked.offset) continue;
    if (n == 0 && p.asked.offset > 0) return std::optional<ByteBuffer>(ByteBuffer());  // past the end
    if (n == p.asked.length && saturating_add(r.offset, r.length) <= saturating_add(p.asked.offset, n)) {
      return std::optional<ByteBuffer>(ByteBuffer(p.bytes.view().subspan(r.offset - p.asked.offset, r.length)));
    }
  }
  return std::nullopt;
}

std::optional<std::vector<std::optional<ByteBuffer>>> PrefetchStore::lookup_locked(
    const std::string& key, std::span<const ByteRange> ranges) const {
  std::vector<std::optional<ByteBuffer>> out(ranges.size());
  if (auto s = staged_.find(key); s != staged_.end()) {
    if (s->second) {
      for (size_t i = 0; i < ranges.size(); ++i) out[i] = detail::slice(s->second->view(), ranges[i]);
    }
    return out;
  }
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  for (size_t i = 0; i < ranges.size(); ++i) {
    auto got = answer(it->second, ranges[i]);
    if (!got) return std::nullopt;
    out[i] = std::move(*got);
  }
  return out;
}

std::optional<std::vector<std::optional<ByteBuffer>>> PrefetchStore::lookup(const std::string& key,
                                                                           std::span<const ByteRange> ranges) const {
  std::lock_guard<std::mutex> lock(mu_);
  return lookup_locked(key, ranges);
}

std::vector<std::pair<std::string, std::optional<ByteBuffer>>> PrefetchStore::take_writes() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, std::optional<ByteBuffer>>> out;
  out.reserve(staged_.size());
  for (auto& [k, v] : staged_) out.emplace_back(k, std::move(v));
  staged_.clear();
  return out;
}

std::optional<ByteBuffer> PrefetchStore::get(std::string_view key) {
  validate_key(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Copies: the Store interface hands out owned buffers (the cache keeps its own).
    if (auto s = staged_.find(key); s != staged_.end()) return s->second;
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.whole) return it->second.value;
  }
  ++misses_;
  return backing_->get(key);
}

std::vector<std::optional<ByteBuffer>> PrefetchStore::get_ranges(std::string_view key,
                                                                 std::span<const ByteRange> ranges) {
  validate_key(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto got = lookup_locked(std::string(key), ranges)) return std::move(*got);
  }
  ++misses_;
  return backing_->get_ranges(key, ranges);
}

std::optional<uint64_t> PrefetchStore::size(std::string_view key) {
  validate_key(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto s = staged_.find(key); s != staged_.end()) {
      return s->second ? std::optional<uint64_t>(s->second->size()) : std::nullopt;
    }
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.whole && !it->second.value) return std::nullopt;
      if (auto s = size_of(it->second)) return s;
    }
  }
  ++misses_;
  return backing_->size(key);
}

bool PrefetchStore::exists(std::string_view key) {
  validate_key(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto s = staged_.find(key); s != staged_.end()) return s->second.has_value();
    auto it = cache_.find(key);
    if (it != cache_.end() && (it->second.whole || !it->second.pieces.empty())) {
      return !it->second.whole || it->second.value.has_value();
    }
  }
  ++misses_;
  return backing_->exists(key);
}

void PrefetchStore::set(std::string_view key, ByteView value) {
  validate_key(key);
  if (read_only()) throw_read_only(*this);
  if (!stage_writes_) {
    backing_->set(key, value);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  staged_.insert_or_assign(std::string(key), std::optional<ByteBuffer>(ByteBuffer(value)));
}

bool PrefetchStore::erase(std::string_view key) {
  validate_key(key);
  if (read_only()) throw_read_only(*this);
  if (!stage_writes_) return backing_->erase(key);
  std::lock_guard<std::mutex> lock(mu_);
  staged_.insert_or_assign(std::string(key), std::nullopt);
  return false;  // unknown without asking the backing store; callers of the array layer ignore it
}

std::unique_ptr<codec::ByteRangeReader> PrefetchStore::range_reader(std::string key) {
  validate_key(key);
  return std::make_unique<PrefetchRangeReader>(*this, std::move(key));
}

}  // namespace zarrnative::store

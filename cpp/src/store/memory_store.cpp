// MemoryStore: a sorted map under a shared_mutex. Values are immutable
// shared buffers, so readers copy them outside the lock.
#include "zarrnative/store/memory_store.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "store/range_util.h"
#include "zarrnative/common/error.h"

namespace zarrnative::store {
namespace {
std::atomic<uint64_t> next_id{0};
}  // namespace

struct MemoryStore::Contents {
  uint64_t id = next_id.fetch_add(1);
  std::shared_mutex mutex;
  std::map<std::string, std::shared_ptr<const ByteBuffer>, std::less<>> map;
};

MemoryStore::MemoryStore(bool read_only) : MemoryStore(std::make_shared<Contents>(), read_only) {}

MemoryStore::MemoryStore(std::shared_ptr<Contents> contents, bool read_only)
    : contents_(std::move(contents)), read_only_(read_only) {}

std::string MemoryStore::describe() const { return "memory://" + std::to_string(contents_->id); }

std::shared_ptr<Store> MemoryStore::with_read_only(bool read_only) const {
  return std::shared_ptr<MemoryStore>(new MemoryStore(contents_, read_only));
}

std::shared_ptr<const ByteBuffer> MemoryStore::get_shared(std::string_view key) const {
  validate_key(key);
  std::shared_lock lock(contents_->mutex);
  auto it = contents_->map.find(key);
  return it == contents_->map.end() ? nullptr : it->second;
}

std::optional<ByteBuffer> MemoryStore::get(std::string_view key) {
  auto value = get_shared(key);
  if (!value) return std::nullopt;
  return ByteBuffer(value->view());
}

std::vector<std::optional<ByteBuffer>> MemoryStore::get_ranges(std::string_view key,
                                                               std::span<const ByteRange> ranges) {
  std::vector<std::optional<ByteBuffer>> out(ranges.size());
  auto value = get_shared(key);
  if (!value) return out;
  for (size_t i = 0; i < ranges.size(); ++i) out[i] = detail::slice(value->view(), ranges[i]);
  return out;
}

std::optional<uint64_t> MemoryStore::size(std::string_view key) {
  auto value = get_shared(key);
  if (!value) return std::nullopt;
  return value->size();
}

bool MemoryStore::exists(std::string_view key) { return get_shared(key) != nullptr; }

void MemoryStore::set(std::string_view key, ByteView value) {
  if (read_only_) throw_read_only(*this);
  validate_key(key);
  auto buffer = std::make_shared<const ByteBuffer>(value);  // copied before taking the lock
  std::unique_lock lock(contents_->mutex);
  contents_->map.insert_or_assign(std::string(key), std::move(buffer));
}

void MemoryStore::set_many(std::span<const std::string> keys, std::span<const ByteView> values) {
  check(keys.size() == values.size(), ErrorCode::kInvalidArgument, [&] {
    return "set_many: " + std::to_string(keys.size()) + " keys but " + std::to_string(values.size()) + " values";
  });
  if (read_only_) throw_read_only(*this);
  for (const auto& k : keys) validate_key(k);
  std::vector<std::shared_ptr<const ByteBuffer>> buffers;
  buffers.reserve(values.size());
  for (ByteView v : values) buffers.push_back(std::make_shared<const ByteBuffer>(v));
  std::unique_lock lock(contents_->mutex);
  for (size_t i = 0; i < keys.size(); ++i) contents_->map.insert_or_assign(keys[i], std::move(buffers[i]));
}

bool MemoryStore::erase(std::string_view key) {
  if (read_only_) throw_read_only(*this);
  validate_key(key);
  std::shared_ptr<const ByteBuffer> old;  // freed outside the lock
  std::unique_lock lock(contents_->mutex);
  auto it = contents_->map.find(key);
  if (it == contents_->map.end()) return false;
  old = std::move(it->second);
  contents_->map.erase(it);
  return true;
}

void MemoryStore::erase_prefix(std::string_view prefix) {
  if (read_only_) throw_read_only(*this);
  std::string_view p = validate_prefix(prefix);
  std::unique_lock lock(contents_->mutex);
  if (p.empty()) {
    contents_->map.clear();
    return;
  }
  // Keys under "p/" sort in ["p/", "p0"): '0' follows '/' in ASCII.
  std::string lo = std::string(p) + "/", hi = std::string(p) + "0";
  contents_->map.erase(contents_->map.lower_bound(lo), contents_->map.lower_bound(hi));
}

std::vector<std::string> MemoryStore::list() {
  std::shared_lock lock(contents_->mutex);
  std::vector<std::string> out;
  out.reserve(contents_->map.size());
  for (const auto& [k, v] : contents_->map) out.push_back(k);
  return out;
}

std::vector<std::string> MemoryStore::list_prefix(std::string_view prefix) {
  size_t slash = prefix.rfind('/');
  if (slash != std::string_view::npos) validate_prefix(prefix.substr(0, slash));
  std::shared_lock lock(contents_->mutex);
  const auto& map = contents_->map;
  std::vector<std::string> out;
  for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->first);
  }
  return out;
}

std::vector<std::string> MemoryStore::list_dir(std::string_view prefix) {
  std::string_view p = validate_prefix(prefix);
  std::string start = p.empty() ? std::string() : std::string(p) + "/";
  std::shared_lock lock(contents_->mutex);
  const auto& map = contents_->map;
  std::vector<std::string> out;
  for (auto it = map.lower_bound(start); it != map.end() && it->first.starts_with(start); ++it) {
    std::string_view rest = std::string_view(it->first).substr(start.size());
    std::string_view child = rest.substr(0, rest.find('/'));
    // The map is sorted, so a sub-prefix's keys are adjacent... except that
    // "a/b" and "a.x" and "a/c" interleave ('.' < '/'): deduplicate below.
    if (out.empty() || out.back() != child) out.emplace_back(child);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace zarrnative::store

// zarrnative: a store that answers reads from bytes fetched beforehand, in
// batches, and stages writes for the caller to apply in one batch.
//
// It lets a store the core cannot call cheaply (a Python object-store client,
// whose every call needs the GIL and a network round trip) feed an Array in
// batches: the caller asks the array which keys and byte ranges a read needs
// (Array::plan_read), fetches all of them at once, concurrently, fills this
// store, and then makes one read call, which decodes without leaving C++.
//
// Typical usage (the Python stores do this for every read and write):
//   1. auto cache = std::make_shared<store::PrefetchStore>(backing);
//      auto view = array->with_store(cache);           // same metadata, reads `cache`
//   2. for (;;) {                                      // at most two rounds: shard indexes, then inner chunks
//        auto needed = view->plan_read(sel, *cache);   // what the cache cannot answer yet
//        if (needed.empty()) break;
//        ... fetch every request concurrently ...
//        cache->put(key, bytes_or_nullopt);            // whole objects
//        cache->put_ranges(key, ranges, parts);        // byte ranges (shard indexes, coalesced inner chunks)
//      }
//   3. view->read(sel, out);                           // decodes from the cache, in parallel
//   4. writes: view->write(sel, values); then take_writes() and apply them all at once.
//
// Reads the cache cannot answer go to the backing store (slow: for a Python
// backing, one call with the GIL each); misses() counts them, so tests can
// check that a planned read never falls through. Listing and read_only come
// from the backing store.
//
// Ranges. A piece fetched as (offset, length) answers any range inside it; a
// piece shorter than asked means the object ended there. A suffix piece
// answers shorter suffixes, and absolute ranges once the object's size is
// known (put_size, a whole object, or a suffix longer than the object).
// Ranges of a whole object are sliced from it.
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "zarrnative/store/store.h"

namespace zarrnative::store {

class PrefetchStore final : public Store {
 public:
  // With `stage_writes` (the default), set() and erase() are kept for
  // take_writes() instead of reaching `backing`; later reads see them.
  explicit PrefetchStore(std::shared_ptr<Store> backing, bool stage_writes = true);

  // --- filling ----------------------------------------------------------------
  // The whole object, or nullopt: the key is missing.
  void put(const std::string& key, std::optional<ByteBuffer> value);
  // Byte ranges of an object, as fetched (each clamped to the object); all
  // nullopt: the key is missing.
  void put_ranges(const std::string& key, std::span<const ByteRange> ranges,
                  std::vector<std::optional<ByteBuffer>> parts);
  // The object's size, where the fetch learned it (an object store's
  // response metadata).
  void put_size(const std::string& key, uint64_t size);

  // --- what the cache knows (never asks the backing store) ----------------------
  // The whole object is cached, or the key is known to be missing.
  bool has(const std::string& key) const;
  // The object's size when known; nullopt: unknown (or missing).
  std::optional<uint64_t> known_size(const std::string& key) const;
  // The ranges' bytes when every one can be answered (all nullopt: the key is
  // known to be missing); nullopt when some cannot.
  std::optional<std::vector<std::optional<ByteBuffer>>> lookup(const std::string& key,
                                                              std::span<const ByteRange> ranges) const;

  // --- staged writes ----------------------------------------------------------
  // The writes staged so far, in key order (nullopt: erase), and forgets them.
  std::vector<std::pair<std::string, std::optional<ByteBuffer>>> take_writes();
  // Reads that the cache could not answer and sent to the backing store.
  uint64_t misses() const { return misses_.load(); }
  const std::shared_ptr<Store>& backing() const { return backing_; }

  // --- Store ------------------------------------------------------------------
  bool read_only() const override { return backing_->read_only(); }
  std::string describe() const override { return backing_->describe(); }
  std::optional<ByteBuffer> get(std::string_view key) override;
  std::vector<std::optional<ByteBuffer>> get_ranges(std::string_view key,
                                                    std::span<const ByteRange> ranges) override;
  std::optional<uint64_t> size(std::string_view key) override;
  bool exists(std::string_view key) override;
  void set(std::string_view key, ByteView value) override;
  bool erase(std::string_view key) override;
  std::vector<std::string> list() override { return backing_->list(); }
  std::vector<std::string> list_prefix(std::string_view prefix) override { return backing_->list_prefix(prefix); }
  std::vector<std::string> list_dir(std::string_view prefix) override { return backing_->list_dir(prefix); }
  // Its size() is what the cache knows (nullopt: unknown, so a shard index at
  // the end is read as a suffix), never a request to the backing store.
  std::unique_ptr<codec::ByteRangeReader> range_reader(std::string key) override;

 private:
  struct Piece {
    ByteRange asked;
    ByteBuffer bytes;
  };
  struct Entry {
    bool whole = false;                // `value` holds the object (or the key is missing)
    std::optional<ByteBuffer> value;   // with `whole`: nullopt = missing
    std::optional<uint64_t> size;
    std::vector<Piece> pieces;
  };
  std::optional<std::optional<ByteBuffer>> answer(const Entry& e, const ByteRange& r) const;
  std::optional<std::vector<std::optional<ByteBuffer>>> lookup_locked(const std::string& key,
                                                                     std::span<const ByteRange> ranges) const;

  std::shared_ptr<Store> backing_;
  bool stage_writes_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> cache_;
  std::map<std::string, std::optional<ByteBuffer>, std::less<>> staged_;
  std::atomic<uint64_t> misses_{0};
};

}  // namespace zarrnative::store

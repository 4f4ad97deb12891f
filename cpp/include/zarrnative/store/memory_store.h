// zarrnative: a store in memory (zarr-python's MemoryStore).
//
//   auto mem = std::make_shared<store::MemoryStore>();
//   mem->set("zarr.json", bytes);
//
// Thread-safe: readers share a lock, writers take it alone. Values are
// immutable once stored (shared_ptr<const ByteBuffer>), so get() copies
// outside the lock and a set() never disturbs a reader holding the old
// value. describe() is "memory://<id>", the id unique in the process and
// shared by the views that with_read_only() makes of the same contents.
#pragma once

#include <memory>
#include <string>

#include "zarrnative/store/store.h"

namespace zarrnative::store {

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(bool read_only = false);

  bool read_only() const override { return read_only_; }
  std::string describe() const override;
  std::shared_ptr<Store> with_read_only(bool read_only) const override;

  // The stored value itself (no copy); nullptr when missing.
  std::shared_ptr<const ByteBuffer> get_shared(std::string_view key) const;

  std::optional<ByteBuffer> get(std::string_view key) override;
  std::vector<std::optional<ByteBuffer>> get_ranges(std::string_view key,
                                                    std::span<const ByteRange> ranges) override;
  std::optional<uint64_t> size(std::string_view key) override;
  bool exists(std::string_view key) override;

  void set(std::string_view key, ByteView value) override;
  void set_many(std::span<const std::string> keys, std::span<const ByteView> values) override;
  bool erase(std::string_view key) override;
  void erase_prefix(std::string_view prefix) override;

  std::vector<std::string> list() override;
  std::vector<std::string> list_prefix(std::string_view prefix) override;
  std::vector<std::string> list_dir(std::string_view prefix) override;

 private:
  struct Contents;
  MemoryStore(std::shared_ptr<Contents> contents, bool read_only);
  std::shared_ptr<Contents> contents_;  // shared by with_read_only() views
  bool read_only_;
};

}  // namespace zarrnative::store

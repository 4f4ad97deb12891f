// zarrnative: a store of files under a root directory (zarr-python's LocalStore).
//
// Key "a/c/0" is the file <root>/a/c/0: the layout zarr-python and
// tensorstore read and write, so either can open the same directory.
//
//   store::FilesystemStore fs("/data/x.zarr", /*read_only=*/false);
//   fs.set("a/zarr.json", bytes);
//
// Writes are atomic: set() writes "<name>.<random>.partial" in the target's
// directory (creating parent directories as needed), optionally fsyncs it,
// then renames it over the target. A failed write leaves the old file (or
// none) and removes the temporary file; list*() never report ".partial"
// files. The root is created by the first write.
//
// Reads: get() is one open, fstat and read into a buffer of the file's size;
// get_ranges() one pread per range. get_many() and set_many() spread their
// keys over ThreadPool::global().
//
// Confinement: keys are validated lexically (store.h), and where the kernel
// offers openat2(RESOLVE_BENEATH) (Linux 5.6+) every path is resolved
// beneath the root, so a symlink inside the root that points out of it is
// never followed out: reads and writes through it fail with kIoError.
// Relative symlinks that stay inside the root work; absolute symlinks are
// refused even when they point inside (the kernel's rule). A store whose
// data are meant to live behind such links sets confine_to_root = false.
//
// Erasing a file leaves its (maybe empty) directory, as zarr-python's
// LocalStore does; erase_prefix() removes the prefix's directory tree.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "zarrnative/store/store.h"

namespace zarrnative::store {

struct FilesystemOptions {
  // fsync each written file before renaming it (durable against power loss,
  // at a large cost per write). zarr-python does not.
  bool fsync = false;
  // Resolve every key beneath the root (below). Off: symlinks are followed
  // wherever they lead, as zarr-python's LocalStore does.
  bool confine_to_root = true;
};

class FilesystemStore final : public Store {
 public:
  // `root` is made absolute (not resolved: a symlinked root is fine). It
  // need not exist yet.
  explicit FilesystemStore(std::string root, bool read_only = false, FilesystemOptions options = {});

  const std::string& root() const { return root_; }
  const FilesystemOptions& options() const { return options_; }
  // Opens the root once for the pins' lifetime (when it exists).
  std::shared_ptr<void> pin() override;

  bool read_only() const override { return read_only_; }
  std::string describe() const override;
  std::shared_ptr<Store> with_read_only(bool read_only) const override;

  std::optional<ByteBuffer> get(std::string_view key) override;
  std::vector<std::optional<ByteBuffer>> get_ranges(std::string_view key,
                                                    std::span<const ByteRange> ranges) override;
  std::optional<uint64_t> size(std::string_view key) override;
  std::vector<std::optional<ByteBuffer>> get_many(std::span<const std::string> keys) override;
  bool exists(std::string_view key) override;

  void set(std::string_view key, ByteView value) override;
  void set_many(std::span<const std::string> keys, std::span<const ByteView> values) override;
  // Writes the pieces to a temporary file beside the key as they come.
  std::unique_ptr<StoreWriter> open_writer(std::string_view key) override;
  bool erase(std::string_view key) override;
  void erase_many(std::span<const std::string> keys) override;
  void erase_prefix(std::string_view prefix) override;

  std::vector<std::string> list() override;
  std::vector<std::string> list_prefix(std::string_view prefix) override;
  std::vector<std::string> list_dir(std::string_view prefix) override;

 private:
  class Root;  // descriptors of the root and of directories beneath it (filesystem_store.cpp)
  mutable std::mutex pin_mu_;
  std::shared_ptr<const int> pinned_root_;  // the root's descriptor while pinned; closed with the last pin
  size_t pins_ = 0;
  std::string root_;  // absolute, lexically normal, no trailing '/'
  bool read_only_;
  FilesystemOptions options_;
  // Whether the last value get() read was too large for its first probing
  // read: then it asks the size first (see get()).
  std::atomic<bool> large_values_{false};
  // Whether get() may probe at all: the root is on a filesystem where a short
  // read ends the file (-1: not known yet).
  std::atomic<int> probe_reads_{-1};
};

}  // namespace zarrnative::store

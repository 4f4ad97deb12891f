// FilesystemStore: POSIX calls relative to the root's descriptor, so that a
// key resolves beneath the root (fs_util.h) and writes can be atomic.
#include "zarrnative/store/filesystem_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/fs_util.h"
#include "store/range_util.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/thread_pool.h"

namespace zarrnative::store {
namespace {

using fs::Fd;
using fs::open_beneath;

constexpr int kDirFlags = O_PATH | O_DIRECTORY | O_CLOEXEC;
// O_NONBLOCK: opening a FIFO planted under the root must not hang a reader.
constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;

// get() reads values shorter than this with one pread and no fstat.
constexpr size_t kProbeBytes = size_t{64} << 10;

bool missing_errno(int err) { return err == ENOENT || err == ENOTDIR; }

// `dir`: the directory on the key's path that failed, when not the key itself.
[[noreturn]] void io_error(const Store& s, std::string_view op, std::string_view key, int err,
                           std::string_view dir = {}) {
  std::string why = err == EXDEV ? "the path leads out of the store's root (through a symlink)" : std::strerror(err);
  if (!dir.empty()) why = "directory '" + std::string(dir) + "': " + why;
  throw Error(ErrorCode::kIoError,
              s.describe() + ": cannot " + std::string(op) + " '" + std::string(key) + "': " + why);
}

std::pair<std::string, std::string> split(std::string_view key) {
  size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return {std::string(), std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

// Reads [offset, offset + n) into `out` with pread; returns the bytes read
// (fewer when the file ended early), or -1 with errno.
ssize_t read_at(int fd, uint8_t* out, uint64_t offset, uint64_t n) {
  uint64_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    done += static_cast<uint64_t>(r);
  }
  return static_cast<ssize_t>(done);
}

// The key's bytes go to a temporary file beside it as they come; commit()
// renames it over the key (fsync first when the store asks), so a reader never
// sees a part. Dropped uncommitted, the temporary file is removed.
class FileWriter final : public StoreWriter {
 public:
  FileWriter(const Store& store, std::string key, Fd dir, std::string tmp, std::string leaf, Fd file, bool fsync)
      : store_(store), key_(std::move(key)), dir_(std::move(dir)), tmp_(std::move(tmp)), leaf_(std::move(leaf)),
        file_(std::move(file)), fsync_(fsync) {}
  ~FileWriter() override {
    if (!done_) ::unlinkat(dir_.get(), tmp_.c_str(), 0);
  }

  void append(std::span<const ByteView> pieces) override {
    check(!done_, ErrorCode::kInternal, [&] { return "StoreWriter: append after commit for '" + key_ + "'"; });
    // writev takes at most IOV_MAX pieces; a short write resumes mid-piece.
    constexpr size_t kMaxIov = 512;
    std::vector<iovec> iov;
    size_t next = 0;
    while (next < pieces.size() || !iov.empty()) {
      while (next < pieces.size() && iov.size() < kMaxIov) {
        const ByteView& p = pieces[next++];
        if (!p.empty()) iov.push_back({const_cast<uint8_t*>(p.data()), p.size()});
      }
      if (iov.empty()) break;
      ssize_t w = ::writev(file_.get(), iov.data(), static_cast<int>(iov.size()));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail(errno);
      size_ += static_cast<uint64_t>(w);
      size_t k = 0;
      auto left = static_cast<size_t>(w);
      while (k < iov.size() && left >= iov[k].iov_len) left -= iov[k++].iov_len;
      if (k < iov.size()) {
        iov[k].iov_base = static_cast<uint8_t*>(iov[k].iov_base) + left;
        iov[k].iov_len -= left;
      }
      iov.erase(iov.begin(), iov.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }

  uint64_t size() const override { return size_; }

  void commit() override {
    check(!done_, ErrorCode::kInternal, [&] { return "StoreWriter: commit called twice for '" + key_ + "'"; });
    if (fsync_ && ::fsync(file_.get()) != 0) fail(errno);
    if (::close(file_.release()) != 0) fail(errno);
    if (int err = fs::replace_deferring_release(dir_.get(), tmp_.c_str(), leaf_.c_str())) fail(err);
    done_ = true;
    if (fsync_) {  // make the rename itself durable
      Fd d(::openat(dir_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!d || ::fsync(d.get()) != 0) io_error(store_, "sync the directory of", key_, errno);
    }
  }

 private:
  [[noreturn]] void fail(int err) {
    ::unlinkat(dir_.get(), tmp_.c_str(), 0);
    done_ = true;  // nothing left to remove
    io_error(store_, "write", key_, err);
  }

  const Store& store_;
  std::string key_;
  Fd dir_;
  std::string tmp_, leaf_;
  Fd file_;
  bool fsync_;
  uint64_t size_ = 0;
  bool done_ = false;
};

}  // namespace

// The root's descriptor, opened per operation (a root that is deleted and
// made again stays usable). Invalid when it is missing and `create` is off.
class FilesystemStore::Root {
 public:
  // `path` beneath `dirfd`: confined to the root unless the options say not.
  static Fd open_at(const FilesystemStore& s, int dirfd, const char* path, int flags) {
    if (s.options_.confine_to_root) return Fd(open_beneath(dirfd, path, flags));
    int fd;
    do {
      fd = ::openat(dirfd, path, flags);
    } while (fd < 0 && errno == EINTR);
    return Fd(fd);
  }

  // The root's descriptor: the pinned one while a pin is held, else opened now.
  struct Ref {
    Fd owned;
    std::shared_ptr<const int> shared;
    int get() const { return shared ? *shared : owned.get(); }
    explicit operator bool() const { return shared != nullptr || static_cast<bool>(owned); }
  };

  static Ref open(const FilesystemStore& s, bool create) {
    {
      std::lock_guard<std::mutex> lock(s.pin_mu_);
      if (s.pinned_root_) return Ref{Fd(), s.pinned_root_};
    }
    return Ref{open_fresh(s, create), nullptr};
  }

  static Fd open_fresh(const FilesystemStore& s, bool create) {
    Fd fd(::open(s.root_.c_str(), kDirFlags));
    if (!fd && errno == ENOENT && create) {
      std::error_code ec;
      std::filesystem::create_directories(s.root_, ec);
      fd = Fd(::open(s.root_.c_str(), kDirFlags));
    }
    if (!fd && !(missing_errno(errno) && !create)) io_error(s, "open", s.root_, errno);
    return fd;
  }

  // A directory beneath the root, on the path of `key` (for messages):
  // invalid when missing (create off).
  static Fd dir(const FilesystemStore& s, int root, const std::string& rel, bool create, std::string_view key) {
    Fd d = open_at(s, root, rel.c_str(), kDirFlags);
    if (d || (!create && missing_errno(errno))) return d;
    const char* op = create ? "write" : "open";
    if (errno != ENOENT) io_error(s, op, key, errno, rel);
    // Made one level at a time, each resolved beneath the root again.
    Fd cur;
    for (size_t end = 0; end != std::string::npos;) {
      end = rel.find('/', end + 1);
      std::string upto = rel.substr(0, end);
      std::string name = upto.substr(upto.rfind('/') + 1);  // npos + 1 == 0
      if (::mkdirat(cur ? cur.get() : root, name.c_str(), 0777) != 0 && errno != EEXIST) {
        io_error(s, op, key, errno, upto);
      }
      cur = open_at(s, root, upto.c_str(), kDirFlags);
      if (!cur) io_error(s, op, key, errno, upto);
    }
    return cur;
  }
};

FilesystemStore::FilesystemStore(std::string root, bool read_only, FilesystemOptions options)
    : read_only_(read_only), options_(options) {
  check(root.find('\0') == std::string::npos, ErrorCode::kInvalidArgument,
        "FilesystemStore: the root path contains a NUL character");
  root_ = std::filesystem::absolute(root).lexically_normal().string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string FilesystemStore::describe() const { return "file://" + root_; }

std::shared_ptr<void> FilesystemStore::pin() {
  std::lock_guard<std::mutex> lock(pin_mu_);
  if (!pinned_root_) {
    Fd fd = Root::open_fresh(*this, false);
    if (!fd) return nullptr;  // no root yet: each operation opens (or makes) it
    pinned_root_ = std::shared_ptr<const int>(new int(fd.release()), [](const int* p) {
      ::close(*p);
      delete p;
    });
  }
  ++pins_;
  // Points at the store (never deleted through it): non-null while held.
  return std::shared_ptr<void>(static_cast<void*>(this), [this](void*) {
    std::lock_guard<std::mutex> lock(pin_mu_);
    if (--pins_ == 0) pinned_root_.reset();
  });
}


std::shared_ptr<Store> FilesystemStore::with_read_only(bool read_only) const {
  return std::make_shared<FilesystemStore>(root_, read_only, options_);
}

std::optional<ByteBuffer> FilesystemStore::get(std::string_view key) {
  validate_key(key);
  auto root = Root::open(*this, false);
  if (!root) return std::nullopt;
  Fd fd = Root::open_at(*this, root.get(), std::string(key).c_str(), kReadFlags);
  if (!fd) {
    if (missing_errno(errno)) return std::nullopt;
    io_error(*this, "read", key, errno);
  }
  const uint8_t* probed = nullptr;  // the file's first kProbeBytes, when a probe read them
  int probe_ok = probe_reads_.load(std::memory_order_relaxed);
  if (probe_ok < 0) {
    probe_ok = fs::short_reads_end_files(root.get()) ? 1 : 0;
    probe_reads_.store(probe_ok, std::memory_order_relaxed);
  }
  if (probe_ok == 1 && !large_values_.load(std::memory_order_relaxed)) {
    // Most values (tiny chunks above all) are small: one pread into this
    // thread's probe block, without asking the size first; an fstat was a
    // sixth of the system time of reading a 4 KiB chunk. A read that ends
    // short has the whole file. Anything else (a full probe, nothing, an
    // error, which is what a directory gives) goes the sized way below.
    // Only where the root's filesystem ends files at short reads (not FUSE
    // or network filesystems, which may return less mid-file).
    thread_local std::unique_ptr<uint8_t[]> probe(new uint8_t[kProbeBytes]);
    const ssize_t n = ::pread(fd.get(), probe.get(), kProbeBytes, 0);
    if (n > 0 && static_cast<size_t>(n) < kProbeBytes) {
      ByteBuffer out(static_cast<size_t>(n));
      std::memcpy(out.data(), probe.get(), static_cast<size_t>(n));
      return out;
    }
    if (static_cast<size_t>(n) == kProbeBytes) probed = probe.get();
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) io_error(*this, "read", key, errno);
  if (!S_ISREG(st.st_mode)) return std::nullopt;  // a directory is no key
  const bool large = static_cast<uint64_t>(st.st_size) >= kProbeBytes;
  if (large != large_values_.load(std::memory_order_relaxed)) large_values_.store(large, std::memory_order_relaxed);
  ByteBuffer out(static_cast<size_t>(st.st_size));
  // A full probe is the start of the file: only the rest is read.
  const size_t have = probed && large ? kProbeBytes : 0;
  if (have) std::memcpy(out.data(), probed, have);
  ssize_t n = read_at(fd.get(), out.data() + have, have, out.size() - have);
  if (n < 0) io_error(*this, "read", key, errno);
  out.resize(have + static_cast<size_t>(n));
  return out;
}

std::vector<std::optional<ByteBuffer>> FilesystemStore::get_ranges(std::string_view key,
                                                                   std::span<const ByteRange> ranges) {
  validate_key(key);
  std::vector<std::optional<ByteBuffer>> out(ranges.size());
  auto root = Root::open(*this, false);
  if (!root) return out;
  Fd fd = Root::open_at(*this, root.get(), std::string(key).c_str(), kReadFlags);
  if (!fd) {
    if (missing_errno(errno)) return out;
    io_error(*this, "read", key, errno);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) io_error(*this, "read", key, errno);
  if (!S_ISREG(st.st_mode)) return out;
  for (size_t i = 0; i < ranges.size(); ++i) {
    auto [start, end] = detail::clamp(ranges[i], static_cast<uint64_t>(st.st_size));
    ByteBuffer b(static_cast<size_t>(end - start));
    ssize_t n = read_at(fd.get(), b.data(), start, b.size());
    if (n < 0) io_error(*this, "read", key, errno);
    b.resize(static_cast<size_t>(n));
    out[i] = std::move(b);
  }
  return out;
}

std::optional<uint64_t> FilesystemStore::size(std::string_view key) {
  validate_key(key);
  auto root = Root::open(*this, false);
  if (!root) return std::nullopt;
  Fd fd = Root::open_at(*this, root.get(), std::string(key).c_str(), O_PATH | O_CLOEXEC);
  if (!fd) {
    if (missing_errno(errno)) return std::nullopt;
    io_error(*this, "stat", key, errno);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) io_error(*this, "stat", key, errno);
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

bool FilesystemStore::exists(std::string_view key) { return size(key).has_value(); }

std::vector<std::optional<ByteBuffer>> FilesystemStore::get_many(std::span<const std::string> keys) {
  for (const auto& k : keys) validate_key(k);
  std::vector<std::optional<ByteBuffer>> out(keys.size());
  ThreadPool::global().parallel_for(keys.size(), [&](size_t i) { out[i] = get(keys[i]); });
  return out;
}

void FilesystemStore::set(std::string_view key, ByteView value) {
  // One piece through the writer: a temporary file beside the key, renamed
  // over it.
  auto writer = open_writer(key);
  writer->append(std::span<const ByteView>(&value, 1));
  writer->commit();
}

std::unique_ptr<StoreWriter> FilesystemStore::open_writer(std::string_view key) {
  if (read_only_) throw_read_only(*this);
  validate_key(key);
  auto [parent, leaf] = split(key);
  auto root = Root::open(*this, true);
  // The writer keeps its own descriptor of the key's directory.
  Fd dir = parent.empty() ? Fd(::fcntl(root.get(), F_DUPFD_CLOEXEC, 0)) : Root::dir(*this, root.get(), parent, true, key);
  if (!dir) io_error(*this, "write", key, errno);
  std::string tmp = fs::temp_name(leaf);
  Fd file(::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!file) io_error(*this, "write", key, errno);
  return std::make_unique<FileWriter>(*this, std::string(key), std::move(dir), std::move(tmp), std::move(leaf),
                                      std::move(file), options_.fsync);
}

void FilesystemStore::set_many(std::span<const std::string> keys, std::span<const ByteView> values) {
  check(keys.size() == values.size(), ErrorCode::kInvalidArgument, [&] {
    return "set_many: " + std::to_string(keys.size()) + " keys but " + std::to_string(values.size()) + " values";
  });
  if (read_only_) throw_read_only(*this);
  for (const auto& k : keys) validate_key(k);
  ThreadPool::global().parallel_for(keys.size(), [&](size_t i) { set(keys[i], values[i]); });
}

bool FilesystemStore::erase(std::string_view key) {
  if (read_only_) throw_read_only(*this);
  validate_key(key);
  auto [parent, leaf] = split(key);
  auto root = Root::open(*this, false);
  if (!root) return false;
  Fd dir = parent.empty() ? Fd() : Root::dir(*this, root.get(), parent, false, key);
  if (!parent.empty() && !dir) return false;
  int dfd = parent.empty() ? root.get() : dir.get();
  if (::unlinkat(dfd, leaf.c_str(), 0) == 0) return true;
  if (errno == ENOENT || errno == EISDIR) return false;  // a directory is no key
  io_error(*this, "erase", key, errno);
}

void FilesystemStore::erase_many(std::span<const std::string> keys) {
  if (read_only_) throw_read_only(*this);
  for (const auto& k : keys) validate_key(k);
  ThreadPool::global().parallel_for(keys.size(), [&](size_t i) { erase(keys[i]); });
}

void FilesystemStore::erase_prefix(std::string_view prefix) {
  if (read_only_) throw_read_only(*this);
  std::string_view p = validate_prefix(prefix);
  auto root = Root::open(*this, false);
  if (!root) return;
  if (p.empty()) {
    for (const auto& name : fs::dir_entries(root.get())) {
      if (int err = fs::remove_tree(root.get(), name.c_str())) io_error(*this, "erase", name, err);
    }
    return;
  }
  auto [parent, leaf] = split(p);
  Fd dir = parent.empty() ? Fd() : Root::dir(*this, root.get(), parent, false, prefix);
  if (!parent.empty() && !dir) return;
  int dfd = parent.empty() ? root.get() : dir.get();
  struct stat st;
  // Only a directory holds keys "p/..."; a file "p" is not under the prefix.
  if (::fstatat(dfd, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) return;
  if (int err = fs::remove_tree(dfd, leaf.c_str())) io_error(*this, "erase", p, err);
}

std::vector<std::string> FilesystemStore::list() { return list_prefix(""); }

std::vector<std::string> FilesystemStore::list_prefix(std::string_view prefix) {
  size_t slash = prefix.rfind('/');
  std::string dir_part(slash == std::string_view::npos ? std::string_view() : validate_prefix(prefix.substr(0, slash)));
  std::vector<std::string> out;
  auto root = Root::open(*this, false);
  if (!root) return out;
  Fd dir = dir_part.empty() ? Fd() : Root::dir(*this, root.get(), dir_part, false, prefix);
  if (!dir_part.empty() && !dir) return out;
  fs::walk_files(dir_part.empty() ? root.get() : dir.get(), dir_part, out);
  std::erase_if(out, [&](const std::string& k) { return !k.starts_with(prefix); });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FilesystemStore::list_dir(std::string_view prefix) {
  std::string p(validate_prefix(prefix));
  auto root = Root::open(*this, false);
  if (!root) return {};
  Fd dir = p.empty() ? Fd() : Root::dir(*this, root.get(), p, false, prefix);
  if (!p.empty() && !dir) return {};
  std::vector<std::string> out = fs::dir_entries(p.empty() ? root.get() : dir.get());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace zarrnative::store

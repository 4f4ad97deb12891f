// Confined path resolution and directory walking for FilesystemStore.
#include "store/fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

namespace zarrnative::store::fs {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int open_beneath(int dirfd, const char* path, int flags, unsigned mode) {
#ifdef SYS_openat2
  // Kernels before 5.6, and some container sandboxes, answer ENOSYS: then
  // keys are confined lexically only (validate_key).
  static std::atomic<bool> have_openat2{true};
  if (have_openat2.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH;
    long fd;
    do {
      fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    } while (fd < 0 && (errno == EINTR || errno == EAGAIN));  // EAGAIN: a concurrent rename; retry
    if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
    have_openat2.store(false, std::memory_order_relaxed);
  }
#endif
  int fd;
  do {
    fd = ::openat(dirfd, path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

namespace {

// One thread per process closes the descriptors handed to it. Never destroyed
// (exit closes what is left); a forked child, which has no such thread,
// closes at once.
class Closer {
 public:
  static Closer& get() {
    static Closer* c = new Closer();
    return *c;
  }
  void close(Fd fd) {
    if (::getpid() != pid_) return;  // fd closes here, in its destructor
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pending_.size() >= kMaxPending) return;  // no backlog: close here
      pending_.push_back(fd.release());
    }
    wake_.notify_one();
  }

 private:
  static constexpr size_t kMaxPending = 64;
  Closer() : pid_(::getpid()) {
    std::thread([this] { run(); }).detach();
  }
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      wake_.wait(lock, [&] { return !pending_.empty(); });
      int fd = pending_.front();
      pending_.pop_front();
      lock.unlock();
      ::close(fd);
      lock.lock();
    }
  }
  const pid_t pid_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<int> pending_;
};

}  // namespace

void close_later(Fd fd) { Closer::get().close(std::move(fd)); }

int replace_deferring_release(int dirfd, const char* tmp, const char* leaf) {
  // A path reference keeps the replaced inode alive past the rename.
  Fd old(::openat(dirfd, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (::renameat(dirfd, tmp, dirfd, leaf) != 0) return errno;
  if (old) close_later(std::move(old));
  return 0;
}

bool is_temp_name(std::string_view name) {
  constexpr std::string_view kSuffix = ".partial";
  constexpr size_t kTail = 1 + 16 + kSuffix.size();  // ".<16 hex>.partial"
  if (name.size() <= kTail || !name.ends_with(kSuffix)) return false;
  std::string_view tail = name.substr(name.size() - kTail);
  if (tail[0] != '.') return false;
  for (char c : tail.substr(1, 16)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string temp_name(std::string_view leaf) {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id()));
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t r = rng();
  std::string name(leaf);
  name += '.';
  for (int i = 0; i < 16; ++i) name += kHex[(r >> (4 * i)) & 0xf];
  name += ".partial";
  return name;
}

namespace {

enum class Kind { kFile, kDir, kOther };

// What an entry is; a symlink counts as what it points to, except that a
// symlinked directory is kOther (not descended).
Kind kind_of(int dirfd, const dirent* e) {
  if (e->d_type == DT_REG) return Kind::kFile;
  if (e->d_type == DT_DIR) return Kind::kDir;
  if (e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) return Kind::kOther;
  struct stat st;
  if (::fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Kind::kOther;
  if (S_ISREG(st.st_mode)) return Kind::kFile;
  if (S_ISDIR(st.st_mode)) return Kind::kDir;
  if (!S_ISLNK(st.st_mode) || ::fstatat(dirfd, e->d_name, &st, 0) != 0) return Kind::kOther;
  return S_ISREG(st.st_mode) ? Kind::kFile : Kind::kOther;
}

bool dot(const char* n) { return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')); }

// Calls fn(dirfd, entry) for each entry of a duplicate of `dirfd`.
template <typename Fn>
void for_each_entry(int dirfd, Fn&& fn) {
  int fd = open_beneath(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return;
  }
  while (const dirent* e = ::readdir(dir)) {
    if (!dot(e->d_name) && !is_temp_name(e->d_name)) fn(::dirfd(dir), e);
  }
  ::closedir(dir);
}

}  // namespace

void walk_files(int dirfd, const std::string& rel, std::vector<std::string>& out) {
  for_each_entry(dirfd, [&](int fd, const dirent* e) {
    Kind k = kind_of(fd, e);
    std::string path = rel.empty() ? std::string(e->d_name) : rel + "/" + e->d_name;
    if (k == Kind::kFile) {
      out.push_back(std::move(path));
    } else if (k == Kind::kDir) {
      Fd sub(open_beneath(fd, e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub) walk_files(sub.get(), path, out);  // vanished meanwhile: skip
    }
  });
}

std::vector<std::string> dir_entries(int dirfd) {
  std::vector<std::string> out;
  for_each_entry(dirfd, [&](int, const dirent* e) { out.emplace_back(e->d_name); });
  return out;
}

int remove_tree(int dirfd, const char* name) {
  if (::unlinkat(dirfd, name, 0) == 0) return 0;
  if (errno == ENOENT) return 0;
  if (errno != EISDIR && errno != EPERM) return errno;
  int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    int err = errno;
    ::close(fd);
    return err;
  }
  int err = 0;
  std::vector<std::string> names;  // collected first: removing while reading may skip entries
  while (const dirent* e = ::readdir(dir)) {
    if (!dot(e->d_name)) names.emplace_back(e->d_name);
  }
  for (const auto& n : names) {
    if (int r = remove_tree(::dirfd(dir), n.c_str()); r && !err) err = r;
  }
  ::closedir(dir);
  if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !err) err = errno;
  return err;
}

bool short_reads_end_files(int fd) {
  struct statfs info;
  if (::fstatfs(fd, &info) != 0) return false;
  constexpr unsigned long kZfsMagic = 0x2fc12fc1;
  switch (static_cast<unsigned long>(info.f_type)) {
    case EXT4_SUPER_MAGIC:  // ext2 and ext3 too
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case F2FS_SUPER_MAGIC:
    case TMPFS_MAGIC:
    case OVERLAYFS_SUPER_MAGIC:
    case kZfsMagic:
      return true;
    default:
      return false;
  }
}

}  // namespace zarrnative::store::fs

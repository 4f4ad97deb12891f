// Internal: file descriptors and path resolution confined to a store root.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zarrnative::store::fs {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// openat() that resolves `path` beneath `dirfd` (openat2 with
// RESOLVE_BENEATH where the kernel has it: a symlink leading out fails with
// EXDEV). Returns -1 with errno set on failure, like openat.
int open_beneath(int dirfd, const char* path, int flags, unsigned mode = 0);

// Replaces `leaf` in `dirfd` with `tmp` (renameat), handing the replaced
// file's last reference to a background thread: freeing a large file's
// blocks (with online discard, synchronously) then no longer holds up the
// writer. Returns errno (0 on success).
int replace_deferring_release(int dirfd, const char* tmp, const char* leaf);
// Closes `fd` on the background thread (at once in a forked child, or when
// many are already waiting).
void close_later(Fd fd);

// Whether a file name is one of our temporary files ("<name>.<16 hex>.partial").
bool is_temp_name(std::string_view name);
// A fresh temporary name for `leaf`.
std::string temp_name(std::string_view leaf);

// Appends the relative paths ("<rel>/name") of the regular files below the
// open directory `dirfd`, recursively, skipping temporary files. Directory
// symlinks are not descended (as pathlib's rglob).
void walk_files(int dirfd, const std::string& rel, std::vector<std::string>& out);
// Names of the entries of `dirfd` (files and directories), skipping
// temporary files.
std::vector<std::string> dir_entries(int dirfd);
// Removes `name` in `dirfd`, a file or a directory tree (never following
// symlinks). Returns errno (0 on success).
int remove_tree(int dirfd, const char* name);
// Whether `fd` lies on a local disk or memory filesystem (ext2/3/4, XFS,
// btrfs, F2FS, ZFS, tmpfs, overlayfs), where a read of a regular file that
// returns fewer bytes than asked has reached the end of the file. FUSE and
// network filesystems may return short reads mid-file: false for them, and
// for anything unknown.
bool short_reads_end_files(int fd);

}  // namespace zarrnative::store::fs

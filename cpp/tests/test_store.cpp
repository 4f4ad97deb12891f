// Store conformance: one typed suite run against every native store, then
// the filesystem store's own promises (atomic writes, confinement).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/fs_util.h"
#include "zarrnative/common/error.h"
#include "zarrnative/store/filesystem_store.h"
#include "zarrnative/store/memory_store.h"

namespace zn = zarrnative;
using zn::ByteBuffer;
using zn::ByteView;
using zn::Error;
using zn::ErrorCode;
using zn::store::ByteRange;
using zn::store::FilesystemStore;
using zn::store::MemoryStore;
using zn::store::Store;
namespace sfs = std::filesystem;

namespace {

ByteView bv(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
std::string str(const ByteBuffer& b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }
std::string str(const std::optional<ByteBuffer>& b) { return b ? str(*b) : "<missing>"; }

// A fresh directory, removed afterwards.
struct TempDir {
  sfs::path path;
  TempDir() {
    std::string tmpl = (sfs::temp_directory_path() / "zn-store-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    sfs::permissions(path, sfs::perms::owner_all, sfs::perm_options::add, ec);
    sfs::remove_all(path, ec);
  }
};

struct MemoryFactory {
  std::shared_ptr<MemoryStore> rw = std::make_shared<MemoryStore>();
  std::shared_ptr<Store> make() { return rw; }
  std::shared_ptr<Store> make_read_only() { return rw->with_read_only(true); }
};

struct FilesystemFactory {
  TempDir dir;
  std::string root() const { return (dir.path / "store.zarr").string(); }
  std::shared_ptr<Store> make() { return std::make_shared<FilesystemStore>(root(), false); }
  std::shared_ptr<Store> make_read_only() { return std::make_shared<FilesystemStore>(root(), true); }
};

template <typename Factory>
class StoreTest : public ::testing::Test {
 protected:
  Factory factory;
  std::shared_ptr<Store> store = factory.make();
  void fill() {
    for (const char* k : {"zarr.json", "a/zarr.json", "a/c/0/0", "a/c/0/1", "a/cat", "ab/x", "b"}) {
      store->set(k, bv(std::string("value of ") + k));
    }
  }
};

using Factories = ::testing::Types<MemoryFactory, FilesystemFactory>;
TYPED_TEST_SUITE(StoreTest, Factories);

TYPED_TEST(StoreTest, MissingKeys) {
  auto& s = *this->store;
  EXPECT_FALSE(s.get("nope").has_value());
  EXPECT_FALSE(s.get("a/b/c").has_value());
  EXPECT_FALSE(s.size("nope").has_value());
  EXPECT_FALSE(s.exists("nope"));
  EXPECT_TRUE(s.list().empty());
  EXPECT_TRUE(s.list_dir("").empty());
  EXPECT_TRUE(s.list_dir("a").empty());
  EXPECT_TRUE(s.list_prefix("a/").empty());
  EXPECT_FALSE(s.erase("nope"));
  s.erase_prefix("a");  // nothing to do
}

TYPED_TEST(StoreTest, SetGetOverwriteErase) {
  auto& s = *this->store;
  s.set("a/b/c", bv("hello"));
  EXPECT_EQ(str(s.get("a/b/c")), "hello");
  EXPECT_EQ(s.size("a/b/c"), 5u);
  EXPECT_TRUE(s.exists("a/b/c"));
  EXPECT_FALSE(s.exists("a/b"));  // a prefix is no key
  EXPECT_FALSE(s.get("a/b").has_value());
  s.set("a/b/c", bv("bye"));
  EXPECT_EQ(str(s.get("a/b/c")), "bye");
  s.set("empty", bv(""));
  ASSERT_TRUE(s.get("empty").has_value());
  EXPECT_EQ(s.get("empty")->size(), 0u);
  EXPECT_TRUE(s.erase("a/b/c"));
  EXPECT_FALSE(s.erase("a/b/c"));
  EXPECT_FALSE(s.get("a/b/c").has_value());
  EXPECT_EQ(s.list(), std::vector<std::string>{"empty"});
}

TYPED_TEST(StoreTest, Listing) {
  this->fill();
  auto& s = *this->store;
  using V = std::vector<std::string>;
  EXPECT_EQ(s.list(), (V{"a/c/0/0", "a/c/0/1", "a/cat", "a/zarr.json", "ab/x", "b", "zarr.json"}));
  EXPECT_EQ(s.list_prefix("a/"), (V{"a/c/0/0", "a/c/0/1", "a/cat", "a/zarr.json"}));
  EXPECT_EQ(s.list_prefix("a/c"), (V{"a/c/0/0", "a/c/0/1", "a/cat"}));  // a string prefix
  EXPECT_EQ(s.list_prefix("a"), (V{"a/c/0/0", "a/c/0/1", "a/cat", "a/zarr.json", "ab/x"}));
  EXPECT_EQ(s.list_prefix(""), s.list());
  EXPECT_TRUE(s.list_prefix("zz/").empty());
  EXPECT_EQ(s.list_dir(""), (V{"a", "ab", "b", "zarr.json"}));
  EXPECT_EQ(s.list_dir("a"), (V{"c", "cat", "zarr.json"}));
  EXPECT_EQ(s.list_dir("a/"), (V{"c", "cat", "zarr.json"}));
  EXPECT_EQ(s.list_dir("a/c/0"), (V{"0", "1"}));
  EXPECT_TRUE(s.list_dir("a/cat").empty());  // a key has no children
  EXPECT_TRUE(s.list_dir("missing").empty());
}

TYPED_TEST(StoreTest, GetRangesClampAndSuffix) {
  auto& s = *this->store;
  s.set("k", bv("0123456789"));
  std::vector<ByteRange> r{ByteRange::at(2, 3), ByteRange::last(4), ByteRange::at(8, 100), ByteRange::at(50, 5),
                           ByteRange::last(100), ByteRange::at(0, 0), ByteRange::at(0, ~uint64_t{0})};
  auto got = s.get_ranges("k", r);
  ASSERT_EQ(got.size(), r.size());
  EXPECT_EQ(str(got[0]), "234");
  EXPECT_EQ(str(got[1]), "6789");
  EXPECT_EQ(str(got[2]), "89");
  EXPECT_EQ(str(got[3]), "");
  EXPECT_EQ(str(got[4]), "0123456789");
  EXPECT_EQ(str(got[5]), "");
  EXPECT_EQ(str(got[6]), "0123456789");
  auto missing = s.get_ranges("nope", r);
  ASSERT_EQ(missing.size(), r.size());
  for (const auto& m : missing) EXPECT_FALSE(m.has_value());
  EXPECT_TRUE(s.get_ranges("k", {}).empty());
}

TYPED_TEST(StoreTest, RangeReaderServesShards) {
  auto& s = *this->store;
  s.set("shard", bv("abcdefgh"));
  auto reader = s.range_reader("shard");
  EXPECT_EQ(reader->size(), 8u);
  std::vector<ByteRange> r{ByteRange::last(2), ByteRange::at(1, 2)};
  auto got = reader->read(r);
  EXPECT_EQ(str(got[0]), "gh");
  EXPECT_EQ(str(got[1]), "bc");
  auto none = s.range_reader("no/shard");
  EXPECT_FALSE(none->size().has_value());
  EXPECT_FALSE(none->read(r)[0].has_value());
}

TYPED_TEST(StoreTest, BatchedCalls) {
  auto& s = *this->store;
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) {
    keys.push_back("arr/c/" + std::to_string(i / 8) + "/" + std::to_string(i % 8));
    values.push_back(std::string(static_cast<size_t>(i) * 3, static_cast<char>('a' + i % 26)));
  }
  std::vector<ByteView> views;
  for (const auto& v : values) views.push_back(bv(v));
  s.set_many(keys, views);
  auto with_missing = keys;
  with_missing.push_back("arr/c/9/9");
  auto got = s.get_many(with_missing);
  ASSERT_EQ(got.size(), 65u);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(str(got[i]), values[i]);
  EXPECT_FALSE(got[64].has_value());
  EXPECT_THROW(s.set_many(keys, std::span(views).first(3)), Error);
  std::vector<std::string> bad{"ok", "../bad"};
  std::vector<ByteView> two{bv("1"), bv("2")};
  EXPECT_THROW(s.set_many(bad, two), Error);
  EXPECT_FALSE(s.exists("ok"));  // validated before anything was written
  s.erase_many(std::span(keys).first(8));
  EXPECT_EQ(s.list_prefix("arr/").size(), 56u);
}

TYPED_TEST(StoreTest, ErasePrefix) {
  this->fill();
  auto& s = *this->store;
  using V = std::vector<std::string>;
  s.erase_prefix("a/c");
  EXPECT_EQ(s.list(), (V{"a/cat", "a/zarr.json", "ab/x", "b", "zarr.json"}));
  s.erase_prefix("a");  // "a/..." only, not "ab"
  EXPECT_EQ(s.list(), (V{"ab/x", "b", "zarr.json"}));
  s.erase_prefix("b");  // a key is not under its own prefix
  EXPECT_TRUE(s.exists("b"));
  s.erase_prefix("");
  EXPECT_TRUE(s.list().empty());
  s.set("again", bv("x"));  // still usable
  EXPECT_EQ(str(s.get("again")), "x");
}

TYPED_TEST(StoreTest, ReadOnlyRefusesWrites) {
  this->store->set("k", bv("v"));
  auto ro = this->factory.make_read_only();
  EXPECT_TRUE(ro->read_only());
  EXPECT_FALSE(this->store->read_only());
  std::vector<std::string> keys{"k"};
  std::vector<ByteView> values{bv("w")};
  auto expect_refused = [&](auto&& fn) {
    try {
      fn();
      ADD_FAILURE() << "a write to a read-only store succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
    }
  };
  expect_refused([&] { ro->set("k", bv("w")); });
  expect_refused([&] { ro->set_many(keys, values); });
  expect_refused([&] { ro->erase("k"); });
  expect_refused([&] { ro->erase_many(keys); });
  expect_refused([&] { ro->erase_prefix(""); });
  EXPECT_EQ(str(ro->get("k")), "v");  // a view of the same data
  this->store->set("k2", bv("v2"));
  EXPECT_EQ(str(ro->get("k2")), "v2");
  EXPECT_EQ(ro->describe(), this->store->describe());
  auto rw = ro->with_read_only(false);
  rw->set("k3", bv("v3"));
  EXPECT_EQ(str(this->store->get("k3")), "v3");
}

TYPED_TEST(StoreTest, HostileKeysAreRefused) {
  auto& s = *this->store;
  std::vector<std::string> hostile{"", "/etc/passwd", "../x", "a/../../x", "a/./b", ".", "..", "a//b", "a/", "a\\b",
                                   std::string("a\0b", 3)};
  for (const std::string& key : hostile) {
    SCOPED_TRACE(key);
    auto refused = [&](auto&& fn) {
      try {
        fn();
        ADD_FAILURE() << "accepted";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      }
    };
    refused([&] { s.get(key); });
    refused([&] { s.set(key, bv("x")); });
    refused([&] { s.erase(key); });
    refused([&] { s.exists(key); });
    refused([&] { s.size(key); });
    refused([&] { s.get_ranges(key, std::vector{ByteRange::at(0, 1)}); });
  }
  for (std::string prefix : {"../", "/abs", "a/../b/", "a//"}) {
    SCOPED_TRACE(prefix);
    EXPECT_THROW(s.list_dir(prefix), Error);
    EXPECT_THROW(s.erase_prefix(prefix), Error);
    EXPECT_THROW(s.list_prefix(prefix + "/x"), Error);
  }
  EXPECT_NO_THROW(s.get(".zattrs"));    // dot files are fine
  EXPECT_NO_THROW(s.get("a/..b/c.d"));  // so are dots inside names
  EXPECT_TRUE(s.list().empty());
}

TYPED_TEST(StoreTest, ConcurrentReadersAndWriters) {
  auto& s = *this->store;
  const std::string a(10000, 'a'), b(20000, 'b');
  s.set("k", bv(a));
  std::atomic<bool> torn{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (t % 2) {
          s.set("k", bv((i + t) % 2 ? a : b));
          s.set("k" + std::to_string(t) + "/" + std::to_string(i), bv("x"));
        } else {
          auto got = s.get("k");
          if (!got || (str(*got) != a && str(*got) != b)) torn = true;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(torn.load());
  EXPECT_EQ(s.list().size(), 201u);
}

TEST(MemoryStore, DescribesItselfUniquely) {
  MemoryStore a, b;
  EXPECT_TRUE(a.describe().starts_with("memory://"));
  EXPECT_NE(a.describe(), b.describe());
}

TYPED_TEST(StoreTest, WriterShowsNothingUntilCommit) {
  auto& s = *this->store;
  s.set("a/shard", bv("old"));
  {
    auto w = s.open_writer("a/shard");
    std::vector<ByteView> pieces{bv("he"), bv(""), bv("llo")};
    w->append(pieces);
    w->append(std::vector<ByteView>{bv(", world")});
    EXPECT_EQ(w->size(), 12u);
    EXPECT_EQ(str(s.get("a/shard")), "old");  // not yet
    w->commit();
    EXPECT_THROW(w->commit(), Error);
  }
  EXPECT_EQ(str(s.get("a/shard")), "hello, world");
  {  // dropped without commit: nothing changes, nothing is left behind
    auto w = s.open_writer("a/shard");
    w->append(std::vector<ByteView>{bv("lost")});
    auto fresh = s.open_writer("b/new");
    fresh->append(std::vector<ByteView>{bv("lost too")});
  }
  EXPECT_EQ(str(s.get("a/shard")), "hello, world");
  EXPECT_FALSE(s.exists("b/new"));
  EXPECT_EQ(s.list(), std::vector<std::string>{"a/shard"});
}

TYPED_TEST(StoreTest, WriterTakesThousandsOfPieces) {
  auto& s = *this->store;
  std::string expect;
  std::vector<std::string> words;
  for (int i = 0; i < 3000; ++i) words.push_back(std::to_string(i) + ",");
  std::vector<ByteView> pieces;
  for (const auto& w : words) {
    pieces.push_back(bv(w));
    expect += w;
  }
  auto w = s.open_writer("k");
  w->append(pieces);  // more pieces than one writev takes
  w->commit();
  EXPECT_EQ(str(s.get("k")), expect);
}

TYPED_TEST(StoreTest, WriterChecksKeyAndMode) {
  EXPECT_THROW(this->store->open_writer("../escape"), Error);
  auto ro = this->factory.make_read_only();
  EXPECT_THROW(ro->open_writer("k"), Error);
  EXPECT_FALSE(this->store->exists("k"));
}

// --- the filesystem store's own promises -------------------------------------

class FilesystemStoreTest : public ::testing::Test {
 protected:
  TempDir dir;
  sfs::path root = dir.path / "root";
  FilesystemStore store{root.string()};
  static std::string read_file(const sfs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  bool has_partial() const {
    for (auto& e : sfs::recursive_directory_iterator(root)) {
      if (e.path().extension() == ".partial") return true;
    }
    return false;
  }
};

TEST_F(FilesystemStoreTest, KeysAreFilesUnderTheRoot) {
  EXPECT_FALSE(sfs::exists(root));  // created by the first write
  EXPECT_EQ(store.describe(), "file://" + root.string());
  store.set("g/a/c/0/0", bv("chunk"));
  EXPECT_EQ(read_file(root / "g/a/c/0/0"), "chunk");
  EXPECT_FALSE(has_partial());
  // and files put there by others are keys
  std::ofstream(root / "g/zarr.json") << "{}";
  EXPECT_EQ(str(store.get("g/zarr.json")), "{}");
  // erasing leaves the directory, as zarr-python's LocalStore does
  EXPECT_TRUE(store.erase("g/a/c/0/0"));
  EXPECT_TRUE(sfs::is_directory(root / "g/a/c/0"));
  EXPECT_EQ(store.list_dir("g/a/c"), std::vector<std::string>{"0"});
}

TEST_F(FilesystemStoreTest, ListingSkipsTemporaryFilesOnly) {
  store.set("a/k", bv("x"));
  std::ofstream(root / "a/k.0123456789abcdef.partial") << "half";
  std::ofstream(root / "a/notes.partial") << "a key";  // not our pattern
  EXPECT_EQ(store.list(), (std::vector<std::string>{"a/k", "a/notes.partial"}));
  EXPECT_EQ(store.list_dir("a"), (std::vector<std::string>{"k", "notes.partial"}));
}

TEST_F(FilesystemStoreTest, FailedWritesKeepTheOldFileAndLeaveNoTemporary) {
  store.set("d/x", bv("inside"));
  store.set("file", bv("old"));
  // the target is a directory: rename fails
  EXPECT_THROW(store.set("d", bv("new")), Error);
  EXPECT_EQ(str(store.get("d/x")), "inside");
  // a parent is a file
  try {
    store.set("file/child", bv("new"));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIoError);
    EXPECT_NE(std::string(e.what()).find("'file"), std::string::npos) << e.what();
  }
  EXPECT_EQ(str(store.get("file")), "old");
  // the temporary name is too long for the filesystem; the old file stays
  std::string long_name(240, 'n');
  std::ofstream(root / long_name) << "old";
  EXPECT_THROW(store.set(long_name, bv("new")), Error);
  EXPECT_EQ(str(store.get(long_name)), "old");
  EXPECT_FALSE(has_partial());
}

TEST_F(FilesystemStoreTest, ReadOnlyDirectoryKeepsOldContent) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  store.set("k", bv("old"));
  sfs::permissions(root, sfs::perms::owner_write, sfs::perm_options::remove);
  EXPECT_THROW(store.set("k", bv("new")), Error);
  sfs::permissions(root, sfs::perms::owner_write, sfs::perm_options::add);
  EXPECT_EQ(str(store.get("k")), "old");
  EXPECT_FALSE(has_partial());
}

TEST_F(FilesystemStoreTest, MissingRootReadsAsEmpty) {
  FilesystemStore ro((dir.path / "nothing").string(), true);
  EXPECT_FALSE(ro.get("k").has_value());
  EXPECT_TRUE(ro.list().empty());
  EXPECT_TRUE(ro.list_dir("").empty());
  EXPECT_FALSE(sfs::exists(dir.path / "nothing"));
}

TEST_F(FilesystemStoreTest, SymlinksDoNotLeadOutOfTheRoot) {
  sfs::path outside = dir.path / "outside";
  sfs::create_directories(outside);
  std::ofstream(outside / "secret") << "secret";
  store.set("real/k", bv("inside"));
  sfs::create_directory_symlink(outside, root / "out");
  sfs::create_directory_symlink("real", root / "alias");
  EXPECT_EQ(str(store.get("alias/k")), "inside");  // a relative symlink within the root works
  try {
    auto got = store.get("out/secret");
    // only a kernel without openat2 lets this through
    GTEST_SKIP() << "openat2(RESOLVE_BENEATH) unavailable: confinement is lexical only";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIoError);
    EXPECT_NE(std::string(e.what()).find("out of the store's root"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store.set("out/new", bv("x")), Error);
  EXPECT_THROW(store.set("out/deeper/new", bv("x")), Error);
  EXPECT_FALSE(sfs::exists(outside / "new"));
  EXPECT_FALSE(sfs::exists(outside / "deeper"));
  store.erase_prefix("");  // removes the link, not what it points to
  EXPECT_EQ(read_file(outside / "secret"), "secret");
}

TEST_F(FilesystemStoreTest, SpecialFilesAreNotKeys) {
  store.set("k", bv("x"));
  ASSERT_EQ(::mkfifo((root / "fifo").c_str(), 0600), 0);
  EXPECT_FALSE(store.get("fifo").has_value());  // and does not hang
  EXPECT_FALSE(store.exists("fifo"));
  EXPECT_EQ(store.list(), std::vector<std::string>{"k"});
}

TEST_F(FilesystemStoreTest, ValuesOfEverySizeAroundTheProbeReadWhole) {
  // get() reads small values with one probing pread of 64 KiB and sizes
  // larger ones first; the sizes around that edge, in an order that switches
  // between the two ways several times, and empty values and directories.
  const size_t probe = size_t{64} << 10;
  const std::vector<size_t> sizes = {1, probe - 1, probe, 0, probe + 1, 3 * probe + 5, 100, probe, 4093, 0};
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string v(sizes[i], '\0');
    for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<char>((k * 131 + i) % 251);
    store.set("v/" + std::to_string(i), bv(v));
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < sizes.size(); ++i) {
      auto got = store.get("v/" + std::to_string(i));
      ASSERT_TRUE(got.has_value()) << i;
      ASSERT_EQ(got->size(), sizes[i]) << i;
      for (size_t k = 0; k < sizes[i]; ++k) ASSERT_EQ(got->data()[k], static_cast<uint8_t>((k * 131 + i) % 251)) << i;
      EXPECT_FALSE(store.get("v").has_value());  // a directory, between every two
    }
  }
}

TEST(FilesystemUtil, ShortReadsEndFilesOnLocalFilesystemsOnly) {
  // The test's temp dir is on a local filesystem (ext4 or tmpfs here); /proc
  // and /sys are not filesystems where get() may trust a short read.
  TempDir dir;
  const int local = ::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(local, 0);
  EXPECT_TRUE(zn::store::fs::short_reads_end_files(local));
  ::close(local);
  for (const char* other : {"/proc", "/sys"}) {
    const int fd = ::open(other, O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0) << other;
    EXPECT_FALSE(zn::store::fs::short_reads_end_files(fd)) << other;
    ::close(fd);
  }
  EXPECT_FALSE(zn::store::fs::short_reads_end_files(-1));
}

TEST_F(FilesystemStoreTest, ConcurrentWritersOfOneKeyLeaveOneWholeValue) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      FilesystemStore own(root.string());  // separate instances, one directory
      for (int i = 0; i < 50; ++i) own.set("same/key", bv(std::string(4096 + t, static_cast<char>('a' + t))));
    });
  }
  for (auto& th : threads) th.join();
  std::string got = str(store.get("same/key"));
  ASSERT_GE(got.size(), 4096u);
  EXPECT_EQ(got, std::string(got.size(), got[0]));
  EXPECT_EQ(got.size(), 4096u + static_cast<size_t>(got[0] - 'a'));
  EXPECT_FALSE(has_partial());
}

TEST_F(FilesystemStoreTest, WriterFailingMidWayKeepsTheOldFileAndLeavesNoTemporary) {
  store.set("s/0", bv("old shard"));
  // A file-size limit makes write() fail with EFBIG part-way (the signal it
  // would raise is ignored for the test).
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string big(3000, 'x');
  try {
    auto w = store.open_writer("s/0");
    w->append(std::vector<ByteView>{bv(big)});
    w->append(std::vector<ByteView>{bv(big)});  // passes the limit
    w->commit();
    ADD_FAILURE() << "the write passed the file-size limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIoError);
    EXPECT_NE(std::string(e.what()).find("'s/0'"), std::string::npos) << e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(str(store.get("s/0")), "old shard");
  EXPECT_FALSE(has_partial());
}

TEST_F(FilesystemStoreTest, WriterCommitOntoADirectoryFailsCleanly) {
  store.set("d/x", bv("inside"));
  auto w = store.open_writer("d");
  w->append(std::vector<ByteView>{bv("new")});
  EXPECT_THROW(w->commit(), Error);  // rename onto a directory
  EXPECT_EQ(str(store.get("d/x")), "inside");
  EXPECT_FALSE(has_partial());
}

TEST_F(FilesystemStoreTest, ReplacingKeepsWhatOpenReadersSee) {
  // The replaced file is released later, on another thread; a reader that
  // opened it before still reads the old bytes, and new readers the new.
  store.set("k", bv("old value"));
  int fd = ::open((root / "k").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 100; ++i) store.set("k", bv("new value " + std::to_string(i)));
  auto w = store.open_writer("k");
  w->append(std::vector<ByteView>{bv("streamed")});
  w->commit();
  char buf[32] = {};
  ASSERT_EQ(::pread(fd, buf, sizeof buf, 0), 9);
  EXPECT_EQ(std::string(buf, 9), "old value");
  ::close(fd);
  EXPECT_EQ(str(store.get("k")), "streamed");
  EXPECT_EQ(store.list(), std::vector<std::string>{"k"});
}

TEST_F(FilesystemStoreTest, FsyncOptionWrites) {
  FilesystemStore durable(root.string(), false, {.fsync = true});
  durable.set("a/b", bv("durable"));
  EXPECT_EQ(read_file(root / "a/b"), "durable");
  auto w = durable.open_writer("top");  // a key in the root itself
  w->append(std::vector<ByteView>{bv("in "), bv("pieces")});
  w->commit();
  EXPECT_EQ(read_file(root / "top"), "in pieces");
}

}  // namespace

TEST(FilesystemStorePin, SharesTheRootForARequestAndLetsItGoAfter) {
  TempDir dir;
  const sfs::path root = dir.path / "root";
  FilesystemStore store{root.string()};
  EXPECT_EQ(store.pin(), nullptr);  // no root yet: nothing to share
  store.set("a/b", bv("one"));
  {
    auto pin = store.pin();
    ASSERT_NE(pin, nullptr);
    auto again = store.pin();  // nested pins share the descriptor
    store.set("a/c", bv("two"));
    EXPECT_EQ(str(store.get("a/b")), "one");
    EXPECT_EQ(str(store.get("a/c")), "two");
  }
  // All pins gone: a root replaced on disk is seen at once (no stale descriptor).
  sfs::remove_all(root);
  sfs::create_directories(root / "a");
  std::ofstream(root / "a" / "b", std::ios::binary) << "new";
  EXPECT_EQ(str(store.get("a/b")), "new");
  EXPECT_EQ(str(store.get("a/c")), "<missing>");
}

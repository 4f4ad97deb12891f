// zarrnative: the store interface: a flat key -> bytes mapping.
//
// A store holds a Zarr hierarchy's objects (metadata documents, chunks,
// shards) under '/'-separated keys such as "group/array/c/0/1". The native
// stores are FilesystemStore (filesystem_store.h: a key is a file under a
// root directory) and MemoryStore (memory_store.h); the Python package wraps
// both as zarr-python 3's LocalStore and MemoryStore.
//
// Typical usage:
//   1. auto store = std::make_shared<store::FilesystemStore>("/data/x.zarr", /*read_only=*/false);
//   2. store->set("a/zarr.json", bytes);                 // atomic on the filesystem
//   3. std::optional<ByteBuffer> b = store->get("a/zarr.json");   // nullopt: missing
//   4. auto parts = store->get_ranges("a/c/0", std::vector{ByteRange::at(0, 16), ByteRange::last(8)});
//   5. auto reader = store->range_reader("a/c/0");        // a shard's partial reads
//      codec::read_shard_region(sharding, *reader, region, out, options);
//   6. store->list_dir("a");   // {"c", "zarr.json"}
//
// Keys. Every key is checked by validate_key() before a store touches its
// data (hostile keys never reach the filesystem): no empty key, no leading
// '/', no empty, "." or ".." component, no backslash, no NUL. Prefixes
// ("" or "a/b" or "a/b/") name a directory-like part of the key space.
//
// Errors. Writing to a read-only store throws Error(kInvalidArgument) with
// "store was opened in read-only mode and does not support writing" (the
// ValueError zarr-python 3.1 raises). A bad key throws
// Error(kInvalidArgument) naming it. A failed system call throws
// Error(kIoError) naming the store, the key and the OS's reason. A missing
// key is no error: get() returns nullopt, erase() returns false.
//
// Thread safety: every method may be called from many threads at once.
// Batched methods (get_many, set_many, erase_many) of the native stores work
// in parallel on ThreadPool::global(); they are how the array layer talks to
// a store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zarrnative/codec/sharding.h"
#include "zarrnative/common/bytes.h"

namespace zarrnative::store {

using codec::ByteRange;

// One object written in pieces, in order, and made visible at once by
// commit(): until then readers see the old bytes (or none), and a writer
// dropped without commit() changes nothing. From Store::open_writer().
//
//   auto w = store->open_writer("a/c/0/0");
//   w->append(pieces);   // as many times as needed
//   w->commit();
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;
  // Adds the pieces' bytes at the end of the object.
  virtual void append(std::span<const ByteView> pieces) = 0;
  // Bytes appended so far.
  virtual uint64_t size() const = 0;
  // Replaces the object with the appended bytes, as set() does. Once.
  virtual void commit() = 0;
};

// Throws Error(kInvalidArgument) naming `key` unless it is a valid key (see
// above).
void validate_key(std::string_view key);

// Validates a prefix: "" (the whole store), or a valid key with at most one
// trailing '/'. Returns it without the trailing '/'.
std::string_view validate_prefix(std::string_view prefix);

class Store {
 public:
  virtual ~Store() = default;

  virtual bool read_only() const { return false; }
  // For messages: "file:///abs/root" or "memory://<id>".
  virtual std::string describe() const = 0;
  // A store over the same data that is (or is not) read-only: a view sharing
  // a MemoryStore's contents, another FilesystemStore over the same root.
  // Default: Error(kInvalidArgument), not supported.
  virtual std::shared_ptr<Store> with_read_only(bool read_only) const;
  // Keeps what a batch of operations can share (the filesystem store's root
  // directory, opened once instead of once per key) until the returned
  // handle is released; the array engine pins its store for one request.
  // Default: nothing to share (null).
  virtual std::shared_ptr<void> pin() { return nullptr; }

  // --- reads ---------------------------------------------------------------
  // The whole object; nullopt when the key is missing.
  virtual std::optional<ByteBuffer> get(std::string_view key) = 0;
  // One result per range, in order (all nullopt when the key is missing).
  // Ranges are clamped to the object as ByteRangeReader::read describes: a
  // range past the end yields the bytes that exist (maybe none), and nothing
  // is allocated beyond the object's size. Default: get(), then slices.
  virtual std::vector<std::optional<ByteBuffer>> get_ranges(std::string_view key,
                                                            std::span<const ByteRange> ranges);
  // The object's size in bytes; nullopt when missing. Default: get().
  virtual std::optional<uint64_t> size(std::string_view key);
  // One result per key, in order. Default: a loop over get().
  virtual std::vector<std::optional<ByteBuffer>> get_many(std::span<const std::string> keys);
  // Whether the key holds an object. Default: size().
  virtual bool exists(std::string_view key);

  // --- writes (each throws on a read-only store) ----------------------------
  // Creates or replaces the object. Readers see the old or the new bytes,
  // never a mix.
  virtual void set(std::string_view key, ByteView value) = 0;
  // keys.size() must equal values.size(). Default: a loop over set(). Every
  // key is validated before anything is written.
  virtual void set_many(std::span<const std::string> keys, std::span<const ByteView> values);
  // A writer for one object (above), for values made in pieces that need not
  // be held whole in memory. Default: keeps the pieces and calls set() at
  // commit; the filesystem store writes them to its temporary file as they
  // come. Validates the key and refuses a read-only store now.
  virtual std::unique_ptr<StoreWriter> open_writer(std::string_view key);
  // Removes the object; true if it existed.
  virtual bool erase(std::string_view key) = 0;
  // Default: a loop over erase().
  virtual void erase_many(std::span<const std::string> keys);
  // Removes every key under the prefix ("a" or "a/": "a/..." but not "ab";
  // "": everything), as zarr-python's delete_dir.
  virtual void erase_prefix(std::string_view prefix);

  // --- listing (sorted) ------------------------------------------------------
  // Every key.
  virtual std::vector<std::string> list() = 0;
  // Keys that begin with `prefix` as a string ("a/c" lists "a/c/0" and
  // "a/cat"). The part up to the last '/' must be a valid prefix.
  virtual std::vector<std::string> list_prefix(std::string_view prefix);
  // The immediate children of a prefix ("" or "a" or "a/"): names of keys
  // and of sub-prefixes, without the prefix and without a trailing '/', as
  // zarr-python's list_dir. A missing prefix has no children.
  virtual std::vector<std::string> list_dir(std::string_view prefix) = 0;

  // --- adapters --------------------------------------------------------------
  // A reader of one object's byte ranges for sharding's partial reads:
  // size() asks this store (once), read() calls get_ranges(). The store must
  // outlive the reader. (PrefetchStore's reader reports only the size it
  // knows, so that planning and reading agree on where an index lies.)
  virtual std::unique_ptr<codec::ByteRangeReader> range_reader(std::string key);
};

// Throws the read-only error (above), naming the store.
[[noreturn]] void throw_read_only(const Store& store);

}  // namespace zarrnative::store

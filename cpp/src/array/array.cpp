// Opening, creating, resizing and inspecting arrays. Reading and writing
// live in array_read.cpp and array_write.cpp.
#include "zarrnative/array/array.h"

#include <string>

#include "zarrnative/common/error.h"

namespace zarrnative::array {
namespace {

std::string join(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "/" + std::string(name);
}

std::string text(const ByteBuffer& b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

bool is_group_v3(const ByteBuffer& doc, const std::string& path) {
  return metadata::node_type_of_v3(text(doc), path) == "group";
}

}  // namespace

Array::Array(std::shared_ptr<store::Store> store, std::string path, metadata::ArrayMetadata meta)
    : store_(std::move(store)), path_(std::move(path)), meta_(std::move(meta)) {
  pipeline_ = meta_.make_pipeline();
  if (pipeline_->array_to_array().empty() && pipeline_->bytes_to_bytes().empty()) {
    sharding_ = dynamic_cast<const codec::ShardingCodec*>(pipeline_->array_to_bytes().get());
  }
}

std::shared_ptr<Array> Array::open(std::shared_ptr<store::Store> store, std::string path,
                                   std::optional<int> zarr_format) {
  check(store != nullptr, ErrorCode::kInvalidArgument, "open: no store");
  if (!path.empty()) store::validate_key(path);
  if (!zarr_format || *zarr_format == 3) {
    if (auto doc = store->get(join(path, "zarr.json"))) {
      if (is_group_v3(*doc, path)) {
        throw Error(ErrorCode::kNodeNotFound, "no array at '" + path + "' in " + store->describe() + ": it is a group");
      }
      auto meta = metadata::ArrayMetadata::parse_v3(text(*doc), path);
      return std::shared_ptr<Array>(new Array(std::move(store), std::move(path), std::move(meta)));
    }
  }
  if (!zarr_format || *zarr_format == 2) {
    if (auto zarray = store->get(join(path, ".zarray"))) {
      auto zattrs = store->get(join(path, ".zattrs"));
      std::optional<std::string> attrs;
      if (zattrs) attrs = text(*zattrs);
      auto meta = metadata::ArrayMetadata::parse_v2(text(*zarray), attrs ? std::optional<std::string_view>(*attrs)
                                                                         : std::nullopt, path);
      return std::shared_ptr<Array>(new Array(std::move(store), std::move(path), std::move(meta)));
    }
    if (store->exists(join(path, ".zgroup"))) {
      throw Error(ErrorCode::kNodeNotFound, "no array at '" + path + "' in " + store->describe() + ": it is a group");
    }
  }
  throw Error(ErrorCode::kNodeNotFound, "no array at '" + path + "' in " + store->describe() +
                                            (zarr_format ? " (zarr_format " + std::to_string(*zarr_format) + ")" : ""));
}

std::shared_ptr<Array> Array::create(std::shared_ptr<store::Store> store, std::string path,
                                     metadata::ArrayMetadata meta, bool overwrite) {
  check(store != nullptr, ErrorCode::kInvalidArgument, "create: no store");
  if (!path.empty()) store::validate_key(path);
  // What is there already?
  bool array_there = false, group_there = false;
  if (auto doc = store->get(join(path, "zarr.json"))) {
    (is_group_v3(*doc, path) ? group_there : array_there) = true;
  }
  array_there = array_there || store->exists(join(path, ".zarray"));
  group_there = group_there || store->exists(join(path, ".zgroup"));
  if (array_there || group_there) {
    if (!overwrite) {
      throw Error(array_there ? ErrorCode::kContainsArray : ErrorCode::kContainsGroup,
                  std::string("an ") + (array_there ? "array" : "group") + " exists at '" + path + "' in " +
                      store->describe() + " (pass overwrite=True to replace it)");
    }
  }
  if (overwrite) store->erase_prefix(path.empty() ? "" : path + "/");
  std::shared_ptr<Array> a(new Array(std::move(store), std::move(path), std::move(meta)));
  a->write_metadata();
  return a;
}

std::shared_ptr<Array> Array::from_metadata(std::shared_ptr<store::Store> store, std::string path,
                                            metadata::ArrayMetadata meta) {
  check(store != nullptr, ErrorCode::kInvalidArgument, "from_metadata: no store");
  if (!path.empty()) store::validate_key(path);
  return std::shared_ptr<Array>(new Array(std::move(store), std::move(path), std::move(meta)));
}

void Array::write_metadata() {
  if (meta_.zarr_format == 3) {
    std::string doc = metadata::dump_json_document(meta_.to_json(), 2);
    store_->set(join(path_, "zarr.json"), ByteView(reinterpret_cast<const uint8_t*>(doc.data()), doc.size()));
    return;
  }
  std::string zarray = metadata::dump_json_document(meta_.to_json(), 2);
  store_->set(join(path_, ".zarray"), ByteView(reinterpret_cast<const uint8_t*>(zarray.data()), zarray.size()));
  // .zattrs is always written ("{}" when empty), as zarr-python writes it.
  std::string zattrs = metadata::dump_json_document(meta_.attributes_json(), 2);
  store_->set(join(path_, ".zattrs"), ByteView(reinterpret_cast<const uint8_t*>(zattrs.data()), zattrs.size()));
}

std::string Array::chunk_key(const Shape& coords) const { return join(path_, meta_.chunk_key(coords)); }

void Array::resize(const Shape& new_shape) {
  metadata::ArrayMetadata next = meta_.with_shape(new_shape);
  // Erase the stored chunks that lie wholly outside the new shape.
  const Shape grid = meta_.chunk_grid_shape();
  const Shape keep = next.chunk_grid_shape();
  bool shrinks = false;
  for (size_t d = 0; d < grid.size(); ++d) shrinks = shrinks || keep[d] < grid[d];
  if (shrinks) {
    std::vector<std::string> doomed;
    Shape idx(grid.size(), 0);
    int64_t total = 1;
    for (int64_t g : grid) total *= g;
    for (int64_t n = 0; n < total; ++n) {
      int64_t rest = n;
      bool outside = false;
      for (size_t d = grid.size(); d-- > 0;) {
        idx[d] = rest % grid[d];
        rest /= grid[d];
        outside = outside || idx[d] >= keep[d];
      }
      if (outside) doomed.push_back(chunk_key(idx));
    }
    store_->erase_many(doomed);
  }
  meta_ = std::move(next);
  write_metadata();
}

void Array::set_attributes(const json& attributes) {
  meta_ = meta_.with_attributes(attributes);
  write_metadata();
}

int64_t Array::nchunks_initialized() const {
  const std::string prefix = path_.empty() ? "" : path_ + "/";
  int64_t n = 0;
  for (const std::string& key : store_->list_prefix(prefix)) {
    std::string_view rel = std::string_view(key).substr(prefix.size());
    if (rel == "zarr.json" || rel == ".zarray" || rel == ".zattrs") continue;
    ++n;
  }
  return n;
}

uint64_t Array::nbytes_stored() const {
  const std::string prefix = path_.empty() ? "" : path_ + "/";
  uint64_t total = 0;
  for (const std::string& key : store_->list_prefix(prefix)) total += store_->size(key).value_or(0);
  return total;
}

}  // namespace zarrnative::array

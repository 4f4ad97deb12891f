#include "zarrnative/array/selection.h"

#include <cstring>
#include <map>
#include <string>
#include <unordered_map>

#include "zarrnative/common/error.h"

namespace zarrnative::array {
namespace {

std::vector<DimPart> split_dimension(const DimSelection& s, int64_t extent, int64_t chunk, int dim) {
  std::vector<DimPart> parts;
  if (s.kind == DimSelection::Kind::kSlice) {
    check(s.step >= 1, ErrorCode::kInvalidArgument, [&] {
      return "dimension " + std::to_string(dim) + ": slice step must be positive, got " + std::to_string(s.step);
    });
    if (s.count() == 0) return parts;
    check(s.start >= 0 && s.start < extent && s.stop <= extent, ErrorCode::kOutOfRange, [&] {
      return "dimension " + std::to_string(dim) + ": slice [" + std::to_string(s.start) + ":" + std::to_string(s.stop) +
             "] is outside [0, " + std::to_string(extent) + ")";
    });
    int64_t pos = s.start, out = 0;
    while (pos < s.stop) {
      int64_t ch = pos / chunk;
      int64_t end = std::min((ch + 1) * chunk, s.stop);
      int64_t n = (end - pos + s.step - 1) / s.step;
      DimPart p;
      p.chunk = ch;
      p.local_start = pos - ch * chunk;
      p.local_step = s.step;
      p.out_start = out;
      p.count = n;
      parts.push_back(std::move(p));
      out += n;
      pos += n * s.step;
    }
    return parts;
  }
  std::map<int64_t, size_t> by_chunk;  // chunk -> index into parts, in chunk order
  for (size_t k = 0; k < s.indices.size(); ++k) {
    int64_t i = s.indices[k];
    check(i >= 0 && i < extent, ErrorCode::kOutOfRange, [&] {
      return "dimension " + std::to_string(dim) + ": index " + std::to_string(i) + " is outside [0, " +
             std::to_string(extent) + ")";
    });
    int64_t ch = i / chunk;
    auto [it, fresh] = by_chunk.try_emplace(ch, parts.size());
    if (fresh) {
      DimPart p;
      p.chunk = ch;
      p.is_run = false;
      parts.push_back(std::move(p));
    }
    parts[it->second].local.push_back(i - ch * chunk);
    parts[it->second].out.push_back(static_cast<int64_t>(k));
  }
  std::vector<DimPart> ordered;
  ordered.reserve(parts.size());
  for (auto& [ch, idx] : by_chunk) ordered.push_back(std::move(parts[idx]));
  return ordered;
}

// Byte offsets along one dimension for the generic copy.
void offsets(const DimPart& p, int64_t chunk_stride, int64_t sel_stride, std::vector<int64_t>& c,
             std::vector<int64_t>& s) {
  c.clear();
  s.clear();
  if (p.is_run) {
    for (int64_t k = 0; k < p.count; ++k) {
      c.push_back((p.local_start + k * p.local_step) * chunk_stride);
      s.push_back((p.out_start + k) * sel_stride);
    }
  } else {
    for (size_t k = 0; k < p.local.size(); ++k) {
      c.push_back(p.local[k] * chunk_stride);
      s.push_back(p.out[k] * sel_stride);
    }
  }
}

// Copies element by element along per-dimension offset lists.
void copy_by_offsets(char* dst, const char* src, const std::vector<std::vector<int64_t>>& dst_offs,
                     const std::vector<std::vector<int64_t>>& src_offs, int64_t itemsize) {
  const size_t n = dst_offs.size();
  if (n == 0) {
    std::memcpy(dst, src, static_cast<size_t>(itemsize));
    return;
  }
  for (const auto& v : dst_offs) {
    if (v.empty()) return;
  }
  std::vector<size_t> idx(n, 0);
  while (true) {
    int64_t d = 0, s = 0;
    for (size_t k = 0; k + 1 < n; ++k) {
      d += dst_offs[k][idx[k]];
      s += src_offs[k][idx[k]];
    }
    const auto& di = dst_offs[n - 1];
    const auto& si = src_offs[n - 1];
    for (size_t j = 0; j < di.size(); ++j) std::memcpy(dst + d + di[j], src + s + si[j], static_cast<size_t>(itemsize));
    size_t k = n - 1;
    while (k-- > 0) {
      if (++idx[k] < dst_offs[k].size()) break;
      idx[k] = 0;
    }
    if (k == static_cast<size_t>(-1)) return;
  }
}

bool all_runs(const ChunkTask& t) {
  for (const DimPart* p : t.dims) {
    if (!p->is_run) return false;
  }
  return true;
}

}  // namespace

int64_t DimSelection::count() const {
  if (kind == Kind::kIndices) return static_cast<int64_t>(indices.size());
  return start >= stop ? 0 : (stop - start + step - 1) / step;
}

ChunkPlan plan_orthogonal(const OrthogonalSelection& sel, const Shape& shape, const Shape& chunks) {
  check(sel.size() == shape.size(), ErrorCode::kOutOfRange, [&] {
    return "selection has " + std::to_string(sel.size()) + " dimensions, the array " + std::to_string(shape.size());
  });
  const int n = static_cast<int>(shape.size());
  ChunkPlan plan;
  plan.parts.resize(n);
  for (int d = 0; d < n; ++d) {
    plan.parts[d] = split_dimension(sel[d], shape[d], chunks[d], d);
    plan.out_shape.push_back(sel[d].count());
  }
  for (int d = 0; d < n; ++d) {
    if (plan.parts[d].empty()) return plan;  // nothing selected
  }
  std::vector<size_t> idx(n, 0);
  while (true) {
    ChunkTask t;
    t.covers_chunk = true;
    for (int d = 0; d < n; ++d) {
      const DimPart& p = plan.parts[d][idx[d]];
      t.coords.push_back(p.chunk);
      t.dims.push_back(&p);
      int64_t in_bounds = std::min(chunks[d], shape[d] - p.chunk * chunks[d]);
      t.covers_chunk = t.covers_chunk && p.is_run && p.local_start == 0 && p.count == in_bounds &&
                       (p.local_step == 1 || p.count == 1);
    }
    plan.tasks.push_back(std::move(t));
    int d = n - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < plan.parts[d].size()) break;
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  return plan;
}

std::vector<PointGroup> plan_points(const std::vector<std::vector<int64_t>>& points, const Shape& shape,
                                    const Shape& chunks) {
  const size_t n = shape.size();
  check(points.size() == n, ErrorCode::kOutOfRange, [&] {
    return "coordinate selection has " + std::to_string(points.size()) + " index arrays, the array " +
           std::to_string(n) + " dimensions";
  });
  size_t count = n ? points[0].size() : 0;
  for (const auto& p : points) {
    check(p.size() == count, ErrorCode::kInvalidArgument, "coordinate index arrays differ in length");
  }
  std::vector<PointGroup> groups;
  std::map<Shape, size_t> by_chunk;
  Shape coords(n), local(n);
  for (size_t i = 0; i < count; ++i) {
    for (size_t d = 0; d < n; ++d) {
      int64_t v = points[d][i];
      check(v >= 0 && v < shape[d], ErrorCode::kOutOfRange, [&] {
        return "dimension " + std::to_string(d) + ": index " + std::to_string(v) + " is outside [0, " +
               std::to_string(shape[d]) + ")";
      });
      coords[d] = v / chunks[d];
      local[d] = v - coords[d] * chunks[d];
    }
    auto [it, fresh] = by_chunk.try_emplace(coords, groups.size());
    if (fresh) groups.push_back(PointGroup{coords, {}, {}});
    PointGroup& g = groups[it->second];
    g.local.insert(g.local.end(), local.begin(), local.end());
    g.out.push_back(static_cast<int64_t>(i));
  }
  return groups;
}

void copy_task(const ChunkTask& task, const NDArray& chunk, const NDArray& selection, bool to_selection) {
  const int n = static_cast<int>(task.dims.size());
  const int64_t isz = chunk.itemsize();
  if (all_runs(task)) {
    int64_t c_off = 0, s_off = 0;
    Shape c_str(n), s_str(n), shape(n);
    for (int d = 0; d < n; ++d) {
      const DimPart& p = *task.dims[d];
      c_off += p.local_start * chunk.strides()[d];
      s_off += p.out_start * selection.strides()[d];
      c_str[d] = p.local_step * chunk.strides()[d];
      s_str[d] = selection.strides()[d];
      shape[d] = p.count;
    }
    char* c = static_cast<char*>(chunk.data()) + c_off;
    char* s = static_cast<char*>(selection.data()) + s_off;
    if (to_selection) strided_copy_host(s, s_str.data(), c, c_str.data(), shape.data(), n, isz);
    else strided_copy_host(c, c_str.data(), s, s_str.data(), shape.data(), n, isz);
    return;
  }
  std::vector<std::vector<int64_t>> c_offs(n), s_offs(n);
  for (int d = 0; d < n; ++d) offsets(*task.dims[d], chunk.strides()[d], selection.strides()[d], c_offs[d], s_offs[d]);
  if (to_selection) {
    copy_by_offsets(static_cast<char*>(selection.data()), static_cast<const char*>(chunk.data()), s_offs, c_offs, isz);
  } else {
    copy_by_offsets(static_cast<char*>(chunk.data()), static_cast<const char*>(selection.data()), c_offs, s_offs, isz);
  }
}

void fill_task(const ChunkTask& task, const NDArray& selection, const uint8_t* element) {
  const int n = static_cast<int>(task.dims.size());
  std::vector<std::vector<int64_t>> zero(n), s_offs(n);
  for (int d = 0; d < n; ++d) {
    offsets(*task.dims[d], 0, selection.strides()[d], zero[d], s_offs[d]);
  }
  copy_by_offsets(static_cast<char*>(selection.data()), reinterpret_cast<const char*>(element), s_offs, zero,
                  selection.itemsize());
}

}  // namespace zarrnative::array

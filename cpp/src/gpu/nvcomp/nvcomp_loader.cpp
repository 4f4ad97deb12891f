// Loads libnvcomp.so.6 with dlopen (see zarrnative/gpu/nvcomp.h for the
// search order). RTLD_LOCAL keeps nvCOMP's symbols out of the global
// namespace, as the wheel's own loader does.
#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "gpu/nvcomp/nvcomp_api.h"
#include "zarrnative/common/error.h"
#include "zarrnative/gpu/nvcomp.h"

namespace zarrnative::gpu {
namespace {

constexpr const char* kSoname = "libnvcomp.so.6";

std::mutex g_mutex;
std::string g_requested;  // set_nvcomp_library()
bool g_tried = false;
NvcompStatus g_status;
nvcomp::Api g_api{};

template <typename Fn>
bool resolve(void* handle, const char* name, Fn& fn, std::string& missing) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  if (!fn) missing += (missing.empty() ? "" : ", ") + std::string(name);
  return fn != nullptr;
}

// Tries one candidate; on success fills g_api and g_status.
bool try_load(const std::string& path, std::string& errors) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = dlerror();
    errors += "\n  " + path + ": " + (e ? e : "dlopen failed");
    return false;
  }
  nvcomp::Api api{};
  std::string missing;
  resolve(handle, "nvcompGetProperties", api.get_properties, missing);
  resolve(handle, "nvcompGetStatusString", api.status_string, missing);
  resolve(handle, "nvcompBatchedZstdDecompressGetTempSize", api.zstd_temp_size, missing);
  resolve(handle, "nvcompBatchedZstdDecompressAsync", api.zstd_decompress, missing);
  resolve(handle, "nvcompBatchedDeflateDecompressGetTempSize", api.deflate_temp_size, missing);
  resolve(handle, "nvcompBatchedDeflateDecompressAsync", api.deflate_decompress, missing);
  resolve(handle, "nvcompBatchedLZ4DecompressGetTempSize", api.lz4_temp_size, missing);
  resolve(handle, "nvcompBatchedLZ4DecompressAsync", api.lz4_decompress, missing);
  if (!missing.empty()) {
    errors += "\n  " + path + ": lacks " + missing + " (nvCOMP 6 is needed)";
    dlclose(handle);
    return false;
  }
  nvcompProperties_t props{};
  if (api.get_properties(&props) != nvcompSuccess) {
    errors += "\n  " + path + ": nvcompGetProperties failed";
    dlclose(handle);
    return false;
  }
  const uint32_t v = props.version;  // major * 1000 + minor * 100 + patch
  if (v / 1000 != NVCOMP_VER_MAJOR) {
    errors += "\n  " + path + ": version " + std::to_string(v) + ", zarrnative was built for nvCOMP " +
              std::to_string(NVCOMP_VER_MAJOR);
    dlclose(handle);
    return false;
  }
  Dl_info info{};
  g_status.library = dladdr(reinterpret_cast<void*>(api.get_properties), &info) && info.dli_fname
                         ? info.dli_fname
                         : path;
  g_status.version = std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 100) + "." + std::to_string(v % 100);
  g_status.loaded = true;
  g_api = api;
  return true;  // the handle stays open for the life of the process
}

void load_locked() {
  if (g_tried) return;
  g_tried = true;
  g_status.compiled = true;
  std::string errors;
  std::vector<std::string> candidates;
  if (!g_requested.empty()) candidates.push_back(g_requested);
  if (const char* env = std::getenv("ZARRNATIVE_NVCOMP_LIBRARY"); env && *env) candidates.push_back(env);
  candidates.push_back(kSoname);
#ifdef ZARRNATIVE_NVCOMP_LIBRARY_DIR
  candidates.push_back(std::string(ZARRNATIVE_NVCOMP_LIBRARY_DIR) + "/" + kSoname);
#endif
  for (const std::string& c : candidates) {
    if (try_load(c, errors)) return;
  }
  g_status.reason = "nvCOMP 6 could not be loaded (install the 'gpu' extra: pip install nvidia-libnvcomp-cu13); tried:" +
                    errors;
}

}  // namespace

NvcompStatus nvcomp_status() {
  std::lock_guard<std::mutex> lock(g_mutex);
  load_locked();
  return g_status;
}

void set_nvcomp_library(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_status.loaded) return;
  g_requested = path;
  g_tried = false;  // a new candidate: try again
  g_status = NvcompStatus{};
}

namespace nvcomp {
const Api& api() {
  std::lock_guard<std::mutex> lock(g_mutex);
  load_locked();
  if (!g_status.loaded) throw Error(ErrorCode::kDeviceUnavailable, g_status.reason);
  return g_api;
}
}  // namespace nvcomp

}  // namespace zarrnative::gpu

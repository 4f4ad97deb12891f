// zarrnative: nvCOMP, found at run time.
//
// zarrnative never links libnvcomp: the extension must import on machines
// without it (and without CUDA). Where the build found nvCOMP's headers
// (the nvidia-libnvcomp-cu13 wheel, through its CMake config), the GPU read
// dlopens libnvcomp.so.6 when it first needs it, looking in turn at:
//   1. the path given to set_nvcomp_library() (Python passes the wheel's
//      lib64/libnvcomp.so.6 when the wheel is installed);
//   2. the environment variable ZARRNATIVE_NVCOMP_LIBRARY;
//   3. "libnvcomp.so.6" through the dynamic loader's search (LD_LIBRARY_PATH...);
//   4. the wheel's library directory seen at build time.
// Loading needs no GPU: nvCOMP reaches the driver only when it decodes.
//
//   NvcompStatus s = nvcomp_status();
//   if (!s.loaded) std::cerr << "no GPU decoding: " << s.reason;
#pragma once

#include <string>

namespace zarrnative::gpu {

struct NvcompStatus {
  bool compiled = false;  // this build has the nvCOMP decode path
  bool loaded = false;    // libnvcomp was loaded and has every function used
  std::string library;    // the file loaded
  std::string version;    // "6.0.0" (nvcompGetProperties), when loaded
  std::string reason;     // why not, when !loaded
};

// Loads nvCOMP on first call (thread-safe); later calls return the result.
NvcompStatus nvcomp_status();

// The library to try first. Has no effect once nvCOMP was loaded.
void set_nvcomp_library(const std::string& path);

}  // namespace zarrnative::gpu

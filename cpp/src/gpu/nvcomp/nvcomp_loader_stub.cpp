// nvCOMP in a build that did not find its headers (or has no CUDA): the
// GPU decode path is absent and says so.
#include "zarrnative/gpu/nvcomp.h"

namespace zarrnative::gpu {

NvcompStatus nvcomp_status() {
  NvcompStatus s;
  s.reason =
      "zarrnative was built without nvCOMP (no CUDA compiler, or the nvidia-libnvcomp-cu13 wheel was not "
      "installed at build time)";
  return s;
}

void set_nvcomp_library(const std::string&) {}

}  // namespace zarrnative::gpu

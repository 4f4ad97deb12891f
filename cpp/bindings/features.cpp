// What this build and this machine support, read at run time.
#include "bindings.h"
#include "zarrnative/cuda/runtime.h"

namespace zarrnative::bindings {

void init_features(nb::module_& m) {
  m.def("features", []() {
    nb::dict d;
    std::string why;
    int devices = cuda::device_count(&why);
    d["cuda_compiled"] = cuda::compiled();
    d["cuda_runtime_version"] = cuda::runtime_version();
    d["cuda_driver_version"] = cuda::driver_version();
    d["cuda_devices"] = devices;
    d["cuda_unavailable_reason"] = devices > 0 ? nb::none() : nb::object(nb::str(why.c_str()));
    return d;
  }, "Capabilities of this build and this machine.");
}

}  // namespace zarrnative::bindings

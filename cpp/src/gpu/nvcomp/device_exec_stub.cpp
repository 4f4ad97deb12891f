// A build without the GPU decode path (no CUDA compiler or no nvCOMP
// headers): a GPU read of a chain that nvCOMP would decode says why it
// cannot run.
#include "gpu/device_exec.h"
#include "zarrnative/common/error.h"
#include "zarrnative/gpu/nvcomp.h"

namespace zarrnative::gpu {

bool execute_compiled() { return false; }

void execute_plan(const ReadPlan&, void*, const DeviceReadOptions&) {
  throw Error(ErrorCode::kDeviceUnavailable, "GPU decoding is unavailable: " + nvcomp_status().reason);
}

}  // namespace zarrnative::gpu

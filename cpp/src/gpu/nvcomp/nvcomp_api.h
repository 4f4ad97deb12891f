// The nvCOMP functions the GPU read calls, resolved with dlsym from the
// library nvcomp_status() loaded. Their types come from nvCOMP's own
// headers (decltype), so a changed signature fails to compile rather than
// to run. Private to cpp/src/gpu/nvcomp.
#pragma once

#include <nvcomp.h>

namespace zarrnative::gpu::nvcomp {

struct Api {
  decltype(&::nvcompGetProperties) get_properties;
  decltype(&::nvcompGetStatusString) status_string;

  decltype(&::nvcompBatchedZstdDecompressGetTempSize) zstd_temp_size;
  decltype(&::nvcompBatchedZstdDecompressAsync) zstd_decompress;
  decltype(&::nvcompBatchedDeflateDecompressGetTempSize) deflate_temp_size;
  decltype(&::nvcompBatchedDeflateDecompressAsync) deflate_decompress;
  decltype(&::nvcompBatchedLZ4DecompressGetTempSize) lz4_temp_size;
  decltype(&::nvcompBatchedLZ4DecompressAsync) lz4_decompress;
};

// The loaded functions; throws Error(kDeviceUnavailable) with the reason
// (nvcomp_status().reason) when nvCOMP could not be loaded.
const Api& api();

}  // namespace zarrnative::gpu::nvcomp

#include "zarrnative/codec/codec.h"

#include <cstring>
#include <string>

#include "zarrnative/common/error.h"

namespace zarrnative::codec {

void config_error(std::string_view codec, std::string_view message) {
  throw Error(ErrorCode::kCodecConfig, std::string(codec) + ": " + std::string(message));
}

void corrupt_error(std::string_view codec, std::string_view message) {
  throw Error(ErrorCode::kCorruptChunk, std::string(codec) + ": " + std::string(message));
}

void BytesToBytesCodec::decode_into(ByteView in, MutableByteView out, const CodecOptions& options) const {
  ByteBuffer tmp;
  decode(in, tmp, out.size(), options);
  if (tmp.size() != out.size()) {
    corrupt_error(name(), "decoded " + std::to_string(tmp.size()) + " bytes, expected " + std::to_string(out.size()));
  }
  if (!out.empty()) std::memcpy(out.data(), tmp.data(), out.size());
}

}  // namespace zarrnative::codec

#include "codec/bytes_to_bytes/blosc_codec.h"

#include <blosc.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/bytes_to_bytes/byte_shuffle.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kBlosc;
constexpr size_t kHeader = BLOSC_MIN_HEADER_LENGTH;

const char* shuffle_name(BloscConfig::Shuffle s) {
  switch (s) {
    case BloscConfig::Shuffle::kNone: return "noshuffle";
    case BloscConfig::Shuffle::kByte: return "shuffle";
    case BloscConfig::Shuffle::kBit: return "bitshuffle";
  }
  return "shuffle";
}

BloscConfig::Shuffle parse_shuffle(const json& config, int itemsize) {
  const auto automatic = itemsize == 1 ? BloscConfig::Shuffle::kBit : BloscConfig::Shuffle::kByte;
  if (!has(config, "shuffle")) return automatic;
  const json& v = config.at("shuffle");
  if (v.is_number_integer()) {  // numcodecs: -1 AUTOSHUFFLE, 0, 1, 2
    switch (get_int(kName, config, "shuffle", std::nullopt, -1, 2)) {
      case -1: return automatic;
      case 0: return BloscConfig::Shuffle::kNone;
      case 1: return BloscConfig::Shuffle::kByte;
      default: return BloscConfig::Shuffle::kBit;
    }
  }
  const std::string s = get_string(kName, config, "shuffle", std::nullopt);
  if (s == "noshuffle") return BloscConfig::Shuffle::kNone;
  if (s == "shuffle") return BloscConfig::Shuffle::kByte;
  if (s == "bitshuffle") return BloscConfig::Shuffle::kBit;
  config_error(kName, "'shuffle' '" + s + "' is not one of noshuffle, shuffle, bitshuffle (or -1, 0, 1, 2)");
}

class BloscCodec final : public BytesToBytesCodec {
 public:
  explicit BloscCodec(BloscConfig config) : config_(std::move(config)) {}

  std::string_view name() const override { return kName; }

  json to_json() const override {
    return {{"name", kName},
            {"configuration",
             {{"cname", config_.cname},
              {"clevel", config_.clevel},
              {"shuffle", shuffle_name(config_.shuffle)},
              {"typesize", config_.typesize},
              {"blocksize", config_.blocksize}}}};
  }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(decoded.bytes + BLOSC_MAX_OVERHEAD);
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    if (in.size() > BLOSC_MAX_BUFFERSIZE) {
      throw Error(ErrorCode::kInvalidArgument, "blosc: a chunk of " + std::to_string(in.size()) +
                                                   " bytes is larger than blosc's limit of " +
                                                   std::to_string(BLOSC_MAX_BUFFERSIZE));
    }
    static const uint8_t kNothing = 0;  // blosc wants a source pointer even for no bytes
    out.resize(in.size() + BLOSC_MAX_OVERHEAD);
    if (encode_preshuffled(in, out)) return;
    // The context API: no global lock, one internal thread (the pipeline
    // parallelises across chunks).
    int n = blosc_compress_ctx(config_.clevel, static_cast<int>(config_.shuffle), config_.typesize, in.size(),
                               in.empty() ? &kNothing : in.data(), out.data(), out.size(), config_.cname.c_str(),
                               static_cast<size_t>(config_.blocksize), 1);
    if (n <= 0) throw Error(ErrorCode::kInternal, "blosc: compression failed (" + std::to_string(n) + ")");
    out.resize(static_cast<size_t>(n));
    if (n >= static_cast<int>(kHeader) && !(out.data()[2] & BLOSC_MEMCPYED)) remember_blocksize(in.size(), out.data());
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    const size_t n = checked_nbytes(in, expected_size, expected_size ? *expected_size : options.max_decoded_bytes);
    out.resize(n);  // n is the expected size or within the limit
    decompress(in, out.mutable_view());
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    checked_nbytes(in, out.size(), out.size());
    decompress(in, out);
  }

 private:
  // The decoded size from the header, once the header's sizes agree with
  // the input and with what is expected: c-blosc 1.x trusts the header's
  // compressed size (it has no source length argument).
  static size_t checked_nbytes(ByteView in, std::optional<uint64_t> expected, uint64_t limit) {
    if (in.size() < kHeader) {
      corrupt_error(kName, "input of " + std::to_string(in.size()) + " bytes is shorter than the 16-byte header");
    }
    const int version = in[0];
    if (version == 0 || version > BLOSC_VERSION_FORMAT) {
      corrupt_error(kName, "unsupported format version " + std::to_string(version) + " (c-blosc 1.x reads 1 to " +
                               std::to_string(BLOSC_VERSION_FORMAT) + ")");
    }
    const uint32_t nbytes = detail::load_le32(in.data() + 4);
    const uint32_t cbytes = detail::load_le32(in.data() + 12);
    if (cbytes > in.size() || cbytes < kHeader) {
      corrupt_error(kName, "the header claims " + std::to_string(cbytes) + " compressed bytes, the chunk holds " +
                               std::to_string(in.size()));
    }
    if (expected && nbytes != *expected) {
      corrupt_error(kName, "the header claims " + std::to_string(nbytes) + " decoded bytes, expected " +
                               std::to_string(*expected));
    }
    if (nbytes > limit) {
      corrupt_error(kName, "the header claims " + std::to_string(nbytes) + " decoded bytes, more than the limit of " +
                               std::to_string(limit));
    }
    // The block table (4 bytes a block) must fit in what the header says it
    // holds, unless the data was stored uncompressed after the header.
    const uint32_t blocksize = detail::load_le32(in.data() + 8);
    if (in[2] & BLOSC_MEMCPYED) {
      if (uint64_t{cbytes} != uint64_t{nbytes} + kHeader) {
        corrupt_error(kName, "the header says the data is stored uncompressed, but claims " + std::to_string(nbytes) +
                                 " bytes in " + std::to_string(cbytes));
      }
    } else if (nbytes > 0) {
      const uint64_t nblocks = blocksize == 0 ? UINT64_MAX : (uint64_t{nbytes} + blocksize - 1) / blocksize;
      if (nblocks > (cbytes - kHeader) / 4) {
        corrupt_error(kName, "the header claims " + std::to_string(nbytes) + " bytes in blocks of " +
                                 std::to_string(blocksize) + ", more than " + std::to_string(cbytes) +
                                 " compressed bytes can index");
      }
    }
    size_t validated = 0;
    if (blosc_cbuffer_validate(in.data(), cbytes, &validated) != 0 || validated != nbytes) {
      corrupt_error(kName, "invalid header (sizes, block size or flags)");
    }
    return nbytes;
  }

  static void decompress(ByteView in, MutableByteView out) {
    if (out.empty()) return;  // the header alone says it all
    int n = blosc_decompress_ctx(in.data(), out.data(), out.size(), 1);
    if (n < 0 || static_cast<size_t>(n) != out.size()) {
      corrupt_error(kName, "invalid or truncated blocks (blosc returned " + std::to_string(n) + ")");
    }
  }

  // Byte shuffle done here, with vector kernels, then blosc without shuffle
  // and the header's shuffle flag set: the same bytes blosc writes (it
  // shuffles each block, then compresses it, and neither its block size nor
  // its splitting depends on the shuffle), where blosc's own shuffle is
  // slower. Needs the block size blosc picks for this input size, learnt
  // from an ordinary call; returns false (nothing written) when it does not
  // apply, or when blosc stored the data uncompressed (that would be the
  // shuffled bytes).
  bool encode_preshuffled(ByteView in, ByteBuffer& out) const {
    const auto ts = static_cast<size_t>(config_.typesize);
    if (config_.shuffle != BloscConfig::Shuffle::kByte || !shuffle_is_vectorised(ts) ||
        in.size() < kPreshuffleMin) {
      return false;
    }
    const uint32_t block = known_blocksize(in.size());
    if (block == 0 || block % ts != 0) return false;
    thread_local ByteBuffer shuffled;
    struct Trim {  // a thread keeps a few MiB at most, whatever the outcome
      ~Trim() {
        if (shuffled.size() > kKeepShuffled) shuffled = ByteBuffer();
      }
    } trim;
    shuffled.resize(in.size());
    const ShuffleKernel kernel = shuffle_kernel(ts);
    for (size_t start = 0; start < in.size(); start += block) {
      const size_t bsize = std::min<size_t>(block, in.size() - start);
      const size_t whole = bsize / ts * ts;
      kernel(in.data() + start, shuffled.data() + start, bsize / ts, ts);
      std::memcpy(shuffled.data() + start + whole, in.data() + start + whole, bsize - whole);
    }
    int n = blosc_compress_ctx(config_.clevel, BLOSC_NOSHUFFLE, config_.typesize, in.size(), shuffled.data(),
                               out.data(), out.size(), config_.cname.c_str(), static_cast<size_t>(config_.blocksize),
                               1);
    if (n < static_cast<int>(kHeader)) return false;
    if ((out.data()[2] & (BLOSC_MEMCPYED | BLOSC_DOSHUFFLE | BLOSC_DOBITSHUFFLE)) != 0) return false;
    if (detail::load_le32(out.data() + 8) != block) return false;
    out.data()[2] |= BLOSC_DOSHUFFLE;
    out.resize(static_cast<size_t>(n));
    return true;
  }

  // The block size blosc chose for inputs of `nbytes` (0: not seen yet).
  uint32_t known_blocksize(size_t nbytes) const {
    std::lock_guard<std::mutex> lock(blocks_mu_);
    return blocksize_locked(nbytes);
  }
  void remember_blocksize(size_t nbytes, const uint8_t* header) const {
    if (config_.shuffle != BloscConfig::Shuffle::kByte || nbytes < kPreshuffleMin) return;
    std::lock_guard<std::mutex> lock(blocks_mu_);
    if (blocksize_locked(nbytes) != 0) return;
    if (blocks_.size() >= 16) blocks_.erase(blocks_.begin());  // a few chunk sizes per array
    blocks_.emplace_back(nbytes, detail::load_le32(header + 8));
  }
  uint32_t blocksize_locked(size_t nbytes) const {
    for (const auto& [size, block] : blocks_) {
      if (size == nbytes) return block;
    }
    return 0;
  }

  static constexpr size_t kPreshuffleMin = 4096;
  static constexpr size_t kKeepShuffled = size_t{8} << 20;
  BloscConfig config_;
  mutable std::mutex blocks_mu_;
  mutable std::vector<std::pair<size_t, uint32_t>> blocks_;
};

}  // namespace

BloscConfig parse_blosc_config(const json& config, const ChunkSpec& input) {
  require_object(kName, config);
  allow_only(kName, config, {"cname", "clevel", "shuffle", "typesize", "blocksize", "id"});
  BloscConfig c;
  c.cname = get_string(kName, config, "cname", "zstd");
  if (c.cname != "blosclz" && c.cname != "lz4" && c.cname != "lz4hc" && c.cname != "zlib" && c.cname != "zstd") {
    config_error(kName, "'cname' '" + c.cname + "' is not one of blosclz, lz4, lz4hc, zlib, zstd");
  }
  if (blosc_compname_to_compcode(c.cname.c_str()) < 0) {
    config_error(kName, "'cname' '" + c.cname + "' is not compiled into this c-blosc library");
  }
  c.clevel = static_cast<int>(get_int(kName, config, "clevel", 5, 0, 9));
  const int itemsize = static_cast<int>(std::max<uint32_t>(input.dtype.itemsize(), 1));
  c.typesize = static_cast<int>(get_int(kName, config, "typesize", itemsize, 1, INT_MAX));
  c.shuffle = parse_shuffle(config, itemsize);  // automatic shuffle looks at the item size, as numcodecs does
  c.blocksize = get_int(kName, config, "blocksize", 0, 0, BLOSC_MAX_BUFFERSIZE);
  return c;
}

std::shared_ptr<const BytesToBytesCodec> make_blosc_codec(const json& config, const ChunkSpec& input) {
  return std::make_shared<BloscCodec>(parse_blosc_config(config, input));
}

}  // namespace zarrnative::codec

#include "history/influx/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

namespace campus::history {

std::expected<std::string, std::string> gzip_compress(std::string_view data) {
  z_stream z{};
  // windowBits 15 + 16 asks zlib for the gzip header and trailer instead of the zlib ones.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::unexpected("deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::unexpected(fmt::format("deflate failed ({})", rc));
  return out;
}

}  // namespace campus::history

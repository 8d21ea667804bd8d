// gzip (RFC 1952) of a request body, for `Content-Encoding: gzip` on /write.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace campus::history {

// zlib deflate with the gzip wrapper. Errors only when zlib itself fails (out of memory).
std::expected<std::string, std::string> gzip_compress(std::string_view data);

}  // namespace campus::history

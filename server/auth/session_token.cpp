#include "auth/session_token.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace campus::auth {

namespace {

constexpr std::size_t token_bytes = 32;

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();  // the terminating NUL sodium_bin2hex writes
  return out;
}

}  // namespace

bool sodium_ready() {
  // sodium_init is itself safe to call repeatedly from several threads; a static keeps the
  // answer so the hot path does not re-enter it.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string new_session_token() {
  std::array<unsigned char, token_bytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  auto out = to_hex(bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

bool well_formed_token(std::string_view token) {
  return token.size() == token_bytes * 2 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::string token_digest(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  return to_hex(digest.data(), digest.size());
}

}  // namespace campus::auth

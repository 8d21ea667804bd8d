#include "broker/mosquitto_password.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

namespace campus::broker {
namespace {

constexpr std::size_t hash_bytes = 64;  // SHA-512

std::string openssl_error(const char* what) {
  char text[256];
  ERR_error_string_n(ERR_get_error(), text, sizeof text);
  return std::string(what) + ": " + text;
}

}  // namespace

std::expected<std::string, std::string> random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return std::unexpected(openssl_error("RAND_bytes"));
  return out;
}

std::expected<std::string, std::string> new_password() {
  auto raw = random_bytes(24);
  if (!raw) return std::unexpected(raw.error());
  std::string text = base64(*raw);  // 24 bytes: 32 characters, no padding
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::expected<std::string, std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::unexpected("base64 text must be a non-empty multiple of 4 characters");
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::unexpected("not base64");
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  std::size_t pad = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string mosquitto_hash(std::string_view password, std::string_view salt, int iterations) {
  unsigned char hash[hash_bytes];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha512(),
                    static_cast<int>(hash_bytes), hash);
  return "$7$" + std::to_string(iterations) + "$" + base64(salt) + "$" +
         base64(std::string_view(reinterpret_cast<const char*>(hash), hash_bytes));
}

std::expected<std::string, std::string> mosquitto_hash(std::string_view password) {
  auto salt = random_bytes(salt_bytes);
  if (!salt) return std::unexpected(salt.error());
  return mosquitto_hash(password, *salt);
}

bool mosquitto_hash_matches(std::string_view hash, std::string_view password) {
  // $7$<iterations>$<salt>$<hash>
  if (!hash.starts_with("$7$")) return false;
  std::vector<std::string_view> parts;
  std::string_view rest = hash.substr(3);
  for (std::size_t at; (at = rest.find('$')) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  parts.push_back(rest);
  if (parts.size() != 3) return false;
  int iterations = 0;
  auto [end, ec] = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), iterations);
  if (ec != std::errc{} || end != parts[0].data() + parts[0].size() || iterations < 1 ||
      iterations > 10'000'000)  // a hostile entry must not pin the CPU
    return false;
  auto salt = unbase64(parts[1]);
  if (!salt || salt->size() != salt_bytes) return false;
  std::string expected = mosquitto_hash(password, *salt, iterations);
  return expected.size() == hash.size() &&
         CRYPTO_memcmp(expected.data(), hash.data(), hash.size()) == 0;
}

}  // namespace campus::broker

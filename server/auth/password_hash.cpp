#include "auth/password_hash.hpp"

#include <sodium.h>

#include <array>

#include "auth/session_token.hpp"

namespace campus::auth {

password_cost password_cost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

password_cost password_cost::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::expected<std::string, std::string> hash_password(std::string_view password,
                                                      password_cost cost) {
  if (!sodium_ready()) return std::unexpected("libsodium could not be initialised");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.opslimit,
                            cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::unexpected("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& stored, std::string_view password) {
  if (!sodium_ready() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

}  // namespace campus::auth

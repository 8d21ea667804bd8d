// Argon2id password hashes (libsodium crypto_pwhash_str_alg): the stored string carries its own
// salt and parameters, so a hash made with one cost still verifies after the cost changes.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace campus::auth {

struct password_cost {
  unsigned long long opslimit;
  std::size_t memlimit;

  // OPSLIMIT/MEMLIMIT_INTERACTIVE (64 MiB, a fraction of a second): the default everywhere.
  static password_cost interactive();
  // OPSLIMIT/MEMLIMIT_MIN: for tests only, where hundreds of hashes must be cheap.
  static password_cost minimum();
};

// The $argon2id$… string. Fails only when libsodium cannot start or runs out of memory.
std::expected<std::string, std::string> hash_password(std::string_view password,
                                                      password_cost cost);

// True when `password` matches `stored` (a string hash_password made); false for a mismatch
// and for a stored string that is not a hash.
bool verify_password(const std::string& stored, std::string_view password);

}  // namespace campus::auth

// Passwords for broker accounts, and their hashes in the format of Mosquitto 2's password_file:
//
//   username:$7$<iterations>$<base64 salt>$<base64 hash>
//
// $7$ is PBKDF2-HMAC-SHA512 with a 64-byte output; Mosquitto 2.0 accepts any iteration count of
// at least 1 but refuses (drops the user) unless the salt is exactly 12 bytes. Base64 is the
// standard alphabet with padding and no line breaks. Computed with OpenSSL, as Mosquitto does.
//
// The passwords we generate carry 192 random bits, so the hash's work factor is not what
// protects them; it is kept modest because the broker recomputes it on every CONNECT, and a
// district's devices reconnect together after a power cut.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace campus::broker {

inline constexpr int pbkdf2_iterations = 1000;
inline constexpr std::size_t salt_bytes = 12;

// `n` bytes from OpenSSL's CSPRNG (RAND_bytes); an error if the generator refuses.
std::expected<std::string, std::string> random_bytes(std::size_t n);

// A new password: 24 random bytes as 32 characters of URL-safe base64 (A-Z a-z 0-9 - _), so it
// needs no quoting in YAML, shell or a device's settings page.
std::expected<std::string, std::string> new_password();

// "$7$<iterations>$<salt>$<hash>" for `password` with the given salt (12 bytes).
std::string mosquitto_hash(std::string_view password, std::string_view salt,
                           int iterations = pbkdf2_iterations);

// The same with a fresh random salt.
std::expected<std::string, std::string> mosquitto_hash(std::string_view password);

// True when `hash` (a password_file entry after "username:") is a $7$ hash of `password`:
// recomputed with the entry's own salt and iterations, compared in constant time.
bool mosquitto_hash_matches(std::string_view hash, std::string_view password);

std::string base64(std::string_view bytes);
// Standard base64 with padding; an error for anything else.
std::expected<std::string, std::string> unbase64(std::string_view text);

}  // namespace campus::broker

// Session tokens: 32 random bytes in hex for the client, and the SHA-256 digest of that text
// for the file, so a copy of users.db does not hand out live sessions.
#pragma once

#include <string>
#include <string_view>

namespace campus::auth {

// Initialises libsodium once per process (thread-safe); false if it cannot (no entropy).
bool sodium_ready();

// 64 lower-case hex characters from randombytes_buf. Requires sodium_ready().
std::string new_session_token();

// True for exactly 64 hex characters; anything else is refused before it is hashed.
bool well_formed_token(std::string_view token);

// The SHA-256 of the token's text, in hex: the key sessions are stored and looked up under.
std::string token_digest(std::string_view token);

}  // namespace campus::auth

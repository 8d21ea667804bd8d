// Certificates for a test, made with the openssl command line in the test's own directory: a
// CA, a server certificate it signed (valid for two days, named by `alt_names`, e.g.
// "IP:127.0.0.1"), the server's key, and an unrelated key for tests of a mismatched pair.
#pragma once

#include <filesystem>
#include <string>

namespace campus::test {

struct test_pki {
  std::filesystem::path ca_cert;      // PEM, the trust anchor a client loads
  std::filesystem::path server_cert;  // PEM, signed by the CA
  std::filesystem::path server_key;   // PEM, unencrypted
  std::filesystem::path other_key;    // PEM, a key that belongs to no certificate here

  // Runs /usr/bin/openssl; throws std::runtime_error with its output if a step fails.
  static test_pki make(const std::filesystem::path& dir, const std::string& name,
                       const std::string& alt_names = "IP:127.0.0.1");
};

}  // namespace campus::test

#include "support/test_pki.hpp"

#include <fstream>
#include <stdexcept>
#include <vector>

#include "support/child_process.hpp"

namespace campus::test {

namespace fs = std::filesystem;

namespace {

void openssl(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  child_process p(args, dir / "openssl.log");
  if (p.wait_exit(std::chrono::seconds(60)) != 0) {
    throw std::runtime_error("openssl " + args.at(1) + " failed:\n" + p.log_tail());
  }
}

std::vector<std::string> new_ec_key() {
  return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
}

}  // namespace

test_pki test_pki::make(const fs::path& dir, const std::string& name,
                        const std::string& alt_names) {
  test_pki pki{dir / (name + "-ca.crt"), dir / (name + "-server.crt"),
               dir / (name + "-server.key"), dir / (name + "-other.key")};
  const auto ca_key = dir / (name + "-ca.key");
  const auto csr = dir / (name + "-server.csr");
  const auto ext = dir / (name + "-ext.cnf");
  std::ofstream(ext) << "subjectAltName=" << alt_names << "\n";

  std::vector<std::string> ca = {"req", "-x509"};
  for (auto& a : new_ec_key()) ca.push_back(a);
  for (auto a : {"-keyout", ca_key.c_str(), "-out", pki.ca_cert.c_str(), "-days", "2", "-subj"})
    ca.emplace_back(a);
  ca.push_back("/CN=CampusShield test CA " + name);
  for (auto a : {"-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                 "keyUsage=keyCertSign,cRLSign"})
    ca.emplace_back(a);
  openssl(dir, ca);

  std::vector<std::string> request = {"req"};
  for (auto& a : new_ec_key()) request.push_back(a);
  for (auto a : {"-keyout", pki.server_key.c_str(), "-out", csr.c_str(), "-subj",
                 "/CN=campus-shield test server"})
    request.emplace_back(a);
  openssl(dir, request);

  openssl(dir, {"x509", "-req", "-in", csr.string(), "-CA", pki.ca_cert.string(), "-CAkey",
                ca_key.string(), "-CAcreateserial", "-out", pki.server_cert.string(), "-days",
                "2", "-extfile", ext.string()});
  openssl(dir, {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-out", pki.other_key.string()});
  return pki;
}

}  // namespace campus::test

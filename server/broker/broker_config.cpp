#include "broker/broker_config.hpp"

#include <set>

#include "broker/broker_secrets.hpp"
#include "broker/credentials_file.hpp"
#include "broker/mosquitto_password.hpp"
#include "broker/private_file.hpp"

namespace campus::broker {

std::expected<broker_files, std::string> write_broker_config(const config::district& d,
                                                             const std::filesystem::path& out_dir,
                                                             access_plan::options opts) {
  auto plan = access_plan::from(d, opts);
  if (!plan) return std::unexpected(plan.error());

  broker_files files;
  files.secrets = broker_secrets::path_in(d.data_dir);
  auto secrets = broker_secrets::load(files.secrets);
  if (!secrets) return std::unexpected(secrets.error());

  std::set<std::string> usernames;
  std::string passwd;
  for (const auto& a : plan->accounts()) {
    auto password = secrets->ensure(a.username);
    if (!password) return std::unexpected(password.error());
    auto hash = mosquitto_hash(*password);  // a fresh salt each run; the password stays
    if (!hash) return std::unexpected(hash.error());
    passwd += a.username + ":" + *hash + "\n";
    usernames.insert(a.username);
  }
  secrets->keep_only(usernames);
  auto credentials = credentials_yaml(*plan, *secrets);
  if (!credentials) return std::unexpected(credentials.error());

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return std::unexpected("cannot create " + out_dir.string() + ": " + ec.message());
  files.passwd = out_dir / "passwd";
  files.acl = out_dir / "acl";
  files.credentials = out_dir / "credentials.yaml";
  // The secrets first: if a later write fails, a re-run reuses the same passwords.
  if (auto ok = secrets->save(files.secrets); !ok) return std::unexpected(ok.error());
  if (auto ok = write_private_file(files.passwd, passwd); !ok) return std::unexpected(ok.error());
  if (auto ok = write_private_file(files.acl, plan->acl_text(d.source_file), 0644); !ok)
    return std::unexpected(ok.error());
  if (auto ok = write_private_file(files.credentials, *credentials); !ok)
    return std::unexpected(ok.error());
  files.accounts = plan->accounts().size();
  files.new_passwords = secrets->generated();
  return files;
}

}  // namespace campus::broker

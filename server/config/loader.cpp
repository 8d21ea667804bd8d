#include "config/loader.hpp"

#include <date/tz.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "adapters/registry.hpp"
#include "config/compliance_parser.hpp"
#include "config/names.hpp"
#include "config/public_url.hpp"
#include "config/rule_parser.hpp"
#include "config/yaml_reader.hpp"

namespace campus::config {

const zone* site::find_zone(std::string_view id) const {
  for (const auto& z : zones)
    if (z.id == id) return &z;
  return nullptr;
}

namespace {
// By the index when its entry still holds (the element at that position has that id);
// otherwise by scanning, so a district built or changed in code is still answered right. A
// miss scans too: unknown ids come from bad input and errors, not from the hot paths.
template <typename T>
const T* find_by_id(const std::vector<T>& items,
                    const std::map<std::string, std::size_t, std::less<>>& index,
                    std::string_view id) {
  if (auto it = index.find(id); it != index.end()) {
    if (it->second < items.size() && items[it->second].id == id) return &items[it->second];
  }
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

template <typename T>
std::map<std::string, std::size_t, std::less<>> index_of(const std::vector<T>& items) {
  std::map<std::string, std::size_t, std::less<>> out;
  for (std::size_t i = 0; i < items.size(); ++i) out.emplace(items[i].id, i);
  // Duplicate ids (a file the loader refuses) keep their first position, as a scan finds them.
  return out;
}
}  // namespace

void district::index() {
  site_index_ = index_of(sites);
  device_index_ = index_of(devices);
}

const site* district::find_site(std::string_view id) const {
  return find_by_id(sites, site_index_, id);
}

const device* district::find_device(std::string_view id) const {
  return find_by_id(devices, device_index_, id);
}

std::string district::history_db_path() const {
  if (!history.sqlite.path.empty()) return history.sqlite.path;
  return (std::filesystem::path(data_dir) / "history.db").string();
}

std::string district::spool_path() const {
  if (!history.influxdb.spool_dir.empty()) return history.influxdb.spool_dir;
  return (std::filesystem::path(data_dir) / "spool").string();
}

namespace {

enum class pem_kind { certificate, private_key };

// Why `path` does not hold a PEM certificate (or private key); nullopt when it does. An
// encrypted key is refused rather than prompting for its passphrase on the terminal.
std::optional<std::string> pem_problem(const std::filesystem::path& path, pem_kind kind) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
  if (!bio) return "cannot read \"" + path.string() + "\"";
  ERR_clear_error();
  bool ok = false;
  if (kind == pem_kind::certificate) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    ok = cert != nullptr;
    X509_free(cert);
  } else {
    auto no_passphrase = [](char*, int, int, void*) { return 0; };
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
    ok = pkey != nullptr;
    EVP_PKEY_free(pkey);
  }
  ERR_clear_error();  // the reasons stay in OpenSSL's per-thread queue otherwise
  if (ok) return std::nullopt;
  return kind == pem_kind::certificate
             ? "\"" + path.string() + "\" holds no PEM certificate"
             : "\"" + path.string() +
                   "\" holds no PEM private key (or one protected by a passphrase, which the "
                   "server cannot type: store it without one, readable only by the server)";
}

// Reads one document into a district; all problems go to `r`.
class district_parser {
 public:
  district_parser(yaml_reader& r, const std::filesystem::path& base_dir)
      : r_(r), base_dir_(base_dir) {}

  district parse(const YAML::Node& root) {
    district d;
    if (!root.IsMap()) {
      r_.error(root, "", "the configuration must be a mapping with district, sites and rules");
      return d;
    }
    r_.check_keys(root, "",
                  {"district", "mqtt", "http", "ingest", "history", "data_dir", "rules", "sites",
                   "duty", "sms", "compliance"});  // read by notify/duty/duty_config, notify/sms/sms_settings
    if (auto v = r_.string(root, "data_dir", "", false))
      d.data_dir = (base_dir_ / *v).lexically_normal().string();
    else
      d.data_dir = (base_dir_ / ".." / "var").lexically_normal().string();
    parse_history(root["history"], d.history);
    parse_district(root, d);
    parse_mqtt(root["mqtt"], d.mqtt);
    parse_http(root["http"], d.http);
    parse_ingest(root["ingest"], d.ingest);
    parse_sites(root, d);
    d.index();  // the rules name devices and sites: look them up by id, not by scanning
    rule_parser(r_, d).parse(root["rules"], d.rules);
    compliance_parser(r_).parse(root["compliance"], d.compliance);
    return d;
  }

 private:
  // A section written as a scalar or a list cannot be read key by key (yaml-cpp throws when a
  // scalar is indexed): it is reported and skipped. An empty section (null) means the defaults.
  bool section(const YAML::Node& n, const std::string& path) {
    if (!n || n.IsNull()) return false;
    if (n.IsMap()) return true;
    r_.error(n, path, "must be a mapping");
    return false;
  }

  void parse_district(const YAML::Node& root, district& d) {
    const YAML::Node n = root["district"];
    if (!n) {
      r_.missing(root, "district", "district", "is required: a mapping with id, name and name_en");
      return;
    }
    if (!n.IsMap()) {
      r_.error(n, "district", "is required: a mapping with id, name and name_en");
      return;
    }
    r_.check_keys(n, "district", {"id", "name", "name_en"});
    d.id = r_.string(n, "id", "district", true).value_or("");
    d.name = r_.string(n, "name", "district", true).value_or("");
    d.name_en = r_.string(n, "name_en", "district", false).value_or(d.name);
  }

  void parse_mqtt(const YAML::Node& n, mqtt_settings& m) {
    if (!section(n, "mqtt")) return;
    r_.check_keys(n, "mqtt", {"host", "port", "client_id", "subscription", "qos", "keepalive",
                              "clean_session", "username", "password", "tls"});
    if (auto v = r_.string(n, "host", "mqtt", false)) m.host = *v;
    if (auto v = r_.integer(n, "port", "mqtt", false)) {
      if (*v < 1 || *v > 65535)
        r_.error(n["port"], "mqtt.port", "must be 1..65535, got " + std::to_string(*v));
      else
        m.port = static_cast<int>(*v);
    }
    if (auto v = r_.string(n, "client_id", "mqtt", false)) m.client_id = *v;
    if (auto v = r_.string(n, "subscription", "mqtt", false)) m.subscription = *v;
    if (auto v = r_.integer(n, "qos", "mqtt", false)) {
      if (*v < 0 || *v > 2)
        r_.error(n["qos"], "mqtt.qos", "qos value must be 0, 1, or 2: " + std::to_string(*v));
      else
        m.qos = static_cast<int>(*v);
    }
    if (auto v = r_.duration(n, "keepalive", "mqtt", false)) {
      m.keepalive_s = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(*v).count());
      if (m.keepalive_s < 5) r_.error(n["keepalive"], "mqtt.keepalive", "must be at least 5s");
    }
    if (auto v = r_.boolean(n, "clean_session", "mqtt", false)) m.clean_session = *v;
    if (auto v = r_.string(n, "username", "mqtt", false)) m.username = *v;
    if (auto v = r_.string(n, "password", "mqtt", false)) m.password = *v;
    if (m.username.empty() && !m.password.empty())
      r_.error(n["password"], "mqtt.password", "needs mqtt.username");
    parse_mqtt_tls(n["tls"], m.tls);
  }

  // mqtt.tls: {ca_file, cert_file, key_file, insecure}. Paths are relative to the
  // configuration file and must name readable files now, not at the first connect.
  void parse_mqtt_tls(const YAML::Node& n, mqtt_tls_settings& t) {
    if (!n) return;
    const std::string p = "mqtt.tls";
    if (!n.IsMap()) {
      r_.error(n, p, "must be a mapping with ca_file and optionally cert_file, key_file, insecure");
      return;
    }
    r_.check_keys(n, p, {"ca_file", "cert_file", "key_file", "insecure"});
    auto file = [&](const char* key, bool required) -> std::string {
      auto v = r_.string(n, key, p, required);
      if (!v) return {};
      auto path = (base_dir_ / *v).lexically_normal();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        r_.error(n[key], p + "." + key, "no such file \"" + path.string() + "\"");
        return {};
      }
      if (std::ifstream probe(path); !probe) {
        r_.error(n[key], p + "." + key, "cannot read \"" + path.string() + "\"");
        return {};
      }
      return path.string();
    };
    t.ca_file = file("ca_file", true);
    t.cert_file = file("cert_file", false);
    t.key_file = file("key_file", false);
    if (n["cert_file"].IsDefined() != n["key_file"].IsDefined())
      r_.error(n["cert_file"] ? n["cert_file"] : n["key_file"], p,
               "cert_file and key_file go together (a client certificate and its key)");
    if (auto v = r_.boolean(n, "insecure", p, false)) t.insecure = *v;
  }

  void parse_http(const YAML::Node& n, http_settings& h) {
    h.dashboards_dir.clear();
    if (section(n, "http")) {
      r_.check_keys(n, "http",
                    {"host", "port", "dashboards", "ws_queue_limit", "tls", "public_url"});
      if (auto v = r_.string(n, "host", "http", false)) h.host = *v;
      if (auto v = r_.integer(n, "port", "http", false)) {
        if (*v < 0 || *v > 65535)
          r_.error(n["port"], "http.port", "must be 0..65535, got " + std::to_string(*v));
        else
          h.port = static_cast<int>(*v);
      }
      if (auto v = r_.string(n, "dashboards", "http", false))
        h.dashboards_dir = (base_dir_ / *v).lexically_normal().string();
      if (auto v = r_.integer(n, "ws_queue_limit", "http", false)) {
        if (*v < 8 || *v > 1'000'000)
          r_.error(n["ws_queue_limit"], "http.ws_queue_limit",
                   "must be 8..1000000, got " + std::to_string(*v));
        else
          h.ws_queue_limit = static_cast<std::size_t>(*v);
      }
      parse_http_tls(n["tls"], h.tls);
      // Empty is the same as absent: links follow the address served.
      if (auto v = r_.string(n, "public_url", "http", false); v && !v->empty()) {
        if (auto url = check_public_url(*v))
          h.public_url = std::move(*url);
        else
          r_.error(n["public_url"], "http.public_url", url.error());
      }
    }
  }

  // http.tls: {cert_file, key_file}, both required, relative to the configuration file. Each
  // must be readable now and hold what it names in PEM, so check-config catches a wrong file;
  // whether the two belong together is checked when the server loads them.
  void parse_http_tls(const YAML::Node& n, http_tls_settings& t) {
    if (!n) return;
    const std::string p = "http.tls";
    if (!n.IsMap()) {
      r_.error(n, p, "must be a mapping with cert_file and key_file");
      return;
    }
    r_.check_keys(n, p, {"cert_file", "key_file"});
    auto file = [&](const char* key, pem_kind kind) -> std::string {
      auto v = r_.string(n, key, p, true);
      if (!v) return {};
      auto path = (base_dir_ / *v).lexically_normal();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        r_.error(n[key], p + "." + key, "no such file \"" + path.string() + "\"");
        return {};
      }
      if (auto problem = pem_problem(path, kind)) {
        r_.error(n[key], p + "." + key, *problem);
        return {};
      }
      return path.string();
    };
    auto cert = file("cert_file", pem_kind::certificate);
    auto key = file("key_file", pem_kind::private_key);
    if (!cert.empty() && !key.empty()) t = {std::move(cert), std::move(key)};
  }

  void parse_ingest(const YAML::Node& n, ingest_settings& g) {
    if (!section(n, "ingest")) return;
    r_.check_keys(n, "ingest", {"max_payload_bytes", "max_past", "max_future", "journal"});
    if (auto v = r_.integer(n, "max_payload_bytes", "ingest", false)) {
      if (*v < 64 || *v > 16 * 1024 * 1024)
        r_.error(n["max_payload_bytes"], "ingest.max_payload_bytes",
                 "must be 64..16777216, got " + std::to_string(*v));
      else
        g.max_payload_bytes = static_cast<std::size_t>(*v);
    }
    if (auto v = r_.duration(n, "max_past", "ingest", false)) g.max_past = *v;
    if (auto v = r_.duration(n, "max_future", "ingest", false)) g.max_future = *v;
    if (auto v = r_.boolean(n, "journal", "ingest", false)) g.journal = *v;
  }

  void parse_history(const YAML::Node& n, history_settings& h) {
    if (!section(n, "history")) return;
    r_.check_keys(n, "history",
                  {"backend", "sqlite", "influxdb", "queue_high_water", "queue_low_water"});
    if (auto v = r_.integer(n, "queue_high_water", "history", false)) {
      if (*v < 100 || *v > 100'000'000)
        r_.error(n["queue_high_water"], "history.queue_high_water",
                 "must be 100..100000000 readings, got " + std::to_string(*v));
      else
        h.queue_high_water = static_cast<std::size_t>(*v);
      // Without its own low-water mark, half of it.
      h.queue_low_water = h.queue_high_water / 2;
    }
    if (auto v = r_.integer(n, "queue_low_water", "history", false)) {
      if (*v < 0 || static_cast<std::size_t>(*v) >= h.queue_high_water)
        r_.error(n["queue_low_water"], "history.queue_low_water",
                 "must be 0..queue_high_water - 1 (" + std::to_string(h.queue_high_water - 1) +
                     "), got " + std::to_string(*v));
      else
        h.queue_low_water = static_cast<std::size_t>(*v);
    }
    if (auto b = r_.string(n, "backend", "history", false)) {
      if (*b == "sqlite")
        h.backend = history_settings::backend_kind::sqlite;
      else if (*b == "influxdb")
        h.backend = history_settings::backend_kind::influxdb;
      else
        r_.error(n["backend"], "history.backend",
                 "must be sqlite or influxdb, got \"" + *b + "\"");
    }
    if (const YAML::Node s = n["sqlite"]; section(s, "history.sqlite")) {
      r_.check_keys(s, "history.sqlite", {"path", "retention"});
      if (auto v = r_.string(s, "path", "history.sqlite", false))
        h.sqlite.path = (base_dir_ / *v).lexically_normal().string();
      if (auto v = r_.duration(s, "retention", "history.sqlite", false)) {
        if (*v < std::chrono::hours(24))
          r_.error(s["retention"], "history.sqlite.retention", "must be at least 1d");
        else
          h.sqlite.retention = *v;
      }
    }
    if (const YAML::Node x = n["influxdb"]; section(x, "history.influxdb")) {
      const std::string p = "history.influxdb";
      r_.check_keys(x, p,
                    {"url", "database", "username", "password", "batch_size", "flush_interval",
                     "timeout", "gzip", "spool_dir", "spool_max_bytes"});
      auto& i = h.influxdb;
      if (auto v = r_.string(x, "url", p, false)) {
        if (!v->starts_with("http://") || v->size() <= 7)
          r_.error(x["url"], p + ".url",
                   "must be http://HOST:PORT (TLS to the database is not supported yet), got \"" +
                       *v + "\"");
        else
          i.url = *v;
      }
      if (auto v = r_.string(x, "database", p, false)) {
        if (!is_identifier(*v))
          r_.error(x["database"], p + ".database", "must be letters, digits, '-', '_' or '.'");
        else
          i.database = *v;
      }
      if (auto v = r_.string(x, "username", p, false)) i.username = *v;
      if (auto v = r_.string(x, "password", p, false)) i.password = *v;
      if (auto v = r_.integer(x, "batch_size", p, false)) {
        if (*v < 1 || *v > 100000)
          r_.error(x["batch_size"], p + ".batch_size",
                   "must be 1..100000, got " + std::to_string(*v));
        else
          i.batch_size = static_cast<std::size_t>(*v);
      }
      if (auto v = r_.duration(x, "flush_interval", p, false)) i.flush_interval = *v;
      if (auto v = r_.duration(x, "timeout", p, false)) i.timeout = *v;
      if (auto v = r_.boolean(x, "gzip", p, false)) i.gzip = *v;
      if (auto v = r_.string(x, "spool_dir", p, false))
        i.spool_dir = (base_dir_ / *v).lexically_normal().string();
      if (auto v = r_.integer(x, "spool_max_bytes", p, false)) {
        if (*v < (1 << 20))
          r_.error(x["spool_max_bytes"], p + ".spool_max_bytes", "must be at least 1048576");
        else
          i.spool_max_bytes = static_cast<std::uint64_t>(*v);
      }
    }
  }

  void parse_sites(const YAML::Node& root, district& d) {
    const YAML::Node sites = root["sites"];
    if (!sites || !sites.IsSequence() || sites.size() == 0) {
      if (sites)
        r_.error(sites, "sites", "is required: a non-empty list of schools");
      else
        r_.missing(root, "sites", "sites", "is required: a non-empty list of schools");
      return;
    }
    std::set<std::string> site_ids;
    std::map<std::string, int> device_lines;
    for (std::size_t i = 0; i < sites.size(); ++i) {
      const YAML::Node n = sites[i];
      const std::string path = index_path("sites", i);
      if (!n.IsMap()) {
        r_.error(n, path, "must be a mapping");
        continue;
      }
      r_.check_keys(n, path, {"id", "name", "name_en", "time_zone", "zones", "devices"});
      site s;
      s.id = r_.string(n, "id", path, true).value_or("");
      if (!s.id.empty() && !is_identifier(s.id))
        r_.error(n["id"], path + ".id",
                 "must be letters, digits, '-', '_' or '.', at most 64, got \"" + s.id + "\"");
      if (!s.id.empty() && !site_ids.insert(s.id).second)
        r_.error(n["id"], path + ".id", "duplicate site id \"" + s.id + "\"");
      s.name = r_.string(n, "name", path, true).value_or("");
      s.name_en = r_.string(n, "name_en", path, false).value_or(s.name);
      if (auto tz = r_.string(n, "time_zone", path, false)) {
        try {
          (void)date::locate_zone(*tz);
          s.time_zone = *tz;
        } catch (const std::exception&) {
          r_.error(n["time_zone"], path + ".time_zone",
                   "unknown time zone \"" + *tz + "\" (an IANA name such as Asia/Shanghai)");
        }
      }
      parse_zones(n, path, s);
      parse_devices(n, path, s, d, device_lines);
      d.sites.push_back(std::move(s));
    }
  }

  void parse_zones(const YAML::Node& n, const std::string& path, site& s) {
    const YAML::Node zones = n["zones"];
    if (!zones || !zones.IsSequence() || zones.size() == 0) {
      if (zones)
        r_.error(zones, path + ".zones", "is required: a non-empty list");
      else
        r_.missing(n, "zones", path + ".zones", "is required: a non-empty list");
      return;
    }
    std::set<std::string> ids;
    for (std::size_t j = 0; j < zones.size(); ++j) {
      const YAML::Node z = zones[j];
      const std::string zp = index_path(path + ".zones", j);
      if (!z.IsMap()) {
        r_.error(z, zp, "must be a mapping");
        continue;
      }
      r_.check_keys(z, zp, {"id", "type", "name", "name_en"});
      zone out;
      out.id = r_.string(z, "id", zp, true).value_or("");
      if (!out.id.empty() && !is_identifier(out.id))
        r_.error(z["id"], zp + ".id", "must be letters, digits, '-', '_' or '.'");
      if (!out.id.empty() && !ids.insert(out.id).second)
        r_.error(z["id"], zp + ".id", "duplicate zone id \"" + out.id + "\" in site " + s.id);
      out.type = r_.string(z, "type", zp, true).value_or("");
      if (!out.type.empty() && !known_zone_types.contains(out.type))
        r_.error(z["type"], zp + ".type",
                 "unknown zone type \"" + out.type +
                     "\" (canteen_kitchen, chemical_store, lab, water_zone, gate, boiler_room, "
                     "dormitory, other)");
      out.name = r_.string(z, "name", zp, true).value_or("");
      out.name_en = r_.string(z, "name_en", zp, false).value_or(out.name);
      s.zones.push_back(std::move(out));
    }
  }

  void parse_devices(const YAML::Node& n, const std::string& path, const site& s, district& d,
                     std::map<std::string, int>& device_lines) {
    const YAML::Node devices = n["devices"];
    if (!devices) return;
    if (!devices.IsSequence()) {
      r_.error(devices, path + ".devices", "must be a list");
      return;
    }
    const auto& registry = adapters::builtin_registry();
    for (std::size_t j = 0; j < devices.size(); ++j) {
      const YAML::Node v = devices[j];
      const std::string dp = index_path(path + ".devices", j);
      if (!v.IsMap()) {
        r_.error(v, dp, "must be a mapping");
        continue;
      }
      r_.check_keys(v, dp, {"id", "family", "zone", "name", "name_en", "options"});
      device out;
      out.site = s.id;
      out.id = r_.string(v, "id", dp, true).value_or("");
      if (!out.id.empty()) {
        if (!is_identifier(out.id))
          r_.error(v["id"], dp + ".id", "must be letters, digits, '-', '_' or '.', at most 64");
        int line = v["id"].Mark().line + 1;
        auto [it, fresh] = device_lines.emplace(out.id, line);
        if (!fresh)
          r_.error(v["id"], dp + ".id",
                   "duplicate device id \"" + out.id + "\" (first at line " +
                       std::to_string(it->second) + ")");
      }
      out.zone = r_.string(v, "zone", dp, true).value_or("");
      if (!out.zone.empty() && !s.find_zone(out.zone))
        r_.error(v["zone"], dp + ".zone",
                 "no zone \"" + out.zone + "\" in site \"" + s.id + "\"");
      out.name = r_.string(v, "name", dp, false).value_or(out.id);
      out.name_en = r_.string(v, "name_en", dp, false).value_or(out.name);
      if (v["options"] && !v["options"].IsNull()) {
        if (!v["options"].IsMap()) {
          r_.error(v["options"], dp + ".options", "must be a mapping");
        } else {
          out.options = r_.to_json(v["options"]).as_object();
        }
      }
      if (auto family = r_.string(v, "family", dp, true)) {
        out.family = *family;
        if (!registry.contains(out.family)) {
          std::string known;
          for (const auto& f : registry.families()) known += (known.empty() ? "" : ", ") + f;
          r_.error(v["family"], dp + ".family",
                   "unknown device family \"" + out.family + "\" (known: " + known + ")");
        } else if (auto made = registry.make(out.family, out.options); !made) {
          r_.error(v["options"] ? v["options"] : v, dp + ".options", made.error());
        }
      }
      d.devices.push_back(std::move(out));
    }
  }


  yaml_reader& r_;
  std::filesystem::path base_dir_;
};

load_result parse_document(const std::string& text, const std::string& file_name,
                           const std::filesystem::path& base_dir) {
  yaml_reader r(file_name);
  auto loaded = r.load(text);
  if (!loaded) return std::unexpected(r.take_errors());
  const YAML::Node root = *loaded;
  district_parser parser(r, base_dir);
  district d = parser.parse(root);
  if (d.http.dashboards_dir.empty())
    d.http.dashboards_dir = (base_dir / ".." / "dashboards").lexically_normal().string();
  d.source_file = file_name;
  if (!r.ok()) return std::unexpected(r.take_errors());
  return d;
}

}  // namespace

load_result load_string(const std::string& yaml, const std::string& file_name) {
  return parse_document(yaml, file_name, std::filesystem::current_path());
}

load_result load_file(const std::filesystem::path& file) {
  auto text = yaml_reader::read_file(file);
  if (!text) return std::unexpected(text.error());
  auto base = std::filesystem::absolute(file).parent_path();
  return parse_document(*text, file.string(), base);
}

}  // namespace campus::config

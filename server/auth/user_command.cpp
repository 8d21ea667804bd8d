#include "auth/user_command.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "auth/user_store.hpp"
#include "config/loader.hpp"
#include "core/clock.hpp"

namespace campus::auth {

namespace {

struct user_args {
  std::string action;
  std::string name;
  std::optional<std::string> role_name, sites, display;
  std::string config_file, data_dir;
};

int usage_error(std::string_view message) {
  fmt::print(stderr, "user: {}\nusage:\n{}", message, user_command_usage);
  return 2;
}

std::vector<std::string> split_sites(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    out.emplace_back(text.substr(start, comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// The person behind "cli" in the audit log, as far as the operating system knows.
std::string unix_user() {
  if (const auto* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return fmt::format("uid {}", ::geteuid());
}

// One line from `in`, without its line end; on a terminal without echo, after a prompt.
std::optional<std::string> read_line(std::istream& in, const char* prompt) {
  const bool tty = &in == &std::cin && ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    fmt::print(stderr, "{}", prompt);
    if (::tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(in, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fmt::print(stderr, "\n");
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The new password, checked; on a terminal typed twice.
std::expected<std::string, std::string> read_password(std::istream& in) {
  auto password = read_line(in, "password: ");
  if (!password) return std::unexpected("no password on standard input (one line)");
  if (auto ok = check_password(*password); !ok) return std::unexpected(ok.error());
  if (&in == &std::cin && ::isatty(STDIN_FILENO) == 1) {
    if (read_line(in, "again: ") != password) return std::unexpected("the passwords differ");
  }
  return *password;
}

std::optional<int> parse_args(std::span<const std::string_view> args, user_args& out) {
  if (args.empty()) return usage_error("add, passwd, list, disable or enable?");
  out.action = args[0];
  const bool named = out.action == "add" || out.action == "passwd" ||
                     out.action == "disable" || out.action == "enable";
  if (!named && out.action != "list") {
    return usage_error(fmt::format("unknown action \"{}\"", out.action));
  }
  std::size_t i = 1;
  if (named) {
    if (args.size() < 2 || args[1].starts_with("--")) {
      return usage_error(fmt::format("{} needs a user name", out.action));
    }
    out.name = args[1];
    i = 2;
  }
  for (; i < args.size(); ++i) {
    const auto arg = args[i];
    if (i + 1 >= args.size()) return usage_error(fmt::format("\"{}\" needs a value", arg));
    std::string value(args[++i]);
    if (arg == "--config") {
      out.config_file = value;
    } else if (arg == "--data-dir") {
      out.data_dir = value;
    } else if (out.action == "add" && arg == "--role") {
      out.role_name = value;
    } else if (out.action == "add" && arg == "--sites") {
      out.sites = value;
    } else if (out.action == "add" && arg == "--display") {
      out.display = value;
    } else {
      return usage_error(fmt::format("unknown argument \"{}\" for {}", arg, out.action));
    }
  }
  if (out.config_file.empty() && out.data_dir.empty()) {
    return usage_error("where is users.db? give --config FILE or --data-dir DIR");
  }
  return std::nullopt;
}

// The record `add` asks for, checked, and its sites checked against the district if known.
std::expected<user_record, std::string> new_user(const user_args& a,
                                                 const std::optional<config::district>& d) {
  if (!a.role_name) return std::unexpected("add needs --role ROLE");
  const auto level = parse_role(*a.role_name);
  if (!level) {
    return std::unexpected(fmt::format(
        "unknown role \"{}\": viewer, duty_leader, safety_director, bureau or admin",
        *a.role_name));
  }
  user_record u;
  u.name = a.name;
  u.display_name = a.display.value_or("");
  u.level = *level;
  if (a.sites) u.sites = split_sites(*a.sites);
  u.created_at = core::system_clock{}.now();
  if (auto ok = check_user(u); !ok) return std::unexpected(ok.error());
  if (d) {
    for (const auto& s : u.sites) {
      if (d->find_site(s) != nullptr) continue;
      std::string known;
      for (const auto& site : d->sites) known += (known.empty() ? "" : ", ") + site.id;
      return std::unexpected(
          fmt::format("unknown site \"{}\" (the district has: {})", s, known));
    }
  }
  return u;
}

std::string describe(const user_record& u) {
  std::string sites;
  for (const auto& s : u.sites) sites += (sites.empty() ? "" : ",") + s;
  return fmt::format("role {}, sites {}", to_string(u.level),
                     sees_all_sites(u.level) ? std::string("all") : sites);
}

int list_users(user_store& store, const std::string& path) {
  auto users = store.list();
  if (!users) {
    fmt::print(stderr, "user: {}\n", users.error());
    return 1;
  }
  if (users->empty()) {
    fmt::print("no users in {}\n", path);
    return 0;
  }
  struct row {
    std::string name, level, state, sites, display;
  };
  std::vector<row> rows{{"NAME", "ROLE", "STATE", "SITES", "DISPLAY"}};
  for (const auto& u : *users) {
    std::string sites = sees_all_sites(u.level) ? "*" : "";
    for (const auto& s : u.sites) sites += (sites.empty() ? "" : ",") + s;
    rows.push_back({u.name, std::string(to_string(u.level)), u.disabled ? "disabled" : "enabled",
                    sites, u.display_name});
  }
  std::size_t w[4] = {0, 0, 0, 0};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.name.size());
    w[1] = std::max(w[1], r.level.size());
    w[2] = std::max(w[2], r.state.size());
    w[3] = std::max(w[3], r.sites.size());
  }
  // The display name goes last: CJK characters are wider than their byte count suggests.
  for (const auto& r : rows) {
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r.name, w[0], r.level, w[1], r.state, w[2],
               r.sites, w[3], r.display);
  }
  return 0;
}

}  // namespace

int run_user_command(std::span<const std::string_view> args, std::istream& in) {
  user_args a;
  if (auto code = parse_args(args, a)) return *code;
  if (a.action != "list") {
    if (auto ok = check_user_name(a.name); !ok) return usage_error(ok.error());
  }

  std::optional<config::district> district;
  if (!a.config_file.empty()) {
    auto loaded = config::load_file(a.config_file);
    if (!loaded) {
      for (const auto& e : loaded.error()) fmt::print(stderr, "{}\n", e.to_string());
      return 2;
    }
    district = std::move(*loaded);
  }
  const std::string data_dir = !a.data_dir.empty() ? a.data_dir : district->data_dir;

  std::optional<user_record> added;
  if (a.action == "add") {
    auto u = new_user(a, district);
    if (!u) return usage_error(u.error());
    added = std::move(*u);
  }

  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  const auto path = (std::filesystem::path(data_dir) / "users.db").string();
  auto store = user_store::open(path);
  if (!store) {
    fmt::print(stderr, "user: {}\n", store.error());
    return 1;
  }
  if (a.action == "list") return list_users(**store, path);

  auto existing = (*store)->find(a.name);
  if (!existing) {
    fmt::print(stderr, "user: {}\n", existing.error());
    return 1;
  }
  if (added && *existing) {
    fmt::print(stderr, "user: user \"{}\" already exists\n", a.name);
    return 2;
  }
  if (!added && !*existing) {
    fmt::print(stderr, "user: no user \"{}\" in {}\n", a.name, path);
    return 2;
  }

  std::string what, detail, done;
  std::expected<void, std::string> changed;
  if (a.action == "add" || a.action == "passwd") {
    auto password = read_password(in);
    if (!password) {
      fmt::print(stderr, "user: {}\n", password.error());
      return 2;
    }
    if (added) {
      changed = (*store)->add_user(*added, *password);
      what = "user_add";
      detail = describe(*added);
      done = fmt::format("user {} added ({})", a.name, detail);
    } else {
      changed = (*store)->set_password(a.name, *password);
      what = "user_passwd";
      done = fmt::format("password of {} changed; their sessions have ended", a.name);
    }
  } else {
    const bool disable = a.action == "disable";
    changed = (*store)->set_disabled(a.name, disable);
    what = disable ? "user_disable" : "user_enable";
    done = disable ? fmt::format("{} disabled; their sessions have ended", a.name)
                   : fmt::format("{} enabled", a.name);
  }
  if (!changed) {
    fmt::print(stderr, "user: {}\n", changed.error());
    return 1;
  }
  detail = fmt::format("{}{}user {}; unix user {}", detail, detail.empty() ? "" : "; ", a.name,
                       unix_user());
  if (auto r = (*store)->append_audit(
          audit_event{core::system_clock{}.now(), "cli", what, "", detail});
      !r) {
    fmt::print(stderr, "user: warning: the change is made but not audited: {}\n", r.error());
  }
  fmt::print("{}\n", done);
  return 0;
}

}  // namespace campus::auth

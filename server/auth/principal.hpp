// Who is asking, as the routes see it: the user's name, display name, role and schools.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/role.hpp"

namespace campus::auth {

struct user_record;

struct principal {
  std::string user;                // login name
  std::string display_name;        // e.g. 王芳, used as "who" in the ledger
  role level = role::viewer;
  std::vector<std::string> sites;  // the schools they are bound to
  bool all_sites = false;          // bureau and admin: every school

  // True for every site when all_sites, else only for the sites listed.
  bool may_see(std::string_view site) const;
  // True when this principal's role is r or a higher one.
  bool at_least(role r) const { return level >= r; }

  // The principal a user signs in as (display name defaulting to the login name).
  static principal of(const user_record& u);
};

}  // namespace campus::auth

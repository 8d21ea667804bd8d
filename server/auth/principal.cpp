#include "auth/principal.hpp"

#include <algorithm>

#include "auth/user_record.hpp"

namespace campus::auth {

bool principal::may_see(std::string_view site) const {
  if (all_sites) return true;
  return std::find(sites.begin(), sites.end(), site) != sites.end();
}

principal principal::of(const user_record& u) {
  principal p;
  p.user = u.name;
  p.display_name = u.display_name.empty() ? u.name : u.display_name;
  p.level = u.level;
  p.all_sites = sees_all_sites(u.level);
  if (!p.all_sites) p.sites = u.sites;
  return p;
}

}  // namespace campus::auth

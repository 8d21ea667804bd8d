#include "notify/duty/escalation_policy.hpp"

#include "notify/duty/duty_plan.hpp"

namespace campus::notify::duty {

escalation_policy escalation_policy::seed_default() {
  using std::chrono::minutes;
  const auto s = [](std::initializer_list<std::string_view> roles) {
    std::vector<std::string> out;
    for (auto r : roles) out.emplace_back(r);
    return out;
  };
  escalation_policy p;
  p.for_severity(core::severity::red) = {
      {core::duration{0}, s({duty_leader, safety_director, bureau_duty_officer}),
       {channel::sms, channel::dashboard}},
      {minutes{5}, s({principal}), {channel::sms}},
  };
  p.for_severity(core::severity::orange) = {
      {core::duration{0}, s({duty_leader, bureau_duty_officer}),
       {channel::sms, channel::dashboard}},
      {minutes{15}, s({safety_director}), {channel::sms}},
      {minutes{30}, s({principal}), {channel::sms}},
  };
  p.for_severity(core::severity::yellow) = {
      {core::duration{0}, s({duty_leader}), {channel::dashboard}},
      {minutes{30}, s({duty_leader}), {channel::sms}},
  };
  p.for_severity(core::severity::blue) = {{core::duration{0}, {}, {channel::dashboard}}};
  return p;
}

}  // namespace campus::notify::duty

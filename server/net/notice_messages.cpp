#include "net/notice_messages.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace campus::net::messages {

namespace json = boost::json;

namespace {

json::array receipts_json(const notice::notice& n) {
  json::array out;
  for (const auto& site : n.sites) {
    json::array readers;
    for (const auto& r : n.readers) {
      if (r.site != site) continue;
      readers.push_back(
          json::object{{"user", r.user}, {"name", r.name}, {"at", core::to_epoch_ms(r.at)}});
    }
    json::array sms;
    for (const auto& o : n.sms_outcomes) {
      if (o.site != site) continue;
      sms.push_back(json::object{{"person", o.person},
                                 {"name", o.name},
                                 {"outcome", o.outcome},
                                 {"detail", o.detail},
                                 {"at", core::to_epoch_ms(o.at)}});
    }
    const bool read = !readers.empty();
    out.push_back(json::object{{"site", site},
                               {"read", read},
                               {"readers", std::move(readers)},
                               {"sms", std::move(sms)}});
  }
  return out;
}

}  // namespace

json::object notice_json(const notice::notice& n, const notice_audience& to) {
  json::array sites;
  for (const auto& s : n.sites) sites.push_back(json::string(s));
  json::object out{
      {"id", n.id},
      {"display_id", notice::display_id(n.id)},
      {"created_at", core::to_epoch_ms(n.created_at)},
      {"author", n.author_name.empty() ? n.author : n.author_name},
      {"author_user", n.author},
      {"kind", notice::to_string(n.kind)},
      {"severity", n.severity ? json::value(core::to_string(*n.severity)) : json::value(nullptr)},
      {"title", n.title},
      {"body", n.body},
      {"sites", std::move(sites)},
      {"sms", n.sms},
      {"read_by_me", !to.district && n.read_by(to.user)},
  };
  if (to.district) out["receipts"] = receipts_json(n);
  return out;
}

std::string notice_message(const notice::notice& n, const notice_audience& to) {
  return json::serialize(json::object{{"type", "notice"}, {"notice", notice_json(n, to)}});
}

std::string notice_read_message(const notice::notice& n, const notice::notice_reader& r) {
  return json::serialize(json::object{{"type", "notice_read"},
                                      {"notice_id", n.id},
                                      {"display_id", notice::display_id(n.id)},
                                      {"site", r.site},
                                      {"user", r.user},
                                      {"name", r.name},
                                      {"at", core::to_epoch_ms(r.at)}});
}

}  // namespace campus::net::messages

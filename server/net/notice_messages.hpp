// The JSON of bureau notices as dashboards meet it, in the HTTP API and on /ws alike
// (docs/bureau.md "Notices").
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "notice/notice.hpp"

namespace campus::net::messages {

// Who the notice is shown to: the district (bureau and admin: every receipt, read_by_me
// always false, their reading being no receipt) or a school user (read_by_me, no receipts).
struct notice_audience {
  bool district = false;
  std::string user;  // a school user's login name, for read_by_me
};

// {"id","display_id","created_at","author","author_user","kind","severity","title","body",
//  "sites","sms","read_by_me"[,"receipts":[{"site","read","readers":[{"user","name","at"}],
//  "sms":[{"person","name","outcome","detail","at"}]}]]}; times in epoch milliseconds.
boost::json::object notice_json(const notice::notice& n, const notice_audience& to);

// {"type":"notice","notice":{…}}
std::string notice_message(const notice::notice& n, const notice_audience& to);

// {"type":"notice_read","notice_id","display_id","site","user","name","at"}
std::string notice_read_message(const notice::notice& n, const notice::notice_reader& r);

}  // namespace campus::net::messages

#include "notice/notice_board.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "core/log.hpp"

namespace campus::notice {

namespace {

notice_error stopped_error() {
  return notice_error{notice_error::code::stopped, "the notice board has stopped"};
}

notice_error not_found(std::int64_t id) {
  return notice_error{notice_error::code::not_found, fmt::format("no notice {}", display_id(id))};
}

}  // namespace

notice_result<std::unique_ptr<notice_board>> notice_board::open(const std::string& path,
                                                                const core::clock& clock,
                                                                core::metrics& metrics) {
  auto db = notice_database::open(path);
  if (!db) return std::unexpected(db.error());
  auto all = db->load_all();
  if (!all) return std::unexpected(all.error());
  return std::unique_ptr<notice_board>(
      new notice_board(std::move(*db), std::move(*all), clock, metrics));
}

notice_board::notice_board(notice_database db, std::vector<notice> all, const core::clock& clock,
                           core::metrics& metrics)
    : clock_(clock),
      db_(std::move(db)),
      metrics_(metrics),
      notices_total_(metrics.get("campus_notices_total")),
      reads_total_(metrics.get("campus_notice_reads_total")),
      storage_errors_(metrics.get("campus_notice_storage_errors_total")) {
  metrics.describe("campus_notices_total", "counter", "Bureau notices stored since start.");
  metrics.describe("campus_notice_reads_total", "counter",
                   "Read receipts recorded (one per school and reader).");
  metrics.describe("campus_notice_storage_errors_total", "counter",
                   "Notice board changes not stored because SQLite failed.");
  metrics.describe("campus_notice_refused_total", "counter",
                   "Notice board requests refused, by reason.");
  for (auto& n : all) {
    const auto id = n.id;
    all_.emplace(id, std::move(n));
  }
  // The worker runs already, but nothing reaches it before open() returns the board.
}

notice_board::~notice_board() { stop(); }

void notice_board::add_listener(notice_listener* l) {
  // Queued like a request, so every request posted afterwards runs with the listener; a
  // stopped board runs no more requests and needs none.
  (void)post([this, l] { listeners_.push_back(l); });
}

void notice_board::stop() { worker_.stop(); }

notice_error notice_board::refused(notice_error e) {
  metrics_.get("campus_notice_refused_total", fmt::format("reason=\"{}\"", to_string(e.what)))
      .inc();
  return e;
}

notice_error notice_board::stored_failure(notice_error e) {
  storage_errors_.inc();
  core::log(core::log_level::error, "{}", e.message);
  return e;
}

void notice_board::create(notice_draft draft, notice_callback<notice> done) {
  if (!post([this, draft = std::move(draft), done] {
        if (draft.title.empty() || draft.sites.empty()) {
          return done(std::unexpected(refused(notice_error{
              notice_error::code::invalid_argument, "a notice needs a title and a school"})));
        }
        notice n;
        n.created_at = clock_.now();
        n.author = draft.author;
        n.author_name = draft.author_name;
        n.kind = draft.kind;
        n.severity = draft.severity;
        n.title = draft.title;
        n.body = draft.body;
        n.sites = draft.sites;
        n.sms = draft.sms;
        if (auto stored = db_.insert(n); !stored) {
          return done(std::unexpected(stored_failure(stored.error())));
        }
        notices_total_.inc();
        const auto& kept = all_.emplace(n.id, n).first->second;
        core::log(core::log_level::info, "notice {} from {} to {} school(s): {}",
                  display_id(kept.id), kept.author, kept.sites.size(), kept.title);
        for (auto* l : listeners_) l->on_notice(kept);
        done(kept);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void notice_board::mark_read(std::int64_t id, notice_reader_identity who,
                             notice_callback<notice_read_change> done) {
  if (!post([this, id, who = std::move(who), done] {
        const auto found = all_.find(id);
        if (found == all_.end()) return done(std::unexpected(refused(not_found(id))));
        const notice& n = found->second;
        if (!n.targets_any(who.sites)) {
          return done(std::unexpected(refused(notice_error{
              notice_error::code::not_targeted,
              fmt::format("notice {} was not sent to the schools of {}", display_id(id),
                          who.user)})));
        }
        std::vector<notice_reader> fresh;
        const auto now = clock_.now();
        for (const auto& site : n.sites) {
          if (std::find(who.sites.begin(), who.sites.end(), site) == who.sites.end()) continue;
          const bool known = std::any_of(n.readers.begin(), n.readers.end(), [&](const auto& r) {
            return r.site == site && r.user == who.user;
          });
          if (!known) fresh.push_back({site, who.user, who.name, now});
        }
        if (!fresh.empty()) {
          if (auto stored = db_.add_readers(id, fresh); !stored) {
            return done(std::unexpected(stored_failure(stored.error())));
          }
          reads_total_.inc(fresh.size());
          auto& kept = found->second;
          kept.readers.insert(kept.readers.end(), fresh.begin(), fresh.end());
          for (auto* l : listeners_) l->on_notice_read(kept, fresh);
        }
        done(notice_read_change{found->second, std::move(fresh)});
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void notice_board::record_sms(std::int64_t id, notice_sms outcome, notice_callback<notice> done) {
  if (!post([this, id, outcome = std::move(outcome), done]() mutable {
        const auto found = all_.find(id);
        if (found == all_.end()) return done(std::unexpected(refused(not_found(id))));
        if (outcome.at == core::time_point{}) outcome.at = clock_.now();
        if (auto stored = db_.add_sms(id, outcome); !stored) {
          return done(std::unexpected(stored_failure(stored.error())));
        }
        auto& kept = found->second;
        kept.sms_outcomes.push_back(outcome);
        for (auto* l : listeners_) l->on_notice_sms(kept, kept.sms_outcomes.back());
        done(kept);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void notice_board::list(notice_filter filter, notice_callback<std::vector<notice>> done) {
  if (!post([this, filter = std::move(filter), done] {
        std::vector<notice> out;
        for (auto it = all_.rbegin(); it != all_.rend() && out.size() < filter.limit; ++it) {
          if (filter.matches(it->second)) out.push_back(it->second);
        }
        done(std::move(out));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void notice_board::get(std::int64_t id, notice_callback<notice> done) {
  if (!post([this, id, done] {
        const auto found = all_.find(id);
        if (found == all_.end()) return done(std::unexpected(refused(not_found(id))));
        done(found->second);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

}  // namespace campus::notice

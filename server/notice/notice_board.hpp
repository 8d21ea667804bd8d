// The notice board (通知): the bureau's notices to schools, who has read them, and the outcome
// of their text messages, kept in notices.db (docs/bureau.md "Notices").
//
// Threading: like the alert ledger, the board owns one worker thread and the SQLite file.
// Every request is queued and run there in arrival order, so the Asio loop never waits for the
// disk. Each callback is invoked exactly once, on the worker thread, and only after the change
// is committed (WAL, synchronous=FULL); the listeners hear of it first, so nothing is
// announced or texted that a crash could undo. Callbacks must not throw and must not block on
// the board. After stop(), requests are answered at once, on the calling thread, with
// notice_error::code::stopped.
//
// Every notice is kept in memory as well (the bureau sends a few a week): reads never touch
// the disk.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "notice/notice.hpp"
#include "notice/notice_database.hpp"
#include "notice/notice_error.hpp"
#include "notice/notice_listener.hpp"
#include "storage/serial_worker.hpp"

namespace campus::notice {

// Who marks a notice read: the session's user and the schools they belong to.
struct notice_reader_identity {
  std::string user;
  std::string name;
  std::vector<std::string> sites;
};

// A notice after mark_read, and the readers just recorded (empty when the user had already
// read it: marking read is idempotent).
struct notice_read_change {
  notice after;
  std::vector<notice_reader> fresh;
};

class notice_board {
 public:
  // Opens (creating) the file, loads every notice and starts the worker. `clock` and
  // `metrics` must outlive the board. Metrics: campus_notices_total (notices stored since
  // start), campus_notice_reads_total, campus_notice_storage_errors_total,
  // campus_notice_refused_total{reason}.
  static notice_result<std::unique_ptr<notice_board>> open(const std::string& path,
                                                           const core::clock& clock,
                                                           core::metrics& metrics);

  ~notice_board();  // stop()
  notice_board(const notice_board&) = delete;
  notice_board& operator=(const notice_board&) = delete;

  // Before the first request; the listener must outlive the board's worker (stop()).
  void add_listener(notice_listener* l);

  // Runs every request already queued, then ends the worker. Safe to call twice.
  void stop();

  // Stores a notice, timed by the board's clock. The draft must have a title and at least
  // one site (the API checks the rest).
  void create(notice_draft draft, notice_callback<notice> done);
  // Records `who` as a reader at each of their schools the notice targets. not_found: no such
  // notice; not_targeted: none of who.sites is targeted.
  void mark_read(std::int64_t id, notice_reader_identity who,
                 notice_callback<notice_read_change> done);
  // Records an SMS outcome on the notice (outcome.at is the board's clock when unset).
  void record_sms(std::int64_t id, notice_sms outcome, notice_callback<notice> done);

  void list(notice_filter filter, notice_callback<std::vector<notice>> done);
  void get(std::int64_t id, notice_callback<notice> done);

 private:
  notice_board(notice_database db, std::vector<notice> all, const core::clock& clock,
               core::metrics& metrics);

  // Queues a task for the worker; false once stopped (the caller answers `stopped`).
  bool post(std::function<void()> task) { return worker_.post(std::move(task)); }
  // Worker only.
  notice_error refused(notice_error e);
  notice_error stored_failure(notice_error e);

  const core::clock& clock_;
  notice_database db_;                  // worker only (after construction)
  std::map<std::int64_t, notice> all_;  // worker only
  std::vector<notice_listener*> listeners_;  // worker only

  core::metrics& metrics_;
  core::metrics::counter& notices_total_;
  core::metrics::counter& reads_total_;
  core::metrics::counter& storage_errors_;

  // Unbounded like the ledger's: requests come from people (the bureau, school users) and
  // from SMS outcomes, a few per notice; none may be dropped. Last: stopped and joined first,
  // while everything its tasks touch exists.
  storage::serial_worker worker_;
};

}  // namespace campus::notice

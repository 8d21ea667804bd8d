// The run's figures: one row each, printed as a table and written as JSON. A row with a
// target says whether it was met; a missing figure (a phase that could not run) says why.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace campus::bench {

struct bench_row {
  std::string phase;
  std::string figure;
  double value = 0;
  std::string unit;
  std::string target;           // issue 7's target as text, e.g. "≤ 3 µs"; empty: none
  std::optional<double> ratio;  // e.g. of the ceiling, or of the peer
  std::optional<bool> pass;     // whether the target is met
  std::string note;
};

class bench_report {
 public:
  void add(bench_row row) { rows_.push_back(std::move(row)); }
  // A fact about the run (machine, size), shown above the table and kept in the JSON.
  void set_fact(const std::string& key, const std::string& value);
  const std::vector<bench_row>& rows() const { return rows_; }
  const bench_row* find(const std::string& phase, const std::string& figure) const;

  void print(std::ostream& out) const;
  bool write_json(const std::filesystem::path& file) const;

 private:
  std::vector<bench_row> rows_;
  std::vector<std::pair<std::string, std::string>> facts_;
};

}  // namespace campus::bench

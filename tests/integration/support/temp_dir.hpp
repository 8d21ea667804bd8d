// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when destroyed.
#pragma once

#include <filesystem>
#include <string>

namespace campus::test {

class temp_dir {
 public:
  // mkdtemp("<tmp>/<prefix>XXXXXX"); throws std::runtime_error if that fails.
  explicit temp_dir(const std::string& prefix = "campus-test-");
  ~temp_dir();  // removes the tree; set CAMPUS_KEEP_TEMP=1 to keep it for a post-mortem

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace campus::test

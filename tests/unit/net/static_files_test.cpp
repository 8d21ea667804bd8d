#include "net/static_files.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace campus::net {
namespace {

namespace fs = std::filesystem;

class static_files_test : public ::testing::Test {
 protected:
  // The served folder, "www", next to a file that must stay out of reach.
  fs::path make_tree() {
    tmp_.write("secret.txt", "outside");
    tmp_.write("www/index.html", "<h1>home</h1>");
    tmp_.write("www/js/app.js", "1");
    tmp_.write("www/school/index.html", "school");
    tmp_.write("www/package.json", "{}");
    tmp_.write("www/node_modules/uplot/package.json", "{}");
    tmp_.write("www/vendor/uPlot.esm.js", "1");
    fs::create_symlink(tmp_.path() / "secret.txt", tmp_.path() / "www" / "escape.txt");
    return tmp_.path() / "www";
  }

  test::temp_dir tmp_;
  static_files files_{make_tree()};
};

TEST_F(static_files_test, serves_index_html_for_the_root_and_for_folders) {
  auto root = files_.resolve("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->filename(), "index.html");
  auto school = files_.resolve("/school/");
  ASSERT_TRUE(school);
  EXPECT_EQ(school->parent_path().filename(), "school");
  auto js = files_.resolve("/js//app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->filename(), "app.js");
}

TEST_F(static_files_test, refuses_to_leave_the_folder) {
  EXPECT_EQ(files_.resolve("/../secret.txt").error(), static_files::refusal::bad_path);
  EXPECT_EQ(files_.resolve("/js/../../secret.txt").error(), static_files::refusal::bad_path);
  EXPECT_EQ(files_.resolve("/js\\..\\..\\secret.txt").error(), static_files::refusal::bad_path);
  EXPECT_EQ(files_.resolve("relative").error(), static_files::refusal::bad_path);
  // A link inside the folder that points outside it is not followed out.
  EXPECT_EQ(files_.resolve("/escape.txt").error(), static_files::refusal::not_found);
  EXPECT_EQ(files_.resolve("/missing.js").error(), static_files::refusal::not_found);
}

TEST_F(static_files_test, build_inputs_of_the_dashboard_are_not_served) {
  EXPECT_EQ(files_.resolve("/package.json").error(), static_files::refusal::not_found);
  EXPECT_EQ(files_.resolve("/node_modules/uplot/package.json").error(),
            static_files::refusal::not_found);
  EXPECT_TRUE(files_.resolve("/vendor/uPlot.esm.js"));
}

TEST_F(static_files_test, a_missing_folder_serves_nothing) {
  static_files none(tmp_.path() / "does-not-exist");
  EXPECT_EQ(none.resolve("/index.html").error(), static_files::refusal::not_found);
}

TEST(static_files_mime, content_types_follow_the_extension) {
  EXPECT_EQ(static_files::mime_type("a/index.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(static_files::mime_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(static_files::mime_type("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(static_files::mime_type("logo.svg"), "image/svg+xml");
  EXPECT_EQ(static_files::mime_type("data.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace campus::net

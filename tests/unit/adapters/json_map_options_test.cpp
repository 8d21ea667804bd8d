// adapters/json_map: option validation. Each error must name the option path and the bad
// value, since it is what check-config prints for a vendor mapping gone wrong.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/json_map/json_map_options.hpp"
#include "adapters/json_map/json_path.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {
namespace {

std::string error_of(std::string_view options_json) {
  auto made = builtin_registry().make("json_map", boost::json::parse(options_json).as_object());
  if (made.has_value()) return "(accepted)";
  return made.error();
}

TEST(adapter_json_map_options, valid_options_with_defaults) {
  auto o = json_map_options::from_json(
      boost::json::parse(R"({"fields":[{"path":"data.lel","metric":"lel_pct"},
                                       {"path":"v[1]","metric":"valve","type":"state"}]})")
          .as_object());
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->ts_path.text(), "ts");
  EXPECT_EQ(o->ts_unit, timestamp_unit::milliseconds);
  ASSERT_EQ(o->fields.size(), 2u);
  EXPECT_EQ(o->fields[0].type, field_mapping::value_type::number);
  EXPECT_EQ(o->fields[0].scale, 1);
  EXPECT_EQ(o->fields[0].offset, 0);
  EXPECT_FALSE(o->fields[0].required);
  EXPECT_EQ(o->fields[1].type, field_mapping::value_type::state);
}

TEST(adapter_json_map_options, fields_errors) {
  EXPECT_EQ(error_of(R"({})"), "options.fields: required option is missing");
  EXPECT_EQ(error_of(R"({"fields":[]})"), "options.fields: must be a non-empty array, got []");
  EXPECT_EQ(error_of(R"({"fields":{"path":"a"}})"),
            R"(options.fields: must be a non-empty array, got {"path":"a"})");
  EXPECT_EQ(error_of(R"({"fields":[3]})"), "options.fields[0]: must be an object, got 3");
}

TEST(adapter_json_map_options, field_member_errors_name_the_index) {
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m"},{"path":"b","metric":"n","scale":"x"}]})"),
            R"(options.fields[1].scale: must be a number, got "x")");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","offset":null}]})"),
            "options.fields[0].offset: must be a number, got null");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","scale":1e999}]})"),
            "options.fields[0].scale: must be a finite number, got Infinity");
  EXPECT_EQ(error_of(R"({"fields":[{"metric":"m"}]})"),
            "options.fields[0].path: required option is missing");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"","metric":"m"}]})"),
            R"(options.fields[0].path: must be a non-empty string, got "")");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a"}]})"),
            "options.fields[0].metric: required option is missing");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"2x"}]})"),
            "options.fields[0].metric: must be an identifier (letters, digits, '_'; not starting "
            "with a digit; at most 64), got \"2x\"");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"lel pct"}]})").rfind(
                "options.fields[0].metric: must be an identifier", 0),
            0u);
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","type":"int"}]})"),
            R"(options.fields[0].type: must be "number" or "state", got "int")");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","required":"yes"}]})"),
            R"(options.fields[0].required: must be true or false, got "yes")");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","unit":5}]})"),
            "options.fields[0].unit: must be a string of at most 16 bytes, got 5");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","type":"state","scale":2}]})"),
            R"(options.fields[0].scale: applies only to type "number")");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m","sacle":2}]})"),
            "options.fields[0].sacle: unknown option (known options are path, metric, type, "
            "scale, offset, unit, required)");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a","metric":"m"},{"path":"b","metric":"m"}]})"),
            R"(options.fields[1].metric: "m" is already mapped by an earlier field)");
}

TEST(adapter_json_map_options, path_syntax_errors_say_where) {
  EXPECT_EQ(error_of(R"({"fields":[{"path":"data..lel","metric":"m"}]})"),
            R"(options.fields[0].path: "data..lel" is not a path: empty key at character 6)");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a[x]","metric":"m"}]})"),
            R"(options.fields[0].path: "a[x]" is not a path: expected an array index (digits) at character 3)");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a[1","metric":"m"}]})"),
            R"(options.fields[0].path: "a[1" is not a path: expected ']' at character 4)");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"[0].v","metric":"m"}]})"),
            R"(options.fields[0].path: "[0].v" is not a path: empty key at character 1)");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a[1]b","metric":"m"}]})"),
            R"(options.fields[0].path: "a[1]b" is not a path: unexpected 'b' at character 5)");
  EXPECT_EQ(error_of(R"({"fields":[{"path":"a[99999999]","metric":"m"}]})"),
            R"(options.fields[0].path: "a[99999999]" is not a path: index above 65535 at character 7)");
}

TEST(adapter_json_map_options, top_level_errors) {
  const std::string field = R"("fields":[{"path":"a","metric":"m"}])";
  EXPECT_EQ(error_of("{" + field + R"(,"ts_unit":"us"})"),
            R"(options.ts_unit: must be "ms" or "s", got "us")");
  EXPECT_EQ(error_of("{" + field + R"(,"ts_path":7})"),
            "options.ts_path: must be a non-empty string, got 7");
  EXPECT_EQ(error_of("{" + field + R"(,"ts_path":"data."})"),
            R"(options.ts_path: "data." is not a path: empty key at character 6)");
  EXPECT_EQ(error_of("{" + field + R"(,"tspath":"x"})"),
            "options.tspath: unknown option (known options are ts_path, ts_unit, fields)");
  EXPECT_EQ(error_of("{" + field + R"(,"ts_unit":"s","ts_path":"data.time"})"), "(accepted)");
}

TEST(adapter_json_path, finds_keys_and_indices) {
  auto root = boost::json::parse(R"({"data":{"list":[[1,2],[3,{"v":4}]]},"n":null})").as_object();
  auto p = json_path::parse("data.list[1][1].v");
  ASSERT_TRUE(p.has_value()) << p.error();
  auto v = p->find(root);
  ASSERT_TRUE(v.has_value());
  ASSERT_NE(*v, nullptr);
  EXPECT_EQ((*v)->as_int64(), 4);

  // Absent keys, indices past the end and nulls are "absent", not errors.
  for (const char* absent : {"data.nope", "data.list[5]", "n", "n.deeper", "zz.y[0]"}) {
    auto a = json_path::parse(absent)->find(root);
    ASSERT_TRUE(a.has_value()) << absent;
    EXPECT_EQ(*a, nullptr) << absent;
  }
  // Walking through a value of the wrong kind is a bad_type naming the prefix.
  auto wrong = json_path::parse("data.list.v")->find(root);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().reason, "bad_type");
  EXPECT_EQ(wrong.error().detail.rfind("data.list: must be an object", 0), 0u)
      << wrong.error().detail;
  auto not_array = json_path::parse("data[0]")->find(root);
  ASSERT_FALSE(not_array.has_value());
  EXPECT_EQ(not_array.error().detail.rfind("data: must be an array", 0), 0u)
      << not_array.error().detail;
}

}  // namespace
}  // namespace campus::adapters

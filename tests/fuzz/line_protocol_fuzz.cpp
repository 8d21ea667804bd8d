// The InfluxDB line protocol encoder on arbitrary measurement, tag and field strings and values:
// a refused point leaves the output untouched; an encoded one is exactly one line (a newline
// only inside a quoted string value, and at the end) that reads back, through the unescaping
// rules InfluxDB applies (line_protocol.hpp), as the point that was encoded.
#include <fuzzer/FuzzedDataProvider.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "history/influx/line_protocol.hpp"

namespace campus::fuzz {
namespace {

using history::field_value;
using history::point;
using history::precision;

// Reads one line back the way InfluxDB 1.x does. Fails (with a reason) on anything that is not
// a well-formed line.
class line_reader {
 public:
  explicit line_reader(std::string_view line) : s_(line) {}

  point read() {
    point p;
    p.measurement = name(", ", ", =\"");
    while (peek() == ',') {
      ++i_;
      std::string key = name("=, ", ", =");
      expect('=');
      p.tags.emplace_back(std::move(key), name(", ", ", ="));
    }
    expect(' ');
    for (;;) {
      std::string key = name("=", ", =\"");
      expect('=');
      p.fields.emplace_back(std::move(key), value());
      if (peek() != ',') break;
      ++i_;
    }
    if (peek() == ' ') {
      ++i_;
      std::size_t start = i_;
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      std::int64_t t = 0;
      auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + i_, t);
      check(ec == std::errc{} && end == s_.data() + i_, "timestamp does not read back");
      p.time = std::chrono::nanoseconds(t);  // in the line's precision; the caller compares
    }
    expect('\n');
    check(i_ == s_.size(), "text after the line's newline");
    return p;
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void expect(char c) {
    check(peek() == c, std::string("expected '") + (c == '\n' ? "\\n" : std::string(1, c)) +
                           "' at offset " + std::to_string(i_) + " of: " + std::string(s_));
    ++i_;
  }

  // A name ends at an unescaped character of `stops`; a backslash before one of `unescapes`
  // stands for that character, any other backslash for itself. A newline is never part of one.
  std::string name(std::string_view stops, std::string_view unescapes) {
    std::string out;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      check(c != '\n', "newline inside a name");
      if (c == '\\' && i_ + 1 < s_.size() && unescapes.find(s_[i_ + 1]) != std::string_view::npos) {
        out.push_back(s_[i_ + 1]);
        i_ += 2;
        continue;
      }
      if (stops.find(c) != std::string_view::npos) break;
      out.push_back(c);
      ++i_;
    }
    check(!out.empty(), "empty name at offset " + std::to_string(i_));
    return out;
  }

  field_value value() {
    if (peek() == '"') {
      ++i_;
      std::string out;
      for (;;) {
        check(i_ < s_.size(), "unterminated string value");
        const char c = s_[i_++];
        if (c == '"') break;
        if (c == '\\' && i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\\')) {
          out.push_back(s_[i_++]);
          continue;
        }
        out.push_back(c);
      }
      return out;
    }
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ' && s_[i_] != '\n') ++i_;
    const std::string_view token = s_.substr(start, i_ - start);
    if (token == "true") return true;
    if (token == "false") return false;
    if (!token.empty() && token.back() == 'i') {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size() - 1, v);
      check(ec == std::errc{} && end == token.data() + token.size() - 1,
            "integer value does not read back: " + std::string(token));
      return v;
    }
    // strtod as InfluxDB's float parser reads: the shortest text must give the same double.
    const std::string text(token);
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    check(!text.empty() && end == text.c_str() + text.size(),
          "float value does not read back: " + text);
    return d;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

std::int64_t in_precision(std::chrono::nanoseconds t, precision p) {
  switch (p) {
    case precision::ns: return t.count();
    case precision::us: return floor_div(t.count(), 1'000);
    case precision::ms: return floor_div(t.count(), 1'000'000);
    case precision::s: return floor_div(t.count(), 1'000'000'000);
  }
  return t.count();
}

bool same_value(const field_value& a, const field_value& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    // Equal, and -0 stays -0.
    return *x == y && std::signbit(*x) == std::signbit(y);
  }
  return a == b;
}

std::string fuzzed_text(FuzzedDataProvider& in) { return in.ConsumeRandomLengthString(48); }

}  // namespace
}  // namespace campus::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace campus;
  using namespace campus::history;
  using fuzz::check;
  FuzzedDataProvider in(data, size);

  point p;
  p.measurement = fuzz::fuzzed_text(in);
  const int tags = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < tags; ++i) {
    std::string k = fuzz::fuzzed_text(in);
    p.tags.emplace_back(std::move(k), fuzz::fuzzed_text(in));
  }
  const int fields = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < fields; ++i) {
    std::string k = fuzz::fuzzed_text(in);
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0: {
        // Any bit pattern: NaN, infinities, subnormals, -0.
        const auto bits = in.ConsumeIntegral<std::uint64_t>();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        p.fields.emplace_back(std::move(k), d);
        break;
      }
      case 1:
        p.fields.emplace_back(std::move(k), in.ConsumeIntegral<std::int64_t>());
        break;
      case 2:
        p.fields.emplace_back(std::move(k), in.ConsumeBool());
        break;
      default:
        p.fields.emplace_back(std::move(k), fuzz::fuzzed_text(in));
    }
  }
  if (in.ConsumeBool()) p.time = std::chrono::nanoseconds(in.ConsumeIntegral<std::int64_t>());
  const auto prec = static_cast<precision>(in.ConsumeIntegralInRange(0, 3));

  const std::string before = "previous line\n";
  std::string out = before;
  const auto encoded = encode_line(p, prec, out);
  if (!encoded) {
    check(out == before, "a refused point changed the output");
    check(!encoded.error().empty(), "a refusal without a message");
    return 0;
  }
  check(out.starts_with(before), "encoding changed what was already written");
  const std::string_view line = std::string_view(out).substr(before.size());

  const point back = fuzz::line_reader(line).read();
  check(back.measurement == p.measurement, "measurement does not read back");
  check(back.tags == p.tags, "tags do not read back");
  check(back.fields.size() == p.fields.size(), "field count does not read back");
  for (std::size_t i = 0; i < p.fields.size(); ++i) {
    check(back.fields[i].first == p.fields[i].first, "field key does not read back");
    check(fuzz::same_value(back.fields[i].second, p.fields[i].second),
          "field value does not read back: " + back.fields[i].first);
  }
  check(back.time.has_value() == p.time.has_value(), "timestamp presence does not read back");
  if (p.time) check(back.time->count() == fuzz::in_precision(*p.time, prec), "timestamp differs");
  return 0;
}

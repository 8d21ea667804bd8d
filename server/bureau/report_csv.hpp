// The monthly report as CSV for Excel: UTF-8 with a BOM, CRLF line ends, one block per section
// (a title line, a header line, rows, then an empty line), Chinese headers. Fields holding a
// comma, quote or line break are quoted; text that Excel would take for a formula (= + - @)
// is prefixed with an apostrophe, since hazard titles are typed by people.
#pragma once

#include <string>

#include "bureau/monthly_report.hpp"
#include "config/district.hpp"

namespace campus::bureau {

// Local times are shown in each entry's school's time zone.
std::string report_csv(const monthly_report& r, const config::district& d);
// "安全月报表_2026-10_xh-primary.csv" / "安全月报表_2026-10_district.csv" (ASCII fallback:
// "safety-report_2026-10_xh-primary.csv").
std::string report_csv_filename(const monthly_report& r, bool ascii);

}  // namespace campus::bureau

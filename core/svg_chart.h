// Small static SVG charts for the HTML report and brief: a horizontal bar
// chart (one bar per category) and a column chart (one column per period).
//
// The output is inline SVG meant to sit inside an HTML5 page: no script, no
// style sheet, no font, no link, no namespace URL (inline SVG in HTML needs
// none), nothing fetched. Each chart has a fixed viewBox and width="100%",
// so it scales to a 360-pixel phone and to a printed page alike; it carries
// a <title> and a <desc> (referenced by aria-labelledby, role="img"), every
// bar a <title> with its label and value, and visible text labels, so that
// it can be read without seeing the shapes. All text is XML-escaped; labels
// longer than 20 characters are shortened with an ellipsis (the full label
// stays in the bar's <title>).
#ifndef PALABRE_CORE_SVG_CHART_H_
#define PALABRE_CORE_SVG_CHART_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace palabre {

struct ChartItem {
  std::string label;
  int64_t value = 0;  // negative values are drawn as zero
};

struct Chart {
  // Prefix of the element ids, unique within the page; characters other
  // than ASCII letters, digits, '-' and '_' are replaced by '-'.
  std::string id;
  std::string title;        // short: "Participants by sex"
  std::string description;  // a sentence: what is counted, over what
  std::vector<ChartItem> items;
  // What a chart without items says (in the reader's language).
  std::string no_data = "No data";
  // Put between groups of three digits of the values shown ("" = none;
  // "\u202f", a narrow no-break space, for French).
  std::string digit_group_separator;
};

// Horizontal bars, one row per item in the given order, the value written
// after each bar. A chart without items shows "No data". Never fails.
std::string BarChartSvg(const Chart& chart);

// Vertical columns, items left to right (e.g. months, oldest first), with
// the y axis from 0 to the largest value; x labels are thinned out so that
// they never overlap; values are written above the columns when there is
// room. A chart without items shows "No data". Never fails.
std::string ColumnChartSvg(const Chart& chart);

// `text` with & < > " ' replaced by character references: safe in XML and
// HTML element content and in quoted attribute values. Never fails.
std::string XmlEscape(std::string_view text);

}  // namespace palabre

#endif  // PALABRE_CORE_SVG_CHART_H_

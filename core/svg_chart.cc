// Static SVG charts (see svg_chart.h). Coordinates are in viewBox units; the
// charts are 400 units wide and scale with their container.
#include "core/svg_chart.h"

#include <algorithm>
#include <cstddef>

namespace palabre {
namespace {

constexpr int kWidth = 400;
constexpr std::size_t kMaxLabelChars = 20;
constexpr char kBarColor[] = "#2f6690";
constexpr char kTextColor[] = "#1a1a1a";
constexpr char kAxisColor[] = "#767676";
constexpr char kFont[] =
    "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, "
    "'Noto Sans', sans-serif\"";

std::string SafeId(std::string_view id) {
  std::string safe;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_';
    safe += ok ? c : '-';
  }
  return safe.empty() ? "chart" : safe;
}

// At most kMaxLabelChars code points of `text`, "…" appended if cut.
std::string Shorten(std::string_view text) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == kMaxLabelChars) {
      std::string cut(text.substr(0, i));
      while (!cut.empty() && cut.back() == ' ') cut.pop_back();
      return cut + "\u2026";
    }
    ++chars;
  }
  return std::string(text);
}

std::string Num(int64_t value) { return std::to_string(value); }

// A value as the reader sees it: `value` (>= 0) with the chart's digit group
// separator ("12 345").
std::string Shown(const Chart& chart, int64_t value) {
  const std::string digits = Num(value);
  if (chart.digit_group_separator.empty()) return digits;
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += chart.digit_group_separator;
    }
    out += digits[i];
  }
  return out;
}

// `value` in tenths, written with at most one decimal ("12", "12.5").
std::string Coord(double value) {
  const auto tenths = static_cast<int64_t>(value * 10 + (value < 0 ? -.5 : .5));
  const int64_t whole = tenths / 10;
  const int64_t frac = (tenths < 0 ? -tenths : tenths) % 10;
  std::string text = (tenths < 0 && whole == 0 ? "-" : "") + Num(whole);
  if (frac != 0) text += "." + Num(frac);
  return text;
}

int64_t MaxValue(const std::vector<ChartItem>& items) {
  int64_t max = 0;
  for (const ChartItem& item : items) max = std::max(max, item.value);
  return max;
}

// The opening tag with the accessible name, and the <title>/<desc>.
std::string Open(const Chart& chart, int height) {
  const std::string id = SafeId(chart.id);
  std::string svg = "<svg viewBox=\"0 0 " + Num(kWidth) + " " + Num(height) +
                    "\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\""
                    " role=\"img\" aria-labelledby=\"" +
                    id + "-title " + id + "-desc\" " + kFont +
                    " font-size=\"13\">";
  svg +=
      "<title id=\"" + id + "-title\">" + XmlEscape(chart.title) + "</title>";
  svg += "<desc id=\"" + id + "-desc\">" + XmlEscape(chart.description) +
         "</desc>";
  return svg;
}

std::string NoData(const Chart& chart) {
  return Open(chart, 40) + "<text x=\"8\" y=\"26\" fill=\"" + kAxisColor +
         "\">" + XmlEscape(chart.no_data) + "</text></svg>";
}

std::string ItemTitle(const Chart& chart, const ChartItem& item) {
  return "<title>" + XmlEscape(item.label) + ": " +
         XmlEscape(Shown(chart, std::max<int64_t>(item.value, 0))) + "</title>";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string BarChartSvg(const Chart& chart) {
  if (chart.items.empty()) return NoData(chart);
  // Label column, right-aligned: 20 characters and an ellipsis at 12
  // units fit even in a wide font (DejaVu Sans: "Groupements de femme…").
  constexpr int kLabelWidth = 172;
  constexpr int kValueWidth = 40;  // room for the value after a bar
  constexpr int kRow = 26;
  constexpr int kBar = 16;
  constexpr int kPad = 6;
  const int bar_space = kWidth - kLabelWidth - kValueWidth;
  const int height = 2 * kPad + kRow * static_cast<int>(chart.items.size());
  const int64_t max = MaxValue(chart.items);

  std::string svg = Open(chart, height);
  svg += "<line x1=\"" + Num(kLabelWidth) + "\" y1=\"" + Num(kPad) +
         "\" x2=\"" + Num(kLabelWidth) + "\" y2=\"" + Num(height - kPad) +
         "\" stroke=\"" + kAxisColor + "\" stroke-width=\"1\"/>";
  for (std::size_t i = 0; i < chart.items.size(); ++i) {
    const ChartItem& item = chart.items[i];
    const int64_t value = std::max<int64_t>(item.value, 0);
    const double width = max > 0 ? static_cast<double>(bar_space) *
                                       static_cast<double>(value) /
                                       static_cast<double>(max)
                                 : 0.0;
    const int top = kPad + kRow * static_cast<int>(i);
    const int text_y = top + kRow / 2 + 5;
    svg += "<g>" + ItemTitle(chart, item);
    svg += "<text x=\"" + Num(kLabelWidth - 6) + "\" y=\"" + Num(text_y) +
           "\" text-anchor=\"end\" font-size=\"12\" fill=\"" + kTextColor +
           "\">" + XmlEscape(Shorten(item.label)) + "</text>";
    svg += "<rect x=\"" + Num(kLabelWidth) + "\" y=\"" +
           Num(top + (kRow - kBar) / 2) + "\" width=\"" + Coord(width) +
           "\" height=\"" + Num(kBar) + "\" fill=\"" + kBarColor + "\"/>";
    svg += "<text x=\"" + Coord(kLabelWidth + width + 5) + "\" y=\"" +
           Num(text_y) + "\" fill=\"" + kTextColor + "\">" +
           XmlEscape(Shown(chart, value)) + "</text></g>";
  }
  svg += "</svg>";
  return svg;
}

std::string ColumnChartSvg(const Chart& chart) {
  if (chart.items.empty()) return NoData(chart);
  constexpr int kHeight = 230;
  constexpr int kLeft = 40;  // y-axis labels
  constexpr int kRight = 8;
  constexpr int kTop = 22;         // room for the top value
  constexpr int kBottom = 40;      // x labels
  constexpr int kLabelPitch = 62;  // the width an x label needs
  const double plot_width = kWidth - kLeft - kRight;
  const double plot_height = kHeight - kTop - kBottom;
  const double base = kHeight - kBottom;
  const auto n = static_cast<int64_t>(chart.items.size());
  const double slot = plot_width / static_cast<double>(n);
  const double column = std::max(1.0, slot * 0.7);
  const int64_t label_every = std::max<int64_t>(
      1, static_cast<int64_t>((kLabelPitch + slot - 1) / slot));
  const bool values_fit = slot >= 30;
  const int64_t max = MaxValue(chart.items);

  std::string svg = Open(chart, kHeight);
  // Axes: the baseline and the y axis labelled 0 and the maximum.
  svg += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Coord(base) + "\" x2=\"" +
         Num(kWidth - kRight) + "\" y2=\"" + Coord(base) + "\" stroke=\"" +
         kAxisColor + "\" stroke-width=\"1\"/>";
  svg += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) + "\" x2=\"" +
         Num(kWidth - kRight) + "\" y2=\"" + Num(kTop) + "\" stroke=\"" +
         kAxisColor + "\" stroke-width=\"0.5\" stroke-dasharray=\"3 3\"/>";
  svg += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Coord(base + 4) +
         "\" text-anchor=\"end\" font-size=\"12\" fill=\"" + kAxisColor +
         "\">0</text>";
  svg += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(kTop + 4) +
         "\" text-anchor=\"end\" font-size=\"12\" fill=\"" + kAxisColor +
         "\">" + XmlEscape(Shown(chart, max)) + "</text>";
  for (int64_t i = 0; i < n; ++i) {
    const ChartItem& item = chart.items[static_cast<std::size_t>(i)];
    const int64_t value = std::max<int64_t>(item.value, 0);
    const double height = max > 0 ? plot_height * static_cast<double>(value) /
                                        static_cast<double>(max)
                                  : 0.0;
    const double center = kLeft + slot * (static_cast<double>(i) + 0.5);
    svg += "<g>" + ItemTitle(chart, item);
    svg += "<rect x=\"" + Coord(center - column / 2) + "\" y=\"" +
           Coord(base - height) + "\" width=\"" + Coord(column) +
           "\" height=\"" + Coord(height) + "\" fill=\"" + kBarColor + "\"/>";
    if (values_fit) {
      svg += "<text x=\"" + Coord(center) + "\" y=\"" +
             Coord(base - height - 5) +
             "\" text-anchor=\"middle\" font-size=\"12\" fill=\"" + kTextColor +
             "\">" + XmlEscape(Shown(chart, value)) + "</text>";
    }
    if (i % label_every == 0) {
      // Centred under the column, kept inside the chart at either end.
      const double half = kLabelPitch / 2.0;
      double x = center;
      std::string anchor = "middle";
      if (center + half > kWidth) {
        x = kWidth - 1;
        anchor = "end";
      } else if (center - half < 0) {
        x = 1;
        anchor = "start";
      }
      svg += "<text x=\"" + Coord(x) + "\" y=\"" + Coord(base + 18) +
             "\" text-anchor=\"" + anchor + "\" font-size=\"12\" fill=\"" +
             kTextColor + "\">" + XmlEscape(Shorten(item.label)) + "</text>";
    }
    svg += "</g>";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace palabre

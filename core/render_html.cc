// HTML renderings (see render_html.h).
#include "core/render_html.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/svg_chart.h"

namespace palabre {
namespace {

constexpr char kStyle[] = R"css(
:root{color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:#1a1a1a;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
main{max-width:56rem;margin:0 auto;padding:1rem}
h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 .5rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid #2f6690}
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
p,li,h1,h2,h3{overflow-wrap:anywhere}
.meta{margin:0;padding:0;list-style:none;color:#4a4a4a;font-size:.9rem}
.note{color:#4a4a4a;font-size:.9rem}
.scroll{overflow-x:auto;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.3rem .5rem;border-bottom:1px solid #d6d6d6;text-align:left;vertical-align:top;overflow-wrap:break-word}
td:first-child,th:first-child{min-width:8rem;position:sticky;left:0;background:#fff}
thead th{border-bottom:2px solid #8a8a8a}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:700;border-top:2px solid #8a8a8a}
figure{margin:.75rem 0 1rem;max-width:30rem}
figure svg{display:block;width:100%;height:auto}
figcaption{font-size:.85rem;color:#4a4a4a}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));gap:0 1.5rem}
ul.commitments{list-style:none;padding:0;margin:0}
li.commitment{border-left:4px solid #2f6690;padding:.25rem 0 .25rem .75rem;margin:.5rem 0 1rem}
li.commitment.overdue{border-left-color:#b3261e}
li.commitment p{margin:.1rem 0}
.flag{display:inline-block;background:#b3261e;color:#fff;font-size:.8rem;font-weight:700;padding:0 .4rem;border-radius:.2rem}
.summaries{margin:.25rem 0 1rem;padding-left:1.25rem}
ol.follow-ups{margin:.25rem 0;padding-left:1.25rem;font-size:.95rem}
code{font-size:.9em}
time{white-space:nowrap}
@media (max-width:30rem){main{padding:.75rem}th,td{padding:.25rem .35rem}}
@media print{
@page{margin:15mm}
body{font-size:10.5pt}
main{max-width:none;padding:0}
.scroll{overflow:visible}
h2,h3{break-after:avoid;page-break-after:avoid}
tr,figure,li.commitment{break-inside:avoid;page-break-inside:avoid}
.flag{background:none;color:#000;border:1px solid #000}
li.commitment,li.commitment.overdue{border-left-color:#000}
}
)css";

std::string Num(int64_t value) { return std::to_string(value); }

// `label` with a lower-case first letter ("Age band" -> "age band").
std::string Lowered(std::string label) {
  if (!label.empty() && label[0] >= 'A' && label[0] <= 'Z') {
    label[0] = static_cast<char>(label[0] - 'A' + 'a');
  }
  return label;
}

// Escaped palabre text (labels, dates, numbers).
std::string E(std::string_view text) { return XmlEscape(text); }

// An escaped date, never broken across lines at its hyphens.
std::string D(std::string_view date) { return "<time>" + E(date) + "</time>"; }

// Escaped record text, isolated for bidirectional layout.
std::string R(std::string_view text) {
  return "<bdi>" + XmlEscape(text) + "</bdi>";
}
std::string ROr(std::string_view text, std::string_view none) {
  return text.empty() ? E(none) : R(text);
}

std::string Plural(int64_t n, std::string_view word) {
  return Num(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string Head(std::string_view title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
         "'none'; style-src 'unsafe-inline'; form-action 'none'\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n"
         "<meta name=\"robots\" content=\"noindex\">\n"
         "<title>" +
         E(title) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n<main>\n";
}

constexpr char kTail[] = "</main>\n</body>\n</html>\n";

// A table: header cells (already HTML), numeric columns, rows (HTML).
struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;
  std::vector<std::vector<std::string>> rows;
  bool last_is_total = false;
};

std::string RenderTable(const Table& table) {
  auto cls = [&](std::size_t i) {
    return i < table.numeric.size() && table.numeric[i]
               ? std::string(" class=\"n\"")
               : std::string();
  };
  std::string out = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    out += "<th scope=\"col\"" + cls(i) + ">" + table.header[i] + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool total = table.last_is_total && r + 1 == table.rows.size();
    out += total ? "<tr class=\"total\">" : "<tr>";
    for (std::size_t i = 0; i < table.rows[r].size(); ++i) {
      out += "<td" + cls(i) + ">" + table.rows[r][i] + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}

std::string Figure(const std::string& svg) {
  return "<figure>" + svg + "</figure>\n";
}

std::string ParticipationSection(const std::vector<ParticipationRow>& rows,
                                 std::string_view scope) {
  if (rows.empty()) {
    return "<p>No participation figures were recorded.</p>\n";
  }
  std::string out = "<div class=\"grid\">\n";
  for (const char* dimension : {"sex", "age", "group"}) {
    Table table{{E(DimensionLabel(dimension)), "Participants", "Sessions"},
                {false, true, true},
                {},
                false};
    Chart chart;
    chart.id = std::string("participation-") + dimension;
    chart.title = "Participants by " + DimensionLabel(dimension);
    chart.description = "Sum of participants by " + DimensionLabel(dimension) +
                        " over the sessions " + std::string(scope) + ".";
    for (const ParticipationRow& row : rows) {
      if (row.dimension != dimension) continue;
      table.rows.push_back({E(VocabularyLabel(row.key)), Num(row.participants),
                            Num(row.sessions)});
      chart.items.push_back({VocabularyLabel(row.key), row.participants});
    }
    if (table.rows.empty()) continue;
    out += "<section>\n<h3>By " + E(Lowered(DimensionLabel(dimension))) +
           "</h3>\n";
    out += Figure(BarChartSvg(chart));
    out += RenderTable(table);
    out += "</section>\n";
  }
  out += "</div>\n";
  out +=
      "<p class=\"note\"><em>Sessions</em>: the sessions where the row's "
      "count is above zero.</p>\n";
  return out;
}

Table FollowThroughTable(const std::vector<CommitmentStats>& owners,
                         const CommitmentStats& total) {
  Table table{{"Owning institution", "Made", "Kept", "Overdue", "Dropped",
               "Due", "Kept of due", "Follow-through"},
              {false, true, true, true, true, true, true, true},
              {},
              true};
  auto row = [](const std::string& owner, const CommitmentStats& s) {
    return std::vector<std::string>{
        owner,          Num(s.made), Num(s.kept),     Num(s.overdue),
        Num(s.dropped), Num(s.due),  Num(s.kept_due), E(FormatRate(s.rate()))};
  };
  for (const CommitmentStats& s : owners) {
    table.rows.push_back(row(ROr(s.owner, "(no owner)"), s));
  }
  table.rows.push_back(row("Total", total));
  return table;
}

std::string Definitions(std::string_view today) {
  return "<p class=\"note\"><em>Kept</em>: status done. <em>Overdue</em>: "
         "due before " +
         D(today) +
         " and still open or in progress. <em>Due</em>: due on or before " +
         D(today) +
         ". <em>Follow-through</em>: kept among those due; n/a when none is "
         "due.</p>\n";
}

std::string ConcernChart(const std::vector<std::string>& labels,
                         const std::vector<int64_t>& counts,
                         std::string_view scope) {
  Chart chart;
  chart.id = "concerns";
  chart.title = "Concerns by category";
  chart.description =
      "Number of concerns raised in each category over the "
      "sessions " +
      std::string(scope) + ".";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    chart.items.push_back({labels[i], counts[i]});
  }
  return Figure(BarChartSvg(chart));
}

}  // namespace

std::string RenderReportHtml(const Report& report) {
  const ReportFilter& f = report.filter;
  const std::string period = DescribePeriod(f.from, f.to);
  const std::string place = DescribePlace(f.country, f.region, f.commune);
  const std::string scope = "of " + place + ", " + period;
  std::string out = Head("Report \u2014 " + place + ", " + period);
  out += "<header>\n<h1>Participation, concerns and commitments</h1>\n";
  out += "<ul class=\"meta\">\n<li>Period: " + E(period) + "</li>\n";
  out += "<li>Place: " + R(place) + "</li>\n";
  out += "<li>Commitments counted as of " + D(f.today) + "</li>\n";
  if (!f.generated_at.empty()) {
    out += "<li>Generated " + E(f.generated_at) + "</li>\n";
  }
  out += "</ul>\n</header>\n";

  out += "<section>\n<h2>Participation</h2>\n<p>" +
         Plural(report.sessions, "session") + ", " +
         Plural(report.participants, "participant") + " in total.</p>\n";
  if (report.sessions > 0) {
    out += ParticipationSection(report.participation, scope);
  }
  out += "</section>\n";

  out += "<section>\n<h2>Concerns</h2>\n";
  if (report.concerns_by_category.empty()) {
    out += "<p>No concern was recorded.</p>\n";
  } else {
    std::vector<std::string> labels;
    std::vector<int64_t> counts;
    Table by_category{
        {"Category", "Concerns", "Sessions"}, {false, true, true}, {}, false};
    for (const ConcernCategoryRow& row : report.concerns_by_category) {
      labels.push_back(VocabularyLabel(row.category));
      counts.push_back(row.concerns);
      by_category.rows.push_back({E(VocabularyLabel(row.category)),
                                  Num(row.concerns), Num(row.sessions)});
    }
    out += "<h3>By category</h3>\n" + ConcernChart(labels, counts, scope) +
           RenderTable(by_category);
    Table by_region{{"Category", "Country", "Region", "Concerns"},
                    {false, false, false, true},
                    {},
                    false};
    for (const ConcernRegionRow& row : report.concerns_by_region) {
      by_region.rows.push_back({E(VocabularyLabel(row.category)),
                                R(row.country), ROr(row.region, "(none)"),
                                Num(row.concerns)});
    }
    out += "<h3>By category and region</h3>\n" + RenderTable(by_region);
  }
  out += "</section>\n";

  out += "<section>\n<h2>Commitments by owning institution</h2>\n";
  if (report.commitments.empty()) {
    out += "<p>No commitment was made.</p>\n";
  } else {
    out += RenderTable(
        FollowThroughTable(report.commitments, report.commitments_total));
    out += Definitions(f.today);
  }
  out += "</section>\n";
  return out + kTail;
}

std::string RenderBriefHtml(const Brief& brief) {
  const BriefFilter& f = brief.filter;
  const std::string place = DescribePlace(f.country, f.region, f.commune);
  const std::string scope = "held in " + place;
  std::string out = Head("Handover brief \u2014 " + place);
  out += "<header>\n<h1>Handover brief: " + R(place) + "</h1>\n";
  out += "<ul class=\"meta\">\n<li>As of " + D(f.today) + "</li>\n";
  if (!f.generated_at.empty()) {
    out += "<li>Generated " + E(f.generated_at) + "</li>\n";
  }
  out += "</ul>\n</header>\n";

  out += "<section>\n<h2>Sessions held</h2>\n";
  if (brief.sessions == 0) {
    out += "<p>No session has been recorded here.</p>\n";
  } else {
    out += "<p>" + Plural(brief.sessions, "session") + ", " +
           (brief.first_date == brief.last_date
                ? "on " + D(brief.first_date)
                : "from " + D(brief.first_date) + " to " + D(brief.last_date)) +
           "; " + Plural(brief.participants, "participant") +
           " in total.</p>\n";
    Table kinds{{"Kind", "Sessions"}, {false, true}, {}, false};
    for (const KindCount& k : brief.kinds) {
      kinds.rows.push_back({E(VocabularyLabel(k.kind)), Num(k.sessions)});
    }
    out += RenderTable(kinds);
  }
  out += "</section>\n";

  if (brief.sessions > 0) {
    out += "<section>\n<h2>Participation over time</h2>\n";
    Chart chart;
    chart.id = "months";
    chart.title = "Participants per month";
    chart.description = "Total participants of the sessions " + scope +
                        ", month by month from " + brief.months.front().month +
                        " to " + brief.months.back().month + ".";
    Table months{
        {"Month", "Sessions", "Participants"}, {false, true, true}, {}, false};
    for (const MonthRow& m : brief.months) {
      chart.items.push_back({m.month, m.participants});
      months.rows.push_back({D(m.month), Num(m.sessions), Num(m.participants)});
    }
    out += Figure(ColumnChartSvg(chart)) + RenderTable(months);
    out += ParticipationSection(brief.participation, scope);
    out += "</section>\n";
  }

  out += "<section>\n<h2>Recurring concerns</h2>\n";
  if (brief.concerns.empty()) {
    out += "<p>No concern has been recorded here.</p>\n";
  } else {
    std::vector<std::string> labels;
    std::vector<int64_t> counts;
    for (const BriefConcern& c : brief.concerns) {
      labels.push_back(VocabularyLabel(c.category));
      counts.push_back(c.concerns);
    }
    out += ConcernChart(labels, counts, scope);
  }
  for (const BriefConcern& c : brief.concerns) {
    out += "<h3>" + E(VocabularyLabel(c.category)) + ": " +
           Plural(c.concerns, "concern") + " in " +
           Plural(c.sessions, "session") + "</h3>\n";
    if (c.latest.empty()) continue;
    out += "<ul class=\"summaries\">\n";
    for (const DatedSummary& s : c.latest) {
      out += "<li>" + D(s.date) + ": " + ROr(s.summary, "(no summary)") +
             "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";

  out += "<section>\n<h2>Open commitments</h2>\n";
  out += brief.open_total == 0
             ? std::string("<p>No open commitment.</p>\n")
             : "<p>" + Plural(brief.open_total, "open commitment") + ", " +
                   Num(brief.overdue_total) + " overdue.</p>\n";
  for (const OwnerCommitments& owner : brief.open_commitments) {
    out += "<section>\n<h3>" + ROr(owner.owner, "(no owner)") + " (" +
           Num(static_cast<int64_t>(owner.commitments.size())) + " open, " +
           Num(owner.overdue) + " overdue)</h3>\n<ul class=\"commitments\">\n";
    for (const BriefCommitment& c : owner.commitments) {
      out += c.overdue ? "<li class=\"commitment overdue\">"
                       : "<li class=\"commitment\">";
      out += "<p><strong>" + ROr(c.action, "(no action)") + "</strong>";
      if (c.overdue) out += " <span class=\"flag\">Overdue</span>";
      out += "</p>\n<p>Due: " + (c.due.empty() ? "no date" : D(c.due)) +
             " \u00b7 Status: " + E(VocabularyLabel(c.status));
      if (!c.status_date.empty()) out += " (since " + D(c.status_date) + ")";
      out += " \u00b7 id <code>" + E(c.id.substr(0, 8)) + "</code></p>\n";
      out += "<p>Agreed at: " + ROr(c.session_title, "(untitled)") + " (" +
             D(c.session_date) + ")</p>\n";
      if (c.follow_ups.empty()) {
        out += "<p>No follow-up yet.</p>\n";
      } else {
        out += "<ol class=\"follow-ups\">\n";
        for (const BriefFollowUp& u : c.follow_ups) {
          out += "<li>" + D(u.date) + ": " + E(VocabularyLabel(u.status));
          if (!u.note.empty()) out += " \u2014 " + R(u.note);
          out += "</li>\n";
        }
        out += "</ol>\n";
      }
      out += "</li>\n";
    }
    out += "</ul>\n</section>\n";
  }
  out += "</section>\n";

  out += "<section>\n<h2>Follow-through by institution</h2>\n";
  if (brief.follow_through.empty()) {
    out += "<p>No commitment has been made here.</p>\n";
  } else {
    out += RenderTable(
        FollowThroughTable(brief.follow_through, brief.follow_through_total));
    out += Definitions(f.today);
  }
  out += "</section>\n";
  return out + kTail;
}

}  // namespace palabre

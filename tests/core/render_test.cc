// The renderings of the report and the brief (Markdown, HTML, CSV, JSON,
// SVG) over hand-built values holding hostile text.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/brief.h"
#include "core/render_csv.h"
#include "core/render_html.h"
#include "core/render_json.h"
#include "core/render_markdown.h"
#include "core/report.h"
#include "core/svg_chart.h"

namespace palabre::testing {
namespace {

constexpr char kHostile[] = "<script>alert('x')</script> | *bold* & co";

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// True if `html` has something like ` onload=` (an event handler).
bool HasEventHandler(const std::string& html) {
  for (std::size_t at = html.find(" on"); at != std::string::npos;
       at = html.find(" on", at + 1)) {
    std::size_t i = at + 3;
    while (i < html.size() && html[i] >= 'a' && html[i] <= 'z') ++i;
    if (i > at + 3 && i < html.size() && html[i] == '=') return true;
  }
  return false;
}

// True if every `c` in `md` is backslash-escaped.
bool AllEscaped(const std::string& md, char c) {
  for (std::size_t i = 0; i < md.size(); ++i) {
    if (md[i] == c && (i == 0 || md[i - 1] != '\\')) return false;
  }
  return true;
}

Report SampleReport() {
  Report report;
  report.filter.from = "2026-01-01";
  report.filter.to = "2026-03-31";
  report.filter.country = "ML";
  report.filter.region = kHostile;
  report.filter.today = "2026-05-01";
  report.filter.generated_at = "2026-05-01T08:00:00Z";
  report.sessions = 3;
  report.participants = 30;
  report.participation = {{"sex", "female", 18, 3},
                          {"sex", "male", 12, 2},
                          {"age", "18_35", 20, 3},
                          {"group", "womens_groups", 9, 2}};
  report.concerns_by_category = {{"police_conduct", 4, 2},
                                 {"land_dispute", 1, 1}};
  report.concerns_by_region = {{"police_conduct", "ML", "Gao", 3},
                               {"police_conduct", "ML", "", 1},
                               {"land_dispute", "ML", "=HYPERLINK(1)", 1}};
  CommitmentStats police{"Commissariat \"Gao\", police", 3, 1, 1, 0, 2, 1};
  CommitmentStats ngo{kHostile, 1, 0, 0, 0, 0, 0};
  report.commitments = {police, ngo};
  report.commitments_total = {"", 4, 1, 1, 0, 2, 1};
  return report;
}

Brief SampleBrief() {
  Brief brief;
  brief.filter.country = "ML";
  brief.filter.region = "Gao";
  brief.filter.today = "2026-05-01";
  brief.filter.generated_at = "2026-05-01T08:00:00Z";
  brief.sessions = 2;
  brief.first_date = "2026-01-10";
  brief.last_date = "2026-03-05";
  brief.participants = 22;
  brief.kinds = {{"community_dialogue", 1}, {"security_advisory_committee", 1}};
  brief.months = {{"2026-01", 1, 12}, {"2026-02", 0, 0}, {"2026-03", 1, 10}};
  brief.participation = {{"sex", "female", 15, 2}};
  brief.concerns = {{"police_conduct", 2, 2, {{"2026-03-05", kHostile}}}};
  BriefCommitment c;
  c.id = "0123456789abcdef0123456789abcdef";
  c.action = "# Publier | les horaires";
  c.due = "2026-03-01";
  c.status = "in_progress";
  c.status_date = "2026-03-10";
  c.overdue = true;
  c.session_title = kHostile;
  c.session_date = "2026-01-10";
  c.follow_ups = {{"2026-03-10", "in_progress", "- note\nsur deux lignes"}};
  brief.open_commitments = {{"Commissariat <b>Gao</b>", 1, {c}}};
  brief.open_total = 1;
  brief.overdue_total = 1;
  brief.follow_through = {{"Commissariat <b>Gao</b>", 2, 1, 1, 0, 2, 1}};
  brief.follow_through_total = {"", 2, 1, 1, 0, 2, 1};
  return brief;
}

void CheckSafeHtml(const std::string& html) {
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_FALSE(Contains(html, "<script"));
  CHECK_FALSE(Contains(html, "<SCRIPT"));
  CHECK_FALSE(Contains(html, "http://"));
  CHECK_FALSE(Contains(html, "https://"));
  CHECK_FALSE(Contains(html, "<link"));
  CHECK_FALSE(Contains(html, "<img"));
  CHECK_FALSE(Contains(html, "@import"));
  CHECK_FALSE(Contains(html, "url("));
  CHECK_FALSE(HasEventHandler(html));
  CHECK(Contains(html, "<svg"));
  CHECK(Contains(html, "<title"));
  CHECK(Contains(html, "<desc"));
  CHECK(Contains(html, "@media print"));
  CHECK(Contains(html, "name=\"viewport\""));
  CHECK(Contains(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
}

TEST_CASE("the HTML report is self-contained and escapes record text",
          "[report][render]") {
  const std::string html = RenderReportHtml(SampleReport());
  CheckSafeHtml(html);
  CHECK(Contains(html, "Commissariat &quot;Gao&quot;, police"));
  CHECK(Contains(html, "Women&#39;s groups"));
  CHECK(Contains(html, "50%"));
  CHECK(Contains(html, "n/a"));
  CHECK(Contains(html, "</html>"));
}

TEST_CASE("the HTML brief is self-contained and escapes record text",
          "[brief][render]") {
  const std::string html = RenderBriefHtml(SampleBrief());
  CheckSafeHtml(html);
  CHECK_FALSE(Contains(html, "<b>"));
  CHECK(Contains(html, "Commissariat &lt;b&gt;Gao&lt;/b&gt;"));
  CHECK(Contains(html, "Overdue"));
  CHECK(Contains(html, "01234567"));
  CHECK_FALSE(Contains(html, "0123456789abcdef0123"));  // short ids only
  CHECK(Contains(html, "2026-02"));  // the empty month is charted
}

TEST_CASE("the Markdown report escapes table cells", "[report][render]") {
  const std::string md = RenderReportMarkdown(SampleReport());
  CHECK(md.rfind("# ", 0) == 0);
  CHECK(md.back() == '\n');
  CHECK_FALSE(Contains(md, "\n\n\n"));
  CHECK(AllEscaped(md, '<'));
  CHECK(AllEscaped(md, '>'));
  CHECK(Contains(md, "\\<script\\>"));
  CHECK(Contains(md, "\\| \\*bold\\*"));
  // Every table row has exactly its cells: no unescaped pipe inside.
  std::size_t start = 0;
  while (start < md.size()) {
    const std::size_t end = md.find('\n', start);
    const std::string line = md.substr(start, end - start);
    start = end + 1;
    if (line.rfind("| Owning institution", 0) == 0 ||
        line.rfind("| Commissariat", 0) == 0 ||
        line.rfind("| \\<script", 0) == 0 || line.rfind("| **Total", 0) == 0) {
      std::size_t pipes = 0;
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
      }
      INFO(line);
      CHECK(pipes == 9);  // 8 columns
    }
  }
  CHECK(Contains(md, "| Female | 18 | 3 |"));
  CHECK(Contains(md, "| Police conduct | ML | (none) | 1 |"));
  CHECK(Contains(md, "| 50% |"));
  CHECK(Contains(md, "| n/a |"));
}

TEST_CASE("the Markdown brief keeps record text on one inert line",
          "[brief][render]") {
  const std::string md = RenderBriefMarkdown(SampleBrief());
  CHECK(AllEscaped(md, '<'));
  CHECK(AllEscaped(md, '>'));
  CHECK(
      Contains(md, "### Commissariat \\<b\\>Gao\\</b\\> (1 open, 1 overdue)"));
  CHECK(Contains(md, "- **\\# Publier \\| les horaires** (OVERDUE)"));
  CHECK(
      Contains(md, "2026-03-10: In progress \u2014 \\- note sur deux lignes"));
  CHECK(Contains(md, "| 2026-02 | 0 | 0 |"));
  CHECK(Contains(md, "id `01234567`"));
}

TEST_CASE("Markdown text escaping", "[report][render]") {
  CHECK(MarkdownText("plain text") == "plain text");
  CHECK(MarkdownText("a|b") == "a\\|b");
  CHECK(MarkdownText("  two\nlines\r\n") == "two lines");
  CHECK(MarkdownText("# title") == "\\# title");
  CHECK(MarkdownText("- item") == "\\- item");
  CHECK(MarkdownText("+ item") == "\\+ item");
  CHECK(MarkdownText("12. point") == "12\\. point");
  CHECK(MarkdownText("3) point") == "3\\) point");
  CHECK(MarkdownText("2026-03-01") == "2026-03-01");
  CHECK(MarkdownText("[link](x)") == "\\[link\\](x)");
  CHECK(MarkdownText("`code` _x_ ~y~ \\") == "\\`code\\` \\_x\\_ \\~y\\~ \\\\");
  CHECK(MarkdownText("") == "");
}

TEST_CASE("CSV tables have a header row and RFC 4180 quoting",
          "[report][render]") {
  const Report report = SampleReport();
  auto participation = RenderReportCsv(report, "participation");
  REQUIRE(participation.ok());
  CHECK(*participation ==
        "dimension,key,participants,sessions\r\n"
        "sex,female,18,3\r\n"
        "sex,male,12,2\r\n"
        "age,18_35,20,3\r\n"
        "group,womens_groups,9,2\r\n");

  auto concerns = RenderReportCsv(report, "concerns");
  REQUIRE(concerns.ok());
  CHECK(concerns->rfind("category,country,region,concerns\r\n", 0) == 0);
  CHECK(Contains(*concerns, "police_conduct,ML,,1\r\n"));
  CHECK(Contains(*concerns, "land_dispute,ML,'=HYPERLINK(1),1\r\n"));

  auto commitments = RenderReportCsv(report, "commitments");
  REQUIRE(commitments.ok());
  CHECK(commitments->rfind("owner,made,kept,overdue,dropped,due,kept_due,"
                           "follow_through_rate\r\n",
                           0) == 0);
  CHECK(Contains(*commitments,
                 "\"Commissariat \"\"Gao\"\", police\",3,1,1,0,2,1,0.5\r\n"));
  CHECK(Contains(*commitments, ",1,0,0,0,0,0,\r\n"));  // rate n/a: empty

  CHECK(RenderReportCsv(report, "").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(Contains(RenderReportCsv(report, "").status().message(),
                 "--table is required"));
  CHECK(RenderReportCsv(report, "sessions").status().code() ==
        StatusCode::kInvalidArgument);

  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(CsvField("-1", false) == "-1");
}

TEST_CASE("the JSON report", "[report][render]") {
  const nlohmann::json j = ReportJson(SampleReport());
  CHECK(j["format"] == "palabre.report/1");
  CHECK(j["generated_at"] == "2026-05-01T08:00:00Z");
  CHECK(j["filter"]["from"] == "2026-01-01");
  CHECK(j["filter"]["commune"].is_null());
  CHECK(j["filter"]["today"] == "2026-05-01");
  CHECK(j["sessions"] == 3);
  CHECK(j["participation"]["sex"].size() == 2);
  CHECK(j["participation"]["sex"][0]["key"] == "female");
  CHECK(j["participation"]["sex"][0]["participants"] == 18);
  CHECK(j["participation"]["group"][0]["sessions"] == 2);
  CHECK(j["concerns"]["by_category"][0]["concerns"] == 4);
  CHECK(j["concerns"]["by_region"][1]["region"].is_null());
  const auto& owners = j["commitments"]["by_owner"];
  REQUIRE(owners.size() == 2);
  CHECK(owners[0]["owner"] == "Commissariat \"Gao\", police");
  CHECK(owners[0]["follow_through_rate"] == 0.5);
  CHECK(owners[1]["follow_through_rate"].is_null());
  CHECK(j["commitments"]["total"]["made"] == 4);
  CHECK_FALSE(j["commitments"]["total"].contains("owner"));

  // Invalid UTF-8 in record text does not make serialization throw.
  Report report = SampleReport();
  report.commitments[0].owner = "bad \xff byte";
  auto text = RenderReportJson(report);
  REQUIRE(text.ok());
  CHECK(nlohmann::json::parse(*text)["sessions"] == 3);
}

TEST_CASE("SVG charts are accessible and scale", "[report][render]") {
  Chart chart;
  chart.id = "by sex";
  chart.title = "Participants <by> sex";
  chart.description = "Sum & such";
  chart.items = {{"Female", 10},
                 {"Male", 5},
                 {"A label much longer than twenty characters", 0}};
  const std::string bars = BarChartSvg(chart);
  CHECK(bars.rfind("<svg viewBox=\"0 0 400 ", 0) == 0);
  CHECK(Contains(bars, "width=\"100%\""));
  CHECK(Contains(bars, "role=\"img\""));
  CHECK(Contains(bars, "aria-labelledby=\"by-sex-title by-sex-desc\""));
  CHECK(Contains(bars,
                 "<title id=\"by-sex-title\">Participants &lt;by&gt; "
                 "sex</title>"));
  CHECK(Contains(bars, "<desc id=\"by-sex-desc\">Sum &amp; such</desc>"));
  CHECK(Contains(bars, "<title>Female: 10</title>"));
  CHECK(Contains(bars, ">Female</text>"));
  CHECK(Contains(bars, ">A label much longer\u2026</text>"));
  CHECK_FALSE(Contains(bars, "http"));
  CHECK(bars.substr(bars.size() - 6) == "</svg>");

  chart.items.clear();
  for (int m = 1; m <= 24; ++m) {
    chart.items.push_back({"2026-" + std::to_string(m), m});
  }
  const std::string columns = ColumnChartSvg(chart);
  CHECK(Contains(columns, "<title>2026-24: 24</title>"));
  CHECK(Contains(columns, ">24</text>"));  // the y axis maximum

  chart.items.clear();
  CHECK(Contains(BarChartSvg(chart), "No data"));
  CHECK(Contains(ColumnChartSvg(chart), "No data"));
}

TEST_CASE(
    "SVG charts speak the reader's language: no-data text and digit groups",
    "[report][render]") {
  Chart chart;
  chart.id = "months";
  chart.title = "Participants par mois";
  chart.no_data = "Aucune <donnée>";
  chart.digit_group_separator = "\u202f";
  CHECK(Contains(BarChartSvg(chart), ">Aucune &lt;donnée&gt;</text>"));
  CHECK(Contains(ColumnChartSvg(chart), ">Aucune &lt;donnée&gt;</text>"));
  CHECK_FALSE(Contains(BarChartSvg(chart), "No data"));

  struct Case {
    int64_t value;
    const char* shown;
  };
  const Case cases[] = {{0, "0"},
                        {999, "999"},
                        {1000, "1\u202f000"},
                        {12345, "12\u202f345"},
                        {1234567, "1\u202f234\u202f567"}};
  for (const Case& c : cases) {
    INFO(c.value);
    chart.items = {{"Femmes", c.value}};
    const std::string bars = BarChartSvg(chart);
    CHECK(
        Contains(bars, std::string("<title>Femmes: ") + c.shown + "</title>"));
    CHECK(Contains(bars, std::string(">") + c.shown + "</text>"));
    // Columns write the value above the column and as the axis maximum.
    CHECK(Contains(ColumnChartSvg(chart),
                   std::string(">") + c.shown + "</text>"));
  }
  // Coordinates are never grouped, only the values shown.
  chart.items = {{"a", 1000}};
  CHECK(Contains(BarChartSvg(chart), "viewBox=\"0 0 400 "));
  chart.digit_group_separator.clear();
  CHECK(Contains(BarChartSvg(chart), ">1000</text>"));
}

}  // namespace
}  // namespace palabre::testing

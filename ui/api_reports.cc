// The brief and report views of `palabre ui` (ui/api.h): core computes them
// (core/brief.h, core/report.h) exactly as for `palabre brief` and
// `palabre report`, core/render_json.h gives their figures, and core draws
// their charts (core/svg_chart.h) — the same charts as the HTML renderings
// (core/render_html.cc), with their titles, labels and numbers in the
// page's language (ui/strings.h). The page shows the SVG as it comes: it
// holds no script and no style, and every text in it is escaped by core.
#include <vector>

#include "core/brief.h"
#include "core/record.h"
#include "core/render_json.h"
#include "core/report.h"
#include "core/svg_chart.h"
#include "ui/api.h"
#include "ui/api_util.h"
#include "ui/strings.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

constexpr const char* kDimensions[] = {"sex", "age", "group"};

// A chart with the page language's "no data" and digit grouping.
Chart NewChart(const Strings& t, std::string id, std::string title,
               std::string description) {
  Chart chart;
  chart.id = std::move(id);
  chart.title = std::move(title);
  chart.description = std::move(description);
  chart.no_data = t.Get("chart.no_data");
  chart.digit_group_separator = t.Get("chart.digit_group");
  return chart;
}

json ChartJson(const std::string& id, const std::string& svg) {
  return {{"id", id}, {"svg", svg}};
}

// One bar chart per participation dimension that has rows, as the HTML
// report draws them.
void AddParticipationCharts(const Strings& t,
                            const std::vector<ParticipationRow>& rows,
                            json& charts) {
  for (const char* dimension : kDimensions) {
    const std::string title = t.Get(std::string("chart.by_") + dimension);
    Chart chart =
        NewChart(t, std::string("participation-") + dimension, title,
                 t.Get("chart.participation_desc", {{"title", title}}));
    for (const ParticipationRow& row : rows) {
      if (row.dimension != dimension) continue;
      chart.items.push_back({t.Word(dimension, row.key), row.participants});
    }
    if (chart.items.empty()) continue;
    charts.push_back(ChartJson(chart.id, BarChartSvg(chart)));
  }
}

// The concerns bar chart, from (category, count) pairs.
void AddConcernChart(const Strings& t,
                     const std::vector<std::pair<std::string, int64_t>>& rows,
                     json& charts) {
  if (rows.empty()) return;
  Chart chart = NewChart(t, "concerns", t.Get("chart.concerns"),
                         t.Get("chart.concerns_desc"));
  for (const auto& [category, count] : rows) {
    chart.items.push_back({t.Word("category", category), count});
  }
  charts.push_back(ChartJson(chart.id, BarChartSvg(chart)));
}

// A "YYYY-MM" month as the language writes it short ("Oct 2025", "oct.
// 2025"); anything else as it is.
std::string MonthLabel(const ui::Strings& t, const std::string& month) {
  if (month.size() != 7 || month[4] != '-') return month;
  const std::string key = "chart.month." + month.substr(5);
  const std::string name = t.Get(key);
  if (name == key) return month;
  return t.Get("chart.month_label",
               {{"month", name}, {"year", month.substr(0, 4)}});
}

// The place parameters, as `palabre brief` and `report` take them.
Status PlaceParams(const ApiRequest& r, std::string* country,
                   std::string* region, std::string* commune) {
  *country = Param(r, "country");
  if (!country->empty()) {
    const std::optional<std::string> code = CountryCode(*country);
    if (!code.has_value()) {
      return InvalidArgumentError(
          "country: a two-letter ISO 3166-1 code such as ML");
    }
    *country = *code;
  }
  *region = Param(r, "region");
  *commune = Param(r, "commune");
  return Status::Ok();
}

}  // namespace

ApiReply Api::ShowReport(const ApiRequest& r) {
  ReportFilter f;
  f.from = Param(r, "from");
  f.to = Param(r, "to");
  for (Status check :
       {CheckDateParam("from", f.from), CheckDateParam("to", f.to),
        PlaceParams(r, &f.country, &f.region, &f.commune)}) {
    if (!check.ok()) return FromStatus(check);
  }
  f.today = today_();
  Status valid = ValidateReportFilter(f);
  if (!valid.ok()) return FromStatus(valid);
  const ui::Strings t = ui::Strings::For(Param(r, "lang"));
  json out;
  Status status = vault_.Use([&](Vault& vault, RecordStore&) -> Status {
    PALABRE_ASSIGN_OR_RETURN(Report report, ComputeReport(vault.db(), f));
    json charts = json::array();
    AddParticipationCharts(t, report.participation, charts);
    std::vector<std::pair<std::string, int64_t>> concerns;
    for (const ConcernCategoryRow& row : report.concerns_by_category) {
      concerns.emplace_back(row.category, row.concerns);
    }
    AddConcernChart(t, concerns, charts);
    out = {{"report", ReportJson(report)}, {"charts", charts}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::ShowBrief(const ApiRequest& r) {
  BriefFilter f;
  Status place = PlaceParams(r, &f.country, &f.region, &f.commune);
  if (!place.ok()) return FromStatus(place);
  if (f.country.empty()) {
    return ApiError(400, "bad_request",
                    "country: required (a brief is for one place)");
  }
  f.today = today_();
  const ui::Strings t = ui::Strings::For(Param(r, "lang"));
  json out;
  Status status = vault_.Use([&](Vault& vault, RecordStore&) -> Status {
    PALABRE_ASSIGN_OR_RETURN(Brief brief, ComputeBrief(vault.db(), f));
    json charts = json::array();
    if (!brief.months.empty()) {
      Chart chart =
          NewChart(t, "months", t.Get("chart.months"),
                   t.Get("chart.months_desc",
                         {{"from", MonthLabel(t, brief.months.front().month)},
                          {"to", MonthLabel(t, brief.months.back().month)}}));
      for (const MonthRow& m : brief.months) {
        chart.items.push_back({MonthLabel(t, m.month), m.participants});
      }
      charts.push_back(ChartJson(chart.id, ColumnChartSvg(chart)));
    }
    AddParticipationCharts(t, brief.participation, charts);
    std::vector<std::pair<std::string, int64_t>> concerns;
    for (const BriefConcern& c : brief.concerns) {
      concerns.emplace_back(c.category, c.concerns);
    }
    AddConcernChart(t, concerns, charts);
    out = {{"brief", BriefJson(brief)}, {"charts", charts}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

}  // namespace palabre::ui

// The JSON rendering (see render_json.h). nlohmann::json may throw; nothing
// escapes from here.
#include "core/render_json.h"

#include <exception>
#include <string>
#include <string_view>

namespace palabre {
namespace {

// Built for nlohmann::json (ReportJson) and for nlohmann::ordered_json
// (RenderReportJson, so that the text keeps the documented key order).
template <typename Json>
Json OrNull(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

template <typename Json>
Json Stats(const CommitmentStats& s, bool with_owner) {
  Json j = Json::object();
  if (with_owner) j["owner"] = s.owner;
  j["made"] = s.made;
  j["kept"] = s.kept;
  j["overdue"] = s.overdue;
  j["dropped"] = s.dropped;
  j["due"] = s.due;
  j["kept_due"] = s.kept_due;
  const auto rate = s.rate();
  j["follow_through_rate"] = rate ? Json(*rate) : Json(nullptr);
  return j;
}

template <typename Json>
Json Build(const Report& report) {
  const ReportFilter& f = report.filter;
  Json j = Json::object();
  j["format"] = kReportFormat;
  j["generated_at"] = OrNull<Json>(f.generated_at);
  j["filter"] = {
      {"from", OrNull<Json>(f.from)},       {"to", OrNull<Json>(f.to)},
      {"country", OrNull<Json>(f.country)}, {"region", OrNull<Json>(f.region)},
      {"commune", OrNull<Json>(f.commune)}, {"today", f.today}};
  j["sessions"] = report.sessions;
  j["participants"] = report.participants;

  Json participation = {
      {"sex", Json::array()}, {"age", Json::array()}, {"group", Json::array()}};
  for (const ParticipationRow& r : report.participation) {
    participation[r.dimension].push_back({{"key", r.key},
                                          {"participants", r.participants},
                                          {"sessions", r.sessions}});
  }
  j["participation"] = std::move(participation);

  Json by_category = Json::array();
  for (const ConcernCategoryRow& r : report.concerns_by_category) {
    by_category.push_back({{"category", r.category},
                           {"concerns", r.concerns},
                           {"sessions", r.sessions}});
  }
  Json by_region = Json::array();
  for (const ConcernRegionRow& r : report.concerns_by_region) {
    by_region.push_back({{"category", r.category},
                         {"country", r.country},
                         {"region", OrNull<Json>(r.region)},
                         {"concerns", r.concerns}});
  }
  j["concerns"] = {{"by_category", std::move(by_category)},
                   {"by_region", std::move(by_region)}};

  Json by_owner = Json::array();
  for (const CommitmentStats& s : report.commitments) {
    by_owner.push_back(Stats<Json>(s, true));
  }
  j["commitments"] = {{"by_owner", std::move(by_owner)},
                      {"total", Stats<Json>(report.commitments_total, false)}};
  return j;
}

}  // namespace

nlohmann::json ReportJson(const Report& report) {
  try {
    return Build<nlohmann::json>(report);
  } catch (const std::exception&) {
    // Only allocation can fail while building values.
    return nlohmann::json(nullptr);
  }
}

StatusOr<std::string> RenderReportJson(const Report& report) {
  try {
    return Build<nlohmann::ordered_json>(report).dump(
               2, ' ', false,
               nlohmann::ordered_json::error_handler_t::replace) +
           "\n";
  } catch (const std::exception&) {
    return InternalError("the report could not be serialized as JSON");
  }
}

}  // namespace palabre

// The JSON rendering (see render_json.h). nlohmann::json may throw; nothing
// escapes from here.
#include "core/render_json.h"

#include <exception>
#include <string>
#include <string_view>
#include <vector>

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

// {"sex": [...], "age": [...], "group": [...]}, each row {key,
// participants, sessions}.
template <typename Json>
Json Participation(const std::vector<ParticipationRow>& rows) {
  Json participation = {
      {"sex", Json::array()}, {"age", Json::array()}, {"group", Json::array()}};
  for (const ParticipationRow& r : rows) {
    participation[r.dimension].push_back({{"key", r.key},
                                          {"participants", r.participants},
                                          {"sessions", r.sessions}});
  }
  return participation;
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

  j["participation"] = Participation<Json>(report.participation);

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

template <typename Json>
Json BuildBrief(const Brief& brief) {
  const BriefFilter& f = brief.filter;
  Json j = Json::object();
  j["format"] = kBriefFormat;
  j["generated_at"] = OrNull<Json>(f.generated_at);
  j["filter"] = {{"country", f.country},
                 {"region", OrNull<Json>(f.region)},
                 {"commune", OrNull<Json>(f.commune)},
                 {"today", f.today}};
  j["sessions"] = brief.sessions;
  j["first_date"] = OrNull<Json>(brief.first_date);
  j["last_date"] = OrNull<Json>(brief.last_date);
  j["participants"] = brief.participants;
  Json kinds = Json::array();
  for (const KindCount& k : brief.kinds) {
    kinds.push_back({{"kind", k.kind}, {"sessions", k.sessions}});
  }
  j["kinds"] = std::move(kinds);
  Json months = Json::array();
  for (const MonthRow& m : brief.months) {
    months.push_back({{"month", m.month},
                      {"sessions", m.sessions},
                      {"participants", m.participants}});
  }
  j["months"] = std::move(months);
  j["participation"] = Participation<Json>(brief.participation);
  Json concerns = Json::array();
  for (const BriefConcern& c : brief.concerns) {
    Json latest = Json::array();
    for (const DatedSummary& d : c.latest) {
      latest.push_back({{"date", d.date}, {"summary", d.summary}});
    }
    concerns.push_back({{"category", c.category},
                        {"concerns", c.concerns},
                        {"sessions", c.sessions},
                        {"latest", std::move(latest)}});
  }
  j["concerns"] = std::move(concerns);
  Json owners = Json::array();
  for (const OwnerCommitments& o : brief.open_commitments) {
    Json list = Json::array();
    for (const BriefCommitment& c : o.commitments) {
      Json follow_ups = Json::array();
      for (const BriefFollowUp& u : c.follow_ups) {
        follow_ups.push_back({{"date", u.date},
                              {"status", u.status},
                              {"note", OrNull<Json>(u.note)}});
      }
      list.push_back({{"id", c.id},
                      {"action", c.action},
                      {"due", OrNull<Json>(c.due)},
                      {"status", c.status},
                      {"status_date", OrNull<Json>(c.status_date)},
                      {"overdue", c.overdue},
                      {"session", c.session_id},
                      {"session_title", c.session_title},
                      {"session_date", c.session_date},
                      {"follow_ups", std::move(follow_ups)}});
    }
    owners.push_back({{"owner", o.owner},
                      {"overdue", o.overdue},
                      {"commitments", std::move(list)}});
  }
  j["open_commitments"] = {{"by_owner", std::move(owners)},
                           {"open", brief.open_total},
                           {"overdue", brief.overdue_total}};
  Json follow_through = Json::array();
  for (const CommitmentStats& s : brief.follow_through) {
    follow_through.push_back(Stats<Json>(s, true));
  }
  j["follow_through"] = {
      {"by_owner", std::move(follow_through)},
      {"total", Stats<Json>(brief.follow_through_total, false)}};
  return j;
}

}  // namespace

nlohmann::json BriefJson(const Brief& brief) {
  try {
    return BuildBrief<nlohmann::json>(brief);
  } catch (const std::exception&) {
    return nlohmann::json(nullptr);
  }
}

StatusOr<std::string> RenderBriefJson(const Brief& brief) {
  try {
    return BuildBrief<nlohmann::ordered_json>(brief).dump(
               2, ' ', false,
               nlohmann::ordered_json::error_handler_t::replace) +
           "\n";
  } catch (const std::exception&) {
    return InternalError("the brief could not be serialized as JSON");
  }
}

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

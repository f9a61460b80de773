// JSON shapes of the record store's views (core/record_views_json.h).
#include "core/record_views_json.h"

namespace palabre {

using nlohmann::json;

namespace {

json DateOrNull(const std::string& date) {
  return date.empty() ? json() : json(date);
}

}  // namespace

json SessionDeviceJson(const SessionSummary& s) {
  if (s.device_name.empty()) return json();
  json device = {{"id", s.device_id}, {"name", s.device_name}};
  if (s.device_revoked_at > 0) device["revoked_at"] = s.device_revoked_at;
  return device;
}

json SessionSummaryJson(const SessionSummary& s) {
  return {{"id", s.id},
          {"kind", s.kind},
          {"title", s.title},
          {"started_at", s.started_at},
          {"date", s.date},
          {"country", s.country},
          {"region", s.region},
          {"commune", s.commune},
          {"participants", s.participants},
          {"open_commitments", s.open_commitments},
          {"device", SessionDeviceJson(s)}};
}

json CommitmentViewJson(const CommitmentView& c) {
  return {{"id", c.id},
          {"session", c.session_id},
          {"session_title", c.session_title},
          {"session_date", c.session_date},
          {"country", c.country},
          {"region", c.region},
          {"commune", c.commune},
          {"action", c.action},
          {"owner", c.owner},
          {"due", DateOrNull(c.due)},
          {"status", c.status},
          {"status_date", DateOrNull(c.status_date)},
          {"overdue", c.overdue}};
}

json FollowUpViewJson(const FollowUpView& f) {
  return {{"id", f.id},         {"commitment", f.commitment_id},
          {"status", f.status}, {"note", f.note},
          {"date", f.date},     {"created_at", f.created_at}};
}

}  // namespace palabre

// The JSON renderings of the report (core/report.h) and of the brief
// (core/brief.h), for other programs and for the web app:
// `palabre report --format json`, `palabre brief --format json`, and
// `palabre ui`'s /api/report and /api/brief.
//
// The document (format "palabre.report/1"):
//   {
//     "format": "palabre.report/1",
//     "generated_at": "2026-04-02T10:00:00Z",
//     "filter": {"from": "2026-01-01" | null, "to": ... | null,
//                "country": "ML" | null, "region": ... | null,
//                "commune": ... | null, "today": "2026-04-02"},
//     "sessions": 12, "participants": 340,
//     "participation": {"sex": [{"key", "participants", "sessions"}...],
//                       "age": [...], "group": [...]},
//     "concerns": {"by_category": [{"category", "concerns", "sessions"}...],
//                  "by_region": [{"category", "country",
//                                 "region" (null when none), "concerns"}...]},
//     "commitments": {"by_owner": [{"owner", "made", "kept", "overdue",
//                                   "dropped", "due", "kept_due",
//                                   "follow_through_rate"}...],
//                     "total": {same fields but "owner"}}
//   }
// Vocabulary words are as in the record format; follow_through_rate is a
// number between 0 and 1, or null when nothing is due. Definitions are in
// core/report.h.
//
// The brief (format "palabre.brief/1"):
//   {
//     "format": "palabre.brief/1", "generated_at": ...,
//     "filter": {"country", "region" | null, "commune" | null, "today"},
//     "sessions", "first_date" | null, "last_date" | null, "participants",
//     "kinds": [{"kind", "sessions"}...],
//     "months": [{"month": "YYYY-MM", "sessions", "participants"}...],
//     "participation": as in the report,
//     "concerns": [{"category", "concerns", "sessions",
//                   "latest": [{"date", "summary"}...]}...],
//     "open_commitments": {"by_owner": [{"owner", "overdue",
//          "commitments": [{"id", "action", "due" | null, "status",
//                           "status_date" | null, "overdue", "session",
//                           "session_title", "session_date",
//                           "follow_ups": [{"date", "status",
//                                           "note" | null}...]}...]}...],
//        "open", "overdue"},
//     "follow_through": {"by_owner": [as the report's], "total": ...}
//   }
// Definitions are in core/brief.h.
#ifndef PALABRE_CORE_RENDER_JSON_H_
#define PALABRE_CORE_RENDER_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/brief.h"
#include "core/report.h"
#include "platform/status.h"

namespace palabre {

inline constexpr char kReportFormat[] = "palabre.report/1";
inline constexpr char kBriefFormat[] = "palabre.brief/1";

// The report as a JSON value (see above). Never fails.
nlohmann::json ReportJson(const Report& report);

// ReportJson serialized with a two-space indent and a final newline;
// invalid UTF-8 in record text is replaced by U+FFFD rather than refused.
// kInternal if serialization fails anyway (it should not).
StatusOr<std::string> RenderReportJson(const Report& report);

// The brief as a JSON value (see above); null only if memory ran out.
nlohmann::json BriefJson(const Brief& brief);
// BriefJson as text, as RenderReportJson. kInternal if serialization fails.
StatusOr<std::string> RenderBriefJson(const Brief& brief);

}  // namespace palabre

#endif  // PALABRE_CORE_RENDER_JSON_H_

// The JSON rendering of the report (core/report.h), for other programs:
// `palabre report --format json`.
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
#ifndef PALABRE_CORE_RENDER_JSON_H_
#define PALABRE_CORE_RENDER_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/report.h"
#include "platform/status.h"

namespace palabre {

inline constexpr char kReportFormat[] = "palabre.report/1";

// The report as a JSON value (see above). Never fails.
nlohmann::json ReportJson(const Report& report);

// ReportJson serialized with a two-space indent and a final newline;
// invalid UTF-8 in record text is replaced by U+FFFD rather than refused.
// kInternal if serialization fails anyway (it should not).
StatusOr<std::string> RenderReportJson(const Report& report);

}  // namespace palabre

#endif  // PALABRE_CORE_RENDER_JSON_H_

// The JSON shapes of the record store's views (core/record_store.h): one
// line of a session list, a commitment with its status, a follow-up. The
// CLI's `--json` output and the local web app's API (ui/) both print these,
// so both speak the same names.
#ifndef PALABRE_CORE_RECORD_VIEWS_JSON_H_
#define PALABRE_CORE_RECORD_VIEWS_JSON_H_

#include <nlohmann/json.hpp>

#include "core/record_store.h"

namespace palabre {

// {"id", "name"[, "revoked_at"]} of the device a session came from, or null
// for a vault outside any organisation.
nlohmann::json SessionDeviceJson(const SessionSummary& s);

// {"id", "kind", "title", "started_at", "date", "country", "region",
// "commune", "participants", "open_commitments", "device"}.
nlohmann::json SessionSummaryJson(const SessionSummary& s);

// {"id", "session", "session_title", "session_date", "country", "region",
// "commune", "action", "owner", "due" (null if none), "status",
// "status_date" (null if none), "overdue"}.
nlohmann::json CommitmentViewJson(const CommitmentView& c);

// {"id", "commitment", "status", "note", "date", "created_at"}.
nlohmann::json FollowUpViewJson(const FollowUpView& f);

}  // namespace palabre

#endif  // PALABRE_CORE_RECORD_VIEWS_JSON_H_

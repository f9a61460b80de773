// Plaintext export of every record and its import into a vault (the
// RecordStore::Export and RecordStore::Import halves of record_store.h).
//
// The export document is {"format": "palabre.export/1", "exported_at",
// "sessions": [...]}, each session as `session show --json` gives it, each
// commitment with its "follow_ups". Import matches sessions and follow-ups
// by id, so a second import of the same file adds nothing; imported records
// become entries of this device's log with the ids they had.
#include <set>

#include "core/database.h"
#include "core/entry_log.h"
#include "core/record_store.h"
#include "core/record_write.h"
#include "platform/clock.h"

namespace palabre {
namespace {

using nlohmann::json;

constexpr char kExportFormat[] = "palabre.export/1";

bool IsId(const json& value) {
  if (!value.is_string()) return false;
  const std::string& s = value.get_ref<const std::string&>();
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

StatusOr<bool> Known(Database& db, const char* table, const char* column,
                     const std::string& id) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT 1 FROM ") + table +
                                      " WHERE " + column + " = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, id));
  return stmt.Step();
}

struct ImportedFollowUp {
  std::string id;
  std::string commitment;
  FollowUpInput follow_up;
};

struct ImportedSession {
  std::string id;
  SessionInput session;
  std::vector<ImportedFollowUp> follow_ups;
};

StatusOr<ImportedSession> ParseImported(const json& value,
                                        const std::string& path) {
  if (!value.is_object()) {
    return InvalidArgumentError(path + ": must be a JSON object");
  }
  if (!IsId(value.contains("id") ? value["id"] : json())) {
    return InvalidArgumentError(path + ".id: missing or not an id");
  }
  ImportedSession out;
  out.id = value["id"].get<std::string>();
  json record = value;
  if (record.contains("commitments") && record["commitments"].is_array()) {
    json& commitments = record["commitments"];
    for (std::size_t i = 0; i < commitments.size(); ++i) {
      json& c = commitments[i];
      const std::string cpath =
          path + ".commitments[" + std::to_string(i) + "]";
      if (!c.is_object()) continue;  // ParseSession reports it
      if (!IsId(c.contains("id") ? c["id"] : json())) {
        return InvalidArgumentError(cpath + ".id: missing or not an id");
      }
      if (!c.contains("follow_ups")) continue;
      const json follow_ups = c["follow_ups"];
      c.erase("follow_ups");
      if (!follow_ups.is_array()) {
        return InvalidArgumentError(cpath + ".follow_ups: must be an array");
      }
      for (std::size_t j = 0; j < follow_ups.size(); ++j) {
        const json& f = follow_ups[j];
        const std::string fpath =
            cpath + ".follow_ups[" + std::to_string(j) + "]";
        if (!f.is_object() || !IsId(f.contains("id") ? f["id"] : json())) {
          return InvalidArgumentError(fpath + ".id: missing or not an id");
        }
        for (auto it = f.begin(); it != f.end(); ++it) {
          if (it.key() != "id" && it.key() != "status" && it.key() != "note" &&
              it.key() != "date" && it.key() != "created_at") {
            return InvalidArgumentError(fpath + "." + it.key() +
                                        ": unknown field");
          }
        }
        ImportedFollowUp fu;
        fu.id = f["id"].get<std::string>();
        fu.commitment = c["id"].get<std::string>();
        auto text = [&](const char* key) -> StatusOr<std::string> {
          if (!f.contains(key) || f[key].is_null()) return std::string();
          if (!f[key].is_string()) {
            return InvalidArgumentError(fpath + "." + key +
                                        ": must be a string");
          }
          return f[key].get<std::string>();
        };
        PALABRE_ASSIGN_OR_RETURN(fu.follow_up.status, text("status"));
        PALABRE_ASSIGN_OR_RETURN(fu.follow_up.note, text("note"));
        PALABRE_ASSIGN_OR_RETURN(fu.follow_up.date, text("date"));
        Status valid = ValidateFollowUp(fu.follow_up);
        if (!valid.ok()) {
          return InvalidArgumentError(fpath + "." + valid.message());
        }
        out.follow_ups.push_back(std::move(fu));
      }
    }
  }
  PALABRE_ASSIGN_OR_RETURN(out.session, ParseSession(record, path));
  return out;
}

}  // namespace

StatusOr<json> RecordStore::Export(bool include_site) {
  PALABRE_ASSIGN_OR_RETURN(std::vector<SessionSummary> sessions,
                           ListSessions(SessionFilter{}));
  json out = {{"format", kExportFormat},
              {"exported_at", FormatUtc(NowUnixMillis())},
              {"sessions", json::array()}};
  // Oldest first, the order they were lived in.
  for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
    PALABRE_ASSIGN_OR_RETURN(json session, SessionJson(it->id));
    if (!include_site && session.contains("place") &&
        session["place"].is_object()) {
      session["place"].erase("site");
    }
    for (json& c : session["commitments"]) {
      PALABRE_ASSIGN_OR_RETURN(std::vector<FollowUpView> follow_ups,
                               FollowUps(c["id"].get<std::string>()));
      c["follow_ups"] = json::array();
      for (const FollowUpView& f : follow_ups) {
        json fj = {{"id", f.id},
                   {"status", f.status},
                   {"date", f.date},
                   {"created_at", f.created_at}};
        if (!f.note.empty()) fj["note"] = f.note;
        c["follow_ups"].push_back(std::move(fj));
      }
    }
    out["sessions"].push_back(std::move(session));
  }
  return out;
}

StatusOr<ImportResult> RecordStore::Import(const json& document) {
  if (!document.is_object()) {
    return InvalidArgumentError("export file: must be a JSON object");
  }
  if (!document.contains("format") || document["format"] != kExportFormat) {
    return InvalidArgumentError(std::string("format: must be \"") +
                                kExportFormat +
                                "\" (palabre import takes a palabre export; "
                                "add a session file with session add)");
  }
  for (auto it = document.begin(); it != document.end(); ++it) {
    if (it.key() != "format" && it.key() != "exported_at" &&
        it.key() != "sessions") {
      return InvalidArgumentError(it.key() + ": unknown field");
    }
  }
  if (!document.contains("sessions") || !document["sessions"].is_array()) {
    return InvalidArgumentError("sessions: must be an array");
  }
  std::vector<ImportedSession> sessions;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < document["sessions"].size(); ++i) {
    PALABRE_ASSIGN_OR_RETURN(
        ImportedSession s,
        ParseImported(document["sessions"][i],
                      "sessions[" + std::to_string(i) + "]"));
    if (!seen.insert(s.id).second) {
      return InvalidArgumentError("sessions[" + std::to_string(i) +
                                  "].id: listed twice");
    }
    sessions.push_back(std::move(s));
  }

  ImportResult result;
  Status status = RunRecordWrite(*db_, [&](RecordWrite& write) -> Status {
    result = ImportResult{};
    for (const ImportedSession& s : sessions) {
      PALABRE_ASSIGN_OR_RETURN(bool have, Known(*db_, "sessions", "id", s.id));
      PALABRE_ASSIGN_OR_RETURN(bool gone,
                               Known(*db_, "redacted", "record_id", s.id));
      if (have || gone) {
        ++result.sessions_skipped;
      } else {
        PALABRE_RETURN_IF_ERROR(
            write.Put(s.id, kTypeSession, kOpPut, "", s.session.body).status());
        for (std::size_t i = 0; i < s.session.commitments.size(); ++i) {
          const CommitmentInput& c = s.session.commitments[i];
          PALABRE_ASSIGN_OR_RETURN(bool taken,
                                   Known(*db_, "commitments", "id", c.id));
          PALABRE_ASSIGN_OR_RETURN(bool redacted,
                                   Known(*db_, "redacted", "record_id", c.id));
          if (taken || redacted) {
            return InvalidArgumentError(
                "commitment " + ShortId(c.id) +
                " already exists in this vault under another session");
          }
          PALABRE_RETURN_IF_ERROR(
              write
                  .Put(c.id, kTypeCommitment, kOpPut, s.id,
                       CommitmentBody(s.id, static_cast<int>(i), c))
                  .status());
        }
        ++result.sessions_added;
      }
      for (const ImportedFollowUp& f : s.follow_ups) {
        PALABRE_ASSIGN_OR_RETURN(bool have_f,
                                 Known(*db_, "follow_ups", "id", f.id));
        PALABRE_ASSIGN_OR_RETURN(bool gone_f,
                                 Known(*db_, "redacted", "record_id", f.id));
        PALABRE_ASSIGN_OR_RETURN(
            bool commitment_live,
            Known(*db_, "commitments", "id", f.commitment));
        if (have_f || gone_f || !commitment_live) {
          ++result.follow_ups_skipped;
          continue;
        }
        PALABRE_RETURN_IF_ERROR(
            write
                .Put(f.id, kTypeFollowUp, kOpPut, f.commitment,
                     FollowUpBody(f.commitment, f.follow_up))
                .status());
        ++result.follow_ups_added;
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace palabre

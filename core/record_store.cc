// RecordStore: writes go through the entry log and the projection in one
// transaction; reads come from the projections (see record_store.h).
#include "core/record_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/projection.h"
#include "core/record_write.h"
#include "core/search_query.h"
#include "core/text_fold.h"
#include "core/vault.h"
#include "platform/clock.h"

namespace palabre {
namespace {

using nlohmann::json;

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

StatusOr<bool> Exists(Database& db, const std::string& sql,
                      std::string_view id) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, id));
  return stmt.Step();
}

// Full id for `prefix` in `table` (column id); `noun` for messages.
StatusOr<std::string> Resolve(Database& db, std::string_view prefix,
                              const char* table, const char* noun) {
  std::string p(prefix);
  for (char& c : p) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::string shown = "'" + std::string(prefix.substr(0, 40)) + "'";
  if (p.empty() || p.size() > 32 || !IsLowerHex(p)) {
    return InvalidArgumentError(std::string(noun) + " id " + shown +
                                ": not an id (hexadecimal characters)");
  }
  if (p.size() < kMinIdPrefix) {
    return InvalidArgumentError(std::string(noun) + " id " + shown +
                                ": too short (give at least " +
                                std::to_string(kMinIdPrefix) + " characters)");
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("SELECT id FROM ") + table +
                 " WHERE id >= ?1 AND id < ?1 || 'g' ORDER BY id LIMIT 2"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, p));
  std::vector<std::string> found;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    found.push_back(stmt.ColumnText(0));
  }
  if (found.size() > 1) {
    return InvalidArgumentError(std::string(noun) + " id " + shown +
                                " is ambiguous: it matches " +
                                ShortId(found[0]) + ", " + ShortId(found[1]) +
                                " and maybe more; give more characters");
  }
  if (found.empty()) {
    PALABRE_ASSIGN_OR_RETURN(
        Statement red,
        db.Prepare("SELECT record_id FROM redacted WHERE record_id >= ?1 "
                   "AND record_id < ?1 || 'g' LIMIT 1"));
    PALABRE_RETURN_IF_ERROR(red.BindText(1, p));
    PALABRE_ASSIGN_OR_RETURN(bool redacted, red.Step());
    if (redacted) {
      return InvalidArgumentError(std::string(noun) + " " + shown +
                                  " was redacted");
    }
    return InvalidArgumentError("no " + std::string(noun) + " with id " +
                                shown);
  }
  return found[0];
}

json CommitmentJson(const CommitmentView& c) {
  json out = {{"id", c.id},
              {"action", c.action},
              {"owner", c.owner},
              {"status", c.status}};
  if (!c.due.empty()) out["due"] = c.due;
  return out;
}

// A WHERE clause and its text parameters (?1, ?2, ... in order).
struct Conditions {
  std::string sql = " WHERE 1";
  std::vector<std::string> params;
  bool matches_nothing = false;  // a search with no term at all

  void Add(const std::string& clause, const std::string& value) {
    params.push_back(value);
    sql += " AND " + clause + " ?" + std::to_string(params.size());
  }
  Status Bind(Statement& stmt) const {
    for (std::size_t i = 0; i < params.size(); ++i) {
      PALABRE_RETURN_IF_ERROR(
          stmt.BindText(static_cast<int>(i) + 1, params[i]));
    }
    return Status::Ok();
  }
};

// The conditions of a session filter, on `sessions s` (limit aside).
StatusOr<Conditions> SessionConditions(Database& db, const SessionFilter& f) {
  Conditions c;
  if (!f.from.empty()) c.Add("s.day >=", f.from);
  if (!f.to.empty()) c.Add("s.day <=", f.to);
  if (!f.kind.empty()) c.Add("s.kind =", f.kind);
  if (!f.country.empty()) c.Add("s.country =", f.country);
  if (!f.region.empty()) c.Add("s.region_key =", FoldForMatch(f.region));
  if (!f.commune.empty()) c.Add("s.commune_key =", FoldForMatch(f.commune));
  if (!f.text.empty()) {
    PALABRE_ASSIGN_OR_RETURN(const std::string query,
                             FtsMatchExpression(db, f.text));
    c.matches_nothing = query.empty();
    c.Add("s.num IN (SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH",
          query);
    c.sql += ")";
  }
  return c;
}

// The conditions of a commitment filter, on `commitments c JOIN sessions s`
// (limit aside).
StatusOr<Conditions> CommitmentConditions(const CommitmentFilter& f) {
  if (!IsValidDate(f.today)) {
    return InvalidArgumentError("today: not a date (YYYY-MM-DD)");
  }
  Conditions c;
  if (!f.status.empty()) c.Add("c.status =", f.status);
  if (f.overdue) {
    // The status terms are those of the partial index
    // commitments_open_by_due; `due > ''` (not `!= ''`) makes its range
    // start after the commitments without a due date instead of stepping
    // over all of them.
    c.sql += " AND c.status IN ('open', 'in_progress') AND c.due > ''";
    c.Add("c.due <", f.today);
  }
  if (!f.owner.empty()) {
    std::string pattern = "%";
    for (char ch : FoldForMatch(f.owner)) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    pattern += '%';
    c.Add("c.owner_key LIKE", pattern);
    c.sql += " ESCAPE '\\'";
  }
  if (!f.country.empty()) c.Add("s.country =", f.country);
  if (!f.region.empty()) c.Add("s.region_key =", FoldForMatch(f.region));
  if (!f.commune.empty()) c.Add("s.commune_key =", FoldForMatch(f.commune));
  return c;
}

// `count(*)` of `from` with `conditions`.
StatusOr<int64_t> CountRows(Database& db, const std::string& from,
                            const Conditions& conditions) {
  if (conditions.matches_nothing) return int64_t{0};
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT count(*) FROM " +
                                                      from + conditions.sql));
  PALABRE_RETURN_IF_ERROR(conditions.Bind(stmt));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

StatusOr<std::vector<CommitmentView>> QueryCommitments(
    Database& db, const Conditions& where, std::string_view today,
    const std::string& order) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT c.id, c.session_id, s.title, s.day, s.country, "
                 "s.region, s.commune, c.action, c.owner, c.due, c.status, "
                 "c.status_date FROM commitments c JOIN sessions s ON "
                 "s.id = c.session_id" +
                 where.sql + " ORDER BY " + order));
  PALABRE_RETURN_IF_ERROR(where.Bind(stmt));
  std::vector<CommitmentView> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    CommitmentView c;
    c.id = stmt.ColumnText(0);
    c.session_id = stmt.ColumnText(1);
    c.session_title = stmt.ColumnText(2);
    c.session_date = stmt.ColumnText(3);
    c.country = stmt.ColumnText(4);
    c.region = stmt.ColumnText(5);
    c.commune = stmt.ColumnText(6);
    c.action = stmt.ColumnText(7);
    c.owner = stmt.ColumnText(8);
    c.due = stmt.ColumnText(9);
    c.status = stmt.ColumnText(10);
    c.status_date = stmt.ColumnText(11);
    c.overdue = !c.due.empty() && c.due < today && CanBeOverdue(c.status);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::string ShortId(std::string_view id) {
  return std::string(id.substr(0, 8));
}

RecordStore::RecordStore(Vault* vault, Database* db) : vault_(vault), db_(db) {}

StatusOr<RecordStore> RecordStore::Open(Vault& vault) {
  if (vault.locked()) return FailedPreconditionError("the vault is locked");
  Database& db = vault.db();
  PALABRE_RETURN_IF_ERROR(LoadDeviceKey(db).status());
  return RecordStore(&vault, &db);
}

StatusOr<std::string> RecordStore::ResolveSession(std::string_view prefix) {
  return Resolve(*db_, prefix, "sessions", "session");
}

StatusOr<std::string> RecordStore::ResolveCommitment(std::string_view prefix) {
  return Resolve(*db_, prefix, "commitments", "commitment");
}

StatusOr<std::vector<AddedSession>> RecordStore::AddSessions(
    const std::vector<SessionInput>& sessions) {
  std::vector<AddedSession> added;
  Status status = RunRecordWrite(*db_, [&](RecordWrite& write) -> Status {
    added.clear();
    for (const SessionInput& s : sessions) {
      AddedSession result;
      result.session = NewRecordId();
      PALABRE_RETURN_IF_ERROR(
          write.Put(result.session, kTypeSession, kOpPut, "", s.body).status());
      for (std::size_t i = 0; i < s.commitments.size(); ++i) {
        std::string id = NewRecordId();
        PALABRE_RETURN_IF_ERROR(
            write
                .Put(id, kTypeCommitment, kOpPut, result.session,
                     CommitmentBody(result.session, static_cast<int>(i),
                                    s.commitments[i]))
                .status());
        result.commitments.push_back(std::move(id));
      }
      added.push_back(std::move(result));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return added;
}

StatusOr<AddedSession> RecordStore::EditSession(std::string_view id_prefix,
                                                const SessionInput& session) {
  PALABRE_ASSIGN_OR_RETURN(std::string id, ResolveSession(id_prefix));
  if (!session.id.empty() && session.id != id) {
    return InvalidArgumentError("id: the file is session " +
                                ShortId(session.id) + ", not " + ShortId(id));
  }
  PALABRE_ASSIGN_OR_RETURN(std::vector<CommitmentView> existing,
                           SessionCommitments(id, ""));
  // Match the new commitments to the existing ones.
  std::vector<std::string> ids(session.commitments.size());
  std::set<std::string> used;
  for (std::size_t i = 0; i < session.commitments.size(); ++i) {
    const CommitmentInput& c = session.commitments[i];
    if (c.id.empty()) continue;
    auto it =
        std::find_if(existing.begin(), existing.end(),
                     [&](const CommitmentView& v) { return v.id == c.id; });
    if (it == existing.end()) {
      return InvalidArgumentError("commitments[" + std::to_string(i) +
                                  "].id: not a commitment of session " +
                                  ShortId(id));
    }
    if (!used.insert(c.id).second) {
      return InvalidArgumentError("commitments[" + std::to_string(i) +
                                  "].id: listed twice");
    }
    ids[i] = c.id;
  }
  for (std::size_t i = 0; i < session.commitments.size(); ++i) {
    if (!ids[i].empty()) continue;
    const CommitmentInput& c = session.commitments[i];
    for (const CommitmentView& v : existing) {
      if (used.count(v.id) == 0 && v.action == c.action && v.owner == c.owner) {
        ids[i] = v.id;
        used.insert(v.id);
        break;
      }
    }
  }
  AddedSession result;
  result.session = id;
  Status status = RunRecordWrite(*db_, [&](RecordWrite& write) -> Status {
    result.commitments.clear();
    PALABRE_RETURN_IF_ERROR(
        write.Put(id, kTypeSession, kOpPut, "", session.body).status());
    for (std::size_t i = 0; i < session.commitments.size(); ++i) {
      const CommitmentInput& c = session.commitments[i];
      std::string cid = ids[i];
      bool unchanged = false;
      if (cid.empty()) {
        cid = NewRecordId();
      } else {
        for (std::size_t j = 0; j < existing.size(); ++j) {
          const CommitmentView& v = existing[j];
          if (v.id == cid) {
            unchanged = v.action == c.action && v.owner == c.owner &&
                        v.due == c.due && j == i;
          }
        }
      }
      if (!unchanged) {
        PALABRE_RETURN_IF_ERROR(
            write
                .Put(cid, kTypeCommitment, kOpPut, id,
                     CommitmentBody(id, static_cast<int>(i), c))
                .status());
      }
      result.commitments.push_back(cid);
    }
    for (const CommitmentView& v : existing) {
      if (used.count(v.id) > 0) continue;
      PALABRE_RETURN_IF_ERROR(
          write.Put(v.id, kTypeCommitment, kOpDelete, id, json::object())
              .status());
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return result;
}

StatusOr<std::string> RecordStore::RedactSession(std::string_view id_prefix) {
  PALABRE_ASSIGN_OR_RETURN(std::string id, ResolveSession(id_prefix));
  Status status = RunRecordWrite(*db_, [&](RecordWrite& write) -> Status {
    // Every record that ever hung from the session, from the log's index:
    // commitments (live or removed by an edit) and their follow-ups.
    std::vector<std::pair<std::string, std::string>> records;  // id, type
    PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> commitments,
                             ChildRecords(*db_, id, kTypeCommitment));
    for (const std::string& c : commitments) {
      PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> follow_ups,
                               ChildRecords(*db_, c, kTypeFollowUp));
      for (std::string& f : follow_ups) {
        records.emplace_back(std::move(f), kTypeFollowUp);
      }
    }
    for (const std::string& c : commitments) {
      records.emplace_back(c, kTypeCommitment);
    }
    records.emplace_back(id, kTypeSession);
    // Redact entries first (the projection still reads the bodies to
    // remove the session's text from the index), then erase the bodies.
    for (const auto& [record, type] : records) {
      PALABRE_ASSIGN_OR_RETURN(
          bool already,
          Exists(*db_, "SELECT 1 FROM redacted WHERE record_id = ?", record));
      if (already) continue;
      PALABRE_RETURN_IF_ERROR(write
                                  .Put(record, type, kOpRedact,
                                       type == kTypeSession ? "" : id,
                                       json{{"reason", "redacted"}})
                                  .status());
    }
    PALABRE_RETURN_IF_ERROR(write.Flush());
    for (const auto& record : records) {
      PALABRE_RETURN_IF_ERROR(EraseBodies(*db_, record.first));
    }
    // Merge the index so that no segment keeps the session's tokens.
    return db_->Exec(
        "INSERT INTO sessions_fts(sessions_fts) "
        "VALUES ('optimize')");
  });
  if (!status.ok()) return status;
  // Fold the WAL (which holds the pre-redaction pages) into the database.
  db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)").IgnoreError();
  return id;
}

StatusOr<std::string> RecordStore::AddFollowUp(
    std::string_view commitment_prefix, const FollowUpInput& follow_up) {
  PALABRE_ASSIGN_OR_RETURN(std::string commitment,
                           ResolveCommitment(commitment_prefix));
  PALABRE_RETURN_IF_ERROR(ValidateFollowUp(follow_up));
  const std::string id = NewRecordId();
  PALABRE_RETURN_IF_ERROR(
      RunRecordWrite(*db_, [&](RecordWrite& write) -> Status {
        return write
            .Put(id, kTypeFollowUp, kOpPut, commitment,
                 FollowUpBody(commitment, follow_up))
            .status();
      }));
  return id;
}

StatusOr<json> RecordStore::SessionJson(std::string_view id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare("SELECT device_id, seq, created_at, updated_at FROM "
                   "sessions WHERE id = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFoundError("no session with id " + std::string(id));
  PALABRE_ASSIGN_OR_RETURN(
      std::optional<std::string> body,
      ReadEntryBody(*db_, stmt.ColumnText(0), stmt.ColumnInt(1)));
  if (!body.has_value()) {
    return DataLossError("session " + ShortId(id) + ": its body was erased");
  }
  json out = json::parse(*body, nullptr, /*allow_exceptions=*/false);
  if (!out.is_object()) {
    return DataLossError("session " + ShortId(id) + ": body is not JSON");
  }
  out["id"] = std::string(id);
  out["created_at"] = stmt.ColumnText(2);
  out["updated_at"] = stmt.ColumnText(3);
  PALABRE_ASSIGN_OR_RETURN(std::vector<CommitmentView> commitments,
                           SessionCommitments(id, ""));
  out["commitments"] = json::array();
  for (const CommitmentView& c : commitments) {
    out["commitments"].push_back(CommitmentJson(c));
  }
  return out;
}

StatusOr<std::vector<SessionSummary>> RecordStore::ListSessions(
    const SessionFilter& f) {
  // The page is chosen first (filters, newest first, limit) and the open
  // commitments are counted for its rows only. The order is that of the
  // sessions_by_day index (day, start time, then row number), so a search
  // for a common word walks the index and stops after `limit` rows instead
  // of sorting every match.
  PALABRE_ASSIGN_OR_RETURN(const Conditions where, SessionConditions(*db_, f));
  if (where.matches_nothing) return std::vector<SessionSummary>();
  const bool by_place = !f.country.empty() || !f.region.empty();
  std::string page = "SELECT s.num FROM sessions s" +
                     std::string(!f.text.empty() && !by_place && f.limit >= 0
                                     ? " INDEXED BY sessions_by_day"
                                     : "") +
                     where.sql +
                     " ORDER BY s.day DESC, s.start_utc DESC, s.num";
  if (f.limit >= 0) page += " LIMIT " + std::to_string(f.limit);
  const std::string sql =
      "SELECT s.id, s.kind, s.title, s.started_at, s.day, s.country, "
      "s.region, s.commune, s.participants, (SELECT count(*) FROM "
      "commitments c WHERE c.session_id = s.id AND c.status IN ('open', "
      "'in_progress', 'blocked')), s.device_id, "
      "coalesce(d.name, ''), coalesce(d.revoked_at, 0) FROM sessions s "
      "LEFT JOIN device_certificates d ON d.device_id = s.device_id "
      "WHERE s.num IN (" +
      page + ") ORDER BY s.day DESC, s.start_utc DESC, s.num";
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(sql));
  PALABRE_RETURN_IF_ERROR(where.Bind(stmt));
  std::vector<SessionSummary> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    SessionSummary s;
    s.id = stmt.ColumnText(0);
    s.kind = stmt.ColumnText(1);
    s.title = stmt.ColumnText(2);
    s.started_at = stmt.ColumnText(3);
    s.date = stmt.ColumnText(4);
    s.country = stmt.ColumnText(5);
    s.region = stmt.ColumnText(6);
    s.commune = stmt.ColumnText(7);
    s.participants = stmt.ColumnInt(8);
    s.open_commitments = stmt.ColumnInt(9);
    s.device_id = stmt.ColumnText(10);
    s.device_name = stmt.ColumnText(11);
    s.device_revoked_at = stmt.ColumnInt(12);
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<int64_t> RecordStore::CountSessions(const SessionFilter& f) {
  if (!f.text.empty() && f.from.empty() && f.to.empty() && f.kind.empty() &&
      f.country.empty() && f.region.empty() && f.commune.empty()) {
    // A search alone: the index counts its matches without a lookup of
    // each session (it holds exactly the live sessions).
    PALABRE_ASSIGN_OR_RETURN(const std::string query,
                             FtsMatchExpression(*db_, f.text));
    if (query.empty()) return int64_t{0};
    Conditions where;
    where.Add("sessions_fts MATCH", query);
    return CountRows(*db_, "sessions_fts", where);
  }
  PALABRE_ASSIGN_OR_RETURN(const Conditions where, SessionConditions(*db_, f));
  return CountRows(*db_, "sessions s", where);
}

StatusOr<std::vector<CommitmentView>> RecordStore::ListCommitments(
    const CommitmentFilter& f) {
  PALABRE_ASSIGN_OR_RETURN(const Conditions where, CommitmentConditions(f));
  std::string order = f.overdue ? "c.due, c.session_id, c.position"
                                : "c.due = '', c.due, s.day, c.session_id, "
                                  "c.position";
  if (f.limit >= 0) order += " LIMIT " + std::to_string(f.limit);
  return QueryCommitments(*db_, where, f.today, order);
}

StatusOr<int64_t> RecordStore::CountCommitments(const CommitmentFilter& f) {
  PALABRE_ASSIGN_OR_RETURN(const Conditions where, CommitmentConditions(f));
  // The session is joined only when a place is asked for: every commitment
  // row has its session row (the projection keeps them together and
  // verify checks it), so the count without the join is the same.
  const bool by_place =
      !f.country.empty() || !f.region.empty() || !f.commune.empty();
  return CountRows(*db_,
                   by_place ? "commitments c JOIN sessions s ON "
                              "s.id = c.session_id"
                            : "commitments c",
                   where);
}

StatusOr<std::vector<FollowUpView>> RecordStore::FollowUps(
    std::string_view commitment_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare("SELECT id, commitment_id, status, note, date, created_at "
                   "FROM follow_ups WHERE commitment_id = ? "
                   "ORDER BY date, hlc"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, commitment_id));
  std::vector<FollowUpView> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
                   stmt.ColumnText(3), stmt.ColumnText(4), stmt.ColumnText(5)});
  }
  return out;
}

StatusOr<std::vector<CommitmentView>> RecordStore::SessionCommitments(
    std::string_view session_id, std::string_view today) {
  Conditions where;
  where.Add("c.session_id =", std::string(session_id));
  return QueryCommitments(*db_, where, today, "c.position");
}

StatusOr<LastPlace> RecordStore::LastPlaceUsed() {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare("SELECT country, region, commune FROM sessions "
                   "ORDER BY created_at DESC, num DESC LIMIT 1"));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  LastPlace place;
  if (row) {
    place.country = stmt.ColumnText(0);
    place.region = stmt.ColumnText(1);
    place.commune = stmt.ColumnText(2);
  }
  return place;
}

}  // namespace palabre

// Applying log entries to the query tables (see projection.h).
#include "core/projection.h"

#include <nlohmann/json.hpp>

#include "core/database.h"
#include "core/record.h"
#include "core/text_fold.h"

namespace palabre {
namespace {

std::string EntryName(const Entry& e) {
  return "device " + e.device_id.substr(0, 8) + " seq " + std::to_string(e.seq);
}

StatusOr<nlohmann::json> BodyJson(const Entry& e) {
  nlohmann::json value =
      nlohmann::json::parse(*e.body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return DataLossError(EntryName(e) + ": body is not JSON");
  }
  return value;
}

Status BadBody(const Entry& e, const Status& why) {
  return DataLossError(EntryName(e) + ": invalid " + e.type +
                       " body: " + why.message());
}

std::string Timestamp(int64_t hlc) { return FormatUtc(HlcMillis(hlc)); }

}  // namespace

std::string Projection::T(std::string_view table) const {
  return schema_ + "." + std::string(table);
}

Status Projection::Apply(const Entry& e) {
  if (e.op == kOpRedact) return ApplyRedact(e);
  if (!e.body.has_value()) return Status::Ok();  // redacted later
  // A redacted record stays gone: a later put or delete (which the store
  // refuses, but another device could send) is ignored, here and on replay.
  PALABRE_ASSIGN_OR_RETURN(bool redacted, IsRedacted(e.record_id));
  if (redacted) return Status::Ok();
  if (e.type == kTypeSession) return ApplySession(e);
  if (e.type == kTypeCommitment) return ApplyCommitment(e);
  if (e.type == kTypeFollowUp) return ApplyFollowUp(e);
  return DataLossError(EntryName(e) + ": unknown record type");
}

Status Projection::ApplySession(const Entry& e) {
  if (e.op != kOpPut) return DataLossError(EntryName(e) + ": unknown op");
  PALABRE_ASSIGN_OR_RETURN(nlohmann::json body, BodyJson(e));
  StatusOr<SessionInput> parsed = ParseSession(body);
  if (!parsed.ok()) return BadBody(e, parsed.status());
  if (!parsed->commitments.empty()) {
    return DataLossError(EntryName(e) + ": session body holds commitments");
  }
  const SessionInput& s = *parsed;
  const std::string now = Timestamp(e.hlc);

  PALABRE_ASSIGN_OR_RETURN(
      Statement find,
      db_.Prepare("SELECT num FROM " + T("sessions") + " WHERE id = ?"));
  PALABRE_RETURN_IF_ERROR(find.BindText(1, e.record_id));
  PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
  int64_t num = exists ? find.ColumnInt(0) : 0;
  if (exists) PALABRE_RETURN_IF_ERROR(Touch(e.record_id));
  // One statement for a new session and a new version of one; created_at
  // and the row number stay those of the first version.
  PALABRE_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT INTO " + T("sessions") +
                  " (id, kind, title, started_at, start_utc, day, country,"
                  " region, commune, region_key, commune_key, participants,"
                  " device_id, seq, created_at, updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                  " ?13, ?14, ?15, ?15)"
                  " ON CONFLICT(id) DO UPDATE SET kind = ?2, title = ?3,"
                  " started_at = ?4, start_utc = ?5, day = ?6, country = ?7,"
                  " region = ?8, commune = ?9, region_key = ?10,"
                  " commune_key = ?11, participants = ?12, device_id = ?13,"
                  " seq = ?14, updated_at = ?15"));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(1, e.record_id));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(2, s.kind));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(3, s.title));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(4, s.started_at));
  PALABRE_RETURN_IF_ERROR(upsert.BindInt(5, s.start.utc_seconds));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(6, s.start.local_date));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(7, s.country));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(8, s.region));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(9, s.commune));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(10, FoldForMatch(s.region)));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(11, FoldForMatch(s.commune)));
  PALABRE_RETURN_IF_ERROR(upsert.BindInt(12, s.participants));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(13, e.device_id));
  PALABRE_RETURN_IF_ERROR(upsert.BindInt(14, e.seq));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(15, now));
  PALABRE_RETURN_IF_ERROR(upsert.Run());
  if (exists) {
    PALABRE_RETURN_IF_ERROR(DeleteSessionDetails(num));
  } else {
    PALABRE_ASSIGN_OR_RETURN(num, db_.QueryInt("SELECT last_insert_rowid()"));
    touched_.emplace(num, std::string());
  }

  PALABRE_ASSIGN_OR_RETURN(
      Statement part,
      db_.Prepare("INSERT INTO " + T("participation") +
                  " (session_num, dimension, key, count) VALUES (?, ?, ?, ?)"));
  for (const ParticipationCount& p : s.participation) {
    part.Reset();
    PALABRE_RETURN_IF_ERROR(part.BindInt(1, num));
    PALABRE_RETURN_IF_ERROR(part.BindText(2, p.dimension));
    PALABRE_RETURN_IF_ERROR(part.BindText(3, p.key));
    PALABRE_RETURN_IF_ERROR(part.BindInt(4, p.count));
    PALABRE_RETURN_IF_ERROR(part.Run());
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement concern,
      db_.Prepare("INSERT INTO " + T("concerns") +
                  " (session_num, position, category, raised_by)"
                  " VALUES (?, ?, ?, ?)"));
  for (std::size_t i = 0; i < s.concerns.size(); ++i) {
    concern.Reset();
    PALABRE_RETURN_IF_ERROR(concern.BindInt(1, num));
    PALABRE_RETURN_IF_ERROR(concern.BindInt(2, static_cast<int64_t>(i)));
    PALABRE_RETURN_IF_ERROR(concern.BindText(3, s.concerns[i].category));
    PALABRE_RETURN_IF_ERROR(concern.BindText(4, s.concerns[i].raised_by));
    PALABRE_RETURN_IF_ERROR(concern.Run());
  }
  return Status::Ok();
}

Status Projection::ApplyCommitment(const Entry& e) {
  if (e.op == kOpDelete) {
    PALABRE_ASSIGN_OR_RETURN(Statement find,
                             db_.Prepare("SELECT session_id FROM " +
                                         T("commitments") + " WHERE id = ?"));
    PALABRE_RETURN_IF_ERROR(find.BindText(1, e.record_id));
    PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
    if (!exists) return Status::Ok();
    PALABRE_RETURN_IF_ERROR(Touch(find.ColumnText(0)));
    return DeleteRows("commitments", "id", e.record_id);
  }
  if (e.op != kOpPut) return DataLossError(EntryName(e) + ": unknown op");
  PALABRE_ASSIGN_OR_RETURN(nlohmann::json body, BodyJson(e));
  StatusOr<CommitmentBodyFields> parsed = ParseCommitmentBody(body);
  if (!parsed.ok()) return BadBody(e, parsed.status());
  const CommitmentBodyFields& c = *parsed;
  PALABRE_RETURN_IF_ERROR(Touch(c.session_id));

  PALABRE_ASSIGN_OR_RETURN(
      Statement find, db_.Prepare("SELECT session_id FROM " + T("commitments") +
                                  " WHERE id = ?"));
  PALABRE_RETURN_IF_ERROR(find.BindText(1, e.record_id));
  PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
  if (exists && find.ColumnText(0) != c.session_id) {
    PALABRE_RETURN_IF_ERROR(Touch(find.ColumnText(0)));
  }
  // A new commitment starts open; a new version keeps its status (which
  // comes from follow-ups).
  PALABRE_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT INTO " + T("commitments") +
                  " (id, session_id, position, action, owner, owner_key, due,"
                  " status, status_date)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', '')"
                  " ON CONFLICT(id) DO UPDATE SET session_id = ?2,"
                  " position = ?3, action = ?4, owner = ?5, owner_key = ?6,"
                  " due = ?7"));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(1, e.record_id));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(2, c.session_id));
  PALABRE_RETURN_IF_ERROR(upsert.BindInt(3, c.position));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(4, c.commitment.action));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(5, c.commitment.owner));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(6, FoldForMatch(c.commitment.owner)));
  PALABRE_RETURN_IF_ERROR(upsert.BindText(7, c.commitment.due));
  PALABRE_RETURN_IF_ERROR(upsert.Run());
  if (exists) return Status::Ok();
  // Follow-ups may have arrived before the commitment (another device's).
  return RefreshCommitmentStatus(e.record_id);
}

Status Projection::ApplyFollowUp(const Entry& e) {
  if (e.op != kOpPut) return DataLossError(EntryName(e) + ": unknown op");
  PALABRE_ASSIGN_OR_RETURN(nlohmann::json body, BodyJson(e));
  StatusOr<FollowUpBodyFields> parsed = ParseFollowUpBody(body);
  if (!parsed.ok()) return BadBody(e, parsed.status());
  PALABRE_ASSIGN_OR_RETURN(
      Statement insert,
      db_.Prepare("INSERT OR REPLACE INTO " + T("follow_ups") +
                  " (id, commitment_id, status, note, date, hlc, created_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(insert.BindText(1, e.record_id));
  PALABRE_RETURN_IF_ERROR(insert.BindText(2, parsed->commitment_id));
  PALABRE_RETURN_IF_ERROR(insert.BindText(3, parsed->follow_up.status));
  PALABRE_RETURN_IF_ERROR(insert.BindText(4, parsed->follow_up.note));
  PALABRE_RETURN_IF_ERROR(insert.BindText(5, parsed->follow_up.date));
  PALABRE_RETURN_IF_ERROR(insert.BindInt(6, e.hlc));
  PALABRE_RETURN_IF_ERROR(insert.BindText(7, Timestamp(e.hlc)));
  PALABRE_RETURN_IF_ERROR(insert.Run());
  return RefreshCommitmentStatus(parsed->commitment_id);
}

Status Projection::ApplyRedact(const Entry& e) {
  if (e.type == kTypeSession) {
    PALABRE_RETURN_IF_ERROR(Touch(e.record_id));
    PALABRE_ASSIGN_OR_RETURN(
        Statement find,
        db_.Prepare("SELECT num FROM " + T("sessions") + " WHERE id = ?"));
    PALABRE_RETURN_IF_ERROR(find.BindText(1, e.record_id));
    PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
    if (exists) {
      const int64_t num = find.ColumnInt(0);
      PALABRE_RETURN_IF_ERROR(DeleteSessionDetails(num));
      PALABRE_RETURN_IF_ERROR(DeleteRows("sessions", "num", num));
    }
  } else if (e.type == kTypeCommitment) {
    PALABRE_ASSIGN_OR_RETURN(Statement find,
                             db_.Prepare("SELECT session_id FROM " +
                                         T("commitments") + " WHERE id = ?"));
    PALABRE_RETURN_IF_ERROR(find.BindText(1, e.record_id));
    PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
    if (exists) {
      PALABRE_RETURN_IF_ERROR(Touch(find.ColumnText(0)));
      PALABRE_RETURN_IF_ERROR(DeleteRows("commitments", "id", e.record_id));
    }
  } else if (e.type == kTypeFollowUp) {
    PALABRE_ASSIGN_OR_RETURN(Statement find,
                             db_.Prepare("SELECT commitment_id FROM " +
                                         T("follow_ups") + " WHERE id = ?"));
    PALABRE_RETURN_IF_ERROR(find.BindText(1, e.record_id));
    PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
    if (exists) {
      const std::string commitment = find.ColumnText(0);
      PALABRE_RETURN_IF_ERROR(DeleteRows("follow_ups", "id", e.record_id));
      PALABRE_RETURN_IF_ERROR(RefreshCommitmentStatus(commitment));
    }
  } else {
    return DataLossError(EntryName(e) + ": unknown record type");
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement mark, db_.Prepare("INSERT OR IGNORE INTO " + T("redacted") +
                                  " (record_id, type) VALUES (?, ?)"));
  PALABRE_RETURN_IF_ERROR(mark.BindText(1, e.record_id));
  PALABRE_RETURN_IF_ERROR(mark.BindText(2, e.type));
  return mark.Run();
}

Status Projection::DeleteRows(std::string_view table, std::string_view column,
                              std::string_view key) {
  PALABRE_ASSIGN_OR_RETURN(Statement del,
                           db_.Prepare("DELETE FROM " + T(table) + " WHERE " +
                                       std::string(column) + " = ?"));
  PALABRE_RETURN_IF_ERROR(del.BindText(1, key));
  return del.Run();
}

Status Projection::DeleteRows(std::string_view table, std::string_view column,
                              int64_t key) {
  PALABRE_ASSIGN_OR_RETURN(Statement del,
                           db_.Prepare("DELETE FROM " + T(table) + " WHERE " +
                                       std::string(column) + " = ?"));
  PALABRE_RETURN_IF_ERROR(del.BindInt(1, key));
  return del.Run();
}

Status Projection::DeleteSessionDetails(int64_t num) {
  PALABRE_RETURN_IF_ERROR(DeleteRows("participation", "session_num", num));
  return DeleteRows("concerns", "session_num", num);
}

StatusOr<bool> Projection::IsRedacted(std::string_view record_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement find,
      db_.Prepare("SELECT 1 FROM " + T("redacted") + " WHERE record_id = ?"));
  PALABRE_RETURN_IF_ERROR(find.BindText(1, record_id));
  return find.Step();
}

Status Projection::RefreshCommitmentStatus(std::string_view commitment_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement latest,
      db_.Prepare("SELECT status, date FROM " + T("follow_ups") +
                  " WHERE commitment_id = ? ORDER BY date DESC, hlc DESC"
                  " LIMIT 1"));
  PALABRE_RETURN_IF_ERROR(latest.BindText(1, commitment_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, latest.Step());
  const std::string status = row ? latest.ColumnText(0) : "open";
  const std::string date = row ? latest.ColumnText(1) : "";
  PALABRE_ASSIGN_OR_RETURN(
      Statement update,
      db_.Prepare("UPDATE " + T("commitments") +
                  " SET status = ?, status_date = ? WHERE id = ?"));
  PALABRE_RETURN_IF_ERROR(update.BindText(1, status));
  PALABRE_RETURN_IF_ERROR(update.BindText(2, date));
  PALABRE_RETURN_IF_ERROR(update.BindText(3, commitment_id));
  return update.Run();
}

Status Projection::Touch(std::string_view session_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement find,
      db_.Prepare("SELECT num FROM " + T("sessions") + " WHERE id = ?"));
  PALABRE_RETURN_IF_ERROR(find.BindText(1, session_id));
  PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
  if (!exists) return Status::Ok();
  const int64_t num = find.ColumnInt(0);
  if (touched_.count(num) > 0) return Status::Ok();
  PALABRE_ASSIGN_OR_RETURN(std::string text, SessionText(num));
  touched_.emplace(num, std::move(text));
  return Status::Ok();
}

StatusOr<std::string> Projection::SessionText(int64_t num) {
  PALABRE_ASSIGN_OR_RETURN(Statement find,
                           db_.Prepare("SELECT id, device_id, seq FROM " +
                                       T("sessions") + " WHERE num = ?"));
  PALABRE_RETURN_IF_ERROR(find.BindInt(1, num));
  PALABRE_ASSIGN_OR_RETURN(bool exists, find.Step());
  if (!exists) return std::string();
  const std::string id = find.ColumnText(0);
  PALABRE_ASSIGN_OR_RETURN(
      std::optional<std::string> body,
      ReadEntryBody(db_, find.ColumnText(1), find.ColumnInt(2)));
  if (!body.has_value()) {
    return DataLossError("session " + id.substr(0, 8) +
                         ": its current body was erased");
  }
  nlohmann::json value =
      nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
  StatusOr<SessionInput> parsed =
      value.is_discarded()
          ? StatusOr<SessionInput>(DataLossError("session body is not JSON"))
          : ParseSession(value);
  if (!parsed.ok()) {
    return DataLossError("session " + id.substr(0, 8) +
                         ": invalid body: " + parsed.status().message());
  }
  std::string text = std::move(parsed->search_text);
  PALABRE_ASSIGN_OR_RETURN(
      Statement commitments,
      db_.Prepare("SELECT action, owner FROM " + T("commitments") +
                  " WHERE session_id = ? ORDER BY position, id"));
  PALABRE_RETURN_IF_ERROR(commitments.BindText(1, id));
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, commitments.Step());
    if (!row) break;
    text += '\n';
    text += commitments.ColumnText(0);
    text += '\n';
    text += commitments.ColumnText(1);
  }
  return text;
}

Status Projection::Flush() {
  PALABRE_ASSIGN_OR_RETURN(
      Statement del,
      db_.Prepare("INSERT INTO " + T("sessions_fts") +
                  " (sessions_fts, rowid, text) VALUES ('delete', ?, ?)"));
  PALABRE_ASSIGN_OR_RETURN(Statement insert,
                           db_.Prepare("INSERT INTO " + T("sessions_fts") +
                                       " (rowid, text) VALUES (?, ?)"));
  for (auto& [num, old_text] : touched_) {
    PALABRE_ASSIGN_OR_RETURN(std::string new_text, SessionText(num));
    if (new_text == old_text) continue;
    if (!old_text.empty()) {
      del.Reset();
      PALABRE_RETURN_IF_ERROR(del.BindInt(1, num));
      PALABRE_RETURN_IF_ERROR(del.BindText(2, old_text));
      PALABRE_RETURN_IF_ERROR(del.Run());
    }
    if (!new_text.empty()) {
      insert.Reset();
      PALABRE_RETURN_IF_ERROR(insert.BindInt(1, num));
      PALABRE_RETURN_IF_ERROR(insert.BindText(2, new_text));
      PALABRE_RETURN_IF_ERROR(insert.Run());
    }
  }
  touched_.clear();
  return Status::Ok();
}

Status RebuildProjections(Database& db, const std::string& schema) {
  Projection rebuilt(db, schema);
  PALABRE_RETURN_IF_ERROR(
      ForEachEntry(db, /*by_chain=*/false, [&](const Entry& e) -> Status {
        // Apply's messages already name the entry.
        return rebuilt.Apply(e);
      }));
  return rebuilt.Flush();
}

Status RebuildStaleProjections(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      int64_t stale,
      db.QueryInt("SELECT count(*) FROM vault_meta WHERE key = 'projections' "
                  "AND value = 'stale'"));
  if (stale == 0) return Status::Ok();
  return db.Transaction([&]() -> Status {
    PALABRE_RETURN_IF_ERROR(RebuildProjections(db, "main"));
    return db.Exec("DELETE FROM vault_meta WHERE key = 'projections'");
  });
}

}  // namespace palabre

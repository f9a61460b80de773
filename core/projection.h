// Projection: applies log entries to the query tables (sessions,
// participation, concerns, commitments, follow_ups, redacted and the
// full-text index; see core/projection_schema.h).
//
// The same code maintains the stored tables (schema "main"), one entry at a
// time as the store writes them, and rebuilds them from scratch in the
// "temp" schema when `verify` compares the two. Applying is deterministic:
// replaying the whole log in (hlc, device, seq) order gives the same tables
// as applying entries as they were written.
//
// The full-text index is contentless (it stores no text, only tokens), so a
// row is removed by handing FTS5 the exact text it indexed. Entries mark the
// sessions they touch; Flush() recomputes each touched session's text once
// and updates the index. Call Flush() before the transaction commits.
#ifndef PALABRE_CORE_PROJECTION_H_
#define PALABRE_CORE_PROJECTION_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/entry_log.h"
#include "platform/status.h"

namespace palabre {

class Database;

class Projection {
 public:
  // `schema` is "main" or "temp"; its tables must exist.
  Projection(Database& db, std::string schema)
      : db_(db), schema_(std::move(schema)) {}

  // Applies one entry. An entry whose body was redacted is skipped (its
  // record's redact entry follows), and so is a put or delete on a record
  // already redacted. kDataLoss if a body is not a valid record of its
  // type, naming the entry.
  Status Apply(const Entry& entry);

  // Brings the full-text index up to date for every session touched since
  // the last Flush.
  Status Flush();

  // The text the index holds for session row `num` (its body's text and its
  // commitments' actions and owners); "" if there is no such session.
  StatusOr<std::string> SessionText(int64_t num);

 private:
  Status ApplySession(const Entry& e);
  Status ApplyCommitment(const Entry& e);
  Status ApplyFollowUp(const Entry& e);
  Status ApplyRedact(const Entry& e);
  // Notes session `id` as touched, remembering the text indexed for it now.
  Status Touch(std::string_view session_id);
  Status RefreshCommitmentStatus(std::string_view commitment_id);
  StatusOr<bool> IsRedacted(std::string_view record_id);
  // Deletes the rows of `table` whose `column` equals `key`.
  Status DeleteRows(std::string_view table, std::string_view column,
                    std::string_view key);
  Status DeleteRows(std::string_view table, std::string_view column,
                    int64_t key);
  // Deletes a session's participation counts and concerns.
  Status DeleteSessionDetails(int64_t num);
  std::string T(std::string_view table) const;  // schema-qualified name

  Database& db_;
  std::string schema_;
  // Touched sessions: num -> text indexed before the first touch.
  std::map<int64_t, std::string> touched_;
};

// Fills the (empty) projection tables of `schema` from the whole log, in
// replay order: what `verify` compares against and what a migration that
// reshapes the tables runs. kDataLoss as Apply.
Status RebuildProjections(Database& db, const std::string& schema);

// If a migration marked the projections stale (vault_meta 'projections'),
// rebuilds the stored ones from the log and clears the mark, in one
// transaction; else does nothing. Errors as RebuildProjections.
Status RebuildStaleProjections(Database& db);

}  // namespace palabre

#endif  // PALABRE_CORE_PROJECTION_H_

// RecordStore: the dialogue records of an unlocked vault, as the CLI (and
// later the UI and sync) use them.
//
// Every write appends signed entries to this device's log
// (core/entry_log.h) and applies them to the projections
// (core/projection.h) in the same transaction: either the whole change is
// there, log and tables, or none of it. Reads go to the projections.
//
// IDs are 32 lower-case hex characters (128 random bits). Every method that
// takes an ID accepts any unique prefix of one (at least 4 characters):
// kInvalidArgument if nothing matches ("no session with id ..."), if the
// record was redacted, if two records match ("ambiguous") or if the prefix
// is not hex. An unknown id is bad input, like a bad record.
//
// Errors: kInvalidArgument for a bad record, argument or id (nothing
// written), kDataLoss if the vault is damaged.
#ifndef PALABRE_CORE_RECORD_STORE_H_
#define PALABRE_CORE_RECORD_STORE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "platform/status.h"

namespace palabre {

class Vault;
class Database;

// The shortest ID prefix accepted.
inline constexpr std::size_t kMinIdPrefix = 4;

// The short form IDs are printed in.
std::string ShortId(std::string_view id);  // first 8 characters

struct AddedSession {
  std::string session;                   // full id
  std::vector<std::string> commitments;  // full ids, in record order
};

// One line of `session list`.
struct SessionSummary {
  std::string id;
  std::string kind;
  std::string title;
  std::string started_at;  // as written
  std::string date;        // local date, YYYY-MM-DD
  std::string country;
  std::string region;
  std::string commune;
  int64_t participants = 0;
  int64_t open_commitments = 0;  // open, in_progress or blocked
  // The device whose entry holds the current version, and what the
  // organisation's certificate calls it ("" without a certificate: a vault
  // outside any organisation); revoked_at 0 unless it was revoked.
  std::string device_id;
  std::string device_name;
  int64_t device_revoked_at = 0;
};

struct SessionFilter {
  std::string from;     // YYYY-MM-DD inclusive (local date); "" = no bound
  std::string to;       // YYYY-MM-DD inclusive; "" = no bound
  std::string kind;     // "" = any
  std::string country;  // "" = any; case-insensitive
  std::string region;   // "" = any; case-insensitive, whole name
  std::string commune;  // "" = any; case-insensitive, whole name
  std::string text;     // full-text words (all must match); "" = none
  int64_t limit = -1;   // < 0 = no limit
};

struct FollowUpView {
  std::string id;
  std::string commitment_id;
  std::string status;
  std::string note;
  std::string date;        // YYYY-MM-DD, the day it happened
  std::string created_at;  // when it was recorded (UTC)
};

struct CommitmentView {
  std::string id;
  std::string session_id;
  std::string session_title;
  std::string session_date;  // local date of the session
  std::string country;
  std::string region;
  std::string commune;
  std::string action;
  std::string owner;
  std::string due;          // "" when none
  std::string status;       // the latest follow-up's, else "open"
  std::string status_date;  // date of that follow-up, "" when none
  bool overdue = false;     // relative to the filter's `today`
};

struct CommitmentFilter {
  std::string status;    // "" = any
  bool overdue = false;  // only overdue ones
  std::string owner;     // "" = any; case-insensitive substring
  std::string country;   // "" = any
  std::string region;    // "" = any
  std::string commune;   // "" = any
  std::string today;     // YYYY-MM-DD: decides `overdue`; required
  int64_t limit = -1;    // < 0 = no limit
};

// Where the last session recorded took place ("" when none): the interactive
// prompt's defaults.
struct LastPlace {
  std::string country;
  std::string region;
  std::string commune;
};

struct ImportResult {
  int64_t sessions_added = 0;
  int64_t sessions_skipped = 0;  // already in the vault (or redacted)
  int64_t follow_ups_added = 0;
  int64_t follow_ups_skipped = 0;
};

class RecordStore {
 public:
  // Uses `vault`'s database and device key; `vault` must stay unlocked for
  // the store's lifetime. kFailedPrecondition if the vault has no device key
  // (it is created at init and on first open, so this means damage).
  static StatusOr<RecordStore> Open(Vault& vault);

  // Adds sessions, all in one transaction (all or nothing). Each session's
  // commitments become Commitment records with status open. Ids in the
  // input are ignored: new ids are drawn.
  StatusOr<std::vector<AddedSession>> AddSessions(
      const std::vector<SessionInput>& sessions);

  // Replaces the session `id_prefix` names with `session` (a new version of
  // the whole record). Its commitments are matched to the existing ones by
  // `id`, else by identical action and owner; matched ones keep their id
  // and follow-ups, new ones are added open, existing ones left out are
  // removed (their follow-ups stay in the log).
  StatusOr<AddedSession> EditSession(std::string_view id_prefix,
                                     const SessionInput& session);

  // Redacts the session, its commitments and their follow-ups: removes them
  // from every projection and the search index, erases the bodies of their
  // log entries (hashes stay, so the chain verifies) and appends one redact
  // entry per record. Returns the full session id.
  StatusOr<std::string> RedactSession(std::string_view id_prefix);

  // Records a follow-up on the commitment `id_prefix` names; the
  // commitment's status becomes that of its latest follow-up (by date, then
  // by when it was recorded). Returns the follow-up's id.
  StatusOr<std::string> AddFollowUp(std::string_view commitment_prefix,
                                    const FollowUpInput& follow_up);

  // Full ids for a prefix (see the file comment for errors).
  StatusOr<std::string> ResolveSession(std::string_view prefix);
  StatusOr<std::string> ResolveCommitment(std::string_view prefix);

  // The session as format JSON plus "id", "created_at", "updated_at", and
  // each commitment with its "id" and current "status".
  StatusOr<nlohmann::json> SessionJson(std::string_view id);

  // Sessions newest first (by local date, then start time).
  StatusOr<std::vector<SessionSummary>> ListSessions(
      const SessionFilter& filter);

  // Commitments by due date (none last), then session date; overdue ones
  // (filter.overdue) by due date, session and position, their index order, so
  // that the first page comes without sorting them all.
  StatusOr<std::vector<CommitmentView>> ListCommitments(
      const CommitmentFilter& filter);

  // How many sessions / commitments the filter gives, its limit aside:
  // what a list that shows one page says about the rest. kInvalidArgument
  // as the List calls.
  StatusOr<int64_t> CountSessions(const SessionFilter& filter);
  StatusOr<int64_t> CountCommitments(const CommitmentFilter& filter);

  // The follow-ups of one commitment (full id), oldest first.
  StatusOr<std::vector<FollowUpView>> FollowUps(std::string_view commitment_id);
  // The commitments of one session (full id), in record order.
  StatusOr<std::vector<CommitmentView>> SessionCommitments(
      std::string_view session_id, std::string_view today);

  StatusOr<LastPlace> LastPlaceUsed();

  // Export: every session as SessionJson, each commitment with its
  // "follow_ups" (id, status, note, date, created_at). `include_site` keeps
  // place.site (sensitive; dropped otherwise).
  // {"format": "palabre.export/1", "exported_at": ..., "sessions": [...]}
  StatusOr<nlohmann::json> Export(bool include_site);

  // Imports an Export document. Sessions and follow-ups are matched by id:
  // those already in the vault (or redacted) are skipped, so importing the
  // same file twice adds nothing. All or nothing; every session is
  // validated as by ParseSession (messages prefixed "sessions[i]").
  StatusOr<ImportResult> Import(const nlohmann::json& document);

  Database& db() { return *db_; }

 private:
  explicit RecordStore(Vault* vault, Database* db);
  Vault* vault_;
  Database* db_;
};

}  // namespace palabre

#endif  // PALABRE_CORE_RECORD_STORE_H_

// The record model: what a Session, a Commitment and a FollowUp may contain,
// and the validation that every record passes before anything is written.
//
// The interchange format is `palabre.session/1` (docs/record-format.md). A
// record that breaks a rule is refused whole: the Status is
// kInvalidArgument and its message names the field by its JSON path and why
// (`commitments[2].due: not a date (YYYY-MM-DD)`), prefixed by the record's
// index when a file holds an array (`[3].title: ...`). Validation lives here,
// in core, so that the CLI, the import and (later) the UI and sync refuse
// exactly the same records.
//
// Parsing produces a normalized body (the JSON the entry log stores: known
// fields only, defaults filled in, country upper-case) plus the derived
// values the projections index (UTC start, local date, concerns,
// participation counts, commitments).
#ifndef PALABRE_CORE_RECORD_H_
#define PALABRE_CORE_RECORD_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/status.h"

namespace palabre {

inline constexpr char kSessionFormat[] = "palabre.session/1";

// The largest session file (or stdin) accepted, in bytes.
inline constexpr std::size_t kMaxRecordFileBytes = 16 << 20;

// Vocabularies, in the order the format document lists them (the
// interactive prompt numbers them in this order).
std::span<const std::string_view> SessionKinds();
std::span<const std::string_view> StakeholderGroups();
std::span<const std::string_view> ConcernCategories();
std::span<const std::string_view> CommitmentStatuses();  // open first
std::span<const std::string_view> SexKeys();
std::span<const std::string_view> AgeKeys();
std::span<const std::string_view> AttributionRules();  // chatham_house first

// True if `word` is in `vocabulary`.
bool InVocabulary(std::span<const std::string_view> vocabulary,
                  std::string_view word);

// A commitment is *open* (still expected to happen) when its status is
// open, in_progress or blocked; it *can be overdue* when open or
// in_progress (the format document's definition).
bool IsOpenStatus(std::string_view status);
bool CanBeOverdue(std::string_view status);

// `text` as an upper-case ISO 3166-1 alpha-2 code ("ml" -> "ML"), or
// nullopt unless it is two ASCII letters.
std::optional<std::string> CountryCode(std::string_view text);

// Dates and times ----------------------------------------------------------

// True if `text` is a valid calendar date "YYYY-MM-DD" (years 1900-2999).
bool IsValidDate(std::string_view text);

// An RFC 3339 date-time with an explicit offset
// ("2026-03-14T09:30:00+00:00", "...Z", optional fractional seconds).
struct DateTime {
  int64_t utc_seconds = 0;    // seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;     // the UTC offset as written
  std::string local_date;     // "YYYY-MM-DD" as lived (before the offset)
};
// kInvalidArgument with a reason (no path) if `text` is not one.
StatusOr<DateTime> ParseDateTime(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" for `unix_millis` (milliseconds dropped).
std::string FormatUtc(int64_t unix_millis);

// Text ---------------------------------------------------------------------

// True if `text` is valid UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);
// Number of code points in valid UTF-8 `text`.
std::size_t Utf8Length(std::string_view text);

// Records --------------------------------------------------------------------

struct ConcernInput {
  std::string category;
  std::string raised_by;  // "" when absent
  std::string summary;
};

struct CommitmentInput {
  std::string id;  // the input's "id" (edit keeps identity); "" when absent
  std::string action;
  std::string owner;
  std::string due;  // "YYYY-MM-DD" or "" when absent
};

// One participation count: dimension "group", "sex" or "age", a key of that
// dimension's vocabulary, a count >= 0.
struct ParticipationCount {
  std::string dimension;
  std::string key;
  int64_t count = 0;
};

struct SessionInput {
  // The normalized record without `commitments` and without the output-only
  // fields (`id`, `created_at`, `updated_at`): what the log stores.
  nlohmann::json body;
  std::string id;  // the input's "id" if it had one (output of show --json)
  std::vector<CommitmentInput> commitments;

  // Derived from the body, for the projections.
  std::string kind;
  std::string title;
  std::string started_at;  // as written
  DateTime start;
  std::string country;  // upper-case ISO 3166-1 alpha-2
  std::string region;   // "" when absent or null
  std::string commune;  // "" when absent or null
  std::vector<ConcernInput> concerns;
  std::vector<ParticipationCount> participation;
  // Total participants: the sum of by_sex if given, else of by_age, else of
  // by_group, else 0.
  int64_t participants = 0;
  // Every text field of the record (title, place names, agenda, concerns,
  // agreements, commitments' actions and owners, notes, facilitators),
  // joined by newlines: what the full-text index holds.
  std::string search_text;
};

// Validates one session given as parsed JSON. `path` prefixes every message
// ("" for a single record, "[3]" for the fourth of an array). Accepts and
// ignores the output-only fields `id` (kept in SessionInput::id),
// `created_at`, `updated_at`, and in each commitment `id` (kept) and
// `status`, so that `session show --json` output can be edited and fed
// back. Anything else unknown is refused.
StatusOr<SessionInput> ParseSession(const nlohmann::json& value,
                                    std::string_view path = "");

// Parses a whole file's text: one session object or a non-empty array of
// them (all or nothing). Refuses, with kInvalidArgument and a clear message:
// an empty or whitespace-only text, more than kMaxRecordFileBytes, invalid
// UTF-8 (with the byte offset), JSON syntax errors (with line and column),
// duplicate keys, nesting deeper than 32 levels.
StatusOr<std::vector<SessionInput>> ParseSessionsText(std::string_view text);

// Parses JSON text with the same guards as ParseSessionsText (size, UTF-8,
// syntax, duplicate keys, depth) without interpreting it. `what` names the
// input in messages ("export file"); `max_bytes` replaces the size limit
// (an export of a whole vault may be larger than one record file).
StatusOr<nlohmann::json> ParseJsonText(
    std::string_view text, std::string_view what,
    std::size_t max_bytes = kMaxRecordFileBytes);

// A follow-up on a commitment: a dated status change with an optional note.
struct FollowUpInput {
  std::string status;  // a CommitmentStatuses() word
  std::string note;    // "" when none; at most 4000 characters
  std::string date;    // "YYYY-MM-DD"
};
// kInvalidArgument naming `status`, `note` or `date` if one breaks a rule.
Status ValidateFollowUp(const FollowUpInput& follow_up);

// The body the log stores for a follow-up, and back. ParseFollowUpBody
// validates (kInvalidArgument on a bad body).
nlohmann::json FollowUpBody(std::string_view commitment_id,
                            const FollowUpInput& follow_up);
struct FollowUpBodyFields {
  std::string commitment_id;
  FollowUpInput follow_up;
};
StatusOr<FollowUpBodyFields> ParseFollowUpBody(const nlohmann::json& body);

// The body the log stores for a commitment, and back.
nlohmann::json CommitmentBody(std::string_view session_id, int position,
                              const CommitmentInput& commitment);
struct CommitmentBodyFields {
  std::string session_id;
  int position = 0;
  CommitmentInput commitment;  // id empty
};
StatusOr<CommitmentBodyFields> ParseCommitmentBody(const nlohmann::json& body);

}  // namespace palabre

#endif  // PALABRE_CORE_RECORD_H_

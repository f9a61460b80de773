// The handover brief: what someone new to a place needs to know, computed
// from the projection tables for one country (and optionally one region and
// commune).
//
// `palabre brief` computes one with ComputeBrief and prints it with
// RenderBriefMarkdown (core/render_markdown.h) or RenderBriefHtml
// (core/render_html.h). It holds:
//   - the sessions held there: how many, the first and last date, how many
//     of each kind;
//   - participation over time (per month: sessions and participants, every
//     month from the first to the last, empty ones included) and its totals
//     by sex, age band and stakeholder group;
//   - the concerns raised, by category, each with its count, the number of
//     sessions that raised it and its latest three summaries;
//   - every open commitment (status open, in_progress or blocked), grouped
//     by owning institution, each with its follow-ups; a commitment is
//     overdue when its due date is before `today` and its status is open or
//     in_progress (the record format's definition);
//   - each institution's follow-through (as in core/report.h).
// The next meeting lives only in the session bodies, not in the
// projections, and is left out. Place.site is never in a brief. Nothing here
// reads the clock: the caller passes `today` and `generated_at`.
#ifndef PALABRE_CORE_BRIEF_H_
#define PALABRE_CORE_BRIEF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/report.h"
#include "platform/status.h"

namespace palabre {

class Database;

struct BriefFilter {
  std::string country;  // required; case-insensitive
  // Place names match whole, ignoring case and Latin accents
  // (core/text_fold.h).
  std::string region;   // "" = the whole country
  std::string commune;  // "" = anywhere in the region (or country)
  // The caller's clock: `today` (YYYY-MM-DD, required) decides overdue and
  // due; `generated_at` is only printed.
  std::string today;
  std::string generated_at;
};

struct KindCount {
  std::string kind;
  int64_t sessions = 0;
};

struct MonthRow {
  std::string month;  // "YYYY-MM"
  int64_t sessions = 0;
  int64_t participants = 0;
};

struct DatedSummary {
  std::string date;  // the session's local date
  std::string summary;
};

struct BriefConcern {
  std::string category;
  int64_t concerns = 0;
  int64_t sessions = 0;
  std::vector<DatedSummary> latest;  // at most 3, newest first
};

struct BriefFollowUp {
  std::string date;
  std::string status;
  std::string note;  // "" when none
};

struct BriefCommitment {
  std::string id;  // full id
  std::string action;
  std::string due;  // "" when none
  std::string status;
  std::string status_date;  // "" when never followed up
  bool overdue = false;
  std::string session_id;
  std::string session_title;
  std::string session_date;
  std::vector<BriefFollowUp> follow_ups;  // oldest first
};

struct OwnerCommitments {
  std::string owner;
  int64_t overdue = 0;
  std::vector<BriefCommitment> commitments;  // by due date (none last)
};

struct Brief {
  BriefFilter filter;  // as given
  int64_t sessions = 0;
  std::string first_date;  // "" when no session
  std::string last_date;
  int64_t participants = 0;
  std::vector<KindCount> kinds;                    // most sessions first
  std::vector<MonthRow> months;                    // oldest first, contiguous
  std::vector<ParticipationRow> participation;     // as in Report
  std::vector<BriefConcern> concerns;              // most concerns first
  std::vector<OwnerCommitments> open_commitments;  // by owner
  int64_t open_total = 0;
  int64_t overdue_total = 0;
  std::vector<CommitmentStats> follow_through;  // as Report::commitments
  CommitmentStats follow_through_total;
};

// Computes the brief for the place `filter` names. kInvalidArgument if the
// country is missing or `today` is not a date; database errors propagate
// (kDataLoss for a damaged vault). A place with no session gives an empty
// brief, not an error.
StatusOr<Brief> ComputeBrief(Database& db, const BriefFilter& filter);

}  // namespace palabre

#endif  // PALABRE_CORE_BRIEF_H_

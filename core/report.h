// The report: participation, concerns and commitments aggregated over the
// sessions of a period and a place, computed from the projection tables
// (core/projection_schema.h) with one query per table, each reaching the
// selected rows through the sessions' indexes (or a plain scan when most
// sessions are selected), so that it stays under a second over a vault of
// 100,000 sessions.
//
// `palabre report` computes one with ComputeReport and prints it with a
// renderer: core/render_markdown.h, core/render_html.h, core/render_csv.h or
// core/render_json.h. The brief (core/brief.h) reuses it for one place.
//
// Definitions (the same in every format):
//   - participation: the sums of the per-session counts (by sex, age band,
//     stakeholder group) over the sessions in the filter; a key's `sessions`
//     is the number of those sessions where its count is above zero.
//   - a commitment belongs to the report when its session does (the
//     session's local date and place pass the filter).
//   - made: every such commitment; kept: status `done`; dropped: status
//     `dropped`; overdue: a due date before `today` and status `open` or
//     `in_progress` (the record format's definition).
//   - due: a due date on or before `today`; kept_due: those of them done.
//   - follow-through rate = kept_due / due; absent (null, "n/a") when due is
//     zero. Commitments without a due date count in `made` but never in the
//     rate.
//   - owners are grouped by their exact name; regions as the filters match
//     them, ignoring case and Latin accents ("Ségou" and "SEGOU" are one
//     row, shown as first met).
// Nothing here reads the clock: the caller passes `today` and
// `generated_at`. Place.site is not in the projections and so never in a
// report.
#ifndef PALABRE_CORE_REPORT_H_
#define PALABRE_CORE_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/status.h"

namespace palabre {

class Database;

// Which sessions a report covers, and the caller's clock.
struct ReportFilter {
  std::string from;     // YYYY-MM-DD inclusive (session's local date); ""
                        // = no bound
  std::string to;       // YYYY-MM-DD inclusive; "" = no bound
  std::string country;  // "" = any; case-insensitive
  // Place names match whole, ignoring case and Latin accents
  // (core/text_fold.h): "segou" selects "Ségou".
  std::string region;   // "" = any
  std::string commune;  // "" = any
  // Not filters: the caller's clock. `today` (YYYY-MM-DD, required) decides
  // which commitments are due and overdue; `generated_at` (any text, e.g.
  // "2026-04-02T10:00:00Z") is only printed.
  std::string today;
  std::string generated_at;
};

// One participation figure: `dimension` is "sex", "age" or "group".
struct ParticipationRow {
  std::string dimension;
  std::string key;
  int64_t participants = 0;  // sum of the counts
  int64_t sessions = 0;      // sessions where the count is above zero
};

struct ConcernCategoryRow {
  std::string category;
  int64_t concerns = 0;
  int64_t sessions = 0;  // sessions that raised at least one
};

struct ConcernRegionRow {
  std::string category;
  std::string country;
  std::string region;  // "" when the sessions had none
  int64_t concerns = 0;
};

// Commitment follow-through of one owning institution (or the total).
struct CommitmentStats {
  std::string owner;  // "" for the total
  int64_t made = 0;
  int64_t kept = 0;      // status done
  int64_t overdue = 0;   // due < today, status open or in_progress
  int64_t dropped = 0;   // status dropped
  int64_t due = 0;       // due date on or before today
  int64_t kept_due = 0;  // due and done
  // kept_due / due; nullopt when due == 0.
  std::optional<double> rate() const;
};

struct Report {
  ReportFilter filter;  // as given (generated_at and today included)
  int64_t sessions = 0;
  int64_t participants = 0;  // sum of the sessions' participant totals
  // Dimensions in the order sex, age, group; keys in each vocabulary's
  // order (unknown keys last, alphabetically).
  std::vector<ParticipationRow> participation;
  // Most concerns first, ties in the vocabulary's order.
  std::vector<ConcernCategoryRow> concerns_by_category;
  // Grouped by category in concerns_by_category's order, then most concerns
  // first, then by country and region.
  std::vector<ConcernRegionRow> concerns_by_region;
  // Most commitments made first, then by owner.
  std::vector<CommitmentStats> commitments;
  CommitmentStats commitments_total;  // owner ""
};

// OK if `filter` is usable: from/to/today valid dates (today required),
// from <= to. kInvalidArgument naming the option otherwise.
Status ValidateReportFilter(const ReportFilter& filter);

// Computes the report over the sessions `filter` selects. kInvalidArgument
// for a bad filter (see ValidateReportFilter); database errors propagate
// (kDataLoss for a damaged vault, kFailedPrecondition if it is locked).
// A filter that selects nothing gives a report of zeros, not an error.
StatusOr<Report> ComputeReport(Database& db, const ReportFilter& filter);

// The participation rows alone (as in Report::participation), for callers
// that need nothing else. Errors as for ComputeReport.
StatusOr<std::vector<ParticipationRow>> ComputeParticipation(
    Database& db, const ReportFilter& filter);

// A readable English label for a vocabulary word (session kind, group, sex,
// age band, concern category, commitment status): "womens_groups" ->
// "Women's groups", "18_35" -> "18–35". Unknown words get their underscores
// turned into spaces and a capital first letter. Never fails.
std::string VocabularyLabel(std::string_view word);

// The label of a participation dimension: "sex" -> "Sex", "age" -> "Age
// band", "group" -> "Stakeholder group"; others unchanged.
std::string DimensionLabel(std::string_view dimension);

// "all dates", "from 2026-01-01", "2026-01-01 to 2026-03-31", ...; and the
// place ("all places", "ML", "ML / Gao", "ML / Gao / Gao", "region Gao").
// Plain text, not escaped. Never fail.
std::string DescribePeriod(std::string_view from, std::string_view to);
std::string DescribePlace(std::string_view country, std::string_view region,
                          std::string_view commune);

// `rate` as a whole percentage ("50%"), or "n/a". Never fails.
std::string FormatRate(std::optional<double> rate);

}  // namespace palabre

#endif  // PALABRE_CORE_REPORT_H_

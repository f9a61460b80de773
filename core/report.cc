// The report's computations (see report.h): one query per projection
// table, reaching the filter's rows by the cheapest path, summed here.
#include "core/report.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/database.h"
#include "core/record.h"
#include "core/text_fold.h"

namespace palabre {
namespace {

// The conditions a filter puts on `sessions s`, with numbered parameters
// (?N) so that a query can bind its own values before or after them.
class SessionConditions {
 public:
  // Parameters are numbered from `first`.
  SessionConditions(const ReportFilter& filter, int first) : first_(first) {
    Add("s.day >= ", filter.from);
    Add("s.day <= ", filter.to);
    Add("s.country = ", filter.country);
    Add("s.region_key = ", FoldForMatch(filter.region));
    Add("s.commune_key = ", FoldForMatch(filter.commune));
  }

  bool empty() const { return values_.empty(); }

  // " AND c1 AND c2", or "" when there is no condition.
  std::string And() const {
    std::string sql;
    for (const std::string& c : conditions_) sql += " AND " + c;
    return sql;
  }
  // " WHERE c1 AND c2", or "".
  std::string Where() const {
    if (conditions_.empty()) return "";
    return " WHERE 1" + And();
  }

  Status Bind(Statement& stmt) const {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      PALABRE_RETURN_IF_ERROR(
          stmt.BindText(first_ + static_cast<int>(i), values_[i]));
    }
    return Status::Ok();
  }

 private:
  void Add(std::string_view condition, std::string value) {
    if (value.empty()) return;
    conditions_.push_back(std::string(condition) + "?" +
                          std::to_string(first_ + values_.size()));
    values_.push_back(std::move(value));
  }

  int first_;
  std::vector<std::string> conditions_;
  std::vector<std::string> values_;
};

// How the rows of a child table (participation, concerns, commitments) of
// the sessions in the filter are reached. SQLite has no hash aggregation: a
// GROUP BY on columns no index orders sorts every row (over a second for
// 1.2 million participation rows), so the queries below only select rows,
// through the cheapest path, and the few groups are summed here in one pass.
enum class Plan {
  kEverything,  // no filter: scan the child table alone
  kBySession,   // few sessions match: walk them by index, seek their rows
  kByRow,       // many match: scan the child table, look its session up
};

// Below this share of all sessions (1 in kSelective), seeking the matching
// sessions' rows beats scanning the child table.
constexpr int64_t kSelective = 10;

// Runs `sql` with `conditions` bound and calls `row(stmt)` for each row.
template <typename RowFn>
Status ForEachRow(Database& db, const std::string& sql,
                  const SessionConditions& conditions, RowFn row) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  PALABRE_RETURN_IF_ERROR(conditions.Bind(stmt));
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return Status::Ok();
    row(stmt);
  }
}

// Position of `key` in `vocabulary`, or its size if absent.
std::size_t Rank(std::span<const std::string_view> vocabulary,
                 std::string_view key) {
  auto it = std::find(vocabulary.begin(), vocabulary.end(), key);
  return static_cast<std::size_t>(it - vocabulary.begin());
}

std::size_t DimensionRank(std::string_view dimension) {
  if (dimension == "sex") return 0;
  if (dimension == "age") return 1;
  if (dimension == "group") return 2;
  return 3;
}

std::span<const std::string_view> DimensionVocabulary(
    std::string_view dimension) {
  if (dimension == "sex") return SexKeys();
  if (dimension == "age") return AgeKeys();
  if (dimension == "group") return StakeholderGroups();
  return {};
}

// Sums participation counts per (dimension, key). Sessions list their
// counts in the same order, so the row after the last one matched is tried
// first.
class ParticipationSums {
 public:
  void Add(const std::string& dimension, const std::string& key,
           int64_t count) {
    for (std::size_t n = 0; n < rows_.size(); ++n) {
      const std::size_t i = (next_ + n) % rows_.size();
      ParticipationRow& row = rows_[i];
      if (row.key == key && row.dimension == dimension) {
        row.participants += count;
        if (count > 0) ++row.sessions;
        next_ = i + 1;
        return;
      }
    }
    rows_.push_back({dimension, key, count, count > 0 ? 1 : 0});
    next_ = rows_.size();
  }

  // The sums, dimensions in the order sex, age, group, keys in vocabulary
  // order (unknown ones last, alphabetically).
  std::vector<ParticipationRow> Sorted() && {
    auto order = [](const ParticipationRow& r) {
      return std::make_tuple(DimensionRank(r.dimension), r.dimension,
                             Rank(DimensionVocabulary(r.dimension), r.key),
                             r.key);
    };
    std::sort(rows_.begin(), rows_.end(),
              [&](const ParticipationRow& a, const ParticipationRow& b) {
                return order(a) < order(b);
              });
    return std::move(rows_);
  }

 private:
  std::vector<ParticipationRow> rows_;
  std::size_t next_ = 0;
};

StatusOr<std::vector<ParticipationRow>> QueryParticipation(
    Database& db, const SessionConditions& conditions, Plan plan) {
  std::string sql;
  switch (plan) {
    case Plan::kEverything:
      sql = "SELECT dimension, key, count FROM participation";
      break;
    case Plan::kBySession:
      sql =
          "SELECT p.dimension, p.key, p.count FROM sessions s"
          " CROSS JOIN participation p ON p.session_num = s.num" +
          conditions.Where();
      break;
    case Plan::kByRow:
      sql =
          "SELECT p.dimension, p.key, p.count FROM participation p"
          " CROSS JOIN sessions s ON s.num = p.session_num" +
          conditions.Where();
      break;
  }
  ParticipationSums sums;
  PALABRE_RETURN_IF_ERROR(
      ForEachRow(db, sql, conditions, [&](const Statement& stmt) {
        sums.Add(stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt(2));
      }));
  return std::move(sums).Sorted();
}

// Counts concerns per category (with the sessions raising them) and per
// (category, country, region), places compared folded (core/text_fold.h),
// as the filters match them.
class ConcernCounts {
 public:
  // Rows of one session arrive together, so a category's sessions are
  // counted each time its last session changes.
  void Add(int64_t session, const std::string& category,
           const std::string& country, const std::string& region,
           const std::string& region_key) {
    Category& c = categories_[category];
    ++c.concerns;
    if (c.last_session != session) {
      c.last_session = session;
      ++c.sessions;
    }
    if (session != place_session_) {  // a session has one place
      place_session_ = session;
      country_ = FoldForMatch(country);
      region_ = region_key;
    }
    auto it = regions_.find(std::make_tuple(std::string_view(category),
                                            std::string_view(country_),
                                            std::string_view(region_)));
    if (it == regions_.end()) {
      it = regions_
               .emplace(std::make_tuple(category, country_, region_),
                        ConcernRegionRow{category, country, region, 0})
               .first;
    }
    ++it->second.concerns;
  }

  void Fill(Report& report) && {
    for (const auto& [category, c] : categories_) {
      report.concerns_by_category.push_back({category, c.concerns, c.sessions});
    }
    std::sort(report.concerns_by_category.begin(),
              report.concerns_by_category.end(),
              [](const ConcernCategoryRow& a, const ConcernCategoryRow& b) {
                if (a.concerns != b.concerns) return a.concerns > b.concerns;
                return std::make_pair(Rank(ConcernCategories(), a.category),
                                      a.category) <
                       std::make_pair(Rank(ConcernCategories(), b.category),
                                      b.category);
              });
    std::map<std::string, std::size_t> rank;
    for (std::size_t i = 0; i < report.concerns_by_category.size(); ++i) {
      rank[report.concerns_by_category[i].category] = i;
    }
    for (auto& [key, row] : regions_) {
      report.concerns_by_region.push_back(std::move(row));
    }
    auto order = [&](const ConcernRegionRow& r) {
      return std::make_tuple(rank[r.category], -r.concerns, r.country,
                             r.region);
    };
    std::sort(report.concerns_by_region.begin(),
              report.concerns_by_region.end(),
              [&](const ConcernRegionRow& a, const ConcernRegionRow& b) {
                return order(a) < order(b);
              });
  }

 private:
  struct Category {
    int64_t concerns = 0;
    int64_t sessions = 0;
    int64_t last_session = -1;
  };
  std::map<std::string, Category, std::less<>> categories_;
  // Keyed by category and folded country and region.
  std::map<std::tuple<std::string, std::string, std::string>, ConcernRegionRow,
           std::less<>>
      regions_;
  int64_t place_session_ = -1;
  std::string country_;  // folded, of place_session_
  std::string region_;   // its region_key
};

Status QueryConcerns(Database& db, const SessionConditions& conditions,
                     Plan plan, Report& report) {
  // The concerns table is small next to participation: it is scanned,
  // each concern's session looked up by rowid (cheap), unless only a few
  // sessions match.
  const std::string sql =
      plan == Plan::kBySession
          ? "SELECT c.session_num, c.category, s.country, s.region,"
            " s.region_key FROM sessions s CROSS JOIN concerns c"
            " ON c.session_num = s.num" +
                conditions.Where()
          : "SELECT c.session_num, c.category, s.country, s.region,"
            " s.region_key FROM concerns c CROSS JOIN sessions s"
            " ON s.num = c.session_num" +
                conditions.Where();
  ConcernCounts counts;
  PALABRE_RETURN_IF_ERROR(
      ForEachRow(db, sql, conditions, [&](const Statement& stmt) {
        counts.Add(stmt.ColumnInt(0), stmt.ColumnText(1), stmt.ColumnText(2),
                   stmt.ColumnText(3), stmt.ColumnText(4));
      }));
  std::move(counts).Fill(report);
  return Status::Ok();
}

// Commitment figures per owner (exact name).
class CommitmentCounts {
 public:
  explicit CommitmentCounts(std::string today) : today_(std::move(today)) {}

  void Add(const std::string& owner, const std::string& due,
           const std::string& status) {
    if (last_ == nullptr || last_->owner != owner) {
      last_ = &owners_[owner];
      last_->owner = owner;
    }
    CommitmentStats& s = *last_;
    ++s.made;
    const bool done = status == "done";
    if (done) ++s.kept;
    if (status == "dropped") ++s.dropped;
    if (!due.empty() && due <= today_) {
      ++s.due;
      if (done) ++s.kept_due;
      if (due < today_ && (status == "open" || status == "in_progress")) {
        ++s.overdue;
      }
    }
  }

  // Most made first, then by owner; and the total.
  void Fill(Report& report) && {
    CommitmentStats& total = report.commitments_total;
    total = CommitmentStats{};
    for (auto& [owner, s] : owners_) {
      total.made += s.made;
      total.kept += s.kept;
      total.overdue += s.overdue;
      total.dropped += s.dropped;
      total.due += s.due;
      total.kept_due += s.kept_due;
      report.commitments.push_back(std::move(s));
    }
    std::sort(report.commitments.begin(), report.commitments.end(),
              [](const CommitmentStats& a, const CommitmentStats& b) {
                if (a.made != b.made) return a.made > b.made;
                return a.owner < b.owner;
              });
  }

 private:
  std::string today_;
  std::map<std::string, CommitmentStats> owners_;  // nodes never move
  CommitmentStats* last_ = nullptr;
};

// A set of session ids with a fast membership test. Record ids are 32
// lower-case hex digits: those are kept as 128-bit numbers in a sorted
// vector (compact: one binary search in a few hundred kilobytes per test);
// any id of another form goes to a plain set. Packing is one-to-one, so an
// id is found exactly when it was inserted.
class SessionIdSet {
 public:
  void Insert(const std::string& id) {
    Packed packed;
    if (Pack(id, packed)) {
      packed_.push_back(packed);
    } else {
      other_.insert(id);
    }
  }
  // Call once after the last Insert.
  void Seal() { std::sort(packed_.begin(), packed_.end()); }
  bool Contains(const std::string& id) const {
    Packed packed;
    if (Pack(id, packed)) {
      return std::binary_search(packed_.begin(), packed_.end(), packed);
    }
    return other_.count(id) > 0;
  }

 private:
  using Packed = std::pair<uint64_t, uint64_t>;
  static bool Pack(std::string_view id, Packed& packed) {
    if (id.size() != 32) return false;
    uint64_t halves[2] = {0, 0};
    for (std::size_t i = 0; i < 32; ++i) {
      const char c = id[i];
      uint64_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint64_t>(c - 'a' + 10);
      } else {
        return false;
      }
      halves[i / 16] = halves[i / 16] << 4 | digit;
    }
    packed = {halves[0], halves[1]};
    return true;
  }

  std::vector<Packed> packed_;
  std::set<std::string> other_;
};

Status QueryCommitments(Database& db, const SessionConditions& conditions,
                        Plan plan, const std::string& today, Report& report) {
  CommitmentCounts counts(today);
  auto add = [&](const Statement& stmt) {
    counts.Add(stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2));
  };
  switch (plan) {
    case Plan::kEverything:
      PALABRE_RETURN_IF_ERROR(ForEachRow(
          db, "SELECT owner, due, status FROM commitments", conditions, add));
      break;
    case Plan::kBySession:
      PALABRE_RETURN_IF_ERROR(
          ForEachRow(db,
                     "SELECT c.owner, c.due, c.status FROM sessions s"
                     " CROSS JOIN commitments c ON c.session_id = s.id" +
                         conditions.Where(),
                     conditions, add));
      break;
    case Plan::kByRow: {
      // Commitments are keyed by a random id: seeking them session by
      // session reads pages at random, and so does looking each one's
      // session up. One scan of the sessions for the matching ids, and one
      // of the commitments, are much cheaper.
      SessionIdSet sessions;
      PALABRE_RETURN_IF_ERROR(ForEachRow(
          db, "SELECT s.id FROM sessions s NOT INDEXED" + conditions.Where(),
          conditions,
          [&](const Statement& stmt) { sessions.Insert(stmt.ColumnText(0)); }));
      sessions.Seal();
      const SessionConditions none(ReportFilter{}, 1);
      PALABRE_RETURN_IF_ERROR(ForEachRow(
          db, "SELECT session_id, owner, due, status FROM commitments", none,
          [&](const Statement& stmt) {
            if (!sessions.Contains(stmt.ColumnText(0))) return;
            counts.Add(stmt.ColumnText(1), stmt.ColumnText(2),
                       stmt.ColumnText(3));
          }));
      break;
    }
  }
  std::move(counts).Fill(report);
  return Status::Ok();
}

// The session totals of the filter, and the plan to reach their rows.
StatusOr<Plan> QuerySessionTotals(Database& db,
                                  const SessionConditions& conditions,
                                  Report& report) {
  PALABRE_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT COUNT(*), COALESCE(SUM(s.participants), 0) FROM sessions s" +
          conditions.Where(),
      conditions, [&](const Statement& stmt) {
        report.sessions = stmt.ColumnInt(0);
        report.participants = stmt.ColumnInt(1);
      }));
  if (conditions.empty()) return Plan::kEverything;
  PALABRE_ASSIGN_OR_RETURN(int64_t all,
                           db.QueryInt("SELECT COUNT(*) FROM sessions"));
  return report.sessions * kSelective < all ? Plan::kBySession : Plan::kByRow;
}

// Label table for VocabularyLabel.
struct Label {
  std::string_view word;
  std::string_view label;
};
constexpr Label kLabels[] = {
    // Session kinds.
    {"community_dialogue", "Community dialogue"},
    {"security_advisory_committee", "Security advisory committee"},
    {"perception_survey", "Perception survey"},
    {"hybrid_justice_hearing", "Hybrid justice hearing"},
    {"training", "Training"},
    // Stakeholder groups.
    {"security_forces", "Security forces"},
    {"local_authority", "Local authority"},
    {"traditional_leaders", "Traditional leaders"},
    {"religious_leaders", "Religious leaders"},
    {"cso", "Civil society organisations"},
    {"youth", "Youth"},
    {"womens_groups", "Women's groups"},
    {"idps", "Internally displaced persons"},
    {"persons_with_disabilities", "Persons with disabilities"},
    {"media", "Media"},
    {"private_sector", "Private sector"},
    // Sex and age.
    {"female", "Female"},
    {"male", "Male"},
    {"undisclosed", "Undisclosed"},
    {"under_18", "Under 18"},
    {"18_35", "18\u201335"},
    {"36_plus", "36 and over"},
    // Concern categories.
    {"police_conduct", "Police conduct"},
    {"armed_groups", "Armed groups"},
    {"gender_based_violence", "Gender-based violence"},
    {"land_dispute", "Land disputes"},
    {"intercommunal_conflict", "Intercommunal conflict"},
    {"corruption", "Corruption"},
    {"justice_access", "Access to justice"},
    {"detention", "Detention"},
    {"displacement", "Displacement"},
    {"youth_unemployment", "Youth unemployment"},
    {"trafficking", "Trafficking"},
    {"misinformation", "Misinformation"},
    {"hrd_safety", "Safety of human rights defenders"},
    {"service_delivery", "Service delivery"},
    // Commitment statuses.
    {"open", "Open"},
    {"in_progress", "In progress"},
    {"done", "Done"},
    {"dropped", "Dropped"},
    {"blocked", "Blocked"},
    {"other", "Other"},
};

}  // namespace

std::optional<double> CommitmentStats::rate() const {
  if (due <= 0) return std::nullopt;
  return static_cast<double>(kept_due) / static_cast<double>(due);
}

Status ValidateReportFilter(const ReportFilter& filter) {
  if (!filter.from.empty() && !IsValidDate(filter.from)) {
    return InvalidArgumentError("--from: not a date (YYYY-MM-DD)");
  }
  if (!filter.to.empty() && !IsValidDate(filter.to)) {
    return InvalidArgumentError("--to: not a date (YYYY-MM-DD)");
  }
  if (!filter.from.empty() && !filter.to.empty() && filter.from > filter.to) {
    return InvalidArgumentError("--from: after --to");
  }
  if (!IsValidDate(filter.today)) {
    return InvalidArgumentError("today: not a date (YYYY-MM-DD)");
  }
  return Status::Ok();
}

StatusOr<std::vector<ParticipationRow>> ComputeParticipation(
    Database& db, const ReportFilter& filter) {
  PALABRE_RETURN_IF_ERROR(ValidateReportFilter(filter));
  const SessionConditions conditions(filter, 1);
  Report totals;
  PALABRE_ASSIGN_OR_RETURN(Plan plan,
                           QuerySessionTotals(db, conditions, totals));
  return QueryParticipation(db, conditions, plan);
}

StatusOr<Report> ComputeReport(Database& db, const ReportFilter& filter) {
  PALABRE_RETURN_IF_ERROR(ValidateReportFilter(filter));
  Report report;
  report.filter = filter;
  const SessionConditions conditions(filter, 1);
  PALABRE_ASSIGN_OR_RETURN(Plan plan,
                           QuerySessionTotals(db, conditions, report));
  PALABRE_ASSIGN_OR_RETURN(report.participation,
                           QueryParticipation(db, conditions, plan));
  PALABRE_RETURN_IF_ERROR(QueryConcerns(db, conditions, plan, report));
  PALABRE_RETURN_IF_ERROR(
      QueryCommitments(db, conditions, plan, filter.today, report));
  return report;
}

std::string VocabularyLabel(std::string_view word) {
  for (const Label& l : kLabels) {
    if (l.word == word) return std::string(l.label);
  }
  std::string label(word);
  for (char& c : label) {
    if (c == '_') c = ' ';
  }
  if (!label.empty() && label[0] >= 'a' && label[0] <= 'z') {
    label[0] = static_cast<char>(label[0] - 'a' + 'A');
  }
  return label;
}

std::string DimensionLabel(std::string_view dimension) {
  if (dimension == "sex") return "Sex";
  if (dimension == "age") return "Age band";
  if (dimension == "group") return "Stakeholder group";
  return std::string(dimension);
}

std::string DescribePeriod(std::string_view from, std::string_view to) {
  if (from.empty() && to.empty()) return "all dates";
  if (to.empty()) return "from " + std::string(from);
  if (from.empty()) return "up to " + std::string(to);
  if (from == to) return std::string(from);
  return std::string(from) + " to " + std::string(to);
}

std::string DescribePlace(std::string_view country, std::string_view region,
                          std::string_view commune) {
  std::string place;
  auto add = [&](std::string_view what, std::string_view name) {
    if (name.empty()) return;
    if (!place.empty()) {
      place += " / ";
    } else if (!what.empty()) {
      place += std::string(what) + " ";
    }
    place += name;
  };
  add("", country);
  add("region", region);
  add("commune", commune);
  return place.empty() ? "all places" : place;
}

std::string FormatRate(std::optional<double> rate) {
  if (!rate) return "n/a";
  return std::to_string(static_cast<int64_t>(std::lround(*rate * 100))) + "%";
}

}  // namespace palabre

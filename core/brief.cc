// The brief's computations (see brief.h): aggregates over one place's
// sessions, plus one follow-up lookup per open commitment of that place.
#include "core/brief.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/database.h"
#include "core/entry_log.h"
#include "core/record.h"
#include "core/text_fold.h"

namespace palabre {
namespace {

// The place conditions on `sessions s`, numbered from ?`first`.
struct PlaceConditions {
  PlaceConditions(const BriefFilter& filter, int first) {
    int n = first;
    auto add = [&](std::string_view column, std::string value) {
      if (value.empty()) return;
      sql += " AND s." + std::string(column) + " = ?" + std::to_string(n++);
      values.push_back(std::move(value));
    };
    add("country", filter.country);
    add("region_key", FoldForMatch(filter.region));
    add("commune_key", FoldForMatch(filter.commune));
    first_index = first;
  }
  Status Bind(Statement& stmt) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      PALABRE_RETURN_IF_ERROR(
          stmt.BindText(first_index + static_cast<int>(i), values[i]));
    }
    return Status::Ok();
  }
  std::string sql;  // " AND s.country = ?1 ..."
  std::vector<std::string> values;
  int first_index = 1;
};

// Runs `sql` with the place bound from ?1 and calls `row` for each result.
template <typename RowFn>
Status ForEachRow(Database& db, const std::string& sql,
                  const PlaceConditions& place, RowFn row) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  PALABRE_RETURN_IF_ERROR(place.Bind(stmt));
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    row(stmt);
  }
  return Status::Ok();
}

// The order of counted rows: the larger count first, ties in the order of
// `vocabulary` (unknown words last, alphabetically).
bool MostFirst(int64_t a_count, const std::string& a_word,
               std::span<const std::string_view> vocabulary, int64_t b_count,
               const std::string& b_word) {
  if (a_count != b_count) return a_count > b_count;
  auto rank = [&](const std::string& word) {
    return std::find(vocabulary.begin(), vocabulary.end(), word) -
           vocabulary.begin();
  };
  return std::make_pair(rank(a_word), a_word) <
         std::make_pair(rank(b_word), b_word);
}

// "YYYY-MM" after `month`, or "" if `month` is not one.
std::string NextMonth(std::string_view month) {
  if (month.size() != 7 || month[4] != '-') return "";
  int year = 0;
  int mon = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (month[i] < '0' || month[i] > '9') return "";
    int& part = i < 4 ? year : mon;
    part = part * 10 + (month[i] - '0');
  }
  if (++mon > 12) {
    mon = 1;
    ++year;
  }
  if (year > 9999) return "";
  std::string text = std::to_string(year);
  text.insert(0, 4 - text.size(), '0');
  return text + (mon < 10 ? "-0" : "-") + std::to_string(mon);
}

// Fills the months with no session between the first and the last.
std::vector<MonthRow> FillMonths(const std::vector<MonthRow>& months) {
  std::vector<MonthRow> filled;
  if (months.empty()) return filled;
  std::string month = months.front().month;
  for (const MonthRow& row : months) {
    // Months are sorted; at most a few thousand steps even for odd data.
    while (month < row.month && filled.size() < 12 * 1000) {
      filled.push_back({month, 0, 0});
      month = NextMonth(month);
      if (month.empty()) break;
    }
    filled.push_back(row);
    month = NextMonth(row.month);
    if (month.empty()) break;
  }
  return filled;
}

Status QuerySessions(Database& db, const PlaceConditions& place, Brief& brief) {
  const std::string where = " FROM sessions s WHERE 1" + place.sql;
  PALABRE_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT COUNT(*), COALESCE(MIN(s.day), ''), COALESCE(MAX(s.day), ''),"
      " COALESCE(SUM(s.participants), 0)" +
          where,
      place, [&](Statement& s) {
        brief.sessions = s.ColumnInt(0);
        brief.first_date = s.ColumnText(1);
        brief.last_date = s.ColumnText(2);
        brief.participants = s.ColumnInt(3);
      }));
  PALABRE_RETURN_IF_ERROR(
      ForEachRow(db, "SELECT s.kind, COUNT(*)" + where + " GROUP BY s.kind",
                 place, [&](Statement& s) {
                   brief.kinds.push_back({s.ColumnText(0), s.ColumnInt(1)});
                 }));
  std::sort(brief.kinds.begin(), brief.kinds.end(),
            [](const KindCount& a, const KindCount& b) {
              return MostFirst(a.sessions, a.kind, SessionKinds(), b.sessions,
                               b.kind);
            });
  std::vector<MonthRow> months;
  PALABRE_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT substr(s.day, 1, 7) AS month, COUNT(*), SUM(s.participants)" +
          where + " GROUP BY month ORDER BY month",
      place, [&](Statement& s) {
        months.push_back({s.ColumnText(0), s.ColumnInt(1), s.ColumnInt(2)});
      }));
  brief.months = FillMonths(months);
  return Status::Ok();
}

Status QueryConcerns(Database& db, const PlaceConditions& place, Brief& brief) {
  const std::string from =
      " FROM sessions s CROSS JOIN concerns c ON c.session_num = s.num"
      " WHERE 1" +
      place.sql;
  std::map<std::string, std::size_t> index;
  PALABRE_RETURN_IF_ERROR(
      ForEachRow(db,
                 "SELECT c.category, COUNT(*), COUNT(DISTINCT c.session_num)" +
                     from + " GROUP BY c.category",
                 place, [&](Statement& s) {
                   brief.concerns.push_back(
                       {s.ColumnText(0), s.ColumnInt(1), s.ColumnInt(2), {}});
                 }));
  std::sort(brief.concerns.begin(), brief.concerns.end(),
            [](const BriefConcern& a, const BriefConcern& b) {
              return MostFirst(a.concerns, a.category, ConcernCategories(),
                               b.concerns, b.category);
            });
  for (std::size_t i = 0; i < brief.concerns.size(); ++i) {
    index[brief.concerns[i].category] = i;
  }
  // The latest three concerns of each category; their summaries are in the
  // sessions' bodies (the projection keeps none), read from the log.
  struct Latest {
    std::string category, day, device_id;
    int64_t seq = 0, position = 0;
  };
  std::vector<Latest> latest;
  PALABRE_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT category, day, device_id, seq, position FROM ("
      " SELECT c.category, s.day, s.device_id, s.seq, c.position,"
      "  ROW_NUMBER() OVER ("
      "  PARTITION BY c.category"
      "  ORDER BY s.day DESC, s.start_utc DESC, c.position) AS rank" +
          from + ") WHERE rank <= 3 ORDER BY category, rank",
      place, [&](Statement& s) {
        latest.push_back({s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
                          s.ColumnInt(3), s.ColumnInt(4)});
      }));
  std::map<std::pair<std::string, int64_t>, nlohmann::json> bodies;
  for (const Latest& row : latest) {
    auto it = index.find(row.category);
    if (it == index.end()) continue;
    auto key = std::make_pair(row.device_id, row.seq);
    auto body = bodies.find(key);
    if (body == bodies.end()) {
      PALABRE_ASSIGN_OR_RETURN(std::optional<std::string> text,
                               ReadEntryBody(db, row.device_id, row.seq));
      nlohmann::json parsed = nlohmann::json::parse(text.value_or(""), nullptr,
                                                    /*allow_exceptions=*/false);
      body = bodies.emplace(key, std::move(parsed)).first;
    }
    const nlohmann::json& concerns =
        body->second.is_object()
            ? body->second.value("concerns", nlohmann::json())
            : nlohmann::json();
    const auto position = static_cast<std::size_t>(row.position);
    if (!concerns.is_array() || position >= concerns.size() ||
        !concerns[position].is_object() ||
        !concerns[position].value("summary", nlohmann::json()).is_string()) {
      return DataLossError("device " + row.device_id.substr(0, 8) + " seq " +
                           std::to_string(row.seq) +
                           ": the session's body has no concern " +
                           std::to_string(row.position));
    }
    brief.concerns[it->second].latest.push_back(
        {row.day, concerns[position]["summary"].get<std::string>()});
  }
  return Status::Ok();
}

Status QueryOpenCommitments(Database& db, const PlaceConditions& place,
                            const std::string& today, Brief& brief) {
  std::vector<std::pair<std::string, BriefCommitment>> rows;
  PALABRE_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT c.owner, c.id, c.action, c.due, c.status, c.status_date,"
      " s.id, s.title, s.day"
      " FROM sessions s CROSS JOIN commitments c ON c.session_id = s.id"
      " WHERE c.status IN ('open', 'in_progress', 'blocked')" +
          place.sql +
          " ORDER BY c.owner COLLATE NOCASE, c.owner, c.due = '', c.due,"
          " s.day, s.start_utc, c.position",
      place, [&](Statement& s) {
        BriefCommitment c;
        c.id = s.ColumnText(1);
        c.action = s.ColumnText(2);
        c.due = s.ColumnText(3);
        c.status = s.ColumnText(4);
        c.status_date = s.ColumnText(5);
        c.overdue = !c.due.empty() && c.due < today &&
                    (c.status == "open" || c.status == "in_progress");
        c.session_id = s.ColumnText(6);
        c.session_title = s.ColumnText(7);
        c.session_date = s.ColumnText(8);
        rows.emplace_back(s.ColumnText(0), std::move(c));
      }));
  // Only the open commitments of one place: one lookup each is cheap.
  PALABRE_ASSIGN_OR_RETURN(
      Statement follow_ups,
      db.Prepare("SELECT date, status, note FROM follow_ups"
                 " WHERE commitment_id = ?1 ORDER BY date, hlc, id"));
  for (auto& [owner, commitment] : rows) {
    follow_ups.Reset();
    PALABRE_RETURN_IF_ERROR(follow_ups.BindText(1, commitment.id));
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool more, follow_ups.Step());
      if (!more) break;
      commitment.follow_ups.push_back({follow_ups.ColumnText(0),
                                       follow_ups.ColumnText(1),
                                       follow_ups.ColumnText(2)});
    }
    if (brief.open_commitments.empty() ||
        brief.open_commitments.back().owner != owner) {
      brief.open_commitments.push_back({owner, 0, {}});
    }
    OwnerCommitments& group = brief.open_commitments.back();
    ++brief.open_total;
    if (commitment.overdue) {
      ++group.overdue;
      ++brief.overdue_total;
    }
    group.commitments.push_back(std::move(commitment));
  }
  follow_ups.Reset();
  return Status::Ok();
}

}  // namespace

StatusOr<Brief> ComputeBrief(Database& db, const BriefFilter& filter) {
  if (filter.country.empty()) {
    return InvalidArgumentError("--country: required for a brief");
  }
  if (!IsValidDate(filter.today)) {
    return InvalidArgumentError("today: not a date (YYYY-MM-DD)");
  }
  Brief brief;
  brief.filter = filter;
  PlaceConditions place(filter, 1);
  PALABRE_RETURN_IF_ERROR(QuerySessions(db, place, brief));
  PALABRE_RETURN_IF_ERROR(QueryConcerns(db, place, brief));
  PALABRE_RETURN_IF_ERROR(QueryOpenCommitments(db, place, filter.today, brief));

  // Participation totals and follow-through, exactly as the report counts
  // them for this place.
  ReportFilter report_filter;
  report_filter.country = filter.country;
  report_filter.region = filter.region;
  report_filter.commune = filter.commune;
  report_filter.today = filter.today;
  report_filter.generated_at = filter.generated_at;
  PALABRE_ASSIGN_OR_RETURN(Report report, ComputeReport(db, report_filter));
  brief.participation = std::move(report.participation);
  brief.follow_through = std::move(report.commitments);
  brief.follow_through_total = report.commitments_total;
  return brief;
}

}  // namespace palabre

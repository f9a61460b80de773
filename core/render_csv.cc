// CSV renderings (see render_csv.h).
#include "core/render_csv.h"

#include <cmath>
#include <initializer_list>
#include <string>

namespace palabre {
namespace {

std::string Num(int64_t value) { return std::to_string(value); }

// A fraction with at most four decimals, trailing zeros dropped ("0.5",
// "1", "0.6667"); "" for no value.
std::string Fraction(std::optional<double> rate) {
  if (!rate) return "";
  const auto scaled = static_cast<int64_t>(std::llround(*rate * 10000));
  std::string text = Num(scaled / 10000);
  std::string decimals = Num(scaled % 10000);
  decimals.insert(0, 4 - decimals.size(), '0');
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  if (!decimals.empty()) text += "." + decimals;
  return text;
}

void AppendRow(std::string& out, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const std::string& field : fields) {
    if (!first) out += ',';
    out += field;
    first = false;
  }
  out += "\r\n";
}

}  // namespace

std::string CsvField(std::string_view value, bool text) {
  std::string field;
  if (text && !value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
       value[0] == '@' || value[0] == '\t' || value[0] == '\r')) {
    field = "'";
  }
  field += value;
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

StatusOr<std::string> RenderReportCsv(const Report& report,
                                      std::string_view table) {
  std::string out;
  if (table == "participation") {
    AppendRow(out, {"dimension", "key", "participants", "sessions"});
    for (const ParticipationRow& r : report.participation) {
      AppendRow(out, {CsvField(r.dimension), CsvField(r.key),
                      Num(r.participants), Num(r.sessions)});
    }
  } else if (table == "concerns") {
    AppendRow(out, {"category", "country", "region", "concerns"});
    for (const ConcernRegionRow& r : report.concerns_by_region) {
      AppendRow(out, {CsvField(r.category), CsvField(r.country),
                      CsvField(r.region), Num(r.concerns)});
    }
  } else if (table == "commitments") {
    AppendRow(out, {"owner", "made", "kept", "overdue", "dropped", "due",
                    "kept_due", "follow_through_rate"});
    for (const CommitmentStats& s : report.commitments) {
      AppendRow(out, {CsvField(s.owner), Num(s.made), Num(s.kept),
                      Num(s.overdue), Num(s.dropped), Num(s.due),
                      Num(s.kept_due), Fraction(s.rate())});
    }
  } else if (table.empty()) {
    return InvalidArgumentError(
        "--table is required for csv (participation, concerns or "
        "commitments)");
  } else {
    return InvalidArgumentError(
        "--table: must be participation, concerns or commitments");
  }
  return out;
}

}  // namespace palabre

// Markdown renderings (see render_markdown.h).
#include "core/render_markdown.h"

#include <cstddef>
#include <string>
#include <vector>

namespace palabre {
namespace {

std::string Num(int64_t value) { return std::to_string(value); }

// `label` with a lower-case first letter ("Age band" -> "age band").
std::string Lowered(std::string label) {
  if (!label.empty() && label[0] >= 'A' && label[0] <= 'Z') {
    label[0] = static_cast<char>(label[0] - 'A' + 'a');
  }
  return label;
}

std::string OrNone(std::string_view text, std::string_view none) {
  return text.empty() ? std::string(none) : MarkdownText(text);
}

// A table: header cells (already escaped), which columns are numbers, rows
// (already escaped).
struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;
  std::vector<std::vector<std::string>> rows;
};

std::string RenderTable(const Table& table) {
  std::string out = "|";
  for (const std::string& h : table.header) out += " " + h + " |";
  out += "\n|";
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    out += i < table.numeric.size() && table.numeric[i] ? " ---: |" : " --- |";
  }
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const std::string& cell : row) out += " " + cell + " |";
    out += "\n";
  }
  return out + "\n";
}

void AppendParticipation(const std::vector<ParticipationRow>& rows,
                         std::string& out) {
  if (rows.empty()) {
    out += "No participation figures were recorded.\n\n";
    return;
  }
  for (const char* dimension : {"sex", "age", "group"}) {
    Table table{{DimensionLabel(dimension), "Participants", "Sessions"},
                {false, true, true},
                {}};
    for (const ParticipationRow& row : rows) {
      if (row.dimension != dimension) continue;
      table.rows.push_back({MarkdownText(VocabularyLabel(row.key)),
                            Num(row.participants), Num(row.sessions)});
    }
    if (table.rows.empty()) continue;
    out +=
        "### By " + MarkdownText(Lowered(DimensionLabel(dimension))) + "\n\n";
    out += RenderTable(table);
  }
  out += "*Sessions*: the sessions where the row's count is above zero.\n\n";
}

Table FollowThroughTable(const std::vector<CommitmentStats>& owners,
                         const CommitmentStats& total) {
  Table table{{"Owning institution", "Made", "Kept", "Overdue", "Dropped",
               "Due", "Kept of due", "Follow-through"},
              {false, true, true, true, true, true, true, true},
              {}};
  auto row = [](const std::string& owner, const CommitmentStats& s) {
    return std::vector<std::string>{
        owner,          Num(s.made), Num(s.kept),     Num(s.overdue),
        Num(s.dropped), Num(s.due),  Num(s.kept_due), FormatRate(s.rate())};
  };
  for (const CommitmentStats& s : owners) {
    table.rows.push_back(row(OrNone(s.owner, "(no owner)"), s));
  }
  table.rows.push_back(row("**Total**", total));
  return table;
}

std::string Definitions(std::string_view today) {
  const std::string day = MarkdownText(today);
  return "*Kept*: status done. *Overdue*: due before " + day +
         " and still open or in progress. *Due*: due on or before " + day +
         ". *Follow-through*: kept among those due, n/a when none is "
         "due.\n\n";
}

std::string StatusLine(const BriefCommitment& c) {
  std::string line = "Due: " + OrNone(c.due, "no date") +
                     "; status: " + MarkdownText(VocabularyLabel(c.status));
  if (!c.status_date.empty()) {
    line += " (since " + MarkdownText(c.status_date) + ")";
  }
  return line + "; id `" + MarkdownText(c.id.substr(0, 8)) + "`";
}

}  // namespace

std::string MarkdownText(std::string_view text) {
  // One line, trimmed.
  std::string line;
  line.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    line += byte < 0x20 || byte == 0x7F ? ' ' : c;
  }
  const std::size_t begin = line.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  line = line.substr(begin, line.find_last_not_of(' ') - begin + 1);

  std::string out;
  out.reserve(line.size() + 8);
  // A leading character that would start a block.
  std::size_t digits = 0;
  while (digits < line.size() && digits < 10 && line[digits] >= '0' &&
         line[digits] <= '9') {
    ++digits;
  }
  std::size_t i = 0;
  if (digits > 0 && digits < line.size() &&
      (line[digits] == '.' || line[digits] == ')')) {
    out += line.substr(0, digits) + "\\" + line[digits];
    i = digits + 1;
  } else if (line[0] == '#' || line[0] == '+' || line[0] == '-' ||
             line[0] == '=') {
    out += "\\";
    out += line[0];
    i = 1;
  }
  for (; i < line.size(); ++i) {
    const char c = line[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
        out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string RenderReportMarkdown(const Report& report) {
  const ReportFilter& f = report.filter;
  std::string out =
      "# Report: participation, concerns and commitments\n\n"
      "- Period: " +
      MarkdownText(DescribePeriod(f.from, f.to)) +
      "\n"
      "- Place: " +
      MarkdownText(DescribePlace(f.country, f.region, f.commune)) +
      "\n"
      "- Commitments counted as of " +
      MarkdownText(f.today) + "\n";
  if (!f.generated_at.empty()) {
    out += "- Generated " + MarkdownText(f.generated_at) + "\n";
  }
  out += "\n## Participation\n\n" + Num(report.sessions) + " session" +
         (report.sessions == 1 ? "" : "s") + ", " + Num(report.participants) +
         " participant" + (report.participants == 1 ? "" : "s") +
         " in total.\n\n";
  if (report.sessions > 0) AppendParticipation(report.participation, out);

  out += "## Concerns\n\n";
  if (report.concerns_by_category.empty()) {
    out += "No concern was recorded.\n\n";
  } else {
    Table by_category{
        {"Category", "Concerns", "Sessions"}, {false, true, true}, {}};
    for (const ConcernCategoryRow& row : report.concerns_by_category) {
      by_category.rows.push_back({MarkdownText(VocabularyLabel(row.category)),
                                  Num(row.concerns), Num(row.sessions)});
    }
    out += "### By category\n\n" + RenderTable(by_category);
    Table by_region{{"Category", "Country", "Region", "Concerns"},
                    {false, false, false, true},
                    {}};
    for (const ConcernRegionRow& row : report.concerns_by_region) {
      by_region.rows.push_back({MarkdownText(VocabularyLabel(row.category)),
                                MarkdownText(row.country),
                                OrNone(row.region, "(none)"),
                                Num(row.concerns)});
    }
    out += "### By category and region\n\n" + RenderTable(by_region);
  }

  out += "## Commitments by owning institution\n\n";
  if (report.commitments.empty()) {
    out += "No commitment was made.\n\n";
  } else {
    out += RenderTable(
        FollowThroughTable(report.commitments, report.commitments_total));
    out += Definitions(f.today);
  }
  // One trailing newline.
  while (out.size() > 1 && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

std::string RenderBriefMarkdown(const Brief& brief) {
  const BriefFilter& f = brief.filter;
  std::string out =
      "# Handover brief: " +
      MarkdownText(DescribePlace(f.country, f.region, f.commune)) +
      "\n\n"
      "- As of " +
      MarkdownText(f.today) + "\n";
  if (!f.generated_at.empty()) {
    out += "- Generated " + MarkdownText(f.generated_at) + "\n";
  }

  out += "\n## Sessions held\n\n";
  if (brief.sessions == 0) {
    out += "No session has been recorded here.\n\n";
  } else {
    out += Num(brief.sessions) + " session" + (brief.sessions == 1 ? "" : "s") +
           ", ";
    out += brief.first_date == brief.last_date
               ? "on " + MarkdownText(brief.first_date)
               : "from " + MarkdownText(brief.first_date) + " to " +
                     MarkdownText(brief.last_date);
    out += "; " + Num(brief.participants) + " participant" +
           (brief.participants == 1 ? "" : "s") + " in total.\n\n";
    Table kinds{{"Kind", "Sessions"}, {false, true}, {}};
    for (const KindCount& k : brief.kinds) {
      kinds.rows.push_back(
          {MarkdownText(VocabularyLabel(k.kind)), Num(k.sessions)});
    }
    out += RenderTable(kinds);

    out += "## Participation over time\n\n";
    Table months{
        {"Month", "Sessions", "Participants"}, {false, true, true}, {}};
    for (const MonthRow& m : brief.months) {
      months.rows.push_back(
          {MarkdownText(m.month), Num(m.sessions), Num(m.participants)});
    }
    out += RenderTable(months);
    AppendParticipation(brief.participation, out);
  }

  out += "## Recurring concerns\n\n";
  if (brief.concerns.empty()) {
    out += "No concern has been recorded here.\n\n";
  }
  for (const BriefConcern& c : brief.concerns) {
    out += "### " + MarkdownText(VocabularyLabel(c.category)) + ": " +
           Num(c.concerns) + " concern" + (c.concerns == 1 ? "" : "s") +
           " in " + Num(c.sessions) + " session" +
           (c.sessions == 1 ? "" : "s") + "\n\n";
    for (const DatedSummary& s : c.latest) {
      out += "- " + MarkdownText(s.date) + ": " +
             OrNone(s.summary, "(no summary)") + "\n";
    }
    if (!c.latest.empty()) out += "\n";
  }

  out += "## Open commitments\n\n";
  if (brief.open_total == 0) {
    out += "No open commitment.\n\n";
  } else {
    out += Num(brief.open_total) + " open commitment" +
           (brief.open_total == 1 ? "" : "s") + ", " +
           Num(brief.overdue_total) + " overdue.\n\n";
  }
  for (const OwnerCommitments& owner : brief.open_commitments) {
    out += "### " + OrNone(owner.owner, "(no owner)") + " (" +
           Num(static_cast<int64_t>(owner.commitments.size())) + " open, " +
           Num(owner.overdue) + " overdue)\n\n";
    for (const BriefCommitment& c : owner.commitments) {
      out += "- **" + OrNone(c.action, "(no action)") + "**" +
             (c.overdue ? " (OVERDUE)" : "") + "\n";
      out += "  - " + StatusLine(c) + "\n";
      out += "  - Agreed at: " + OrNone(c.session_title, "(untitled)") + " (" +
             MarkdownText(c.session_date) + ")\n";
      if (c.follow_ups.empty()) {
        out += "  - No follow-up yet\n";
      } else {
        out += "  - Follow-ups:\n";
        for (const BriefFollowUp& u : c.follow_ups) {
          out += "    - " + MarkdownText(u.date) + ": " +
                 MarkdownText(VocabularyLabel(u.status));
          if (!u.note.empty()) out += " \u2014 " + MarkdownText(u.note);
          out += "\n";
        }
      }
    }
    out += "\n";
  }

  out += "## Follow-through by institution\n\n";
  if (brief.follow_through.empty()) {
    out += "No commitment has been made here.\n\n";
  } else {
    out += RenderTable(
        FollowThroughTable(brief.follow_through, brief.follow_through_total));
    out += Definitions(f.today);
  }
  while (out.size() > 1 && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace palabre

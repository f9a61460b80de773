// The interactive session form (see session_prompt.h).
#include "cli/session_prompt.h"

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/output.h"
#include "cli/session_text.h"
#include "platform/clock.h"

namespace palabre::cli {
namespace {

using nlohmann::json;

// Reads answers from stdin; every question goes to stderr.
class Form {
 public:
  // One line; kInvalidArgument at end of input.
  StatusOr<std::string> Ask(const std::string& question,
                            const std::string& fallback = "") {
    std::cerr << question;
    if (!fallback.empty()) std::cerr << " [" << fallback << "]";
    std::cerr << ": " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
      std::cerr << '\n';
      return InvalidArgumentError(
          "input ended before the session was complete; nothing saved");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    const auto last = line.find_last_not_of(" \t");
    line =
        first == std::string::npos ? "" : line.substr(first, last - first + 1);
    return line.empty() ? fallback : line;
  }

  // A choice from `words`, by number or by the word itself. With
  // `optional`, 0 (or blank with no default) means none and returns "".
  StatusOr<std::string> Choose(const std::string& question,
                               std::span<const std::string_view> words,
                               int default_index, bool optional) {
    std::cerr << question << ":\n";
    if (optional) std::cerr << "   0. (not said)\n";
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::cerr << "  " << (i + 1 < 10 ? " " : "") << i + 1 << ". " << words[i]
                << '\n';
    }
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(
          std::string answer,
          Ask("Choose a number",
              default_index > 0 ? std::to_string(default_index) : ""));
      if (answer.empty() || answer == "0") {
        if (optional) return std::string();
        std::cerr << "  Please choose one of the numbers above.\n";
        continue;
      }
      if (InVocabulary(words, answer)) return answer;
      int n = 0;
      try {
        std::size_t used = 0;
        n = std::stoi(answer, &used);
        if (used != answer.size()) n = 0;
      } catch (...) {
        n = 0;
      }
      if (n >= 1 && n <= static_cast<int>(words.size())) {
        return std::string(words[n - 1]);
      }
      std::cerr << "  '" << OneLine(answer)
                << "' is not one of the choices; type its number.\n";
    }
  }

  // A count >= 0; blank means "not counted" (returns -1).
  StatusOr<int64_t> Count(const std::string& question) {
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(std::string answer, Ask(question));
      if (answer.empty()) return -1;
      bool digits = answer.size() <= 7;
      for (char c : answer) digits = digits && c >= '0' && c <= '9';
      if (digits) return std::stoll(answer);
      std::cerr << "  Type a whole number (0 or more), or leave blank.\n";
    }
  }

  StatusOr<bool> YesNo(const std::string& question, bool fallback) {
    while (true) {
      StatusOr<std::string> asked =
          Ask(question + (fallback ? " (Y/n)" : " (y/N)"));
      if (!asked.ok()) return asked.status();
      const std::string& answer = *asked;
      if (answer.empty()) return fallback;
      if (answer == "y" || answer == "Y" || answer == "yes") return true;
      if (answer == "n" || answer == "N" || answer == "no") return false;
      std::cerr << "  Answer y or n.\n";
    }
  }

  // Items until a blank answer.
  StatusOr<std::vector<std::string>> Items(const std::string& question) {
    std::vector<std::string> items;
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(
          std::string answer,
          Ask(question + " " + std::to_string(items.size() + 1) +
              " (blank to finish)"));
      if (answer.empty()) return items;
      items.push_back(answer);
    }
  }

  StatusOr<std::string> Date(const std::string& question, bool date_time,
                             const std::string& fallback) {
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(std::string answer, Ask(question, fallback));
      if (answer.empty()) return answer;
      if (date_time ? ParseDateTime(answer).ok() : IsValidDate(answer)) {
        return answer;
      }
      std::cerr << (date_time
                        ? "  Use the form 2026-03-14T09:30:00+00:00 (date, "
                          "time, UTC offset).\n"
                        : "  Use the form 2026-03-14.\n");
    }
  }
};

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto first = part.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    out.push_back(part.substr(first, part.find_last_not_of(" \t") - first + 1));
  }
  return out;
}

StatusOr<json> AskSession(Form& form, const LastPlace& last) {
  json s = {{"format", kSessionFormat}};
  std::cerr << "New session. Press Enter to take the value in brackets.\n\n";
  PALABRE_ASSIGN_OR_RETURN(
      std::string kind,
      form.Choose("Kind of session", SessionKinds(), 1, false));
  s["kind"] = kind;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(std::string title, form.Ask("Title"));
    if (!title.empty()) {
      s["title"] = title;
      break;
    }
    std::cerr << "  A title is required.\n";
  }
  PALABRE_ASSIGN_OR_RETURN(std::string started,
                           form.Date("Started at", true, NowLocalRfc3339()));
  s["started_at"] = started;
  PALABRE_ASSIGN_OR_RETURN(std::string ended,
                           form.Date("Ended at (blank if unknown)", true, ""));
  if (!ended.empty()) s["ended_at"] = ended;

  json place = json::object();
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(
        std::string country,
        form.Ask("Country (two-letter code, e.g. ML, NE, IQ, GE)",
                 last.country));
    for (char& c : country) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (country.size() == 2 &&
        std::isupper(static_cast<unsigned char>(country[0])) &&
        std::isupper(static_cast<unsigned char>(country[1]))) {
      place["country"] = country;
      break;
    }
    std::cerr << "  Type the two-letter ISO code of the country.\n";
  }
  PALABRE_ASSIGN_OR_RETURN(std::string region, form.Ask("Region", last.region));
  if (!region.empty()) place["region"] = region;
  PALABRE_ASSIGN_OR_RETURN(std::string commune,
                           form.Ask("Commune", last.commune));
  if (!commune.empty()) place["commune"] = commune;
  s["place"] = place;

  PALABRE_ASSIGN_OR_RETURN(
      std::string languages,
      form.Ask("Languages spoken (codes separated by commas, e.g. fr, son)"));
  if (!languages.empty()) s["languages"] = SplitCommas(languages);
  PALABRE_ASSIGN_OR_RETURN(
      std::string facilitators,
      form.Ask("Facilitators (pseudonyms, never legal names; commas)"));
  if (!facilitators.empty()) s["facilitators"] = SplitCommas(facilitators);
  PALABRE_ASSIGN_OR_RETURN(
      std::string attribution,
      form.Choose("Attribution rule", AttributionRules(), 1, false));
  s["attribution"] = attribution;

  json participants = json::object();
  auto counts = [&](const char* heading, const char* key,
                    std::span<const std::string_view> words) -> Status {
    std::cerr << heading << " (blank if not counted):\n";
    json by = json::object();
    for (std::string_view w : words) {
      PALABRE_ASSIGN_OR_RETURN(int64_t n, form.Count("  " + std::string(w)));
      if (n >= 0) by[std::string(w)] = n;
    }
    if (!by.empty()) participants[key] = by;
    return Status::Ok();
  };
  PALABRE_RETURN_IF_ERROR(counts("Participants by sex", "by_sex", SexKeys()));
  PALABRE_RETURN_IF_ERROR(counts("Participants by age", "by_age", AgeKeys()));
  PALABRE_RETURN_IF_ERROR(counts("Participants by stakeholder group",
                                 "by_group", StakeholderGroups()));
  if (!participants.empty()) s["participants"] = participants;

  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> agenda,
                           form.Items("Agenda item"));
  if (!agenda.empty()) s["agenda"] = agenda;

  json concerns = json::array();
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(
        bool more, form.YesNo(concerns.empty() ? "Add a concern raised?"
                                               : "Add another concern?",
                              false));
    if (!more) break;
    json c;
    PALABRE_ASSIGN_OR_RETURN(
        std::string category,
        form.Choose("Category", ConcernCategories(), 0, false));
    c["category"] = category;
    PALABRE_ASSIGN_OR_RETURN(
        std::string raised_by,
        form.Choose("Raised by", StakeholderGroups(), 0, true));
    if (!raised_by.empty()) c["raised_by"] = raised_by;
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(std::string summary,
                               form.Ask("Summary (no names)"));
      if (!summary.empty()) {
        c["summary"] = summary;
        break;
      }
      std::cerr << "  A summary is required.\n";
    }
    concerns.push_back(c);
  }
  if (!concerns.empty()) s["concerns"] = concerns;

  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> agreements,
                           form.Items("Agreement"));
  if (!agreements.empty()) s["agreements"] = agreements;

  json commitments = json::array();
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(
        bool more, form.YesNo(commitments.empty() ? "Add a commitment?"
                                                  : "Add another commitment?",
                              false));
    if (!more) break;
    json c;
    for (const char* key : {"action", "owner"}) {
      while (true) {
        PALABRE_ASSIGN_OR_RETURN(
            std::string value,
            form.Ask(std::string(key) == "action"
                         ? "What was committed"
                         : "Owner (an institution, not a person)"));
        if (!value.empty()) {
          c[key] = value;
          break;
        }
        std::cerr << "  Required.\n";
      }
    }
    PALABRE_ASSIGN_OR_RETURN(std::string due,
                             form.Date("Due date (blank if none)", false, ""));
    if (!due.empty()) c["due"] = due;
    commitments.push_back(c);
  }
  if (!commitments.empty()) s["commitments"] = commitments;

  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> notes,
                           form.Items("Notes, line"));
  if (!notes.empty()) {
    std::string text;
    for (const std::string& line : notes) {
      if (!text.empty()) text += '\n';
      text += line;
    }
    s["notes"] = text;
  }
  PALABRE_ASSIGN_OR_RETURN(
      std::string next,
      form.Date("Next meeting (date, blank if none)", false, ""));
  if (!next.empty()) s["next_meeting"] = next;
  return s;
}

}  // namespace

StatusOr<std::optional<SessionInput>> PromptSession(RecordStore& store) {
  PALABRE_ASSIGN_OR_RETURN(LastPlace last, store.LastPlaceUsed());
  Form form;
  PALABRE_ASSIGN_OR_RETURN(json record, AskSession(form, last));
  PALABRE_ASSIGN_OR_RETURN(SessionInput session, ParseSession(record));
  json shown = record;
  shown["id"] = "(new)";
  shown["attribution"] = session.body.value("attribution", "");
  if (shown.contains("commitments")) {
    for (json& c : shown["commitments"]) c["status"] = "open";
  }
  std::cerr << "\nSummary\n-------\n" << SessionText(shown) << '\n';
  PALABRE_ASSIGN_OR_RETURN(bool save, form.YesNo("Save this session?", true));
  if (!save) return std::optional<SessionInput>();
  return std::optional<SessionInput>(std::move(session));
}

}  // namespace palabre::cli

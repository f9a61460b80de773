// Validation and normalization of session, commitment and follow-up records
// (see record.h): the rules of docs/record-format.md, checked field by field
// in the order the format document lists them, the first broken rule
// refusing the whole record with "<json path>: <reason>".
//
// The normalized body is rebuilt from the validated values (never copied
// from the input), so that it holds known fields only, nulls dropped,
// defaults filled in and the country upper-case. nlohmann::json throws;
// every accessor used here is guarded by a type check, and any exception
// that still escapes is caught at the public functions.
#include "core/record.h"

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace palabre {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxItems = 200;  // agenda, agreements, concerns, ...
constexpr std::size_t kMaxLanguages = 20;
constexpr std::size_t kMaxLanguageTagLength = 64;
constexpr int64_t kMaxCount = 1000000;
constexpr std::size_t kIdLength = 32;
constexpr std::size_t kMaxKeyDisplay = 64;

// Limits of one text field. Lengths are in code points except max_bytes.
// Single-line texts refuse every C0 control character; multi-line ones
// allow newline and tab only.
struct TextRule {
  std::size_t max_chars = 0;  // 0: no limit
  std::size_t max_bytes = 0;  // 0: no limit
  bool allow_empty = false;
  bool multiline = false;
};
constexpr TextRule kTitleRule{300, 0, false, false};
constexpr TextRule kPlaceRule{200, 0, false, false};
constexpr TextRule kPseudonymRule{100, 0, false, false};
constexpr TextRule kItemRule{2000, 0, false, true};  // agenda, agreements
constexpr TextRule kSummaryRule{4000, 0, false, true};
constexpr TextRule kActionRule{2000, 0, false, true};
constexpr TextRule kOwnerRule{300, 0, false, false};
constexpr TextRule kNotesRule{0, 64 * 1024, true, true};
constexpr TextRule kFollowUpNoteRule{4000, 0, true, true};

constexpr std::string_view kSessionFields[] = {
    "format",       "kind",      "title",        "started_at",  "ended_at",
    "place",        "languages", "facilitators", "attribution", "participants",
    "agenda",       "concerns",  "agreements",   "commitments", "notes",
    "next_meeting", "id",        "created_at",   "updated_at"};
constexpr std::string_view kPlaceFields[] = {"country", "region", "commune",
                                             "site"};
constexpr std::string_view kParticipantsFields[] = {"by_group", "by_sex",
                                                    "by_age"};
constexpr std::string_view kConcernFields[] = {"category", "raised_by",
                                               "summary"};
constexpr std::string_view kCommitmentFields[] = {"id", "action", "owner",
                                                  "due", "status"};
constexpr std::string_view kFollowUpBodyFields[] = {"commitment", "status",
                                                    "note", "date"};
constexpr std::string_view kCommitmentBodyFields[] = {"session", "position",
                                                      "action", "owner", "due"};

// A key as it may appear in a message: valid UTF-8, no control characters,
// not too long.
std::string DisplayKey(std::string_view key) {
  if (!IsValidUtf8(key)) return "<key with invalid UTF-8>";
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto byte = static_cast<uint8_t>(key[i]);
    if ((byte & 0xC0) != 0x80 && ++chars > kMaxKeyDisplay) {
      out += "...";
      break;
    }
    out.push_back(byte < 0x20 ? '?' : key[i]);
  }
  return out;
}

std::string Child(const std::string& parent, std::string_view key) {
  std::string path = parent;
  if (!path.empty()) path.push_back('.');
  path += DisplayKey(key);
  return path;
}

std::string Element(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

Status Invalid(const std::string& path, std::string_view reason) {
  return InvalidArgumentError((path.empty() ? std::string("record") : path) +
                              ": " + std::string(reason));
}

std::string OneOf(std::span<const std::string_view> vocabulary) {
  std::string out = "expected one of: ";
  for (std::size_t i = 0; i < vocabulary.size(); ++i) {
    if (i > 0) out += ", ";
    out += vocabulary[i];
  }
  return out;
}

std::string UnknownWord(std::string_view noun,
                        std::span<const std::string_view> vocabulary) {
  return "unknown " + std::string(noun) + " (" + OneOf(vocabulary) + ")";
}

bool IsRecordId(std::string_view text) {
  if (text.size() != kIdLength) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// BCP 47 syntax, loosely: subtags of 1-8 letters or digits separated by
// '-', the first (the language) 2-3 or 5-8 letters. Not checked against
// the IANA registry.
bool IsLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxLanguageTagLength) return false;
  std::size_t start = 0;
  bool first = true;
  while (true) {
    std::size_t end = tag.find('-', start);
    if (end == std::string_view::npos) end = tag.size();
    const std::string_view subtag = tag.substr(start, end - start);
    if (subtag.empty() || subtag.size() > 8) return false;
    for (char c : subtag) {
      if (!IsAsciiLetter(c) && !(IsAsciiDigit(c) && !first)) return false;
    }
    if (first && (subtag.size() == 1 || subtag.size() == 4)) return false;
    first = false;
    if (end == tag.size()) return true;
    start = end + 1;
  }
}

Status CheckText(std::string_view text, const std::string& path,
                 const TextRule& rule) {
  if (!IsValidUtf8(text)) return Invalid(path, "invalid UTF-8");
  if (text.empty() && !rule.allow_empty) {
    return Invalid(path, "must not be empty");
  }
  for (char c : text) {
    if (static_cast<uint8_t>(c) >= 0x20) continue;
    if (rule.multiline && (c == '\n' || c == '\t')) continue;
    return Invalid(path,
                   rule.multiline
                       ? "must not contain control characters (newlines and "
                         "tabs are allowed)"
                       : "must not contain control characters (a single "
                         "line, no tabs)");
  }
  if (rule.max_bytes > 0 && text.size() > rule.max_bytes) {
    return Invalid(path, "too long (" + std::to_string(text.size()) +
                             " bytes, at most " +
                             std::to_string(rule.max_bytes) + ")");
  }
  if (rule.max_chars > 0) {
    const std::size_t chars = Utf8Length(text);
    if (chars > rule.max_chars) {
      return Invalid(path, "too long (" + std::to_string(chars) +
                               " characters, at most " +
                               std::to_string(rule.max_chars) + ")");
    }
  }
  return Status::Ok();
}

Status CheckFields(const json& object, std::span<const std::string_view> known,
                   const std::string& path) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!InVocabulary(known, it.key())) {
      return Invalid(Child(path, it.key()), "unknown field");
    }
  }
  return Status::Ok();
}

// Fields of one JSON object, read with the path of each in messages. A
// field that is absent or null is "absent".
class Fields {
 public:
  Fields(const json& object, std::string path)
      : object_(object), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return Child(path_, key); }

  // The field's value, or nullptr when absent.
  const json* Get(std::string_view key) const {
    const auto it = object_.find(std::string(key));
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  Status Missing(std::string_view key) const {
    return Invalid(PathOf(key), "missing (required)");
  }

  // A string; absent: nullopt, or an error if `required`.
  Status String(std::string_view key, bool required,
                std::optional<std::string>* out) const {
    out->reset();
    const json* value = Get(key);
    if (value == nullptr) return required ? Missing(key) : Status::Ok();
    if (!value->is_string()) return Invalid(PathOf(key), "must be a string");
    *out = value->get<std::string>();
    return Status::Ok();
  }

  Status Text(std::string_view key, const TextRule& rule, bool required,
              std::optional<std::string>* out) const {
    PALABRE_RETURN_IF_ERROR(String(key, required, out));
    if (*out) PALABRE_RETURN_IF_ERROR(CheckText(**out, PathOf(key), rule));
    return Status::Ok();
  }

  Status Word(std::string_view key, std::span<const std::string_view> vocab,
              std::string_view noun, bool required,
              std::optional<std::string>* out) const {
    PALABRE_RETURN_IF_ERROR(String(key, required, out));
    if (*out && !InVocabulary(vocab, **out)) {
      return Invalid(PathOf(key), UnknownWord(noun, vocab));
    }
    return Status::Ok();
  }

  Status Date(std::string_view key, bool required,
              std::optional<std::string>* out) const {
    PALABRE_RETURN_IF_ERROR(String(key, required, out));
    if (*out && !IsValidDate(**out)) {
      return Invalid(PathOf(key), "not a date (YYYY-MM-DD)");
    }
    return Status::Ok();
  }

  Status Id(std::string_view key, bool required,
            std::optional<std::string>* out) const {
    PALABRE_RETURN_IF_ERROR(String(key, required, out));
    if (*out && !IsRecordId(**out)) {
      return Invalid(PathOf(key), "not a record id (32 lower-case hex digits)");
    }
    return Status::Ok();
  }

  // An array (absent: nullptr) of at most `max_items` elements.
  Status Array(std::string_view key, std::size_t max_items,
               const json** out) const {
    *out = Get(key);
    if (*out == nullptr) return Status::Ok();
    if (!(*out)->is_array()) return Invalid(PathOf(key), "must be an array");
    if ((*out)->size() > max_items) {
      return Invalid(PathOf(key),
                     "too many items (" + std::to_string((*out)->size()) +
                         ", at most " + std::to_string(max_items) + ")");
    }
    return Status::Ok();
  }

  // An object (absent: nullptr) with only `known` fields.
  Status Object(std::string_view key, std::span<const std::string_view> known,
                const json** out) const {
    *out = Get(key);
    if (*out == nullptr) return Status::Ok();
    if (!(*out)->is_object()) {
      return Invalid(PathOf(key), "must be an object");
    }
    return CheckFields(**out, known, PathOf(key));
  }

 private:
  const json& object_;
  std::string path_;
};

// A list of texts: stored in `body[key]` and appended to `texts`.
Status TextList(const Fields& fields, std::string_view key,
                const TextRule& rule, std::size_t max_items, json& body,
                std::vector<std::string>* texts) {
  const json* items = nullptr;
  PALABRE_RETURN_IF_ERROR(fields.Array(key, max_items, &items));
  if (items == nullptr) return Status::Ok();
  json out = json::array();
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    const std::string path = Element(fields.PathOf(key), i);
    if (!item.is_string()) return Invalid(path, "must be a string");
    const std::string& text = item.get_ref<const std::string&>();
    PALABRE_RETURN_IF_ERROR(CheckText(text, path, rule));
    out.push_back(text);
    if (texts != nullptr) texts->push_back(text);
  }
  body[std::string(key)] = std::move(out);
  return Status::Ok();
}

StatusOr<int64_t> Count(const json& value, const std::string& path) {
  if (!value.is_number_integer()) {
    return Invalid(path, "must be an integer (a count)");
  }
  if (value.is_number_unsigned()) {
    const auto count = value.get<uint64_t>();
    if (count > static_cast<uint64_t>(kMaxCount)) {
      return Invalid(path, "too large (at most 1000000)");
    }
    return static_cast<int64_t>(count);
  }
  const auto count = value.get<int64_t>();
  if (count < 0) return Invalid(path, "must not be negative");
  if (count > kMaxCount) return Invalid(path, "too large (at most 1000000)");
  return count;
}

// The fraction of a second of a valid date-time text, in nanoseconds.
int64_t FractionNanos(std::string_view text) {
  int64_t nanos = 0;
  int digits = 0;
  if (text.size() > 19 && text[19] == '.') {
    for (std::size_t i = 20; i < text.size() && IsAsciiDigit(text[i]); ++i) {
      nanos = nanos * 10 + (text[i] - '0');
      ++digits;
    }
  }
  for (; digits < 9; ++digits) nanos *= 10;
  return nanos;
}

struct Dimension {
  std::string_view field;
  std::string_view name;
  std::span<const std::string_view> (*vocabulary)();
  std::string_view noun;
};

constexpr Dimension kDimensions[] = {
    {"by_group", "group", &StakeholderGroups, "stakeholder group"},
    {"by_sex", "sex", &SexKeys, "sex category"},
    {"by_age", "age", &AgeKeys, "age group"},
};

Status Participants(const Fields& fields, SessionInput& out) {
  const json* participants = nullptr;
  PALABRE_RETURN_IF_ERROR(
      fields.Object("participants", kParticipantsFields, &participants));
  if (participants == nullptr) return Status::Ok();
  const Fields by(*participants, fields.PathOf("participants"));
  json body = json::object();
  // Sums per dimension, for those given with at least one count.
  std::map<std::string_view, int64_t> totals;
  for (const Dimension& dimension : kDimensions) {
    const json* counts = by.Get(dimension.field);
    if (counts == nullptr) continue;
    const std::string path = by.PathOf(dimension.field);
    if (!counts->is_object()) return Invalid(path, "must be an object");
    const auto vocabulary = dimension.vocabulary();
    json dimension_body = json::object();
    for (auto it = counts->begin(); it != counts->end(); ++it) {
      const std::string key_path = Child(path, it.key());
      if (!InVocabulary(vocabulary, it.key())) {
        return Invalid(key_path, UnknownWord(dimension.noun, vocabulary));
      }
      if (it->is_null()) continue;
      PALABRE_ASSIGN_OR_RETURN(const int64_t count, Count(*it, key_path));
      dimension_body[it.key()] = count;
    }
    // In vocabulary order, for the projections.
    for (std::string_view key : vocabulary) {
      const auto found = dimension_body.find(std::string(key));
      if (found == dimension_body.end()) continue;
      const auto count = found->get<int64_t>();
      out.participation.push_back(
          {std::string(dimension.name), std::string(key), count});
      totals[dimension.name] += count;
    }
    body[std::string(dimension.field)] = std::move(dimension_body);
  }
  for (std::string_view name : {"sex", "age", "group"}) {
    const auto found = totals.find(name);
    if (found != totals.end()) {
      out.participants = found->second;
      break;
    }
  }
  out.body["participants"] = std::move(body);
  return Status::Ok();
}

Status Place(const Fields& fields, SessionInput& out,
             std::vector<std::string>& texts) {
  const json* place = nullptr;
  PALABRE_RETURN_IF_ERROR(fields.Object("place", kPlaceFields, &place));
  if (place == nullptr) {
    return Invalid(fields.PathOf("place.country"), "missing (required)");
  }
  const Fields in(*place, fields.PathOf("place"));
  json body = json::object();
  std::optional<std::string> country;
  PALABRE_RETURN_IF_ERROR(in.String("country", true, &country));
  const std::optional<std::string> code = CountryCode(*country);
  if (!code.has_value()) {
    return Invalid(in.PathOf("country"),
                   "not an ISO 3166-1 alpha-2 country code (two letters, "
                   "e.g. ML)");
  }
  out.country = *code;
  body["country"] = *code;
  for (std::string_view key : {"region", "commune", "site"}) {
    std::optional<std::string> name;
    PALABRE_RETURN_IF_ERROR(in.Text(key, kPlaceRule, false, &name));
    if (!name) continue;
    if (key == "region") out.region = *name;
    if (key == "commune") out.commune = *name;
    texts.push_back(*name);
    body[std::string(key)] = std::move(*name);
  }
  out.body["place"] = std::move(body);
  return Status::Ok();
}

Status Concerns(const Fields& fields, SessionInput& out,
                std::vector<std::string>& summaries) {
  const json* concerns = nullptr;
  PALABRE_RETURN_IF_ERROR(fields.Array("concerns", kMaxItems, &concerns));
  if (concerns == nullptr) return Status::Ok();
  json body = json::array();
  for (std::size_t i = 0; i < concerns->size(); ++i) {
    const json& item = (*concerns)[i];
    const std::string path = Element(fields.PathOf("concerns"), i);
    if (!item.is_object()) return Invalid(path, "must be an object");
    PALABRE_RETURN_IF_ERROR(CheckFields(item, kConcernFields, path));
    const Fields concern(item, path);
    std::optional<std::string> category, raised_by, summary;
    PALABRE_RETURN_IF_ERROR(concern.Word("category", ConcernCategories(),
                                         "concern category", true, &category));
    PALABRE_RETURN_IF_ERROR(concern.Word("raised_by", StakeholderGroups(),
                                         "stakeholder group", false,
                                         &raised_by));
    PALABRE_RETURN_IF_ERROR(
        concern.Text("summary", kSummaryRule, true, &summary));
    json concern_body = {{"category", *category}, {"summary", *summary}};
    if (raised_by) concern_body["raised_by"] = *raised_by;
    body.push_back(std::move(concern_body));
    summaries.push_back(*summary);
    out.concerns.push_back(
        {*category, raised_by.value_or(std::string()), *summary});
  }
  out.body["concerns"] = std::move(body);
  return Status::Ok();
}

Status Commitments(const Fields& fields, SessionInput& out) {
  const json* commitments = nullptr;
  PALABRE_RETURN_IF_ERROR(fields.Array("commitments", kMaxItems, &commitments));
  if (commitments == nullptr) return Status::Ok();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < commitments->size(); ++i) {
    const json& item = (*commitments)[i];
    const std::string path = Element(fields.PathOf("commitments"), i);
    if (!item.is_object()) return Invalid(path, "must be an object");
    PALABRE_RETURN_IF_ERROR(CheckFields(item, kCommitmentFields, path));
    const Fields commitment(item, path);
    std::optional<std::string> id, action, owner, due, status;
    PALABRE_RETURN_IF_ERROR(commitment.Id("id", false, &id));
    if (id && !ids.insert(*id).second) {
      return Invalid(commitment.PathOf("id"),
                     "the same id as an earlier commitment");
    }
    PALABRE_RETURN_IF_ERROR(
        commitment.Text("action", kActionRule, true, &action));
    PALABRE_RETURN_IF_ERROR(commitment.Text("owner", kOwnerRule, true, &owner));
    PALABRE_RETURN_IF_ERROR(commitment.Date("due", false, &due));
    // Output only (`session show --json`): checked, then ignored.
    PALABRE_RETURN_IF_ERROR(commitment.Word(
        "status", CommitmentStatuses(), "commitment status", false, &status));
    out.commitments.push_back({id.value_or(std::string()), *action, *owner,
                               due.value_or(std::string())});
  }
  return Status::Ok();
}

StatusOr<SessionInput> ParseSessionObject(const json& value,
                                          const std::string& root) {
  if (!value.is_object()) return Invalid(root, "must be a JSON object");
  const Fields fields(value, root);
  SessionInput out;
  out.body = json::object();

  // The format first: another version's fields would be "unknown".
  std::optional<std::string> format;
  PALABRE_RETURN_IF_ERROR(fields.String("format", true, &format));
  if (*format != kSessionFormat) {
    return Invalid(fields.PathOf("format"),
                   "unsupported format (expected \"palabre.session/1\")");
  }
  out.body["format"] = kSessionFormat;
  PALABRE_RETURN_IF_ERROR(CheckFields(value, kSessionFields, root));

  std::optional<std::string> text;
  PALABRE_RETURN_IF_ERROR(
      fields.Word("kind", SessionKinds(), "session kind", true, &text));
  out.kind = *text;
  out.body["kind"] = *text;

  PALABRE_RETURN_IF_ERROR(fields.Text("title", kTitleRule, true, &text));
  out.title = *text;
  out.body["title"] = *text;

  PALABRE_RETURN_IF_ERROR(fields.String("started_at", true, &text));
  {
    auto start = ParseDateTime(*text);
    if (!start.ok()) {
      return Invalid(fields.PathOf("started_at"), start.status().message());
    }
    out.start = std::move(start).value();
    out.started_at = *text;
    out.body["started_at"] = *text;
  }

  PALABRE_RETURN_IF_ERROR(fields.String("ended_at", false, &text));
  if (text) {
    auto end = ParseDateTime(*text);
    if (!end.ok()) {
      return Invalid(fields.PathOf("ended_at"), end.status().message());
    }
    const auto end_instant =
        std::make_pair(end->utc_seconds, FractionNanos(*text));
    const auto start_instant =
        std::make_pair(out.start.utc_seconds, FractionNanos(out.started_at));
    if (end_instant < start_instant) {
      return Invalid(fields.PathOf("ended_at"), "before started_at");
    }
    out.body["ended_at"] = *text;
  }

  // Texts for the search index, in the documented order.
  std::vector<std::string> place_texts, agenda, summaries, agreements,
      facilitators;
  PALABRE_RETURN_IF_ERROR(Place(fields, out, place_texts));

  const json* languages = nullptr;
  PALABRE_RETURN_IF_ERROR(fields.Array("languages", kMaxLanguages, &languages));
  if (languages != nullptr) {
    json body = json::array();
    for (std::size_t i = 0; i < languages->size(); ++i) {
      const json& item = (*languages)[i];
      const std::string path = Element(fields.PathOf("languages"), i);
      if (!item.is_string()) return Invalid(path, "must be a string");
      if (!IsLanguageTag(item.get_ref<const std::string&>())) {
        return Invalid(path, "not a BCP 47 language tag (e.g. fr, ar, en-GB)");
      }
      body.push_back(item);
    }
    out.body["languages"] = std::move(body);
  }

  PALABRE_RETURN_IF_ERROR(TextList(fields, "facilitators", kPseudonymRule,
                                   kMaxItems, out.body, &facilitators));

  PALABRE_RETURN_IF_ERROR(fields.Word("attribution", AttributionRules(),
                                      "attribution rule", false, &text));
  out.body["attribution"] =
      text ? *text : std::string(AttributionRules().front());

  PALABRE_RETURN_IF_ERROR(Participants(fields, out));
  PALABRE_RETURN_IF_ERROR(
      TextList(fields, "agenda", kItemRule, kMaxItems, out.body, &agenda));
  PALABRE_RETURN_IF_ERROR(Concerns(fields, out, summaries));
  PALABRE_RETURN_IF_ERROR(TextList(fields, "agreements", kItemRule, kMaxItems,
                                   out.body, &agreements));
  PALABRE_RETURN_IF_ERROR(Commitments(fields, out));

  std::optional<std::string> notes;
  PALABRE_RETURN_IF_ERROR(fields.Text("notes", kNotesRule, false, &notes));
  if (notes) out.body["notes"] = *notes;

  PALABRE_RETURN_IF_ERROR(fields.Date("next_meeting", false, &text));
  if (text) out.body["next_meeting"] = *text;

  // Output-only fields: `id` kept apart, the timestamps ignored.
  std::optional<std::string> id;
  PALABRE_RETURN_IF_ERROR(fields.Id("id", false, &id));
  out.id = id.value_or(std::string());
  PALABRE_RETURN_IF_ERROR(fields.String("created_at", false, &text));
  PALABRE_RETURN_IF_ERROR(fields.String("updated_at", false, &text));

  std::vector<std::string> texts = {out.title};
  texts.insert(texts.end(), place_texts.begin(), place_texts.end());
  texts.insert(texts.end(), agenda.begin(), agenda.end());
  texts.insert(texts.end(), summaries.begin(), summaries.end());
  texts.insert(texts.end(), agreements.begin(), agreements.end());
  for (const CommitmentInput& commitment : out.commitments) {
    texts.push_back(commitment.action);
    texts.push_back(commitment.owner);
  }
  if (notes && !notes->empty()) texts.push_back(*notes);
  texts.insert(texts.end(), facilitators.begin(), facilitators.end());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) out.search_text.push_back('\n');
    out.search_text += texts[i];
  }
  return out;
}

bool IsBlank(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

}  // namespace

StatusOr<SessionInput> ParseSession(const nlohmann::json& value,
                                    std::string_view path) {
  const std::string root(path);
  try {
    return ParseSessionObject(value, root);
  } catch (const json::exception&) {
    return Invalid(root, "not a valid session record");
  }
}

StatusOr<std::vector<SessionInput>> ParseSessionsText(std::string_view text) {
  if (text.size() <= kMaxRecordFileBytes && IsBlank(text)) {
    return InvalidArgumentError(
        "empty input: expected a session (JSON object) or an array of "
        "sessions");
  }
  PALABRE_ASSIGN_OR_RETURN(const json value, ParseJsonText(text, ""));
  std::vector<SessionInput> sessions;
  if (value.is_object()) {
    PALABRE_ASSIGN_OR_RETURN(SessionInput session, ParseSession(value, ""));
    sessions.push_back(std::move(session));
    return sessions;
  }
  if (!value.is_array()) {
    return InvalidArgumentError(
        "expected a session (JSON object) or an array of sessions");
  }
  if (value.empty()) {
    return InvalidArgumentError("empty array: expected at least one session");
  }
  sessions.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    PALABRE_ASSIGN_OR_RETURN(SessionInput session,
                             ParseSession(value[i], Element("", i)));
    sessions.push_back(std::move(session));
  }
  return sessions;
}

Status ValidateFollowUp(const FollowUpInput& follow_up) {
  if (!InVocabulary(CommitmentStatuses(), follow_up.status)) {
    return Invalid("status",
                   UnknownWord("commitment status", CommitmentStatuses()));
  }
  PALABRE_RETURN_IF_ERROR(CheckText(follow_up.note, "note", kFollowUpNoteRule));
  if (!IsValidDate(follow_up.date)) {
    return Invalid("date", "not a date (YYYY-MM-DD)");
  }
  return Status::Ok();
}

nlohmann::json FollowUpBody(std::string_view commitment_id,
                            const FollowUpInput& follow_up) {
  json body = {{"commitment", std::string(commitment_id)},
               {"status", follow_up.status},
               {"date", follow_up.date}};
  if (!follow_up.note.empty()) body["note"] = follow_up.note;
  return body;
}

StatusOr<FollowUpBodyFields> ParseFollowUpBody(const nlohmann::json& body) {
  try {
    if (!body.is_object()) return Invalid("", "must be a JSON object");
    PALABRE_RETURN_IF_ERROR(CheckFields(body, kFollowUpBodyFields, ""));
    const Fields fields(body, "");
    std::optional<std::string> commitment, status, note, date;
    PALABRE_RETURN_IF_ERROR(fields.Id("commitment", true, &commitment));
    PALABRE_RETURN_IF_ERROR(fields.String("status", true, &status));
    PALABRE_RETURN_IF_ERROR(fields.String("note", false, &note));
    PALABRE_RETURN_IF_ERROR(fields.String("date", true, &date));
    FollowUpBodyFields out;
    out.commitment_id = *commitment;
    out.follow_up.status = *status;
    out.follow_up.note = note.value_or(std::string());
    out.follow_up.date = *date;
    PALABRE_RETURN_IF_ERROR(ValidateFollowUp(out.follow_up));
    return out;
  } catch (const json::exception&) {
    return Invalid("", "not a valid follow-up body");
  }
}

nlohmann::json CommitmentBody(std::string_view session_id, int position,
                              const CommitmentInput& commitment) {
  json body = {{"session", std::string(session_id)},
               {"position", position},
               {"action", commitment.action},
               {"owner", commitment.owner}};
  if (!commitment.due.empty()) body["due"] = commitment.due;
  return body;
}

StatusOr<CommitmentBodyFields> ParseCommitmentBody(const nlohmann::json& body) {
  try {
    if (!body.is_object()) return Invalid("", "must be a JSON object");
    PALABRE_RETURN_IF_ERROR(CheckFields(body, kCommitmentBodyFields, ""));
    const Fields fields(body, "");
    std::optional<std::string> session, action, owner, due;
    PALABRE_RETURN_IF_ERROR(fields.Id("session", true, &session));
    const json* position = fields.Get("position");
    if (position == nullptr) return fields.Missing("position");
    if (!position->is_number_integer()) {
      return Invalid("position", "must be an integer");
    }
    if (position->is_number_integer() && !position->is_number_unsigned() &&
        position->get<int64_t>() < 0) {
      return Invalid("position", "must not be negative");
    }
    if (position->get<uint64_t>() >
        static_cast<uint64_t>(std::numeric_limits<int>::max())) {
      return Invalid("position", "too large");
    }
    PALABRE_RETURN_IF_ERROR(fields.Text("action", kActionRule, true, &action));
    PALABRE_RETURN_IF_ERROR(fields.Text("owner", kOwnerRule, true, &owner));
    PALABRE_RETURN_IF_ERROR(fields.Date("due", false, &due));
    CommitmentBodyFields out;
    out.session_id = *session;
    out.position = static_cast<int>(position->get<uint64_t>());
    out.commitment.action = *action;
    out.commitment.owner = *owner;
    out.commitment.due = due.value_or(std::string());
    return out;
  } catch (const json::exception&) {
    return Invalid("", "not a valid commitment body");
  }
}

}  // namespace palabre

// The record model (core/record.h): every validation rule of the session
// format, table-driven (a valid base session, one mutation per row, the
// message expected), the text guards of ParseSessionsText, normalization,
// the derived values, the follow-up and commitment bodies, and the date,
// time and UTF-8 helpers. The two example sessions of the format document
// are embedded here so that the tests depend on nothing outside tests/.
#include "core/record.h"

#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace palabre {
namespace {

using nlohmann::json;

constexpr char kGao[] = R"json({
  "format": "palabre.session/1",
  "kind": "security_advisory_committee",
  "title": "Comité consultatif de sécurité de Gao — réunion trimestrielle",
  "started_at": "2026-03-14T09:30:00+00:00",
  "ended_at": "2026-03-14T12:45:00+00:00",
  "place": { "country": "ML", "region": "Gao", "commune": "Gao", "site": null },
  "languages": ["fr", "son"],
  "facilitators": ["facilitateur-07"],
  "attribution": "chatham_house",
  "participants": {
    "by_group": { "security_forces": 4, "local_authority": 3, "traditional_leaders": 5,
                  "religious_leaders": 2, "youth": 6, "womens_groups": 5, "cso": 3 },
    "by_sex":   { "female": 11, "male": 17 },
    "by_age":   { "under_18": 0, "18_35": 12, "36_plus": 16 }
  },
  "agenda": ["Patrouilles de nuit", "Relations entre la police et les jeunes"],
  "concerns": [
    { "category": "police_conduct", "raised_by": "youth",
      "summary": "Contrôles au poste de sortie nord perçus comme arbitraires." },
    { "category": "armed_groups", "raised_by": "traditional_leaders",
      "summary": "Présence signalée d'hommes armés sur la route de Bourem." }
  ],
  "agreements": ["Une réunion mensuelle jeunes–police sera tenue au centre culturel."],
  "commitments": [
    { "action": "Publier les horaires et l'emplacement des postes de contrôle.",
      "owner": "Commissariat de police de Gao", "due": "2026-04-30" },
    { "action": "Désigner un point focal jeunesse au sein du commissariat.",
      "owner": "Commissariat de police de Gao", "due": "2026-04-15" }
  ],
  "notes": "Aucun propos n'est attribué à une personne nommée.",
  "next_meeting": "2026-06-13"
})json";

constexpr char kSinjar[] = R"json({
  "format": "palabre.session/1",
  "kind": "community_dialogue",
  "title": "حوار مجتمعي حول عودة النازحين — سنجار",
  "started_at": "2026-02-02T10:00:00+03:00",
  "ended_at": "2026-02-02T13:00:00+03:00",
  "place": { "country": "IQ", "region": "Nineveh", "commune": "Sinjar", "site": null },
  "languages": ["ar", "ku"],
  "facilitators": ["facilitator-iq-03"],
  "attribution": "chatham_house",
  "participants": {
    "by_group": { "local_authority": 2, "security_forces": 2, "idps": 9, "womens_groups": 4, "youth": 5, "cso": 2 },
    "by_sex":   { "female": 10, "male": 14 },
    "by_age":   { "18_35": 11, "36_plus": 13 }
  },
  "agenda": ["العودة الآمنة", "Reintegration of former fighters"],
  "concerns": [
    { "category": "displacement", "raised_by": "idps",
      "summary": "الخوف من العودة بسبب غياب الخدمات والأمن في القرى." },
    { "category": "gender_based_violence", "raised_by": "womens_groups",
      "summary": "No safe channel to report GBV to the local police." }
  ],
  "agreements": ["Monthly follow-up meeting with the district police liaison."],
  "commitments": [
    { "action": "Open a women's desk at the district police station.",
      "owner": "Sinjar district police", "due": "2026-05-01" }
  ],
  "notes": "Participants asked that no names be recorded.",
  "next_meeting": "2026-03-02"
})json";

constexpr char kId[] = "0123456789abcdef0123456789abcdef";
constexpr char kOtherId[] = "fedcba9876543210fedcba9876543210";

json Gao() { return json::parse(kGao); }

std::string Repeat(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out.append(piece);
  return out;
}

// The message of ParseSession's error, or "" if it accepted.
std::string Refusal(const json& value, std::string_view path = "") {
  auto parsed = ParseSession(value, path);
  if (parsed.ok()) return "";
  CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  return parsed.status().message();
}

std::string TextRefusal(std::string_view text) {
  auto parsed = ParseSessionsText(text);
  if (parsed.ok()) return "";
  CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  return parsed.status().message();
}

struct Row {
  const char* name;
  std::function<void(json&)> mutate;
  const char* expected;  // a substring of the message
};

// Sets `pointer` (a JSON pointer) to `value`.
std::function<void(json&)> Set(const char* pointer, json value) {
  return [pointer, value](json& j) { j[json::json_pointer(pointer)] = value; };
}
std::function<void(json&)> Erase(const char* pointer) {
  return [pointer](json& j) {
    const json::json_pointer p(pointer);
    j[p.parent_pointer()].erase(p.back());
  };
}

TEST_CASE("both example sessions of the format document are valid",
          "[record]") {
  for (const char* text : {kGao, kSinjar}) {
    auto sessions = ParseSessionsText(text);
    REQUIRE(sessions.ok());
    REQUIRE(sessions->size() == 1);
  }
  const std::string both = std::string("[") + kGao + "," + kSinjar + "]";
  auto sessions = ParseSessionsText(both);
  REQUIRE(sessions.ok());
  REQUIRE(sessions->size() == 2);
  CHECK((*sessions)[0].country == "ML");
  CHECK((*sessions)[1].country == "IQ");
}

TEST_CASE("every rule refuses a record that breaks it, naming the field",
          "[record]") {
  const std::vector<Row> rows = {
      // Unknown fields, anywhere.
      {"unknown top-level field", Set("/foo", 1), "foo: unknown field"},
      {"unknown place field", Set("/place/zip", "x"),
       "place.zip: unknown field"},
      {"unknown participants field",
       Set("/participants/by_religion", json::object()),
       "participants.by_religion: unknown field"},
      {"unknown concern field", Set("/concerns/0/severity", 3),
       "concerns[0].severity: unknown field"},
      {"unknown commitment field", Set("/commitments/1/priority", "high"),
       "commitments[1].priority: unknown field"},
      // format
      {"format missing", Erase("/format"), "format: missing (required)"},
      {"format null", Set("/format", nullptr), "format: missing (required)"},
      {"format other version", Set("/format", "palabre.session/2"),
       "format: unsupported format (expected \"palabre.session/1\")"},
      {"format not a string", Set("/format", 1), "format: must be a string"},
      // kind
      {"kind missing", Erase("/kind"), "kind: missing (required)"},
      {"kind unknown", Set("/kind", "meeting"),
       "kind: unknown session kind (expected one of: community_dialogue, "
       "security_advisory_committee, perception_survey, "
       "hybrid_justice_hearing, training, other)"},
      {"kind not a string", Set("/kind", json::array()),
       "kind: must be a string"},
      // title
      {"title missing", Erase("/title"), "title: missing (required)"},
      {"title null", Set("/title", nullptr), "title: missing (required)"},
      {"title not a string", Set("/title", 42), "title: must be a string"},
      {"title empty", Set("/title", ""), "title: must not be empty"},
      {"title 301 characters", Set("/title", Repeat("é", 301)),
       "title: too long (301 characters, at most 300)"},
      {"title with a newline", Set("/title", "a\nb"),
       "title: must not contain control characters"},
      {"title with a tab", Set("/title", "a\tb"),
       "title: must not contain control characters"},
      {"title with NUL", Set("/title", std::string("a\0b", 3)),
       "title: must not contain control characters"},
      {"title invalid UTF-8", Set("/title", "caf\xC3"), "title: invalid UTF-8"},
      {"title overlong UTF-8", Set("/title", "\xC0\xAF"),
       "title: invalid UTF-8"},
      {"title surrogate", Set("/title", "\xED\xA0\x80"),
       "title: invalid UTF-8"},
      // started_at
      {"started_at missing", Erase("/started_at"),
       "started_at: missing (required)"},
      {"started_at not a string", Set("/started_at", 1773477000),
       "started_at: must be a string"},
      {"started_at a date only", Set("/started_at", "2026-03-14"),
       "started_at: not an RFC 3339 date-time"},
      {"started_at with a space", Set("/started_at", "2026-03-14 09:30:00Z"),
       "started_at: not an RFC 3339 date-time"},
      {"started_at without offset", Set("/started_at", "2026-03-14T09:30:00"),
       "started_at: missing UTC offset"},
      {"started_at without seconds",
       Set("/started_at", "2026-03-14T09:30+00:00"),
       "started_at: seconds are required"},
      {"started_at 29 February of a common year",
       Set("/started_at", "2026-02-29T09:30:00Z"),
       "started_at: no such calendar date"},
      {"started_at 31 April", Set("/started_at", "2026-04-31T09:30:00Z"),
       "started_at: no such calendar date"},
      {"started_at month 13", Set("/started_at", "2026-13-01T09:30:00Z"),
       "started_at: no such calendar date"},
      {"started_at year 1899", Set("/started_at", "1899-12-31T09:30:00Z"),
       "started_at: year out of range"},
      {"started_at hour 24", Set("/started_at", "2026-03-14T24:00:00Z"),
       "started_at: hour out of range"},
      {"started_at minute 60", Set("/started_at", "2026-03-14T09:60:00Z"),
       "started_at: minute out of range"},
      {"started_at leap second", Set("/started_at", "2026-03-14T23:59:60Z"),
       "started_at: second out of range"},
      {"started_at offset beyond 18:00",
       Set("/started_at", "2026-03-14T09:30:00+18:01"),
       "started_at: UTC offset out of range"},
      {"started_at offset minutes 60",
       Set("/started_at", "2026-03-14T09:30:00+05:60"),
       "started_at: UTC offset out of range"},
      {"started_at offset without colon",
       Set("/started_at", "2026-03-14T09:30:00+0100"),
       "started_at: bad UTC offset"},
      {"started_at trailing text", Set("/started_at", "2026-03-14T09:30:00Z "),
       "started_at: bad UTC offset"},
      {"started_at empty fraction", Set("/started_at", "2026-03-14T09:30:00.Z"),
       "started_at: bad fraction of a second"},
      // ended_at
      {"ended_at before started_at",
       Set("/ended_at", "2026-03-14T09:29:59+00:00"),
       "ended_at: before started_at"},
      {"ended_at before started_at in UTC",
       Set("/ended_at", "2026-03-14T10:00:00+01:00"),
       "ended_at: before started_at"},
      {"ended_at before started_at by a fraction",
       [](json& j) {
         j["started_at"] = "2026-03-14T09:30:00.5Z";
         j["ended_at"] = "2026-03-14T09:30:00.25Z";
       },
       "ended_at: before started_at"},
      {"ended_at invalid", Set("/ended_at", "2026-03-14T12:45:00"),
       "ended_at: missing UTC offset"},
      {"ended_at not a string", Set("/ended_at", true),
       "ended_at: must be a string"},
      // place
      {"place missing", Erase("/place"), "place.country: missing (required)"},
      {"place not an object", Set("/place", "Gao"), "place: must be an object"},
      {"country missing", Erase("/place/country"),
       "place.country: missing (required)"},
      {"country three letters", Set("/place/country", "MLI"),
       "place.country: not an ISO 3166-1 alpha-2 country code"},
      {"country with a digit", Set("/place/country", "M1"),
       "place.country: not an ISO 3166-1 alpha-2 country code"},
      {"country not ASCII", Set("/place/country", "Mé"),
       "place.country: not an ISO 3166-1 alpha-2 country code"},
      {"country not a string", Set("/place/country", 466),
       "place.country: must be a string"},
      {"region empty", Set("/place/region", ""),
       "place.region: must not be empty"},
      {"commune 201 characters", Set("/place/commune", Repeat("x", 201)),
       "place.commune: too long (201 characters, at most 200)"},
      {"site with a newline", Set("/place/site", "a\nb"),
       "place.site: must not contain control characters"},
      {"region not a string", Set("/place/region", json::array()),
       "place.region: must be a string"},
      // languages
      {"languages not an array", Set("/languages", "fr"),
       "languages: must be an array"},
      {"language not a string", Set("/languages/1", 7),
       "languages[1]: must be a string"},
      {"language one letter", Set("/languages/0", "f"),
       "languages[0]: not a BCP 47 language tag"},
      {"language with underscore", Set("/languages/1", "en_GB"),
       "languages[1]: not a BCP 47 language tag"},
      {"language trailing dash", Set("/languages/0", "en-"),
       "languages[0]: not a BCP 47 language tag"},
      {"language subtag of 9", Set("/languages/0", "en-abcdefghi"),
       "languages[0]: not a BCP 47 language tag"},
      {"language digit first", Set("/languages/0", "1en"),
       "languages[0]: not a BCP 47 language tag"},
      {"21 languages", Set("/languages", std::vector<std::string>(21, "fr")),
       "languages: too many items (21, at most 20)"},
      // facilitators
      {"facilitator empty", Set("/facilitators/0", ""),
       "facilitators[0]: must not be empty"},
      {"facilitator 101 characters", Set("/facilitators/0", Repeat("ა", 101)),
       "facilitators[0]: too long (101 characters, at most 100)"},
      {"facilitators not an array", Set("/facilitators", "f-07"),
       "facilitators: must be an array"},
      // attribution
      {"attribution unknown", Set("/attribution", "anonymous"),
       "attribution: unknown attribution rule (expected one of: chatham_house, "
       "on_record, closed)"},
      // participants
      {"participants not an object", Set("/participants", json::array()),
       "participants: must be an object"},
      {"by_sex not an object", Set("/participants/by_sex", 28),
       "participants.by_sex: must be an object"},
      {"unknown stakeholder group", Set("/participants/by_group/police", 2),
       "participants.by_group.police: unknown stakeholder group (expected one "
       "of: security_forces, local_authority, traditional_leaders, "
       "religious_leaders, cso, youth, womens_groups, idps, "
       "persons_with_disabilities, media, private_sector, other)"},
      {"unknown sex key", Set("/participants/by_sex/women", 2),
       "participants.by_sex.women: unknown sex category (expected one of: "
       "female, male, other, undisclosed)"},
      {"unknown age key", Set("/participants/by_age/elders", 2),
       "participants.by_age.elders: unknown age group (expected one of: "
       "under_18, 18_35, 36_plus, undisclosed)"},
      {"negative count", Set("/participants/by_sex/female", -1),
       "participants.by_sex.female: must not be negative"},
      {"float count", Set("/participants/by_sex/female", 2.5),
       "participants.by_sex.female: must be an integer"},
      {"integral float count", Set("/participants/by_age/18_35", 12.0),
       "participants.by_age.18_35: must be an integer"},
      {"string count", Set("/participants/by_group/youth", "6"),
       "participants.by_group.youth: must be an integer"},
      {"boolean count", Set("/participants/by_group/youth", true),
       "participants.by_group.youth: must be an integer"},
      {"count too large", Set("/participants/by_sex/male", 1000001),
       "participants.by_sex.male: too large (at most 1000000)"},
      // agenda and agreements
      {"agenda not an array", Set("/agenda", "Patrouilles"),
       "agenda: must be an array"},
      {"agenda item not a string", Set("/agenda/1", json::object()),
       "agenda[1]: must be a string"},
      {"agenda item empty", Set("/agenda/0", ""),
       "agenda[0]: must not be empty"},
      {"agenda item 2001 characters", Set("/agenda/1", Repeat("ب", 2001)),
       "agenda[1]: too long (2001 characters, at most 2000)"},
      {"agenda item with a control character", Set("/agenda/0", "a\x1b[31m"),
       "agenda[0]: must not contain control characters"},
      {"201 agenda items", Set("/agenda", std::vector<std::string>(201, "x")),
       "agenda: too many items (201, at most 200)"},
      {"agreement 2001 characters", Set("/agreements/0", Repeat("x", 2001)),
       "agreements[0]: too long (2001 characters, at most 2000)"},
      {"201 agreements", Set("/agreements", std::vector<std::string>(201, "x")),
       "agreements: too many items (201, at most 200)"},
      // concerns
      {"concerns not an array", Set("/concerns", json::object()),
       "concerns: must be an array"},
      {"concern not an object", Set("/concerns/0", "police"),
       "concerns[0]: must be an object"},
      {"concern category unknown", Set("/concerns/0/category", "police"),
       "concerns[0].category: unknown concern category (expected one of: "
       "police_conduct, armed_groups, gender_based_violence, land_dispute, "
       "intercommunal_conflict, corruption, justice_access, detention, "
       "displacement, youth_unemployment, trafficking, misinformation, "
       "hrd_safety, service_delivery, other)"},
      {"concern category missing", Erase("/concerns/1/category"),
       "concerns[1].category: missing (required)"},
      {"concern raised_by unknown", Set("/concerns/0/raised_by", "students"),
       "concerns[0].raised_by: unknown stakeholder group (expected one of: "
       "security_forces,"},
      {"concern summary missing", Erase("/concerns/1/summary"),
       "concerns[1].summary: missing (required)"},
      {"concern summary 4001 characters",
       Set("/concerns/0/summary", Repeat("x", 4001)),
       "concerns[0].summary: too long (4001 characters, at most 4000)"},
      {"concern summary invalid UTF-8", Set("/concerns/0/summary", "\xff"),
       "concerns[0].summary: invalid UTF-8"},
      {"201 concerns",
       [](json& j) {
         j["concerns"] = std::vector<json>(201, j["concerns"][0]);
       },
       "concerns: too many items (201, at most 200)"},
      // commitments
      {"commitment due not a date",
       [](json& j) {
         j["commitments"].push_back(
             {{"action", "a"}, {"owner", "o"}, {"due", "2026-02-30"}});
       },
       "commitments[2].due: not a date (YYYY-MM-DD)"},
      {"commitment due a date-time",
       Set("/commitments/0/due", "2026-04-30T00:00:00Z"),
       "commitments[0].due: not a date (YYYY-MM-DD)"},
      {"commitment owner missing", Erase("/commitments/0/owner"),
       "commitments[0].owner: missing (required)"},
      {"commitment owner 301 characters",
       Set("/commitments/0/owner", Repeat("x", 301)),
       "commitments[0].owner: too long (301 characters, at most 300)"},
      {"commitment action empty", Set("/commitments/1/action", ""),
       "commitments[1].action: must not be empty"},
      {"commitment action 2001 characters",
       Set("/commitments/1/action", Repeat("x", 2001)),
       "commitments[1].action: too long (2001 characters, at most 2000)"},
      {"commitment status unknown", Set("/commitments/0/status", "finished"),
       "commitments[0].status: unknown commitment status (expected one of: "
       "open, in_progress, done, dropped, blocked)"},
      {"commitment id not hex", Set("/commitments/0/id", "not-an-id"),
       "commitments[0].id: not a record id (32 lower-case hex digits)"},
      {"commitment id upper-case",
       Set("/commitments/0/id", "0123456789ABCDEF0123456789ABCDEF"),
       "commitments[0].id: not a record id"},
      {"commitment ids repeated",
       [](json& j) {
         j["commitments"][0]["id"] = kId;
         j["commitments"][1]["id"] = kId;
       },
       "commitments[1].id: the same id as an earlier commitment"},
      {"commitment not an object", Set("/commitments/0", "call the police"),
       "commitments[0]: must be an object"},
      {"201 commitments",
       [](json& j) {
         j["commitments"] = std::vector<json>(201, j["commitments"][0]);
       },
       "commitments: too many items (201, at most 200)"},
      // notes
      {"notes 64 KiB + 1", Set("/notes", std::string(64 * 1024 + 1, 'n')),
       "notes: too long (65537 bytes, at most 65536)"},
      {"notes with a control character", Set("/notes", "bell\x07"),
       "notes: must not contain control characters"},
      {"notes with a carriage return", Set("/notes", "a\r\nb"),
       "notes: must not contain control characters"},
      {"notes not a string", Set("/notes", json::array({"a"})),
       "notes: must be a string"},
      // next_meeting
      {"next_meeting month 13", Set("/next_meeting", "2026-13-01"),
       "next_meeting: not a date (YYYY-MM-DD)"},
      {"next_meeting no padding", Set("/next_meeting", "2026-6-13"),
       "next_meeting: not a date (YYYY-MM-DD)"},
      {"next_meeting year 3000", Set("/next_meeting", "3000-01-01"),
       "next_meeting: not a date (YYYY-MM-DD)"},
      // output-only fields
      {"id not a record id", Set("/id", "xyz"),
       "id: not a record id (32 lower-case hex digits)"},
      {"created_at not a string", Set("/created_at", 5),
       "created_at: must be a string"},
      {"updated_at not a string", Set("/updated_at", json::object()),
       "updated_at: must be a string"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    json value = Gao();
    row.mutate(value);
    CHECK_THAT(Refusal(value),
               Catch::Equals(row.expected) || Catch::StartsWith(row.expected));
    // With a prefix, as for the fourth record of an array.
    CHECK_THAT(Refusal(value, "[3]"),
               Catch::StartsWith(std::string("[3].") + row.expected));
  }
}

TEST_CASE("valid variations are accepted", "[record]") {
  const std::vector<Row> rows = {
      {"title of 300 characters", Set("/title", Repeat("ქ", 300)), ""},
      {"notes of exactly 64 KiB", Set("/notes", std::string(64 * 1024, 'n')),
       ""},
      {"notes with newlines and tabs", Set("/notes", "a\n\tb\n"), ""},
      {"empty notes", Set("/notes", ""), ""},
      {"summary with newlines", Set("/concerns/0/summary", "a\nb"), ""},
      {"nulls for optional fields",
       [](json& j) {
         for (const char* key :
              {"ended_at", "languages", "facilitators", "attribution",
               "participants", "agenda", "concerns", "agreements",
               "commitments", "notes", "next_meeting", "id", "created_at",
               "updated_at"}) {
           j[key] = nullptr;
         }
         j["place"]["region"] = nullptr;
         j["place"]["commune"] = nullptr;
         j["participants"] = {{"by_sex", {{"female", nullptr}}}};
         j["concerns"] = {
             {{"category", "other"}, {"summary", "s"}, {"raised_by", nullptr}}};
         j["commitments"] = {{{"action", "a"},
                              {"owner", "o"},
                              {"due", nullptr},
                              {"status", nullptr},
                              {"id", nullptr}}};
       },
       ""},
      {"only the required fields",
       [](json& j) {
         j = {{"format", "palabre.session/1"},
              {"kind", "other"},
              {"title", "t"},
              {"started_at", "2026-03-14T09:30:00Z"},
              {"place", {{"country", "ne"}}}};
       },
       ""},
      {"empty lists",
       [](json& j) {
         for (const char* key : {"languages", "facilitators", "agenda",
                                 "concerns", "agreements", "commitments"}) {
           j[key] = json::array();
         }
         j["participants"] = json::object();
       },
       ""},
      {"language tags",
       Set("/languages", {"sr-Latn-RS", "en-GB", "es-419", "kmr", "ka"}), ""},
      {"lower-case t and z", Set("/started_at", "2026-03-14t09:30:00z"), ""},
      {"fraction of a second",
       Set("/started_at", "2026-03-14T09:30:00.123456789+00:00"), ""},
      {"leap day",
       [](json& j) {
         j["started_at"] = "2024-02-29T10:00:00-05:30";
         j["ended_at"] = "2024-02-29T11:00:00-05:30";
       },
       ""},
      {"offset +18:00", Set("/started_at", "2026-03-14T09:30:00+18:00"), ""},
      {"offset -00:00", Set("/started_at", "2026-03-14T09:30:00-00:00"), ""},
      {"ended_at equal to started_at",
       Set("/ended_at", "2026-03-14T09:30:00+00:00"), ""},
      {"ended_at later in UTC with another offset",
       Set("/ended_at", "2026-03-14T11:30:00+01:00"), ""},
      {"counts 0 and 1000000",
       Set("/participants/by_sex", {{"female", 0}, {"male", 1000000}}), ""},
      {"output-only fields",
       [](json& j) {
         j["id"] = kId;
         j["created_at"] = "2026-03-14T13:00:00Z";
         j["updated_at"] = "2026-03-15T13:00:00Z";
         j["commitments"][0]["id"] = kOtherId;
         j["commitments"][0]["status"] = "done";
         j["commitments"][1]["status"] = "in_progress";
       },
       ""},
      {"every kind", Set("/kind", "hybrid_justice_hearing"), ""},
      {"every attribution", Set("/attribution", "on_record"), ""},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    json value = Gao();
    row.mutate(value);
    CHECK(Refusal(value) == "");
  }
}

TEST_CASE("a record that is not an object is refused with its path",
          "[record]") {
  CHECK(Refusal(json::array()) == "record: must be a JSON object");
  CHECK(Refusal("session") == "record: must be a JSON object");
  CHECK(Refusal(nullptr, "[3]") == "[3]: must be a JSON object");
  json value = Gao();
  value["title"] = "";
  CHECK(Refusal(value, "sessions[2]") ==
        "sessions[2].title: must not be empty");
  value = Gao();
  value.erase("place");
  CHECK(Refusal(value, "[0]") == "[0].place.country: missing (required)");
}

TEST_CASE("the text guards refuse bad files", "[record]") {
  SECTION("empty and whitespace-only") {
    for (std::string_view text : {"", " ", "\n\t \r\n", "\xEF\xBB\xBF  "}) {
      CHECK(TextRefusal(text) ==
            "empty input: expected a session (JSON object) or an array of "
            "sessions");
    }
  }
  SECTION("more than 16 MiB, even if valid") {
    std::string huge = Gao().dump();
    huge.pop_back();
    huge += ", \"x\": \"" + std::string(kMaxRecordFileBytes, 'a') + "\"}";
    CHECK(TextRefusal(huge) == "too large: " + std::to_string(huge.size()) +
                                   " bytes (at most 16777216 bytes, 16 MiB)");
    CHECK(TextRefusal(std::string(kMaxRecordFileBytes + 1, ' ')) ==
          "too large: 16777217 bytes (at most 16777216 bytes, 16 MiB)");
  }
  SECTION("invalid UTF-8, with its byte offset") {
    CHECK(TextRefusal("{\"title\": \"a\xff\"}") ==
          "invalid UTF-8 at byte 12 (line 1)");
    CHECK(TextRefusal("{\n\"title\": \"\xC0\xAF\"}") ==
          "invalid UTF-8 at byte 12 (line 2)");
    CHECK(TextRefusal("[\"\xED\xA0\x80\"]") ==
          "invalid UTF-8 at byte 2 (line 1)");
  }
  SECTION("syntax errors, with line and column") {
    CHECK(TextRefusal("{\n  \"title\": ,\n}") ==
          "JSON syntax error at line 2, column 12: unexpected ','; expected "
          "'[', '{', or a literal");
    // The column (in characters, not bytes) of the offending token's last
    // character: nlohmann reports where it stopped reading.
    CHECK_THAT(TextRefusal("{\"title\": \"é\" \"kind\"}"),
               Catch::StartsWith("JSON syntax error at line 1, column 20: "));
    CHECK_THAT(TextRefusal("{\"a\": 1"),
               Catch::StartsWith("JSON syntax error at line 1, column 8: "));
    CHECK_THAT(TextRefusal("{\"a\": 1} x"),
               Catch::StartsWith("JSON syntax error at line 1, column 10: "));
    // The reason does not quote the input.
    const std::string message = TextRefusal("{\"secret\": trux}");
    CHECK_THAT(message, Catch::StartsWith("JSON syntax error at line 1"));
    CHECK_THAT(message, !Catch::Contains("tru"));
    CHECK_THAT(TextRefusal("[1e999]"), Catch::Contains("out of range"));
  }
  SECTION("duplicate keys, with the object's path") {
    CHECK(TextRefusal("{\"title\": \"a\", \"title\": \"b\"}") ==
          "duplicate key \"title\"");
    const std::string array =
        std::string("[") + kGao +
        ", {\"place\": {\"country\": \"ML\", \"country\": \"NE\"}}]";
    CHECK(TextRefusal(array) == "[1].place: duplicate key \"country\"");
    // The same key in different objects is fine.
    CHECK(ParseJsonText("[{\"a\": 1}, {\"a\": {\"a\": 2}}]", "x").ok());
  }
  SECTION("nesting deeper than 32 levels, checked before parsing") {
    const std::string deep = std::string(33, '[') + std::string(33, ']');
    CHECK_THAT(TextRefusal(deep),
               Catch::StartsWith("nested deeper than 32 levels at line 1, "
                                 "column 33"));
    // Far deeper than any stack would survive: refused at once.
    CHECK_THAT(TextRefusal(std::string(1000000, '[')),
               Catch::StartsWith("nested deeper than 32 levels"));
    CHECK_THAT(TextRefusal(Repeat("{\"a\":", 100000)),
               Catch::StartsWith("nested deeper than 32 levels"));
    // 32 levels pass the guard; brackets inside strings do not count.
    CHECK(ParseJsonText(std::string(32, '[') + std::string(32, ']'), "x").ok());
    CHECK(ParseJsonText("[\"" + std::string(100, '[') + "\\\"[\"]", "x").ok());
  }
  SECTION("not a session or an array of sessions") {
    CHECK(TextRefusal("[]") == "empty array: expected at least one session");
    CHECK(TextRefusal("42") ==
          "expected a session (JSON object) or an array of sessions");
    CHECK(TextRefusal("{}") == "format: missing (required)");
  }
  SECTION("an array is all or nothing, errors prefixed by the index") {
    json bad = json::parse(kSinjar);
    bad["title"] = Repeat("x", 301);
    const std::string text = std::string("[") + kGao + "," + bad.dump() + "]";
    CHECK(TextRefusal(text) ==
          "[1].title: too long (301 characters, at most 300)");
    CHECK(TextRefusal(std::string("[") + kGao + ", 5]") ==
          "[1]: must be a JSON object");
    json bad_due = json::parse(kSinjar);
    bad_due["commitments"][0]["due"] = "soon";
    CHECK(TextRefusal(std::string("[") + kGao + "," + kGao + "," +
                      bad_due.dump() + "]") ==
          "[2].commitments[0].due: not a date (YYYY-MM-DD)");
  }
  SECTION("a UTF-8 byte order mark is accepted") {
    CHECK(TextRefusal(std::string("\xEF\xBB\xBF") + kGao) == "");
  }
}

TEST_CASE("ParseJsonText applies the same guards and names the input",
          "[record]") {
  auto parsed =
      ParseJsonText("{\"format\": \"palabre.export/1\"}", "export file");
  REQUIRE(parsed.ok());
  CHECK((*parsed)["format"] == "palabre.export/1");
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"", "export file: empty input"},
      {"{\"a\": 1, \"a\": 2}", "export file: duplicate key \"a\""},
      {"{\"a\": \"\xff\"}", "export file: invalid UTF-8 at byte 7"},
      {"{\"a\": }", "export file: JSON syntax error at line 1, column 7"},
      {std::string(40, '{'), "export file: nested deeper than 32 levels"},
      {std::string(kMaxRecordFileBytes + 1, ' '), "export file: too large"},
  };
  for (const auto& [text, expected] : rows) {
    auto result = ParseJsonText(text, "export file");
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(result.status().message(), Catch::StartsWith(expected));
  }
}

TEST_CASE("the body is normalized", "[record]") {
  SECTION("the example's body is the input without commitments and nulls") {
    auto session = ParseSession(Gao());
    REQUIRE(session.ok());
    json expected = Gao();
    expected.erase("commitments");
    expected["place"].erase("site");
    CHECK(session->body == expected);
    // Parsing the stored body again (with the commitments) changes nothing.
    json again = session->body;
    again["commitments"] = Gao()["commitments"];
    auto reparsed = ParseSession(again);
    REQUIRE(reparsed.ok());
    CHECK(reparsed->body == session->body);
  }
  SECTION("country upper-cased, attribution defaulted, nulls dropped") {
    json value = Gao();
    value["place"]["country"] = "ml";
    value["place"]["region"] = nullptr;
    value.erase("attribution");
    value["ended_at"] = nullptr;
    value["concerns"][0]["raised_by"] = nullptr;
    value["participants"]["by_age"] = nullptr;
    value["participants"]["by_sex"]["other"] = nullptr;
    auto session = ParseSession(value);
    REQUIRE(session.ok());
    CHECK(session->country == "ML");
    CHECK(session->body["place"] ==
          json({{"country", "ML"}, {"commune", "Gao"}}));
    CHECK(session->region == "");
    CHECK(session->commune == "Gao");
    CHECK(session->body["attribution"] == "chatham_house");
    CHECK_FALSE(session->body.contains("ended_at"));
    CHECK(session->body["concerns"][0] ==
          json({{"category", "police_conduct"},
                {"summary", value["concerns"][0]["summary"]}}));
    CHECK(session->concerns[0].raised_by == "");
    CHECK_FALSE(session->body["participants"].contains("by_age"));
    CHECK(session->body["participants"]["by_sex"] ==
          json({{"female", 11}, {"male", 17}}));
  }
  SECTION("output-only fields are kept apart or ignored") {
    json value = Gao();
    value["id"] = kId;
    value["created_at"] = "2026-03-14T13:00:00Z";
    value["updated_at"] = "2026-03-15T13:00:00Z";
    value["commitments"][1]["id"] = kOtherId;
    value["commitments"][1]["status"] = "done";
    auto session = ParseSession(value);
    REQUIRE(session.ok());
    CHECK(session->id == kId);
    for (const char* key : {"id", "created_at", "updated_at", "commitments"}) {
      CHECK_FALSE(session->body.contains(key));
    }
    REQUIRE(session->commitments.size() == 2);
    CHECK(session->commitments[0].id == "");
    CHECK(session->commitments[1].id == kOtherId);
  }
}

TEST_CASE("the derived values", "[record]") {
  SECTION("start, local date and offset") {
    json value = Gao();
    value["started_at"] = "2026-03-14T09:30:00+01:00";
    value.erase("ended_at");
    auto session = ParseSession(value);
    REQUIRE(session.ok());
    CHECK(session->started_at == "2026-03-14T09:30:00+01:00");
    CHECK(session->start.utc_seconds == 1773477000);  // 08:30:00Z
    CHECK(session->start.offset_minutes == 60);
    CHECK(session->start.local_date == "2026-03-14");
    CHECK(FormatUtc(session->start.utc_seconds * 1000) ==
          "2026-03-14T08:30:00Z");
  }
  SECTION("the local date is the date as lived, not the UTC one") {
    auto late = ParseDateTime("2026-03-14T23:30:00-05:00");
    REQUIRE(late.ok());
    CHECK(late->local_date == "2026-03-14");
    CHECK(FormatUtc(late->utc_seconds * 1000) == "2026-03-15T04:30:00Z");
    CHECK(late->offset_minutes == -300);
  }
  SECTION("participants: by_sex, else by_age, else by_group, else 0") {
    json value = Gao();
    auto total = [&]() {
      auto session = ParseSession(value);
      REQUIRE(session.ok());
      return session->participants;
    };
    value["participants"]["by_sex"] = {
        {"female", 11}, {"male", 17}, {"other", 1}};
    CHECK(total() == 29);
    value["participants"].erase("by_sex");
    value["participants"]["by_age"] = {{"18_35", 12}, {"36_plus", 10}};
    CHECK(total() == 22);
    value["participants"].erase("by_age");
    CHECK(total() == 28);  // 4 + 3 + 5 + 2 + 6 + 5 + 3
    value.erase("participants");
    CHECK(total() == 0);
  }
  SECTION("participation counts, concerns and commitments") {
    auto session = ParseSession(json::parse(kSinjar));
    REQUIRE(session.ok());
    CHECK(session->participants == 24);
    CHECK(session->kind == "community_dialogue");
    CHECK(session->country == "IQ");
    CHECK(session->region == "Nineveh");
    CHECK(session->commune == "Sinjar");
    // Groups in vocabulary order, then sex, then age.
    std::vector<std::string> seen;
    int64_t sum_by_sex = 0;
    for (const ParticipationCount& count : session->participation) {
      seen.push_back(count.dimension + "." + count.key + "=" +
                     std::to_string(count.count));
      if (count.dimension == "sex") sum_by_sex += count.count;
    }
    CHECK(seen == std::vector<std::string>{
                      "group.security_forces=2", "group.local_authority=2",
                      "group.cso=2", "group.youth=5", "group.womens_groups=4",
                      "group.idps=9", "sex.female=10", "sex.male=14",
                      "age.18_35=11", "age.36_plus=13"});
    CHECK(sum_by_sex == 24);
    REQUIRE(session->concerns.size() == 2);
    CHECK(session->concerns[0].category == "displacement");
    CHECK(session->concerns[0].raised_by == "idps");
    CHECK(session->concerns[1].summary ==
          "No safe channel to report GBV to the local police.");
    REQUIRE(session->commitments.size() == 1);
    CHECK(session->commitments[0].action ==
          "Open a women's desk at the district police station.");
    CHECK(session->commitments[0].owner == "Sinjar district police");
    CHECK(session->commitments[0].due == "2026-05-01");
    CHECK(session->commitments[0].id == "");
  }
  SECTION("search text holds every text field, Arabic included") {
    auto session = ParseSession(json::parse(kSinjar));
    REQUIRE(session.ok());
    for (const char* needle :
         {"حوار مجتمعي حول عودة النازحين — سنجار", "Nineveh", "Sinjar",
          "العودة الآمنة", "الخوف من العودة", "Monthly follow-up meeting",
          "Open a women's desk", "Sinjar district police", "Participants asked",
          "facilitator-iq-03"}) {
      CHECK_THAT(session->search_text, Catch::Contains(needle));
    }
    CHECK_THAT(session->search_text, !Catch::Contains("community_dialogue"));
    CHECK_THAT(session->search_text, !Catch::Contains("displacement"));
  }
  SECTION("search text order") {
    json value = {
        {"format", "palabre.session/1"},
        {"kind", "other"},
        {"title", "T"},
        {"started_at", "2026-03-14T09:30:00Z"},
        {"place",
         {{"country", "GE"}, {"region", "R"}, {"commune", "C"}, {"site", "S"}}},
        {"facilitators", {"F"}},
        {"agenda", {"A1", "A2"}},
        {"concerns", {{{"category", "other"}, {"summary", "CS"}}}},
        {"agreements", {"AG"}},
        {"commitments", {{{"action", "CA"}, {"owner", "CO"}}}},
        {"notes", "N"}};
    auto session = ParseSession(value);
    REQUIRE(session.ok());
    CHECK(session->search_text == "T\nR\nC\nS\nA1\nA2\nCS\nAG\nCA\nCO\nN\nF");
    CHECK(session->commitments[0].due == "");
    CHECK(session->body["attribution"] == "chatham_house");
  }
}

TEST_CASE("follow-ups are validated and their bodies round-trip", "[record]") {
  const FollowUpInput good{"in_progress", "Réunion tenue.\nSuite en mai.",
                           "2026-04-02"};
  CHECK(ValidateFollowUp(good).ok());
  const std::vector<std::pair<FollowUpInput, std::string>> rows = {
      {{"finished", "", "2026-04-02"},
       "status: unknown commitment status (expected one of: open, "
       "in_progress, done, dropped, blocked)"},
      {{"", "", "2026-04-02"}, "status: unknown commitment status"},
      {{"done", Repeat("ö", 4001), "2026-04-02"},
       "note: too long (4001 characters, at most 4000)"},
      {{"done", "a\x07", "2026-04-02"},
       "note: must not contain control characters"},
      {{"done", "\xff", "2026-04-02"}, "note: invalid UTF-8"},
      {{"done", "", "2026-02-30"}, "date: not a date (YYYY-MM-DD)"},
      {{"done", "", ""}, "date: not a date (YYYY-MM-DD)"},
  };
  for (const auto& [input, expected] : rows) {
    INFO(expected);
    const Status status = ValidateFollowUp(input);
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(status.message(), Catch::StartsWith(expected));
  }
  CHECK(ValidateFollowUp({"done", Repeat("ö", 4000), "2026-04-02"}).ok());

  const json body = FollowUpBody(kId, good);
  CHECK(body == json({{"commitment", kId},
                      {"status", "in_progress"},
                      {"note", good.note},
                      {"date", "2026-04-02"}}));
  auto parsed = ParseFollowUpBody(body);
  REQUIRE(parsed.ok());
  CHECK(parsed->commitment_id == kId);
  CHECK(parsed->follow_up.status == good.status);
  CHECK(parsed->follow_up.note == good.note);
  CHECK(parsed->follow_up.date == good.date);

  const json no_note = FollowUpBody(kId, {"done", "", "2026-04-03"});
  CHECK_FALSE(no_note.contains("note"));
  auto parsed_no_note = ParseFollowUpBody(no_note);
  REQUIRE(parsed_no_note.ok());
  CHECK(parsed_no_note->follow_up.note == "");

  const std::vector<std::pair<json, std::string>> bad_bodies = {
      {json::array(), "record: must be a JSON object"},
      {json({{"commitment", kId},
             {"status", "done"},
             {"date", "2026-04-03"},
             {"by", "x"}}),
       "by: unknown field"},
      {json(
           {{"commitment", "abc"}, {"status", "done"}, {"date", "2026-04-03"}}),
       "commitment: not a record id"},
      {json({{"status", "done"}, {"date", "2026-04-03"}}),
       "commitment: missing (required)"},
      {json({{"commitment", kId}, {"status", 1}, {"date", "2026-04-03"}}),
       "status: must be a string"},
      {json({{"commitment", kId}, {"status", "late"}, {"date", "2026-04-03"}}),
       "status: unknown commitment status"},
      {json({{"commitment", kId}, {"status", "done"}, {"date", "today"}}),
       "date: not a date (YYYY-MM-DD)"},
  };
  for (const auto& [bad, expected] : bad_bodies) {
    auto result = ParseFollowUpBody(bad);
    REQUIRE_FALSE(result.ok());
    CHECK_THAT(result.status().message(), Catch::StartsWith(expected));
  }
}

TEST_CASE("commitment bodies round-trip and are validated", "[record]") {
  const CommitmentInput with_due{"", "Publier les horaires.",
                                 "Commissariat de police de Gao", "2026-04-30"};
  const json body = CommitmentBody(kId, 3, with_due);
  CHECK(body == json({{"session", kId},
                      {"position", 3},
                      {"action", with_due.action},
                      {"owner", with_due.owner},
                      {"due", "2026-04-30"}}));
  auto parsed = ParseCommitmentBody(body);
  REQUIRE(parsed.ok());
  CHECK(parsed->session_id == kId);
  CHECK(parsed->position == 3);
  CHECK(parsed->commitment.id == "");
  CHECK(parsed->commitment.action == with_due.action);
  CHECK(parsed->commitment.owner == with_due.owner);
  CHECK(parsed->commitment.due == "2026-04-30");

  const json no_due = CommitmentBody(kId, 0, {"", "a", "o", ""});
  CHECK_FALSE(no_due.contains("due"));
  auto parsed_no_due = ParseCommitmentBody(no_due);
  REQUIRE(parsed_no_due.ok());
  CHECK(parsed_no_due->commitment.due == "");
  CHECK(parsed_no_due->position == 0);

  auto with = [&](const char* key, json value) {
    json changed = body;
    if (value.is_discarded()) {
      changed.erase(key);
    } else {
      changed[key] = value;
    }
    auto result = ParseCommitmentBody(changed);
    return result.ok() ? std::string() : result.status().message();
  };
  const json erase(json::value_t::discarded);
  CHECK(with("due", "2026-04-31") == "due: not a date (YYYY-MM-DD)");
  CHECK(with("position", -1) == "position: must not be negative");
  CHECK(with("position", 1.5) == "position: must be an integer");
  CHECK(with("position", erase) == "position: missing (required)");
  CHECK(with("owner", erase) == "owner: missing (required)");
  CHECK(with("action", "") == "action: must not be empty");
  CHECK(with("owner", Repeat("x", 301)) ==
        "owner: too long (301 characters, at most 300)");
  CHECK(with("session", "nope") ==
        "session: not a record id (32 lower-case hex digits)");
  CHECK(with("status", "open") == "status: unknown field");
}

TEST_CASE("country codes: two ASCII letters, upper-cased", "[record]") {
  struct Case {
    const char* text;
    std::optional<std::string> code;
  };
  const Case cases[] = {
      {"ML", "ML"},         {"ml", "ML"},         {"nE", "NE"},
      {"", std::nullopt},   {"M", std::nullopt},  {"MLI", std::nullopt},
      {"M1", std::nullopt}, {"é", std::nullopt},  {"M ", std::nullopt},
      {"\xc3\x89", std::nullopt},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(CountryCode(c.text) == c.code);
  }
}

TEST_CASE("dates, date-times and UTC formatting", "[record]") {
  const std::vector<std::pair<const char*, bool>> dates = {
      {"2026-03-14", true},  {"2024-02-29", true},  {"2000-02-29", true},
      {"1900-01-01", true},  {"2999-12-31", true},  {"2023-02-29", false},
      {"1900-02-29", false}, {"2026-04-31", false}, {"2026-00-10", false},
      {"2026-01-00", false}, {"1899-12-31", false}, {"3000-01-01", false},
      {"2026-1-01", false},  {"2026/01/01", false}, {"2026-01-01 ", false},
      {"", false},           {"20260101", false},   {"2026-01-0a", false},
  };
  for (const auto& [text, valid] : dates) {
    INFO(text);
    CHECK(IsValidDate(text) == valid);
  }

  auto parsed = ParseDateTime("2026-03-14T09:30:00+01:00");
  REQUIRE(parsed.ok());
  CHECK(parsed->utc_seconds == 1773477000);
  auto negative = ParseDateTime("2000-02-29T23:59:59.999Z");
  REQUIRE(negative.ok());
  CHECK(negative->utc_seconds == 951868799);
  CHECK_FALSE(ParseDateTime("2026-03-14T09:30:00+01:00 ").ok());
  CHECK(ParseDateTime("").status().code() == StatusCode::kInvalidArgument);

  CHECK(FormatUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatUtc(1773477000LL * 1000 + 999) == "2026-03-14T08:30:00Z");
  CHECK(FormatUtc(951868799000LL) == "2000-02-29T23:59:59Z");
  CHECK(FormatUtc(-1) == "1969-12-31T23:59:59Z");
  // FormatUtc and ParseDateTime agree, day after day across leap years.
  for (int64_t seconds = 0; seconds < 40LL * 366 * 86400;
       seconds += 86400 * 7 + 3661) {
    const std::string text = FormatUtc(seconds * 1000 + 500);
    auto back = ParseDateTime(text);
    REQUIRE(back.ok());
    CHECK(back->utc_seconds == seconds);
  }
}

TEST_CASE("UTF-8 validation and length", "[record]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain"));
  CHECK(IsValidUtf8("sécurité سنجار თბილისი Kurdî 🕊"));
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(IsValidUtf8("\xC3"));              // truncated
  CHECK_FALSE(IsValidUtf8("\x80"));              // lone continuation
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK(Utf8Length("") == 0);
  CHECK(Utf8Length("abc") == 3);
  CHECK(Utf8Length("é") == 1);
  CHECK(Utf8Length("سنجار") == 5);
  CHECK(Utf8Length("🕊") == 1);
}

TEST_CASE("vocabularies and statuses", "[record]") {
  CHECK(SessionKinds().size() == 6);
  CHECK(StakeholderGroups().size() == 12);
  CHECK(ConcernCategories().size() == 15);
  CHECK(CommitmentStatuses().size() == 5);
  CHECK(CommitmentStatuses().front() == "open");
  CHECK(SexKeys().size() == 4);
  CHECK(AgeKeys().size() == 4);
  CHECK(AttributionRules().front() == "chatham_house");
  CHECK(SessionKinds().front() == "community_dialogue");
  CHECK(InVocabulary(ConcernCategories(), "hrd_safety"));
  CHECK_FALSE(InVocabulary(ConcernCategories(), "HRD_SAFETY"));
  CHECK_FALSE(InVocabulary(StakeholderGroups(), ""));
  const std::vector<std::tuple<const char*, bool, bool>> statuses = {
      {"open", true, true},      {"in_progress", true, true},
      {"blocked", true, false},  {"done", false, false},
      {"dropped", false, false}, {"unknown", false, false},
  };
  for (const auto& [status, open, can_be_overdue] : statuses) {
    INFO(status);
    CHECK(IsOpenStatus(status) == open);
    CHECK(CanBeOverdue(status) == can_be_overdue);
  }
}

}  // namespace
}  // namespace palabre

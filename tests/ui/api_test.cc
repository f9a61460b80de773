// The JSON API of `palabre ui` (ui/api.h, docs/ui-api.md "Endpoints"),
// called through Api::Handle on a real vault, with a fake clock and a fixed
// "today". These tests prove what the page relies on: the state says whether
// the vault is locked and gives the caller's CSRF value; unlocking needs the
// passphrase and says precisely what is wrong; nothing that reads or writes
// records works while the vault is locked (423), and what the unlock screen
// needs does; the session list searches text (accents ignored) and filters
// as `palabre session list` does, with limit and total; a session posted is
// stored and listed, an invalid or hostile one is refused naming the field
// and nothing is written; commitments list, show their follow-ups, and a
// follow-up changes their status (bad ones refused); the form's draft is
// kept, survives locking, and is forgotten on request; both string tables
// are served and complete (the same keys, the same placeholders, a name for
// every vocabulary code), other names are 404; unknown routes are 404.
// Every error is {"error": {"code", "message"}} with the contract's code.
#include "ui/api.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/record.h"
#include "tests/core/records_fixture_util.h"
#include "tests/core/test_util.h"
#include "tests/ui/api_fixture_util.h"
#include "tests/ui/vault_copy_util.h"
#include "ui/vault_holder.h"

namespace palabre::testing {
namespace {

using nlohmann::json;
using ui::ApiReply;


TEST_CASE(
    "state says whether the vault is locked and gives the caller's "
    "CSRF value",
    "[ui][api]") {
  ApiFixture f;
  ApiReply r = f.Get("/api/state");
  INFO(r.body.dump());
  REQUIRE(r.status == 200);
  CHECK(r.body["locked"] == true);
  CHECK(r.body["csrf"] == kCsrf);
  CHECK(r.body["idle_lock_seconds"] == kIdleMs / 1000);
  CHECK(r.body["today"] == kToday);
  CHECK(r.body["version"].is_string());
  CHECK_FALSE(r.body["version"].get<std::string>().empty());
  std::set<std::string> languages;
  for (const json& l : r.body["languages"]) languages.insert(l);
  CHECK(languages == std::set<std::string>{"en", "fr"});
  CHECK(r.body["languages"].size() == 2);

  f.Unlock();
  r = f.Get("/api/state");
  CHECK(r.body["locked"] == false);
  f.Lock();
  CHECK(f.Get("/api/state").body["locked"] == true);
}

TEST_CASE("unlock says what is wrong with the passphrase", "[ui][api]") {
  ApiFixture f;
  struct Case {
    const char* why;
    std::string body;
    int status;
    std::string code;
    std::string says;
  };
  const Case refused[] = {
      {"no body", "", 400, "bad_request", ""},
      {"not JSON", "passphrase=x", 400, "bad_request", ""},
      {"an array", R"(["a long enough passphrase"])", 400, "bad_request", ""},
      {"no passphrase", "{}", 400, "bad_request", "passphrase"},
      {"another field", R"({"password": "a long enough passphrase"})", 400,
       "bad_request", "passphrase"},
      {"a number", R"({"passphrase": 42})", 400, "bad_request", "passphrase"},
      {"null", R"({"passphrase": null})", 400, "bad_request", "passphrase"},
      {"wrong", json{{"passphrase", kOtherPassphrase}}.dump(), 401,
       "wrong_passphrase", ""},
      {"empty", R"({"passphrase": ""})", 401, "wrong_passphrase", ""},
      {"with a newline",
       json{{"passphrase", std::string(kPassphrase) + "\n"}}.dump(), 401,
       "wrong_passphrase", ""},
  };
  for (const Case& c : refused) {
    INFO(c.why);
    CheckError(f.Call("POST", "/api/unlock", c.body), c.status, c.code, c.says);
    CHECK(f.holder().locked());
  }
  const ApiReply ok = f.Post("/api/unlock", {{"passphrase", kPassphrase}});
  CHECK(ok.status == 200);
  CHECK(ok.body == json{{"locked", false}});
  CHECK_FALSE(f.holder().locked());
}

TEST_CASE(
    "nothing that reads or writes records works while the vault is "
    "locked",
    "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  const json added = f.AddSession(ThreeSessions()[0]);
  const std::string session = added["id"];
  const std::string commitment = added["commitments"][0];
  f.Lock();

  struct Case {
    std::string method;
    std::string path;
    std::string body;
  };
  const Case needs_vault[] = {
      {"GET", "/api/sessions", ""},
      {"GET", "/api/sessions/" + session, ""},
      {"POST", "/api/sessions", MinimalSession("Réunion").dump()},
      {"GET", "/api/commitments", ""},
      {"GET", "/api/commitments/" + commitment, ""},
      {"POST", "/api/commitments/" + commitment + "/follow-ups",
       R"({"status": "done", "date": "2026-04-01"})"},
      {"GET", "/api/draft", ""},
      {"PUT", "/api/draft", R"({"draft": {"title": "x"}})"},
      {"DELETE", "/api/draft", ""},
  };
  const Case works[] = {
      {"GET", "/api/state", ""},   {"GET", "/api/i18n/en", ""},
      {"GET", "/api/i18n/fr", ""}, {"GET", "/api/vocabulary", ""},
      {"POST", "/api/lock", ""},
  };
  // Locked by request, and by the idle lock: the same answers.
  for (const bool idle : {false, true}) {
    if (idle) {
      f.Unlock();
      // The server's timer would call this; here the clock is not even
      // moved past the limit, the holder is simply told to lock.
      REQUIRE(f.holder().Lock().ok());
    }
    for (const Case& c : needs_vault) {
      INFO(c.method << " " << c.path << (idle ? " (idle lock)" : ""));
      CheckError(f.Call(c.method, c.path, c.body), 423, "locked");
    }
    for (const Case& c : works) {
      INFO(c.method << " " << c.path);
      CHECK(f.Call(c.method, c.path, c.body).status == 200);
    }
  }
  // Nothing was written while locked.
  f.Unlock();
  CHECK(f.SessionTotal() == 1);
  CHECK(f.Commitment(commitment)["follow_ups"].empty());
  CHECK(f.Get("/api/draft").body["draft"].is_null());
}

TEST_CASE(
    "the session list searches text and filters, newest first, with "
    "limit and total",
    "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  std::vector<std::string> ids;  // gao, sinjar, gori
  for (const json& s : ThreeSessions()) ids.push_back(f.AddSession(s)["id"]);
  const std::string gao = ids[0], sinjar = ids[1], gori = ids[2];

  const ApiReply all = f.Get("/api/sessions");
  REQUIRE(all.status == 200);
  CHECK(all.body["total"] == 3);
  REQUIRE(all.body["sessions"].size() == 3);
  const json& first = all.body["sessions"][0];
  CHECK(Keys(first) ==
        std::set<std::string>{"id", "kind", "title", "started_at", "date",
                              "country", "region", "commune", "participants",
                              "open_commitments", "device"});
  CHECK(first["id"] == gao);
  CHECK(first["kind"] == "security_advisory_committee");
  CHECK(first["title"] == "Comité consultatif de sécurité de Gao");
  CHECK(first["date"] == "2026-03-14");
  CHECK(first["country"] == "ML");
  CHECK(first["participants"] == 10);
  CHECK(first["open_commitments"] == 2);

  using Query = std::map<std::string, std::string>;
  struct Case {
    const char* why;
    Query query;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"no filter: newest first", {}, {gao, sinjar, gori}},
      {"a word of the notes, accents ignored", {{"text", "attribue"}}, {gao}},
      {"the same word in capitals with its accent",
       {{"text", "ATTRIBUÉ"}},
       {gao}},
      {"a word of a concern", {{"text", "Bourem"}}, {gao}},
      {"a word of a commitment's owner", {{"text", "commissariat"}}, {gao}},
      {"all words must match", {{"text", "services villages"}}, {sinjar}},
      {"words from two sessions match none", {{"text", "services Bourem"}}, {}},
      {"Arabic text", {{"text", "النازحين"}}, {sinjar}},
      {"a word nowhere", {{"text", "zanzibar"}}, {}},
      {"kind", {{"kind", "training"}}, {gori}},
      {"country", {{"country", "IQ"}}, {sinjar}},
      {"region, any case", {{"region", "nineveh"}}, {sinjar}},
      {"commune", {{"commune", "Gori"}}, {gori}},
      {"from (inclusive)", {{"from", "2026-02-02"}}, {gao, sinjar}},
      {"to (inclusive)", {{"to", "2026-02-02"}}, {sinjar, gori}},
      {"from and to", {{"from", "2026-02-01"}, {"to", "2026-03-01"}}, {sinjar}},
      {"text and country", {{"text", "police"}, {"country", "IQ"}}, {sinjar}},
      {"empty parameters are no filter",
       {{"text", ""}, {"kind", ""}, {"limit", ""}},
       {gao, sinjar, gori}},
  };
  for (const Case& c : cases) {
    INFO(c.why);
    CHECK(f.ListIds(c.query) == c.want);
  }

  // Search syntax is words, not a query language: none of these is an
  // error.
  for (const char* text : {"\"", "*", "Gao*", "NEAR(a b)", "a OR b", "-gao",
                           "title:gao", "'", "(", "^gao", "\\", "%", "_"}) {
    INFO("text=" << text);
    const ApiReply r = f.Get("/api/sessions", {{"text", text}});
    CHECK(r.status == 200);
  }

  struct Page {
    std::string limit;
    std::vector<std::string> want;
  };
  const Page pages[] = {
      {"1", {gao}},
      {"2", {gao, sinjar}},
      {"3", {gao, sinjar, gori}},
      {"200", {gao, sinjar, gori}},
      {"0", {}},
  };
  for (const Page& p : pages) {
    INFO("limit=" << p.limit);
    const ApiReply r = f.Get("/api/sessions", {{"limit", p.limit}});
    REQUIRE(r.status == 200);
    CHECK(f.ListIds({{"limit", p.limit}}) == p.want);
    CHECK(r.body["total"] == 3);  // what the list says about the rest
  }
  const ApiReply filtered =
      f.Get("/api/sessions", {{"limit", "1"}, {"from", "2026-02-01"}});
  CHECK(filtered.body["total"] == 2);

  for (const char* limit : {"-1", "abc", "1.5", "1e3", " 1", "1 ", "+1", "0x10",
                            "99999999999999999999999"}) {
    INFO("limit=" << limit);
    CheckError(f.Get("/api/sessions", {{"limit", limit}}), 400, "bad_request",
               "limit");
  }
}

// The API's filters are `palabre session list`'s: what the command refuses
// (a malformed date, an unknown kind) is refused, and a country is matched
// in any case, as the command does.
TEST_CASE("session filters are checked and normalised as `session list` does",
          "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  const std::string gao = f.AddSession(ThreeSessions()[0])["id"];
  CHECK(f.ListIds({{"country", "ml"}}) == std::vector<std::string>{gao});
  struct Case {
    std::string name;
    std::string value;
  };
  const Case refused[] = {
      {"from", "2026-3-1"}, {"from", "yesterday"}, {"to", "2026-02-30"},
      {"to", "01/03/2026"}, {"kind", "picnic"},
  };
  for (const Case& c : refused) {
    INFO(c.name << "=" << c.value);
    CheckError(f.Get("/api/sessions", {{c.name, c.value}}), 400, "bad_request",
               c.name);
  }
}

TEST_CASE("a session's detail holds the record and its commitments",
          "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  const json session = ThreeSessions()[0];
  const json added = f.AddSession(session);
  const std::string id = added["id"];
  REQUIRE(added["commitments"].size() == 2);

  const ApiReply r = f.Get("/api/sessions/" + id);
  INFO(r.body.dump());
  REQUIRE(r.status == 200);
  const json& record = r.body["session"];
  CHECK(record["id"] == id);
  CHECK(record["format"] == kSessionFormat);
  CHECK(record["title"] == session["title"]);
  CHECK(record["notes"] == session["notes"]);
  CHECK(record["concerns"] == session["concerns"]);
  REQUIRE(r.body["commitments"].size() == 2);
  for (int i = 0; i < 2; ++i) {
    const json& c = r.body["commitments"][i];
    CHECK(c["id"] == added["commitments"][i]);
    CHECK(c["session"] == id);
    CHECK(c["action"] == session["commitments"][i]["action"]);
    CHECK(c["owner"] == session["commitments"][i]["owner"]);
    CHECK(c["due"] == session["commitments"][i]["due"]);
    CHECK(c["status"] == "open");
    CHECK(c["overdue"] == true);  // due in April, today is 1 May
  }

  CheckError(f.Get("/api/sessions/" + std::string(32, '0')), 404, "not_found");
  // Malformed ids are refused, never a crash or another session.
  for (const std::string& bad :
       std::vector<std::string>{std::string(""), std::string("ZZZZ"),
                                std::string("../../etc/passwd"), id + "0",
                                std::string("%00"), id.substr(0, 4) + "/x"}) {
    INFO("'" << bad << "'");
    const ApiReply refused = f.Get("/api/sessions/" + bad);
    CHECK((refused.status == 400 || refused.status == 404));
    CHECK(refused.body.contains("error"));
  }
}

TEST_CASE("a valid session posted is stored and listed", "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  json session =
      MinimalSession("Dialogue au marché de Tillabéri",
                     "2026-04-02T10:00:00+01:00", "NE", "Tillabéri", "");
  session.erase("format");  // the contract: `format` may be left out
  session["commitments"] = {
      Commitment("Réunir les jeunes du quartier.", "Mairie", "2026-06-01")};
  const ApiReply r = f.Call("POST", "/api/sessions", session.dump());
  INFO(r.body.dump());
  REQUIRE(r.status == 201);
  CHECK(Keys(r.body) == std::set<std::string>{"id", "commitments"});
  const std::string id = r.body["id"];
  CHECK(id.size() == 32);
  REQUIRE(r.body["commitments"].size() == 1);

  CHECK(f.ListIds() == std::vector<std::string>{id});
  const ApiReply shown = f.Get("/api/sessions/" + id);
  REQUIRE(shown.status == 200);
  CHECK(shown.body["session"]["title"] == "Dialogue au marché de Tillabéri");
  CHECK(shown.body["commitments"][0]["id"] == r.body["commitments"][0]);

  // An `id` in the body is ignored: a new session is made, none replaced.
  json copy = session;
  copy["id"] = id;
  const json again = f.AddSession(copy);
  CHECK(again["id"] != id);
  CHECK(f.SessionTotal() == 2);
}

TEST_CASE(
    "an invalid session is refused naming the field, and nothing is "
    "written",
    "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  f.AddSession(MinimalSession("Déjà là"));
  struct Case {
    const char* why;
    std::function<void(json&)> spoil;
    std::string path;
  };
  const Case cases[] = {
      {"a commitment due on no date",
       [](json& s) {
         s["commitments"] = {Commitment("Agir.", "Mairie", "not-a-date")};
       },
       "commitments[0].due"},
      {"the second commitment without owner",
       [](json& s) {
         s["commitments"] = {Commitment("Agir.", "Mairie"),
                             {{"action", "Agir encore."}}};
       },
       "commitments[1].owner"},
      {"no title", [](json& s) { s.erase("title"); }, "title"},
      {"an empty title", [](json& s) { s["title"] = ""; }, "title"},
      {"a title that is a number", [](json& s) { s["title"] = 7; }, "title"},
      {"an unknown field", [](json& s) { s["password"] = "x"; }, "password"},
      {"an unknown kind", [](json& s) { s["kind"] = "picnic"; }, "kind"},
      {"a start without offset",
       [](json& s) { s["started_at"] = "2026-03-14T09:30:00"; }, "started_at"},
      {"no country", [](json& s) { s["place"].erase("country"); },
       "place.country"},
      {"a bad country", [](json& s) { s["place"]["country"] = "XYZ"; },
       "place.country"},
      {"a negative count",
       [](json& s) {
         s["participants"] = {{"by_sex", {{"female", -1}}}};
       },
       "participants.by_sex.female"},
      {"an unknown concern category",
       [](json& s) {
         s["concerns"] = {{{"category", "weather"}, {"summary", "Pluie."}}};
       },
       "concerns[0].category"},
      {"another format", [](json& s) { s["format"] = "palabre.session/2"; },
       "format"},
  };
  for (const Case& c : cases) {
    INFO(c.why);
    json session = MinimalSession("Réunion refusée");
    c.spoil(session);
    CheckError(f.Call("POST", "/api/sessions", session.dump()), 400,
               "invalid_record", c.path);
  }
  CHECK(f.SessionTotal() == 1);
  CHECK(f.Get("/api/commitments").body["commitments"].empty());
}

TEST_CASE("hostile session bodies are refused and nothing is written",
          "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  const std::string valid = MinimalSession("Réunion").dump();
  const std::string deep = R"({"title": )" + std::string(100000, '[') +
                           std::string(100000, ']') + "}";
  std::string huge_notes = MinimalSession("Réunion").dump();
  huge_notes.insert(huge_notes.size() - 1,
                    R"(,"notes":")" + std::string(2 << 20, 'x') + "\"");
  struct Case {
    const char* why;
    std::string body;
  };
  const Case cases[] = {
      {"empty", ""},
      {"whitespace", "  \n "},
      {"not JSON", "{title: Réunion"},
      {"cut short", valid.substr(0, valid.size() / 2)},
      {"null", "null"},
      {"a number", "42"},
      {"a string", "\"session\""},
      {"an empty array", "[]"},
      {"an array of one valid session", "[" + valid + "]"},
      {"two objects", valid + valid},
      {"duplicate keys", R"({"title": "a", "title": "b"})"},
      {"invalid UTF-8", "{\"title\": \"\xff\xfe\"}"},
      {"a NUL byte", std::string("{\"title\": \"a\0b\"}", 17)},
      {"deep nesting", deep},
      {"huge notes (2 MiB)", huge_notes},
      {"a lone surrogate", R"({"title": "\ud800"})"},
  };
  for (const Case& c : cases) {
    INFO(c.why);
    CheckError(f.Call("POST", "/api/sessions", c.body), 400, "invalid_record");
  }
  CHECK(f.SessionTotal() == 0);
}

TEST_CASE(
    "commitments list, show their follow-ups, and a follow-up changes "
    "the status",
    "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  std::vector<json> added;
  for (const json& s : ThreeSessions()) added.push_back(f.AddSession(s));
  const std::string publish = added[0]["commitments"][0];  // due 04-30
  const std::string focal = added[0]["commitments"][1];    // due 04-15
  const std::string desk = added[1]["commitments"][0];     // no due date

  ApiReply r = f.Get("/api/commitments");
  REQUIRE(r.status == 200);
  CHECK(r.body["today"] == kToday);
  REQUIRE(r.body["commitments"].size() == 3);
  const json& one = r.body["commitments"][0];
  CHECK(Keys(one) == std::set<std::string>{"id", "session", "session_title",
                                           "session_date", "country", "region",
                                           "commune", "action", "owner", "due",
                                           "status", "status_date", "overdue"});

  auto ids = [&](const std::map<std::string, std::string>& query) {
    const ApiReply list = f.Get("/api/commitments", query);
    INFO(list.body.dump());
    REQUIRE(list.status == 200);
    std::set<std::string> out;
    for (const json& c : list.body["commitments"]) out.insert(c["id"]);
    return out;
  };
  using Ids = std::set<std::string>;
  CHECK(ids({}) == Ids{publish, focal, desk});
  CHECK(ids({{"status", "open"}}) == Ids{publish, focal, desk});
  CHECK(ids({{"overdue", "true"}}) == Ids{publish, focal});
  CHECK(ids({{"overdue", "1"}}) == Ids{publish, focal});
  CHECK(ids({{"owner", "sinjar"}}) == Ids{desk});
  CHECK(ids({{"country", "IQ"}}) == Ids{desk});
  CHECK(ids({{"country", "iq"}}) == Ids{desk});
  CHECK(ids({{"limit", "1"}}).size() == 1);
  CheckError(f.Get("/api/commitments", {{"status", "finished"}}), 400,
             "bad_request", "status");
  CheckError(f.Get("/api/commitments", {{"limit", "-2"}}), 400, "bad_request",
             "limit");

  json shown = f.Commitment(publish);
  CHECK(shown["id"] == publish);
  CHECK(shown["status"] == "open");
  CHECK(shown["status_date"].is_null());
  CHECK(shown["overdue"] == true);
  CHECK(shown["follow_ups"] == json::array());
  CheckError(f.Get("/api/commitments/" + std::string(32, 'f')), 404,
             "not_found");

  // A follow-up: 201, and the status follows it.
  r = f.Post("/api/commitments/" + publish + "/follow-ups",
             {{"status", "in_progress"},
              {"date", "2026-04-20"},
              {"note", "Premier échange avec le commissaire."}});
  INFO(r.body.dump());
  REQUIRE(r.status == 201);
  const std::string first = r.body["id"];
  shown = f.Commitment(publish);
  CHECK(shown["status"] == "in_progress");
  CHECK(shown["status_date"] == "2026-04-20");
  CHECK(shown["overdue"] == true);  // in progress and past due
  REQUIRE(shown["follow_ups"].size() == 1);
  CHECK(Keys(shown["follow_ups"][0]).count("id") == 1);
  CHECK(shown["follow_ups"][0]["id"] == first);
  CHECK(shown["follow_ups"][0]["status"] == "in_progress");
  CHECK(shown["follow_ups"][0]["date"] == "2026-04-20");
  CHECK(shown["follow_ups"][0]["note"] ==
        "Premier échange avec le commissaire.");
  CHECK(shown["follow_ups"][0]["created_at"].is_string());

  // Done: no longer overdue, no longer open; follow-ups oldest first.
  r = f.Post("/api/commitments/" + publish + "/follow-ups",
             {{"status", "done"}, {"date", "2026-04-28"}});
  REQUIRE(r.status == 201);
  shown = f.Commitment(publish);
  CHECK(shown["status"] == "done");
  CHECK(shown["overdue"] == false);
  REQUIRE(shown["follow_ups"].size() == 2);
  CHECK(shown["follow_ups"][0]["id"] == first);
  CHECK(shown["follow_ups"][1]["id"] == r.body["id"]);
  CHECK(ids({{"status", "done"}}) == Ids{publish});
  CHECK(ids({{"overdue", "true"}}) == Ids{focal});
  const ApiReply session =
      f.Get("/api/sessions/" + added[0]["id"].get<std::string>());
  CHECK(session.body["commitments"][0]["status"] == "done");
  CHECK(f.Get("/api/sessions").body["sessions"][0]["open_commitments"] == 1);

  // Bad follow-ups: 400 naming the field, and nothing recorded.
  struct Case {
    const char* why;
    std::string body;
    std::string says;
  };
  const Case refused[] = {
      {"an unknown status", R"({"status": "finished", "date": "2026-04-29"})",
       "status"},
      {"no status", R"({"date": "2026-04-29"})", "status"},
      {"a status that is not text", R"({"status": 3, "date": "2026-04-29"})",
       "status"},
      {"no date", R"({"status": "blocked"})", "date"},
      {"no such day", R"({"status": "blocked", "date": "2026-02-30"})", "date"},
      {"a date with a time",
       R"({"status": "blocked", "date": "2026-04-29T10:00:00Z"})", "date"},
      {"a note too long",
       json{{"status", "blocked"},
            {"date", "2026-04-29"},
            {"note", std::string(4001, 'n')}}
           .dump(),
       "note"},
      {"not JSON", "status=blocked", ""},
      {"an array", R"([{"status": "blocked", "date": "2026-04-29"}])", ""},
  };
  for (const Case& c : refused) {
    INFO(c.why);
    CheckError(
        f.Call("POST", "/api/commitments/" + publish + "/follow-ups", c.body),
        400, "bad_request", c.says);
  }
  CHECK(f.Commitment(publish)["follow_ups"].size() == 2);
  CheckError(f.Post("/api/commitments/" + std::string(32, 'f') + "/follow-ups",
                    {{"status", "done"}, {"date", "2026-04-29"}}),
             404, "not_found");
}

TEST_CASE(
    "the form's draft is kept, replaced, survives locking, and is "
    "forgotten",
    "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  ApiReply r = f.Get("/api/draft");
  REQUIRE(r.status == 200);
  CHECK(r.body == json{{"draft", nullptr}, {"saved_at", nullptr}});

  const json first = {{"title", "Réunion à Gao"},
                      {"concerns", {{{"summary", "ქართული"}}}}};
  f.set_wall_ms(1'777'000'000'123);
  r = f.Call("PUT", "/api/draft", json{{"draft", first}}.dump());
  INFO(r.body.dump());
  REQUIRE(r.status == 200);
  CHECK(r.body == json{{"saved_at", 1'777'000'000'123}});
  CHECK(f.Get("/api/draft").body ==
        json{{"draft", first}, {"saved_at", 1'777'000'000'123}});

  const json second = {{"title", "Réunion à Gao, suite"}};
  f.set_wall_ms(1'777'000'005'000);
  REQUIRE(f.Call("PUT", "/api/draft", json{{"draft", second}}.dump()).status ==
          200);
  CHECK(f.Get("/api/draft").body["draft"] == second);

  // Refused drafts leave the one kept as it was.
  struct Case {
    const char* why;
    std::string body;
  };
  const Case refused[] = {
      {"not JSON", "{draft"},
      {"no draft", "{}"},
      {"a draft that is an array", R"({"draft": [1, 2]})"},
      {"a draft that is text", R"({"draft": "title"})"},
      {"a null draft", R"({"draft": null})"},
      {"over 1 MiB",
       json{{"draft", {{"notes", std::string(1 << 20, 'x')}}}}.dump()},
  };
  for (const Case& c : refused) {
    INFO(c.why);
    CheckError(f.Call("PUT", "/api/draft", c.body), 400, "bad_request");
    CHECK(f.Get("/api/draft").body["draft"] == second);
  }

  // Kept in the vault: locking and unlocking loses nothing.
  f.Lock();
  CheckError(f.Get("/api/draft"), 423, "locked");
  f.Unlock();
  CHECK(f.Get("/api/draft").body ==
        json{{"draft", second}, {"saved_at", 1'777'000'005'000}});
  // A draft is not a session.
  CHECK(f.SessionTotal() == 0);

  r = f.Call("DELETE", "/api/draft");
  REQUIRE(r.status == 200);
  CHECK(r.body == json::object());
  CHECK(f.Get("/api/draft").body["draft"].is_null());
  CHECK(f.Call("DELETE", "/api/draft").status == 200);  // none: still fine
  CheckError(f.Call("POST", "/api/draft", json{{"draft", first}}.dump()), 404,
             "not_found");
}

// A draft is any JSON object the page sends: one nested very deep (under
// the server's 1 MiB) must be refused or kept, never bring the server down.
// The call runs in a child process so that a crash fails this test only.
TEST_CASE("a deeply nested draft does not crash the API", "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  const int depth = 400000;
  const std::string body = R"({"draft": {"a": )" + std::string(depth, '[') +
                           std::string(depth, ']') + "}}";
  REQUIRE(body.size() < (1u << 20));
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No test framework report from the child: a crash is its exit status.
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    const ApiReply r = f.Call("PUT", "/api/draft", body);
    const ApiReply state = f.Get("/api/state");
    _exit((r.status == 200 || r.status == 400) && state.status == 200 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  INFO("child " << (WIFSIGNALED(status)
                        ? "killed by signal " + std::to_string(WTERMSIG(status))
                        : "exit " + std::to_string(WEXITSTATUS(status))));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

// The page's texts: both languages must be complete, or part of the page
// shows raw keys (or the other language) to a facilitator.
TEST_CASE(
    "both string tables are served, with the same keys and "
    "placeholders",
    "[ui][api][i18n]") {
  ApiFixture f;  // locked: the unlock screen needs them
  const ApiReply en = f.Get("/api/i18n/en");
  const ApiReply fr = f.Get("/api/i18n/fr");
  REQUIRE(en.status == 200);
  REQUIRE(fr.status == 200);
  REQUIRE(en.body.is_object());
  REQUIRE(fr.body.is_object());
  CHECK(en.body.size() > 50);
  CHECK(en.body["locale"] == "en");
  CHECK(fr.body["locale"] == "fr");

  const std::set<std::string> en_keys = Keys(en.body);
  const std::set<std::string> fr_keys = Keys(fr.body);
  for (const std::string& key : en_keys) {
    INFO("key of en.json missing from fr.json: " << key);
    CHECK(fr_keys.count(key) == 1);
  }
  for (const std::string& key : fr_keys) {
    INFO("key of fr.json missing from en.json: " << key);
    CHECK(en_keys.count(key) == 1);
  }

  // Every text is a non-empty string, and a translation keeps the
  // original's {placeholders} (the page fills them in).
  const std::regex placeholder(R"(\{[a-z_]+\})");
  auto placeholders = [&](const std::string& text) {
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder);
         it != std::sregex_iterator(); ++it) {
      out.insert(it->str());
    }
    return out;
  };
  for (const std::string& key : en_keys) {
    INFO(key);
    REQUIRE(en.body[key].is_string());
    CHECK_FALSE(en.body[key].get<std::string>().empty());
    if (fr_keys.count(key) == 0) continue;
    REQUIRE(fr.body[key].is_string());
    CHECK_FALSE(fr.body[key].get<std::string>().empty());
    CHECK(placeholders(en.body[key]) == placeholders(fr.body[key]));
  }

  // Every code the session form offers has a name in the tables.
  const ApiReply vocabulary = f.Get("/api/vocabulary");
  REQUIRE(vocabulary.status == 200);
  const std::map<std::string, std::string> prefixes = {
      {"kinds", "kind."},
      {"groups", "group."},
      {"categories", "category."},
      {"sexes", "sex."},
      {"ages", "age."},
      {"attributions", "attribution."},
      {"statuses", "status."}};
  CHECK(Keys(vocabulary.body).size() == prefixes.size());
  for (const auto& [list, prefix] : prefixes) {
    REQUIRE(vocabulary.body.contains(list));
    CHECK_FALSE(vocabulary.body[list].empty());
    for (const json& code : vocabulary.body[list]) {
      const std::string key = prefix + code.get<std::string>();
      INFO("no text for " << key);
      CHECK(en_keys.count(key) == 1);
      CHECK(fr_keys.count(key) == 1);
    }
  }
  // The vocabulary is core's.
  CHECK(vocabulary.body["kinds"].size() == SessionKinds().size());
  CHECK(vocabulary.body["statuses"][0] == "open");
}

TEST_CASE("other languages and path-like names get 404", "[ui][api][i18n]") {
  ApiFixture f;
  for (const std::string& name :
       std::vector<std::string>{"de",
                                "ar",
                                "EN",
                                "Fr",
                                "en.json",
                                "i18n/en",
                                "../en",
                                "..%2Fen",
                                "../../i18n/en.json",
                                "en/",
                                "./en",
                                "en/../fr",
                                "",
                                ".",
                                "..",
                                "e n",
                                "en%00",
                                std::string("en\0", 3),
                                "en\n",
                                "index.html",
                                "../app.js",
                                std::string(17, 'a'),
                                std::string(4096, 'e')}) {
    INFO("'" << name << "'");
    CheckError(f.Get("/api/i18n/" + name), 404, "not_found");
  }
}

TEST_CASE("unknown routes get 404", "[ui][api]") {
  ApiFixture f;
  f.Unlock();
  struct Case {
    std::string method;
    std::string path;
  };
  const Case cases[] = {
      {"GET", "/api"},
      {"GET", "/api/"},
      {"GET", "/api/nothing"},
      {"GET", "/api/statex"},
      {"GET", "/api/state/"},
      {"GET", "/api/i18n"},
      {"POST", "/api/state"},
      {"GET", "/api/unlock"},
      {"GET", "/api/lock"},
      {"PUT", "/api/sessions"},
      {"DELETE", "/api/sessions"},
      {"POST", "/api/vocabulary"},
      {"POST", "/api/commitments"},
      {"POST", "/api/commitments/follow-ups"},
      {"POST", "/api/commitments//follow-ups"},
      {"GET", "/api/commitments/abcd/follow-ups"},
      {"POST", "/api/draft"},
      {"PATCH", "/api/draft"},
      {"GET", "/index.html"},
      {"GET", "/API/STATE"},
  };
  for (const Case& c : cases) {
    INFO(c.method << " " << c.path);
    CheckError(f.Call(c.method, c.path, "{}"), 404, "not_found");
  }
}

TEST_CASE("wipe destroys the vault, locked or not, only when confirmed",
          "[ui][api][wipe]") {
  for (const bool unlocked : {false, true}) {
    INFO((unlocked ? "unlocked" : "locked"));
    ApiFixture f;
    if (unlocked) {
      f.Unlock();
      f.AddSession(ThreeSessions()[0]);
    }
    const std::filesystem::path keys =
        std::filesystem::path(f.vault_path()) / "keys";
    REQUIRE(std::filesystem::exists(keys));
    // Not confirmed: nothing happens.
    for (const std::string& body :
         {std::string("{}"), std::string(R"({"confirm": "WIPE"})"),
          std::string(R"({"confirm": "yes"})"),
          std::string(R"({"confirm": true})"), std::string("not json")}) {
      INFO(body);
      CheckError(f.Call("POST", "/api/wipe", body), 400, "bad_request");
      CHECK(std::filesystem::exists(keys));
    }
    CHECK(f.Call("GET", "/api/wipe").status == 404);  // only POST
    if (unlocked) CHECK(f.SessionTotal() == 1);

    const ApiReply wiped = f.Post("/api/wipe", {{"confirm", "wipe"}});
    INFO(wiped.body.dump());
    REQUIRE(wiped.status == 200);
    CHECK(wiped.body["wiped"] == true);
    CHECK(wiped.body["files_removed"].get<int64_t>() >= 2);
    CHECK_FALSE(std::filesystem::exists(keys));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::path(f.vault_path()) /
                                        "palabre.db"));
    CHECK(f.Get("/api/state").body["locked"] == true);
    CheckError(f.Get("/api/sessions"), 423, "locked");
    // Nothing left to unlock or to wipe again.
    CheckError(f.Post("/api/unlock", {{"passphrase", kPassphrase}}), 404,
               "not_found");
    CheckError(f.Post("/api/wipe", {{"confirm", "wipe"}}), 404, "not_found");
  }
}

}  // namespace
}  // namespace palabre::testing

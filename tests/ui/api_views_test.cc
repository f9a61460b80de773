// The brief, report and sync views of the web app's API (docs/ui-api.md:
// /api/report, /api/brief, /api/sync), through Api::Handle on a real vault.
// These tests prove what the page relies on: the report and the brief hold
// the figures of `palabre report` and `palabre brief` (the same JSON), with
// their filters checked as the CLI checks its options; their charts are
// core's SVG, inert (no script, no style, no link), accessible, in the
// language asked for (titles, vocabulary names, "no data"), English for an
// unknown one; the sync view says whether the vault can sync at all, shows
// the outcome the vault keeps (from the CLI as well), refuses to start on a
// vault of no organisation and takes only a sane retry time; and none of
// it works while the vault is locked.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "sync/last_sync.h"
#include "tests/core/records_fixture_util.h"
#include "tests/ui/api_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;
using ui::ApiReply;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::set<std::string> ChartIds(const json& body) {
  std::set<std::string> ids;
  for (const json& c : body["charts"]) ids.insert(c["id"].get<std::string>());
  return ids;
}

std::string ChartSvg(const json& body, const std::string& id) {
  for (const json& c : body["charts"]) {
    if (c["id"] == id) return c["svg"];
  }
  return "";
}

// Checks one chart is an inert, accessible SVG element.
void CheckInertSvg(const std::string& svg) {
  INFO(svg.substr(0, 200));
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(svg.substr(svg.size() - 6) == "</svg>");
  CHECK(Contains(svg, "role=\"img\""));
  CHECK(Contains(svg, "<title id="));
  CHECK(Contains(svg, "<desc id="));
  for (const char* banned :
       {"<script", "style=", "<style", "href", "http:", "https:", "<a ",
        "<foreignObject", "<image", "<use"}) {
    CHECK_FALSE(Contains(svg, banned));
  }
  // No event handler attribute (onload=, onclick=, ...).
  CHECK_FALSE(std::regex_search(svg, std::regex(R"(\son[a-z]+\s*=)")));
}

class ViewsFixture : public ApiFixture {
 public:
  ViewsFixture() {
    Unlock();
    for (const json& s : ThreeSessions()) AddSession(s);
  }
};

TEST_CASE("the report view holds the report's figures and its charts",
          "[ui][api][report]") {
  ViewsFixture f;
  const ApiReply all = f.Get("/api/report");
  INFO(all.body.dump().substr(0, 500));
  REQUIRE(all.status == 200);
  const json& report = all.body["report"];
  CHECK(report["format"] == "palabre.report/1");
  CHECK(report["sessions"] == 3);
  CHECK(report["filter"]["today"] == kToday);
  CHECK(report["commitments"]["total"]["made"].get<int64_t>() > 0);
  const std::set<std::string> ids = ChartIds(all.body);
  CHECK(ids.count("participation-sex") == 1);
  CHECK(ids.count("concerns") == 1);
  for (const json& c : all.body["charts"]) CheckInertSvg(c["svg"]);
  // English when no language is asked for.
  CHECK(Contains(ChartSvg(all.body, "participation-sex"),
                 ">Participants by sex</title>"));
  CHECK(Contains(ChartSvg(all.body, "participation-sex"), ">Women</text>"));

  // The CLI's filters: a place (any case), a period.
  const ApiReply mali = f.Get("/api/report", {{"country", "ml"}});
  REQUIRE(mali.status == 200);
  CHECK(mali.body["report"]["sessions"] == 1);
  CHECK(mali.body["report"]["filter"]["country"] == "ML");
  const ApiReply none =
      f.Get("/api/report", {{"from", "2030-01-01"}, {"to", "2030-12-31"}});
  REQUIRE(none.status == 200);
  CHECK(none.body["report"]["sessions"] == 0);
  CHECK(none.body["charts"].empty());  // as the HTML report: no empty chart

  struct Refused {
    std::map<std::string, std::string> query;
    std::string says;
  };
  const Refused refused[] = {
      {{{"from", "2026-13-01"}}, "from"},
      {{{"to", "yesterday"}}, "to"},
      {{{"from", "2026-05-01"}, {"to", "2026-04-01"}}, "from"},
      {{{"country", "Mali"}}, "country"},
      {{{"country", "M1"}}, "country"},
  };
  for (const Refused& r : refused) {
    INFO(json(r.query).dump());
    CheckError(f.Get("/api/report", r.query), 400, "bad_request", r.says);
  }
}

TEST_CASE("charts come in the language asked for, English for another",
          "[ui][api][report][i18n]") {
  ViewsFixture f;
  const ApiReply fr = f.Get("/api/report", {{"lang", "fr"}});
  REQUIRE(fr.status == 200);
  const std::string sex = ChartSvg(fr.body, "participation-sex");
  CHECK(Contains(sex, ">Participants par sexe</title>"));
  CHECK(Contains(sex, ">Femmes</text>"));
  CHECK_FALSE(Contains(sex, "Women"));
  CHECK(Contains(ChartSvg(fr.body, "concerns"),
                 ">Préoccupations par catégorie</title>"));
  // The figures do not depend on the language.
  CHECK(fr.body["report"] == f.Get("/api/report").body["report"]);

  for (const char* other : {"de", "", "../en", "EN", "fr-FR-x-very-long-tag"}) {
    INFO(other);
    const ApiReply r = f.Get("/api/report", {{"lang", other}});
    REQUIRE(r.status == 200);
    CHECK(Contains(ChartSvg(r.body, "participation-sex"),
                   ">Participants by sex</title>"));
  }
}

TEST_CASE("the brief view holds one place's brief, months chart first",
          "[ui][api][brief]") {
  ViewsFixture f;
  CheckError(f.Get("/api/brief"), 400, "bad_request", "country");
  CheckError(f.Get("/api/brief", {{"country", "Mali"}}), 400, "bad_request",
             "country");

  const ApiReply gao = f.Get("/api/brief", {{"country", "ml"}, {"lang", "fr"}});
  INFO(gao.body.dump().substr(0, 500));
  REQUIRE(gao.status == 200);
  const json& brief = gao.body["brief"];
  CHECK(brief["format"] == "palabre.brief/1");
  CHECK(brief["filter"]["country"] == "ML");
  CHECK(brief["sessions"] == 1);
  CHECK(brief["first_date"] == "2026-03-14");
  CHECK(brief["open_commitments"]["open"] == 2);
  REQUIRE_FALSE(gao.body["charts"].empty());
  CHECK(gao.body["charts"][0]["id"] == "months");
  const std::string months = gao.body["charts"][0]["svg"];
  CHECK(Contains(months, ">Participants par mois</title>"));
  // Months as the language writes them: "mars 2026", not "2026-03".
  CHECK(Contains(months, "<title>mars\u00a02026: "));
  CHECK_FALSE(Contains(months, "2026-03"));
  const ApiReply en = f.Get("/api/brief", {{"country", "ML"}});
  REQUIRE(en.status == 200);
  CHECK(Contains(en.body["charts"][0]["svg"].get<std::string>(),
                 "<title>Mar\u00a02026: "));
  for (const json& c : gao.body["charts"]) CheckInertSvg(c["svg"]);

  // A place with no session: an empty brief, not an error.
  const ApiReply empty =
      f.Get("/api/brief", {{"country", "ML"}, {"region", "Nulle part"}});
  REQUIRE(empty.status == 200);
  CHECK(empty.body["brief"]["sessions"] == 0);
  CHECK(empty.body["brief"]["first_date"].is_null());
  CHECK(empty.body["charts"].empty());
}

TEST_CASE("the sync view: a vault of no organisation cannot sync, and says so",
          "[ui][api][sync]") {
  ApiFixture f;
  f.Unlock();
  const ApiReply state = f.Get("/api/sync");
  INFO(state.body.dump());
  REQUIRE(state.status == 200);
  CHECK(state.body["running"] == false);
  CHECK(state.body["enrolled"] == false);
  CHECK(state.body["server"].is_null());
  CHECK(state.body["progress"].is_null());
  CHECK(state.body["last"].is_null());
  CheckError(f.Call("POST", "/api/sync"), 409, "not_enrolled", "enrol");
  CHECK(f.Get("/api/sync").body["running"] == false);

  for (const char* body :
       {R"({"max_wait_seconds": -1})", R"({"max_wait_seconds": 86401})",
        R"({"max_wait_seconds": "10"})", R"({"max_wait_seconds": 1.5})", "[]",
        "not json"}) {
    INFO(body);
    CheckError(f.Call("POST", "/api/sync", body), 400, "bad_request");
  }
}

TEST_CASE("the sync view shows the outcome the vault keeps",
          "[ui][api][sync]") {
  ApiFixture f;
  f.Unlock();
  sync::SyncResult result;
  result.pushed = 4;
  result.attempts = 3;
  REQUIRE(f.holder()
              .Use([&](Vault& vault, RecordStore&) {
                return sync::StoreLastSync(
                    vault.db(),
                    sync::MakeLastSync(UnavailableError("no answer"), result,
                                       1'777'000'000'000));
              })
              .ok());
  const ApiReply state = f.Get("/api/sync");
  REQUIRE(state.status == 200);
  const json& last = state.body["last"];
  CHECK(Keys(last) == std::set<std::string>{"finished_at", "ok", "code",
                                            "message", "pushed", "pulled",
                                            "rejected", "attempts"});
  CHECK(last["ok"] == false);
  CHECK(last["code"] == "unavailable");
  CHECK(last["message"] == "no answer");
  CHECK(last["pushed"] == 4);
  CHECK(last["attempts"] == 3);
  CHECK(last["finished_at"] == 1'777'000'000'000);
}

TEST_CASE("the brief, report and sync views need the vault unlocked",
          "[ui][api]") {
  ApiFixture f;
  struct Case {
    std::string method;
    std::string path;
    std::map<std::string, std::string> query;
  };
  const Case cases[] = {
      {"GET", "/api/report", {}},
      {"GET", "/api/brief", {{"country", "ML"}}},
      {"GET", "/api/sync", {}},
      {"POST", "/api/sync", {}},
  };
  for (const Case& c : cases) {
    INFO(c.method << " " << c.path);
    CheckError(f.Call(c.method, c.path, "", c.query), 423, "locked");
  }
}

}  // namespace
}  // namespace palabre::testing

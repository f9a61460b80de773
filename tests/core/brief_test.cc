// The handover brief (core/brief.h) over a small vault filled through
// RecordStore, checked against figures worked out by hand.
#include "core/brief.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/database.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/render_html.h"
#include "core/render_json.h"
#include "core/render_markdown.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

constexpr char kToday[] = "2026-05-01";

json Session(const std::string& kind, const std::string& title,
             const std::string& started_at, json place, json participants,
             json concerns, json commitments) {
  return {{"format", "palabre.session/1"},
          {"kind", kind},
          {"title", title},
          {"started_at", started_at},
          {"place", std::move(place)},
          {"participants", std::move(participants)},
          {"concerns", std::move(concerns)},
          {"commitments", std::move(commitments)}};
}

json Concern(const std::string& category, const std::string& summary) {
  return {{"category", category}, {"raised_by", "youth"}, {"summary", summary}};
}

json Commitment(const std::string& action, const std::string& owner,
                const std::string& due) {
  json c = {{"action", action}, {"owner", owner}};
  if (!due.empty()) c["due"] = due;
  return c;
}

// Two sessions in Gao (in two communes) and one in Mopti, which no Gao
// brief may show.
class Fixture {
 public:
  Fixture() {
    MakeVault(dir_.path());
    vault_ = OpenVault(dir_.path());
    auto store = RecordStore::Open(*vault_);
    INFO(store.status().ToString());
    REQUIRE(store.ok());
    const std::vector<json> sessions = {
        Session("security_advisory_committee", "Comité de Gao",
                "2026-01-10T09:00:00+00:00",
                {{"country", "ML"},
                 {"region", "Gao"},
                 {"commune", "Gao"},
                 {"site", "SECRET-SITE"}},
                {{"by_sex", {{"female", 5}, {"male", 7}}}},
                {Concern("police_conduct", "Contrôles A"),
                 Concern("armed_groups", "Menaces"),
                 Concern("police_conduct", "Racket")},
                {Commitment("Publier les horaires", "Commissariat de Gao",
                            "2026-02-01"),
                 Commitment("Désigner un point focal", "Commissariat de Gao",
                            "2026-03-01"),
                 Commitment("Réparer l'éclairage", "Mairie de Gao", "")}),
        Session(
            "community_dialogue", "Dialogue d'Ansongo",
            "2026-03-05T10:00:00+00:00",
            {{"country", "ML"}, {"region", "Gao"}, {"commune", "Ansongo"}},
            {{"by_sex", {{"female", 10}}}},
            {Concern("police_conduct", "Patrouilles"),
             Concern("police_conduct", "Arrestations")},
            {Commitment("Ouvrir un guichet", "Mairie de Gao", "2026-04-01"),
             Commitment("Nommer un médiateur", "mairie de Gao", kToday),
             Commitment("Escorter les convois", "Gendarmerie", "2026-04-15")}),
        Session(
            "community_dialogue", "Dialogue de Mopti",
            "2026-02-20T10:00:00+00:00",
            {{"country", "ML"}, {"region", "Mopti"}},
            {{"by_sex", {{"female", 1}}}},
            {Concern("police_conduct", "Ailleurs")},
            {Commitment("Ailleurs aussi", "Mairie de Mopti", "2026-01-01")}),
    };
    std::vector<SessionInput> inputs;
    for (const json& j : sessions) {
      auto input = ParseSession(j);
      INFO(input.status().ToString());
      REQUIRE(input.ok());
      inputs.push_back(std::move(input).value());
    }
    auto added = store->AddSessions(inputs);
    INFO(added.status().ToString());
    REQUIRE(added.ok());
    REQUIRE(added->size() == 3);
    const auto& gao = (*added)[0].commitments;
    const auto& ansongo = (*added)[1].commitments;
    FollowUp(*store, gao[0], "done", "Affiché", "2026-01-25");
    FollowUp(*store, gao[1], "open", "Relance", "2026-03-10");
    FollowUp(*store, ansongo[0], "dropped", "", "2026-04-02");
    FollowUp(*store, ansongo[2], "in_progress", "Premier convoi", "2026-04-01");
    FollowUp(*store, ansongo[2], "blocked", "Pas de carburant", "2026-04-10");
  }

  Database& db() { return vault_->db(); }

 private:
  static void FollowUp(RecordStore& store, const std::string& id,
                       const std::string& status, const std::string& note,
                       const std::string& date) {
    auto added = store.AddFollowUp(id, FollowUpInput{status, note, date});
    INFO(added.status().ToString());
    REQUIRE(added.ok());
  }

  TempDir dir_;
  std::unique_ptr<Vault> vault_;
};

BriefFilter GaoFilter() {
  BriefFilter filter;
  filter.country = "ml";
  filter.region = "GAO";
  filter.today = kToday;
  filter.generated_at = "2026-05-01T08:00:00Z";
  return filter;
}

TEST_CASE("the brief describes one place's sessions and concerns", "[brief]") {
  Fixture fixture;
  auto brief = ComputeBrief(fixture.db(), GaoFilter());
  INFO(brief.status().ToString());
  REQUIRE(brief.ok());
  CHECK(brief->filter.generated_at == "2026-05-01T08:00:00Z");
  CHECK(brief->sessions == 2);
  CHECK(brief->first_date == "2026-01-10");
  CHECK(brief->last_date == "2026-03-05");
  CHECK(brief->participants == 22);

  REQUIRE(brief->kinds.size() == 2);
  CHECK(brief->kinds[0].kind == "community_dialogue");
  CHECK(brief->kinds[0].sessions == 1);
  CHECK(brief->kinds[1].kind == "security_advisory_committee");

  // Every month from the first to the last, the empty one included.
  REQUIRE(brief->months.size() == 3);
  CHECK(brief->months[0].month == "2026-01");
  CHECK(brief->months[0].sessions == 1);
  CHECK(brief->months[0].participants == 12);
  CHECK(brief->months[1].month == "2026-02");
  CHECK(brief->months[1].sessions == 0);
  CHECK(brief->months[2].month == "2026-03");
  CHECK(brief->months[2].participants == 10);

  REQUIRE(brief->participation.size() == 2);
  CHECK(brief->participation[0].key == "female");
  CHECK(brief->participation[0].participants == 15);
  CHECK(brief->participation[0].sessions == 2);
  CHECK(brief->participation[1].key == "male");
  CHECK(brief->participation[1].participants == 7);

  // Concerns: the latest three summaries, newest first.
  REQUIRE(brief->concerns.size() == 2);
  const BriefConcern& police = brief->concerns[0];
  CHECK(police.category == "police_conduct");
  CHECK(police.concerns == 4);
  CHECK(police.sessions == 2);
  REQUIRE(police.latest.size() == 3);
  CHECK(police.latest[0].date == "2026-03-05");
  CHECK(police.latest[0].summary == "Patrouilles");
  CHECK(police.latest[1].summary == "Arrestations");
  CHECK(police.latest[2].date == "2026-01-10");
  CHECK(police.latest[2].summary == "Contrôles A");
  CHECK(brief->concerns[1].category == "armed_groups");
  REQUIRE(brief->concerns[1].latest.size() == 1);
}

TEST_CASE("the brief lists open commitments by owner with follow-ups",
          "[brief]") {
  Fixture fixture;
  auto brief = ComputeBrief(fixture.db(), GaoFilter());
  REQUIRE(brief.ok());
  CHECK(brief->open_total == 4);
  CHECK(brief->overdue_total == 1);
  REQUIRE(brief->open_commitments.size() == 4);

  // Owners in alphabetical order, whatever their case.
  const OwnerCommitments& police = brief->open_commitments[0];
  CHECK(police.owner == "Commissariat de Gao");
  CHECK(police.overdue == 1);
  REQUIRE(police.commitments.size() == 1);  // the done one is left out
  const BriefCommitment& focal = police.commitments[0];
  CHECK(focal.action == "Désigner un point focal");
  CHECK(focal.overdue);
  CHECK(focal.status == "open");
  CHECK(focal.due == "2026-03-01");
  CHECK(focal.session_date == "2026-01-10");
  CHECK(focal.session_title == "Comité de Gao");
  CHECK(focal.id.size() == 32);
  REQUIRE(focal.follow_ups.size() == 1);
  CHECK(focal.follow_ups[0].date == "2026-03-10");
  CHECK(focal.follow_ups[0].status == "open");
  CHECK(focal.follow_ups[0].note == "Relance");

  const OwnerCommitments& gendarmerie = brief->open_commitments[1];
  CHECK(gendarmerie.owner == "Gendarmerie");
  REQUIRE(gendarmerie.commitments.size() == 1);
  const BriefCommitment& convoy = gendarmerie.commitments[0];
  CHECK(convoy.status == "blocked");
  CHECK(convoy.status_date == "2026-04-10");
  CHECK_FALSE(convoy.overdue);  // blocked is open but never overdue
  REQUIRE(convoy.follow_ups.size() == 2);
  CHECK(convoy.follow_ups[0].status == "in_progress");
  CHECK(convoy.follow_ups[1].note == "Pas de carburant");

  // Exact owner names are kept apart; the one due today is not overdue.
  CHECK(brief->open_commitments[2].owner == "Mairie de Gao");
  REQUIRE(brief->open_commitments[2].commitments.size() == 1);
  CHECK(brief->open_commitments[2].commitments[0].due.empty());
  CHECK(brief->open_commitments[3].owner == "mairie de Gao");
  REQUIRE(brief->open_commitments[3].commitments.size() == 1);
  CHECK_FALSE(brief->open_commitments[3].commitments[0].overdue);

  // Follow-through, as the report counts it for this place.
  REQUIRE(brief->follow_through.size() == 4);
  CHECK(brief->follow_through[0].owner == "Commissariat de Gao");
  CHECK(brief->follow_through[0].made == 2);
  CHECK(brief->follow_through[0].kept == 1);
  CHECK(*brief->follow_through[0].rate() == Approx(0.5));
  CHECK(brief->follow_through_total.made == 6);
  CHECK(brief->follow_through_total.dropped == 1);
  CHECK(brief->follow_through_total.overdue == 1);
}

TEST_CASE(
    "the JSON brief holds the same figures, with nulls for what is absent",
    "[brief][render]") {
  Fixture fixture;
  BriefFilter filter = GaoFilter();
  filter.generated_at = "2026-05-01T08:00:00Z";
  auto brief = ComputeBrief(fixture.db(), filter);
  REQUIRE(brief.ok());
  const nlohmann::json j = BriefJson(*brief);
  CHECK(j["format"] == "palabre.brief/1");
  CHECK(j["generated_at"] == "2026-05-01T08:00:00Z");
  CHECK(j["filter"]["country"] == brief->filter.country);
  CHECK(j["filter"]["commune"].is_null());
  CHECK(j["sessions"] == brief->sessions);
  CHECK(j["first_date"] == brief->first_date);
  CHECK(j["months"].size() == brief->months.size());
  CHECK(j["kinds"].size() == brief->kinds.size());
  CHECK(j["concerns"].size() == brief->concerns.size());
  const auto& owners = j["open_commitments"]["by_owner"];
  REQUIRE(owners.size() == 4);
  CHECK(j["open_commitments"]["open"] == 4);
  CHECK(j["open_commitments"]["overdue"] == 1);
  const auto& focal = owners[0]["commitments"][0];
  CHECK(owners[0]["owner"] == "Commissariat de Gao");
  CHECK(focal["action"] == "Désigner un point focal");
  CHECK(focal["overdue"] == true);
  CHECK((focal["status_date"].is_string() || focal["status_date"].is_null()));
  CHECK(focal["follow_ups"][0]["note"] == "Relance");
  CHECK(owners[2]["commitments"][0]["due"].is_null());
  CHECK(j["follow_through"]["by_owner"][0]["follow_through_rate"] == 0.5);
  CHECK(j["follow_through"]["total"]["made"] == 6);

  // An empty place: zeros and nulls, not an error.
  filter.country = "ZZ";
  auto empty = ComputeBrief(fixture.db(), filter);
  REQUIRE(empty.ok());
  auto text = RenderBriefJson(*empty);
  REQUIRE(text.ok());
  const nlohmann::json e = nlohmann::json::parse(*text);
  CHECK(e["sessions"] == 0);
  CHECK(e["first_date"].is_null());
  CHECK(e["months"].empty());
  CHECK(e["open_commitments"]["by_owner"].empty());
}

TEST_CASE("the brief narrows to a commune and never shows the site",
          "[brief]") {
  Fixture fixture;

  BriefFilter filter = GaoFilter();
  filter.commune = "ansongo";
  auto brief = ComputeBrief(fixture.db(), filter);
  REQUIRE(brief.ok());
  CHECK(brief->sessions == 1);
  CHECK(brief->participants == 10);
  CHECK(brief->open_total == 2);  // the two not dropped
  CHECK(brief->overdue_total == 0);

  filter.region = "";  // the commune alone
  brief = ComputeBrief(fixture.db(), filter);
  REQUIRE(brief.ok());
  CHECK(brief->sessions == 1);

  auto gao = ComputeBrief(fixture.db(), GaoFilter());
  REQUIRE(gao.ok());
  const std::string markdown = RenderBriefMarkdown(*gao);
  const std::string html = RenderBriefHtml(*gao);
  for (const std::string* text : {&markdown, &html}) {
    CHECK(text->find("SECRET-SITE") == std::string::npos);
    CHECK(text->find("Mopti") == std::string::npos);
    CHECK(text->find("Ailleurs") == std::string::npos);
    CHECK(text->find("Commissariat de Gao") != std::string::npos);
    CHECK(text->find("Relance") != std::string::npos);
  }
  CHECK(html.find("<svg") != std::string::npos);
}

TEST_CASE("the brief of an empty place, and bad filters", "[brief]") {
  Fixture fixture;
  BriefFilter filter = GaoFilter();
  filter.country = "NE";
  filter.region = "";
  auto brief = ComputeBrief(fixture.db(), filter);
  REQUIRE(brief.ok());
  CHECK(brief->sessions == 0);
  CHECK(brief->first_date.empty());
  CHECK(brief->months.empty());
  CHECK(brief->concerns.empty());
  CHECK(brief->open_commitments.empty());
  CHECK(RenderBriefMarkdown(*brief).find("No session") != std::string::npos);
  CHECK(RenderBriefHtml(*brief).find("No session") != std::string::npos);

  filter.country = "";
  CHECK(ComputeBrief(fixture.db(), filter).status().code() ==
        StatusCode::kInvalidArgument);
  filter = GaoFilter();
  filter.today = "2026-13-01";
  CHECK(ComputeBrief(fixture.db(), filter).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace palabre::testing

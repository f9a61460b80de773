// The report's figures (core/report.h) over a small vault filled through
// RecordStore, checked against numbers computed by hand, and the filters.
#include "core/report.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/database.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/text_fold.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

constexpr char kToday[] = "2026-05-01";
constexpr char kPolice[] = "Commissariat \"Gao\", police";

// Four sessions in three places; the figures the tests expect are worked
// out in the comments.
//   S1 ML/Gao/Gao        2026-01-10  12 participants
//   S2 ML/Gao/Ansongo    2026-03-05  10
//   S3 ML/Tombouctou     2026-04-20   6
//   S4 IQ/Ninewa/Sinjar  2026-02-14   8
std::vector<json> FixtureSessions() {
  return {
      {{"format", "palabre.session/1"},
       {"kind", "security_advisory_committee"},
       {"title", "<script>alert(1)</script> | Gao"},
       {"started_at", "2026-01-10T09:00:00+00:00"},
       {"place",
        {{"country", "ML"},
         {"region", "Gao"},
         {"commune", "Gao"},
         {"site", "SECRET-SITE maison des jeunes"}}},
       {"participants",
        {{"by_sex", {{"female", 5}, {"male", 7}}},
         {"by_age", {{"18_35", 8}, {"36_plus", 4}}},
         {"by_group", {{"youth", 6}, {"security_forces", 6}}}}},
       {"concerns",
        {{{"category", "police_conduct"},
          {"raised_by", "youth"},
          {"summary", "Contrôles arbitraires, au poste \"nord\""}},
         {{"category", "armed_groups"},
          {"raised_by", "traditional_leaders"},
          {"summary", "Menaces sur la route"}},
         {{"category", "police_conduct"},
          {"raised_by", "youth"},
          {"summary", "Racket aux barrières"}}}},
       {"commitments",
        {// C1: done on 2026-01-25, due 2026-02-01: kept and due.
         {{"action", "Publier les horaires"},
          {"owner", kPolice},
          {"due", "2026-02-01"}},
         // C2: open, due 2026-03-01: overdue and due.
         {{"action", "Désigner un point focal"},
          {"owner", kPolice},
          {"due", "2026-03-01"}},
         // C3: open, no due date: neither due nor overdue.
         {{"action", "Réparer l'éclairage"}, {"owner", "Mairie de Gao"}}}}},
      {{"format", "palabre.session/1"},
       {"kind", "community_dialogue"},
       {"title", "Dialogue communautaire d'Ansongo"},
       {"started_at", "2026-03-05T10:00:00+01:00"},
       {"place",
        {{"country", "ML"}, {"region", "GAO"}, {"commune", "Ansongo"}}},
       {"participants",
        {{"by_sex", {{"female", 10}, {"male", 0}}},
         {"by_age", {{"under_18", 2}, {"18_35", 8}}},
         {"by_group", {{"womens_groups", 10}}}}},
       {"concerns",
        {{{"category", "police_conduct"},
          {"raised_by", "womens_groups"},
          {"summary", "Patrouilles de nuit absentes"}},
         {{"category", "police_conduct"},
          {"raised_by", "womens_groups"},
          {"summary", "Arrestations sans motif"}}}},
       {"commitments",
        {// C4: dropped on 2026-04-02, due 2026-04-01: due, dropped.
         {{"action", "Ouvrir un guichet"},
          {"owner", "Mairie de Gao"},
          {"due", "2026-04-01"}},
         // C5: open, due today: due, not overdue.
         {{"action", "Nommer un médiateur"},
          {"owner", "Mairie de Gao"},
          {"due", kToday}}}}},
      {{"format", "palabre.session/1"},
       {"kind", "community_dialogue"},
       {"title", "Dialogue de Tombouctou"},
       {"started_at", "2026-04-20T09:00:00+00:00"},
       {"place", {{"country", "ml"}, {"region", "Tombouctou"}}},
       {"participants",
        {{"by_sex", {{"female", 3}, {"male", 3}}},
         {"by_age", {{"36_plus", 6}}},
         {"by_group", {{"traditional_leaders", 6}}}}},
       {"concerns",
        {{{"category", "land_dispute"},
          {"raised_by", "traditional_leaders"},
          {"summary", "Limites des champs"}}}},
       {"commitments",
        {// C6: in_progress, due 2026-06-01: not due yet.
         {{"action", "Former les agents"},
          {"owner", kPolice},
          {"due", "2026-06-01"}},
         // C8: open, no due date.
         {{"action", "Organiser une médiation"}, {"owner", "ONG Tassaght"}}}}},
      {{"format", "palabre.session/1"},
       {"kind", "perception_survey"},
       {"title", "Enquête de perception Sinjar"},
       {"started_at", "2026-02-14T09:00:00+03:00"},
       {"place",
        {{"country", "IQ"}, {"region", "Ninewa"}, {"commune", "Sinjar"}}},
       {"participants", {{"by_sex", {{"female", 4}, {"male", 4}}}}},
       {"concerns",
        {{{"category", "displacement"},
          {"raised_by", "idps"},
          {"summary", "Retours bloqués"}}}},
       {"commitments",
        {// C7: blocked, due 2026-03-01: due, not kept, not overdue.
         {{"action", "Rouvrir la route"},
          {"owner", "Governorate"},
          {"due", "2026-03-01"}}}}},
  };
}

// A vault holding the fixture.
class Fixture {
 public:
  Fixture() {
    MakeVault(dir_.path());
    vault_ = OpenVault(dir_.path());
    auto store = RecordStore::Open(*vault_);
    INFO(store.status().ToString());
    REQUIRE(store.ok());
    std::vector<SessionInput> inputs;
    for (const json& j : FixtureSessions()) {
      auto input = ParseSession(j);
      INFO(input.status().ToString());
      REQUIRE(input.ok());
      inputs.push_back(std::move(input).value());
    }
    auto added = store->AddSessions(inputs);
    INFO(added.status().ToString());
    REQUIRE(added.ok());
    REQUIRE(added->size() == 4);
    const auto& s1 = (*added)[0].commitments;
    const auto& s2 = (*added)[1].commitments;
    const auto& s3 = (*added)[2].commitments;
    const auto& s4 = (*added)[3].commitments;
    FollowUp(*store, s1[0], "in_progress", "Affiches en cours", "2026-01-20");
    FollowUp(*store, s1[0], "done", "Horaires publiés", "2026-01-25");
    FollowUp(*store, s2[0], "dropped", "Budget refusé", "2026-04-02");
    FollowUp(*store, s3[0], "in_progress", "", "2026-04-25");
    FollowUp(*store, s4[0], "blocked", "Route minée", "2026-03-02");
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

ReportFilter Filter() {
  ReportFilter filter;
  filter.today = kToday;
  filter.generated_at = "2026-05-01T08:00:00Z";
  return filter;
}

const ParticipationRow* Find(const Report& report, std::string_view dimension,
                             std::string_view key) {
  for (const ParticipationRow& row : report.participation) {
    if (row.dimension == dimension && row.key == key) return &row;
  }
  return nullptr;
}

const CommitmentStats* Owner(const Report& report, std::string_view owner) {
  for (const CommitmentStats& s : report.commitments) {
    if (s.owner == owner) return &s;
  }
  return nullptr;
}

void CheckParticipation(const Report& report, std::string_view dimension,
                        std::string_view key, int64_t participants,
                        int64_t sessions) {
  INFO(std::string(dimension) + "/" + std::string(key));
  const ParticipationRow* row = Find(report, dimension, key);
  REQUIRE(row != nullptr);
  CHECK(row->participants == participants);
  CHECK(row->sessions == sessions);
}

TEST_CASE("the report sums participation, concerns and commitments",
          "[report]") {
  Fixture fixture;
  auto report = ComputeReport(fixture.db(), Filter());
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->filter.today == kToday);
  CHECK(report->filter.generated_at == "2026-05-01T08:00:00Z");
  CHECK(report->sessions == 4);
  CHECK(report->participants == 12 + 10 + 6 + 8);

  // Participation: sums over the sessions, and sessions with a count > 0.
  CheckParticipation(*report, "sex", "female", 5 + 10 + 3 + 4, 4);
  CheckParticipation(*report, "sex", "male", 7 + 0 + 3 + 4, 3);
  CheckParticipation(*report, "age", "under_18", 2, 1);
  CheckParticipation(*report, "age", "18_35", 8 + 8, 2);
  CheckParticipation(*report, "age", "36_plus", 4 + 6, 2);
  CheckParticipation(*report, "group", "youth", 6, 1);
  CheckParticipation(*report, "group", "security_forces", 6, 1);
  CheckParticipation(*report, "group", "womens_groups", 10, 1);
  CheckParticipation(*report, "group", "traditional_leaders", 6, 1);
  // Dimensions in the order sex, age, group; keys in vocabulary order.
  REQUIRE(report->participation.size() >= 2);
  CHECK(report->participation[0].dimension == "sex");
  CHECK(report->participation[0].key == "female");
  CHECK(report->participation.back().dimension == "group");

  // Concerns by category: most first, ties by name.
  REQUIRE(report->concerns_by_category.size() == 4);
  CHECK(report->concerns_by_category[0].category == "police_conduct");
  CHECK(report->concerns_by_category[0].concerns == 4);
  CHECK(report->concerns_by_category[0].sessions == 2);
  // Ties in the vocabulary's order.
  CHECK(report->concerns_by_category[1].category == "armed_groups");
  CHECK(report->concerns_by_category[1].concerns == 1);
  CHECK(report->concerns_by_category[2].category == "land_dispute");
  CHECK(report->concerns_by_category[3].category == "displacement");
  // By category and region: "Gao" and "GAO" are one region.
  REQUIRE(report->concerns_by_region.size() == 4);
  CHECK(report->concerns_by_region[0].category == "police_conduct");
  CHECK(report->concerns_by_region[0].country == "ML");
  CHECK(report->concerns_by_region[0].region.size() == 3);
  CHECK(report->concerns_by_region[0].concerns == 4);
  CHECK(report->concerns_by_region[2].region == "Tombouctou");
  CHECK(report->concerns_by_region[3].category == "displacement");
  CHECK(report->concerns_by_region[3].country == "IQ");
  CHECK(report->concerns_by_region[3].region == "Ninewa");

  // Commitments: most made first, ties by owner.
  REQUIRE(report->commitments.size() == 4);
  CHECK(report->commitments[0].owner == kPolice);
  CHECK(report->commitments[1].owner == "Mairie de Gao");
  const CommitmentStats* police = Owner(*report, kPolice);
  REQUIRE(police != nullptr);
  CHECK(police->made == 3);     // C1 C2 C6
  CHECK(police->kept == 1);     // C1
  CHECK(police->overdue == 1);  // C2
  CHECK(police->dropped == 0);
  CHECK(police->due == 2);  // C1 C2 (C6 is due 2026-06-01)
  CHECK(police->kept_due == 1);
  REQUIRE(police->rate().has_value());
  CHECK(*police->rate() == Approx(0.5));  // 1 kept of 2 due

  const CommitmentStats* mairie = Owner(*report, "Mairie de Gao");
  REQUIRE(mairie != nullptr);
  CHECK(mairie->made == 3);  // C3 C4 C5
  CHECK(mairie->kept == 0);
  CHECK(mairie->overdue == 0);  // C5 is due today, not before
  CHECK(mairie->dropped == 1);  // C4
  CHECK(mairie->due == 2);      // C4 C5
  REQUIRE(mairie->rate().has_value());
  CHECK(*mairie->rate() == Approx(0.0));

  const CommitmentStats* governorate = Owner(*report, "Governorate");
  REQUIRE(governorate != nullptr);
  CHECK(governorate->made == 1);
  CHECK(governorate->overdue == 0);  // blocked is never overdue
  CHECK(governorate->due == 1);

  const CommitmentStats* ngo = Owner(*report, "ONG Tassaght");
  REQUIRE(ngo != nullptr);
  CHECK(ngo->made == 1);
  CHECK(ngo->due == 0);
  CHECK_FALSE(ngo->rate().has_value());  // nothing due: n/a

  const CommitmentStats& total = report->commitments_total;
  CHECK(total.owner.empty());
  CHECK(total.made == 8);
  CHECK(total.kept == 1);
  CHECK(total.overdue == 1);
  CHECK(total.dropped == 1);
  CHECK(total.due == 5);
  CHECK(total.kept_due == 1);
  CHECK(*total.rate() == Approx(0.2));
}

TEST_CASE("the report's date and place filters select sessions", "[report]") {
  Fixture fixture;

  SECTION("a period") {
    ReportFilter filter = Filter();
    filter.from = "2026-03-01";
    filter.to = "2026-04-30";  // S2 and S3
    auto report = ComputeReport(fixture.db(), filter);
    REQUIRE(report.ok());
    CHECK(report->sessions == 2);
    CHECK(report->participants == 16);
    CheckParticipation(*report, "sex", "female", 13, 2);
    CHECK(Find(*report, "group", "youth") == nullptr);
    REQUIRE(report->concerns_by_category.size() == 2);
    CHECK(report->concerns_by_category[0].category == "police_conduct");
    CHECK(report->concerns_by_category[0].concerns == 2);
    CHECK(report->commitments_total.made == 4);  // C4 C5 C6 C8
    const CommitmentStats* police = Owner(*report, kPolice);
    REQUIRE(police != nullptr);
    CHECK(police->made == 1);  // C6 only
    CHECK(police->due == 0);
    CHECK_FALSE(police->rate().has_value());
  }

  SECTION("the bounds are inclusive") {
    ReportFilter filter = Filter();
    filter.from = "2026-01-10";
    filter.to = "2026-01-10";
    auto report = ComputeReport(fixture.db(), filter);
    REQUIRE(report.ok());
    CHECK(report->sessions == 1);
    CHECK(report->commitments_total.made == 3);
  }

  SECTION("a country and region, whatever their case") {
    ReportFilter filter = Filter();
    filter.country = "ml";
    filter.region = "gao";  // S1 and S2
    auto report = ComputeReport(fixture.db(), filter);
    REQUIRE(report.ok());
    CHECK(report->sessions == 2);
    CHECK(report->participants == 22);
    CheckParticipation(*report, "sex", "female", 15, 2);
    CHECK(report->commitments_total.made == 5);  // C1..C5
    CHECK(report->commitments_total.due == 4);   // C1 C2 C4 C5
    CHECK(report->commitments_total.kept_due == 1);
    CHECK(*report->commitments_total.rate() == Approx(0.25));
    REQUIRE(report->concerns_by_region.size() == 2);
  }

  SECTION("a country") {
    ReportFilter filter = Filter();
    filter.country = "IQ";
    auto report = ComputeReport(fixture.db(), filter);
    REQUIRE(report.ok());
    CHECK(report->sessions == 1);
    CHECK(report->participants == 8);
    REQUIRE(report->commitments.size() == 1);
    CHECK(report->commitments[0].owner == "Governorate");
  }

  SECTION("nothing matches: zeros") {
    ReportFilter filter = Filter();
    filter.country = "GE";
    auto report = ComputeReport(fixture.db(), filter);
    REQUIRE(report.ok());
    CHECK(report->sessions == 0);
    CHECK(report->participants == 0);
    CHECK(report->participation.empty());
    CHECK(report->concerns_by_category.empty());
    CHECK(report->commitments.empty());
    CHECK_FALSE(report->commitments_total.rate().has_value());
  }

  SECTION("bad filters are refused") {
    ReportFilter filter = Filter();
    filter.from = "2026-04-01";
    filter.to = "2026-03-01";
    CHECK(ComputeReport(fixture.db(), filter).status().code() ==
          StatusCode::kInvalidArgument);
    filter = Filter();
    filter.from = "2026-02-30";
    CHECK(ComputeReport(fixture.db(), filter).status().code() ==
          StatusCode::kInvalidArgument);
    filter = Filter();
    filter.today = "";
    CHECK(ComputeReport(fixture.db(), filter).status().code() ==
          StatusCode::kInvalidArgument);
    CHECK(ComputeParticipation(fixture.db(), filter).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

TEST_CASE("the report's labels and descriptions", "[report]") {
  CHECK(VocabularyLabel("womens_groups") == "Women's groups");
  CHECK(VocabularyLabel("18_35") == "18\u201335");
  CHECK(VocabularyLabel("some_new_word") == "Some new word");
  CHECK(DimensionLabel("age") == "Age band");
  CHECK(DescribePeriod("", "") == "all dates");
  CHECK(DescribePeriod("2026-01-01", "") == "from 2026-01-01");
  CHECK(DescribePeriod("", "2026-01-01") == "up to 2026-01-01");
  CHECK(DescribePeriod("2026-01-01", "2026-03-31") ==
        "2026-01-01 to 2026-03-31");
  CHECK(DescribePlace("", "", "") == "all places");
  CHECK(DescribePlace("ML", "Gao", "") == "ML / Gao");
  CHECK(DescribePlace("", "Gao", "") == "region Gao");
  CHECK(FormatRate(std::nullopt) == "n/a");
  CHECK(FormatRate(0.5) == "50%");
  CHECK(FormatRate(2.0 / 3.0) == "67%");
}

// A 32-hex-digit id for `n`, like the store's; every 50th one has another
// form, as an imported record might.
std::string SyntheticId(int64_t n) {
  if (n % 50 == 0) return "S-" + std::to_string(n);
  std::ostringstream id;
  id << std::hex << std::setw(16) << std::setfill('0')
     << static_cast<uint64_t>(n) * 0x9E3779B97F4A7C15ULL << std::setw(16)
     << std::setfill('0') << static_cast<uint64_t>(n);
  return id.str();
}

// Loads `sessions` synthetic sessions (12 participation rows, 2 concerns and
// 3 commitments each, as in a large vault) straight into the projection
// tables. Session i is held on a day fixed by i % 60, in one of 4 countries
// and 5 regions (spelled in two cases).
void LoadSynthetic(Database& db, int sessions) {
  const char* countries[] = {"ML", "NE", "IQ", "GE"};
  const char* regions[] = {"Gao", "Tillabéri", "Ninewa", "Shida Kartli", "GAO"};
  const char* owners[] = {"Commissariat de police de Gao",
                          "Mairie",
                          "Gendarmerie",
                          "Gouvernorat",
                          "Tribunal",
                          "Préfecture",
                          "ONG"};
  const char* statuses[] = {"open", "in_progress", "done", "dropped",
                            "blocked"};
  const char* keys[][2] = {{"sex", "female"},
                           {"sex", "male"},
                           {"age", "under_18"},
                           {"age", "18_35"},
                           {"age", "36_plus"},
                           {"group", "youth"},
                           {"group", "cso"},
                           {"group", "media"},
                           {"group", "idps"},
                           {"group", "other"},
                           {"group", "security_forces"},
                           {"group", "womens_groups"}};
  REQUIRE(db.Exec("BEGIN").ok());
  auto session = db.Prepare(
      "INSERT INTO sessions(num, id, kind, title, started_at, start_utc, day,"
      " country, region, commune, region_key, commune_key, participants,"
      " device_id, seq, created_at, updated_at) VALUES (?1, ?2,"
      " 'community_dialogue', 'T', '', 0, ?3, ?4, ?5, '', ?6, '', 40, 'd', ?1,"
      " '', '')");
  auto part = db.Prepare(
      "INSERT INTO participation(session_num, dimension, key, count)"
      " VALUES (?1, ?2, ?3, ?4)");
  auto concern = db.Prepare(
      "INSERT INTO concerns(session_num, position, category, raised_by)"
      " VALUES (?1, ?2, ?3, 'youth')");
  auto commitment = db.Prepare(
      "INSERT INTO commitments(id, session_id, position, action, owner,"
      " owner_key, due, status, status_date)"
      " VALUES (?1, ?2, ?3, 'an action of some length', ?4, ?7, ?5, ?6, '')");
  REQUIRE(session.ok());
  REQUIRE(part.ok());
  REQUIRE(concern.ok());
  REQUIRE(commitment.ok());
  for (int i = 1; i <= sessions; ++i) {
    const std::string id = SyntheticId(i);
    const int month = 1 + i % 12;
    const std::string day = std::to_string(2020 + i % 6) + "-" +
                            (month < 10 ? "0" : "") + std::to_string(month) +
                            "-1" + std::to_string(i % 10);
    session->Reset();
    REQUIRE(session->BindInt(1, i).ok());
    REQUIRE(session->BindText(2, id).ok());
    REQUIRE(session->BindText(3, day).ok());
    REQUIRE(session->BindText(4, countries[i % 4]).ok());
    REQUIRE(session->BindText(5, regions[i % 5]).ok());
    REQUIRE(session->BindText(6, FoldForMatch(regions[i % 5])).ok());
    REQUIRE(session->Run().ok());
    for (const auto& key : keys) {
      part->Reset();
      REQUIRE(part->BindInt(1, i).ok());
      REQUIRE(part->BindText(2, key[0]).ok());
      REQUIRE(part->BindText(3, key[1]).ok());
      REQUIRE(part->BindInt(4, i % 7).ok());
      REQUIRE(part->Run().ok());
    }
    for (int p = 0; p < 2; ++p) {
      concern->Reset();
      REQUIRE(concern->BindInt(1, i).ok());
      REQUIRE(concern->BindInt(2, p).ok());
      REQUIRE(concern->BindText(3, ConcernCategories()[(i + p) % 15]).ok());
      REQUIRE(concern->Run().ok());
    }
    for (int p = 0; p < 3; ++p) {
      commitment->Reset();
      REQUIRE(commitment->BindText(1, SyntheticId(i * 3 + p + 7)).ok());
      REQUIRE(commitment->BindText(2, id).ok());
      REQUIRE(commitment->BindInt(3, p).ok());
      REQUIRE(commitment->BindText(4, owners[(i + p) % 7]).ok());
      REQUIRE(commitment->BindText(5, p == 2 ? "" : day).ok());
      REQUIRE(commitment->BindText(6, statuses[(i + p) % 5]).ok());
      REQUIRE(commitment->BindText(7, FoldForMatch(owners[(i + p) % 7])).ok());
      REQUIRE(commitment->Run().ok());
    }
  }
  REQUIRE(db.Exec("COMMIT").ok());
}

// Rows of a reference query, each joined into one string, sorted.
std::vector<std::string> Rows(Database& db, int columns, const std::string& sql,
                              const std::vector<std::string>& values) {
  auto stmt = db.Prepare(sql);
  INFO(sql);
  REQUIRE(stmt.ok());
  for (std::size_t i = 0; i < values.size(); ++i) {
    REQUIRE(stmt->BindText(static_cast<int>(i) + 1, values[i]).ok());
  }
  std::vector<std::string> rows;
  while (true) {
    auto more = stmt->Step();
    REQUIRE(more.ok());
    if (!*more) break;
    std::string row;
    for (int c = 0; c < columns; ++c) {
      row += stmt->ColumnText(c) + "|";
    }
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string Lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// The report must give what plain GROUP BY queries give, whichever path it
// takes (all rows, a few sessions sought by index, or most sessions with
// the child tables scanned).
TEST_CASE("the report agrees with plain GROUP BY queries", "[report]") {
  TempDir dir;
  MakeVault(dir.path());
  auto vault = OpenVault(dir.path());
  Database& db = vault->db();
  LoadSynthetic(db, 600);

  struct Case {
    ReportFilter filter;
    int64_t sessions;  // as worked out from LoadSynthetic
  };
  std::vector<Case> cases;
  cases.push_back({Filter(), 600});
  ReportFilter from = Filter();
  from.from = "2023-01-01";  // years 2023..2025: i % 6 in 3..5
  cases.push_back({from, 300});
  ReportFilter country = Filter();
  country.country = "ml";  // i % 4 == 0
  cases.push_back({country, 150});
  ReportFilter region = Filter();
  region.country = "GE";
  region.region = "gao";  // i % 4 == 3 and i % 5 in {0, 4}
  cases.push_back({region, 60});
  ReportFilter day = Filter();
  day.from = "2021-02-11";
  day.to = "2021-02-11";  // i % 60 == 1: a few sessions, sought by index
  cases.push_back({day, 10});
  ReportFilter period = Filter();
  period.from = "2020-01-01";
  period.to = "2021-12-31";
  period.region = "TILLABERI";  // case and accents ignored
  cases.push_back({period, 40});

  for (const Case& c : cases) {
    const ReportFilter& f = c.filter;
    INFO("from " << f.from << " to " << f.to << " country " << f.country
                 << " region " << f.region);
    std::string where = " WHERE 1";
    std::vector<std::string> values;
    auto add = [&](const char* condition, const std::string& value) {
      if (value.empty()) return;
      values.push_back(value);
      where += std::string(" AND ") + condition + std::to_string(values.size());
    };
    add("s.day >= ?", f.from);
    add("s.day <= ?", f.to);
    add("s.country = ?", f.country);
    add("s.region_key = ?", FoldForMatch(f.region));

    auto report = ComputeReport(db, f);
    INFO(report.status().ToString());
    REQUIRE(report.ok());
    CHECK(report->sessions == c.sessions);

    std::vector<std::string> participation;
    for (const ParticipationRow& r : report->participation) {
      participation.push_back(r.dimension + "|" + r.key + "|" +
                              std::to_string(r.participants) + "|" +
                              std::to_string(r.sessions) + "|");
    }
    std::sort(participation.begin(), participation.end());
    CHECK(participation ==
          Rows(db, 4,
               "SELECT p.dimension, p.key, SUM(p.count), SUM(p.count > 0)"
               " FROM sessions s JOIN participation p"
               " ON p.session_num = s.num" +
                   where + " GROUP BY p.dimension, p.key",
               values));

    std::vector<std::string> categories;
    for (const ConcernCategoryRow& r : report->concerns_by_category) {
      categories.push_back(r.category + "|" + std::to_string(r.concerns) + "|" +
                           std::to_string(r.sessions) + "|");
    }
    std::sort(categories.begin(), categories.end());
    CHECK(categories ==
          Rows(db, 3,
               "SELECT c.category, COUNT(*), COUNT(DISTINCT c.session_num)"
               " FROM sessions s JOIN concerns c ON c.session_num = s.num" +
                   where + " GROUP BY c.category",
               values));

    std::vector<std::string> regions;
    for (const ConcernRegionRow& r : report->concerns_by_region) {
      regions.push_back(r.category + "|" + Lower(r.country) + "|" +
                        FoldForMatch(r.region) + "|" +
                        std::to_string(r.concerns) + "|");
    }
    std::sort(regions.begin(), regions.end());
    CHECK(regions ==
          Rows(db, 4,
               "SELECT c.category, lower(s.country), s.region_key,"
               " COUNT(*) FROM sessions s JOIN concerns c"
               " ON c.session_num = s.num" +
                   where + " GROUP BY c.category, s.country, s.region_key",
               values));

    std::vector<std::string> owners;
    for (const CommitmentStats& r : report->commitments) {
      owners.push_back(r.owner + "|" + std::to_string(r.made) + "|" +
                       std::to_string(r.kept) + "|" +
                       std::to_string(r.overdue) + "|" +
                       std::to_string(r.dropped) + "|" + std::to_string(r.due) +
                       "|" + std::to_string(r.kept_due) + "|");
    }
    std::sort(owners.begin(), owners.end());
    std::vector<std::string> with_today = values;
    with_today.push_back(kToday);
    const std::string today = "?" + std::to_string(with_today.size());
    CHECK(owners ==
          Rows(db, 7,
               "SELECT c.owner, COUNT(*), SUM(c.status = 'done'),"
               " SUM(c.due <> '' AND c.due < " +
                   today +
                   " AND c.status IN ('open', 'in_progress')),"
                   " SUM(c.status = 'dropped'),"
                   " SUM(c.due <> '' AND c.due <= " +
                   today + "), SUM(c.due <> '' AND c.due <= " + today +
                   " AND c.status = 'done')"
                   " FROM sessions s JOIN commitments c"
                   " ON c.session_id = s.id" +
                   where + " GROUP BY c.owner",
               with_today));
  }
}

// Hidden (run with "[report-bench]"): the goal is under a second for
// 100,000 sessions on a two-core machine. The check is on the process's CPU
// time, which a busy machine does not inflate; the wall time is printed.
TEST_CASE("the report over 100,000 sessions", "[.][report-bench]") {
  TempDir dir;
  MakeVault(dir.path());
  auto vault = OpenVault(dir.path());
  LoadSynthetic(vault->db(), 100000);
  for (int pass = 0; pass < 4; ++pass) {
    ReportFilter filter = Filter();
    if (pass == 1) filter.from = "2023-01-01";
    if (pass == 2) filter.country = "ML";
    if (pass == 3) filter.region = "Gao";
    const std::clock_t cpu = std::clock();
    const auto start = std::chrono::steady_clock::now();
    auto report = ComputeReport(vault->db(), filter);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    const double seconds =
        static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
    REQUIRE(report.ok());
    WARN("pass " << pass << ": " << report->sessions << " sessions, " << seconds
                 << " s CPU, " << wall << " s wall");
    CHECK(seconds < 1.0);
  }
}

}  // namespace
}  // namespace palabre::testing

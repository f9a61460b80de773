// The projections (core/projection.h): what the query tables hold after
// each kind of write, and that they always equal a rebuild from the log
// (VerifyRecords). A commitment's status is its latest follow-up's, by date
// and then by when it was recorded; an edit keeps commitments matched by id
// or by identical action and owner, removes the ones left out and adds new
// ones open; entries that are not valid records are refused as kDataLoss.
#include "core/projection.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/record_write.h"
#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

std::string Quoted(const std::string& id) { return "'" + id + "'"; }

TEST_CASE("the tables equal a rebuild from the log after every kind of write",
          "[records][projection]") {
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  VerifyReport report = f.Verified();
  CHECK(report.sessions == 3);
  CHECK(report.commitments == 3);

  f.FollowUp(added[0].commitments[0], "in_progress", "2026-04-01", "Début.");
  f.FollowUp(added[0].commitments[0], "done", "2026-04-20");
  f.FollowUp(added[1].commitments[0], "blocked", "2026-03-01");
  report = f.Verified();
  CHECK(report.follow_ups == 3);

  json gao = ThreeSessions()[0];
  gao["title"] = "Comité de Gao (corrigé)";
  gao["concerns"].erase(1);
  gao["commitments"][1]["action"] = "Désigner deux points focaux.";
  gao["commitments"].push_back(Commitment("Nouvel engagement", "Préfecture"));
  f.Edit(added[0].session, gao);
  report = f.Verified();
  CHECK(report.commitments == 4);

  REQUIRE(f.store().RedactSession(added[1].session).ok());
  report = f.Verified();
  CHECK(report.sessions == 2);
  CHECK(report.commitments == 3);
  CHECK(report.follow_ups == 2);
  CHECK(report.redacted == 3);  // session, commitment, follow-up
}

TEST_CASE("a session's rows hold its derived values", "[records][projection]") {
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  const std::string gao = Quoted(added[0].session);
  auto text = [&](const std::string& column, const std::string& id) {
    auto value = f.db().QueryText("SELECT " + column +
                                  " FROM sessions WHERE id = " + Quoted(id));
    INFO(value.status().ToString());
    REQUIRE(value.ok());
    return *value;
  };
  CHECK(text("kind", added[0].session) == "security_advisory_committee");
  CHECK(text("country", added[0].session) == "ML");
  CHECK(text("participants", added[0].session) == "10");  // by_sex
  CHECK(text("participants", added[1].session) == "11");  // by_group
  CHECK(text("participants", added[2].session) == "5");   // by_age
  // Sinjar at 10:00+03:00: the local date, and the UTC instant.
  CHECK(text("day", added[1].session) == "2026-02-02");
  CHECK(text("start_utc", added[1].session) == "1770015600");
  CHECK(f.Count("participation",
                "session_num = (SELECT num FROM sessions WHERE id = " + gao +
                    ")") == 6);
  CHECK(f.Count("concerns",
                "session_num = (SELECT num FROM sessions WHERE id = " + gao +
                    ")") == 2);
  // Commitments: in record order, open, with no status date.
  CHECK(Column(f.db(),
               "SELECT id FROM commitments WHERE session_id = ?1 ORDER BY "
               "position",
               added[0].session) == added[0].commitments);
  CHECK(f.Count("commitments", "status = 'open' AND status_date = ''") == 3);
  CHECK(Column(f.db(), "SELECT due FROM commitments ORDER BY due") ==
        std::vector<std::string>{"", "2026-04-15", "2026-04-30"});

  // An edit replaces the participation and concern rows, not adds to them.
  json edited = ThreeSessions()[0];
  edited["concerns"] = {{{"category", "corruption"}, {"summary", "Racket."}}};
  edited["participants"] = {{"by_sex", {{"female", 1}}}};
  f.Edit(added[0].session, edited);
  CHECK(f.Count("concerns",
                "session_num = (SELECT num FROM sessions WHERE id = " + gao +
                    ")") == 1);
  CHECK(f.Count("participation",
                "session_num = (SELECT num FROM sessions WHERE id = " + gao +
                    ")") == 1);
  CHECK(text("participants", added[0].session) == "1");
  f.Verified();
}

TEST_CASE("a commitment's status is its latest follow-up's by date",
          "[records][projection]") {
  struct FollowUpStep {
    const char* status;
    const char* date;
  };
  struct Case {
    const char* name;
    std::vector<FollowUpStep> steps;  // in the order they are recorded
    const char* status;
    const char* status_date;
  };
  const std::vector<Case> cases = {
      {"no follow-up", {}, "open", ""},
      {"one follow-up",
       {{"in_progress", "2026-04-01"}},
       "in_progress",
       "2026-04-01"},
      {"a later date wins",
       {{"in_progress", "2026-04-01"}, {"done", "2026-04-10"}},
       "done",
       "2026-04-10"},
      {"an earlier date recorded later does not override",
       {{"done", "2026-04-10"}, {"in_progress", "2026-04-01"}},
       "done",
       "2026-04-10"},
      {"on the same date, the one recorded last wins",
       {{"in_progress", "2026-04-10"}, {"blocked", "2026-04-10"}},
       "blocked",
       "2026-04-10"},
      {"back to open",
       {{"blocked", "2026-04-10"}, {"open", "2026-05-01"}},
       "open",
       "2026-05-01"},
      {"mixed order",
       {{"dropped", "2026-06-01"},
        {"in_progress", "2026-04-01"},
        {"done", "2026-06-01"},
        {"blocked", "2026-05-01"}},
       "done",
       "2026-06-01"},
  };
  // One commitment per case, all in one session.
  RecordsFixture f;
  json session = MinimalSession("Suivi des engagements");
  session["commitments"] = json::array();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    session["commitments"].push_back(
        Commitment("Action " + std::to_string(i), "Mairie"));
  }
  const AddedSession added = f.AddOne(session);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    for (const FollowUpStep& step : cases[i].steps) {
      f.FollowUp(added.commitments[i], step.status, step.date);
    }
  }
  auto views = f.store().SessionCommitments(added.session, "2026-01-01");
  REQUIRE(views.ok());
  REQUIRE(views->size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("case: " << cases[i].name);
    CHECK((*views)[i].id == added.commitments[i]);
    CHECK((*views)[i].status == cases[i].status);
    CHECK((*views)[i].status_date == cases[i].status_date);
    // Follow-ups come oldest first (by date, then as recorded).
    auto follow_ups = f.store().FollowUps(added.commitments[i]);
    REQUIRE(follow_ups.ok());
    REQUIRE(follow_ups->size() == cases[i].steps.size());
    for (std::size_t j = 1; j < follow_ups->size(); ++j) {
      CHECK((*follow_ups)[j - 1].date <= (*follow_ups)[j].date);
    }
  }
  // The replay (in hlc order) gives the same statuses.
  f.Verified();

  // A follow-up that breaks a rule, or names no commitment, changes nothing.
  const int64_t entries = f.Count("log_entries");
  struct Bad {
    const char* name;
    std::string commitment;
    FollowUpInput input;
  };
  const std::vector<Bad> bad = {
      {"unknown status", added.commitments[0], {"maybe", "", "2026-04-01"}},
      {"impossible date", added.commitments[0], {"done", "", "2026-02-30"}},
      {"no date", added.commitments[0], {"done", "", ""}},
      {"note too long",
       added.commitments[0],
       {"done", std::string(4001, 'x'), "2026-04-01"}},
      {"a session id", added.session, {"done", "", "2026-04-01"}},
      {"an id too short", "abc", {"done", "", "2026-04-01"}},
  };
  for (const Bad& b : bad) {
    INFO("case: " << b.name);
    auto id = f.store().AddFollowUp(b.commitment, b.input);
    INFO(id.status().ToString());
    CHECK(id.status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(f.Count("log_entries") == entries);
}

TEST_CASE("an edit keeps matched commitments, removes and adds the others",
          "[records][projection]") {
  RecordsFixture f;
  json session = MinimalSession("Réunion avant correction");
  session["commitments"] = {
      Commitment("Action A", "Mairie", "2026-04-01"),
      Commitment("Action B", "Police"),
      Commitment("Action C", "Préfecture"),
      Commitment("Action E", "Mairie"),
  };
  const AddedSession before = f.AddOne(session);
  const std::string a = before.commitments[0];
  const std::string b = before.commitments[1];
  const std::string c = before.commitments[2];
  const std::string e = before.commitments[3];
  f.FollowUp(a, "in_progress", "2026-03-20");
  f.FollowUp(b, "done", "2026-03-21");
  f.FollowUp(c, "blocked", "2026-03-22");
  auto created = f.db().QueryText("SELECT created_at FROM sessions");
  REQUIRE(created.ok());
  const int64_t c_entries = f.Count("log_entries", "record_id = " + Quoted(c));
  const int64_t e_entries = f.Count("log_entries", "record_id = " + Quoted(e));

  // A: kept by id, its action corrected. B: no id, same action and owner:
  // kept, now first. C: left out. D: new. E: unchanged, same position.
  json edited = MinimalSession("Réunion après correction");
  json with_id = Commitment("Action A corrigée", "Mairie", "2026-04-15");
  with_id["id"] = a;
  edited["commitments"] = {Commitment("Action B", "Police"), with_id,
                           Commitment("Action D", "Gendarmerie"),
                           Commitment("Action E", "Mairie")};
  const AddedSession after = f.Edit(before.session.substr(0, 8), edited);
  REQUIRE(after.session == before.session);
  REQUIRE(after.commitments.size() == 4);
  CHECK(after.commitments[0] == b);
  CHECK(after.commitments[1] == a);
  CHECK(after.commitments[2] != c);
  CHECK(std::find(before.commitments.begin(), before.commitments.end(),
                  after.commitments[2]) == before.commitments.end());
  CHECK(after.commitments[3] == e);

  auto views = f.store().SessionCommitments(before.session, "2026-01-01");
  REQUIRE(views.ok());
  REQUIRE(views->size() == 4);
  CHECK((*views)[0].id == b);
  CHECK((*views)[0].status == "done");
  CHECK((*views)[1].id == a);
  CHECK((*views)[1].action == "Action A corrigée");
  CHECK((*views)[1].due == "2026-04-15");
  CHECK((*views)[1].status == "in_progress");
  CHECK((*views)[1].status_date == "2026-03-20");
  CHECK((*views)[2].action == "Action D");
  CHECK((*views)[2].status == "open");
  CHECK((*views)[3].id == e);
  // C is gone from the tables (a delete entry in the log), its follow-up
  // stays in the log; E, unchanged, got no new entry.
  CHECK(f.Count("commitments", "id = " + Quoted(c)) == 0);
  CHECK(f.Count("log_entries",
                "record_id = " + Quoted(c) + " AND op = 'delete'") == 1);
  CHECK(f.Count("log_entries", "record_id = " + Quoted(c)) == c_entries + 1);
  CHECK(f.Count("log_entries", "record_id = " + Quoted(e)) == e_entries);
  CommitmentFilter all;
  all.today = "2026-01-01";
  auto listed = f.store().ListCommitments(all);
  REQUIRE(listed.ok());
  CHECK(listed->size() == 4);
  CHECK(f.store().ResolveCommitment(c).status().code() ==
        StatusCode::kInvalidArgument);
  // The session itself: new title, created_at kept.
  CHECK(f.db().QueryText("SELECT title FROM sessions").value() ==
        "Réunion après correction");
  CHECK(f.db().QueryText("SELECT created_at FROM sessions").value() ==
        *created);
  CHECK(f.db()
            .QueryText("SELECT updated_at >= created_at FROM sessions")
            .value() == "1");
  f.Verified();
}

TEST_CASE("an edit that names commitments wrongly is refused whole",
          "[records][projection]") {
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  const int64_t entries = f.Count("log_entries");
  json foreign = ThreeSessions()[0];
  foreign["commitments"][0]["id"] = added[1].commitments[0];
  json twice = ThreeSessions()[0];
  twice["commitments"][0]["id"] = added[0].commitments[0];
  twice["commitments"][1]["id"] = added[0].commitments[0];
  json other_session = ThreeSessions()[0];
  other_session["id"] = added[1].session;
  struct Case {
    const char* name;
    json session;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"another session's commitment", foreign,
       "commitments[0].id: not a commitment of session"},
      {"the same id twice", twice, "listed twice"},
      {"the file is another session", other_session, "id: the file is session"},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    // ParseSession itself refuses duplicate ids; build the input by hand
    // then.
    auto parsed = ParseSession(c.session);
    SessionInput input;
    if (parsed.ok()) {
      input = std::move(parsed).value();
    } else {
      json plain = c.session;
      plain["commitments"][1].erase("id");
      input = Parsed(plain);
      input.commitments[1].id = added[0].commitments[0];
    }
    auto edited = f.store().EditSession(added[0].session, input);
    INFO(edited.status().ToString());
    CHECK(edited.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(edited.status().message(), Catch::Contains(c.message));
  }
  CHECK(f.Count("log_entries") == entries);
  f.Verified();
}

TEST_CASE("entries that are not valid records are refused as data loss",
          "[records][projection]") {
  RecordsFixture f;
  f.Add(ThreeSessions());
  const std::vector<Entry> entries = AllEntries(f.db());
  struct Case {
    const char* name;
    std::string type;
    std::string op;
    std::string body;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"not JSON", kTypeSession, kOpPut, "{not json", "body is not JSON"},
      {"an invalid session", kTypeSession, kOpPut,
       R"({"format":"palabre.session/1","kind":"party"})",
       "invalid session body"},
      {"a session holding commitments", kTypeSession, kOpPut,
       ThreeSessions()[0].dump(), "session body holds commitments"},
      {"an invalid commitment", kTypeCommitment, kOpPut, "{}",
       "invalid commitment body"},
      {"an invalid follow-up", kTypeFollowUp, kOpPut, R"({"status":"maybe"})",
       "invalid followup body"},
      {"an unknown type", "minutes", kOpPut, "{}", "unknown record type"},
      {"an unknown op on a session", kTypeSession, "merge", "{}", "unknown op"},
      {"an unknown op on a follow-up", kTypeFollowUp, kOpDelete, "{}",
       "unknown op"},
      {"a redact of an unknown type", "minutes", kOpRedact, "{}",
       "unknown record type"},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    Entry e = entries[3];  // seq 4
    e.type = c.type;
    e.op = c.op;
    e.body = c.body;
    REQUIRE(f.db().Exec("BEGIN").ok());
    Projection projection(f.db(), "main");
    const Status status = projection.Apply(e);
    REQUIRE(f.db().Exec("ROLLBACK").ok());
    INFO(status.ToString());
    CHECK(status.code() == StatusCode::kDataLoss);
    CHECK_THAT(status.message(),
               Catch::Contains("device " + e.device_id.substr(0, 8) + " seq 4") &&
                   Catch::Contains(c.message));
  }
  // A put whose body was erased is skipped (its redact entry follows).
  Entry erased = entries[0];
  erased.body.reset();
  Projection projection(f.db(), "main");
  CHECK(projection.Apply(erased).ok());
  CHECK(f.Count("sessions") == 3);
}

TEST_CASE("a put on a redacted record is refused",
          "[records][projection]") {
  // docs/entry-log.md and core/projection_schema.h: "redacted: ids of
  // redacted records; a later put on one is refused". The store never
  // writes one (ids resolve only to live records), but a put arriving later
  // (another device's entry, through sync) must not bring the record back.
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  const std::string gori = added[2].session;
  REQUIRE(f.store().RedactSession(gori).ok());
  const Status status = RunRecordWrite(f.db(), [&](RecordWrite& write) {
    return write
        .Put(gori, kTypeSession, kOpPut, "", Parsed(ThreeSessions()[2]).body)
        .status();
  });
  INFO(status.ToString());
  CHECK(f.Count("sessions", "id = " + Quoted(gori)) == 0);
  CHECK(f.Search("შეხვედრა").empty());
}

}  // namespace
}  // namespace palabre::testing

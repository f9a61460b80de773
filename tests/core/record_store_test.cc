// The record store (core/record_store.h) as its users rely on it: adding
// several sessions is all or nothing; ids resolve from unique prefixes and
// every bad prefix is refused with a clear kInvalidArgument; session and
// commitment listings filter and order as documented; the last place used;
// export and import between two vaults (round trip, idempotent second
// import, whole refusal of a bad document); and redaction, which must leave
// no trace of a session, its commitments and their follow-ups anywhere but
// the hashes of the log.
#include "core/record_store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

std::string Quoted(const std::string& id) { return "'" + id + "'"; }

// Row counts of every record table and of the log.
std::map<std::string, int64_t> Counts(RecordsFixture& f) {
  std::map<std::string, int64_t> out;
  for (const char* table :
       {"log_entries", "sessions", "participation", "concerns", "commitments",
        "follow_ups", "redacted"}) {
    out[table] = f.Count(table);
  }
  return out;
}

TEST_CASE("adding several sessions is all or nothing", "[records][store]") {
  RecordsFixture f;
  const std::vector<json> three = ThreeSessions();
  SessionInput bad_kind = Parsed(three[2]);
  bad_kind.body["kind"] = "party";
  SessionInput bad_due = Parsed(three[1]);
  bad_due.commitments[0].due = "someday";
  SessionInput with_commitments = Parsed(three[2]);
  with_commitments.body["commitments"] = three[0]["commitments"];
  struct Case {
    const char* name;
    SessionInput broken;
  };
  const std::vector<Case> cases = {
      {"a session body the projection refuses", bad_kind},
      {"a commitment the projection refuses", bad_due},
      {"a session body holding commitments", with_commitments},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    // The broken one comes last, after two good sessions were written.
    auto added =
        f.store().AddSessions({Parsed(three[0]), Parsed(three[1]), c.broken});
    INFO(added.status().ToString());
    CHECK_FALSE(added.ok());
    for (const auto& [table, rows] : Counts(f)) {
      INFO("table " << table);
      CHECK(rows == 0);
    }
    CHECK(f.Search("Gao").empty());
  }
  // The log was not advanced by the failed writes: the chain starts at 1.
  CHECK(f.store().AddSessions({}).ok());
  f.Add(three);
  const std::vector<Entry> entries = AllEntries(f.db());
  REQUIRE(!entries.empty());
  CHECK(entries.front().seq == 1);
  CHECK(entries.front().prev_hash == std::string(32, '\0'));
  CHECK(f.Verified().sessions == 3);
}

TEST_CASE("session ids resolve from unique prefixes, bad ones are refused",
          "[records][store]") {
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  const std::string gao = added[0].session;
  std::string upper = gao.substr(0, 8);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  // A prefix no session starts with.
  std::string unknown = "0000";
  for (char c : std::string("0123456789abcdef")) {
    unknown = std::string(4, c);
    bool used = false;
    for (const AddedSession& a : added)
      used |= a.session.rfind(unknown, 0) == 0;
    if (!used) break;
  }

  struct Case {
    std::string prefix;
    std::string resolved;  // "" = refused
    std::string message;   // part of the refusal
  };
  const std::vector<Case> cases = {
      {gao, gao, ""},
      {gao.substr(0, 8), gao, ""},
      {gao.substr(0, 5), gao, ""},
      {upper, gao, ""},
      {gao.substr(0, 3), "", "too short (give at least 4 characters)"},
      {"", "", "not an id"},
      {"xyz1", "", "not an id"},
      {gao.substr(0, 4) + "g", "", "not an id"},
      {" " + gao.substr(0, 8), "", "not an id"},
      {gao + "0", "", "not an id"},
      {unknown, "", "no session with id '" + unknown + "'"},
      {added[0].commitments[0], "", "no session with id"},
  };
  for (const Case& c : cases) {
    INFO("prefix '" << c.prefix << "'");
    auto resolved = f.store().ResolveSession(c.prefix);
    INFO(resolved.status().ToString());
    if (c.resolved.empty()) {
      CHECK(resolved.status().code() == StatusCode::kInvalidArgument);
      CHECK_THAT(resolved.status().message(), Catch::Contains(c.message));
    } else {
      REQUIRE(resolved.ok());
      CHECK(*resolved == c.resolved);
    }
  }
  auto commitment =
      f.store().ResolveCommitment(added[1].commitments[0].substr(0, 10));
  REQUIRE(commitment.ok());
  CHECK(*commitment == added[1].commitments[0]);
  CHECK_THAT(f.store().ResolveCommitment(gao).status().message(),
             Catch::Contains("no commitment with id"));

  // Many sessions, so that two ids share their first four characters (with
  // 1000 ids among 65536 prefixes that fails to happen once in ~2000 runs).
  std::vector<json> many;
  for (int i = 0; i < 1000; ++i) {
    many.push_back(MinimalSession("Session " + std::to_string(i)));
  }
  f.Add(many);
  const std::vector<std::string> ids =
      Column(f.db(), "SELECT id FROM sessions ORDER BY id");
  REQUIRE(ids.size() == 1003);
  std::size_t at = 0;
  while (at + 1 < ids.size() && ids[at].compare(0, 4, ids[at + 1], 0, 4) != 0) {
    ++at;
  }
  if (at + 1 == ids.size()) {
    WARN("no two ids share a 4-character prefix this run; skipped");
    return;
  }
  const std::string shared = ids[at].substr(0, 4);
  auto ambiguous = f.store().ResolveSession(shared);
  INFO(ambiguous.status().ToString());
  CHECK(ambiguous.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(ambiguous.status().message(),
             Catch::Contains("ambiguous") &&
                 Catch::Contains(ShortId(ids[at])) &&
                 Catch::Contains(ShortId(ids[at + 1])));
  // The full ids still resolve.
  CHECK(f.store().ResolveSession(ids[at]).value() == ids[at]);
  CHECK(f.store().ResolveSession(ids[at + 1]).value() == ids[at + 1]);
}

// Five sessions in three countries, added out of date order.
struct ListFixture {
  RecordsFixture f;
  std::map<std::string, std::string> id;  // title -> id

  ListFixture() {
    json a = MinimalSession("Alpha", "2026-01-10T09:00:00+00:00", "ML", "Gao",
                            "Gao");
    json b = MinimalSession("Bravo", "2026-02-05T09:00:00+00:00", "ml",
                            "Tombouctou", "Goundam");
    b["kind"] = "security_advisory_committee";
    b["participants"] = {{"by_sex", {{"female", 3}, {"male", 4}}}};
    b["commitments"] = {Commitment("Done", "Mairie"),
                        Commitment("Blocked", "Mairie"),
                        Commitment("Open", "Mairie")};
    // 01:30 at +03:00 is 1 March locally, still 28 February in UTC.
    json c = MinimalSession("Charlie", "2026-03-01T01:30:00+03:00", "IQ",
                            "Nineveh", "Sinjar");
    json d = MinimalSession("Delta", "2026-03-01T09:00:00+03:00", "IQ",
                            "Nineveh", "Sinjar");
    d["kind"] = "training";
    json e = MinimalSession("Echo", "2026-04-20T10:00:00+04:00", "GE",
                            "Shida Kartli", "Gori");
    e["kind"] = "perception_survey";
    const std::vector<json> sessions = {c, a, e, b, d};
    const auto added = f.Add(sessions);
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      id[sessions[i]["title"].get<std::string>()] = added[i].session;
    }
    f.FollowUp(added[3].commitments[0], "done", "2026-02-10");
    f.FollowUp(added[3].commitments[1], "blocked", "2026-02-11");
  }

  std::vector<std::string> Titles(const SessionFilter& filter) {
    auto listed = f.store().ListSessions(filter);
    INFO(listed.status().ToString());
    REQUIRE(listed.ok());
    std::vector<std::string> titles;
    for (const SessionSummary& s : *listed) titles.push_back(s.title);
    return titles;
  }
};

TEST_CASE("session listings filter and come newest first", "[records][store]") {
  ListFixture l;
  using Titles = std::vector<std::string>;
  struct Case {
    const char* name;
    std::function<void(SessionFilter&)> set;
    Titles expected;
  };
  const std::vector<Case> cases = {
      {"no filter",
       [](SessionFilter&) {},
       {"Echo", "Delta", "Charlie", "Bravo", "Alpha"}},
      {"from, inclusive",
       [](SessionFilter& s) { s.from = "2026-02-05"; },
       {"Echo", "Delta", "Charlie", "Bravo"}},
      {"to, inclusive, by local date",
       [](SessionFilter& s) { s.to = "2026-03-01"; },
       {"Delta", "Charlie", "Bravo", "Alpha"}},
      {"to the UTC date of a session after midnight local",
       [](SessionFilter& s) { s.to = "2026-02-28"; },
       {"Bravo", "Alpha"}},
      {"one day",
       [](SessionFilter& s) {
         s.from = "2026-03-01";
         s.to = "2026-03-01";
       },
       {"Delta", "Charlie"}},
      {"after everything", [](SessionFilter& s) { s.from = "2026-05-01"; }, {}},
      {"kind",
       [](SessionFilter& s) { s.kind = "community_dialogue"; },
       {"Charlie", "Alpha"}},
      {"country in lower case",
       [](SessionFilter& s) { s.country = "ml"; },
       {"Bravo", "Alpha"}},
      {"country",
       [](SessionFilter& s) { s.country = "IQ"; },
       {"Delta", "Charlie"}},
      {"region in another case",
       [](SessionFilter& s) { s.region = "NINEVEH"; },
       {"Delta", "Charlie"}},
      {"region is a whole name",
       [](SessionFilter& s) { s.region = "Nine"; },
       {}},
      {"commune", [](SessionFilter& s) { s.commune = "gori"; }, {"Echo"}},
      {"country and region",
       [](SessionFilter& s) {
         s.country = "ML";
         s.region = "gao";
       },
       {"Alpha"}},
      {"limit", [](SessionFilter& s) { s.limit = 2; }, {"Echo", "Delta"}},
      {"limit 0", [](SessionFilter& s) { s.limit = 0; }, {}},
      {"limit after filters",
       [](SessionFilter& s) {
         s.country = "ML";
         s.limit = 1;
       },
       {"Bravo"}},
      {"text", [](SessionFilter& s) { s.text = "charlie"; }, {"Charlie"}},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    SessionFilter filter;
    c.set(filter);
    CHECK(l.Titles(filter) == c.expected);
  }

  // What a summary carries.
  auto listed = l.f.store().ListSessions(SessionFilter{});
  REQUIRE(listed.ok());
  const SessionSummary& bravo = (*listed)[3];
  CHECK(bravo.id == l.id["Bravo"]);
  CHECK(bravo.kind == "security_advisory_committee");
  CHECK(bravo.country == "ML");
  CHECK(bravo.region == "Tombouctou");
  CHECK(bravo.commune == "Goundam");
  CHECK(bravo.date == "2026-02-05");
  CHECK(bravo.started_at == "2026-02-05T09:00:00+00:00");
  CHECK(bravo.participants == 7);
  CHECK(bravo.open_commitments == 2);  // open and blocked, not done
  const SessionSummary& charlie = (*listed)[2];
  CHECK(charlie.date == "2026-03-01");
  CHECK(charlie.open_commitments == 0);
}

TEST_CASE("commitment listings filter by status, overdue, owner and place",
          "[records][store]") {
  RecordsFixture f;
  json gao =
      MinimalSession("Gao", "2026-01-10T09:00:00+00:00", "ML", "Gao", "Gao");
  gao["commitments"] = {
      Commitment("Réparer le puits", "Mairie de Gao", "2026-04-01"),
      Commitment("Former les agents", "Police 100% locale", "2026-05-01"),
      Commitment("Publier le budget", "Service_des_eaux", "2026-03-01"),
      Commitment("Rouvrir la route", "Gendarmerie nationale", "2026-02-01")};
  json sinjar = MinimalSession("Sinjar", "2026-02-02T10:00:00+03:00", "IQ",
                               "Nineveh", "Sinjar");
  sinjar["commitments"] = {
      Commitment("Open a desk", "Sinjar district police", "2026-04-15"),
      Commitment("Hire staff", "MAIRIE annexe")};
  const auto added = f.Add({gao, sinjar});
  const auto& g = added[0].commitments;
  const auto& s = added[1].commitments;
  f.FollowUp(g[2], "in_progress", "2026-03-05");
  f.FollowUp(g[3], "blocked", "2026-02-15");
  f.FollowUp(s[0], "done", "2026-04-10");
  // Names for the expectations.
  const std::map<std::string, std::string> name = {
      {g[0], "puits"}, {g[1], "agents"}, {g[2], "budget"},
      {g[3], "route"}, {s[0], "desk"},   {s[1], "staff"}};

  using Names = std::vector<std::string>;
  struct Case {
    const char* name;
    std::function<void(CommitmentFilter&)> set;
    Names expected;  // by due date (none last), then session date
  };
  const std::vector<Case> cases = {
      {"no filter",
       [](CommitmentFilter&) {},
       {"route", "budget", "puits", "desk", "agents", "staff"}},
      {"status open",
       [](CommitmentFilter& c) { c.status = "open"; },
       {"puits", "agents", "staff"}},
      {"status blocked",
       [](CommitmentFilter& c) { c.status = "blocked"; },
       {"route"}},
      // Due before today, open or in progress; not blocked, not due today,
      // not without a due date, not done.
      {"overdue",
       [](CommitmentFilter& c) { c.overdue = true; },
       {"budget", "puits"}},
      {"overdue and in progress",
       [](CommitmentFilter& c) {
         c.overdue = true;
         c.status = "in_progress";
       },
       {"budget"}},
      {"owner, any case",
       [](CommitmentFilter& c) { c.owner = "mairie"; },
       {"puits", "staff"}},
      {"owner substring",
       [](CommitmentFilter& c) { c.owner = "POLICE"; },
       {"desk", "agents"}},
      {"owner with a literal %",
       [](CommitmentFilter& c) { c.owner = "100%"; },
       {"agents"}},
      {"owner %", [](CommitmentFilter& c) { c.owner = "%"; }, {"agents"}},
      {"owner _", [](CommitmentFilter& c) { c.owner = "_"; }, {"budget"}},
      // As a wildcard, e_d would also match "Mairie de Gao".
      {"owner e_d", [](CommitmentFilter& c) { c.owner = "e_d"; }, {"budget"}},
      {"owner backslash", [](CommitmentFilter& c) { c.owner = "\\"; }, {}},
      {"owner nobody", [](CommitmentFilter& c) { c.owner = "ONU"; }, {}},
      {"region, any case",
       [](CommitmentFilter& c) { c.region = "gao"; },
       {"route", "budget", "puits", "agents"}},
      {"country",
       [](CommitmentFilter& c) { c.country = "iq"; },
       {"desk", "staff"}},
      {"commune",
       [](CommitmentFilter& c) { c.commune = "Sinjar"; },
       {"desk", "staff"}},
      {"overdue in Nineveh",
       [](CommitmentFilter& c) {
         c.overdue = true;
         c.region = "Nineveh";
       },
       {}},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    CommitmentFilter filter;
    filter.today = "2026-05-01";
    c.set(filter);
    auto listed = f.store().ListCommitments(filter);
    INFO(listed.status().ToString());
    REQUIRE(listed.ok());
    Names names;
    for (const CommitmentView& v : *listed) {
      names.push_back(name.at(v.id));
      // The overdue flag agrees with the overdue filter.
      const bool overdue = v.id == g[0] || v.id == g[2];
      CHECK(v.overdue == overdue);
    }
    CHECK(names == c.expected);
  }

  // A view carries its session's place and its own status.
  CommitmentFilter one;
  one.today = "2026-05-01";
  one.owner = "Service_des";
  auto listed = f.store().ListCommitments(one);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const CommitmentView& v = listed->front();
  CHECK(v.session_id == added[0].session);
  CHECK(v.session_title == "Gao");
  CHECK(v.session_date == "2026-01-10");
  CHECK(v.region == "Gao");
  CHECK(v.action == "Publier le budget");
  CHECK(v.due == "2026-03-01");
  CHECK(v.status == "in_progress");
  CHECK(v.status_date == "2026-03-05");

  for (const char* today : {"", "2026-13-01", "01/05/2026"}) {
    INFO("today '" << today << "'");
    CommitmentFilter bad;
    bad.today = today;
    CHECK(f.store().ListCommitments(bad).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

TEST_CASE("place filters fold the case of accented letters too",
          "[records][store]") {
  // SessionFilter and CommitmentFilter promise case-insensitive places and
  // owners; SQLite's NOCASE and LIKE only fold ASCII letters.
  RecordsFixture f;
  json segou = MinimalSession("Ségou", "2026-01-10T09:00:00+00:00", "ML",
                              "Ségou", "Ségou");
  segou["commitments"] = {Commitment("Ouvrir l'école", "École de Ségou")};
  f.AddOne(segou);
  SessionFilter by_region;
  by_region.region = "SÉGOU";
  auto sessions = f.store().ListSessions(by_region);
  REQUIRE(sessions.ok());
  CHECK(sessions->size() == 1);
  CommitmentFilter by_owner;
  by_owner.today = "2026-05-01";
  by_owner.owner = "école";
  auto commitments = f.store().ListCommitments(by_owner);
  REQUIRE(commitments.ok());
  CHECK(commitments->size() == 1);
}

TEST_CASE("the last place used is the last session recorded",
          "[records][store]") {
  RecordsFixture f;
  auto place = f.store().LastPlaceUsed();
  REQUIRE(place.ok());
  CHECK(place->country.empty());
  CHECK(place->region.empty());
  CHECK(place->commune.empty());

  // The last of one batch, even though another is more recent by date.
  const auto added =
      f.Add({MinimalSession("Récente", "2026-04-01T09:00:00+00:00", "ML", "Gao",
                            "Gao"),
             MinimalSession("Ancienne", "2025-01-01T09:00:00+04:00", "GE",
                            "Shida Kartli", "Gori")});
  place = f.store().LastPlaceUsed();
  REQUIRE(place.ok());
  CHECK(place->country == "GE");
  CHECK(place->region == "Shida Kartli");
  CHECK(place->commune == "Gori");

  // A later write; country only.
  f.AddOne(MinimalSession("Niamey", "2024-01-01T09:00:00+01:00", "ne", "", ""));
  place = f.store().LastPlaceUsed();
  REQUIRE(place.ok());
  CHECK(place->country == "NE");
  CHECK(place->region.empty());
  CHECK(place->commune.empty());

  // Editing an older session does not make it the last recorded.
  f.Edit(added[0].session,
         MinimalSession("Récente (corrigée)", "2026-04-01T09:00:00+00:00", "ML",
                        "Gao", "Gao"));
  place = f.store().LastPlaceUsed();
  REQUIRE(place.ok());
  CHECK(place->country == "NE");
}

// Sessions with commitments and follow-ups, a commitment removed by an edit
// (its follow-up is not exported) and a redacted session (not exported).
struct ExportFixture {
  RecordsFixture f;
  std::vector<AddedSession> added;

  ExportFixture() {
    std::vector<json> sessions = ThreeSessions();
    sessions[0]["place"]["site"] = "Maison des jeunes";
    added = f.Add(sessions);
    f.FollowUp(added[0].commitments[0], "in_progress", "2026-04-01", "Début.");
    f.FollowUp(added[0].commitments[0], "done", "2026-04-20");
    f.FollowUp(added[0].commitments[1], "blocked", "2026-04-02", "Bloqué.");
    f.FollowUp(added[1].commitments[0], "done", "2026-03-01");
    json gao = sessions[0];
    gao["commitments"].erase(1);
    f.Edit(added[0].session, gao);
    const AddedSession doomed = f.AddOne(MinimalSession("Effacée"));
    REQUIRE(f.store().RedactSession(doomed.session).ok());
  }
};

// The session as show --json gives it, without the times of this vault.
json Comparable(RecordStore& store, const std::string& id) {
  auto session = store.SessionJson(id);
  INFO(session.status().ToString());
  REQUIRE(session.ok());
  session->erase("created_at");
  session->erase("updated_at");
  return *session;
}

TEST_CASE("export and import carry sessions between vaults, once",
          "[records][store][exchange]") {
  ExportFixture a;
  auto exported = a.f.store().Export(/*include_site=*/true);
  REQUIRE(exported.ok());
  CHECK((*exported)["format"] == "palabre.export/1");
  const json& sessions = (*exported)["sessions"];
  REQUIRE(sessions.size() == 3);
  // Oldest first, the site kept on request.
  CHECK(sessions[0]["id"] == a.added[2].session);
  CHECK(sessions[1]["id"] == a.added[1].session);
  CHECK(sessions[2]["id"] == a.added[0].session);
  CHECK(sessions[2]["place"]["site"] == "Maison des jeunes");
  CHECK(sessions[2]["commitments"].size() == 1);
  CHECK(sessions[2]["commitments"][0]["follow_ups"].size() == 2);
  CHECK(sessions[2]["commitments"][0]["follow_ups"][0]["note"] == "Début.");
  CHECK_FALSE(sessions[2]["commitments"][0]["follow_ups"][1].contains("note"));
  auto without_site = a.f.store().Export(/*include_site=*/false);
  REQUIRE(without_site.ok());
  CHECK_FALSE((*without_site)["sessions"][2]["place"].contains("site"));

  RecordsFixture b(/*own_keys=*/true);  // another device
  auto imported = b.store().Import(*exported);
  INFO(imported.status().ToString());
  REQUIRE(imported.ok());
  CHECK(imported->sessions_added == 3);
  CHECK(imported->sessions_skipped == 0);
  CHECK(imported->follow_ups_added == 3);
  CHECK(imported->follow_ups_skipped == 0);
  for (const json& s : sessions) {
    const std::string id = s["id"];
    INFO("session " << id);
    CHECK(Comparable(b.store(), id) == Comparable(a.f.store(), id));
    for (const json& c : s["commitments"]) {
      const std::string cid = c["id"];
      auto in_a = a.f.store().FollowUps(cid);
      auto in_b = b.store().FollowUps(cid);
      REQUIRE(in_a.ok());
      REQUIRE(in_b.ok());
      REQUIRE(in_a->size() == in_b->size());
      for (std::size_t i = 0; i < in_a->size(); ++i) {
        CHECK((*in_b)[i].id == (*in_a)[i].id);
        CHECK((*in_b)[i].status == (*in_a)[i].status);
        CHECK((*in_b)[i].note == (*in_a)[i].note);
        CHECK((*in_b)[i].date == (*in_a)[i].date);
      }
    }
  }
  CommitmentFilter all;
  all.today = "2026-05-01";
  auto listed_a = a.f.store().ListCommitments(all);
  auto listed_b = b.store().ListCommitments(all);
  REQUIRE(listed_a.ok());
  REQUIRE(listed_b.ok());
  REQUIRE(listed_a->size() == listed_b->size());
  for (std::size_t i = 0; i < listed_a->size(); ++i) {
    CHECK((*listed_b)[i].id == (*listed_a)[i].id);
    CHECK((*listed_b)[i].status == (*listed_a)[i].status);
    CHECK((*listed_b)[i].status_date == (*listed_a)[i].status_date);
  }
  CHECK(b.Search("Bourem").size() == 1);
  CHECK(b.Verified().sessions == 3);
  // Imported records become entries of B's own log.
  CHECK(b.DeviceId() != a.f.DeviceId());
  CHECK(b.Count("log_entries", "device_id != " + Quoted(b.DeviceId())) == 0);

  // A second import adds nothing.
  const auto before = Counts(b);
  auto again = b.store().Import(*exported);
  REQUIRE(again.ok());
  CHECK(again->sessions_added == 0);
  CHECK(again->sessions_skipped == 3);
  CHECK(again->follow_ups_added == 0);
  CHECK(again->follow_ups_skipped == 3);
  CHECK(Counts(b) == before);

  // A follow-up recorded later in A reaches B; nothing else is added.
  a.f.FollowUp(a.added[1].commitments[0], "in_progress", "2026-05-02",
               "Rouvert.");
  auto later = a.f.store().Export(true);
  REQUIRE(later.ok());
  auto update = b.store().Import(*later);
  REQUIRE(update.ok());
  CHECK(update->sessions_added == 0);
  CHECK(update->sessions_skipped == 3);
  CHECK(update->follow_ups_added == 1);
  CHECK(update->follow_ups_skipped == 3);
  auto status = b.store().SessionCommitments(a.added[1].session, "2026-05-01");
  REQUIRE(status.ok());
  CHECK(status->front().status == "in_progress");

  // A session redacted in B is not brought back, nor its follow-ups.
  REQUIRE(b.store().RedactSession(a.added[1].session).ok());
  auto after_redaction = b.store().Import(*later);
  REQUIRE(after_redaction.ok());
  CHECK(after_redaction->sessions_added == 0);
  CHECK(after_redaction->sessions_skipped == 3);
  CHECK(after_redaction->follow_ups_added == 0);
  CHECK(b.Count("sessions") == 2);
  CHECK(b.Verified().redacted == 4);  // session, commitment, 2 follow-ups
}

TEST_CASE("import refuses a bad document whole, writing nothing",
          "[records][store][exchange]") {
  ExportFixture a;
  auto exported = a.f.store().Export(true);
  REQUIRE(exported.ok());
  const json good = *exported;
  const std::vector<json> three = ThreeSessions();
  // A new session (new ids), to be written before the bad one is met.
  json fresh = three[1];
  fresh["id"] = NewRecordId();
  fresh["commitments"][0]["id"] = NewRecordId();

  struct Case {
    const char* name;
    std::function<void(json&)> spoil;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"not an object", [](json& d) { d = json::array(); },
       "must be a JSON object"},
      {"an unknown field", [](json& d) { d["extra"] = 1; },
       "extra: unknown field"},
      {"another format", [](json& d) { d["format"] = "palabre.export/2"; },
       "format: must be \"palabre.export/1\""},
      {"a session file, not an export", [&](json& d) { d = three[2]; },
       "format: must be"},
      {"no format", [](json& d) { d.erase("format"); }, "format: must be"},
      {"sessions not a list", [](json& d) { d["sessions"] = json::object(); },
       "sessions: must be an array"},
      {"a bad session among good ones",
       [&](json& d) {
         d["sessions"].insert(d["sessions"].begin(), fresh);
         d["sessions"][2]["kind"] = "party";
       },
       "sessions[2].kind"},
      {"a session without id", [](json& d) { d["sessions"][0].erase("id"); },
       "sessions[0].id: missing or not an id"},
      {"a commitment without id",
       [](json& d) { d["sessions"][2]["commitments"][0].erase("id"); },
       "sessions[2].commitments[0].id: missing or not an id"},
      {"a follow-up with an unknown field",
       [](json& d) {
         d["sessions"][2]["commitments"][0]["follow_ups"][0]["mood"] = "ok";
       },
       "sessions[2].commitments[0].follow_ups[0].mood: unknown field"},
      {"a follow-up with a bad date",
       [](json& d) {
         d["sessions"][2]["commitments"][0]["follow_ups"][1]["date"] =
             "2026-02-30";
       },
       "sessions[2].commitments[0].follow_ups[1].date"},
      {"a session listed twice",
       [](json& d) { d["sessions"].push_back(d["sessions"][0]); },
       "sessions[3].id: listed twice"},
      {"a new session holding another session's commitment",
       [&](json& d) {
         json thief = fresh;
         thief["id"] = NewRecordId();
         thief["commitments"][0]["id"] = a.added[0].commitments[0];
         d["sessions"] = json::array({fresh, thief});
       },
       "already exists in this vault under another session"},
  };
  const auto before = Counts(a.f);
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    json document = good;
    c.spoil(document);
    auto imported = a.f.store().Import(document);
    INFO(imported.status().ToString());
    CHECK(imported.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(imported.status().message(), Catch::Contains(c.message));
    CHECK(Counts(a.f) == before);
  }
  CHECK(a.f.store()
            .ResolveSession(fresh["id"].get<std::string>())
            .status()
            .code() == StatusCode::kInvalidArgument);
  a.f.Verified();
}

// True if any stored log body contains `needle`.
bool InAnyBody(Database& db, const std::string& needle) {
  for (const std::string& body : AllBodies(db)) {
    if (body.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Documents the index holds the term in (fts5vocab).
int64_t IndexedDocs(RecordsFixture& f, const std::string& term) {
  REQUIRE(f.db()
              .Exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.redaction_vocab "
                    "USING fts5vocab(main, sessions_fts, row)")
              .ok());
  int64_t docs = 0;
  {
    auto stmt = f.db().Prepare(
        "SELECT coalesce(sum(doc), 0) FROM temp.redaction_vocab "
        "WHERE term = ?");
    REQUIRE(stmt.ok());
    REQUIRE(stmt->BindText(1, term).ok());
    REQUIRE(stmt->Step().value());
    docs = stmt->ColumnInt(0);
  }
  REQUIRE(f.db().Exec("DROP TABLE temp.redaction_vocab").ok());
  return docs;
}

TEST_CASE("redaction leaves no trace of a session but its log hashes",
          "[records][store][redact]") {
  RecordsFixture f;
  std::vector<json> sessions = ThreeSessions();
  json& doomed = sessions[0];
  doomed["notes"] = "Témoignage zanzibarique à effacer.";
  doomed["commitments"][0]["action"] = "Action quetzalcoatlique.";
  const auto added = f.Add(sessions);
  const std::string id = added[0].session;
  const std::string kept = added[1].session;
  const auto& commitments = added[0].commitments;
  const std::string f1 = f.FollowUp(commitments[0], "in_progress", "2026-04-01",
                                    "Note ptarmigane.");
  const std::string f2 = f.FollowUp(commitments[1], "done", "2026-04-02");
  const std::string other =
      f.FollowUp(added[1].commitments[0], "done", "2026-04-03");
  REQUIRE(f.Search("zanzibarique") == std::vector<std::string>{id});
  REQUIRE(IndexedDocs(f, "zanzibarique") == 1);
  REQUIRE(InAnyBody(f.db(), "zanzibarique"));

  auto redacted = f.store().RedactSession(id.substr(0, 6));
  INFO(redacted.status().ToString());
  REQUIRE(redacted.ok());
  CHECK(*redacted == id);

  const std::vector<std::string> records = {id, commitments[0], commitments[1],
                                            f1, f2};
  std::string in_list;
  for (const std::string& r : records) {
    in_list += (in_list.empty() ? "" : ", ") + Quoted(r);
  }
  in_list = "(" + in_list + ")";
  // Gone from every table.
  CHECK(f.Count("sessions", "id = " + Quoted(id)) == 0);
  CHECK(f.Count("commitments", "session_id = " + Quoted(id)) == 0);
  CHECK(f.Count("commitments", "id IN " + in_list) == 0);
  CHECK(f.Count("follow_ups", "id IN " + in_list) == 0);
  CHECK(f.Count("follow_ups", "commitment_id IN " + in_list) == 0);
  CHECK(f.Count("concerns", "session_num NOT IN (SELECT num FROM sessions)") ==
        0);
  CHECK(f.Count("participation",
                "session_num NOT IN (SELECT num FROM sessions)") == 0);
  // Marked redacted, with their types.
  CHECK(Column(f.db(), "SELECT type FROM redacted WHERE record_id = ?1", id) ==
        std::vector<std::string>{"session"});
  CHECK(f.Count("redacted", "record_id IN " + in_list) == 5);
  CHECK(f.Count("redacted", "type = 'followup'") == 2);
  // Their put entries lost body and key; one redact entry each.
  CHECK(f.Count("log_entries", "record_id IN " + in_list +
                                   " AND op != 'redact' AND (body IS NOT NULL"
                                   " OR dek IS NOT NULL)") == 0);
  CHECK(f.Count("log_entries", "record_id IN " + in_list + " AND op = 'put'") ==
        5);
  CHECK(f.Count("log_entries",
                "record_id IN " + in_list + " AND op = 'redact'") == 5);
  // The canaries are nowhere in the log, nor in the index.
  for (const char* canary : {"zanzibarique", "quetzalcoatlique", "ptarmigane",
                             "Bourem", "Témoignage"}) {
    INFO("canary " << canary);
    CHECK_FALSE(InAnyBody(f.db(), canary));
    CHECK(f.Search(canary).empty());
  }
  CHECK(IndexedDocs(f, "zanzibarique") == 0);
  CHECK(IndexedDocs(f, "quetzalcoatlique") == 0);
  // The id is refused as redacted, by full id and by prefix.
  for (const std::string& prefix : {id, id.substr(0, 8)}) {
    auto resolved = f.store().ResolveSession(prefix);
    CHECK(resolved.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(resolved.status().message(), Catch::Contains("redacted"));
  }
  CHECK_THAT(f.store().ResolveCommitment(commitments[0]).status().message(),
             Catch::Contains("redacted"));
  CHECK(f.store().RedactSession(id).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(
      f.store()
          .AddFollowUp(commitments[0], FollowUpInput{"done", "", "2026-05-01"})
          .status()
          .code() == StatusCode::kInvalidArgument);
  // The rest is untouched.
  CHECK(f.Search("النازحين") == std::vector<std::string>{kept});
  CHECK(f.Count("follow_ups", "id = " + Quoted(other)) == 1);
  CHECK(f.Count("sessions") == 2);
  const VerifyReport report = f.Verified();
  CHECK(report.redacted == 5);
  CHECK(report.sessions == 2);
  auto exported = f.store().Export(true);
  REQUIRE(exported.ok());
  CHECK((*exported)["sessions"].size() == 2);
  CHECK(exported->dump().find("zanzibarique") == std::string::npos);
}

TEST_CASE("redaction reaches follow-ups of commitments an edit removed",
          "[records][store][redact]") {
  RecordsFixture f;
  json session = MinimalSession("Réunion");
  session["commitments"] = {Commitment("Garder", "Mairie"),
                            Commitment("Retirer plus tard", "Mairie")};
  const AddedSession added = f.AddOne(session);
  const std::string removed = added.commitments[1];
  const std::string orphan =
      f.FollowUp(removed, "blocked", "2026-04-01", "Note orpheline kraken.");
  session["commitments"].erase(1);
  f.Edit(added.session, session);
  REQUIRE(f.Count("commitments", "id = " + Quoted(removed)) == 0);
  REQUIRE(InAnyBody(f.db(), "kraken"));

  REQUIRE(f.store().RedactSession(added.session).ok());
  CHECK(f.Count("follow_ups", "id = " + Quoted(orphan)) == 0);
  CHECK(Column(f.db(), "SELECT type FROM redacted WHERE record_id = ?1",
               orphan) == std::vector<std::string>{"followup"});
  CHECK(Column(f.db(), "SELECT type FROM redacted WHERE record_id = ?1",
               removed) == std::vector<std::string>{"commitment"});
  // Its put, the commitment's put and delete: all erased.
  CHECK(f.Count("log_entries", "record_id IN (" + Quoted(orphan) + ", " +
                                   Quoted(removed) +
                                   ") AND op != 'redact' AND body IS NOT "
                                   "NULL") == 0);
  CHECK_FALSE(InAnyBody(f.db(), "kraken"));
  CHECK_FALSE(InAnyBody(f.db(), "Retirer plus tard"));
  CHECK(f.Verified().redacted == 4);

  // The vault goes on: a new session (which may reuse the redacted one's
  // row number) is found, the redacted words still are not.
  const AddedSession next = f.AddOne(MinimalSession("Renouveau"));
  CHECK(f.Search("renouveau") == std::vector<std::string>{next.session});
  CHECK(f.Search("Retirer").empty());
  CHECK(f.Search("Réunion").empty());
  CHECK(f.Verified().sessions == 1);
}

}  // namespace
}  // namespace palabre::testing

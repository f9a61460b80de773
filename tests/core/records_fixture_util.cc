// Fixture helpers for the record tests (see records_fixture_util.h).
#include "tests/core/records_fixture_util.h"

#include <catch2/catch.hpp>

namespace palabre::testing {

using nlohmann::json;

json MinimalSession(const std::string& title, const std::string& started_at,
                    const std::string& country, const std::string& region,
                    const std::string& commune) {
  json place = {{"country", country}};
  if (!region.empty()) place["region"] = region;
  if (!commune.empty()) place["commune"] = commune;
  return {{"format", kSessionFormat},
          {"kind", "community_dialogue"},
          {"title", title},
          {"started_at", started_at},
          {"place", place}};
}

json Commitment(const std::string& action, const std::string& owner,
                const std::string& due) {
  json c = {{"action", action}, {"owner", owner}};
  if (!due.empty()) c["due"] = due;
  return c;
}

SessionInput Parsed(const json& session) {
  auto parsed = ParseSession(session);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

std::vector<json> ThreeSessions() {
  json gao = MinimalSession("Comité consultatif de sécurité de Gao",
                            "2026-03-14T09:30:00+00:00", "ML", "Gao", "Gao");
  gao["kind"] = "security_advisory_committee";
  gao["participants"] = {{"by_group", {{"security_forces", 4}, {"youth", 6}}},
                         {"by_sex", {{"female", 4}, {"male", 6}}},
                         {"by_age", {{"18_35", 7}, {"36_plus", 3}}}};
  gao["agenda"] = {"Patrouilles de nuit"};
  gao["concerns"] = {{{"category", "police_conduct"},
                      {"raised_by", "youth"},
                      {"summary", "Contrôles arbitraires au poste nord."}},
                     {{"category", "armed_groups"},
                      {"summary", "Hommes armés sur la route de Bourem."}}};
  gao["agreements"] = {"Réunion mensuelle jeunes et police."};
  gao["commitments"] = {
      Commitment("Publier les horaires des postes de contrôle.",
                 "Commissariat de police de Gao", "2026-04-30"),
      Commitment("Désigner un point focal jeunesse.",
                 "Commissariat de police de Gao", "2026-04-15")};
  gao["notes"] = "Aucun propos n'est attribué à une personne nommée.";

  json sinjar =
      MinimalSession("حوار مجتمعي حول عودة النازحين",
                     "2026-02-02T10:00:00+03:00", "IQ", "Nineveh", "Sinjar");
  sinjar["participants"] = {{"by_group", {{"idps", 9}, {"cso", 2}}}};
  sinjar["concerns"] = {{{"category", "displacement"},
                         {"raised_by", "idps"},
                         {"summary", "No services in the villages."}}};
  sinjar["commitments"] = {Commitment(
      "Open a women's desk at the police station.", "Sinjar district police")};

  json gori =
      MinimalSession("სოფლის შეხვედრა უსაფრთხოებაზე",
                     "2026-01-20T11:00:00+04:00", "GE", "Shida Kartli", "Gori");
  gori["kind"] = "training";
  gori["participants"] = {{"by_age", {{"18_35", 5}}}};
  return {gao, sinjar, gori};
}

namespace {

// The empty vault every fixture copies (Vault::Create costs two key
// derivations, a copy none).
const std::string& TemplateVault() {
  static TempDir dir;
  static const bool made = [] {
    MakeVault(dir.Sub("template"));
    return true;
  }();
  static const std::string path = dir.Sub("template");
  (void)made;
  return path;
}

}  // namespace

RecordsFixture::RecordsFixture(bool own_keys) {
  const std::string path = dir_.Sub("vault");
  if (own_keys) {
    MakeVault(path);
  } else {
    CopyFiles(TemplateVault(), path);
  }
  vault_ = OpenVault(path);
  auto store = RecordStore::Open(*vault_);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  store_.emplace(std::move(store).value());
}

std::vector<AddedSession> RecordsFixture::Add(
    const std::vector<json>& sessions) {
  std::vector<SessionInput> inputs;
  for (const json& s : sessions) inputs.push_back(Parsed(s));
  auto added = store_->AddSessions(inputs);
  INFO(added.status().ToString());
  REQUIRE(added.ok());
  REQUIRE(added->size() == sessions.size());
  return std::move(added).value();
}

AddedSession RecordsFixture::AddOne(const json& session) {
  return Add({session}).front();
}

AddedSession RecordsFixture::Edit(const std::string& id, const json& session) {
  auto edited = store_->EditSession(id, Parsed(session));
  INFO(edited.status().ToString());
  REQUIRE(edited.ok());
  return std::move(edited).value();
}

std::string RecordsFixture::FollowUp(const std::string& commitment,
                                     const std::string& status,
                                     const std::string& date,
                                     const std::string& note) {
  auto added =
      store_->AddFollowUp(commitment, FollowUpInput{status, note, date});
  INFO(added.status().ToString());
  REQUIRE(added.ok());
  return std::move(added).value();
}

std::vector<std::string> RecordsFixture::Search(const std::string& words) {
  SessionFilter filter;
  filter.text = words;
  auto found = store_->ListSessions(filter);
  INFO("search '" << words << "': " << found.status().ToString());
  REQUIRE(found.ok());
  std::vector<std::string> ids;
  for (const SessionSummary& s : *found) ids.push_back(s.id);
  return ids;
}

VerifyReport RecordsFixture::Verified() {
  auto report = VerifyRecords(db());
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  return *report;
}

int64_t RecordsFixture::Count(const std::string& table,
                              const std::string& where) {
  auto n = db().QueryInt("SELECT count(*) FROM " + table +
                         (where.empty() ? "" : " WHERE " + where));
  INFO(n.status().ToString());
  REQUIRE(n.ok());
  return *n;
}

std::string RecordsFixture::DeviceId() {
  auto id =
      db().QueryText("SELECT DISTINCT device_id FROM log_entries LIMIT 1");
  INFO(id.status().ToString());
  REQUIRE(id.ok());
  return *id;
}

std::vector<Entry> AllEntries(Database& db) {
  std::vector<Entry> entries;
  Status status = ForEachEntry(db, /*by_chain=*/true, [&](const Entry& e) {
    entries.push_back(e);
    return Status::Ok();
  });
  INFO(status.ToString());
  REQUIRE(status.ok());
  return entries;
}

std::vector<std::string> AllBodies(Database& db) {
  std::vector<std::string> bodies;
  for (const std::string& stored :
       Column(db, "SELECT body FROM log_entries WHERE body IS NOT NULL")) {
    auto body = UnpackBody(stored);
    INFO(body.status().ToString());
    REQUIRE(body.ok());
    bodies.push_back(*body);
  }
  return bodies;
}

std::vector<std::string> Column(Database& db, const std::string& sql,
                                const std::optional<std::string>& param) {
  auto stmt = db.Prepare(sql);
  INFO(sql << ": " << stmt.status().ToString());
  REQUIRE(stmt.ok());
  if (param.has_value()) REQUIRE(stmt->BindText(1, *param).ok());
  std::vector<std::string> out;
  while (true) {
    auto row = stmt->Step();
    INFO(row.status().ToString());
    REQUIRE(row.ok());
    if (!*row) break;
    out.push_back(stmt->ColumnText(0));
  }
  return out;
}

void RunWithBlobs(Database& db, const std::string& sql,
                  const std::vector<std::string>& blobs) {
  auto stmt = db.Prepare(sql);
  INFO(sql << ": " << stmt.status().ToString());
  REQUIRE(stmt.ok());
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    REQUIRE(stmt->BindBlob(static_cast<int>(i) + 1, blobs[i]).ok());
  }
  const Status status = stmt->Run();
  INFO(status.ToString());
  REQUIRE(status.ok());
}

}  // namespace palabre::testing

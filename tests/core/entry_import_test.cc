// Entry import (core/entry_import.h): a coordinator's vault takes in another
// device's entries and must end up showing that device's sessions exactly
// as their author signed them, and nothing else. Entries from one real vault
// are imported into a second: the sessions appear in its lists and the
// importing vault verifies; importing them again adds nothing; an entry
// whose body was altered, a gap, a different entry at a place already held
// and a claim under another device's key are refused, and a refusal stores
// nothing of its import; a hollow entry (redacted before it left its author)
// is kept and counted by verify; an imported redaction erases the bodies of
// its record here too and the session leaves the lists.
#include "core/entry_import.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/entry_seal.h"
#include "core/record_store.h"
#include "core/verify.h"
#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

// Imports `entries` with `public_key` in one RunImport; the results of each
// Add, or the error that stopped the import.
struct Imported {
  Status status;
  std::vector<EntryImportResult> results;
};
Imported Import(Database& db, const std::vector<Entry>& entries,
                const std::string& public_key) {
  Imported out;
  out.status = RunImport(db, [&](EntryImporter& importer) -> Status {
    out.results.clear();
    for (const Entry& e : entries) {
      StatusOr<EntryImportResult> r = importer.Add(e, public_key);
      if (!r.ok()) return r.status();
      out.results.push_back(*r);
    }
    return Status::Ok();
  });
  return out;
}

// RunImport, REQUIRE-d to succeed; the results.
std::vector<EntryImportResult> Imports(Database& db,
                                       const std::vector<Entry>& entries,
                                       const std::string& public_key) {
  Imported r = Import(db, entries, public_key);
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  REQUIRE(r.results.size() == entries.size());
  return r.results;
}

std::string PublicKeyOf(Database& db) {
  auto key = LoadDeviceKey(db);
  INFO(key.status().ToString());
  REQUIRE(key.ok());
  return key->public_key;
}

std::vector<SessionSummary> Sessions(RecordStore& store) {
  auto list = store.ListSessions(SessionFilter{});
  INFO(list.status().ToString());
  REQUIRE(list.ok());
  return *list;
}

std::vector<std::string> SessionIds(RecordStore& store) {
  std::vector<std::string> ids;
  for (const SessionSummary& s : Sessions(store)) ids.push_back(s.id);
  return ids;
}

// What the vault holds, for before/after comparisons: the log with its
// bodies and keys, and the session projection.
std::vector<std::string> LogRows(Database& db) {
  return Column(db,
                "SELECT device_id || ' ' || seq || ' ' || hex(ciphertext_hash)"
                " || ' ' || coalesce(hex(body), '-') || ' ' ||"
                " coalesce(hex(dek), '-') FROM log_entries"
                " ORDER BY device_id, seq");
}

// The entries `device_id` wrote after seq `after`, as the vault holds them.
std::vector<Entry> EntriesAfter(Database& db, const std::string& device_id,
                                int64_t after) {
  std::vector<Entry> out;
  for (const Entry& e : AllEntries(db)) {
    if (e.device_id == device_id && e.seq > after) out.push_back(e);
  }
  return out;
}

// The entry as it travels when its author redacted it before it left: the
// header, the ciphertext hash and the signature.
Entry Hollow(const Entry& e) {
  Entry h;
  h.device_id = e.device_id;
  h.seq = e.seq;
  h.prev_hash = e.prev_hash;
  h.hlc = e.hlc;
  h.ciphertext_hash = e.ciphertext_hash;
  h.signature = e.signature;
  return h;
}

TEST_CASE("imported entries show their sessions and the vault verifies",
          "[records][import]") {
  RecordsFixture author(/*own_keys=*/true);
  RecordsFixture coordinator;
  const std::vector<AddedSession> added = author.Add(ThreeSessions());
  const std::string device = author.DeviceId();
  const std::string key = PublicKeyOf(author.db());
  REQUIRE(device != LoadDeviceKey(coordinator.db())->device_id);
  const std::vector<Entry> entries = AllEntries(author.db());
  REQUIRE(entries.size() == 6);  // three sessions, three commitments

  for (EntryImportResult r : Imports(coordinator.db(), entries, key)) {
    CHECK(r == EntryImportResult::kAdded);
  }

  // The same sessions, as the author's vault shows them.
  std::vector<SessionSummary> mine = Sessions(author.store());
  std::vector<SessionSummary> theirs = Sessions(coordinator.store());
  REQUIRE(theirs.size() == 3);
  REQUIRE(mine.size() == 3);
  for (std::size_t i = 0; i < mine.size(); ++i) {
    CHECK(theirs[i].id == mine[i].id);
    CHECK(theirs[i].title == mine[i].title);
    CHECK(theirs[i].open_commitments == mine[i].open_commitments);
    CHECK(theirs[i].device_id == device);
    auto a = author.store().SessionJson(mine[i].id);
    auto b = coordinator.store().SessionJson(mine[i].id);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->dump() == b->dump());
  }
  CHECK(coordinator.Search("Bourem").size() == 1);

  const VerifyReport report = coordinator.Verified();
  CHECK(report.devices == 1);
  CHECK(report.entries == 6);
  CHECK(report.sessions == 3);
  CHECK(report.commitments == 3);
  CHECK(report.hollow == 0);

  // The coordinator's own entries chain on their own.
  coordinator.Add({MinimalSession("Réunion de coordination")});
  CHECK(Sessions(coordinator.store()).size() == 4);
  const VerifyReport both = coordinator.Verified();
  CHECK(both.devices == 2);
  CHECK(both.entries == 7);

  // More of the author's entries later: the import goes on from the head.
  author.FollowUp(added[0].commitments[0], "in_progress", "2026-03-20");
  const std::vector<Entry> more = EntriesAfter(author.db(), device, 6);
  REQUIRE(more.size() == 1);
  for (EntryImportResult r : Imports(coordinator.db(), more, key)) {
    CHECK(r == EntryImportResult::kAdded);
  }
  auto follow_ups = coordinator.store().FollowUps(added[0].commitments[0]);
  REQUIRE(follow_ups.ok());
  CHECK(follow_ups->size() == 1);
  CHECK(coordinator.Verified().entries == 8);
}

TEST_CASE("importing the same entries again adds nothing",
          "[records][import]") {
  RecordsFixture author(/*own_keys=*/true);
  RecordsFixture coordinator;
  author.Add(ThreeSessions());
  const std::string key = PublicKeyOf(author.db());
  const std::vector<Entry> entries = AllEntries(author.db());
  Imports(coordinator.db(), entries, key);
  const std::vector<std::string> log = LogRows(coordinator.db());
  const std::vector<std::string> ids = SessionIds(coordinator.store());
  const int64_t projected = coordinator.Count("sessions");

  for (int round = 0; round < 2; ++round) {
    for (EntryImportResult r : Imports(coordinator.db(), entries, key)) {
      CHECK(r == EntryImportResult::kDuplicate);
    }
  }
  // Some of them again, out of order: still duplicates.
  const std::vector<Entry> some = {entries[3], entries[0], entries[5]};
  for (EntryImportResult r : Imports(coordinator.db(), some, key)) {
    CHECK(r == EntryImportResult::kDuplicate);
  }
  // Without their bodies' stored form (recomputed): still the same.
  std::vector<Entry> unpacked = entries;
  for (Entry& e : unpacked) e.packed_body.reset();
  for (EntryImportResult r : Imports(coordinator.db(), unpacked, key)) {
    CHECK(r == EntryImportResult::kDuplicate);
  }
  CHECK(LogRows(coordinator.db()) == log);
  CHECK(SessionIds(coordinator.store()) == ids);
  CHECK(coordinator.Count("sessions") == projected);
  CHECK(coordinator.Verified().entries == 6);
}

TEST_CASE("an altered entry, a gap, a fork or another key is refused",
          "[records][import]") {
  RecordsFixture author(/*own_keys=*/true);
  RecordsFixture coordinator;
  author.Add(ThreeSessions());
  const std::string key = PublicKeyOf(author.db());
  const std::vector<Entry> entries = AllEntries(author.db());
  REQUIRE(entries.size() == 6);

  auto altered_body = [&](Entry e) {
    json body = json::parse(*e.body);
    body["title"] = "Un autre titre";
    e.body = body.dump();
    e.packed_body = PackBody(*e.body);
    return e;
  };
  auto without_packed = [&](Entry e) {
    e.body = *e.body + " ";
    e.packed_body.reset();
    return e;
  };
  auto other_dek = [&](Entry e) {
    e.dek = NewDek();
    return e;
  };
  auto other_record = [&](Entry e) {
    e.record_id = NewRecordId();
    return e;
  };
  auto other_hlc = [&](Entry e) {
    e.hlc += 1;
    return e;
  };
  auto other_signature = [&](Entry e) {
    e.signature[0] ^= 0x01;
    return e;
  };
  auto other_hash = [&](Entry e) {
    e.ciphertext_hash[31] ^= 0x80;
    return e;
  };
  struct Case {
    const char* what;
    std::function<Entry(Entry)> change;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"the body altered", altered_body, StatusCode::kPermissionDenied},
      {"the body altered, its stored form left to the importer", without_packed,
       StatusCode::kPermissionDenied},
      {"another data key", other_dek, StatusCode::kPermissionDenied},
      {"another record id", other_record, StatusCode::kPermissionDenied},
      {"another hlc", other_hlc, StatusCode::kPermissionDenied},
      {"the signature altered", other_signature, StatusCode::kPermissionDenied},
      {"the ciphertext hash altered", other_hash,
       StatusCode::kPermissionDenied},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    // The first two entries are good; the third is changed: the whole
    // import is refused and nothing of it stored.
    const Imported r = Import(
        coordinator.db(), {entries[0], entries[1], c.change(entries[2])}, key);
    INFO(r.status.ToString());
    CHECK(r.status.code() == c.code);
    CHECK(r.results.size() == 2);
    CHECK(coordinator.Count("log_entries") == 0);
    CHECK(coordinator.Count("sessions") == 0);
  }

  // Claimed under another device's key.
  const std::string other_key = PublicKeyOf(coordinator.db());
  CHECK(Import(coordinator.db(), {entries[0]}, other_key).status.code() ==
        StatusCode::kPermissionDenied);
  // Malformed fields.
  Entry short_hash = entries[0];
  short_hash.prev_hash.pop_back();
  CHECK(Import(coordinator.db(), {short_hash}, key).status.code() ==
        StatusCode::kInvalidArgument);
  // Neither whole nor hollow: the record fields without the body.
  Entry half = entries[0];
  half.body.reset();
  half.packed_body.reset();
  CHECK(Import(coordinator.db(), {half}, key).status.code() ==
        StatusCode::kInvalidArgument);

  // A gap: seq 1 skipped.
  const Imported gap = Import(coordinator.db(), {entries[1], entries[2]}, key);
  CHECK(gap.status.code() == StatusCode::kFailedPrecondition);
  CHECK(coordinator.Count("log_entries") == 0);
  // A gap further on.
  const Imported later_gap =
      Import(coordinator.db(), {entries[0], entries[1], entries[3]}, key);
  CHECK(later_gap.status.code() == StatusCode::kFailedPrecondition);
  CHECK(coordinator.Count("log_entries") == 0);

  // A fork: the author's device signed another entry at seq 2 (an old copy
  // of its vault did), after the same seq 1.
  Imports(coordinator.db(), {entries[0], entries[1], entries[2]}, key);
  auto device_key = LoadDeviceKey(author.db());
  REQUIRE(device_key.ok());
  Entry fork = entries[1];
  fork.record_id = NewRecordId();
  fork.type = kTypeSession;
  fork.parent_id.clear();
  fork.body = MinimalSession("Écrit sur une vieille copie").dump();
  fork.packed_body = PackBody(*fork.body);
  fork.dek = NewDek();
  REQUIRE(SignEntry(fork, *device_key).ok());
  const std::vector<std::string> before = LogRows(coordinator.db());
  const Imported forked = Import(coordinator.db(), {fork}, key);
  INFO(forked.status.ToString());
  CHECK(forked.status.code() == StatusCode::kAlreadyExists);
  CHECK(LogRows(coordinator.db()) == before);
  // The next seq, signed, but chained to something else.
  Entry unchained = entries[3];
  unchained.prev_hash = entries[1].hash;
  REQUIRE(SignEntry(unchained, *device_key).ok());
  CHECK(Import(coordinator.db(), {unchained}, key).status.code() ==
        StatusCode::kAlreadyExists);
  CHECK(LogRows(coordinator.db()) == before);

  // The true rest is still taken.
  Imports(coordinator.db(), {entries[3], entries[4], entries[5]}, key);
  CHECK(SessionIds(coordinator.store()).size() == 3);
  CHECK(coordinator.Verified().entries == 6);
}

// The importer seals again from the stored form of the body
// (packed_body) when it is given, and checks that; but the projections are
// built from `body`. An entry whose two forms disagree must be refused (or
// the projections must show the signed one): otherwise a session shows a
// text its author never signed, and the vault no longer verifies.
TEST_CASE("an entry whose body disagrees with its stored form is refused",
          "[records][import]") {
  RecordsFixture author(/*own_keys=*/true);
  RecordsFixture coordinator;
  author.AddOne(MinimalSession("Le titre signé"));
  const std::string key = PublicKeyOf(author.db());
  std::vector<Entry> entries = AllEntries(author.db());
  REQUIRE(entries.size() == 1);
  Entry& e = entries[0];
  REQUIRE(e.packed_body.has_value());
  json body = json::parse(*e.body);
  body["title"] = "Un titre que personne n'a signé";
  e.body = body.dump();  // packed_body keeps the signed text

  const Imported r = Import(coordinator.db(), entries, key);
  INFO(r.status.ToString());
  CHECK(r.status.code() == StatusCode::kPermissionDenied);
  const std::vector<SessionSummary> listed = Sessions(coordinator.store());
  for (const SessionSummary& s : listed) {
    CHECK(s.title == "Le titre signé");
  }
  auto report = VerifyRecords(coordinator.db());
  INFO(report.status().ToString());
  CHECK(report.ok());
}

TEST_CASE("a hollow entry is kept and counted by verify",
          "[records][import][hollow]") {
  RecordsFixture author(/*own_keys=*/true);
  RecordsFixture coordinator;
  // Seq 1: a session its author redacted before it left (it travels
  // hollow); then three more sessions.
  author.AddOne(MinimalSession("Une séance retirée avant l'envoi"));
  author.Add(ThreeSessions());
  const std::string device = author.DeviceId();
  const std::string key = PublicKeyOf(author.db());
  std::vector<Entry> entries = AllEntries(author.db());
  REQUIRE(entries.size() == 7);
  entries[0] = Hollow(entries[0]);

  for (EntryImportResult r : Imports(coordinator.db(), entries, key)) {
    CHECK(r == EntryImportResult::kAdded);
  }
  CHECK(Sessions(coordinator.store()).size() == 3);
  auto body = ReadEntryBody(coordinator.db(), device, 1);
  REQUIRE(body.ok());
  CHECK_FALSE(body->has_value());
  auto held = LoadEntry(coordinator.db(), device, 1);
  REQUIRE(held.ok());
  REQUIRE(held->has_value());
  CHECK((*held)->hash == AllEntries(author.db())[0].hash);
  CHECK((*held)->signature == entries[0].signature);

  const VerifyReport report = coordinator.Verified();
  CHECK(report.hollow == 1);
  CHECK(report.entries == 7);
  CHECK(report.sessions == 3);

  // Hollow again is a duplicate; the whole entry at that place would be
  // the same entry (the same hash) but the vault keeps what it holds.
  for (EntryImportResult r : Imports(coordinator.db(), {entries[0]}, key)) {
    CHECK(r == EntryImportResult::kDuplicate);
  }
  CHECK(coordinator.Verified().hollow == 1);

  // A hollow entry whose ciphertext hash or signature was altered.
  RecordsFixture other;
  Entry bad_hash = entries[0];
  bad_hash.ciphertext_hash[0] ^= 0x01;
  CHECK(Import(other.db(), {bad_hash}, key).status.code() ==
        StatusCode::kPermissionDenied);
  Entry bad_signature = entries[0];
  bad_signature.signature[63] ^= 0x01;
  CHECK(Import(other.db(), {bad_signature}, key).status.code() ==
        StatusCode::kPermissionDenied);
  CHECK(other.Count("log_entries") == 0);
}

TEST_CASE("an imported redaction erases the record here too",
          "[records][import][redact]") {
  RecordsFixture author(/*own_keys=*/true);
  RecordsFixture coordinator;
  const std::vector<AddedSession> added = author.Add(ThreeSessions());
  const std::string device = author.DeviceId();
  const std::string key = PublicKeyOf(author.db());
  const std::string gao = added[0].session;  // with two commitments
  author.FollowUp(added[0].commitments[1], "done", "2026-04-01",
                  "Point focal nommé.");
  const std::vector<Entry> before = AllEntries(author.db());
  Imports(coordinator.db(), before, key);
  REQUIRE(SessionIds(coordinator.store()).size() == 3);
  REQUIRE(coordinator.Search("Bourem").size() == 1);
  // The seqs of the Gao records' entries (the session, its commitments and
  // the follow-up).
  std::vector<int64_t> gao_seqs;
  for (const Entry& e : before) {
    if (e.record_id == gao || e.parent_id == gao ||
        e.parent_id == added[0].commitments[1]) {
      gao_seqs.push_back(e.seq);
    }
  }
  REQUIRE(gao_seqs.size() == 4);

  auto redacted = author.store().RedactSession(gao);
  INFO(redacted.status().ToString());
  REQUIRE(redacted.ok());
  const std::vector<Entry> redactions =
      EntriesAfter(author.db(), device, before.back().seq);
  REQUIRE_FALSE(redactions.empty());
  for (const Entry& e : redactions) CHECK(e.op == kOpRedact);

  for (EntryImportResult r : Imports(coordinator.db(), redactions, key)) {
    CHECK(r == EntryImportResult::kAdded);
  }
  const std::vector<std::string> ids = SessionIds(coordinator.store());
  CHECK(ids.size() == 2);
  CHECK(std::find(ids.begin(), ids.end(), gao) == ids.end());
  CHECK(coordinator.Search("Bourem").empty());
  CHECK(coordinator.Search("focal").empty());
  for (int64_t seq : gao_seqs) {
    INFO("seq " << seq);
    auto body = ReadEntryBody(coordinator.db(), device, seq);
    REQUIRE(body.ok());
    CHECK_FALSE(body->has_value());
  }
  // The erased words are nowhere in the importing vault's log.
  for (const std::string& text : AllBodies(coordinator.db())) {
    CHECK(text.find("Bourem") == std::string::npos);
    CHECK(text.find("Point focal") == std::string::npos);
  }
  // The other sessions keep their bodies.
  for (const Entry& e : before) {
    if (std::find(gao_seqs.begin(), gao_seqs.end(), e.seq) != gao_seqs.end()) {
      continue;
    }
    auto body = ReadEntryBody(coordinator.db(), device, e.seq);
    REQUIRE(body.ok());
    CHECK(body->has_value());
  }
  const VerifyReport report = coordinator.Verified();
  CHECK(report.sessions == 2);
  CHECK(report.redacted == 4);  // the session, two commitments, a follow-up
  CHECK(report.entries ==
        static_cast<int64_t>(before.size() + redactions.size()));

  // Both vaults now say the same.
  CHECK(SessionIds(author.store()) == ids);

  SECTION("entries and their redaction in one import") {
    RecordsFixture late;
    std::vector<Entry> all = before;
    all.insert(all.end(), redactions.begin(), redactions.end());
    Imports(late.db(), all, key);
    CHECK(SessionIds(late.store()) == ids);
    CHECK(late.Search("Bourem").empty());
    for (int64_t seq : gao_seqs) {
      auto body = ReadEntryBody(late.db(), device, seq);
      REQUIRE(body.ok());
      CHECK_FALSE(body->has_value());
    }
    CHECK(late.Verified().sessions == 2);
  }

  SECTION("a vault that imports after the redaction gets hollow entries") {
    // As they now leave the author's vault (sync/envelope.h): the erased
    // entries travel hollow, the redactions whole.
    RecordsFixture late;
    std::vector<Entry> now = AllEntries(author.db());
    int hollow = 0;
    for (Entry& e : now) {
      if (!e.body.has_value()) {
        e = Hollow(e);
        ++hollow;
      }
    }
    CHECK(hollow == static_cast<int>(gao_seqs.size()));
    Imports(late.db(), now, key);
    CHECK(SessionIds(late.store()) == ids);
    CHECK(late.Search("Bourem").empty());
    const VerifyReport late_report = late.Verified();
    CHECK(late_report.hollow == hollow);
    CHECK(late_report.sessions == 2);
  }
}

}  // namespace
}  // namespace palabre::testing

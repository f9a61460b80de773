// The entry log (core/entry_log.h): what the store appends is a chain per
// device (seq 1..n, each prev_hash the hash before, 32 zero bytes first),
// each hash recomputes from its header and ciphertext hash and is signed by
// the device key, a change to any header field or any sealed field breaks
// hash or ciphertext, every entry has its own data key, the hybrid clock
// only moves forward, stored bodies round-trip through compression and
// garbage is refused as kDataLoss.
#include "core/entry_log.h"

#include <sodium.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/device_key.h"
#include "core/entry_seal.h"
#include "platform/clock.h"
#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

std::string Flip(std::string bytes, std::size_t at) {
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  return bytes;
}

// Another hex digit in place of the one at `at`.
std::string OtherHex(std::string hex, std::size_t at) {
  hex[at] = hex[at] == '0' ? '1' : '0';
  return hex;
}

TEST_CASE("appended entries form a signed chain per device", "[records][log]") {
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  f.FollowUp(added[0].commitments[0], "in_progress", "2026-04-01", "Début.");
  f.Edit(added[1].session, ThreeSessions()[1]);

  const std::vector<Entry> entries = AllEntries(f.db());
  // 3 sessions + 3 commitments, a follow-up, an edited session.
  REQUIRE(entries.size() == 8);
  auto key = LoadDeviceKey(f.db());
  REQUIRE(key.ok());
  auto public_key = LoadPublicKey(f.db(), key->device_id);
  REQUIRE(public_key.ok());
  CHECK(*public_key == key->public_key);
  CHECK(DeviceIdFor(key->public_key) == key->device_id);

  const std::string zeros(32, '\0');
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    INFO("entry " << i);
    CHECK(e.device_id == key->device_id);
    CHECK(e.seq == static_cast<int64_t>(i) + 1);
    CHECK(e.prev_hash == (i == 0 ? zeros : entries[i - 1].hash));
    CHECK(e.hash.size() == 32);
    CHECK(ComputeEntryHash(e) == e.hash);
    CHECK(e.signature.size() == kSignatureBytes);
    CHECK(VerifySignature(*public_key, e.hash, e.signature));
    REQUIRE(e.body.has_value());
    CHECK(e.dek.size() == kDekBytes);
    auto ciphertext = SealEntry(e);
    REQUIRE(ciphertext.ok());
    CHECK(CiphertextHash(*ciphertext) == e.ciphertext_hash);
    // The payload opens with the DEK and says what the row says.
    auto payload =
        OpenPayload(e.dek, EntryHeader(e.device_id, e.seq, e.prev_hash, e.hlc),
                    *ciphertext);
    REQUIRE(payload.ok());
    auto fields = DecodePayload(*payload);
    REQUIRE(fields.ok());
    CHECK(fields->device_id == e.device_id);
    CHECK(fields->seq == e.seq);
    CHECK(fields->record_id == e.record_id);
    CHECK(fields->type == e.type);
    CHECK(fields->op == e.op);
    CHECK(fields->parent_id == e.parent_id);
    CHECK(fields->packed_body == *e.packed_body);
    CHECK(e.op == kOpPut);
    CHECK(e.record_id.size() == 32);
    if (i > 0) CHECK(e.hlc > entries[i - 1].hlc);
  }
  // Types and parents: the session first, then its commitments.
  CHECK(entries[0].type == kTypeSession);
  CHECK(entries[0].record_id == added[0].session);
  CHECK(entries[0].parent_id.empty());
  CHECK(entries[1].type == kTypeCommitment);
  CHECK(entries[1].record_id == added[0].commitments[0]);
  CHECK(entries[1].parent_id == added[0].session);
  CHECK(entries[6].type == kTypeFollowUp);
  CHECK(entries[6].parent_id == added[0].commitments[0]);
  CHECK(entries[7].record_id == added[1].session);
}

TEST_CASE("a change to any signed field breaks the hash or the seal",
          "[records][log]") {
  RecordsFixture f;
  f.AddOne(ThreeSessions()[0]);
  const std::vector<Entry> entries = AllEntries(f.db());
  REQUIRE(entries.size() == 3);
  const Entry& original = entries[1];  // a commitment: non-empty parent
  auto public_key = LoadPublicKey(f.db(), original.device_id);
  REQUIRE(public_key.ok());
  REQUIRE(VerifySignature(*public_key, original.hash, original.signature));
  auto sealed = SealEntry(original);
  REQUIRE(sealed.ok());

  struct Mutation {
    const char* field;
    std::function<void(Entry&)> apply;
    bool header;  // in the clear header (else sealed in the payload)
  };
  const std::vector<Mutation> mutations = {
      {"device_id", [](Entry& e) { e.device_id = OtherHex(e.device_id, 31); },
       true},
      {"seq", [](Entry& e) { e.seq += 1; }, true},
      {"prev_hash", [](Entry& e) { e.prev_hash = Flip(e.prev_hash, 0); }, true},
      {"prev_hash last byte",
       [](Entry& e) { e.prev_hash = Flip(e.prev_hash, 31); }, true},
      {"hlc", [](Entry& e) { e.hlc += 1; }, true},
      {"ciphertext_hash",
       [](Entry& e) { e.ciphertext_hash = Flip(e.ciphertext_hash, 17); }, true},
      {"record_id", [](Entry& e) { e.record_id = OtherHex(e.record_id, 0); },
       false},
      {"type", [](Entry& e) { e.type = kTypeSession; }, false},
      {"op", [](Entry& e) { e.op = kOpRedact; }, false},
      {"parent_id", [](Entry& e) { e.parent_id = std::string(32, 'f'); },
       false},
      {"parent removed", [](Entry& e) { e.parent_id.clear(); }, false},
      {"body", [](Entry& e) { *e.packed_body += " "; }, false},
      {"dek", [](Entry& e) { e.dek = Flip(e.dek, 3); }, false},
  };
  for (const Mutation& m : mutations) {
    INFO("field " << m.field);
    Entry changed = original;
    m.apply(changed);
    auto resealed = SealEntry(changed);
    REQUIRE(resealed.ok());
    // A header field changes the hash (and so fails the signature); a
    // sealed field, or a header field (the associated data), changes the
    // ciphertext, whose hash the entry signs.
    if (std::string(m.field) != "ciphertext_hash") {
      CHECK(CiphertextHash(*resealed) != original.ciphertext_hash);
    }
    if (m.header) {
      const std::string hash = ComputeEntryHash(changed);
      CHECK(hash != original.hash);
      CHECK_FALSE(VerifySignature(*public_key, hash, original.signature));
    }
  }
  // The header is the associated data: the payload does not open under
  // another header, nor with a flipped byte anywhere in the ciphertext.
  const std::string header = EntryHeader(original.device_id, original.seq,
                                         original.prev_hash, original.hlc);
  REQUIRE(OpenPayload(original.dek, header, *sealed).ok());
  for (std::size_t i = 0; i < header.size(); ++i) {
    INFO("header byte " << i);
    CHECK(OpenPayload(original.dek, Flip(header, i), *sealed).status().code() ==
          StatusCode::kDataLoss);
  }
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    INFO("ciphertext byte " << i);
    CHECK(OpenPayload(original.dek, header, Flip(*sealed, i)).status().code() ==
          StatusCode::kDataLoss);
  }
  // A flipped signature, or another device's key, does not verify.
  CHECK_FALSE(
      VerifySignature(*public_key, original.hash, Flip(original.signature, 5)));
  unsigned char other_pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char other_sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(other_pk, other_sk);
  CHECK_FALSE(VerifySignature(
      std::string(reinterpret_cast<const char*>(other_pk), sizeof other_pk),
      original.hash, original.signature));
}

TEST_CASE("every entry has its own data key: equal bodies seal apart",
          "[records][log]") {
  // Without its DEK an erased entry's ciphertext hash cannot be confirmed
  // by guessing the body: the same session added twice seals to two
  // unrelated ciphertexts.
  RecordsFixture f;
  const json gori = ThreeSessions()[2];
  f.Add({gori, gori});
  const std::vector<Entry> entries = AllEntries(f.db());
  REQUIRE(entries.size() == 2);
  CHECK(*entries[0].body == *entries[1].body);
  CHECK(entries[0].dek != entries[1].dek);
  CHECK(entries[0].ciphertext_hash != entries[1].ciphertext_hash);
}

TEST_CASE("stored bodies round-trip through PackBody and UnpackBody",
          "[records][log]") {
  std::string random(100000, '\0');
  randombytes_buf(random.data(), random.size());
  std::string large;
  while (large.size() < (3 << 20)) {
    large += R"({"summary":"Contrôles au poste nord, عودة النازحين"},)";
  }
  struct Case {
    const char* name;
    std::string body;
    bool shrinks;  // a compressible body is stored smaller
  };
  const std::vector<Case> cases = {
      {"empty", "", false},
      {"one byte", "x", false},
      {"63 bytes", std::string(63, 'a'), false},
      {"64 bytes", std::string(64, 'a'), true},
      {"embedded NULs", std::string("a\0b\0c", 5), false},
      {"UTF-8 JSON", R"({"title":"სოფლის შეხვედრა — sécurité"})", false},
      {"3 MiB repetitive", large, true},
      {"100 kB random", random, false},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string packed = PackBody(c.body);
    auto unpacked = UnpackBody(packed);
    INFO(unpacked.status().ToString());
    REQUIRE(unpacked.ok());
    CHECK(*unpacked == c.body);
    // Never more than one byte of overhead, much less when it compresses.
    CHECK(packed.size() <= c.body.size() + 1);
    if (c.shrinks) CHECK(packed.size() < c.body.size() / 2);
  }
}

// A body as the first palabre versions stored it: method 1, zlib without
// a dictionary.
std::string PackWithoutDictionary(const std::string& body) {
  uLongf bound = compressBound(body.size());
  std::string out(5 + bound, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data() + 5), &bound,
                    reinterpret_cast<const Bytef*>(body.data()), body.size(),
                    6) == Z_OK);
  out.resize(5 + bound);
  out[0] = 1;
  const auto n = static_cast<uint32_t>(body.size());
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  return out;
}

TEST_CASE("bodies stored by earlier versions (zlib, no dictionary) still read",
          "[records][log]") {
  const std::string body =
      R"({"commitment":"0123456789abcdef0123456789abcdef","date":"2024-03-01","status":"done"})";
  auto unpacked = UnpackBody(PackWithoutDictionary(body));
  REQUIRE(unpacked.ok());
  CHECK(*unpacked == body);
}

TEST_CASE("the preset dictionary shrinks the small bodies of the log",
          "[records][log]") {
  struct Case {
    const char* name;
    std::string body;
    double at_most;  // packed size / body size
  };
  const std::vector<Case> cases = {
      {"follow-up",
       R"({"commitment":"5f0c3d8e2a9b41c7a6e0d2f4b8c1e937","date":"2024-03-01","status":"done"})",
       0.75},
      {"follow-up with a note",
       R"({"commitment":"5f0c3d8e2a9b41c7a6e0d2f4b8c1e937","date":"2024-03-01","note":"Le préfet a confirmé par écrit.","status":"in_progress"})",
       0.8},
      {"commitment",
       R"({"action":"Publish the checkpoint hours.","due":"2025-02-01","owner":"Police nationale","position":0,"session":"5f0c3d8e2a9b41c7a6e0d2f4b8c1e937"})",
       0.8},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string packed = PackBody(c.body);
    CHECK(packed[0] == 2);
    CHECK(static_cast<double>(packed.size()) <= c.at_most * c.body.size());
    // Without the dictionary deflate saves next to nothing on these.
    CHECK(packed.size() < PackWithoutDictionary(c.body).size());
    auto unpacked = UnpackBody(packed);
    REQUIRE(unpacked.ok());
    CHECK(*unpacked == c.body);
  }
}

TEST_CASE("UnpackBody refuses garbage with kDataLoss", "[records][log]") {
  const std::string valid = PackBody(std::string(1000, 'z'));
  REQUIRE(valid[0] == 2);  // zlib with the preset dictionary
  // Method 1 names a stream made without a dictionary: one that needs it
  // does not inflate.
  std::string needs_dictionary = valid;
  needs_dictionary[0] = 1;
  std::string bigger_size = valid;
  bigger_size[4] = static_cast<char>(bigger_size[4] + 1);
  std::string smaller_size = valid;
  smaller_size[4] = static_cast<char>(smaller_size[4] - 1);
  std::string huge_size = valid;
  huge_size[1] = 0x7f;
  std::string corrupt_stream = valid;
  corrupt_stream[8] = static_cast<char>(corrupt_stream[8] ^ 0x55);
  struct Case {
    const char* name;
    std::string stored;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"unknown method", std::string("\x03{}", 3)},
      {"method 1 for a stream that needs the dictionary", needs_dictionary},
      {"method 0xff", std::string("\xff{}", 3)},
      {"zlib without size", std::string("\x01\x00\x00", 3)},
      {"zlib with size only", std::string("\x01\x00\x00\x00\x0a", 5)},
      {"zlib with garbage", std::string("\x01\x00\x00\x00\x0a") + "garbage!!"},
      {"declared size too big", bigger_size},
      {"declared size too small", smaller_size},
      {"declared size over 32 MiB", huge_size},
      {"truncated stream", valid.substr(0, valid.size() - 4)},
      {"corrupt stream", corrupt_stream},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto unpacked = UnpackBody(c.stored);
    INFO(unpacked.status().ToString());
    CHECK(unpacked.status().code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("ReadEntryBody gives the body, nothing once erased, kNotFound",
          "[records][log]") {
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  const std::string device = f.DeviceId();
  auto body = ReadEntryBody(f.db(), device, 1);
  REQUIRE(body.ok());
  REQUIRE(body->has_value());
  CHECK(json::parse(**body)["title"] == ThreeSessions()[0]["title"]);
  CHECK(ReadEntryBody(f.db(), device, 99).status().code() ==
        StatusCode::kNotFound);
  CHECK(ReadEntryBody(f.db(), std::string(32, '0'), 1).status().code() ==
        StatusCode::kNotFound);

  REQUIRE(f.store().RedactSession(added[2].session).ok());
  auto erased = ReadEntryBody(f.db(), device, 6);  // Gori's session entry
  REQUIRE(erased.ok());
  CHECK_FALSE(erased->has_value());

  // A stored body that does not inflate is damage, named by the entry.
  RunWithBlobs(f.db(), "UPDATE log_entries SET body = ?1 WHERE seq = 2",
               {std::string("\x01\x00\x00\x10\x00garbage", 10)});
  auto damaged = ReadEntryBody(f.db(), device, 2);
  CHECK(damaged.status().code() == StatusCode::kDataLoss);
  const Status walk =
      ForEachEntry(f.db(), false, [](const Entry&) { return Status::Ok(); });
  CHECK(walk.code() == StatusCode::kDataLoss);
  CHECK_THAT(walk.message(),
             Catch::Contains(device.substr(0, 8)) && Catch::Contains("seq 2"));

  // A log writer needs the device key.
  CHECK(LogWriter::Begin(f.db(), nullptr).status().code() ==
        StatusCode::kFailedPrecondition);
  DeviceKey no_id;
  CHECK(LogWriter::Begin(f.db(), &no_id).status().code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("the hybrid clock only moves forward on one device",
          "[records][log]") {
  RecordsFixture f;
  const auto added = f.AddOne(ThreeSessions()[0]);
  // Many small writes in quick succession, each its own transaction.
  for (int i = 0; i < 20; ++i) {
    f.FollowUp(added.commitments[i % 2], "in_progress", "2026-04-01");
  }
  std::vector<Entry> entries = AllEntries(f.db());
  REQUIRE(entries.size() == 23);
  const int64_t now = NowUnixMillis();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    INFO("entry " << i);
    CHECK(HlcMillis(entries[i].hlc) <= now);
    CHECK(HlcMillis(entries[i].hlc) > now - 60 * 1000);
    if (i > 0) CHECK(entries[i].hlc > entries[i - 1].hlc);
  }

  // An hlc from the future (another device's fast clock, say) is never
  // gone back behind: the next entry comes after it.
  const int64_t future = (now + 24LL * 3600 * 1000) << 16;
  REQUIRE(f.db()
              .Exec("UPDATE log_entries SET hlc = " + std::to_string(future) +
                    " WHERE seq = 23")
              .ok());
  f.FollowUp(added.commitments[0], "done", "2026-04-02");
  entries = AllEntries(f.db());
  REQUIRE(entries.size() == 24);
  CHECK(entries[23].hlc > future);
}

TEST_CASE("record ids are 128 random bits in lower-case hex",
          "[records][log]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRecordId();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

}  // namespace
}  // namespace palabre::testing

// The partner server's rules (sync/server_store.h), in process, with an
// organisation, its devices and their signed entries all made here and a
// clock the test moves. What every device relies on: an invitation the
// organisation signed enrols one key, once, before it expires, and leaves it
// pending until a coordinator sends the organisation's certificate; entries
// are taken only in chain order and each run of a device's entries a push
// adds is answered with one receipt the server's key signs, whose cursors
// are those the entries are pulled at, even when a refusal stops the batch
// after it; an exact duplicate gets the very same receipt that covers it; a
// different entry at a used place is refused as a fork and kept as
// evidence; a replayed or altered request is refused and changes nothing; a
// revoked device is refused from then on while what it sent stays; only
// coordinators pull, in commit order and by pages; and the store keeps its
// key and state when opened again, for its organisation only, a store of
// the first protocol included (its per-entry receipts signed again as runs
// of one).
#include "sync/server_store.h"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/body_codec.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/entry_seal.h"
#include "core/organisation.h"
#include "core/receipt.h"
#include "sync/envelope.h"
#include "sync/protocol.h"
#include "tests/common/files_util.h"
#include "tests/sync/keys_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;
using sync::PullPage;
using sync::PushReply;
using sync::RequestAuth;
using sync::ServerStore;

constexpr int64_t kStart = 1767225600000;  // 2026-01-01, the server's clock
constexpr int64_t kDay = 24LL * 3600 * 1000;

// The stable code of a server error ("fork", "stale_counter", ...).
std::string CodeOf(const Status& status) {
  std::string code, message;
  sync::SplitServerError(status, &code, &message);
  return code;
}
std::string MessageOf(const Status& status) {
  std::string code, message;
  sync::SplitServerError(status, &code, &message);
  return message;
}

// A device: its key, the request counter it signs with, and its chain.
struct Device {
  explicit Device(std::string name) : name(std::move(name)) {}
  std::string name;
  DeviceKey key = NewSigningKey();
  uint64_t counter = 0;
  int64_t seq = 0;
  std::string head = std::string(32, '\0');
  const std::string& id() const { return key.device_id; }
};

// A signed, sealed session entry of `device` at `seq` after `prev`.
Entry MakeEntry(const Device& device, int64_t seq, const std::string& prev,
                const std::string& title, int64_t clock_ms = kStart) {
  Entry e;
  e.device_id = device.id();
  e.seq = seq;
  e.prev_hash = prev;
  e.hlc = (clock_ms << 16) + seq;
  e.record_id = NewRecordId();
  e.type = kTypeSession;
  e.op = kOpPut;
  e.body = json{{"title", title}, {"device", device.name}}.dump();
  e.packed_body = PackBody(*e.body);
  e.dek = NewDek();
  const Status signed_ok = SignEntry(e, device.key);
  INFO(signed_ok.ToString());
  REQUIRE(signed_ok.ok());
  return e;
}

// The organisation, its coordinator and a server store with a fake clock.
class ServerFixture {
 public:
  ServerFixture() {
    org_.org.name = "Réseau Sahel Paix";
    org_.org.server = "http://127.0.0.1:1";
    org_.org.signing_key = org_key_.public_key;
    org_.org.org_id = DeviceIdFor(org_key_.public_key);
    std::string pk(crypto_box_PUBLICKEYBYTES, '\0');
    std::string sk(crypto_box_SECRETKEYBYTES, '\0');
    crypto_box_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                       reinterpret_cast<unsigned char*>(sk.data()));
    org_.org.encryption_key = pk;
    recipient_ = {pk, sk};
    org_.devices.push_back(
        Certificate(coordinator_, kRoleCoordinator, org_key_));
    Reopen();
  }

  ServerStore& store() { return *store_; }
  int64_t& now() { return now_; }
  Device& coordinator() { return coordinator_; }
  const DeviceKey& org_key() const { return org_key_; }
  const OrgPublic& org() const { return org_; }
  const std::string& dir() const { return dir_.path(); }

  // Closes the store and opens it again on the same directory.
  void Reopen() {
    store_.reset();
    auto opened = ServerStore::Open(dir_.path(), org_, [this] { return now_; });
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store_ = std::move(opened).value();
  }

  DeviceCertificate Certificate(const Device& device, const std::string& role,
                                const DeviceKey& signer) const {
    DeviceCertificate c;
    c.org_id = DeviceIdFor(signer.public_key);
    c.device_id = device.id();
    c.public_key = device.key.public_key;
    c.role = role;
    c.name = device.name;
    c.issued_at = now_;
    auto bytes = CertificateBytes(c, signer.public_key);
    REQUIRE(bytes.ok());
    c.signature = SignDetached(signer, *bytes);
    return c;
  }

  InviteGrant Grant(const std::string& name, const std::string& role,
                    int64_t expires_at, const DeviceKey& signer) const {
    InviteGrant g;
    g.invite_id = NewRecordId();
    g.name = name;
    g.role = role;
    g.expires_at = expires_at;
    g.org_name = org_.org.name;
    g.server = org_.org.server;
    g.encryption_key = org_.org.encryption_key;
    auto bytes = InviteGrantBytes(g, signer.public_key);
    REQUIRE(bytes.ok());
    g.signature = SignDetached(signer, *bytes);
    return g;
  }
  InviteGrant Grant(const std::string& name) const {
    return Grant(name, kRoleFacilitator, now_ + 7 * kDay, org_key_);
  }

  // A request of `device`, signed as the client signs it, with the next
  // counter.
  RequestAuth Auth(Device& device, const std::string& method,
                   const std::string& target, const std::string& body) {
    return AuthAt(device, ++device.counter, method, target, body);
  }
  RequestAuth AuthAt(const Device& device, uint64_t counter,
                     const std::string& method, const std::string& target,
                     const std::string& body) const {
    RequestAuth a;
    a.device_id = device.id();
    a.counter = std::to_string(counter);
    a.method = method;
    a.target = target;
    a.signature = ToHex(SignDetached(
        device.key, sync::RequestSigningBytes(org_.org.org_id, method, target,
                                              body, counter)));
    return a;
  }

  static std::string EnrollBody(const InviteGrant& g, const Device& device) {
    return json{{"grant", InviteGrantJson(g)},
                {"public_key", ToHex(device.key.public_key)}}
        .dump();
  }
  StatusOr<json> Enroll(Device& device, const InviteGrant& g) {
    const std::string body = EnrollBody(g, device);
    return store_->Enroll(Auth(device, "POST", "/v1/enroll", body), body);
  }

  static std::string CertificatesBody(
      const std::vector<DeviceCertificate>& certs) {
    json list = json::array();
    for (const DeviceCertificate& c : certs) list.push_back(CertificateJson(c));
    return json{{"certificates", list}}.dump();
  }
  StatusOr<json> AddCertificates(Device& sender,
                                 const std::vector<DeviceCertificate>& certs) {
    const std::string body = CertificatesBody(certs);
    return store_->AddCertificates(
        Auth(sender, "POST", "/v1/certificates", body), body);
  }
  // Enrols `device` and has the coordinator approve it.
  void Approve(Device& device, const std::string& role = kRoleFacilitator) {
    InviteGrant g = Grant(device.name, role, now_ + kDay, org_key_);
    auto enrolled = Enroll(device, g);
    INFO(enrolled.status().ToString());
    REQUIRE(enrolled.ok());
    auto approved =
        AddCertificates(coordinator_, {Certificate(device, role, org_key_)});
    INFO(approved.status().ToString());
    REQUIRE(approved.ok());
  }

  static std::string RevokeBody(const Revocation& r) {
    return json{{"device_id", r.device_id},
                {"revoked_at", r.revoked_at},
                {"signature", ToHex(r.signature)}}
        .dump();
  }
  Revocation Revoked(const Device& device, const DeviceKey& signer) const {
    Revocation r;
    r.device_id = device.id();
    r.revoked_at = now_;
    auto bytes = RevocationBytes(r, signer.public_key);
    REQUIRE(bytes.ok());
    r.signature = SignDetached(signer, *bytes);
    return r;
  }
  StatusOr<json> Revoke(Device& sender, const Revocation& r) {
    const std::string body = RevokeBody(r);
    return store_->Revoke(Auth(sender, "POST", "/v1/revoke", body), body);
  }

  // The next entry of `device`'s chain, as envelope bytes for the
  // organisation; the chain advances.
  std::string Next(Device& device, const std::string& title = "",
                   int64_t clock_ms = kStart) {
    const Entry e = MakeEntry(
        device, device.seq + 1, device.head,
        title.empty() ? "session " + std::to_string(device.seq + 1) : title,
        clock_ms);
    device.seq = e.seq;
    device.head = e.hash;
    return EnvelopeOf(e);
  }
  std::string EnvelopeOf(const Entry& e) const {
    auto envelope = sync::EnvelopeForEntry(e, {org_.org.encryption_key});
    INFO(envelope.status().ToString());
    REQUIRE(envelope.ok());
    return sync::EncodeEnvelope(*envelope);
  }
  const sync::RecipientKey& recipient() const { return recipient_; }

  StatusOr<PushReply> Push(Device& sender,
                           const std::vector<std::string>& envelopes) {
    const std::string body = sync::EncodeBatch(envelopes);
    return store_->Push(Auth(sender, "POST", "/v1/push", body), body);
  }
  // A push of a body as it is (made by the test).
  StatusOr<PushReply> PushRaw(Device& sender, const std::string& body) {
    return store_->Push(Auth(sender, "POST", "/v1/push", body), body);
  }
  // Push, REQUIRE-d to be answered (a refusal inside the reply is fine).
  PushReply Pushed(Device& sender, const std::vector<std::string>& envelopes) {
    auto reply = Push(sender, envelopes);
    INFO(reply.status().ToString());
    REQUIRE(reply.ok());
    return std::move(reply).value();
  }

  StatusOr<PullPage> Pull(Device& puller, int64_t after,
                          std::size_t max_bytes) {
    const std::string target = "/v1/pull?after=" + std::to_string(after) +
                               "&max=" + std::to_string(max_bytes);
    return store_->Pull(Auth(puller, "GET", target, ""), after, max_bytes);
  }
  // Every envelope the server holds, in commit order (the coordinator
  // pulls).
  std::vector<sync::PulledEnvelope> All() {
    auto page = Pull(coordinator_, 0, 1u << 30);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    CHECK_FALSE(page->more);
    return page->items;
  }

  StatusOr<json> State(Device& device) {
    return store_->DeviceState(Auth(device, "GET", "/v1/device", ""));
  }

  // SELECT count(*) ... on server.db, through a connection of its own.
  int64_t CountRows(const std::string& sql) {
    auto db = Database::Open(dir_.path() + "/" + sync::kServerDbName, "unix",
                             /*create=*/false);
    INFO(db.status().ToString());
    REQUIRE(db.ok());
    auto n = (*db)->QueryInt(sql);
    INFO(sql << ": " << n.status().ToString());
    REQUIRE(n.ok());
    return *n;
  }

 private:
  TempDir dir_;
  int64_t now_ = kStart;
  DeviceKey org_key_ = NewSigningKey();
  sync::RecipientKey recipient_;
  Device coordinator_{"Coordination Bamako"};
  OrgPublic org_;
  std::unique_ptr<ServerStore> store_;
};

// The entry hash an envelope's signature covers.
std::string HashOf(const std::string& envelope_bytes) {
  auto envelope = sync::DecodeEnvelope(envelope_bytes);
  REQUIRE(envelope.ok());
  return sync::EnvelopeEntryHash(*envelope);
}

// The runs `receipts` name, "device 1a2b3c4d seq 1-3" each, in order.
std::vector<std::string> RunsOf(const std::vector<Receipt>& receipts) {
  std::vector<std::string> out;
  for (const Receipt& r : receipts) out.push_back(ReceiptName(r));
  return out;
}
// The name of `device`'s run first..last, as ReceiptName gives it.
std::string Run(const Device& device, int64_t first, int64_t last) {
  Receipt r;
  r.device_id = device.id();
  r.first_seq = first;
  r.last_seq = last;
  return ReceiptName(r);
}

// The receipt key the server announces (GET /v1/hello).
std::string HelloKey(ServerStore& store) {
  return FromHex(store.Hello()["server_key"].get<std::string>());
}

// Checks each receipt against what the server holds, as `palabre verify`
// and a coordinator would: it verifies under the key hello announces, every
// entry it covers is pulled at the cursor it gives that entry, and its
// hash is the hash of the entry it ends with. `all` is every envelope the
// server holds (ServerFixture::All).
void CheckReceiptsMatch(const std::vector<Receipt>& receipts,
                        const std::vector<sync::PulledEnvelope>& all,
                        const std::string& server_key) {
  struct Held {
    int64_t cursor;
    std::string hash;
  };
  std::map<std::pair<std::string, int64_t>, Held> held;
  for (const sync::PulledEnvelope& item : all) {
    auto envelope = sync::DecodeEnvelope(item.envelope);
    REQUIRE(envelope.ok());
    held[{envelope->device_id, envelope->seq}] = {
        item.cursor, sync::EnvelopeEntryHash(*envelope)};
  }
  for (const Receipt& r : receipts) {
    INFO(ReceiptName(r));
    CHECK(r.format == kReceiptFormatRun);
    const Status verified = VerifyReceipt(r, server_key);
    INFO(verified.ToString());
    CHECK(verified.ok());
    for (int64_t seq = r.first_seq; seq <= r.last_seq; ++seq) {
      INFO("seq " << seq);
      auto it = held.find({r.device_id, seq});
      REQUIRE(it != held.end());
      CHECK(it->second.cursor == r.CursorOf(seq));
      if (seq == r.last_seq) CHECK(it->second.hash == r.last_hash);
    }
  }
}

TEST_CASE("hello names the organisation and the receipt key",
          "[sync][server]") {
  ServerFixture f;
  const json hello = f.store().Hello();
  CHECK(hello["protocol"] == 2);
  CHECK(hello["org_id"] == f.org().org.org_id);
  CHECK(hello["server_key"] == ToHex(f.store().server_key()));
  CHECK(hello["time"] == kStart);
  CHECK(f.store().server_key().size() == kPublicKeyBytes);
}

TEST_CASE("an invitation enrols one device, once, as pending",
          "[sync][server][enrol]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  const InviteGrant grant = f.Grant("bureau de Gao");

  auto first = f.Enroll(gao, grant);
  INFO(first.status().ToString());
  REQUIRE(first.ok());
  CHECK((*first)["device_id"] == gao.id());
  CHECK((*first)["status"] == "pending");

  // The client retries (a lost reply) with its next counter: the same
  // answer, and still one device.
  auto retried = f.Enroll(gao, grant);
  INFO(retried.status().ToString());
  REQUIRE(retried.ok());
  CHECK(*retried == *first);
  CHECK(f.CountRows("SELECT count(*) FROM devices") == 2);
  // The very same request (its counter used) is a replay.
  const std::string body = ServerFixture::EnrollBody(grant, gao);
  const RequestAuth once = f.Auth(gao, "POST", "/v1/enroll", body);
  REQUIRE(f.store().Enroll(once, body).ok());
  CHECK(CodeOf(f.store().Enroll(once, body).status()) == "stale_counter");

  auto state = f.State(gao);
  REQUIRE(state.ok());
  CHECK((*state)["status"] == "pending");
  CHECK((*state)["role"] == kRoleFacilitator);
  CHECK((*state)["head_seq"] == 0);

  // The coordinator sees it, with its grant.
  auto devices =
      f.store().Devices(f.Auth(f.coordinator(), "GET", "/v1/devices", ""));
  REQUIRE(devices.ok());
  bool listed = false;
  for (const json& d : (*devices)["devices"]) {
    if (d["device_id"] != gao.id()) continue;
    listed = true;
    CHECK(d["status"] == "pending");
    CHECK(d["grant"]["invite_id"] == grant.invite_id);
    CHECK(d["enrolled_at"] == kStart);
    CHECK_FALSE(d.contains("certificate"));
  }
  CHECK(listed);

  // The same invitation for another key.
  Device thief("bureau de Gao");
  auto stolen = f.Enroll(thief, grant);
  CHECK(CodeOf(stolen.status()) == "invitation_used");
  CHECK(f.State(thief).status().code() == StatusCode::kPermissionDenied);
  CHECK(CodeOf(f.State(thief).status()) == "unknown_device");

  // The same invitation id written in upper case is not another
  // invitation.
  InviteGrant upper = grant;
  for (char& c : upper.invite_id) c = static_cast<char>(std::toupper(c));
  CHECK(CodeOf(f.Enroll(thief, upper).status()) == "bad_invitation");
  CHECK(f.CountRows("SELECT count(*) FROM devices") == 2);
}

TEST_CASE("an invitation is refused once expired, or not the organisation's",
          "[sync][server][enrol]") {
  ServerFixture f;
  const DeviceKey intruder = NewSigningKey();
  struct Case {
    const char* what;
    int64_t expires_in;  // from the server's clock
    bool org_signed;
    const char* role;
    const char* code;  // "" if enrolled
  };
  const std::vector<Case> cases = {
      {"expires in a day", kDay, true, kRoleFacilitator, ""},
      {"expires in a millisecond", 1, true, kRoleFacilitator, ""},
      {"expires now", 0, true, kRoleFacilitator, "invitation_expired"},
      {"expired yesterday", -kDay, true, kRoleFacilitator,
       "invitation_expired"},
      {"signed by another key", kDay, false, kRoleFacilitator,
       "bad_invitation"},
      {"a coordinator's, signed by another key", kDay, false, kRoleCoordinator,
       "bad_invitation"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Device device(c.what);
    const InviteGrant grant = f.Grant(c.what, c.role, f.now() + c.expires_in,
                                      c.org_signed ? f.org_key() : intruder);
    auto enrolled = f.Enroll(device, grant);
    INFO(enrolled.status().ToString());
    if (std::string(c.code).empty()) {
      CHECK(enrolled.ok());
    } else {
      CHECK(CodeOf(enrolled.status()) == c.code);
      CHECK(enrolled.status().code() == StatusCode::kPermissionDenied);
      CHECK(CodeOf(f.State(device).status()) == "unknown_device");
    }
  }

  // A grant changed after the organisation signed it.
  Device greedy("greedy");
  InviteGrant promoted = f.Grant("greedy");
  promoted.role = kRoleCoordinator;
  CHECK(CodeOf(f.Enroll(greedy, promoted).status()) == "bad_invitation");
  InviteGrant longer = f.Grant("greedy");
  longer.expires_at += kDay;
  CHECK(CodeOf(f.Enroll(greedy, longer).status()) == "bad_invitation");

  // An invitation used before it expired answers a retry after.
  Device late("late");
  const InviteGrant grant =
      f.Grant("late", kRoleFacilitator, f.now() + 10, f.org_key());
  REQUIRE(f.Enroll(late, grant).ok());
  f.now() += 20;
  auto retried = f.Enroll(late, grant);
  INFO(retried.status().ToString());
  CHECK(retried.ok());
}

TEST_CASE("an enrolment must be signed by the key it enrols",
          "[sync][server][enrol]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device other("other");
  const InviteGrant grant = f.Grant("bureau de Gao");
  const std::string body = ServerFixture::EnrollBody(grant, gao);

  // Signed and named by another device.
  auto by_other =
      f.store().Enroll(f.Auth(other, "POST", "/v1/enroll", body), body);
  CHECK(CodeOf(by_other.status()) == "bad_signature");
  CHECK(by_other.status().code() == StatusCode::kUnauthenticated);

  // Named as the enrolled device but signed by another key.
  RequestAuth forged = f.Auth(other, "POST", "/v1/enroll", body);
  forged.device_id = gao.id();
  auto by_forger = f.store().Enroll(forged, body);
  CHECK(CodeOf(by_forger.status()) == "bad_signature");

  // Neither used the invitation: the device itself still can.
  CHECK(f.CountRows("SELECT count(*) FROM devices") == 1);
  auto enrolled = f.Enroll(gao, grant);
  INFO(enrolled.status().ToString());
  CHECK(enrolled.ok());

  // Bodies that are not an enrolment.
  for (const std::string& bad :
       {std::string("not json"), std::string("[1]"), std::string("{}"),
        json{{"grant", "x"}, {"public_key", ToHex(other.key.public_key)}}
            .dump()}) {
    INFO(bad);
    auto refused =
        f.store().Enroll(f.Auth(other, "POST", "/v1/enroll", bad), bad);
    CHECK_FALSE(refused.ok());
    const std::string code = CodeOf(refused.status());
    CHECK((code == "malformed" || code == "bad_invitation"));
  }
}

TEST_CASE("a pending device waits for the organisation's certificate",
          "[sync][server][approve]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  REQUIRE(f.Enroll(gao, f.Grant("bureau de Gao")).ok());
  const std::string e1 = f.Next(gao);

  auto pending = f.Push(gao, {e1});
  CHECK(CodeOf(pending.status()) == "approval_pending");
  CHECK(pending.status().code() == StatusCode::kPermissionDenied);

  // Another organisation's certificate approves nothing.
  const DeviceKey other_org = NewSigningKey();
  auto foreign = f.AddCertificates(
      f.coordinator(), {f.Certificate(gao, kRoleFacilitator, other_org)});
  CHECK(CodeOf(foreign.status()) == "bad_certificate");
  CHECK(CodeOf(f.Push(gao, {e1}).status()) == "approval_pending");

  // One bad certificate among good ones: none is taken.
  REQUIRE(f.Enroll(sinjar, f.Grant("Sinjar")).ok());
  auto mixed = f.AddCertificates(
      f.coordinator(), {f.Certificate(sinjar, kRoleFacilitator, f.org_key()),
                        f.Certificate(gao, kRoleFacilitator, other_org)});
  CHECK(CodeOf(mixed.status()) == "bad_certificate");
  CHECK((*f.State(sinjar))["status"] == "pending");

  // The coordinator sends the organisation's certificate.
  auto approved = f.AddCertificates(
      f.coordinator(), {f.Certificate(gao, kRoleFacilitator, f.org_key())});
  INFO(approved.status().ToString());
  REQUIRE(approved.ok());
  CHECK((*approved)["approved"] == 1);
  CHECK((*f.State(gao))["status"] == "approved");
  const PushReply reply = f.Pushed(gao, {e1});
  CHECK(reply.refused_code.empty());
  CHECK(reply.receipts.size() == 1);

  // A facilitator cannot approve anyone, even with a valid certificate.
  auto by_facilitator = f.AddCertificates(
      gao, {f.Certificate(sinjar, kRoleFacilitator, f.org_key())});
  CHECK(CodeOf(by_facilitator.status()) == "not_coordinator");
  CHECK((*f.State(sinjar))["status"] == "pending");

  // Nor can a pending device.
  auto by_pending = f.AddCertificates(
      sinjar, {f.Certificate(sinjar, kRoleFacilitator, f.org_key())});
  CHECK(CodeOf(by_pending.status()) == "approval_pending");
  CHECK((*f.State(sinjar))["status"] == "pending");
}

TEST_CASE(
    "entries are taken in chain order, each push's run with a signed "
    "receipt",
    "[sync][server][push]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  f.Approve(gao);
  f.Approve(sinjar);

  std::vector<std::string> gao_envelopes;
  for (int i = 0; i < 3; ++i) gao_envelopes.push_back(f.Next(gao));
  f.now() += 1000;
  const PushReply first = f.Pushed(gao, gao_envelopes);
  CHECK(first.refused_code.empty());
  REQUIRE(first.receipts.size() == 1);
  {
    const Receipt& r = first.receipts[0];
    CHECK(VerifyReceipt(r, f.store().server_key()).ok());
    CHECK(r.device_id == gao.id());
    CHECK(r.first_seq == 1);
    CHECK(r.last_seq == 3);
    CHECK(r.last_hash == HashOf(gao_envelopes[2]));
    CHECK(r.received_at == kStart + 1000);
    CHECK(r.first_cursor >= 1);
  }
  int64_t last_cursor = first.receipts[0].CursorOf(3);

  // Two devices in turn: cursors follow the order of the commits.
  std::vector<std::string> committed = gao_envelopes;
  for (int round = 0; round < 3; ++round) {
    for (Device* d : {&sinjar, &gao}) {
      const std::string e = f.Next(*d);
      const PushReply reply = f.Pushed(*d, {e});
      REQUIRE(reply.receipts.size() == 1);
      CHECK(reply.receipts[0].first_seq == d->seq);
      CHECK(reply.receipts[0].last_seq == d->seq);
      CHECK(reply.receipts[0].first_cursor > last_cursor);
      last_cursor = reply.receipts[0].first_cursor;
      committed.push_back(e);
    }
  }
  const auto all = f.All();
  REQUIRE(all.size() == committed.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].envelope == committed[i]);
    if (i > 0) CHECK(all[i].cursor > all[i - 1].cursor);
  }
  CheckReceiptsMatch(first.receipts, all, f.store().server_key());

  // The device's state and its receipts, fetched again.
  auto state = f.State(gao);
  REQUIRE(state.ok());
  CHECK((*state)["head_seq"] == 6);
  CHECK((*state)["head_hash"] == ToHex(gao.head));
  auto receipts =
      f.store().Receipts(f.Auth(gao, "GET", "/v1/receipts?after=1", ""), 1);
  REQUIRE(receipts.ok());
  // The run 1-3 (it covers seq 2 and 3), then the three single pushes.
  CHECK(RunsOf(receipts->receipts) ==
        std::vector<std::string>{Run(gao, 1, 3), Run(gao, 4, 4), Run(gao, 5, 5),
                                 Run(gao, 6, 6)});
  REQUIRE_FALSE(receipts->receipts.empty());
  CHECK(EncodeReceipt(receipts->receipts[0]) ==
        EncodeReceipt(first.receipts[0]));
  CheckReceiptsMatch(receipts->receipts, all, f.store().server_key());

  // The envelopes kept open for the organisation.
  auto envelope = sync::DecodeEnvelope(all.front().envelope);
  REQUIRE(envelope.ok());
  auto opened = sync::OpenEnvelope(*envelope, f.recipient());
  INFO(opened.status().ToString());
  CHECK(opened.ok());
}

TEST_CASE("a batch with a gap is taken up to the gap", "[sync][server][push]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  f.Approve(gao);
  const std::string e1 = f.Next(gao), e2 = f.Next(gao), e3 = f.Next(gao),
                    e4 = f.Next(gao);
  const PushReply reply = f.Pushed(gao, {e1, e2, e4, e3});
  CHECK(RunsOf(reply.receipts) == std::vector<std::string>{Run(gao, 1, 2)});
  CHECK(reply.refused_code == "out_of_order");
  CHECK(reply.refused_device == gao.id());
  CHECK(reply.refused_seq == 4);
  CHECK(reply.refused_message.find("seq 4") != std::string::npos);
  CHECK(reply.refused_message.find(gao.id().substr(0, 8)) != std::string::npos);
  CHECK(f.All().size() == 2);  // the prefix was committed

  // Starting past the head, or at seq 1 again after another chain.
  const PushReply gap = f.Pushed(gao, {e4});
  CHECK(gap.receipts.empty());
  CHECK(gap.refused_code == "out_of_order");
  CHECK(gap.refused_seq == 4);

  // The rest, in order, is taken.
  const PushReply rest = f.Pushed(gao, {e3, e4});
  CHECK(rest.refused_code.empty());
  CHECK(RunsOf(rest.receipts) == std::vector<std::string>{Run(gao, 3, 4)});
  CHECK(f.All().size() == 4);

  // An entry at the next seq that does not chain to the head.
  const Entry unchained =
      MakeEntry(gao, 5, std::string(32, '\x01'), "does not chain");
  const PushReply broken = f.Pushed(gao, {f.EnvelopeOf(unchained)});
  CHECK(broken.refused_code == "out_of_order");
  CHECK(broken.refused_seq == 5);
  CHECK(f.All().size() == 4);
}

TEST_CASE("a duplicate gets the very same receipt and adds nothing",
          "[sync][server][push]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  f.Approve(gao);
  std::vector<std::string> batch;
  for (int i = 0; i < 4; ++i) batch.push_back(f.Next(gao));
  const PushReply first = f.Pushed(gao, batch);
  REQUIRE(RunsOf(first.receipts) == std::vector<std::string>{Run(gao, 1, 4)});

  f.now() += kDay;  // later: the receipts still say when they were first taken
  const PushReply again = f.Pushed(gao, batch);
  CHECK(again.refused_code.empty());
  CHECK(sync::EncodePushReply(again) == sync::EncodePushReply(first));

  // Part of it again, then new entries: the old receipt that covers them
  // (once), then a new one.
  const std::string e5 = f.Next(gao);
  const PushReply overlap = f.Pushed(gao, {batch[2], batch[3], e5});
  REQUIRE(RunsOf(overlap.receipts) ==
          std::vector<std::string>{Run(gao, 1, 4), Run(gao, 5, 5)});
  CHECK(EncodeReceipt(overlap.receipts[0]) == EncodeReceipt(first.receipts[0]));
  CHECK(overlap.receipts[1].received_at == kStart + kDay);

  const auto all = f.All();
  REQUIRE(all.size() == 5);
  std::set<std::string> distinct;
  for (const auto& item : all) distinct.insert(item.envelope);
  CHECK(distinct.size() == 5);

  // The same entry with other wraps (re-wrapped for the same key) is the
  // same entry.
  auto decoded = sync::DecodeEnvelope(batch[0]);
  REQUIRE(decoded.ok());
  decoded->wraps.clear();
  const PushReply no_wraps = f.Pushed(gao, {sync::EncodeEnvelope(*decoded)});
  REQUIRE(no_wraps.receipts.size() == 1);
  CHECK(EncodeReceipt(no_wraps.receipts[0]) ==
        EncodeReceipt(first.receipts[0]));
  CHECK(f.All().size() == 5);
}

TEST_CASE("a different entry at a used place is a fork, kept as evidence",
          "[sync][server][push]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  f.Approve(gao);
  f.Approve(sinjar);
  const std::string e1 = f.Next(gao);
  const std::string e2 = f.Next(gao);
  const PushReply taken = f.Pushed(gao, {e1, e2});
  REQUIRE(RunsOf(taken.receipts) == std::vector<std::string>{Run(gao, 1, 2)});

  // An old copy of the vault wrote another seq 2 after the same seq 1.
  const Entry other2 =
      MakeEntry(gao, 2, HashOf(e1), "written on an old copy of the vault");
  const std::string fork = f.EnvelopeOf(other2);
  const PushReply reply = f.Pushed(gao, {e1, fork});
  // e1 is a duplicate: the receipt covering it, which also covers the
  // real seq 2 (the fork does not change what was signed).
  REQUIRE(reply.receipts.size() == 1);
  CHECK(EncodeReceipt(reply.receipts[0]) == EncodeReceipt(taken.receipts[0]));
  CHECK(reply.refused_code == "fork");
  CHECK(reply.refused_device == gao.id());
  CHECK(reply.refused_seq == 2);
  CHECK(f.CountRows("SELECT count(*) FROM forks") == 1);
  CHECK(f.CountRows("SELECT count(*) FROM forks WHERE seq = 2 AND "
                    "device_id = '" +
                    gao.id() + "' AND sent_by = '" + gao.id() + "'") == 1);
  CHECK(f.All().size() == 2);
  CHECK(f.All()[1].envelope == e2);

  // Relayed by another device, the same fork is refused again and kept
  // once.
  const PushReply relayed = f.Pushed(sinjar, {fork});
  CHECK(relayed.refused_code == "fork");
  CHECK(f.CountRows("SELECT count(*) FROM forks") == 1);

  // A fork at seq 1 is a fork too.
  const Entry other1 = MakeEntry(gao, 1, std::string(32, '\0'), "another 1");
  CHECK(f.Pushed(gao, {f.EnvelopeOf(other1)}).refused_code == "fork");
  CHECK(f.CountRows("SELECT count(*) FROM forks") == 2);

  // The device goes on from the head the server holds.
  const PushReply next = f.Pushed(gao, {f.Next(gao)});
  CHECK(next.refused_code.empty());
  CHECK(next.receipts.size() == 1);
}

TEST_CASE("an altered envelope or a malformed batch is refused",
          "[sync][server][push]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device stranger("stranger");
  f.Approve(gao);
  const std::string e1 = f.Next(gao);

  // The signature altered: refused, nothing taken, the head unchanged.
  auto decoded = sync::DecodeEnvelope(e1);
  REQUIRE(decoded.ok());
  decoded->signature[10] ^= 0x04;
  const PushReply altered = f.Pushed(gao, {sync::EncodeEnvelope(*decoded)});
  CHECK(altered.receipts.empty());
  CHECK(altered.refused_code == "bad_signature");
  CHECK(altered.refused_seq == 1);
  CHECK(f.All().empty());

  // The header altered (the hlc), the signature kept.
  auto moved = sync::DecodeEnvelope(e1);
  REQUIRE(moved.ok());
  moved->header[60] ^= 0x01;
  CHECK(f.Pushed(gao, {sync::EncodeEnvelope(*moved)}).refused_code ==
        "bad_signature");

  // Bytes that are not an envelope, inside a good batch.
  const PushReply garbage = f.Pushed(gao, {"not an envelope"});
  CHECK(garbage.refused_code == "malformed");

  // An envelope of a device the server does not know.
  const PushReply unknown = f.Pushed(gao, {f.Next(stranger)});
  CHECK(unknown.refused_code == "unknown_device");
  CHECK(unknown.refused_device == stranger.id());

  // A body that is not a batch, and a batch with bytes after it.
  for (const std::string& body :
       {std::string("not a batch"), std::string(),
        sync::EncodeBatch({e1}) + "x", sync::EncodeBatch({e1}).substr(0, 20)}) {
    auto refused = f.store().Push(f.Auth(gao, "POST", "/v1/push", body), body);
    CHECK(CodeOf(refused.status()) == "malformed");
    CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(f.All().empty());
  CHECK(f.Pushed(gao, {e1}).receipts.size() == 1);
}

TEST_CASE("a replayed or altered request is refused and changes nothing",
          "[sync][server][replay]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  f.Approve(gao);
  const std::string e1 = f.Next(gao);
  const std::string e2 = f.Next(gao);
  const std::string body = sync::EncodeBatch({e1});
  gao.counter = 40;
  const RequestAuth signed_once = f.Auth(gao, "POST", "/v1/push", body);
  REQUIRE(f.store().Push(signed_once, body).ok());
  REQUIRE(f.All().size() == 1);

  // The same request again.
  auto replayed = f.store().Push(signed_once, body);
  CHECK(CodeOf(replayed.status()) == "stale_counter");
  CHECK(replayed.status().code() == StatusCode::kAlreadyExists);
  const std::string message = MessageOf(replayed.status());
  const std::string tail = "last counter 41";
  CHECK(message.size() >= tail.size());
  CHECK(message.substr(message.size() - tail.size()) == tail);

  // A lower counter, properly signed, with a new entry.
  const std::string body2 = sync::EncodeBatch({e2});
  auto lower =
      f.store().Push(f.AuthAt(gao, 7, "POST", "/v1/push", body2), body2);
  CHECK(CodeOf(lower.status()) == "stale_counter");
  CHECK(f.All().size() == 1);

  // The body changed after signing.
  const RequestAuth for_e1 = f.Auth(gao, "POST", "/v1/push", body);
  auto swapped = f.store().Push(for_e1, body2);
  CHECK(CodeOf(swapped.status()) == "bad_signature");
  CHECK(swapped.status().code() == StatusCode::kUnauthenticated);
  CHECK(f.All().size() == 1);
  // ... which did not use up its counter, nor did the replays.
  auto state = f.State(gao);
  REQUIRE(state.ok());
  CHECK((*state)["counter"] == gao.counter);

  // Signed for another target or method.
  RequestAuth elsewhere = f.Auth(gao, "POST", "/v1/push", body2);
  elsewhere.target = "/v1/push?x=1";
  CHECK(CodeOf(f.store().Push(elsewhere, body2).status()) == "bad_signature");
  RequestAuth other_method = f.Auth(gao, "POST", "/v1/push", body2);
  other_method.method = "PUT";
  CHECK(CodeOf(f.store().Push(other_method, body2).status()) ==
        "bad_signature");

  // Headers that do not make a signed request.
  struct Bad {
    const char* what;
    std::string device, counter, signature;
  };
  const RequestAuth good = f.Auth(gao, "POST", "/v1/push", body2);
  const std::vector<Bad> bad = {
      {"counter 0", good.device_id, "0", good.signature},
      {"counter not decimal", good.device_id, "0x10", good.signature},
      {"counter with a sign", good.device_id, "+" + good.counter,
       good.signature},
      {"counter with a space", good.device_id, good.counter + " ",
       good.signature},
      {"counter above INT64_MAX", good.device_id, "9223372036854775808",
       good.signature},
      {"no signature", good.device_id, good.counter, ""},
      {"a short signature", good.device_id, good.counter,
       good.signature.substr(2)},
      {"no device", "", good.counter, good.signature},
      {"device id in upper case",
       [&] {
         std::string id = good.device_id;
         for (char& c : id) c = static_cast<char>(std::toupper(c));
         return id;
       }(),
       good.counter, good.signature},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    RequestAuth a = good;
    a.device_id = b.device;
    a.counter = b.counter;
    a.signature = b.signature;
    auto refused = f.store().Push(a, body2);
    CHECK(refused.status().code() == StatusCode::kUnauthenticated);
    CHECK(CodeOf(refused.status()) == "unauthenticated");
  }
  CHECK(f.All().size() == 1);

  // The good one still goes through, once.
  REQUIRE(f.store().Push(good, body2).ok());
  CHECK(f.All().size() == 2);
  CHECK(CodeOf(f.store().Push(good, body2).status()) == "stale_counter");
}

TEST_CASE("a revoked device is refused from then on, what it sent stays",
          "[sync][server][revoke]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  f.Approve(gao);
  f.Approve(sinjar);
  const std::string e1 = f.Next(gao), e2 = f.Next(gao);
  REQUIRE(f.Pushed(gao, {e1, e2}).receipts.size() == 1);
  const std::string later = f.Next(gao);

  // Not signed by the organisation: by the coordinator's own device key,
  // by another key, or altered after signing.
  const DeviceKey intruder = NewSigningKey();
  Revocation by_device = f.Revoked(gao, f.coordinator().key);
  Revocation by_intruder = f.Revoked(gao, intruder);
  Revocation altered = f.Revoked(gao, f.org_key());
  altered.revoked_at += 1;
  for (const Revocation* r : {&by_device, &by_intruder, &altered}) {
    auto refused = f.Revoke(f.coordinator(), *r);
    CHECK(CodeOf(refused.status()) == "bad_revocation");
  }
  // The organisation's, sent by a facilitator.
  const Revocation revocation = f.Revoked(gao, f.org_key());
  CHECK(CodeOf(f.Revoke(sinjar, revocation).status()) == "not_coordinator");
  // None of these revoked anything.
  CHECK((*f.State(gao))["status"] == "approved");

  f.now() += 5000;
  auto revoked = f.Revoke(f.coordinator(), revocation);
  INFO(revoked.status().ToString());
  REQUIRE(revoked.ok());
  CHECK((*revoked)["device_id"] == gao.id());

  auto push = f.Push(gao, {later});
  CHECK(CodeOf(push.status()) == "revoked");
  CHECK(push.status().code() == StatusCode::kPermissionDenied);
  CHECK(CodeOf(f.State(gao).status()) == "revoked");
  // Its later entries relayed by another device are refused too.
  const PushReply relayed = f.Pushed(sinjar, {later});
  CHECK(relayed.refused_code == "revoked");
  CHECK(relayed.refused_device == gao.id());
  // What it sent before stays.
  const auto all = f.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].envelope == e1);
  CHECK(all[1].envelope == e2);

  // Nor does a new invitation for the same key.
  auto reenrolled = f.Enroll(gao, f.Grant("bureau de Gao"));
  CHECK(CodeOf(reenrolled.status()) == "already_enrolled");
  CHECK(CodeOf(f.Push(gao, {later}).status()) == "revoked");

  // Its certificate sent again does not bring it back.
  auto recertified = f.AddCertificates(
      f.coordinator(), {f.Certificate(gao, kRoleFacilitator, f.org_key())});
  REQUIRE(recertified.ok());
  CHECK((*recertified)["approved"] == 0);
  CHECK(CodeOf(f.Push(gao, {later}).status()) == "revoked");

  // The coordinator's list shows the revocation.
  auto devices =
      f.store().Devices(f.Auth(f.coordinator(), "GET", "/v1/devices", ""));
  REQUIRE(devices.ok());
  for (const json& d : (*devices)["devices"]) {
    if (d["device_id"] != gao.id()) continue;
    CHECK(d["status"] == "revoked");
    CHECK(d["revocation"]["revoked_at"] == kStart);
    CHECK(d["revocation"]["signature"] == ToHex(revocation.signature));
  }

  // A device the server does not know.
  Device stranger("stranger");
  CHECK(CodeOf(f.Revoke(f.coordinator(), f.Revoked(stranger, f.org_key()))
                   .status()) == "unknown_device");
}

TEST_CASE("only coordinators pull, in commit order, by pages",
          "[sync][server][pull]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  f.Approve(gao);
  f.Approve(sinjar);

  auto refused = f.Pull(gao, 0, 1 << 20);
  CHECK(CodeOf(refused.status()) == "not_coordinator");
  CHECK(refused.status().code() == StatusCode::kPermissionDenied);

  auto nothing = f.Pull(f.coordinator(), 0, 1 << 20);
  REQUIRE(nothing.ok());
  CHECK(nothing->items.empty());
  CHECK(nothing->next_cursor == 0);
  CHECK_FALSE(nothing->more);

  std::vector<std::string> committed;
  for (int i = 0; i < 12; ++i) {
    Device& d = i % 3 == 0 ? sinjar : gao;
    std::vector<std::string> batch = {f.Next(d, std::string(40 * i, 'x'))};
    if (i % 4 == 1) batch.push_back(f.Next(d));
    const PushReply reply = f.Pushed(d, batch);
    REQUIRE(reply.receipts.size() == 1);  // one run, whatever its length
    CHECK(reply.receipts[0].last_seq - reply.receipts[0].first_seq + 1 ==
          static_cast<int64_t>(batch.size()));
    committed.insert(committed.end(), batch.begin(), batch.end());
  }
  const auto all = f.All();
  REQUIRE(all.size() == committed.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].envelope == committed[i]);
  }

  // Pages of about max_bytes: at least one envelope each, and together
  // every envelope once, in order.
  std::size_t envelope_size = all.front().envelope.size();
  for (const std::size_t max_bytes :
       {std::size_t{0}, std::size_t{1}, envelope_size, 2 * envelope_size + 100,
        5 * envelope_size, std::size_t{1} << 30}) {
    INFO("max " << max_bytes);
    std::vector<sync::PulledEnvelope> got;
    int64_t after = 0;
    int pages = 0;
    while (true) {
      auto page = f.Pull(f.coordinator(), after, max_bytes);
      REQUIRE(page.ok());
      ++pages;
      REQUIRE(pages <= 100);
      std::size_t bytes = 0;
      for (const auto& item : page->items) bytes += item.envelope.size();
      if (page->items.size() > 1) CHECK(bytes <= max_bytes);
      if (page->more) REQUIRE_FALSE(page->items.empty());
      if (!page->items.empty()) {
        CHECK(page->next_cursor == page->items.back().cursor);
      }
      got.insert(got.end(), page->items.begin(), page->items.end());
      after = page->next_cursor;
      if (!page->more) break;
    }
    REQUIRE(got.size() == all.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].cursor == all[i].cursor);
      CHECK(got[i].envelope == all[i].envelope);
    }
    if (max_bytes <= 1) CHECK(pages == static_cast<int>(all.size()));
    if (max_bytes == std::size_t{1} << 30) CHECK(pages == 1);
  }

  // After the last cursor, or beyond it: nothing.
  for (const int64_t after : {all.back().cursor, all.back().cursor + 100}) {
    auto page = f.Pull(f.coordinator(), after, 1 << 20);
    REQUIRE(page.ok());
    CHECK(page->items.empty());
    CHECK_FALSE(page->more);
    CHECK(page->next_cursor == after);
  }
  // From the middle.
  auto middle = f.Pull(f.coordinator(), all[4].cursor, 1 << 20);
  REQUIRE(middle.ok());
  REQUIRE(middle->items.size() == all.size() - 5);
  CHECK(middle->items.front().envelope == all[5].envelope);
}

TEST_CASE("the store keeps its key and state when opened again",
          "[sync][server][reopen]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device late("late");
  f.Approve(gao);
  REQUIRE(f.Enroll(late, f.Grant("late")).ok());
  const std::string e1 = f.Next(gao), e2 = f.Next(gao);
  const PushReply first = f.Pushed(gao, {e1, e2});
  REQUIRE(RunsOf(first.receipts) == std::vector<std::string>{Run(gao, 1, 2)});
  const std::string server_key = f.store().server_key();
  const RequestAuth used = f.Auth(gao, "GET", "/v1/device", "");
  REQUIRE(f.store().DeviceState(used).ok());

  f.Reopen();
  CHECK(f.store().server_key() == server_key);
  CHECK(f.store().org().org_id == f.org().org.org_id);
  // The counter is remembered: the last request is still a replay.
  CHECK(CodeOf(f.store().DeviceState(used).status()) == "stale_counter");
  auto state = f.State(gao);
  REQUIRE(state.ok());
  CHECK((*state)["status"] == "approved");
  CHECK((*state)["head_seq"] == 2);
  CHECK((*f.State(late))["status"] == "pending");
  // Duplicates get the receipt of before; the chain goes on.
  const PushReply again = f.Pushed(gao, {e1, e2, f.Next(gao)});
  REQUIRE(RunsOf(again.receipts) ==
          std::vector<std::string>{Run(gao, 1, 2), Run(gao, 3, 3)});
  CHECK(EncodeReceipt(again.receipts[0]) == EncodeReceipt(first.receipts[0]));
  CHECK(VerifyReceipt(again.receipts[1], server_key).ok());
  CHECK(again.receipts[1].first_cursor > first.receipts[0].CursorOf(2));
  CHECK(HelloKey(f.store()) == server_key);
  CheckReceiptsMatch(again.receipts, f.All(), server_key);
  CHECK(f.All().size() == 3);

  // Another organisation on the same directory.
  const DeviceKey other_key = NewSigningKey();
  OrgPublic other = f.org();
  other.org.signing_key = other_key.public_key;
  other.org.org_id = DeviceIdFor(other_key.public_key);
  other.devices.clear();
  auto wrong = ServerStore::Open(f.dir(), other, [] { return kStart; });
  CHECK(wrong.status().code() == StatusCode::kFailedPrecondition);
  // ... leaves the store as it was.
  f.Reopen();
  CHECK(f.store().server_key() == server_key);
  CHECK(f.All().size() == 3);
}

TEST_CASE(
    "a revoked device stays revoked when its certificate comes back "
    "with the organisation's document",
    "[sync][server][reopen][revoke]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  f.Approve(gao);
  REQUIRE(f.Revoke(f.coordinator(), f.Revoked(gao, f.org_key())).ok());
  // The server restarted with an organisation document that still lists
  // the device's certificate.
  OrgPublic with_gao = f.org();
  with_gao.devices.push_back(f.Certificate(gao, kRoleFacilitator, f.org_key()));
  auto reopened = ServerStore::Open(f.dir(), with_gao, [] { return kStart; });
  REQUIRE(reopened.ok());
  const std::string body = sync::EncodeBatch({f.Next(gao)});
  auto push = (*reopened)->Push(f.Auth(gao, "POST", "/v1/push", body), body);
  CHECK(CodeOf(push.status()) == "revoked");
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

TEST_CASE(
    "a device's own chain travels as a compact batch and is rebuilt "
    "whole",
    "[sync][server][protocol]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  f.Approve(gao);
  std::vector<std::string> envelopes;
  std::size_t whole = sync::kBatchHeaderBytes;
  for (int i = 0; i < 5; ++i) {
    envelopes.push_back(f.Next(gao));
    whole += sync::kBatchItemOverhead + envelopes.back().size();
  }
  const std::string body = sync::EncodeBatch(envelopes);
  CHECK(body.substr(0, 5) == std::string("PLBT\x02"));
  // 61 bytes an entry are not sent (magic, version, header but the hlc);
  // the batch's own header grows by 56.
  CHECK(body.size() + 5 * 61 - 56 == whole);
  auto decoded = sync::DecodeBatch(body);
  REQUIRE(decoded.ok());
  CHECK(*decoded == envelopes);
  for (std::size_t n = 0; n < body.size(); ++n) {
    auto cut = sync::DecodeBatch(body.substr(0, n));
    if (cut.ok()) {
      // Only a cut inside an envelope's tail can still frame: then that
      // envelope is handed on broken, and nothing after it.
      CHECK(cut->size() < envelopes.size());
    }
  }
  // A flipped byte in the third envelope: the first two are taken, the
  // third refused, the rest never rebuilt.
  std::string flipped = body;
  const std::size_t third = body.find(envelopes[2].substr(69, 40));
  REQUIRE(third != std::string::npos);
  flipped[third + 20] ^= 0x01;
  auto pushed = f.PushRaw(gao, flipped);
  REQUIRE(pushed.ok());
  CHECK(RunsOf(pushed->receipts) == std::vector<std::string>{Run(gao, 1, 2)});
  CHECK(pushed->refused_code == "bad_signature");
  CHECK(pushed->refused_seq == 3);
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

TEST_CASE(
    "devices whose clocks are wrong by years push and pull as any "
    "other",
    "[sync][server]") {
  // Field laptops' clocks run days or years off: nothing the server
  // decides may depend on them (replay protection is the counter).
  ServerFixture f;
  Device past("horloge en 1999");
  Device future("horloge en 2071");
  f.Approve(past);
  f.Approve(future);
  constexpr int64_t k1999 = 915148800000;
  constexpr int64_t k2071 = 3187296000000;
  const PushReply a =
      f.Pushed(past, {f.Next(past, "", k1999), f.Next(past, "", k1999)});
  const PushReply b =
      f.Pushed(future, {f.Next(future, "", k2071), f.Next(future, "", k2071)});
  CHECK(a.refused_code.empty());
  CHECK(b.refused_code.empty());
  CHECK(RunsOf(a.receipts) == std::vector<std::string>{Run(past, 1, 2)});
  CHECK(RunsOf(b.receipts) == std::vector<std::string>{Run(future, 1, 2)});
  // The server's own clock stamps the receipts.
  for (const Receipt& r : a.receipts) CHECK(r.received_at == f.now());
  for (const Receipt& r : b.receipts) CHECK(r.received_at == f.now());
  // A device whose clock jumps back keeps pushing its chain.
  CHECK(f.Pushed(future, {f.Next(future, "", k1999)}).receipts.size() == 1);
  CHECK(f.All().size() == 5);
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

// Receipts the device fetches again (GET /v1/receipts?after=SEQ).
std::vector<Receipt> ReceiptsAfter(ServerFixture& f, Device& device,
                                   int64_t after) {
  const std::string target = "/v1/receipts?after=" + std::to_string(after);
  auto reply = f.store().Receipts(f.Auth(device, "GET", target, ""), after);
  INFO(reply.status().ToString());
  REQUIRE(reply.ok());
  CHECK(reply->refused_code.empty());
  return reply->receipts;
}

TEST_CASE("a push of a run gets one receipt whose cursors are those pulled",
          "[sync][server][push][receipt]") {
  for (const int n : {1, 2, 7, 40}) {
    INFO(n << " entries");
    ServerFixture f;
    Device gao("bureau de Gao");
    Device sinjar("Sinjar");
    f.Approve(gao);
    f.Approve(sinjar);
    // Another device's entries first: the run does not start at cursor 1.
    REQUIRE(f.Pushed(sinjar, {f.Next(sinjar), f.Next(sinjar)})
                .refused_code.empty());
    std::vector<std::string> batch;
    for (int i = 0; i < n; ++i) batch.push_back(f.Next(gao));
    f.now() += 1234;
    const PushReply reply = f.Pushed(gao, batch);
    CHECK(reply.refused_code.empty());
    REQUIRE(RunsOf(reply.receipts) == std::vector<std::string>{Run(gao, 1, n)});
    const Receipt& r = reply.receipts[0];
    CHECK(r.first_cursor == 3);
    CHECK(r.last_hash == HashOf(batch.back()));
    CHECK(r.received_at == kStart + 1234);
    // Under the key hello announces, not just the one the store holds.
    const std::string key = HelloKey(f.store());
    CHECK(key == f.store().server_key());
    CHECK(VerifyReceipt(r, key).ok());

    // Every entry of the run is pulled at the cursor the receipt gives it.
    const auto all = f.All();
    REQUIRE(all.size() == static_cast<std::size_t>(n) + 2);
    for (int i = 0; i < n; ++i) {
      INFO("seq " << i + 1);
      CHECK(all[i + 2].envelope == batch[i]);
      CHECK(all[i + 2].cursor == r.CursorOf(i + 1));
    }
    CheckReceiptsMatch(reply.receipts, all, key);

    // The same receipt is kept: fetched again, byte for byte.
    const std::vector<Receipt> kept = ReceiptsAfter(f, gao, 0);
    REQUIRE(kept.size() == 1);
    CHECK(EncodeReceipt(kept[0]) == EncodeReceipt(r));
    CHECK(f.CountRows("SELECT count(*) FROM receipts WHERE device_id = '" +
                      gao.id() + "'") == 1);
  }
}

TEST_CASE(
    "a batch pushed again gets the receipts that cover it, then new "
    "ones",
    "[sync][server][push][receipt]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  f.Approve(gao);
  std::vector<std::string> e = {""};  // e[seq]
  for (int seq = 1; seq <= 10; ++seq) e.push_back(f.Next(gao));

  struct Step {
    const char* what;
    std::vector<int> seqs;  // the batch
    // The runs answered, in order, and which of them are new.
    std::vector<std::pair<int, int>> runs;
    std::vector<bool> fresh;
  };
  const std::vector<Step> steps = {
      {"1-5", {1, 2, 3, 4, 5}, {{1, 5}}, {true}},
      {"the same batch again", {1, 2, 3, 4, 5}, {{1, 5}}, {false}},
      {"part of it", {2, 3}, {{1, 5}}, {false}},
      {"3-7, overlapping", {3, 4, 5, 6, 7}, {{1, 5}, {6, 7}}, {false, true}},
      {"across two receipts", {4, 5, 6, 7}, {{1, 5}, {6, 7}}, {false, false}},
      {"7-9", {7, 8, 9}, {{6, 7}, {8, 9}}, {false, true}},
      {"the last entry of each run",
       {5, 7, 9},
       {{1, 5}, {6, 7}, {8, 9}},
       {false, false, false}},
      {"a run's entries out of order", {3, 1, 2}, {{1, 5}}, {false}},
      {"all of it, and one more",
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
       {{1, 5}, {6, 7}, {8, 9}, {10, 10}},
       {false, false, false, true}},
  };
  std::map<int64_t, std::string> signed_at_first;  // first seq -> bytes
  for (const Step& step : steps) {
    INFO(step.what);
    f.now() += 1000;  // new receipts say when, old ones keep their time
    std::vector<std::string> batch;
    for (const int seq : step.seqs) batch.push_back(e[seq]);
    const PushReply reply = f.Pushed(gao, batch);
    CHECK(reply.refused_code.empty());
    std::vector<std::string> want;
    for (const auto& [first, last] : step.runs) {
      want.push_back(Run(gao, first, last));
    }
    REQUIRE(RunsOf(reply.receipts) == want);
    for (std::size_t i = 0; i < reply.receipts.size(); ++i) {
      const Receipt& r = reply.receipts[i];
      INFO(ReceiptName(r));
      if (step.fresh[i]) {
        CHECK(signed_at_first.count(r.first_seq) == 0);
        CHECK(r.received_at == f.now());
        signed_at_first[r.first_seq] = EncodeReceipt(r);
      } else {
        REQUIRE(signed_at_first.count(r.first_seq) == 1);
        CHECK(EncodeReceipt(r) == signed_at_first[r.first_seq]);
      }
    }
  }
  // Each entry once, each covered by one receipt, the receipts verifying.
  const auto all = f.All();
  CHECK(all.size() == 10);
  const std::vector<Receipt> kept = ReceiptsAfter(f, gao, 0);
  CHECK(RunsOf(kept) == std::vector<std::string>{Run(gao, 1, 5), Run(gao, 6, 7),
                                                 Run(gao, 8, 9),
                                                 Run(gao, 10, 10)});
  CheckReceiptsMatch(kept, all, f.store().server_key());
}

TEST_CASE(
    "a refusal in the middle of a batch leaves the receipt of the "
    "prefix it committed",
    "[sync][server][push][receipt]") {
  struct Case {
    const char* what;
    int refused_at;  // the position (1-based) of the refused envelope
    const char* code;
  };
  const std::vector<Case> cases = {
      {"out of order (a gap)", 4, "out_of_order"},
      {"a bad signature", 4, "bad_signature"},
      {"a fork of the entry before", 4, "fork"},
      {"bytes that are not an envelope", 4, "malformed"},
      {"a device the server does not know", 4, "unknown_device"},
      {"a bad signature at the second", 2, "bad_signature"},
      {"a bad signature at the first", 1, "bad_signature"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    ServerFixture f;
    Device gao("bureau de Gao");
    Device stranger("stranger");
    f.Approve(gao);
    const int k = c.refused_at;
    std::vector<std::string> batch;
    for (int i = 1; i < k; ++i) batch.push_back(f.Next(gao));
    const std::string prefix_head = gao.head;
    const std::string code = c.code;
    if (code == "out_of_order") {
      f.Next(gao);  // skipped
      batch.push_back(f.Next(gao));
    } else if (code == "bad_signature") {
      auto envelope = sync::DecodeEnvelope(f.Next(gao));
      REQUIRE(envelope.ok());
      envelope->signature[3] ^= 0x10;
      batch.push_back(sync::EncodeEnvelope(*envelope));
    } else if (code == "fork") {
      REQUIRE(k >= 2);
      const std::string before =
          k == 2 ? std::string(32, '\0') : HashOf(batch[k - 3]);
      batch.push_back(
          f.EnvelopeOf(MakeEntry(gao, k - 1, before, "another entry")));
    } else if (code == "malformed") {
      batch.push_back("not an envelope");
    } else {
      batch.push_back(f.Next(stranger));
    }
    // Good entries after the refused one are not taken.
    for (int i = 0; i < 2; ++i) batch.push_back(f.Next(gao));

    const PushReply reply = f.Pushed(gao, batch);
    CHECK(reply.refused_code == c.code);
    const auto all = f.All();
    REQUIRE(all.size() == static_cast<std::size_t>(k - 1));
    if (k == 1) {
      CHECK(reply.receipts.empty());
      CHECK(ReceiptsAfter(f, gao, 0).empty());
      continue;
    }
    REQUIRE(RunsOf(reply.receipts) ==
            std::vector<std::string>{Run(gao, 1, k - 1)});
    CHECK(reply.receipts[0].last_hash == prefix_head);
    CheckReceiptsMatch(reply.receipts, all, HelloKey(f.store()));
    // It was stored with the prefix, not rolled back with the refusal.
    const std::vector<Receipt> kept = ReceiptsAfter(f, gao, 0);
    REQUIRE(kept.size() == 1);
    CHECK(EncodeReceipt(kept[0]) == EncodeReceipt(reply.receipts[0]));
    CHECK((*f.State(gao))["head_seq"] == k - 1);
  }
}

TEST_CASE("a batch mixing devices gets a receipt for each device's run",
          "[sync][server][push][receipt]") {
  ServerFixture f;
  Device a("Ansongo");
  Device b("Bourem");
  Device relay("relais de Gao");
  f.Approve(a);
  f.Approve(b);
  f.Approve(relay);
  const std::string a1 = f.Next(a), a2 = f.Next(a), a3 = f.Next(a),
                    a4 = f.Next(a);
  const std::string b1 = f.Next(b), b2 = f.Next(b), b3 = f.Next(b);

  struct Step {
    const char* what;
    std::vector<std::string> batch;
    std::vector<std::string> runs;
  };
  const std::vector<Step> steps = {
      {"A1 A2 B1 B2 A3, relayed",
       {a1, a2, b1, b2, a3},
       {Run(a, 1, 2), Run(b, 1, 2), Run(a, 3, 3)}},
      {"the same again: the same receipts",
       {a1, a2, b1, b2, a3},
       {Run(a, 1, 2), Run(b, 1, 2), Run(a, 3, 3)}},
      {"held entries of both, then new ones of each",
       {b2, a3, a4, b3},
       {Run(b, 1, 2), Run(a, 3, 3), Run(a, 4, 4), Run(b, 3, 3)}},
  };
  std::map<std::string, std::string> first_signed;  // name -> bytes
  for (const Step& step : steps) {
    INFO(step.what);
    const std::string body = sync::EncodeBatch(step.batch);
    REQUIRE(body.substr(0, 5) == std::string("PLBT\x01"));  // version 1
    const PushReply reply = f.Pushed(relay, step.batch);
    CHECK(reply.refused_code.empty());
    CHECK(RunsOf(reply.receipts) == step.runs);
    for (const Receipt& r : reply.receipts) {
      auto [it, added] = first_signed.emplace(ReceiptName(r), EncodeReceipt(r));
      if (!added) CHECK(EncodeReceipt(r) == it->second);
    }
    CheckReceiptsMatch(reply.receipts, f.All(), HelloKey(f.store()));
  }
  // Each device fetches its own receipts, and only those.
  CHECK(RunsOf(ReceiptsAfter(f, a, 0)) ==
        std::vector<std::string>{Run(a, 1, 2), Run(a, 3, 3), Run(a, 4, 4)});
  CHECK(RunsOf(ReceiptsAfter(f, b, 0)) ==
        std::vector<std::string>{Run(b, 1, 2), Run(b, 3, 3)});
  CHECK(ReceiptsAfter(f, relay, 0).empty());
}

// A relay's push (a version-1 batch) after A1-2 and B1-2 were pushed, one
// receipt each; A3, A4 and B3 are not held yet. Checks the runs answered,
// in order, and that each verifies and matches what is pulled.
enum HeldEnv { kA1, kA2, kA3, kA4, kB1, kB2, kB3 };
struct RelayCase {
  const char* what;
  std::vector<HeldEnv> batch;
  std::vector<std::pair<char, std::pair<int, int>>> runs;  // device, seqs
};
void CheckRelayedAfterHeld(const RelayCase& c) {
  INFO(c.what);
  ServerFixture f;
  Device a("Ansongo");
  Device b("Bourem");
  Device relay("relais de Gao");
  f.Approve(a);
  f.Approve(b);
  f.Approve(relay);
  std::vector<std::string> e;
  for (int i = 0; i < 4; ++i) e.push_back(f.Next(a));
  for (int i = 0; i < 3; ++i) e.push_back(f.Next(b));
  REQUIRE(f.Pushed(a, {e[kA1], e[kA2]}).receipts.size() == 1);
  REQUIRE(f.Pushed(b, {e[kB1], e[kB2]}).receipts.size() == 1);

  std::vector<std::string> batch;
  for (const HeldEnv i : c.batch) batch.push_back(e[i]);
  std::vector<std::string> want;
  for (const auto& [device, seqs] : c.runs) {
    want.push_back(Run(device == 'a' ? a : b, seqs.first, seqs.second));
  }
  auto reply = f.Push(relay, batch);
  INFO(reply.status().ToString());
  CHECK(reply.ok());
  if (!reply.ok()) return;
  CHECK(reply->refused_code.empty());
  CHECK(RunsOf(reply->receipts) == want);
  CheckReceiptsMatch(reply->receipts, f.All(), f.store().server_key());
}

TEST_CASE(
    "held entries relayed again get their covering receipts in the "
    "batch's order",
    "[sync][server][push][receipt]") {
  const std::vector<RelayCase> cases = {
      {"one device's held run, then a new entry",
       {kA1, kA2, kA3},
       {{'a', {1, 2}}, {'a', {3, 3}}}},
      {"two devices' held runs, one after the other",
       {kA1, kA2, kB1, kB2},
       {{'a', {1, 2}}, {'b', {1, 2}}}},
      {"held and new of each device in turn",
       {kA1, kA3, kB1, kB3},
       {{'a', {1, 2}}, {'a', {3, 3}}, {'b', {1, 2}}, {'b', {3, 3}}}},
      {"new entries of each, after held ones",
       {kB2, kA2, kA3, kA4, kB3},
       {{'b', {1, 2}}, {'a', {1, 2}}, {'a', {3, 4}}, {'b', {3, 3}}}},
  };
  for (const RelayCase& c : cases) CheckRelayedAfterHeld(c);
}

// However spread its duplicates are, a covering receipt comes back once a
// reply.
TEST_CASE(
    "a covering receipt is answered once a push, however its "
    "duplicates are spread",
    "[sync][server][push][receipt]") {
  const std::vector<RelayCase> cases = {
      {"held entries of two devices interleaved",
       {kA1, kB1, kA2, kB2},
       {{'a', {1, 2}}, {'b', {1, 2}}}},
      {"held, new, then held again of the first run",
       {kA2, kA3, kA1},
       {{'a', {1, 2}}, {'a', {3, 3}}}},
  };
  for (const RelayCase& c : cases) CheckRelayedAfterHeld(c);
}

// An entry sent again in the push that adds it is covered by the receipt
// of its run, finished (and stored) before the duplicate is answered.
TEST_CASE(
    "an entry sent twice in the push that adds it gets its run's "
    "receipt once",
    "[sync][server][push][receipt]") {
  const std::vector<RelayCase> cases = {
      {"an entry twice", {kA3, kA3}, {{'a', {3, 3}}}},
      {"a run, then its first entry again", {kA3, kA4, kA3}, {{'a', {3, 4}}}},
  };
  for (const RelayCase& c : cases) CheckRelayedAfterHeld(c);
}

TEST_CASE("a device's receipts are fetched again from any seq",
          "[sync][server][receipt]") {
  ServerFixture f;
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  f.Approve(gao);
  f.Approve(sinjar);
  std::vector<Receipt> pushed;
  for (const int n : {3, 3, 1}) {  // runs 1-3, 4-6, 7
    std::vector<std::string> batch;
    for (int i = 0; i < n; ++i) batch.push_back(f.Next(gao));
    const PushReply reply = f.Pushed(gao, batch);
    REQUIRE(reply.receipts.size() == 1);
    pushed.push_back(reply.receipts[0]);
    REQUIRE(f.Pushed(sinjar, {f.Next(sinjar)}).receipts.size() == 1);
  }
  struct Case {
    int64_t after;
    std::vector<int> runs;  // indexes into `pushed`
  };
  const std::vector<Case> cases = {
      {0, {0, 1, 2}}, {1, {0, 1, 2}}, {2, {0, 1, 2}},  {3, {1, 2}},
      {4, {1, 2}},    {5, {1, 2}},    {6, {2}},        {7, {}},
      {8, {}},        {1000, {}},     {-1, {0, 1, 2}},
  };
  for (const Case& c : cases) {
    INFO("after " << c.after);
    const std::vector<Receipt> got = ReceiptsAfter(f, gao, c.after);
    REQUIRE(got.size() == c.runs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(EncodeReceipt(got[i]) == EncodeReceipt(pushed[c.runs[i]]));
      // What the device asked for is covered: no entry after `after` is
      // left out, and the first receipt starts at or before it.
      if (i == 0) CHECK(got[i].last_seq > c.after);
    }
  }
  // Another device's receipts are its own.
  CHECK(RunsOf(ReceiptsAfter(f, sinjar, 0)) ==
        std::vector<std::string>{Run(sinjar, 1, 1), Run(sinjar, 2, 2),
                                 Run(sinjar, 3, 3)});
  // A pending device is refused, as for a push.
  Device late("late");
  REQUIRE(f.Enroll(late, f.Grant("late")).ok());
  auto pending =
      f.store().Receipts(f.Auth(late, "GET", "/v1/receipts?after=0", ""), 0);
  CHECK(CodeOf(pending.status()) == "approval_pending");
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

// The partner server's schema as the first protocol shipped it (server
// migration 1, user_version 1): one receipt blob per envelope.
constexpr char kServerSchemaV1[] =
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value BLOB NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE devices ("
    "  device_id TEXT PRIMARY KEY NOT NULL,"
    "  public_key BLOB NOT NULL,"
    "  status TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  issued_at INTEGER,"
    "  cert_signature BLOB,"
    "  invite_id TEXT UNIQUE,"
    "  grant TEXT,"
    "  enrolled_at INTEGER,"
    "  revoked_at INTEGER,"
    "  revocation_signature BLOB,"
    "  counter INTEGER NOT NULL DEFAULT 0,"
    "  head_seq INTEGER NOT NULL DEFAULT 0,"
    "  head_hash BLOB NOT NULL DEFAULT (zeroblob(32))"
    ") WITHOUT ROWID;"
    "CREATE TABLE envelopes ("
    "  cursor INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  device_id TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  entry_hash BLOB NOT NULL,"
    "  envelope BLOB NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  receipt BLOB NOT NULL,"
    "  UNIQUE (device_id, seq)"
    ");"
    "CREATE TABLE forks ("
    "  id INTEGER PRIMARY KEY,"
    "  device_id TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  entry_hash BLOB NOT NULL,"
    "  envelope BLOB NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  sent_by TEXT NOT NULL,"
    "  UNIQUE (device_id, seq, entry_hash)"
    ");"
    "PRAGMA user_version = 1;";

std::string SignWithSecret(const std::string& secret,
                           const std::string& message) {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(
      reinterpret_cast<unsigned char*>(signature.data()), nullptr,
      reinterpret_cast<const unsigned char*>(message.data()), message.size(),
      reinterpret_cast<const unsigned char*>(secret.data()));
  return signature;
}

// The single integer `sql` gives on `path`, through a connection of its own.
int64_t QueryOn(const std::string& path, const std::string& sql) {
  auto db = Database::Open(path, "unix", /*create=*/false);
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  auto n = (*db)->QueryInt(sql);
  INFO(sql << ": " << n.status().ToString());
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE(
    "a store of the first protocol opens with every entry and "
    "answers receipts that verify",
    "[sync][server][reopen][receipt]") {
  ServerFixture f;  // the organisation, its coordinator, envelopes, auth
  Device gao("bureau de Gao");
  Device sinjar("Sinjar");
  TempDir old_dir;
  const std::string db_path = old_dir.path() + "/" + sync::kServerDbName;

  // The first protocol's server key, raw as it kept it.
  std::string server_pk(crypto_sign_PUBLICKEYBYTES, '\0');
  std::string server_sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(server_pk.data()),
                      reinterpret_cast<unsigned char*>(server_sk.data()));

  // What it held, in commit order: the two chains interleaved, each entry
  // with its own receipt (format 1, 136 bytes on the wire).
  struct Held {
    Device* device;
    std::string envelope;
    int64_t cursor;
    int64_t received_at;
    Receipt receipt;
  };
  std::vector<Held> held;
  int64_t cursor = 0;
  for (Device* d : {&gao, &gao, &sinjar, &gao, &sinjar}) {
    Held h{d, f.Next(*d), ++cursor, kStart - 10 * kDay + cursor * 1000, {}};
    h.receipt.format = kReceiptFormatEntry;
    h.receipt.device_id = d->id();
    h.receipt.first_seq = h.receipt.last_seq = d->seq;
    h.receipt.last_hash = HashOf(h.envelope);
    h.receipt.first_cursor = h.cursor;
    h.receipt.received_at = h.received_at;
    auto bytes = ReceiptBytes(h.receipt, server_pk);
    REQUIRE(bytes.ok());
    h.receipt.signature = SignWithSecret(server_sk, *bytes);
    REQUIRE(VerifyReceipt(h.receipt, server_pk).ok());
    held.push_back(std::move(h));
  }
  {
    auto opened = Database::Open(db_path, "unix", /*create=*/true);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    Database& db = **opened;
    REQUIRE(db.Exec(kServerSchemaV1).ok());
    auto meta = db.Prepare("INSERT INTO meta(key, value) VALUES (?, ?)");
    REQUIRE(meta.ok());
    REQUIRE(meta->BindText(1, "org_id").ok());
    REQUIRE(meta->BindBlob(2, f.org().org.org_id).ok());
    REQUIRE(meta->Run().ok());
    meta->Reset();
    REQUIRE(meta->BindText(1, "signing_secret").ok());
    REQUIRE(meta->BindBlob(2, server_sk).ok());
    REQUIRE(meta->Run().ok());
    struct Row {
      Device* device;
      const char* role;
      int64_t counter;
    };
    for (const Row& row :
         {Row{&f.coordinator(), kRoleCoordinator, 3},
          Row{&gao, kRoleFacilitator, 9}, Row{&sinjar, kRoleFacilitator, 4}}) {
      const DeviceCertificate cert =
          f.Certificate(*row.device, row.role, f.org_key());
      auto insert = db.Prepare(
          "INSERT INTO devices(device_id, public_key, status, role, name, "
          "issued_at, cert_signature, counter, head_seq, head_hash) "
          "VALUES (?, ?, 'approved', ?, ?, ?, ?, ?, ?, ?)");
      REQUIRE(insert.ok());
      REQUIRE(insert->BindText(1, cert.device_id).ok());
      REQUIRE(insert->BindBlob(2, cert.public_key).ok());
      REQUIRE(insert->BindText(3, cert.role).ok());
      REQUIRE(insert->BindText(4, cert.name).ok());
      REQUIRE(insert->BindInt(5, cert.issued_at).ok());
      REQUIRE(insert->BindBlob(6, cert.signature).ok());
      REQUIRE(insert->BindInt(7, row.counter).ok());
      REQUIRE(insert->BindInt(8, row.device->seq).ok());
      REQUIRE(insert->BindBlob(9, row.device->head).ok());
      REQUIRE(insert->Run().ok());
      row.device->counter = static_cast<uint64_t>(row.counter);
    }
    for (const Held& h : held) {
      const Receipt& r = h.receipt;
      // The first protocol's wire form: device, seq, entry hash, cursor,
      // received_at (u64 big-endian), signature.
      auto u64 = [](int64_t v) {
        std::string out;
        for (int shift = 56; shift >= 0; shift -= 8) {
          out += static_cast<char>((static_cast<uint64_t>(v) >> shift) & 0xff);
        }
        return out;
      };
      const std::string wire = FromHex(r.device_id) + u64(r.first_seq) +
                               r.last_hash + u64(r.first_cursor) +
                               u64(r.received_at) + r.signature;
      REQUIRE(wire.size() == 136);
      auto insert = db.Prepare(
          "INSERT INTO envelopes(cursor, device_id, seq, entry_hash, "
          "envelope, received_at, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)");
      REQUIRE(insert.ok());
      REQUIRE(insert->BindInt(1, h.cursor).ok());
      REQUIRE(insert->BindText(2, r.device_id).ok());
      REQUIRE(insert->BindInt(3, r.first_seq).ok());
      REQUIRE(insert->BindBlob(4, r.last_hash).ok());
      REQUIRE(insert->BindBlob(5, h.envelope).ok());
      REQUIRE(insert->BindInt(6, h.received_at).ok());
      REQUIRE(insert->BindBlob(7, wire).ok());
      REQUIRE(insert->Run().ok());
    }
    REQUIRE(db.Close(/*checkpoint=*/true).ok());
  }
  REQUIRE(QueryOn(db_path, "PRAGMA user_version") == 1);

  auto opened =
      ServerStore::Open(old_dir.path(), f.org(), [&f] { return f.now(); });
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  std::unique_ptr<ServerStore> store = std::move(opened).value();

  // The same key, announced; the schema of now; every receipt signed.
  CHECK(HelloKey(*store) == server_pk);
  CHECK(store->server_key() == server_pk);
  CHECK(QueryOn(db_path, "PRAGMA user_version") == 2);
  CHECK(QueryOn(db_path,
                "SELECT count(*) FROM pragma_table_info('envelopes') "
                "WHERE name = 'receipt'") == 0);
  CHECK(QueryOn(db_path, "SELECT count(*) FROM receipts") == 5);
  CHECK(QueryOn(db_path,
                "SELECT count(*) FROM receipts "
                "WHERE length(signature) != 64") == 0);

  // Every entry is still pulled, at its cursor.
  auto pulled = [&]() {
    auto page = store->Pull(
        f.Auth(f.coordinator(), "GET", "/v1/pull?after=0&max=1048576", ""), 0,
        1 << 20);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    return page->items;
  };
  const auto all = pulled();
  REQUIRE(all.size() == held.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].cursor == held[i].cursor);
    CHECK(all[i].envelope == held[i].envelope);
  }
  // The counters came along: a request the old server saw is a replay.
  const RequestAuth old_request =
      f.AuthAt(gao, 9, "GET", "/v1/receipts?after=0", "");
  CHECK(CodeOf(store->Receipts(old_request, 0).status()) == "stale_counter");

  // Each device's entries are covered by receipts of now (runs of one),
  // verifying under the same key and saying what the old ones said.
  auto receipts_of = [&](Device& d) {
    auto reply =
        store->Receipts(f.Auth(d, "GET", "/v1/receipts?after=0", ""), 0);
    INFO(reply.status().ToString());
    REQUIRE(reply.ok());
    return reply->receipts;
  };
  const std::vector<Receipt> gao_receipts = receipts_of(gao);
  const std::vector<Receipt> sinjar_receipts = receipts_of(sinjar);
  CHECK(RunsOf(gao_receipts) == std::vector<std::string>{Run(gao, 1, 1),
                                                         Run(gao, 2, 2),
                                                         Run(gao, 3, 3)});
  CHECK(RunsOf(sinjar_receipts) ==
        std::vector<std::string>{Run(sinjar, 1, 1), Run(sinjar, 2, 2)});
  CheckReceiptsMatch(gao_receipts, all, server_pk);
  CheckReceiptsMatch(sinjar_receipts, all, server_pk);
  for (const Held& h : held) {
    INFO(ReceiptName(h.receipt));
    const auto& mine = h.device == &gao ? gao_receipts : sinjar_receipts;
    int covering = 0;
    for (const Receipt& r : mine) {
      if (!r.Covers(h.receipt.first_seq)) continue;
      ++covering;
      CHECK(r.first_cursor == h.cursor);
      CHECK(r.received_at == h.received_at);
      CHECK(r.last_hash == h.receipt.last_hash);
    }
    CHECK(covering == 1);
    // The receipt the device holds from before still verifies.
    CHECK(VerifyReceipt(h.receipt, HelloKey(*store)).ok());
  }

  // Pushed again, the old entries get those receipts; the chain goes on
  // after the last cursor.
  std::vector<std::string> gao_envelopes;
  for (const Held& h : held) {
    if (h.device == &gao) gao_envelopes.push_back(h.envelope);
  }
  f.now() += kDay;
  const std::string g4 = f.Next(gao);
  gao_envelopes.push_back(g4);
  const std::string body = sync::EncodeBatch(gao_envelopes);
  auto pushed = store->Push(f.Auth(gao, "POST", "/v1/push", body), body);
  INFO(pushed.status().ToString());
  REQUIRE(pushed.ok());
  CHECK(pushed->refused_code.empty());
  REQUIRE(RunsOf(pushed->receipts) ==
          std::vector<std::string>{Run(gao, 1, 1), Run(gao, 2, 2),
                                   Run(gao, 3, 3), Run(gao, 4, 4)});
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(EncodeReceipt(pushed->receipts[i]) == EncodeReceipt(gao_receipts[i]));
  }
  CHECK(pushed->receipts[3].first_cursor == 6);
  CHECK(pushed->receipts[3].received_at == kStart + kDay);
  CheckReceiptsMatch(pushed->receipts, pulled(), server_pk);

  // Opened again: nothing is signed twice.
  store.reset();
  auto again =
      ServerStore::Open(old_dir.path(), f.org(), [&f] { return f.now(); });
  REQUIRE(again.ok());
  store = std::move(again).value();
  const std::vector<Receipt> after_reopen = receipts_of(gao);
  REQUIRE(after_reopen.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(EncodeReceipt(after_reopen[i]) == EncodeReceipt(pushed->receipts[i]));
  }
  CHECK(pulled().size() == held.size() + 1);
}

}  // namespace
}  // namespace palabre::testing

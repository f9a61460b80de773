// The partner server's rules (sync/server_store.h), in process, with an
// organisation, its devices and their signed entries all made here and a
// clock the test moves. What every device relies on: an invitation the
// organisation signed enrols one key, once, before it expires, and leaves it
// pending until a coordinator sends the organisation's certificate; entries
// are taken only in chain order and each is answered with a receipt the
// server's key signs, an exact duplicate with the very same receipt, a
// different entry at a used place refused as a fork and kept as evidence;
// a replayed or altered request is refused and changes nothing; a revoked
// device is refused from then on while what it sent stays; only
// coordinators pull, in commit order and by pages; and the store keeps its
// key and state when opened again, for its organisation only.
#include "sync/server_store.h"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
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
#include "tests/sync/keys_util.h"
#include "tests/common/files_util.h"

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

TEST_CASE("hello names the organisation and the receipt key",
          "[sync][server]") {
  ServerFixture f;
  const json hello = f.store().Hello();
  CHECK(hello["protocol"] == 1);
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

TEST_CASE("entries are taken in chain order, each with a signed receipt",
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
  REQUIRE(first.receipts.size() == 3);
  int64_t last_cursor = 0;
  for (std::size_t i = 0; i < first.receipts.size(); ++i) {
    const Receipt& r = first.receipts[i];
    INFO("receipt " << i);
    CHECK(VerifyReceipt(r, f.store().server_key()).ok());
    CHECK(r.device_id == gao.id());
    CHECK(r.seq == static_cast<int64_t>(i) + 1);
    CHECK(r.entry_hash == HashOf(gao_envelopes[i]));
    CHECK(r.received_at == kStart + 1000);
    CHECK(r.cursor > last_cursor);
    last_cursor = r.cursor;
  }

  // Two devices in turn: cursors follow the order of the commits.
  std::vector<std::string> committed = gao_envelopes;
  for (int round = 0; round < 3; ++round) {
    for (Device* d : {&sinjar, &gao}) {
      const std::string e = f.Next(*d);
      const PushReply reply = f.Pushed(*d, {e});
      REQUIRE(reply.receipts.size() == 1);
      CHECK(reply.receipts[0].cursor > last_cursor);
      last_cursor = reply.receipts[0].cursor;
      committed.push_back(e);
    }
  }
  const auto all = f.All();
  REQUIRE(all.size() == committed.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].envelope == committed[i]);
    if (i > 0) CHECK(all[i].cursor > all[i - 1].cursor);
  }

  // The device's state and its receipts, fetched again.
  auto state = f.State(gao);
  REQUIRE(state.ok());
  CHECK((*state)["head_seq"] == 6);
  CHECK((*state)["head_hash"] == ToHex(gao.head));
  auto receipts =
      f.store().Receipts(f.Auth(gao, "GET", "/v1/receipts?after=1", ""), 1);
  REQUIRE(receipts.ok());
  REQUIRE(receipts->receipts.size() == 5);
  CHECK(EncodeReceipt(receipts->receipts[0]) ==
        EncodeReceipt(first.receipts[1]));
  CHECK(EncodeReceipt(receipts->receipts[1]) ==
        EncodeReceipt(first.receipts[2]));

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
  REQUIRE(reply.receipts.size() == 2);
  CHECK(reply.receipts[1].seq == 2);
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
  CHECK(rest.receipts.size() == 2);
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
  REQUIRE(first.receipts.size() == 4);

  f.now() += kDay;  // later: the receipts still say when they were first taken
  const PushReply again = f.Pushed(gao, batch);
  CHECK(again.refused_code.empty());
  CHECK(sync::EncodePushReply(again) == sync::EncodePushReply(first));

  // Part of it again, then new entries: the old receipts, then new ones.
  const std::string e5 = f.Next(gao);
  const PushReply overlap = f.Pushed(gao, {batch[2], batch[3], e5});
  REQUIRE(overlap.receipts.size() == 3);
  CHECK(EncodeReceipt(overlap.receipts[0]) == EncodeReceipt(first.receipts[2]));
  CHECK(EncodeReceipt(overlap.receipts[1]) == EncodeReceipt(first.receipts[3]));
  CHECK(overlap.receipts[2].seq == 5);
  CHECK(overlap.receipts[2].received_at == kStart + kDay);

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
  REQUIRE(f.Pushed(gao, {e1, e2}).receipts.size() == 2);

  // An old copy of the vault wrote another seq 2 after the same seq 1.
  const Entry other2 =
      MakeEntry(gao, 2, HashOf(e1), "written on an old copy of the vault");
  const std::string fork = f.EnvelopeOf(other2);
  const PushReply reply = f.Pushed(gao, {e1, fork});
  REQUIRE(reply.receipts.size() == 1);  // e1 is a duplicate
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
  REQUIRE(f.Pushed(gao, {e1, e2}).receipts.size() == 2);
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
    REQUIRE(f.Pushed(d, batch).receipts.size() == batch.size());
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
  REQUIRE(first.receipts.size() == 2);
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
  // Duplicates get the receipts of before; the chain goes on.
  const PushReply again = f.Pushed(gao, {e1, e2, f.Next(gao)});
  REQUIRE(again.receipts.size() == 3);
  CHECK(EncodeReceipt(again.receipts[0]) == EncodeReceipt(first.receipts[0]));
  CHECK(EncodeReceipt(again.receipts[1]) == EncodeReceipt(first.receipts[1]));
  CHECK(VerifyReceipt(again.receipts[2], server_key).ok());
  CHECK(again.receipts[2].cursor > first.receipts[1].cursor);
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

TEST_CASE("a device's own chain travels as a compact batch and is rebuilt "
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
  CHECK(pushed->receipts.size() == 2);
  CHECK(pushed->refused_code == "bad_signature");
  CHECK(pushed->refused_seq == 3);
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

TEST_CASE("devices whose clocks are wrong by years push and pull as any "
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
  const PushReply b = f.Pushed(
      future, {f.Next(future, "", k2071), f.Next(future, "", k2071)});
  CHECK(a.refused_code.empty());
  CHECK(b.refused_code.empty());
  CHECK(a.receipts.size() == 2);
  CHECK(b.receipts.size() == 2);
  // The server's own clock stamps the receipts.
  for (const Receipt& r : a.receipts) CHECK(r.received_at == f.now());
  for (const Receipt& r : b.receipts) CHECK(r.received_at == f.now());
  // A device whose clock jumps back keeps pushing its chain.
  CHECK(f.Pushed(future, {f.Next(future, "", k1999)}).receipts.size() == 1);
  CHECK(f.All().size() == 5);
}

}  // namespace
}  // namespace palabre::testing

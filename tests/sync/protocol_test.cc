// The server protocol's bodies and the invitation code (sync/protocol.h,
// core/receipt.h, sync/invite.h): what a device, the server and a
// coordinator exchange must come back exactly as it was sent, and anything
// else must be refused cleanly, because both ends read what the other wrote
// as hostile. Each encoding round-trips; every truncation, trailing bytes,
// counts the body cannot hold (refused before anything is reserved) and
// pull cursors that do not grow are refused with kInvalidArgument; a
// receipt (one per run of entries) with any byte changed no longer
// verifies, one of the first protocol (one entry, "palabre.receipt/1")
// still does, and the first protocol's push reply is refused; an
// invitation code with a character changed, the wrong prefix, too long, or
// a grant re-signed by another key is refused, whitespace around it is not
// a reason to refuse.
// The bytes a device signs for each request are pinned here, computed by
// hand from docs/protocol.md with libsodium alone.
#include "sync/protocol.h"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/byte_order.h"
#include "core/device_key.h"
#include "core/organisation.h"
#include "core/receipt.h"
#include "sync/invite.h"
#include "tests/sync/keys_util.h"

namespace palabre::testing {
namespace {

using sync::DecodeBatch;
using sync::DecodeInviteCode;
using sync::DecodePullPage;
using sync::DecodePushReply;
using sync::EncodeBatch;
using sync::EncodeInviteCode;
using sync::EncodePullPage;
using sync::EncodePushReply;
using sync::InviteCode;
using sync::PullPage;
using sync::PushReply;

const unsigned char* U(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Blake2b256(const std::string& bytes) {
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     U(bytes), bytes.size(), nullptr, 0);
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t n = 0;
  REQUIRE(sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()),
                         out.size(), hex.data(), hex.size(), nullptr, &n,
                         nullptr) == 0);
  REQUIRE(n == out.size());
  return out;
}

std::string BigEndian64(uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
  return out;
}

std::string BigEndian32(uint32_t v) { return BigEndian64(v).substr(4); }

// A run receipt (format 2) for `device_id`'s entries first..last, signed
// by `server`; the last entry's hash is made up from its seq.
Receipt SignedReceipt(const DeviceKey& server, const std::string& device_id,
                      int64_t first_seq, int64_t last_seq, int64_t first_cursor,
                      int64_t received_at) {
  Receipt r;
  r.device_id = device_id;
  r.first_seq = first_seq;
  r.last_seq = last_seq;
  r.last_hash = Blake2b256("entry " + std::to_string(last_seq));
  r.first_cursor = first_cursor;
  r.received_at = received_at;
  auto bytes = ReceiptBytes(r, server.public_key);
  INFO(bytes.status().ToString());
  REQUIRE(bytes.ok());
  r.signature = SignDetached(server, *bytes);
  return r;
}

bool SameReceipt(const Receipt& a, const Receipt& b) {
  return a.format == b.format && a.device_id == b.device_id &&
         a.first_seq == b.first_seq && a.last_seq == b.last_seq &&
         a.last_hash == b.last_hash && a.first_cursor == b.first_cursor &&
         a.received_at == b.received_at && a.signature == b.signature;
}

// Every proper prefix of `bytes`, and `bytes` with one byte more, must be
// refused by `decode` with kInvalidArgument.
template <typename Decode>
void CheckTruncationsAndTrailing(const std::string& bytes, Decode decode) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("truncated to " << n << " of " << bytes.size() << " bytes");
    auto decoded = decode(std::string_view(bytes).substr(0, n));
    CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
  }
  for (const char extra : {'\0', 'x'}) {
    auto decoded = decode(bytes + extra);
    CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("a request is signed over the documented bytes", "[sync][protocol]") {
  const std::string org_hex = "00112233445566778899aabbccddeeff";
  struct Case {
    const char* method;
    const char* target;
    std::string body;
    uint64_t counter;
  };
  const std::vector<Case> cases = {
      {"POST", "/v1/push", std::string("PLBT\x01\0\0\0\0", 9), 1},
      {"GET", "/v1/pull?after=42&max=1048576", "", 7},
      {"GET", "/v1/device", "", 0x0102030405060708ULL},
      {"POST", "/v1/enroll", R"({"grant":{},"public_key":"00"})",
       static_cast<uint64_t>(INT64_MAX)},
      {"POST", "/v1/certificates", std::string(100000, 'z'), 256},
  };
  std::set<std::string> all;
  for (const Case& c : cases) {
    INFO(c.method << " " << c.target << " counter " << c.counter);
    std::string expected("palabre.request/1", 17);
    expected += '\0';
    expected += Unhex(org_hex);
    expected += c.method;
    expected += '\n';
    expected += c.target;
    expected += '\n';
    expected += Blake2b256(c.body);
    expected += BigEndian64(c.counter);
    const std::string got = sync::RequestSigningBytes(
        org_hex, c.method, c.target, c.body, c.counter);
    CHECK(got.size() == 18 + 16 + std::string(c.method).size() + 1 +
                            std::string(c.target).size() + 1 + 32 + 8);
    CHECK(ToHex(got) == ToHex(expected));
    all.insert(got);
  }
  CHECK(all.size() == cases.size());

  // Each part changes the bytes: the organisation, the method, the target,
  // one byte of the body, the counter.
  const std::string base =
      sync::RequestSigningBytes(org_hex, "POST", "/v1/push", "body", 5);
  CHECK(sync::RequestSigningBytes("ffeeddccbbaa99887766554433221100", "POST",
                                  "/v1/push", "body", 5) != base);
  CHECK(sync::RequestSigningBytes(org_hex, "GET", "/v1/push", "body", 5) !=
        base);
  CHECK(sync::RequestSigningBytes(org_hex, "POST", "/v1/pull", "body", 5) !=
        base);
  CHECK(sync::RequestSigningBytes(org_hex, "POST", "/v1/push", "bodz", 5) !=
        base);
  CHECK(sync::RequestSigningBytes(org_hex, "POST", "/v1/push", "body", 6) !=
        base);
}

TEST_CASE("a batch round-trips and refuses anything but one whole batch",
          "[sync][protocol]") {
  const std::vector<std::vector<std::string>> batches = {
      {},
      {"one envelope"},
      {"a", "", std::string(70000, '\x80'), std::string("\0\0\0\0", 4)},
  };
  for (const auto& envelopes : batches) {
    INFO(envelopes.size() << " envelopes");
    const std::string bytes = EncodeBatch(envelopes);
    std::size_t expected_size = sync::kBatchHeaderBytes;
    for (const std::string& e : envelopes) {
      expected_size += sync::kBatchItemOverhead + e.size();
    }
    CHECK(bytes.size() == expected_size);
    CHECK(bytes.substr(0, 5) == "PLBT\x01");
    auto decoded = DecodeBatch(bytes);
    REQUIRE(decoded.ok());
    REQUIRE(decoded->size() == envelopes.size());
    for (std::size_t i = 0; i < envelopes.size(); ++i) {
      CHECK((*decoded)[i] == envelopes[i]);
    }
    CheckTruncationsAndTrailing(
        bytes, [](std::string_view b) { return DecodeBatch(b); });
  }

  const std::string one = EncodeBatch({"xyz"});
  struct Bad {
    const char* what;
    std::string bytes;
  };
  const std::vector<Bad> bad = {
      {"empty", ""},
      {"wrong magic", "PLBX" + one.substr(4)},
      {"version 2", "PLBT\x02" + one.substr(5)},
      {"version 0", std::string("PLBT\0", 5) + one.substr(5)},
      {"a pull page's magic", "PLPL" + one.substr(4)},
      {"an item longer than the body",
       "PLBT\x01" + BigEndian32(1) + BigEndian32(4) + "xyz"},
      {"an item length of 2^32-1",
       "PLBT\x01" + BigEndian32(1) + BigEndian32(0xffffffffu) + "xyz"},
      {"fewer items than counted",
       "PLBT\x01" + BigEndian32(2) + BigEndian32(3) + "xyz"},
      // A count the body cannot hold (each item takes at least its 4-byte
      // length): refused before anything is reserved, or this would ask for
      // 2^32 string_views (64 GiB).
      {"a count of 2^32-1",
       "PLBT\x01" + BigEndian32(0xffffffffu) + BigEndian32(0)},
      {"one item more than the body could hold",
       "PLBT\x01" + BigEndian32(3) + BigEndian32(0) + BigEndian32(0)},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    CHECK(DecodeBatch(b.bytes).status().code() == StatusCode::kInvalidArgument);
  }
  // The boundary: as many empty items as the body holds lengths.
  auto empties = DecodeBatch("PLBT\x01" + BigEndian32(3) + BigEndian32(0) +
                             BigEndian32(0) + BigEndian32(0));
  REQUIRE(empties.ok());
  CHECK(empties->size() == 3);
}

TEST_CASE("a push reply round-trips its receipts and its refusal",
          "[sync][protocol]") {
  const DeviceKey server = NewSigningKey();
  const DeviceKey device = NewSigningKey();
  const DeviceKey relayed = NewSigningKey();
  PushReply full;  // runs of one entry, of four, and another device's
  full.receipts = {
      SignedReceipt(server, device.device_id, 1, 1, 11, 1767225600000),
      SignedReceipt(server, device.device_id, 2, 5, 12, 1767225600000),
      SignedReceipt(server, relayed.device_id, 1, 3, 16, 1767225600000)};
  PushReply refused = full;
  refused.receipts.pop_back();
  refused.refused_code = "out_of_order";
  refused.refused_message = "device " + device.device_id.substr(0, 8) +
                            " seq 5: ne continue pas la chaîne « 4 »";
  refused.refused_device = device.device_id;
  refused.refused_seq = 5;
  PushReply nothing_taken;
  nothing_taken.refused_code = "approval_pending";
  nothing_taken.refused_message = "awaits approval";
  nothing_taken.refused_device = device.device_id;
  nothing_taken.refused_seq = 1;
  PushReply empty;

  for (const PushReply* reply : {&full, &refused, &nothing_taken, &empty}) {
    INFO(reply->receipts.size()
         << " receipts, refusal '" << reply->refused_code << "'");
    const std::string bytes = EncodePushReply(*reply);
    CHECK(bytes.substr(0, 5) == "PLRS\x02");
    if (reply->refused_code.empty()) {
      // Magic and version, count, the receipts, an empty refusal.
      CHECK(bytes.size() ==
            5 + 4 + reply->receipts.size() * kReceiptWireBytes + 4);
    }
    auto decoded = DecodePushReply(bytes);
    INFO(decoded.status().ToString());
    REQUIRE(decoded.ok());
    REQUIRE(decoded->receipts.size() == reply->receipts.size());
    for (std::size_t i = 0; i < reply->receipts.size(); ++i) {
      CHECK(SameReceipt(decoded->receipts[i], reply->receipts[i]));
      CHECK(VerifyReceipt(decoded->receipts[i], server.public_key).ok());
    }
    CHECK(decoded->refused_code == reply->refused_code);
    CHECK(decoded->refused_message == reply->refused_message);
    CHECK(decoded->refused_device == reply->refused_device);
    CHECK(decoded->refused_seq == reply->refused_seq);
    CheckTruncationsAndTrailing(
        bytes, [](std::string_view b) { return DecodePushReply(b); });
  }

  // A message that is not UTF-8 still makes a reply that decodes.
  PushReply binary = nothing_taken;
  binary.refused_message = "bad \xff\xfe bytes";
  auto decoded = DecodePushReply(EncodePushReply(binary));
  REQUIRE(decoded.ok());
  CHECK(decoded->refused_code == "approval_pending");

  const std::string receipt = EncodeReceipt(full.receipts[1]);
  // The same bytes, well framed, are taken: each case below breaks one
  // thing.
  auto one =
      DecodePushReply("PLRS\x02" + BigEndian32(1) + receipt + BigEndian32(0));
  REQUIRE(one.ok());
  REQUIRE(one->receipts.size() == 1);
  CHECK(SameReceipt(one->receipts[0], full.receipts[1]));
  auto with_refusal = [](const std::string& json) {
    return "PLRS\x02" + BigEndian32(0) +
           BigEndian32(static_cast<uint32_t>(json.size())) + json;
  };
  Receipt seq_zero = full.receipts[0];
  seq_zero.first_seq = 0;
  Receipt backwards = full.receipts[1];  // 2-5
  backwards.last_seq = 1;
  // The first protocol's reply's shape: version 1, a 136-byte receipt.
  const std::string version1 =
      "PLRS\x01" + BigEndian32(1) + receipt.substr(0, 136) + BigEndian32(0);
  struct Bad {
    const char* what;
    std::string bytes;
  };
  const std::vector<Bad> bad = {
      {"wrong magic", "PLRX\x02" + BigEndian32(0) + BigEndian32(0)},
      {"version 1, empty", "PLRS\x01" + BigEndian32(0) + BigEndian32(0)},
      {"version 1, a 136-byte receipt", version1},
      {"version 1, a receipt of this one",
       "PLRS\x01" + BigEndian32(1) + receipt + BigEndian32(0)},
      {"version 3", "PLRS\x03" + BigEndian32(0) + BigEndian32(0)},
      {"version 0", std::string("PLRS\0", 5) + BigEndian32(0) + BigEndian32(0)},
      {"a count of 2^32-1",
       "PLRS\x02" + BigEndian32(0xffffffffu) + receipt + BigEndian32(0)},
      {"two receipts counted, one there",
       "PLRS\x02" + BigEndian32(2) + receipt + BigEndian32(0)},
      {"a receipt with first seq 0",
       "PLRS\x02" + BigEndian32(1) + EncodeReceipt(seq_zero) + BigEndian32(0)},
      {"a receipt whose last seq is before its first",
       "PLRS\x02" + BigEndian32(1) + EncodeReceipt(backwards) + BigEndian32(0)},
      {"a receipt cut to the first protocol's 136 bytes",
       "PLRS\x02" + BigEndian32(1) + receipt.substr(0, 136) + BigEndian32(0)},
      {"a refusal longer than the body",
       "PLRS\x02" + BigEndian32(0) + BigEndian32(100) + "{}"},
      {"a refusal that is not JSON", with_refusal("not json")},
      {"a refusal that is a JSON array", with_refusal("[1,2]")},
      {"a refusal without a code",
       with_refusal(R"({"message":"m","device":"d","seq":1})")},
      {"a refusal with an empty code",
       with_refusal(R"({"code":"","message":"m","device":"d","seq":1})")},
      {"a refusal whose seq is text",
       with_refusal(R"({"code":"fork","message":"m","device":"d","seq":"1"})")},
      {"a refusal whose seq is fractional",
       with_refusal(R"({"code":"fork","message":"m","device":"d","seq":1.5})")},
      {"a refusal whose message is a number",
       with_refusal(R"({"code":"fork","message":3,"device":"d","seq":1})")},
      {"a refusal without a device",
       with_refusal(R"({"code":"fork","message":"m","seq":1})")},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    CHECK(DecodePushReply(b.bytes).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

TEST_CASE("a pull page round-trips and its cursors must grow",
          "[sync][protocol]") {
  PullPage page;
  page.items = {{3, "first envelope"}, {4, ""}, {90, std::string(5000, 'e')}};
  page.next_cursor = 90;
  page.more = true;
  PullPage last_page;
  last_page.items = {{INT64_MAX, "the very last"}};
  last_page.next_cursor = INT64_MAX;
  PullPage empty;
  empty.next_cursor = 17;

  for (const PullPage* p : {&page, &last_page, &empty}) {
    INFO(p->items.size() << " items, next " << p->next_cursor);
    const std::string bytes = EncodePullPage(*p);
    CHECK(bytes.substr(0, 5) == "PLPL\x01");
    auto decoded = DecodePullPage(bytes);
    INFO(decoded.status().ToString());
    REQUIRE(decoded.ok());
    CHECK(decoded->next_cursor == p->next_cursor);
    CHECK(decoded->more == p->more);
    REQUIRE(decoded->items.size() == p->items.size());
    for (std::size_t i = 0; i < p->items.size(); ++i) {
      CHECK(decoded->items[i].cursor == p->items[i].cursor);
      CHECK(decoded->items[i].envelope == p->items[i].envelope);
    }
    CheckTruncationsAndTrailing(
        bytes, [](std::string_view b) { return DecodePullPage(b); });
  }

  // Built by hand: next cursor, more, then (cursor, envelope) items.
  auto raw = [](uint64_t next, uint8_t more,
                const std::vector<std::pair<uint64_t, std::string>>& items,
                uint32_t count) {
    std::string out = "PLPL\x01" + BigEndian64(next);
    out += static_cast<char>(more);
    out += BigEndian32(count);
    for (const auto& [cursor, envelope] : items) {
      out += BigEndian64(cursor) +
             BigEndian32(static_cast<uint32_t>(envelope.size())) + envelope;
    }
    return out;
  };
  REQUIRE(DecodePullPage(raw(5, 0, {{1, "a"}, {5, "b"}}, 2)).ok());
  struct Bad {
    const char* what;
    std::string bytes;
  };
  const uint64_t too_big = static_cast<uint64_t>(INT64_MAX) + 1;
  const std::vector<Bad> bad = {
      {"cursors equal", raw(5, 0, {{5, "a"}, {5, "b"}}, 2)},
      {"cursors going down", raw(9, 0, {{9, "a"}, {2, "b"}}, 2)},
      {"a cursor of 0", raw(3, 0, {{0, "a"}, {3, "b"}}, 2)},
      {"a cursor above INT64_MAX", raw(5, 0, {{too_big, "a"}}, 1)},
      {"a next cursor above INT64_MAX", raw(too_big, 0, {}, 0)},
      {"a next cursor behind the last item", raw(4, 0, {{5, "a"}}, 1)},
      {"more = 2", raw(5, 2, {{5, "a"}}, 1)},
      {"a count of 2^32-1", raw(5, 0, {{5, "a"}}, 0xffffffffu)},
      {"one item more than the body could hold", raw(5, 0, {{5, ""}}, 2)},
      {"an envelope longer than the body",
       "PLPL\x01" + BigEndian64(5) + std::string(1, '\0') + BigEndian32(1) +
           BigEndian64(5) + BigEndian32(1000) + "short"},
      {"wrong magic", "PLBT" + raw(5, 0, {}, 0).substr(4)},
      {"version 2", "PLPL\x02" + raw(5, 0, {}, 0).substr(5)},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    CHECK(DecodePullPage(b.bytes).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

TEST_CASE("a run receipt is signed over the documented bytes",
          "[sync][protocol][receipt]") {
  const DeviceKey server = NewSigningKey();
  const DeviceKey other_server = NewSigningKey();
  const DeviceKey device = NewSigningKey();
  const Receipt receipt =
      SignedReceipt(server, device.device_id, 12, 20, 345, 1767225600123);
  CHECK(receipt.format == kReceiptFormatRun);
  REQUIRE(VerifyReceipt(receipt, server.public_key).ok());
  CHECK(VerifyReceipt(receipt, other_server.public_key).code() ==
        StatusCode::kPermissionDenied);

  // The signed bytes, by hand (docs/protocol.md, "Receipts").
  std::string expected("palabre.receipt/2", 17);
  expected += '\0';
  expected += server.public_key;
  expected += Unhex(device.device_id);
  expected += BigEndian64(12);
  expected += BigEndian64(20);
  expected += Blake2b256("entry 20");
  expected += BigEndian64(345);
  expected += BigEndian64(1767225600123);
  REQUIRE(expected.size() == 18 + 32 + 16 + 8 + 8 + 32 + 8 + 8);
  auto signed_bytes = ReceiptBytes(receipt, server.public_key);
  REQUIRE(signed_bytes.ok());
  CHECK(ToHex(*signed_bytes) == ToHex(expected));
  // A signature over exactly those bytes, made without ReceiptBytes.
  Receipt by_hand = receipt;
  by_hand.signature = SignDetached(server, expected);
  CHECK(VerifyReceipt(by_hand, server.public_key).ok());

  // Every field is in the signed bytes: changing any one breaks the
  // signature.
  struct Change {
    const char* what;
    void (*change)(Receipt&);
  };
  const std::vector<Change> changes = {
      {"device",
       [](Receipt& r) { r.device_id[0] = r.device_id[0] == '0' ? '1' : '0'; }},
      {"first seq earlier", [](Receipt& r) { r.first_seq = 11; }},
      {"first seq later", [](Receipt& r) { r.first_seq = 13; }},
      {"last seq earlier", [](Receipt& r) { r.last_seq = 19; }},
      {"last seq later", [](Receipt& r) { r.last_seq = 21; }},
      {"last hash", [](Receipt& r) { r.last_hash[31] ^= 0x80; }},
      {"first cursor", [](Receipt& r) { r.first_cursor = 346; }},
      {"received_at", [](Receipt& r) { r.received_at += 1; }},
      {"format 1 (one entry)",
       [](Receipt& r) {
         r.format = kReceiptFormatEntry;
         r.first_seq = r.last_seq;
       }},
  };
  for (const Change& c : changes) {
    INFO(c.what);
    Receipt changed = receipt;
    c.change(changed);
    REQUIRE(ReceiptBytes(changed, server.public_key).ok());
    CHECK(VerifyReceipt(changed, server.public_key).code() ==
          StatusCode::kPermissionDenied);
  }

  // What the bytes cannot be made of.
  struct Bad {
    const char* what;
    void (*change)(Receipt&);
  };
  const std::vector<Bad> bad = {
      {"format 0", [](Receipt& r) { r.format = 0; }},
      {"format 3", [](Receipt& r) { r.format = 3; }},
      {"first seq 0", [](Receipt& r) { r.first_seq = 0; }},
      {"first seq negative", [](Receipt& r) { r.first_seq = -1; }},
      {"last seq before first", [](Receipt& r) { r.last_seq = 11; }},
      {"format 1 with first != last",
       [](Receipt& r) { r.format = kReceiptFormatEntry; }},
      {"first cursor 0", [](Receipt& r) { r.first_cursor = 0; }},
      {"received_at negative", [](Receipt& r) { r.received_at = -1; }},
      {"a 31-byte hash", [](Receipt& r) { r.last_hash.pop_back(); }},
      {"a device id in upper case",
       [](Receipt& r) {
         for (char& c : r.device_id) c = static_cast<char>(std::toupper(c));
       }},
      {"a short device id", [](Receipt& r) { r.device_id.pop_back(); }},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    Receipt changed = receipt;
    b.change(changed);
    CHECK(ReceiptBytes(changed, server.public_key).status().code() ==
          StatusCode::kInvalidArgument);
    CHECK(VerifyReceipt(changed, server.public_key).code() ==
          StatusCode::kInvalidArgument);
  }
  CHECK(ReceiptBytes(receipt, server.public_key.substr(1)).status().code() ==
        StatusCode::kInvalidArgument);

  // What a run says of the entries in it.
  CHECK(ReceiptName(receipt) ==
        "device " + device.device_id.substr(0, 8) + " seq 12-20");
  const Receipt single =
      SignedReceipt(server, device.device_id, 7, 7, 99, 1767225600123);
  CHECK(ReceiptName(single) ==
        "device " + device.device_id.substr(0, 8) + " seq 7");
  struct Cover {
    int64_t seq;
    bool covered;
  };
  for (const Cover& c : std::vector<Cover>{
           {11, false}, {12, true}, {16, true}, {20, true}, {21, false}}) {
    INFO("seq " << c.seq);
    CHECK(receipt.Covers(c.seq) == c.covered);
    if (c.covered) CHECK(receipt.CursorOf(c.seq) == 345 + c.seq - 12);
  }
}

TEST_CASE("a receipt of the first protocol still verifies",
          "[sync][protocol][receipt]") {
  const DeviceKey server = NewSigningKey();
  const DeviceKey device = NewSigningKey();
  Receipt legacy;
  legacy.format = kReceiptFormatEntry;
  legacy.device_id = device.device_id;
  legacy.first_seq = 7;
  legacy.last_seq = 7;
  legacy.last_hash = Blake2b256("entry 7");
  legacy.first_cursor = 99;
  legacy.received_at = 1767225600123;

  // The first protocol's bytes, by hand: no last seq.
  std::string expected("palabre.receipt/1", 17);
  expected += '\0';
  expected += server.public_key;
  expected += Unhex(device.device_id);
  expected += BigEndian64(7);
  expected += legacy.last_hash;
  expected += BigEndian64(99);
  expected += BigEndian64(1767225600123);
  REQUIRE(expected.size() == 18 + 32 + 16 + 8 + 32 + 8 + 8);
  auto signed_bytes = ReceiptBytes(legacy, server.public_key);
  REQUIRE(signed_bytes.ok());
  CHECK(ToHex(*signed_bytes) == ToHex(expected));

  // Signed as the first protocol's server signed it: still verifies.
  legacy.signature = SignDetached(server, expected);
  CHECK(VerifyReceipt(legacy, server.public_key).ok());
  CHECK(VerifyReceipt(legacy, NewSigningKey().public_key).code() ==
        StatusCode::kPermissionDenied);
  CHECK(ReceiptName(legacy) ==
        "device " + device.device_id.substr(0, 8) + " seq 7");

  // The formats do not stand for each other: the same one-entry run read
  // as format 2 does not verify with the format-1 signature, nor the
  // reverse.
  Receipt as_run = legacy;
  as_run.format = kReceiptFormatRun;
  CHECK(VerifyReceipt(as_run, server.public_key).code() ==
        StatusCode::kPermissionDenied);
  const Receipt run =
      SignedReceipt(server, device.device_id, 7, 7, 99, 1767225600123);
  REQUIRE(run.last_hash == legacy.last_hash);
  CHECK(run.signature != legacy.signature);
  Receipt run_as_legacy = run;
  run_as_legacy.format = kReceiptFormatEntry;
  CHECK(VerifyReceipt(run_as_legacy, server.public_key).code() ==
        StatusCode::kPermissionDenied);

  // A format-1 receipt names one entry only.
  Receipt two = legacy;
  two.last_seq = 8;
  CHECK(ReceiptBytes(two, server.public_key).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(VerifyReceipt(two, server.public_key).code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("a receipt round-trips and any changed byte breaks it",
          "[sync][protocol][receipt]") {
  const DeviceKey server = NewSigningKey();
  const DeviceKey device = NewSigningKey();
  const Receipt receipt =
      SignedReceipt(server, device.device_id, 12, 20, 345, 1767225600123);

  // device 16 | first 8 | last 8 | last hash 32 | first cursor 8 |
  // received_at 8 | signature 64.
  const std::string wire = EncodeReceipt(receipt);
  REQUIRE(wire.size() == kReceiptWireBytes);
  CHECK(ToHex(wire) ==
        ToHex(Unhex(device.device_id) + BigEndian64(12) + BigEndian64(20) +
              receipt.last_hash + BigEndian64(345) +
              BigEndian64(1767225600123) + receipt.signature));
  auto decoded = DecodeReceipt(wire);
  REQUIRE(decoded.ok());
  CHECK(SameReceipt(*decoded, receipt));
  CHECK(VerifyReceipt(*decoded, server.public_key).ok());
  CheckTruncationsAndTrailing(
      wire, [](std::string_view b) { return DecodeReceipt(b); });

  int decoded_changes = 0;
  for (std::size_t offset = 0; offset < wire.size(); ++offset) {
    for (const uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string changed = wire;
      changed[offset] = static_cast<char>(changed[offset] ^ mask);
      INFO("byte " << offset << " ^ " << int{mask});
      auto d = DecodeReceipt(changed);
      if (d.ok()) {
        ++decoded_changes;
        CHECK_FALSE(VerifyReceipt(*d, server.public_key).ok());
      } else {
        CHECK(d.status().code() == StatusCode::kInvalidArgument);
      }
    }
  }
  // Most changes decode (and then fail the signature), not just refused.
  CHECK(decoded_changes > 300);

  // Numbers a receipt cannot hold are refused when decoding. Offsets:
  // first seq 16, last seq 24, first cursor 64, received_at 72.
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  struct Field {
    std::size_t offset;
    uint64_t value;
  };
  struct Case {
    const char* what;
    std::vector<Field> fields;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"first seq 0", {{16, 0}}, false},
      {"first and last above INT64_MAX",
       {{16, kMax + 1}, {24, kMax + 1}},
       false},
      {"last seq above INT64_MAX", {{24, kMax + 1}}, false},
      {"last seq 2^64-1", {{24, UINT64_MAX}}, false},
      {"last seq before first", {{24, 11}}, false},
      {"last seq 0", {{24, 0}}, false},
      {"first cursor 0", {{64, 0}}, false},
      {"first cursor 2^64-1", {{64, UINT64_MAX}}, false},
      {"first cursor above INT64_MAX, one entry",
       {{24, 12}, {64, kMax + 1}},
       false},
      // 12..20 take 9 cursors: the last would be INT64_MAX + 1.
      {"the run's last cursor above INT64_MAX", {{64, kMax - 7}}, false},
      {"received_at above INT64_MAX", {{72, kMax + 1}}, false},
      // The edges that still fit.
      {"the run's last cursor at INT64_MAX", {{64, kMax - 8}}, true},
      {"one entry", {{24, 12}}, true},
      {"one entry at INT64_MAX, cursor INT64_MAX",
       {{16, kMax}, {24, kMax}, {64, kMax}},
       true},
      {"first seq 1, cursor 1", {{16, 1}, {64, 1}}, true},
      {"received_at 0", {{72, 0}}, true},
      {"received_at INT64_MAX", {{72, kMax}}, true},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    std::string changed = wire;
    for (const Field& field : c.fields) {
      changed.replace(field.offset, 8, BigEndian64(field.value));
    }
    auto d = DecodeReceipt(changed);
    if (!c.ok) {
      CHECK(d.status().code() == StatusCode::kInvalidArgument);
      continue;
    }
    INFO(d.status().ToString());
    REQUIRE(d.ok());
    CHECK(d->first_cursor >= 1);
    CHECK(d->last_seq >= d->first_seq);
    CHECK(d->CursorOf(d->last_seq) >= d->first_cursor);
    CHECK(EncodeReceipt(*d) == changed);
    // Well formed, but not what the server signed.
    CHECK(VerifyReceipt(*d, server.public_key).code() ==
          StatusCode::kPermissionDenied);
  }
}

// An organisation with its keys, and invitation codes from it.
struct InviteFixture {
  DeviceKey org_key = NewSigningKey();
  std::string encryption_key = Blake2b256("an X25519 public key");

  InviteCode Code(const std::string& server, const std::string& tls_pin,
                  const std::string& server_key, const std::string& role,
                  const std::string& device_name) const {
    InviteCode c;
    c.org.org_id = DeviceIdFor(org_key.public_key);
    c.org.name = "Réseau Sahel Paix";
    c.org.server = server;
    c.org.signing_key = org_key.public_key;
    c.org.encryption_key = encryption_key;
    c.tls_pin = tls_pin;
    c.server_key = server_key;
    c.grant.invite_id = "0123456789abcdef0123456789abcdef";
    c.grant.name = device_name;
    c.grant.role = role;
    c.grant.expires_at = 1767225600000 + sync::kDefaultInviteMs;
    c.grant.org_name = c.org.name;
    c.grant.server = c.org.server;
    c.grant.encryption_key = c.org.encryption_key;
    c.grant.tls_pin = c.tls_pin;
    c.grant.server_key = c.server_key;
    auto bytes = InviteGrantBytes(c.grant, org_key.public_key);
    REQUIRE(bytes.ok());
    c.grant.signature = SignDetached(org_key, *bytes);
    return c;
  }
  InviteCode Usual() const {
    return Code("https://sync.example.org:8443/palabre", Blake2b256("tls key"),
                Blake2b256("server key"), kRoleFacilitator, "bureau de Gao");
  }
};

void CheckSameCode(const InviteCode& got, const InviteCode& want) {
  CHECK(got.org.org_id == want.org.org_id);
  CHECK(got.org.name == want.org.name);
  CHECK(got.org.server == want.org.server);
  CHECK(got.org.signing_key == want.org.signing_key);
  CHECK(got.org.encryption_key == want.org.encryption_key);
  CHECK(got.tls_pin == want.tls_pin);
  CHECK(got.server_key == want.server_key);
  CHECK(got.grant.invite_id == want.grant.invite_id);
  CHECK(got.grant.name == want.grant.name);
  CHECK(got.grant.role == want.grant.role);
  CHECK(got.grant.expires_at == want.grant.expires_at);
  CHECK(got.grant.signature == want.grant.signature);
}

TEST_CASE("an invitation code keeps every field", "[sync][invite]") {
  const InviteFixture f;
  const std::vector<InviteCode> codes = {
      f.Usual(),
      f.Code("http://127.0.0.1:8080", "", "", kRoleCoordinator,
             "Coordination Bamako"),
      f.Code("https://[2001:db8::1]", Blake2b256("pin"), "", kRoleFacilitator,
             "شبكة السلام"),
      f.Code("http://localhost:9000", "", Blake2b256("k"), kRoleFacilitator,
             std::string(kMaxDeviceNameChars, 'n')),
  };
  for (const InviteCode& code : codes) {
    const std::string text = EncodeInviteCode(code);
    INFO(text);
    CHECK(text.rfind(sync::kInvitePrefix, 0) == 0);
    CHECK(text.find_first_of(" \n\r\t+/=") == std::string::npos);
    auto decoded = DecodeInviteCode(text);
    INFO(decoded.status().ToString());
    REQUIRE(decoded.ok());
    CheckSameCode(*decoded, code);
    CHECK(decoded->org.org_id == DeviceIdFor(f.org_key.public_key));
    CHECK(VerifyInviteGrant(decoded->grant, f.org_key.public_key).ok());
  }
}

TEST_CASE("an invitation code is trimmed, its prefix and size are checked",
          "[sync][invite]") {
  const InviteFixture f;
  const InviteCode code = f.Usual();
  const std::string text = EncodeInviteCode(code);
  for (const std::string& around : {"  " + text, text + "\n", text + "\r\n",
                                    "  " + text + "  \r\n", text + "   "}) {
    auto decoded = DecodeInviteCode(around);
    INFO("'" << around << "': " << decoded.status().ToString());
    REQUIRE(decoded.ok());
    CheckSameCode(*decoded, code);
  }
  const std::string body = text.substr(sizeof(sync::kInvitePrefix) - 1);
  for (const std::string& bad :
       {std::string(), std::string(sync::kInvitePrefix), body,
        "palabre-invite-2:" + body, "Palabre-invite-1:" + body,
        "palabre-invite-1 " + body, "palabre-invite-1:" + body + "A",
        "palabre-invite-1:" + body + "\n" + body, text + "=",
        "palabre-invite-1:" + body.substr(0, body.size() - 1)}) {
    INFO("'" << bad << "'");
    CHECK(DecodeInviteCode(bad).status().code() ==
          StatusCode::kInvalidArgument);
  }

  // The largest well-formed code (a 2000-character URL, the longest names
  // in 4-byte characters) is taken; 4096 characters or more are refused
  // unread.
  const std::string clef = "\xf0\x9d\x84\x9e";  // U+1D11E, 4 bytes
  std::string org_name, device_name;
  for (int i = 0; i < 100; ++i) org_name += clef;
  for (int i = 0; i < 63; ++i) device_name += clef;  // 252 of 255 bytes
  InviteCode largest = f.Code(
      "https://sync.example.org/" + std::string(2000 - 25, 'p'),
      Blake2b256("pin"), Blake2b256("key"), kRoleCoordinator, device_name);
  largest.org.name = org_name;
  largest.grant.org_name = org_name;  // signed again, with the long name
  auto largest_bytes = InviteGrantBytes(largest.grant, f.org_key.public_key);
  REQUIRE(largest_bytes.ok());
  largest.grant.signature = SignDetached(f.org_key, *largest_bytes);
  const std::string largest_text = EncodeInviteCode(largest);
  INFO(largest_text.size() << " characters");
  CHECK(largest_text.size() < 4096);
  auto decoded_largest = DecodeInviteCode(largest_text);
  INFO(decoded_largest.status().ToString());
  REQUIRE(decoded_largest.ok());
  CheckSameCode(*decoded_largest, largest);
  for (const std::size_t size : {std::size_t{4097}, std::size_t{1} << 20}) {
    const std::string huge =
        std::string(sync::kInvitePrefix) + std::string(size, 'A');
    CHECK(DecodeInviteCode(huge).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

TEST_CASE("an invitation whose grant another key signed is refused",
          "[sync][invite]") {
  const InviteFixture f;
  const DeviceKey intruder = NewSigningKey();
  InviteCode code = f.Usual();
  auto bytes = InviteGrantBytes(code.grant, f.org_key.public_key);
  REQUIRE(bytes.ok());
  code.grant.signature = SignDetached(intruder, *bytes);
  CHECK(DecodeInviteCode(EncodeInviteCode(code)).status().code() ==
        StatusCode::kInvalidArgument);

  // Signed over the intruder's key bytes but carried under the
  // organisation's key: refused too.
  auto intruder_bytes = InviteGrantBytes(code.grant, intruder.public_key);
  REQUIRE(intruder_bytes.ok());
  code.grant.signature = SignDetached(intruder, *intruder_bytes);
  CHECK(DecodeInviteCode(EncodeInviteCode(code)).status().code() ==
        StatusCode::kInvalidArgument);

  // A grant changed after signing (a longer life, another role).
  InviteCode longer = f.Usual();
  longer.grant.expires_at += 1;
  CHECK(DecodeInviteCode(EncodeInviteCode(longer)).status().code() ==
        StatusCode::kInvalidArgument);
  InviteCode promoted = f.Usual();
  promoted.grant.role = kRoleCoordinator;
  CHECK(DecodeInviteCode(EncodeInviteCode(promoted)).status().code() ==
        StatusCode::kInvalidArgument);

  // The whole organisation swapped for the intruder's decodes (it signed
  // its own grant) but names another organisation: the server, which knows
  // the real one, refuses it (server_store_test.cc).
  InviteCode swapped = f.Usual();
  swapped.org.signing_key = intruder.public_key;
  swapped.org.org_id = DeviceIdFor(intruder.public_key);
  swapped.grant.signature = SignDetached(intruder, *intruder_bytes);
  auto decoded = DecodeInviteCode(EncodeInviteCode(swapped));
  REQUIRE(decoded.ok());
  CHECK(decoded->org.org_id != DeviceIdFor(f.org_key.public_key));
  CHECK_FALSE(VerifyInviteGrant(decoded->grant, f.org_key.public_key).ok());
}

// Single-character changes to a code. Returns, for each change that still
// decodes, a note of what changed; counts the changes tried.
struct Mutations {
  int tried = 0;
  std::vector<std::string> accepted;
};

// The characters of the base64 part whose 6 bits all fall in bytes [from,
// to) of the binary form (URL-safe base64: 6 bits a character; a character
// that straddles two fields is left out).
bool CharWithin(std::size_t index, std::size_t from, std::size_t to) {
  const std::size_t first_bit = index * 6, last_bit = index * 6 + 5;
  return first_bit >= from * 8 && last_bit < to * 8;
}

Mutations Mutate(const std::string& text, std::size_t from_byte,
                 std::size_t to_byte, const InviteCode& original) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::size_t prefix = sizeof(sync::kInvitePrefix) - 1;
  Mutations m;
  for (std::size_t i = prefix; i < text.size(); ++i) {
    if (!CharWithin(i - prefix, from_byte, to_byte)) continue;
    // Two replacements a character: its neighbour in the alphabet, and one
    // far from it (a typo, a misread character).
    const std::size_t at = kAlphabet.find(text[i]);
    REQUIRE(at != std::string::npos);
    for (const std::size_t step : {std::size_t{1}, std::size_t{29}}) {
      std::string changed = text;
      changed[i] = kAlphabet[(at + step) % kAlphabet.size()];
      ++m.tried;
      auto decoded = DecodeInviteCode(changed);
      if (!decoded.ok()) {
        CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
        continue;
      }
      std::string what = "character " + std::to_string(i) + " '" +
                         text.substr(i, 1) + "' -> '" + changed.substr(i, 1) +
                         "' changed:";
      if (decoded->org.server != original.org.server) what += " server URL";
      if (decoded->org.name != original.org.name) what += " org name";
      if (decoded->tls_pin != original.tls_pin) what += " TLS pin";
      if (decoded->server_key != original.server_key) what += " server key";
      if (decoded->org.encryption_key != original.org.encryption_key) {
        what += " encryption key";
      }
      if (decoded->org.signing_key != original.org.signing_key ||
          decoded->grant.invite_id != original.grant.invite_id ||
          decoded->grant.name != original.grant.name ||
          decoded->grant.role != original.grant.role ||
          decoded->grant.expires_at != original.grant.expires_at ||
          decoded->grant.signature != original.grant.signature) {
        what += " THE SIGNED GRANT";
      }
      m.accepted.push_back(what);
    }
  }
  return m;
}

// The binary form (docs/protocol.md, "Invitation code"): version, server
// URL (u16 length), TLS pin and server key (flag, 32 bytes), org name (u16
// length), signing key 32, encryption key 32, then the grant: invite id 16,
// role 1, expires_at 8, name (u16 length), signature 64.
struct Layout {
  std::size_t unsigned_from, unsigned_to;  // server URL .. org name
  std::size_t signing_from, signing_to;    // the org's signing key
  std::size_t encryption_from, encryption_to;
  std::size_t grant_from, grant_to;  // invite id .. signature
};
Layout LayoutOf(const InviteCode& c) {
  Layout l;
  std::size_t at = 1;
  l.unsigned_from = at;
  at += 2 + c.org.server.size();
  at += 1 + c.tls_pin.size();
  at += 1 + c.server_key.size();
  at += 2 + c.org.name.size();
  l.unsigned_to = at;
  l.signing_from = at;
  l.signing_to = at += 32;
  l.encryption_from = at;
  l.encryption_to = at += 32;
  l.grant_from = at;
  at += 16 + 1 + 8 + 2 + c.grant.name.size() + 64;
  l.grant_to = at;
  return l;
}

TEST_CASE(
    "an invitation code with a character of its grant changed is "
    "refused",
    "[sync][invite]") {
  const InviteFixture f;
  const InviteCode code = f.Usual();
  const std::string text = EncodeInviteCode(code);
  const Layout l = LayoutOf(code);
  REQUIRE(sync::FromBase64Url(text.substr(sizeof(sync::kInvitePrefix) - 1))
              .size() == l.grant_to);
  // The version byte, the organisation's signing key and the whole grant:
  // every change there must be refused.
  Mutations version = Mutate(text, 0, 1, code);
  Mutations signing = Mutate(text, l.signing_from, l.signing_to, code);
  Mutations grant = Mutate(text, l.grant_from, l.grant_to, code);
  const int tried = version.tried + signing.tried + grant.tried;
  INFO(tried << " single-character changes");
  CHECK(tried > 300);
  for (const Mutations* m : {&version, &signing, &grant}) {
    for (const std::string& accepted : m->accepted) {
      FAIL_CHECK("accepted: " << accepted);
    }
  }
}

// A code is copied by hand or by photo as often as pasted: a mistyped
// character must be refused, wherever it falls, not give a device that
// joins with a wrong key. The organisation's encryption key, the server's
// URL, TLS pin and receipt key and the organisation's name are outside the
// grant's signature, and nothing else in the code covers them; a changed
// encryption key is the worst of these: the device would wrap every entry's
// key for a key nobody in the organisation holds.
TEST_CASE("an invitation code with any character changed is refused",
          "[sync][invite]") {
  const InviteFixture f;
  const InviteCode code = f.Usual();
  const std::string text = EncodeInviteCode(code);
  const Layout l = LayoutOf(code);
  Mutations all = Mutate(text, 0, l.grant_to, code);
  CHECK(all.tried > 400);
  std::map<std::string, int> by_field;
  for (const std::string& accepted : all.accepted) {
    by_field[accepted.substr(accepted.find("changed:") + 9)]++;
  }
  std::string summary;
  for (const auto& [field, n] : by_field) {
    summary += "\n  " + std::to_string(n) + " changing the" + " " + field;
  }
  INFO(all.tried << " single-character changes, " << all.accepted.size()
                 << " accepted:" << summary);
  CHECK(all.accepted.empty());
  CHECK(by_field.count("encryption key") == 0);
}

}  // namespace
}  // namespace palabre::testing

// Envelopes (sync/envelope.h): an entry's envelope round-trips through its
// bytes, verifies with the author's key and opens for each recipient with
// the same fields, body and key the author holds; a redacted entry travels
// hollow; and every kind of damage or misuse is refused with a clear error:
// a flipped byte anywhere, a truncation at any length, trailing bytes, the
// wrong recipient, another device's signature, and one device re-signing
// another's ciphertext under its own header.
#include "sync/envelope.h"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/body_codec.h"
#include "core/device_key.h"

namespace palabre::testing {
namespace {

using sync::DecodeEnvelope;
using sync::EncodeEnvelope;
using sync::Envelope;
using sync::EnvelopeForEntry;
using sync::NewRecipientKey;
using sync::OpenEnvelope;
using sync::RecipientKey;
using sync::VerifyEnvelope;

// A device: an Ed25519 key pair and its id.
struct Device {
  std::string public_key, secret_key, id;
  Device() {
    public_key.resize(crypto_sign_PUBLICKEYBYTES);
    secret_key.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(public_key.data()),
                        reinterpret_cast<unsigned char*>(secret_key.data()));
    id = DeviceIdFor(public_key);
  }
  std::string Sign(const std::string& hash) const {
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(
        reinterpret_cast<unsigned char*>(sig.data()), nullptr,
        reinterpret_cast<const unsigned char*>(hash.data()), hash.size(),
        reinterpret_cast<const unsigned char*>(secret_key.data()));
    return sig;
  }
};

// A sealed, signed entry of `device` as its vault stores it.
Entry MakeEntry(const Device& device, int64_t seq, const std::string& body,
                const std::string& prev = std::string(32, '\0')) {
  Entry e;
  e.device_id = device.id;
  e.seq = seq;
  e.prev_hash = prev;
  e.hlc = (int64_t{1767225600000} << 16) + seq;
  e.record_id = std::string(31, '7') + std::to_string(seq % 10);
  e.type = kTypeCommitment;
  e.op = kOpPut;
  e.parent_id = std::string(32, 'c');
  e.body = body;
  e.packed_body = PackBody(body);
  e.dek = NewDek();
  auto sealed = SealEntry(e);
  REQUIRE(sealed.ok());
  e.ciphertext_hash = CiphertextHash(*sealed);
  e.hash = ComputeEntryHash(e);
  e.signature = device.Sign(e.hash);
  return e;
}

const char kBody[] =
    R"({"action":"Réparer la pompe du marché.","owner":"Mairie de Gao","position":0,"session":"cccccccccccccccccccccccccccccccc"})";

TEST_CASE("an envelope round-trips, verifies and opens for each recipient",
          "[sync][envelope]") {
  const Device device;
  const RecipientKey org = NewRecipientKey();
  const RecipientKey other = NewRecipientKey();
  const Entry entry = MakeEntry(device, 1, kBody);
  auto envelope = EnvelopeForEntry(entry, {org.public_key, other.public_key});
  REQUIRE(envelope.ok());
  CHECK(envelope->wraps.size() == 2);
  const std::string bytes = EncodeEnvelope(*envelope);
  // Header, kind, length, ciphertext, signature, count, two wraps.
  CHECK(bytes.size() ==
        5 + 64 + 1 + 4 + envelope->ciphertext.size() + 64 + 1 + 2 * (8 + 80));
  auto decoded = DecodeEnvelope(bytes);
  REQUIRE(decoded.ok());
  CHECK(EncodeEnvelope(*decoded) == bytes);
  CHECK(decoded->device_id == device.id);
  CHECK(decoded->seq == 1);
  CHECK(decoded->hlc == entry.hlc);
  CHECK(sync::EnvelopeEntryHash(*decoded) == entry.hash);
  CHECK(VerifyEnvelope(*decoded, device.public_key).ok());

  for (const RecipientKey* key : {&org, &other}) {
    auto opened = OpenEnvelope(*decoded, *key);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    CHECK(opened->record_id == entry.record_id);
    CHECK(opened->type == entry.type);
    CHECK(opened->op == entry.op);
    CHECK(opened->parent_id == entry.parent_id);
    CHECK(opened->body == entry.body);
    CHECK(opened->packed_body == entry.packed_body);
    CHECK(opened->dek == entry.dek);
    CHECK(opened->hash == entry.hash);
    CHECK(opened->prev_hash == entry.prev_hash);
    CHECK(ComputeEntryHash(*opened) == entry.hash);
  }
  // No plaintext in the envelope's bytes.
  CHECK(bytes.find("pompe") == std::string::npos);
  CHECK(bytes.find("Mairie") == std::string::npos);
}

TEST_CASE("an entry redacted before it leaves travels hollow",
          "[sync][envelope]") {
  const Device device;
  const RecipientKey org = NewRecipientKey();
  Entry entry = MakeEntry(device, 3, kBody);
  entry.body.reset();
  entry.packed_body.reset();
  entry.dek.clear();
  auto envelope = EnvelopeForEntry(entry, {org.public_key});
  REQUIRE(envelope.ok());
  CHECK(envelope->hollow);
  CHECK(envelope->wraps.empty());
  const std::string bytes = EncodeEnvelope(*envelope);
  CHECK(bytes.size() == 5 + 64 + 1 + 32 + 64 + 1);
  auto decoded = DecodeEnvelope(bytes);
  REQUIRE(decoded.ok());
  // The chain and the signature still check; nothing opens.
  CHECK(sync::EnvelopeEntryHash(*decoded) == entry.hash);
  CHECK(VerifyEnvelope(*decoded, device.public_key).ok());
  CHECK(OpenEnvelope(*decoded, org).status().code() == StatusCode::kNotFound);
}

TEST_CASE("damaged envelopes are refused, whatever the byte",
          "[sync][envelope]") {
  const Device device;
  const RecipientKey org = NewRecipientKey();
  auto envelope =
      EnvelopeForEntry(MakeEntry(device, 2, kBody), {org.public_key});
  REQUIRE(envelope.ok());
  const std::string bytes = EncodeEnvelope(*envelope);

  // Every truncation is malformed; so is a byte too many.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("cut at " << n);
    CHECK(DecodeEnvelope(bytes.substr(0, n)).status().code() ==
          StatusCode::kInvalidArgument);
  }
  CHECK(DecodeEnvelope(bytes + "x").status().code() ==
        StatusCode::kInvalidArgument);

  // A flipped bit anywhere: refused when decoded, or the signature fails,
  // or the payload does not open. Never accepted whole.
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    INFO("byte " << i);
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    auto decoded = DecodeEnvelope(flipped);
    if (!decoded.ok()) continue;
    const bool verifies = VerifyEnvelope(*decoded, device.public_key).ok();
    const bool opens = OpenEnvelope(*decoded, org).ok();
    CHECK_FALSE((verifies && opens));
  }
}

TEST_CASE("wrong keys and borrowed ciphertexts are refused",
          "[sync][envelope]") {
  const Device alice;
  const Device mallory;
  const RecipientKey org = NewRecipientKey();
  const Entry entry = MakeEntry(alice, 5, kBody);
  auto envelope = EnvelopeForEntry(entry, {org.public_key});
  REQUIRE(envelope.ok());

  // Another device's key does not verify it.
  CHECK(VerifyEnvelope(*envelope, mallory.public_key).code() ==
        StatusCode::kPermissionDenied);
  // A key it is not addressed to does not open it.
  CHECK(OpenEnvelope(*envelope, NewRecipientKey()).status().code() ==
        StatusCode::kNotFound);
  // A wrap naming the recipient but sealed for another key does not unwrap.
  Envelope swapped = *envelope;
  auto for_other = EnvelopeForEntry(entry, {NewRecipientKey().public_key});
  REQUIRE(for_other.ok());
  swapped.wraps[0].wrapped_dek = for_other->wraps[0].wrapped_dek;
  CHECK(OpenEnvelope(swapped, org).status().code() == StatusCode::kDataLoss);

  // Mallory takes Alice's ciphertext and wraps, puts it under a header of
  // her own (her device, her seq) and signs it: the signature is valid, but
  // opening finds Alice's device and seq sealed inside.
  Envelope borrowed = *envelope;
  borrowed.header = EntryHeader(mallory.id, 1, std::string(32, '\0'), 9);
  auto reparsed = DecodeEnvelope(EncodeEnvelope(borrowed));
  REQUIRE(reparsed.ok());
  reparsed->signature = mallory.Sign(sync::EnvelopeEntryHash(*reparsed));
  CHECK(VerifyEnvelope(*reparsed, mallory.public_key).ok());
  auto opened = OpenEnvelope(*reparsed, org);
  // The header is the associated data: the payload does not even open.
  CHECK(opened.status().code() == StatusCode::kDataLoss);

  // A Mallory who can open Alice's envelope (a recipient) seals Alice's
  // payload again under her own header and signs it: it opens, and the
  // device and seq sealed inside give her away.
  auto alice_entry = OpenEnvelope(*envelope, org);
  REQUIRE(alice_entry.ok());
  auto payload =
      OpenPayload(alice_entry->dek, envelope->header, envelope->ciphertext);
  REQUIRE(payload.ok());
  const std::string mallory_header =
      EntryHeader(mallory.id, 1, std::string(32, '\0'), 9);
  auto resealed = SealPayload(alice_entry->dek, mallory_header, *payload);
  REQUIRE(resealed.ok());
  Entry forged = *alice_entry;
  forged.device_id = mallory.id;
  forged.seq = 1;
  forged.prev_hash = std::string(32, '\0');
  forged.hlc = 9;
  forged.ciphertext_hash = CiphertextHash(*resealed);
  forged.hash = ComputeEntryHash(forged);
  forged.signature = mallory.Sign(forged.hash);
  Envelope re_signed;
  re_signed.header = mallory_header;
  re_signed.ciphertext = *resealed;
  re_signed.signature = forged.signature;
  re_signed.wraps = envelope->wraps;
  auto forged_decoded = DecodeEnvelope(EncodeEnvelope(re_signed));
  REQUIRE(forged_decoded.ok());
  CHECK(VerifyEnvelope(*forged_decoded, mallory.public_key).ok());
  auto forged_open = OpenEnvelope(*forged_decoded, org);
  CHECK(forged_open.status().code() == StatusCode::kDataLoss);
  CHECK(forged_open.status().message().find("belongs to device " +
                                            alice.id.substr(0, 8) + " seq 5") !=
        std::string::npos);

  // Too many recipients, or a key of the wrong size, is a caller's error.
  std::vector<std::string> many(sync::kMaxWraps + 1, org.public_key);
  CHECK(EnvelopeForEntry(entry, many).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(EnvelopeForEntry(entry, {"short"}).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace palabre::testing

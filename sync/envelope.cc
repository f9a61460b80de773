// Envelope encoding, wrapping and opening (see envelope.h; the bytes are in
// docs/protocol.md, "Envelope").
#include "sync/envelope.h"

#include <sodium.h>

#include "core/body_codec.h"
#include "core/byte_order.h"
#include "core/device_key.h"

namespace palabre::sync {
namespace {

constexpr char kMagic[4] = {'P', 'L', 'E', 'V'};
constexpr uint8_t kVersion = 1;
constexpr uint8_t kKindSealed = 1;
constexpr uint8_t kKindHollow = 2;

const uint8_t* U8(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// Reads fixed-size pieces off the front of a byte string.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Take(std::size_t n, std::string_view* out) {
    if (in_.size() - at_ < n) return false;
    *out = in_.substr(at_, n);
    at_ += n;
    return true;
  }
  bool AtEnd() const { return at_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t at_ = 0;
};

Status Malformed(const std::string& what) {
  return InvalidArgumentError("malformed envelope: " + what);
}

// Fills the decoded header fields of `e` from e.header.
void DecodeHeader(Envelope& e) {
  const std::string_view h = e.header;
  e.device_id = ToHex(h.substr(0, 16));
  e.seq = static_cast<int64_t>(GetU64(h.substr(16, 8)));
  e.prev_hash = std::string(h.substr(24, 32));
  e.hlc = static_cast<int64_t>(GetU64(h.substr(56, 8)));
}

}  // namespace

RecipientKey NewRecipientKey() {
  RecipientKey key;
  key.public_key.resize(crypto_box_PUBLICKEYBYTES);
  key.secret_key.resize(crypto_box_SECRETKEYBYTES);
  crypto_box_keypair(reinterpret_cast<uint8_t*>(key.public_key.data()),
                     reinterpret_cast<uint8_t*>(key.secret_key.data()));
  return key;
}

std::string RecipientHint(std::string_view public_key) {
  uint8_t hint[kRecipientHintBytes];
  crypto_generichash(hint, sizeof hint, U8(public_key), public_key.size(),
                     nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hint), sizeof hint);
}

StatusOr<Envelope> EnvelopeForEntry(
    const Entry& entry, const std::vector<std::string>& recipients) {
  static_assert(kWrappedDekBytes == kDekBytes + crypto_box_SEALBYTES);
  if (recipients.size() > kMaxWraps) {
    return InvalidArgumentError("too many recipients for one envelope");
  }
  Envelope e;
  e.header =
      EntryHeader(entry.device_id, entry.seq, entry.prev_hash, entry.hlc);
  DecodeHeader(e);
  e.signature = entry.signature;
  e.hollow = !entry.packed_body.has_value() || entry.dek.empty();
  if (e.hollow) {
    e.ciphertext_hash = entry.ciphertext_hash;
    return e;
  }
  PALABRE_ASSIGN_OR_RETURN(e.ciphertext, SealEntry(entry));
  e.ciphertext_hash = CiphertextHash(e.ciphertext);
  for (const std::string& pk : recipients) {
    if (pk.size() != crypto_box_PUBLICKEYBYTES) {
      return InvalidArgumentError("a recipient key is not 32 bytes");
    }
    Wrap wrap;
    wrap.recipient = RecipientHint(pk);
    wrap.wrapped_dek.resize(kWrappedDekBytes);
    crypto_box_seal(reinterpret_cast<uint8_t*>(wrap.wrapped_dek.data()),
                    U8(entry.dek), entry.dek.size(), U8(pk));
    e.wraps.push_back(std::move(wrap));
  }
  return e;
}

std::string EncodeEnvelope(const Envelope& e) {
  std::string out(kMagic, sizeof kMagic);
  out += static_cast<char>(kVersion);
  out += e.header;
  if (e.hollow) {
    out += static_cast<char>(kKindHollow);
    out += e.ciphertext_hash;
  } else {
    out += static_cast<char>(kKindSealed);
    PutU32(out, static_cast<uint32_t>(e.ciphertext.size()));
    out += e.ciphertext;
  }
  out += e.signature;
  out += static_cast<char>(e.wraps.size());
  for (const Wrap& w : e.wraps) {
    out += w.recipient;
    out += w.wrapped_dek;
  }
  return out;
}

StatusOr<Envelope> DecodeEnvelope(std::string_view bytes) {
  Reader r(bytes);
  std::string_view piece;
  if (!r.Take(sizeof kMagic, &piece) ||
      piece != std::string_view(kMagic, sizeof kMagic)) {
    return Malformed("not a palabre envelope");
  }
  if (!r.Take(1, &piece) || static_cast<uint8_t>(piece[0]) != kVersion) {
    return Malformed("unknown version");
  }
  Envelope e;
  if (!r.Take(kEntryHeaderBytes, &piece)) return Malformed("short header");
  e.header = std::string(piece);
  DecodeHeader(e);
  if (e.seq <= 0) return Malformed("seq must be 1 or more");
  if (!r.Take(1, &piece)) return Malformed("no kind");
  const uint8_t kind = static_cast<uint8_t>(piece[0]);
  if (kind == kKindHollow) {
    e.hollow = true;
    if (!r.Take(kEntryHashBytes, &piece)) {
      return Malformed("short ciphertext hash");
    }
    e.ciphertext_hash = std::string(piece);
  } else if (kind == kKindSealed) {
    if (!r.Take(4, &piece)) return Malformed("no ciphertext length");
    const uint64_t length = GetU32(piece);
    if (length < kSealTagBytes || length > kMaxCiphertextBytes) {
      return Malformed("ciphertext length out of range");
    }
    if (!r.Take(length, &piece)) return Malformed("short ciphertext");
    e.ciphertext = std::string(piece);
    e.ciphertext_hash = CiphertextHash(e.ciphertext);
  } else {
    return Malformed("unknown kind");
  }
  if (!r.Take(kSignatureBytes, &piece)) return Malformed("short signature");
  e.signature = std::string(piece);
  if (!r.Take(1, &piece)) return Malformed("no wrap count");
  const std::size_t wraps = static_cast<uint8_t>(piece[0]);
  if (wraps > kMaxWraps || (e.hollow && wraps != 0)) {
    return Malformed("wrong number of wraps");
  }
  for (std::size_t i = 0; i < wraps; ++i) {
    Wrap w;
    if (!r.Take(kRecipientHintBytes, &piece)) return Malformed("short wrap");
    w.recipient = std::string(piece);
    if (!r.Take(kWrappedDekBytes, &piece)) return Malformed("short wrap");
    w.wrapped_dek = std::string(piece);
    e.wraps.push_back(std::move(w));
  }
  if (!r.AtEnd()) return Malformed("bytes after the end");
  return e;
}

std::string EnvelopeEntryHash(const Envelope& e) {
  return SealedEntryHash(e.header, e.ciphertext_hash);
}

Status VerifyEnvelope(const Envelope& e, std::string_view public_key) {
  if (!VerifySignature(public_key, EnvelopeEntryHash(e), e.signature)) {
    return PermissionDeniedError("device " + e.device_id.substr(0, 8) +
                                 " seq " + std::to_string(e.seq) +
                                 ": the signature does not verify");
  }
  return Status::Ok();
}

StatusOr<Entry> OpenEnvelope(const Envelope& e, const RecipientKey& recipient) {
  const std::string name =
      "device " + e.device_id.substr(0, 8) + " seq " + std::to_string(e.seq);
  if (e.hollow) return NotFoundError(name + ": hollow (redacted) entry");
  const std::string hint = RecipientHint(recipient.public_key);
  std::string dek;
  for (const Wrap& w : e.wraps) {
    if (w.recipient != hint) continue;
    dek.resize(kDekBytes);
    if (recipient.secret_key.size() != crypto_box_SECRETKEYBYTES ||
        crypto_box_seal_open(reinterpret_cast<uint8_t*>(dek.data()),
                             U8(w.wrapped_dek), w.wrapped_dek.size(),
                             U8(recipient.public_key),
                             U8(recipient.secret_key)) != 0) {
      return DataLossError(name + ": the data key does not unwrap");
    }
    break;
  }
  if (dek.empty()) return NotFoundError(name + ": not addressed to this key");
  StatusOr<std::string> payload = OpenPayload(dek, e.header, e.ciphertext);
  if (!payload.ok()) {
    return DataLossError(name + ": " + std::string(payload.status().message()));
  }
  StatusOr<EntryPayloadFields> fields = DecodePayload(*payload);
  if (!fields.ok()) {
    return DataLossError(name + ": " + std::string(fields.status().message()));
  }
  if (fields->device_id != e.device_id || fields->seq != e.seq) {
    return DataLossError(name + ": its sealed content belongs to device " +
                         fields->device_id.substr(0, 8) + " seq " +
                         std::to_string(fields->seq));
  }
  Entry entry;
  entry.device_id = e.device_id;
  entry.seq = e.seq;
  entry.prev_hash = e.prev_hash;
  entry.hlc = e.hlc;
  entry.record_id = fields->record_id;
  entry.type = fields->type;
  entry.op = fields->op;
  entry.parent_id = fields->parent_id;
  entry.ciphertext_hash = e.ciphertext_hash;
  entry.hash = EnvelopeEntryHash(e);
  entry.signature = e.signature;
  if (!fields->packed_body.empty()) {
    StatusOr<std::string> body = UnpackBody(fields->packed_body);
    if (!body.ok()) {
      return DataLossError(name + ": " + std::string(body.status().message()));
    }
    entry.body = std::move(*body);
  }
  entry.packed_body = std::move(fields->packed_body);
  entry.dek = std::move(dek);
  return entry;
}

}  // namespace palabre::sync

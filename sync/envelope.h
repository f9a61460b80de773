// The envelope: one log entry as it leaves a device (docs/protocol.md).
//
// An envelope is an entry in format 2 (core/entry_seal.h) — its clear
// header, its sealed payload and the device's signature — plus the entry's
// data key wrapped for each recipient with crypto_box_seal (the
// organisation's X25519 key; later more). The wraps sit outside the
// signature, so a recipient can be added later without touching a chain.
// A server checks an envelope's signature and chain position with the
// device's public key and never holds a key that opens it; a recipient
// unwraps the DEK, opens the payload and checks that the device and seq
// inside are those of the header.
//
// An entry whose body was redacted before it left the device travels
// *hollow*: header, ciphertext hash and signature, no ciphertext, no wraps.
// Its chain and signature still check; its content is gone.
#ifndef PALABRE_SYNC_ENVELOPE_H_
#define PALABRE_SYNC_ENVELOPE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/entry_log.h"
#include "core/entry_seal.h"
#include "platform/status.h"

namespace palabre::sync {

inline constexpr std::size_t kRecipientHintBytes = 8;
inline constexpr std::size_t kWrappedDekBytes = 80;  // 32 + seal overhead
inline constexpr std::size_t kMaxWraps = 16;
// The largest ciphertext accepted: a record file is at most 16 MiB and its
// stored body smaller; envelopes above this are refused unread.
inline constexpr std::size_t kMaxCiphertextBytes = 20 << 20;

// A recipient's X25519 key pair (crypto_box); the secret key may be empty
// when only wrapping.
struct RecipientKey {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 32 bytes, or "" to wrap only
};

// A new recipient key pair.
RecipientKey NewRecipientKey();

// The 8-byte hint naming a recipient in a wrap: BLAKE2b-64 of its public
// key.
std::string RecipientHint(std::string_view public_key);

struct Wrap {
  std::string recipient;    // kRecipientHintBytes
  std::string wrapped_dek;  // kWrappedDekBytes
};

struct Envelope {
  // The clear header, and its fields decoded.
  std::string header;  // kEntryHeaderBytes
  std::string device_id;
  int64_t seq = 0;
  std::string prev_hash;
  int64_t hlc = 0;
  bool hollow = false;
  std::string ciphertext;       // "" when hollow
  std::string ciphertext_hash;  // always set (computed when not hollow)
  std::string signature;        // 64 bytes
  std::vector<Wrap> wraps;
};

// The envelope of a stored entry, its DEK wrapped for each of
// `recipients` (public keys). Hollow if the entry's body or DEK was erased.
// kInvalidArgument for more than kMaxWraps recipients or a key of the
// wrong size; errors of SealEntry otherwise.
StatusOr<Envelope> EnvelopeForEntry(const Entry& entry,
                                    const std::vector<std::string>& recipients);

// The bytes of an envelope, and back. DecodeEnvelope treats its input as
// hostile: kInvalidArgument naming what is wrong for anything but one whole,
// well-formed envelope (bad magic or version, sizes out of range, trailing
// bytes).
std::string EncodeEnvelope(const Envelope& envelope);
StatusOr<Envelope> DecodeEnvelope(std::string_view bytes);

// The entry hash the envelope's signature covers.
std::string EnvelopeEntryHash(const Envelope& envelope);

// kPermissionDenied unless `signature` is the device's (Ed25519
// `public_key`) over the envelope's entry hash.
Status VerifyEnvelope(const Envelope& envelope, std::string_view public_key);

// Opens an envelope addressed to `recipient`: the entry with its fields,
// stored body and DEK, as the author's vault holds it. The signature is not
// checked here (VerifyEnvelope). kNotFound if no wrap names the recipient
// or the envelope is hollow; kDataLoss if the wrap or the payload does not
// open, or the payload names another device or seq than the header (one
// device re-signing another's ciphertext).
StatusOr<Entry> OpenEnvelope(const Envelope& envelope,
                             const RecipientKey& recipient);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_ENVELOPE_H_

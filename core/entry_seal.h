// The sealed form of a log entry (entry format 2): what is encrypted, what
// its hash and signature cover. docs/protocol.md gives the exact bytes.
//
// An entry is a 64-byte header in the clear (device, seq, the previous
// entry's hash, hlc) and a payload sealed with XChaCha20-Poly1305 under the
// entry's own random 32-byte data key (DEK), the header as associated data.
// The payload repeats the device and seq (so that one device cannot sign
// another's ciphertext as its own) and holds the record id, type, op,
// parent and the stored (deflated) body. The entry hash is BLAKE2b-256 of
// a domain string, the header and the BLAKE2b-256 of the ciphertext; the
// device's Ed25519 key signs that hash. So whoever holds the ciphertext can
// check the chain and the signature without reading anything, which is
// what lets a server store entries it cannot read, and the same signature
// serves the vault's own log.
//
// Each DEK encrypts exactly one payload, so the nonce is fixed (24 zero
// bytes) and sealing is deterministic: the vault keeps the DEK instead of
// the ciphertext and seals again when it needs the ciphertext. Redaction
// erases the body and the DEK; the ciphertext hash stays, so the chain
// still verifies.
#ifndef PALABRE_CORE_ENTRY_SEAL_H_
#define PALABRE_CORE_ENTRY_SEAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre {

inline constexpr std::size_t kEntryHeaderBytes = 64;
inline constexpr std::size_t kDekBytes = 32;
inline constexpr std::size_t kEntryHashBytes = 32;
inline constexpr std::size_t kSealTagBytes = 16;  // Poly1305

// What the payload holds. Ids are 32 lower-case hex characters; `parent_id`
// may be empty; `type` and `op` are entry_log.h's words.
struct EntryPayloadFields {
  std::string device_id;
  int64_t seq = 0;
  std::string record_id;
  std::string type;
  std::string op;
  std::string parent_id;
  std::string packed_body;  // core/body_codec.h's stored form
};

// The 64 header bytes. `device_id` is 32 hex characters, `prev_hash` 32
// raw bytes (an id or hash of the wrong size is zero-padded or cut, as a
// damaged row would be, and then fails to verify).
std::string EntryHeader(std::string_view device_id, int64_t seq,
                        std::string_view prev_hash, int64_t hlc);

// The payload bytes. kInvalidArgument for an unknown type or op or an id
// that is not 32 hex characters.
StatusOr<std::string> EncodePayload(const EntryPayloadFields& fields);
// The fields back. kDataLoss if the bytes are not a payload of version 1.
StatusOr<EntryPayloadFields> DecodePayload(std::string_view payload);

// Seals `payload` under `dek` (kDekBytes) with `header` as associated
// data. kInvalidArgument if `dek` has the wrong size.
StatusOr<std::string> SealPayload(std::string_view dek, std::string_view header,
                                  std::string_view payload);
// Opens what SealPayload sealed. kDataLoss if the key, header or
// ciphertext do not match (the tag fails).
StatusOr<std::string> OpenPayload(std::string_view dek, std::string_view header,
                                  std::string_view ciphertext);

// BLAKE2b-256 of the ciphertext.
std::string CiphertextHash(std::string_view ciphertext);
// The entry hash: BLAKE2b-256("palabre.entry/2" NUL || header ||
// ciphertext_hash).
std::string SealedEntryHash(std::string_view header,
                            std::string_view ciphertext_hash);

// A new random DEK.
std::string NewDek();

}  // namespace palabre

#endif  // PALABRE_CORE_ENTRY_SEAL_H_

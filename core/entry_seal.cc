// Entry format 2: header, payload, sealing and hashes (see entry_seal.h).
// Changing any byte here breaks every chain ever written: docs/protocol.md
// and the known-answer vectors in tests/core/entry_seal_test.cc pin it.
#include "core/entry_seal.h"

#include <sodium.h>

#include <algorithm>

#include "core/byte_order.h"
#include "core/device_key.h"

namespace palabre {
namespace {

constexpr char kEntryDomain[] = "palabre.entry/2";  // hashed with its NUL
constexpr uint8_t kPayloadVersion = 1;
constexpr std::size_t kIdBytes = 16;

constexpr std::string_view kTypes[] = {"session", "commitment", "followup"};
constexpr std::string_view kOps[] = {"put", "delete", "redact"};

// Exactly `n` bytes: cut or zero-padded.
std::string Fixed(std::string bytes, std::size_t n) {
  bytes.resize(n, '\0');
  return bytes;
}

// 1-based code of `word` in `words`, 0 if absent.
template <std::size_t N>
uint8_t CodeOf(const std::string_view (&words)[N], std::string_view word) {
  for (std::size_t i = 0; i < N; ++i) {
    if (words[i] == word) return static_cast<uint8_t>(i + 1);
  }
  return 0;
}

}  // namespace

std::string EntryHeader(std::string_view device_id, int64_t seq,
                        std::string_view prev_hash, int64_t hlc) {
  std::string out = Fixed(FromHex(device_id), kIdBytes);
  PutU64(out, static_cast<uint64_t>(seq));
  out += Fixed(std::string(prev_hash), kEntryHashBytes);
  PutU64(out, static_cast<uint64_t>(hlc));
  return out;
}

StatusOr<std::string> EncodePayload(const EntryPayloadFields& f) {
  const uint8_t type = CodeOf(kTypes, f.type);
  const uint8_t op = CodeOf(kOps, f.op);
  if (type == 0) return InvalidArgumentError("unknown entry type");
  if (op == 0) return InvalidArgumentError("unknown entry op");
  if (!IsHexId(f.device_id) || !IsHexId(f.record_id) ||
      (!f.parent_id.empty() && !IsHexId(f.parent_id))) {
    return InvalidArgumentError("an entry id is not 32 hex characters");
  }
  std::string out(1, static_cast<char>(kPayloadVersion));
  out += FromHex(f.device_id);
  PutU64(out, static_cast<uint64_t>(f.seq));
  out += FromHex(f.record_id);
  out += static_cast<char>(type);
  out += static_cast<char>(op);
  if (f.parent_id.empty()) {
    out += '\0';
  } else {
    out += '\1';
    out += FromHex(f.parent_id);
  }
  out += f.packed_body;
  return out;
}

StatusOr<EntryPayloadFields> DecodePayload(std::string_view p) {
  constexpr std::size_t kFixed = 1 + kIdBytes + 8 + kIdBytes + 1 + 1 + 1;
  if (p.size() < kFixed || static_cast<uint8_t>(p[0]) != kPayloadVersion) {
    return DataLossError("not an entry payload of version 1");
  }
  EntryPayloadFields f;
  std::size_t at = 1;
  f.device_id = ToHex(p.substr(at, kIdBytes));
  at += kIdBytes;
  const uint64_t seq = GetU64(p.substr(at, 8));
  if (seq == 0 || seq > static_cast<uint64_t>(INT64_MAX)) {
    return DataLossError("entry payload: bad seq");
  }
  f.seq = static_cast<int64_t>(seq);
  at += 8;
  f.record_id = ToHex(p.substr(at, kIdBytes));
  at += kIdBytes;
  const uint8_t type = static_cast<uint8_t>(p[at++]);
  const uint8_t op = static_cast<uint8_t>(p[at++]);
  if (type == 0 || type > std::size(kTypes) || op == 0 ||
      op > std::size(kOps)) {
    return DataLossError("entry payload: unknown type or op");
  }
  f.type = std::string(kTypes[type - 1]);
  f.op = std::string(kOps[op - 1]);
  const char has_parent = p[at++];
  if (has_parent == '\1') {
    if (p.size() < at + kIdBytes) {
      return DataLossError("entry payload: truncated parent");
    }
    f.parent_id = ToHex(p.substr(at, kIdBytes));
    at += kIdBytes;
  } else if (has_parent != '\0') {
    return DataLossError("entry payload: bad parent flag");
  }
  f.packed_body = std::string(p.substr(at));
  return f;
}

StatusOr<std::string> SealPayload(std::string_view dek, std::string_view header,
                                  std::string_view payload) {
  if (dek.size() != kDekBytes) return InvalidArgumentError("bad DEK size");
  static_assert(kDekBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  static_assert(kSealTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
  std::string out(payload.size() + kSealTagBytes, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<uint8_t*>(out.data()), &written,
      reinterpret_cast<const uint8_t*>(payload.data()), payload.size(),
      reinterpret_cast<const uint8_t*>(header.data()), header.size(), nullptr,
      nonce, reinterpret_cast<const uint8_t*>(dek.data()));
  out.resize(written);
  return out;
}

StatusOr<std::string> OpenPayload(std::string_view dek, std::string_view header,
                                  std::string_view ciphertext) {
  if (dek.size() != kDekBytes) return DataLossError("bad DEK size");
  if (ciphertext.size() < kSealTagBytes) {
    return DataLossError("ciphertext too short");
  }
  const uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
  std::string out(ciphertext.size() - kSealTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(out.data()), &written, nullptr,
          reinterpret_cast<const uint8_t*>(ciphertext.data()),
          ciphertext.size(), reinterpret_cast<const uint8_t*>(header.data()),
          header.size(), nonce,
          reinterpret_cast<const uint8_t*>(dek.data())) != 0) {
    return DataLossError("the entry does not decrypt (wrong key or altered)");
  }
  out.resize(written);
  return out;
}

std::string CiphertextHash(std::string_view ciphertext) {
  uint8_t hash[kEntryHashBytes];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const uint8_t*>(ciphertext.data()),
                     ciphertext.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

std::string SealedEntryHash(std::string_view header,
                            std::string_view ciphertext_hash) {
  std::string input(kEntryDomain, sizeof kEntryDomain);  // with its NUL
  input += header;
  input += ciphertext_hash;
  uint8_t hash[kEntryHashBytes];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const uint8_t*>(input.data()),
                     input.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

std::string NewDek() {
  std::string dek(kDekBytes, '\0');
  randombytes_buf(dek.data(), dek.size());
  return dek;
}

}  // namespace palabre

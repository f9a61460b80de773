// The keyslot file (`keys`): the only place the vault's master key exists on
// disk, and only wrapped.
//
// Like a LUKS header, it holds one slot per way in: the passphrase slot and
// the recovery-code slot. Each slot wraps the same random 256-bit master key
// with XChaCha20-Poly1305 under a key-encryption key derived by Argon2id from
// the secret; the slot's KDF parameters, salt and the file header (vault id,
// page size, reserve bytes) are bound as associated data, so editing any of
// them makes the slot fail to open. A BLAKE2b-256 checksum over the file
// tells accidental damage ("keys file damaged") apart from a wrong secret.
//
// Binary layout, all integers little-endian (format version 1):
//   header   "PALABREK" | u32 version | 16B vault id | u32 page size |
//            u32 reserve bytes | u32 slot count              (40 bytes)
//   slot     u8 kind | u8 alg (2 = Argon2id v1.3) | u16 zero | u64 opslimit |
//            u64 memlimit | 16B salt | 24B nonce | 48B wrapped key (108 bytes)
//   trailer  32B BLAKE2b-256 of everything before it
#ifndef PALABRE_CORE_KEYSLOT_H_
#define PALABRE_CORE_KEYSLOT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/kdf.h"
#include "core/secure_buffer.h"
#include "platform/status.h"

namespace palabre {

inline constexpr uint32_t kKeyFileVersion = 1;
inline constexpr uint32_t kVaultPageSize = 4096;
inline constexpr uint32_t kVaultReserveBytes =
    crypto::kNonceBytes + crypto::kTagBytes;  // 40

enum class SlotKind : uint8_t { kPassphrase = 1, kRecoveryCode = 2 };

struct KeySlot {
  SlotKind kind = SlotKind::kPassphrase;
  KdfParams kdf;
  std::array<uint8_t, crypto::kSaltBytes> salt{};
  std::array<uint8_t, crypto::kNonceBytes> nonce{};
  std::array<uint8_t, crypto::kKeyBytes + crypto::kTagBytes> wrapped{};
};

struct KeyFile {
  uint32_t version = kKeyFileVersion;
  std::array<uint8_t, 16> vault_id{};
  uint32_t page_size = kVaultPageSize;
  uint32_t reserve_bytes = kVaultReserveBytes;
  std::vector<KeySlot> slots;

  // The slot of `kind`, or nullptr.
  const KeySlot* Find(SlotKind kind) const;
};

// The file as bytes, checksum included.
std::string SerializeKeyFile(const KeyFile& file);

// Parses and checks a keys file: size, magic, version, checksum, and that
// every field is within bounds (a hostile file must not make Argon2id ask
// for terabytes). kDataLoss with the reason if anything is off;
// kFailedPrecondition for a version newer than this palabre knows.
StatusOr<KeyFile> ParseKeyFile(std::string_view bytes);

// Wraps `master_key` (crypto::kKeyBytes) under `secret` with Argon2id at
// `kdf` and a fresh salt and nonce, replacing any slot of `kind` in `file`.
// Errors from key derivation (kResourceExhausted) leave `file` unchanged.
Status WrapMasterKey(KeyFile& file, SlotKind kind, std::string_view secret,
                     const KdfParams& kdf, const SecureBuffer& master_key);

// Unwraps the master key from the slot of `kind` with `secret`.
// kUnauthenticated if the secret is wrong (or the slot was altered);
// kDataLoss if the file has no slot of that kind.
StatusOr<SecureBuffer> UnwrapMasterKey(const KeyFile& file, SlotKind kind,
                                       std::string_view secret);

}  // namespace palabre

#endif  // PALABRE_CORE_KEYSLOT_H_

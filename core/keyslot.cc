// Keyslot file encoding, parsing, wrapping and unwrapping (see keyslot.h).
#include "core/keyslot.h"

#include <sodium.h>

#include <cstring>

namespace palabre {
namespace {

constexpr char kMagic[8] = {'P', 'A', 'L', 'A', 'B', 'R', 'E', 'K'};
constexpr std::size_t kHeaderBytes = 40;
constexpr std::size_t kSlotParamBytes = 1 + 1 + 2 + 8 + 8 + crypto::kSaltBytes;
constexpr std::size_t kSlotBytes = kSlotParamBytes + crypto::kNonceBytes +
                                   crypto::kKeyBytes + crypto::kTagBytes;
constexpr uint32_t kMaxSlots = 8;
constexpr uint8_t kAlgArgon2id13 = 2;
// Bounds a keys file may ask for: Argon2id up to 4 GiB and 16 passes.
constexpr uint64_t kMaxMemlimit = uint64_t{4} << 30;
constexpr uint64_t kMaxOpslimit = 16;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
template <std::size_t N>
void PutBytes(std::string& out, const std::array<uint8_t, N>& a) {
  out.append(reinterpret_cast<const char*>(a.data()), N);
}

// A bounds-checked little-endian reader over the file bytes.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  uint64_t Uint(int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      v |= uint64_t{static_cast<uint8_t>(bytes_[pos_ + i])} << (8 * i);
    }
    pos_ += width;
    return v;
  }
  template <std::size_t N>
  void Bytes(std::array<uint8_t, N>& a) {
    std::memcpy(a.data(), bytes_.data() + pos_, N);
    pos_ += N;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

// The header bytes that every slot binds: everything but the slot count,
// so that slots can be added or replaced independently.
std::string HeaderAad(const KeyFile& file) {
  std::string out(kMagic, sizeof kMagic);
  PutU32(out, file.version);
  PutBytes(out, file.vault_id);
  PutU32(out, file.page_size);
  PutU32(out, file.reserve_bytes);
  return out;
}

std::string SlotParams(const KeySlot& slot) {
  std::string out;
  out.push_back(static_cast<char>(slot.kind));
  out.push_back(static_cast<char>(kAlgArgon2id13));
  out.push_back('\0');
  out.push_back('\0');
  PutU64(out, slot.kdf.opslimit);
  PutU64(out, slot.kdf.memlimit);
  PutBytes(out, slot.salt);
  return out;
}

std::string SlotAad(const KeyFile& file, const KeySlot& slot) {
  return HeaderAad(file) + SlotParams(slot);
}

}  // namespace

const KeySlot* KeyFile::Find(SlotKind kind) const {
  for (const KeySlot& slot : slots) {
    if (slot.kind == kind) return &slot;
  }
  return nullptr;
}

std::string SerializeKeyFile(const KeyFile& file) {
  std::string out = HeaderAad(file);
  PutU32(out, static_cast<uint32_t>(file.slots.size()));
  for (const KeySlot& slot : file.slots) {
    out += SlotParams(slot);
    PutBytes(out, slot.nonce);
    PutBytes(out, slot.wrapped);
  }
  uint8_t sum[crypto::kHashBytes];
  crypto::Hash(out, sum);
  out.append(reinterpret_cast<const char*>(sum), sizeof sum);
  return out;
}

StatusOr<KeyFile> ParseKeyFile(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes + crypto::kHashBytes ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return DataLossError(
        "the keys file is damaged or is not a palabre keys file");
  }
  // Every format version ends with the checksum of what precedes it, so
  // damage is told apart from a newer format before anything else is read.
  uint8_t sum[crypto::kHashBytes];
  crypto::Hash(bytes.substr(0, bytes.size() - crypto::kHashBytes), sum);
  if (!crypto::Equal(sum,
                     reinterpret_cast<const uint8_t*>(bytes.data()) +
                         bytes.size() - crypto::kHashBytes,
                     crypto::kHashBytes)) {
    return DataLossError("the keys file is damaged (checksum mismatch)");
  }
  Reader r(bytes.substr(sizeof kMagic));
  KeyFile file;
  file.version = static_cast<uint32_t>(r.Uint(4));
  if (file.version > kKeyFileVersion) {
    return FailedPreconditionError(
        "this vault was made by a newer palabre (keys format " +
        std::to_string(file.version) + "); upgrade palabre to open it");
  }
  r.Bytes(file.vault_id);
  file.page_size = static_cast<uint32_t>(r.Uint(4));
  file.reserve_bytes = static_cast<uint32_t>(r.Uint(4));
  const uint64_t slot_count = r.Uint(4);
  if (slot_count == 0 || slot_count > kMaxSlots ||
      bytes.size() !=
          kHeaderBytes + slot_count * kSlotBytes + crypto::kHashBytes) {
    return DataLossError("the keys file is damaged (wrong size)");
  }
  if (file.version != kKeyFileVersion || file.page_size != kVaultPageSize ||
      file.reserve_bytes != kVaultReserveBytes) {
    return DataLossError("the keys file is damaged (unexpected page layout)");
  }
  for (uint64_t i = 0; i < slot_count; ++i) {
    KeySlot slot;
    const uint64_t kind = r.Uint(1);
    const uint64_t alg = r.Uint(1);
    const uint64_t pad = r.Uint(2);
    slot.kdf.opslimit = r.Uint(8);
    slot.kdf.memlimit = r.Uint(8);
    r.Bytes(slot.salt);
    r.Bytes(slot.nonce);
    r.Bytes(slot.wrapped);
    if ((kind != 1 && kind != 2) || alg != kAlgArgon2id13 || pad != 0 ||
        slot.kdf.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
        slot.kdf.opslimit > kMaxOpslimit ||
        slot.kdf.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
        slot.kdf.memlimit > kMaxMemlimit) {
      return DataLossError("the keys file is damaged (slot " +
                           std::to_string(i + 1) + " is invalid)");
    }
    slot.kind = static_cast<SlotKind>(kind);
    if (file.Find(slot.kind) != nullptr) {
      return DataLossError("the keys file is damaged (duplicate slot)");
    }
    file.slots.push_back(slot);
  }
  return file;
}

Status WrapMasterKey(KeyFile& file, SlotKind kind, std::string_view secret,
                     const KdfParams& kdf, const SecureBuffer& master_key) {
  if (master_key.size() != crypto::kKeyBytes) {
    return InternalError("master key has the wrong size");
  }
  KeySlot slot;
  slot.kind = kind;
  slot.kdf = kdf;
  crypto::RandomBytes(slot.salt.data(), slot.salt.size());
  crypto::RandomBytes(slot.nonce.data(), slot.nonce.size());
  SecureBuffer kek(crypto::kKeyBytes);
  PALABRE_RETURN_IF_ERROR(
      crypto::DeriveKeyFromSecret(secret, slot.salt.data(), kdf, kek.data()));
  std::memcpy(slot.wrapped.data(), master_key.data(), crypto::kKeyBytes);
  const std::string aad = SlotAad(file, slot);
  crypto::SealInPlace(kek.data(), slot.nonce.data(),
                      reinterpret_cast<const uint8_t*>(aad.data()), aad.size(),
                      slot.wrapped.data(), crypto::kKeyBytes,
                      slot.wrapped.data() + crypto::kKeyBytes);
  for (KeySlot& existing : file.slots) {
    if (existing.kind == kind) {
      existing = slot;
      return Status::Ok();
    }
  }
  file.slots.push_back(slot);
  return Status::Ok();
}

StatusOr<SecureBuffer> UnwrapMasterKey(const KeyFile& file, SlotKind kind,
                                       std::string_view secret) {
  const KeySlot* slot = file.Find(kind);
  if (slot == nullptr) {
    return DataLossError(kind == SlotKind::kPassphrase
                             ? "the keys file has no passphrase slot"
                             : "the keys file has no recovery-code slot");
  }
  SecureBuffer kek(crypto::kKeyBytes);
  PALABRE_RETURN_IF_ERROR(crypto::DeriveKeyFromSecret(secret, slot->salt.data(),
                                                      slot->kdf, kek.data()));
  SecureBuffer master(crypto::kKeyBytes);
  std::memcpy(master.data(), slot->wrapped.data(), crypto::kKeyBytes);
  const std::string aad = SlotAad(file, *slot);
  if (!crypto::OpenInPlace(kek.data(), slot->nonce.data(),
                           reinterpret_cast<const uint8_t*>(aad.data()),
                           aad.size(), master.data(), crypto::kKeyBytes,
                           slot->wrapped.data() + crypto::kKeyBytes)) {
    return UnauthenticatedError(kind == SlotKind::kPassphrase
                                    ? "wrong passphrase"
                                    : "wrong recovery code");
  }
  return master;
}

}  // namespace palabre

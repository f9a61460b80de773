// Device key creation, loading and Ed25519 signing (see device_key.h).
#include "core/device_key.h"

#include <sodium.h>

#include "core/crypto.h"
#include "core/database.h"
#include "core/record.h"
#include "platform/clock.h"

namespace palabre {

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return "";
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return "";
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string DeviceIdFor(std::string_view public_key) {
  uint8_t hash[16];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const uint8_t*>(public_key.data()),
                     public_key.size(), nullptr, 0);
  return ToHex(std::string_view(reinterpret_cast<const char*>(hash), 16));
}

Status EnsureDeviceKey(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(int64_t own,
                           db.QueryInt("SELECT count(*) FROM device_keys "
                                       "WHERE secret_key IS NOT NULL"));
  if (own > 0) return Status::Ok();
  PALABRE_RETURN_IF_ERROR(crypto::Initialize());
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  SecureBuffer sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk, sk.data());
  const std::string public_key(reinterpret_cast<const char*>(pk), sizeof pk);
  return db.Transaction([&]() -> Status {
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO device_keys(device_id, public_key, "
                   "secret_key, created_at) VALUES (?, ?, ?, ?)"));
    PALABRE_RETURN_IF_ERROR(stmt.BindText(1, DeviceIdFor(public_key)));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, public_key));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(3, sk.view()));
    PALABRE_RETURN_IF_ERROR(stmt.BindText(4, FormatUtc(NowUnixMillis())));
    return stmt.Run();
  });
}

StatusOr<DeviceKey> LoadDeviceKey(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT device_id, public_key, secret_key FROM device_keys "
                 "WHERE secret_key IS NOT NULL"));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return FailedPreconditionError("this vault has no device key");
  }
  DeviceKey key;
  key.device_id = stmt.ColumnText(0);
  key.public_key = stmt.ColumnText(1);
  std::string secret = stmt.ColumnText(2);
  key.secret_key = SecureBuffer::CopyOf(secret);
  sodium_memzero(secret.data(), secret.size());
  if (key.public_key.size() != kPublicKeyBytes ||
      key.secret_key.size() != kSecretKeyBytes ||
      DeviceIdFor(key.public_key) != key.device_id) {
    return DataLossError("the vault's device key is malformed");
  }
  return key;
}

StatusOr<std::string> LoadPublicKey(Database& db, std::string_view device_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT public_key FROM device_keys WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFoundError("unknown device " + std::string(device_id));
  return stmt.ColumnText(0);
}

std::string Sign(const DeviceKey& key, std::string_view message) {
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), key.secret_key.data());
  return std::string(reinterpret_cast<const char*>(sig), sizeof sig);
}

bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature) {
  if (public_key.size() != kPublicKeyBytes ||
      signature.size() != kSignatureBytes) {
    return false;
  }
  return crypto_sign_verify_detached(
             reinterpret_cast<const uint8_t*>(signature.data()),
             reinterpret_cast<const uint8_t*>(message.data()), message.size(),
             reinterpret_cast<const uint8_t*>(public_key.data())) == 0;
}

}  // namespace palabre

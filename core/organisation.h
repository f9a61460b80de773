// The organisation: the keys that say which devices belong, and to whom
// their entries are sealed (docs/protocol.md, "Organisation").
//
// An organisation has a signing key (Ed25519: it certifies devices) and an
// encryption key (X25519: the recipient every envelope's data key is
// wrapped for). A coordinator's vault holds both secret keys; a
// facilitator's vault will hold only the public identity. A **device
// certificate** is the organisation's signature over a device's id, public
// key, role, name and issue time: what the partner server and every vault
// check before trusting a device's entries.
//
// The organisation's id is the hex BLAKE2b-128 of its signing public key.
#ifndef PALABRE_CORE_ORGANISATION_H_
#define PALABRE_CORE_ORGANISATION_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "platform/status.h"

namespace palabre {

class Database;

inline constexpr std::size_t kMaxOrgNameChars = 100;
inline constexpr std::size_t kMaxDeviceNameChars = 100;
inline constexpr char kRoleCoordinator[] = "coordinator";
inline constexpr char kRoleFacilitator[] = "facilitator";

// What anyone may know of an organisation.
struct OrgIdentity {
  std::string org_id;  // 32 hex
  std::string name;
  std::string server;          // the partner server's URL
  std::string signing_key;     // Ed25519 public key, 32 bytes
  std::string encryption_key;  // X25519 public key, 32 bytes
};

struct DeviceCertificate {
  std::string org_id;      // 32 hex: the organisation that signed
  std::string device_id;   // 32 hex
  std::string public_key;  // the device's Ed25519 key, 32 bytes
  std::string role;        // kRoleCoordinator or kRoleFacilitator
  std::string name;        // what the coordinator called the device
  int64_t issued_at = 0;   // unix milliseconds
  std::string signature;   // the organisation's, 64 bytes
};

// kInvalidArgument with the reason unless `name` is 1 to kMaxOrgNameChars
// characters of valid UTF-8 without control characters (also for device
// names, with kMaxDeviceNameChars).
Status CheckOrgName(std::string_view name);

// kInvalidArgument with the reason unless `url` is https://HOST[:PORT] (an
// optional path after), or http:// with a loopback host (127.0.0.0/8,
// ::1, localhost): plain HTTP only where nothing leaves the machine.
Status CheckServerUrl(std::string_view url);

// The bytes a certificate's signature covers (docs/protocol.md).
// kInvalidArgument for an unknown role, ids that are not 32 hex
// characters, keys of the wrong size or a name over 255 bytes.
StatusOr<std::string> CertificateBytes(const DeviceCertificate& cert,
                                       std::string_view org_signing_key);

// kPermissionDenied unless `cert` carries the organisation's valid
// signature and names that organisation; kInvalidArgument as
// CertificateBytes.
Status VerifyCertificate(const DeviceCertificate& cert,
                         std::string_view org_signing_key);

// Creates the organisation in this vault (a coordinator's): new signing and
// encryption keys, kept in the vault, and a coordinator certificate for the
// vault's own device named `device_name`, issued at `now_ms`. Errors:
// kInvalidArgument for a bad name or URL; kAlreadyExists if the vault
// already belongs to an organisation; kFailedPrecondition without a device
// key. Nothing is written on error.
StatusOr<OrgIdentity> InitOrganisation(Database& db, std::string_view name,
                                       std::string_view server,
                                       std::string_view device_name,
                                       int64_t now_ms);

// The vault's organisation. kNotFound if it belongs to none.
StatusOr<OrgIdentity> LoadOrgIdentity(Database& db);

// Every certificate this vault holds, by device id.
StatusOr<std::vector<DeviceCertificate>> LoadCertificates(Database& db);

// The public identity as a JSON document (format "palabre.org/1"): what
// `org export-public` writes and the partner server reads. Holds no
// secret.
nlohmann::json OrgPublicJson(const OrgIdentity& org,
                             const std::vector<DeviceCertificate>& certs);

}  // namespace palabre

#endif  // PALABRE_CORE_ORGANISATION_H_

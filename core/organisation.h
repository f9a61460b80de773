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

#include "core/device_key.h"
#include "core/secure_buffer.h"
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

// The certificate as JSON (a member of "devices" above) and back; the
// parse treats its input as hostile (kInvalidArgument) and does not check
// the signature.
nlohmann::json CertificateJson(const DeviceCertificate& cert);
StatusOr<DeviceCertificate> ParseCertificateJson(const nlohmann::json& json);

// Reads a palabre.org/1 document (what `palabre serve --org` is given):
// the identity, and its certificates, each checked against the
// organisation's key. kInvalidArgument for anything malformed;
// kPermissionDenied for a certificate the organisation did not sign.
struct OrgPublic {
  OrgIdentity org;
  std::vector<DeviceCertificate> devices;
};
StatusOr<OrgPublic> ParseOrgPublicJson(const nlohmann::json& json);

// A coordinator's organisation keys: the signing key as a DeviceKey
// (device_id is the org id) and the X25519 encryption secret.
struct OrgSecrets {
  DeviceKey signing;
  std::string encryption_key;      // public, 32 bytes
  SecureBuffer encryption_secret;  // 32 bytes
};
// kFailedPrecondition if this vault holds only the public identity (a
// facilitator's); kNotFound if it belongs to no organisation.
StatusOr<OrgSecrets> LoadOrgSecrets(Database& db);

// Records the public identity of the organisation this (a facilitator's)
// vault joins. OK if it already belongs to that very organisation;
// kAlreadyExists if to another.
Status JoinOrganisation(Database& db, const OrgIdentity& org);

// Signs a certificate for a device with the organisation's key and keeps
// it in the vault. kFailedPrecondition without the organisation's secret
// key; kInvalidArgument for a bad role, name or key.
StatusOr<DeviceCertificate> IssueCertificate(Database& db,
                                             std::string_view public_key,
                                             std::string_view role,
                                             std::string_view name,
                                             int64_t now_ms);

// Keeps a certificate (checked against the organisation's key first:
// kPermissionDenied otherwise), replacing the one held for that device.
// `revoked_at` 0 means not revoked.
Status StoreCertificate(Database& db, const DeviceCertificate& cert,
                        int64_t revoked_at);

// Revocation times by device id (devices not revoked are absent).
StatusOr<std::vector<std::pair<std::string, int64_t>>> LoadRevocations(
    Database& db);

// The organisation's word that a device is revoked from `revoked_at`
// (unix ms): what `org revoke` uploads and the server checks.
struct Revocation {
  std::string device_id;  // 32 hex
  int64_t revoked_at = 0;
  std::string signature;  // the organisation's, 64 bytes
};
// The bytes signed: "palabre.revoke/1" 0x00, the organisation's signing
// key (32), device id (16), revoked_at (u64).
StatusOr<std::string> RevocationBytes(const Revocation& revocation,
                                      std::string_view org_signing_key);
// Signs a revocation and marks the device revoked in this vault.
// kFailedPrecondition without the secret key; kNotFound for a device the
// vault holds no certificate for.
StatusOr<Revocation> IssueRevocation(Database& db, std::string_view device_id,
                                     int64_t now_ms);
// kPermissionDenied unless the organisation signed it.
Status VerifyRevocation(const Revocation& revocation,
                        std::string_view org_signing_key);

// What an invitation says (`org invite`): its id, the device's name and
// role, when it expires, and everything the invitation code tells the
// device about its organisation and server (so that no character of the
// code can be changed, by a typo or on purpose, without the signature
// failing: a changed encryption key would wrap every entry for someone
// else); signed by the organisation so that the server can check an
// enrolment without any coordinator online.
struct InviteGrant {
  std::string invite_id;  // 32 hex
  std::string name;
  std::string role;
  int64_t expires_at = 0;      // unix ms
  std::string org_name;        // the organisation's name
  std::string server;          // the server's URL
  std::string encryption_key;  // the organisation's X25519 key, 32 bytes
  std::string tls_pin;         // 32 bytes, or "" if none
  std::string server_key;      // the server's receipt key, 32 bytes, or ""
  std::string signature;       // the organisation's, 64 bytes
};
// "palabre.invite/1" 0x00, the organisation's signing key (32), invite id
// (16), role (u8: 1 facilitator, 2 coordinator), expires_at (u64), name
// (u8 length + bytes), organisation name and server URL (u16 length +
// bytes each), encryption key (32), TLS pin and server key (each a flag
// byte, then 32 bytes if the flag is 1).
StatusOr<std::string> InviteGrantBytes(const InviteGrant& grant,
                                       std::string_view org_signing_key);
// Signs a new grant for `name` and `role`, valid `valid_ms` from `now_ms`,
// naming this vault's organisation and `tls_pin` and `server_key` (either
// may be ""), and keeps the invitation in the vault. Errors as
// IssueCertificate.
StatusOr<InviteGrant> IssueInviteGrant(Database& db, std::string_view name,
                                       std::string_view role, int64_t now_ms,
                                       int64_t valid_ms,
                                       std::string_view tls_pin,
                                       std::string_view server_key);
// The grant as JSON (binary fields in hex) and back; the parse does not
// check the signature and answers kInvalidArgument for malformed input.
nlohmann::json InviteGrantJson(const InviteGrant& grant);
StatusOr<InviteGrant> ParseInviteGrantJson(const nlohmann::json& json);
Status VerifyInviteGrant(const InviteGrant& grant,
                         std::string_view org_signing_key);

}  // namespace palabre

#endif  // PALABRE_CORE_ORGANISATION_H_

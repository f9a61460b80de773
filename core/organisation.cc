// Organisation keys and device certificates (see organisation.h).
#include "core/organisation.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "core/byte_order.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/record.h"
#include "core/sync_state.h"

namespace palabre {
namespace {

constexpr char kCertDomain[] = "palabre.device-cert/1";  // with its NUL
constexpr char kRevokeDomain[] = "palabre.revoke/1";     // with its NUL
constexpr char kInviteDomain[] = "palabre.invite/1";     // with its NUL
constexpr std::size_t kKeyBytes = 32;

std::string OrgIdFor(std::string_view signing_key) {
  return DeviceIdFor(signing_key);  // the same BLAKE2b-128, hex
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8 written as four decimal numbers.
  if (host.substr(0, 4) != "127.") return false;
  int parts = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view part = host.substr(start, dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(part)) > 255) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

uint8_t RoleByte(std::string_view role) {
  if (role == kRoleFacilitator) return 1;
  if (role == kRoleCoordinator) return 2;
  return 0;
}

// A hex field of `json` decoded to exactly `bytes` raw bytes, or "".
std::string HexField(const nlohmann::json& json, const char* key,
                     std::size_t bytes) {
  if (!json.is_object() || !json.contains(key) || !json[key].is_string()) {
    return "";
  }
  const std::string& hex = json[key].get_ref<const std::string&>();
  if (hex.size() != 2 * bytes) return "";
  return FromHex(hex);
}

std::string TextField(const nlohmann::json& json, const char* key) {
  if (!json.is_object() || !json.contains(key) || !json[key].is_string()) {
    return "";
  }
  return json[key].get<std::string>();
}

Status InvalidUrl(std::string_view why) {
  return InvalidArgumentError("--server: " + std::string(why) +
                              " (https://HOST[:PORT], or http:// only on "
                              "this machine: 127.0.0.1, ::1, localhost)");
}

}  // namespace

Status CheckOrgName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("the name is empty");
  if (!IsValidUtf8(name)) return InvalidArgumentError("the name is not UTF-8");
  if (Utf8Length(name) > kMaxOrgNameChars) {
    return InvalidArgumentError(
        "the name is over " + std::to_string(kMaxOrgNameChars) + " characters");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgumentError("the name holds a control character");
    }
  }
  return Status::Ok();
}

Status CheckServerUrl(std::string_view url) {
  if (url.size() > 2000) return InvalidUrl("too long");
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) return InvalidUrl("not a plain ASCII URL");
  }
  bool tls = false;
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    tls = true;
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else {
    return InvalidUrl("not an https:// URL");
  }
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidUrl("user names in the URL are not allowed");
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidUrl("bad IPv6 host");
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return InvalidUrl("bad port");
      port = authority.substr(close + 2);
      has_port = true;
    }
  } else if (const std::size_t colon = authority.rfind(':');
             colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty() || host == "[]") return InvalidUrl("no host");
  if (has_port) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) == 0 ||
        std::stoi(std::string(port)) > 65535) {
      return InvalidUrl("bad port");
    }
  }
  if (!tls && !IsLoopbackHost(host)) {
    return InvalidUrl("plain http:// is refused for a host off this machine");
  }
  return Status::Ok();
}

StatusOr<std::string> CertificateBytes(const DeviceCertificate& cert,
                                       std::string_view org_signing_key) {
  const uint8_t role = RoleByte(cert.role);
  if (role == 0) return InvalidArgumentError("unknown device role");
  if (!IsHexId(cert.device_id) || !IsHexId(cert.org_id)) {
    return InvalidArgumentError("an id is not 32 hex characters");
  }
  if (cert.public_key.size() != kKeyBytes ||
      org_signing_key.size() != kKeyBytes) {
    return InvalidArgumentError("a key is not 32 bytes");
  }
  if (cert.name.size() > 255) {
    return InvalidArgumentError("the device name is too long");
  }
  std::string out(kCertDomain, sizeof kCertDomain);
  out += org_signing_key;
  out += FromHex(cert.device_id);
  out += cert.public_key;
  out += static_cast<char>(role);
  PutU64(out, static_cast<uint64_t>(cert.issued_at));
  out += static_cast<char>(cert.name.size());
  out += cert.name;
  return out;
}

Status VerifyCertificate(const DeviceCertificate& cert,
                         std::string_view org_signing_key) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           CertificateBytes(cert, org_signing_key));
  if (cert.org_id != OrgIdFor(org_signing_key) ||
      DeviceIdFor(cert.public_key) != cert.device_id ||
      !VerifySignature(org_signing_key, bytes, cert.signature)) {
    return PermissionDeniedError("the certificate of device " +
                                 cert.device_id.substr(0, 8) +
                                 " is not signed by this organisation");
  }
  return Status::Ok();
}

namespace {

Status InsertCertificate(Database& db, const DeviceCertificate& cert,
                         int64_t revoked_at) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT OR REPLACE INTO device_certificates(device_id, "
                 "org_id, public_key, role, name, issued_at, signature, "
                 "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, cert.device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(2, cert.org_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(3, cert.public_key));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(4, cert.role));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(5, cert.name));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(6, cert.issued_at));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(7, cert.signature));
  if (revoked_at > 0) {
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(8, revoked_at));
  } else {
    PALABRE_RETURN_IF_ERROR(stmt.BindNull(8));
  }
  return stmt.Run();
}

}  // namespace

StatusOr<OrgIdentity> InitOrganisation(Database& db, std::string_view name,
                                       std::string_view server,
                                       std::string_view device_name,
                                       int64_t now_ms) {
  PALABRE_RETURN_IF_ERROR(CheckOrgName(name));
  PALABRE_RETURN_IF_ERROR(CheckServerUrl(server));
  PALABRE_RETURN_IF_ERROR(CheckOrgName(device_name));
  PALABRE_ASSIGN_OR_RETURN(DeviceKey device, LoadDeviceKey(db));
  OrgIdentity org;
  org.name = std::string(name);
  org.server = std::string(server);
  std::string signing_secret(crypto_sign_SECRETKEYBYTES, '\0');
  org.signing_key.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<uint8_t*>(org.signing_key.data()),
                      reinterpret_cast<uint8_t*>(signing_secret.data()));
  std::string encryption_secret(crypto_box_SECRETKEYBYTES, '\0');
  org.encryption_key.resize(crypto_box_PUBLICKEYBYTES);
  crypto_box_keypair(reinterpret_cast<uint8_t*>(org.encryption_key.data()),
                     reinterpret_cast<uint8_t*>(encryption_secret.data()));
  org.org_id = OrgIdFor(org.signing_key);

  DeviceCertificate cert;
  cert.org_id = org.org_id;
  cert.device_id = device.device_id;
  cert.public_key = device.public_key;
  cert.role = kRoleCoordinator;
  cert.name = std::string(device_name);
  cert.issued_at = now_ms;
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           CertificateBytes(cert, org.signing_key));
  cert.signature.resize(crypto_sign_BYTES);
  crypto_sign_detached(reinterpret_cast<uint8_t*>(cert.signature.data()),
                       nullptr, reinterpret_cast<const uint8_t*>(bytes.data()),
                       bytes.size(),
                       reinterpret_cast<const uint8_t*>(signing_secret.data()));

  Status status = db.Transaction([&]() -> Status {
    PALABRE_ASSIGN_OR_RETURN(int64_t existing,
                             db.QueryInt("SELECT count(*) FROM organisation"));
    if (existing != 0) {
      return AlreadyExistsError(
          "this vault already belongs to an organisation");
    }
    PALABRE_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO organisation(id, org_id, name, server, "
                   "signing_key, signing_secret, encryption_key, "
                   "encryption_secret, created_at) "
                   "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    PALABRE_RETURN_IF_ERROR(insert.BindText(1, org.org_id));
    PALABRE_RETURN_IF_ERROR(insert.BindText(2, org.name));
    PALABRE_RETURN_IF_ERROR(insert.BindText(3, org.server));
    PALABRE_RETURN_IF_ERROR(insert.BindBlob(4, org.signing_key));
    PALABRE_RETURN_IF_ERROR(insert.BindBlob(5, signing_secret));
    PALABRE_RETURN_IF_ERROR(insert.BindBlob(6, org.encryption_key));
    PALABRE_RETURN_IF_ERROR(insert.BindBlob(7, encryption_secret));
    PALABRE_RETURN_IF_ERROR(insert.BindInt(8, now_ms));
    PALABRE_RETURN_IF_ERROR(insert.Run());
    return InsertCertificate(db, cert, 0);
  });
  sodium_memzero(signing_secret.data(), signing_secret.size());
  sodium_memzero(encryption_secret.data(), encryption_secret.size());
  PALABRE_RETURN_IF_ERROR(status);
  return org;
}

StatusOr<OrgIdentity> LoadOrgIdentity(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT org_id, name, server, signing_key, encryption_key "
                 "FROM organisation WHERE id = 1"));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return NotFoundError(
        "this vault belongs to no organisation (palabre org init on a "
        "coordinator's vault, palabre enroll CODE on a facilitator's)");
  }
  return OrgIdentity{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
                     stmt.ColumnText(3), stmt.ColumnText(4)};
}

StatusOr<std::vector<DeviceCertificate>> LoadCertificates(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT org_id, device_id, public_key, role, name, "
                 "issued_at, signature FROM device_certificates "
                 "ORDER BY device_id"));
  std::vector<DeviceCertificate> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
                   stmt.ColumnText(3), stmt.ColumnText(4), stmt.ColumnInt(5),
                   stmt.ColumnText(6)});
  }
}

nlohmann::json CertificateJson(const DeviceCertificate& c) {
  return {{"device_id", c.device_id}, {"public_key", ToHex(c.public_key)},
          {"role", c.role},           {"name", c.name},
          {"issued_at", c.issued_at}, {"signature", ToHex(c.signature)}};
}

StatusOr<DeviceCertificate> ParseCertificateJson(const nlohmann::json& j) {
  DeviceCertificate c;
  c.device_id = TextField(j, "device_id");
  c.public_key = HexField(j, "public_key", kKeyBytes);
  c.role = TextField(j, "role");
  c.name = TextField(j, "name");
  c.signature = HexField(j, "signature", crypto_sign_BYTES);
  if (!IsHexId(c.device_id) || c.public_key.empty() || RoleByte(c.role) == 0 ||
      c.signature.empty() || !CheckOrgName(c.name).ok() ||
      !j.contains("issued_at") || !j["issued_at"].is_number_integer() ||
      j["issued_at"].get<int64_t>() < 0) {
    return InvalidArgumentError("a malformed device certificate");
  }
  c.issued_at = j["issued_at"].get<int64_t>();
  return c;
}

nlohmann::json OrgPublicJson(const OrgIdentity& org,
                             const std::vector<DeviceCertificate>& certs) {
  nlohmann::json devices = nlohmann::json::array();
  for (const DeviceCertificate& c : certs)
    devices.push_back(CertificateJson(c));
  return {{"format", "palabre.org/1"},
          {"org_id", org.org_id},
          {"name", org.name},
          {"server", org.server},
          {"signing_key", ToHex(org.signing_key)},
          {"encryption_key", ToHex(org.encryption_key)},
          {"devices", devices}};
}

StatusOr<OrgPublic> ParseOrgPublicJson(const nlohmann::json& j) {
  if (TextField(j, "format") != "palabre.org/1") {
    return InvalidArgumentError("not a palabre.org/1 document");
  }
  OrgPublic out;
  out.org.org_id = TextField(j, "org_id");
  out.org.name = TextField(j, "name");
  out.org.server = TextField(j, "server");
  out.org.signing_key = HexField(j, "signing_key", kKeyBytes);
  out.org.encryption_key = HexField(j, "encryption_key", kKeyBytes);
  if (out.org.signing_key.empty() || out.org.encryption_key.empty() ||
      out.org.org_id != OrgIdFor(out.org.signing_key) ||
      !CheckOrgName(out.org.name).ok() ||
      !CheckServerUrl(out.org.server).ok()) {
    return InvalidArgumentError(
        "the organisation's name, server, id or keys are malformed");
  }
  if (!j.contains("devices") || !j["devices"].is_array()) {
    return InvalidArgumentError("the document lists no devices");
  }
  for (const nlohmann::json& d : j["devices"]) {
    PALABRE_ASSIGN_OR_RETURN(DeviceCertificate cert, ParseCertificateJson(d));
    cert.org_id = out.org.org_id;
    PALABRE_RETURN_IF_ERROR(VerifyCertificate(cert, out.org.signing_key));
    out.devices.push_back(std::move(cert));
  }
  return out;
}

StatusOr<OrgSecrets> LoadOrgSecrets(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT signing_secret, encryption_secret FROM organisation "
                 "WHERE id = 1 AND signing_secret IS NOT NULL AND "
                 "encryption_secret IS NOT NULL"));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return FailedPreconditionError(
        "this vault holds only the organisation's public identity; a "
        "coordinator's vault (the one that ran org init) is needed");
  }
  std::string signing = stmt.ColumnText(0);
  std::string encryption = stmt.ColumnText(1);
  OrgSecrets out;
  out.signing.device_id = org.org_id;
  out.signing.public_key = org.signing_key;
  out.signing.secret_key = SecureBuffer::CopyOf(signing);
  out.encryption_key = org.encryption_key;
  out.encryption_secret = SecureBuffer::CopyOf(encryption);
  sodium_memzero(signing.data(), signing.size());
  sodium_memzero(encryption.data(), encryption.size());
  if (out.signing.secret_key.size() != crypto_sign_SECRETKEYBYTES ||
      out.encryption_secret.size() != crypto_box_SECRETKEYBYTES) {
    return DataLossError("the organisation's secret keys are malformed");
  }
  return out;
}

Status JoinOrganisation(Database& db, const OrgIdentity& org) {
  if (org.org_id != OrgIdFor(org.signing_key) ||
      org.encryption_key.size() != kKeyBytes) {
    return InvalidArgumentError("a malformed organisation identity");
  }
  PALABRE_RETURN_IF_ERROR(CheckOrgName(org.name));
  PALABRE_RETURN_IF_ERROR(CheckServerUrl(org.server));
  return db.Transaction([&]() -> Status {
    StatusOr<OrgIdentity> held = LoadOrgIdentity(db);
    if (held.ok()) {
      if (held->org_id == org.org_id) return Status::Ok();
      return AlreadyExistsError("this vault belongs to another organisation (" +
                                held->name + ")");
    }
    if (held.status().code() != StatusCode::kNotFound) return held.status();
    PALABRE_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO organisation(id, org_id, name, server, "
                   "signing_key, encryption_key, created_at) "
                   "VALUES (1, ?1, ?2, ?3, ?4, ?5, "
                   "CAST(strftime('%s', 'now') AS INTEGER) * 1000)"));
    PALABRE_RETURN_IF_ERROR(insert.BindText(1, org.org_id));
    PALABRE_RETURN_IF_ERROR(insert.BindText(2, org.name));
    PALABRE_RETURN_IF_ERROR(insert.BindText(3, org.server));
    PALABRE_RETURN_IF_ERROR(insert.BindBlob(4, org.signing_key));
    PALABRE_RETURN_IF_ERROR(insert.BindBlob(5, org.encryption_key));
    return insert.Run();
  });
}

StatusOr<DeviceCertificate> IssueCertificate(Database& db,
                                             std::string_view public_key,
                                             std::string_view role,
                                             std::string_view name,
                                             int64_t now_ms) {
  PALABRE_RETURN_IF_ERROR(CheckOrgName(name));
  PALABRE_ASSIGN_OR_RETURN(OrgSecrets secrets, LoadOrgSecrets(db));
  DeviceCertificate cert;
  cert.org_id = secrets.signing.device_id;
  cert.device_id = DeviceIdFor(public_key);
  cert.public_key = std::string(public_key);
  cert.role = std::string(role);
  cert.name = std::string(name);
  cert.issued_at = now_ms;
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           CertificateBytes(cert, secrets.signing.public_key));
  cert.signature = Sign(secrets.signing, bytes);
  PALABRE_RETURN_IF_ERROR(InsertCertificate(db, cert, 0));
  return cert;
}

Status StoreCertificate(Database& db, const DeviceCertificate& cert,
                        int64_t revoked_at) {
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  DeviceCertificate c = cert;
  c.org_id = org.org_id;
  PALABRE_RETURN_IF_ERROR(VerifyCertificate(c, org.signing_key));
  return InsertCertificate(db, c, revoked_at);
}

StatusOr<std::vector<std::pair<std::string, int64_t>>> LoadRevocations(
    Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT device_id, revoked_at FROM device_certificates "
                 "WHERE revoked_at IS NOT NULL ORDER BY device_id"));
  std::vector<std::pair<std::string, int64_t>> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.emplace_back(stmt.ColumnText(0), stmt.ColumnInt(1));
  }
}

StatusOr<std::string> RevocationBytes(const Revocation& r,
                                      std::string_view org_signing_key) {
  if (!IsHexId(r.device_id) || org_signing_key.size() != kKeyBytes ||
      r.revoked_at < 0) {
    return InvalidArgumentError("a malformed revocation");
  }
  std::string out(kRevokeDomain, sizeof kRevokeDomain);
  out += org_signing_key;
  out += FromHex(r.device_id);
  PutU64(out, static_cast<uint64_t>(r.revoked_at));
  return out;
}

StatusOr<Revocation> IssueRevocation(Database& db, std::string_view device_id,
                                     int64_t now_ms) {
  PALABRE_ASSIGN_OR_RETURN(OrgSecrets secrets, LoadOrgSecrets(db));
  Revocation r;
  r.device_id = std::string(device_id);
  r.revoked_at = now_ms;
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           RevocationBytes(r, secrets.signing.public_key));
  r.signature = Sign(secrets.signing, bytes);
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("UPDATE device_certificates SET revoked_at = "
                 "coalesce(revoked_at, ?2) WHERE device_id = ?1"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, now_ms));
  PALABRE_RETURN_IF_ERROR(stmt.Run());
  PALABRE_ASSIGN_OR_RETURN(int64_t changed, db.QueryInt("SELECT changes()"));
  if (changed == 0) {
    return NotFoundError("this vault holds no certificate for device " +
                         std::string(device_id));
  }
  return r;
}

Status VerifyRevocation(const Revocation& r, std::string_view org_signing_key) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           RevocationBytes(r, org_signing_key));
  if (!VerifySignature(org_signing_key, bytes, r.signature)) {
    return PermissionDeniedError(
        "the revocation is not signed by this organisation");
  }
  return Status::Ok();
}

StatusOr<std::string> InviteGrantBytes(const InviteGrant& g,
                                       std::string_view org_signing_key) {
  const uint8_t role = RoleByte(g.role);
  if (role == 0 || !IsHexId(g.invite_id) ||
      org_signing_key.size() != kKeyBytes || g.name.size() > 255 ||
      g.expires_at < 0 || g.org_name.size() > 0xffff ||
      g.server.size() > 0xffff || g.encryption_key.size() != kKeyBytes ||
      (!g.tls_pin.empty() && g.tls_pin.size() != 32) ||
      (!g.server_key.empty() && g.server_key.size() != kKeyBytes)) {
    return InvalidArgumentError("a malformed invitation");
  }
  std::string out(kInviteDomain, sizeof kInviteDomain);
  out += org_signing_key;
  out += FromHex(g.invite_id);
  out += static_cast<char>(role);
  PutU64(out, static_cast<uint64_t>(g.expires_at));
  out += static_cast<char>(g.name.size());
  out += g.name;
  PutU16Prefixed(out, g.org_name);
  PutU16Prefixed(out, g.server);
  out += g.encryption_key;
  PutFlagged(out, g.tls_pin);
  PutFlagged(out, g.server_key);
  return out;
}

StatusOr<InviteGrant> IssueInviteGrant(Database& db, std::string_view name,
                                       std::string_view role, int64_t now_ms,
                                       int64_t valid_ms,
                                       std::string_view tls_pin,
                                       std::string_view server_key) {
  PALABRE_RETURN_IF_ERROR(CheckOrgName(name).WithContext("--name"));
  if (RoleByte(role) == 0) {
    return InvalidArgumentError("--role: facilitator or coordinator");
  }
  PALABRE_ASSIGN_OR_RETURN(OrgSecrets secrets, LoadOrgSecrets(db));
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  InviteGrant g;
  g.invite_id = NewRecordId();
  g.name = std::string(name);
  g.role = std::string(role);
  g.expires_at = now_ms + valid_ms;
  g.org_name = org.name;
  g.server = org.server;
  g.encryption_key = org.encryption_key;
  g.tls_pin = std::string(tls_pin);
  g.server_key = std::string(server_key);
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           InviteGrantBytes(g, secrets.signing.public_key));
  g.signature = Sign(secrets.signing, bytes);
  PALABRE_RETURN_IF_ERROR(StoreInvitation(
      db, Invitation{g.invite_id, g.name, g.role, now_ms, g.expires_at}));
  return g;
}

nlohmann::json InviteGrantJson(const InviteGrant& g) {
  return {{"invite_id", g.invite_id},
          {"name", g.name},
          {"role", g.role},
          {"expires_at", g.expires_at},
          {"org_name", g.org_name},
          {"server", g.server},
          {"encryption_key", ToHex(g.encryption_key)},
          {"tls_pin", ToHex(g.tls_pin)},
          {"server_key", ToHex(g.server_key)},
          {"signature", ToHex(g.signature)}};
}

StatusOr<InviteGrant> ParseInviteGrantJson(const nlohmann::json& j) {
  InviteGrant g;
  g.invite_id = TextField(j, "invite_id");
  g.name = TextField(j, "name");
  g.role = TextField(j, "role");
  g.org_name = TextField(j, "org_name");
  g.server = TextField(j, "server");
  g.encryption_key = HexField(j, "encryption_key", kKeyBytes);
  g.tls_pin = HexField(j, "tls_pin", 32);
  g.server_key = HexField(j, "server_key", kKeyBytes);
  g.signature = HexField(j, "signature", crypto_sign_BYTES);
  if (!IsHexId(g.invite_id) || RoleByte(g.role) == 0 ||
      g.encryption_key.empty() || g.signature.empty() ||
      !j.contains("expires_at") || !j["expires_at"].is_number_integer() ||
      (!TextField(j, "tls_pin").empty() && g.tls_pin.empty()) ||
      (!TextField(j, "server_key").empty() && g.server_key.empty())) {
    return InvalidArgumentError("a malformed invitation grant");
  }
  g.expires_at = j["expires_at"].get<int64_t>();
  return g;
}

Status VerifyInviteGrant(const InviteGrant& g,
                         std::string_view org_signing_key) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           InviteGrantBytes(g, org_signing_key));
  if (!VerifySignature(org_signing_key, bytes, g.signature)) {
    return PermissionDeniedError(
        "the invitation is not signed by this organisation");
  }
  return Status::Ok();
}

}  // namespace palabre

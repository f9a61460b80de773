// Organisation keys and device certificates (see organisation.h).
#include "core/organisation.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "core/byte_order.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/record.h"

namespace palabre {
namespace {

constexpr char kCertDomain[] = "palabre.device-cert/1";  // with its NUL
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
  uint8_t role = 0;
  if (cert.role == kRoleFacilitator) role = 1;
  if (cert.role == kRoleCoordinator) role = 2;
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
    PALABRE_ASSIGN_OR_RETURN(
        Statement cert_insert,
        db.Prepare("INSERT OR REPLACE INTO device_certificates(device_id, "
                   "org_id, public_key, role, name, issued_at, signature) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindText(1, cert.device_id));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindText(2, cert.org_id));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindBlob(3, cert.public_key));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindText(4, cert.role));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindText(5, cert.name));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindInt(6, cert.issued_at));
    PALABRE_RETURN_IF_ERROR(cert_insert.BindBlob(7, cert.signature));
    return cert_insert.Run();
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
        "this vault belongs to no organisation (palabre org init)");
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

nlohmann::json OrgPublicJson(const OrgIdentity& org,
                             const std::vector<DeviceCertificate>& certs) {
  nlohmann::json devices = nlohmann::json::array();
  for (const DeviceCertificate& c : certs) {
    devices.push_back({{"device_id", c.device_id},
                       {"public_key", ToHex(c.public_key)},
                       {"role", c.role},
                       {"name", c.name},
                       {"issued_at", c.issued_at},
                       {"signature", ToHex(c.signature)}});
  }
  return {{"format", "palabre.org/1"},
          {"org_id", org.org_id},
          {"name", org.name},
          {"server", org.server},
          {"signing_key", ToHex(org.signing_key)},
          {"encryption_key", ToHex(org.encryption_key)},
          {"devices", devices}};
}

}  // namespace palabre

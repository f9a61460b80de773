// Invitation codes (sync/invite.h).
#include "sync/invite.h"

#include <sodium.h>

#include "core/byte_order.h"

namespace palabre::sync {
namespace {

bool TakeShort(std::string_view& in, std::string* out) {
  if (in.size() < 2) return false;
  const std::size_t n =
      (static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]);
  if (in.size() < 2 + n) return false;
  *out = std::string(in.substr(2, n));
  in.remove_prefix(2 + n);
  return true;
}

bool TakeFixed(std::string_view& in, std::size_t n, std::string* out) {
  if (in.size() < n) return false;
  *out = std::string(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

// An optional 32-byte key: a flag byte, then the key if the flag is 1.
bool TakeOptionalKey(std::string_view& in, std::string* out) {
  std::string flag;
  if (!TakeFixed(in, 1, &flag)) return false;
  if (flag[0] == 0) return true;
  return flag[0] == 1 && TakeFixed(in, 32, out);
}

}  // namespace

std::string ToBase64Url(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string FromBase64Url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t n = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()),
                        out.size(), text.data(), text.size(), nullptr, &n, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return "";
  }
  out.resize(n);
  return out;
}

std::string EncodeInviteCode(const InviteCode& c) {
  std::string b;
  b += '\x01';  // version
  PutU16Prefixed(b, c.org.server);
  PutFlagged(b, c.tls_pin);
  PutFlagged(b, c.server_key);
  PutU16Prefixed(b, c.org.name);
  b += c.org.signing_key;
  b += c.org.encryption_key;
  b += FromHex(c.grant.invite_id);
  b += c.grant.role == kRoleCoordinator ? '\x02' : '\x01';
  PutU64(b, static_cast<uint64_t>(c.grant.expires_at));
  PutU16Prefixed(b, c.grant.name);
  b += c.grant.signature;
  return kInvitePrefix + ToBase64Url(b);
}

StatusOr<InviteCode> DecodeInviteCode(std::string_view text) {
  const Status bad = InvalidArgumentError(
      "this is not a palabre invitation code (it starts with " +
      std::string(kInvitePrefix) + " and is one line: copy all of it)");
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.substr(0, sizeof(kInvitePrefix) - 1) != kInvitePrefix ||
      text.size() > 4096) {
    return bad;
  }
  const std::string raw = FromBase64Url(text.substr(sizeof(kInvitePrefix) - 1));
  std::string_view in(raw);
  InviteCode c;
  std::string version, id, role, expires;
  if (!TakeFixed(in, 1, &version) || version[0] != 1 ||
      !TakeShort(in, &c.org.server) || !TakeOptionalKey(in, &c.tls_pin) ||
      !TakeOptionalKey(in, &c.server_key) || !TakeShort(in, &c.org.name) ||
      !TakeFixed(in, 32, &c.org.signing_key) ||
      !TakeFixed(in, 32, &c.org.encryption_key) || !TakeFixed(in, 16, &id) ||
      !TakeFixed(in, 1, &role) || !TakeFixed(in, 8, &expires) ||
      !TakeShort(in, &c.grant.name) || !TakeFixed(in, 64, &c.grant.signature) ||
      !in.empty()) {
    return bad;
  }
  if (role[0] != 1 && role[0] != 2) return bad;
  c.org.org_id = DeviceIdFor(c.org.signing_key);
  c.grant.invite_id = ToHex(id);
  c.grant.role = role[0] == 2 ? kRoleCoordinator : kRoleFacilitator;
  const uint64_t at = GetU64(expires);
  if (at > static_cast<uint64_t>(INT64_MAX)) return bad;
  c.grant.expires_at = static_cast<int64_t>(at);
  if (!CheckServerUrl(c.org.server).ok() || !CheckOrgName(c.org.name).ok() ||
      !CheckOrgName(c.grant.name).ok()) {
    return bad;
  }
  // Every field of the code is under the organisation's signature.
  c.grant.org_name = c.org.name;
  c.grant.server = c.org.server;
  c.grant.encryption_key = c.org.encryption_key;
  c.grant.tls_pin = c.tls_pin;
  c.grant.server_key = c.server_key;
  if (!VerifyInviteGrant(c.grant, c.org.signing_key).ok()) {
    return InvalidArgumentError(
        "this invitation code is damaged or forged: its organisation did not "
        "sign it as it is (copy the whole code again)");
  }
  return c;
}

}  // namespace palabre::sync

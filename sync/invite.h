// The invitation code: one line a coordinator hands to a new device
// (`palabre org invite`, then `palabre enroll CODE` on the device).
//
// It carries everything the device needs to join without any other channel:
// the server's URL and, when it uses TLS, the hash of its public key (the
// device pins it from then on); the server's receipt key if the coordinator
// knows it; the organisation's name and public keys; and the grant the
// organisation signed (invitation id, the device's name and role, expiry).
// The grant is the one-time secret: the server checks its signature with
// the organisation's key, refuses it after it expires, and accepts each
// invitation id once. Whoever holds the code can enrol once, so it travels
// like a password; a coordinator still approves every enrolment.
//
// Text form: "palabre-invite-1:" then the unpadded URL-safe base64 of the
// binary form (docs/protocol.md, "Invitation code").
#ifndef PALABRE_SYNC_INVITE_H_
#define PALABRE_SYNC_INVITE_H_

#include <string>
#include <string_view>

#include "core/organisation.h"
#include "platform/status.h"

namespace palabre::sync {

inline constexpr char kInvitePrefix[] = "palabre-invite-1:";
// Seven days, the default life of an invitation.
inline constexpr int64_t kDefaultInviteMs = 7LL * 24 * 3600 * 1000;

// The fields of `org`, `tls_pin` and `server_key` are also the grant's
// (which the organisation signs): EncodeInviteCode writes them from here,
// DecodeInviteCode fills both and checks the signature over all of them.
struct InviteCode {
  OrgIdentity org;         // name, server, keys (org_id derived)
  std::string tls_pin;     // 32 bytes, or "" for plain HTTP on loopback
  std::string server_key;  // 32 bytes, or "" if not known yet
  InviteGrant grant;
};

std::string EncodeInviteCode(const InviteCode& code);
// Hostile input: kInvalidArgument with the reason for anything but a
// well-formed code (the grant's signature is checked too: a code whose
// grant the organisation in it did not sign is refused).
StatusOr<InviteCode> DecodeInviteCode(std::string_view text);

// Base64 (URL-safe, no padding) and back ("" if not valid base64).
std::string ToBase64Url(std::string_view bytes);
std::string FromBase64Url(std::string_view text);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_INVITE_H_

// Bundle files (sync/bundle.h).
#include "sync/bundle.h"

#include "core/byte_order.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_import.h"
#include "core/entry_log.h"
#include "core/organisation.h"
#include "sync/protocol.h"

namespace palabre::sync {

std::string EncodeBundle(const Bundle& bundle) {
  std::string out = "PLBN";
  out += '\x01';
  out += FromHex(bundle.org_id);
  PutU32(out, static_cast<uint32_t>(bundle.envelopes.size()));
  for (const std::string& e : bundle.envelopes) {
    PutU32(out, static_cast<uint32_t>(e.size()));
    out += e;
  }
  return out;
}

StatusOr<Bundle> DecodeBundle(std::string_view in) {
  const Status bad = InvalidArgumentError(
      "this is not a palabre bundle (made by palabre sync --to-file), or it "
      "is damaged or cut short");
  if (in.size() < 25 || in.substr(0, 4) != "PLBN" || in[4] != 1) return bad;
  Bundle out;
  out.org_id = ToHex(in.substr(5, 16));
  const uint32_t count = GetU32(in.substr(21));
  in.remove_prefix(25);
  if (count > in.size() / 4) return bad;
  out.envelopes.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (in.size() < 4) return bad;
    const uint32_t n = GetU32(in);
    in.remove_prefix(4);
    if (in.size() < n) return bad;
    out.envelopes.emplace_back(in.substr(0, n));
    in.remove_prefix(n);
  }
  if (!in.empty()) return bad;
  return out;
}

StatusOr<Bundle> MakeBundle(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  Bundle out;
  out.org_id = org.org_id;
  const std::vector<std::string> recipients = {org.encryption_key};
  PALABRE_RETURN_IF_ERROR(
      ForEachEntry(db, /*by_chain=*/true, [&](const Entry& e) -> Status {
        PALABRE_ASSIGN_OR_RETURN(Envelope env, EnvelopeForEntry(e, recipients));
        out.envelopes.push_back(EncodeEnvelope(env));
        return Status::Ok();
      }));
  return out;
}

StatusOr<BundleImport> ImportBundle(Database& db, const Bundle& bundle) {
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  if (bundle.org_id != org.org_id) {
    return PermissionDeniedError(
        "this bundle belongs to another organisation (" +
        bundle.org_id.substr(0, 8) + "); nothing was imported");
  }
  PALABRE_ASSIGN_OR_RETURN(EnvelopeImport envelopes,
                           EnvelopeImport::Create(db, false));
  BundleImport out;
  PALABRE_RETURN_IF_ERROR(RunImport(db, [&](EntryImporter& importer) -> Status {
    out.added = 0;
    out.duplicates = 0;
    for (const std::string& bytes : bundle.envelopes) {
      bool refused = false;
      PALABRE_ASSIGN_OR_RETURN(bool is_new,
                               envelopes.Add(importer, bytes, &refused));
      if (is_new) {
        ++out.added;
      } else if (!refused) {
        ++out.duplicates;
      }
    }
    return Status::Ok();
  }));
  out.rejected = envelopes.rejections();
  return out;
}

}  // namespace palabre::sync

// The sync button of `palabre ui` (ui/api.h): start a sync in the
// background (ui/sync_runner.h, the same sync::RunSync as `palabre sync`)
// and report its progress, then its outcome. The outcome is kept in the
// vault (sync/last_sync.h), so the page shows the last sync whether it ran
// from here or from the command line.
#include "core/organisation.h"
#include "sync/last_sync.h"
#include "ui/api.h"
#include "ui/api_util.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultMaxWaitMs = 120000;

json LastJson(const std::optional<sync::LastSync>& last) {
  if (!last.has_value()) return nullptr;
  return {{"finished_at", last->finished_at},
          {"ok", last->ok},
          {"code", last->ok ? json(nullptr) : json(last->code)},
          {"message", last->ok ? json(nullptr) : json(last->message)},
          {"pushed", last->pushed},
          {"pulled", last->pulled},
          {"rejected", last->rejected},
          {"attempts", last->attempts}};
}

json ProgressJson(const sync::SyncProgress& p) {
  return {{"stage", p.stage},
          {"pushed", p.pushed},
          {"to_push", p.to_push},
          {"pulled", p.pulled},
          {"attempts", p.attempts}};
}

}  // namespace

ApiReply Api::SyncState() {
  // While a sync runs it holds the vault: answer from memory.
  SyncSnapshot snap = sync_->Snapshot();
  if (snap.running) {
    return {200,
            {{"running", true},
             {"enrolled", true},
             {"server", snap.server},
             {"progress", ProgressJson(snap.progress)},
             {"last", LastJson(snap.last)}}};
  }
  json out;
  Status status = vault_.Use([&](Vault& vault, RecordStore&) -> Status {
    StatusOr<OrgIdentity> org = LoadOrgIdentity(vault.db());
    if (!org.ok() && org.status().code() != StatusCode::kNotFound) {
      return org.status();
    }
    PALABRE_ASSIGN_OR_RETURN(std::optional<sync::LastSync> last,
                             sync::LoadLastSync(vault.db()));
    // A sync stopped before it could write its outcome in the vault is
    // known only here; the newer of the two is the last.
    if (snap.last.has_value() &&
        (!last.has_value() || snap.last->finished_at > last->finished_at)) {
      last = snap.last;
    }
    out = {{"running", false},
           {"enrolled", org.ok()},
           {"server", org.ok() ? json(org->server) : json(nullptr)},
           {"progress", nullptr},
           {"last", LastJson(last)}};
    return Status::Ok();
  });
  if (IsBusyError(status)) {
    // A sync started between the snapshot and here.
    snap = sync_->Snapshot();
    if (snap.running) return SyncState();
  }
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::StartSync(const ApiRequest& r) {
  int64_t max_wait_ms = kDefaultMaxWaitMs;
  if (!r.body.empty()) {
    StatusOr<json> body = BodyObject(r);
    if (!body.ok()) return FromStatus(body.status());
    if (body->contains("max_wait_seconds")) {
      const json& v = (*body)["max_wait_seconds"];
      if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
          v.get<int64_t>() > 86400) {
        return ApiError(400, "bad_request",
                        "max_wait_seconds: a whole number from 0 to 86400");
      }
      max_wait_ms = v.get<int64_t>() * 1000;
    }
  }
  Status status = sync_->Start(max_wait_ms);
  if (status.code() == StatusCode::kAlreadyExists) {
    return ApiError(409, "sync_running", status.message());
  }
  if (status.code() == StatusCode::kFailedPrecondition &&
      !IsLockedError(status)) {
    return ApiError(409, "not_enrolled", status.message());
  }
  if (!status.ok()) return FromStatus(status);
  return {202, {{"running", true}}};
}

}  // namespace palabre::ui

// The JSON API of `palabre ui` (ui/api.h).
#include "ui/api.h"

#include <charconv>

#include "core/drafts.h"
#include "core/record.h"
#include "core/record_views_json.h"
#include "ui/api_util.h"
#include "ui/assets.h"
#include "ui/strings.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

constexpr char kSessionDraft[] = "session";

// Resolves a full id the page sent; an unknown one is 404, not bad input.
StatusOr<std::string> Resolved(const StatusOr<std::string>& resolved,
                               const std::string& id) {
  if (resolved.ok()) return *resolved;
  if (resolved.status().code() == StatusCode::kInvalidArgument) {
    return NotFoundError("no record with id " + id.substr(0, 32));
  }
  return resolved.status();
}

json Words(std::span<const std::string_view> words) {
  json out = json::array();
  for (std::string_view w : words) out.push_back(std::string(w));
  return out;
}

}  // namespace

ApiReply ApiError(int status, std::string_view code, std::string_view message) {
  return {status,
          {{"error",
            {{"code", std::string(code)}, {"message", std::string(message)}}}}};
}

Api::Api(VaultHolder& vault, std::function<std::string()> today,
         std::function<int64_t()> now_ms)
    : vault_(vault),
      today_(std::move(today)),
      now_ms_(std::move(now_ms)),
      sync_(std::make_unique<SyncRunner>(vault_, now_ms_)) {}

Api::~Api() = default;

ApiReply Api::Handle(const ApiRequest& r) {
  const std::string& p = r.path;
  const bool get = r.method == "GET";
  const bool post = r.method == "POST";
  if (p == "/api/state" && get) return State(r);
  if (p == "/api/unlock" && post) return Unlock(r);
  if (p == "/api/lock" && post) return Lock();
  if (p == "/api/vocabulary" && get) return Vocabulary();
  if (StartsWith(p, "/api/i18n/") && get) return Strings(p.substr(10));
  if (p == "/api/sessions" && get) return ListSessions(r);
  if (p == "/api/sessions" && post) return AddSession(r);
  if (StartsWith(p, "/api/sessions/") && get) return ShowSession(p.substr(14));
  if (p == "/api/commitments" && get) return ListCommitments(r);
  constexpr std::string_view kCommitments = "/api/commitments/";
  constexpr std::string_view kFollowUps = "/follow-ups";
  if (StartsWith(p, kCommitments)) {
    std::string rest = p.substr(kCommitments.size());
    if (get && rest.find('/') == std::string::npos) {
      return ShowCommitment(rest);
    }
    if (post && rest.size() > kFollowUps.size() &&
        rest.substr(rest.size() - kFollowUps.size()) == kFollowUps) {
      return AddFollowUp(rest.substr(0, rest.size() - kFollowUps.size()), r);
    }
  }
  if (p == "/api/draft") return Draft(r);
  if (p == "/api/wipe" && post) return Wipe(r);
  if (p == "/api/report" && get) return ShowReport(r);
  if (p == "/api/brief" && get) return ShowBrief(r);
  if (p == "/api/sync" && get) return SyncState();
  if (p == "/api/sync" && post) return StartSync(r);
  return ApiError(404, "not_found", "no such API: " + r.method + " " + p);
}

ApiReply Api::State(const ApiRequest& r) {
  json languages = json::array();
  for (const Asset& a : AllAssets()) {
    constexpr std::string_view kDir = "i18n/";
    if (StartsWith(a.name, kDir) && a.name.ends_with(".json")) {
      languages.push_back(std::string(
          a.name.substr(kDir.size(), a.name.size() - kDir.size() - 5)));
    }
  }
  return {200,
          {{"locked", vault_.locked()},
           {"csrf", r.csrf},
           {"idle_lock_seconds", vault_.idle_ms() / 1000},
           {"languages", languages},
           {"today", today_()},
           {"version", PALABRE_VERSION}}};
}

ApiReply Api::Unlock(const ApiRequest& r) {
  StatusOr<json> body = BodyObject(r);
  if (!body.ok()) return FromStatus(body.status());
  if (!body->contains("passphrase") || !(*body)["passphrase"].is_string()) {
    return ApiError(400, "bad_request", "passphrase: missing");
  }
  std::string passphrase = (*body)["passphrase"].get<std::string>();
  Status status = vault_.Unlock(passphrase);
  std::fill(passphrase.begin(), passphrase.end(), '\0');
  if (!status.ok()) return FromStatus(status);
  return {200, {{"locked", false}}};
}

ApiReply Api::Lock() {
  Status status = vault_.Lock();
  if (!status.ok()) return FromStatus(status);
  return {200, {{"locked", true}}};
}

ApiReply Api::Strings(const std::string& language) {
  const json* table = StringTable(language);
  if (table == nullptr) {
    return ApiError(404, "not_found", "no strings for this language");
  }
  return {200, *table};
}

ApiReply Api::Vocabulary() {
  return {200,
          {{"kinds", Words(SessionKinds())},
           {"groups", Words(StakeholderGroups())},
           {"categories", Words(ConcernCategories())},
           {"sexes", Words(SexKeys())},
           {"ages", Words(AgeKeys())},
           {"attributions", Words(AttributionRules())},
           {"statuses", Words(CommitmentStatuses())}}};
}

ApiReply Api::ListSessions(const ApiRequest& r) {
  SessionFilter f;
  f.text = Param(r, "text");
  f.from = Param(r, "from");
  f.to = Param(r, "to");
  f.kind = Param(r, "kind");
  f.country = Param(r, "country");
  f.region = Param(r, "region");
  f.commune = Param(r, "commune");
  for (Status check :
       {CheckDateParam("from", f.from), CheckDateParam("to", f.to),
        CheckWordParam("kind", f.kind, SessionKinds())}) {
    if (!check.ok()) return FromStatus(check);
  }
  StatusOr<int64_t> limit = LimitParam(r);
  if (!limit.ok()) return FromStatus(limit.status());
  f.limit = *limit;
  json out;
  Status status = vault_.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::vector<SessionSummary> list,
                             store.ListSessions(f));
    json sessions = json::array();
    for (const SessionSummary& s : list) {
      sessions.push_back(SessionSummaryJson(s));
    }
    int64_t total = static_cast<int64_t>(list.size());
    if (total == f.limit) {
      PALABRE_ASSIGN_OR_RETURN(total, store.CountSessions(f));
    }
    out = {{"sessions", sessions}, {"total", total}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::ShowSession(const std::string& id) {
  json out;
  Status status = vault_.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::string full,
                             Resolved(store.ResolveSession(id), id));
    PALABRE_ASSIGN_OR_RETURN(json session, store.SessionJson(full));
    PALABRE_ASSIGN_OR_RETURN(std::vector<CommitmentView> commitments,
                             store.SessionCommitments(full, today_()));
    json list = json::array();
    for (const CommitmentView& c : commitments) {
      list.push_back(CommitmentViewJson(c));
    }
    out = {{"session", session}, {"commitments", list}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::AddSession(const ApiRequest& r) {
  // The record rules and the input guards (size, UTF-8, duplicate keys,
  // depth) are core's, as for `session add --file`.
  StatusOr<json> parsed = ParseJsonText(r.body, "session");
  if (!parsed.ok()) return FromStatus(parsed.status(), "invalid_record");
  if (!parsed->is_object()) {
    return ApiError(400, "invalid_record", "the session is not a JSON object");
  }
  if (!parsed->contains("format")) (*parsed)["format"] = "palabre.session/1";
  StatusOr<SessionInput> session = ParseSession(*parsed);
  if (!session.ok()) return FromStatus(session.status(), "invalid_record");
  json out;
  Status status = vault_.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::vector<AddedSession> added,
                             store.AddSessions({*session}));
    out = {{"id", added.front().session},
           {"commitments", added.front().commitments}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status, "invalid_record");
  return {201, out};
}

ApiReply Api::ListCommitments(const ApiRequest& r) {
  CommitmentFilter f;
  f.status = Param(r, "status");
  f.overdue = Param(r, "overdue") == "true" || Param(r, "overdue") == "1";
  f.owner = Param(r, "owner");
  f.country = Param(r, "country");
  f.today = today_();
  StatusOr<int64_t> limit = LimitParam(r);
  if (!limit.ok()) return FromStatus(limit.status());
  f.limit = Param(r, "limit").empty() ? -1 : *limit;
  if (!f.status.empty() && !InVocabulary(CommitmentStatuses(), f.status)) {
    return ApiError(400, "bad_request", "status: not a commitment status");
  }
  json out;
  Status status = vault_.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::vector<CommitmentView> list,
                             store.ListCommitments(f));
    json commitments = json::array();
    for (const CommitmentView& c : list) {
      commitments.push_back(CommitmentViewJson(c));
    }
    out = {{"commitments", commitments}, {"today", f.today}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::ShowCommitment(const std::string& id) {
  json out;
  Status status = vault_.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::string full,
                             Resolved(store.ResolveCommitment(id), id));
    CommitmentFilter all;
    all.today = today_();
    PALABRE_ASSIGN_OR_RETURN(std::vector<CommitmentView> list,
                             store.ListCommitments(all));
    for (const CommitmentView& c : list) {
      if (c.id == full) out = CommitmentViewJson(c);
    }
    if (out.is_null()) return NotFoundError("no commitment " + id);
    PALABRE_ASSIGN_OR_RETURN(std::vector<FollowUpView> follow_ups,
                             store.FollowUps(full));
    out["follow_ups"] = json::array();
    for (const FollowUpView& f : follow_ups) {
      out["follow_ups"].push_back(FollowUpViewJson(f));
    }
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::AddFollowUp(const std::string& id, const ApiRequest& r) {
  StatusOr<json> body = BodyObject(r);
  if (!body.ok()) return FromStatus(body.status());
  FollowUpInput input;
  input.status = StringField(*body, "status");
  input.date = StringField(*body, "date");
  input.note = StringField(*body, "note");
  Status valid = ValidateFollowUp(input);
  if (!valid.ok()) return FromStatus(valid);
  json out;
  Status status = vault_.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::string full,
                             Resolved(store.ResolveCommitment(id), id));
    PALABRE_ASSIGN_OR_RETURN(std::string follow_up,
                             store.AddFollowUp(full, input));
    out = {{"id", follow_up}, {"commitment", full}};
    return Status::Ok();
  });
  if (!status.ok()) return FromStatus(status);
  return {201, out};
}

ApiReply Api::Draft(const ApiRequest& r) {
  json out = json::object();
  Status status;
  if (r.method == "GET") {
    status = vault_.Use([&](Vault& vault, RecordStore&) -> Status {
      PALABRE_ASSIGN_OR_RETURN(std::optional<palabre::Draft> draft,
                               LoadDraft(vault.db(), kSessionDraft));
      out = {
          {"draft", draft.has_value() ? json::parse(draft->body, nullptr, false)
                                      : json()},
          {"saved_at", draft.has_value() ? json(draft->saved_at) : json()}};
      return Status::Ok();
    });
  } else if (r.method == "PUT") {
    StatusOr<json> body = BodyObject(r);
    if (!body.ok()) return FromStatus(body.status());
    if (!body->contains("draft") || !(*body)["draft"].is_object()) {
      return ApiError(400, "bad_request", "draft: not a JSON object");
    }
    const int64_t now = now_ms_();
    status = vault_.Use([&](Vault& vault, RecordStore&) -> Status {
      PALABRE_RETURN_IF_ERROR(
          SaveDraft(vault.db(), kSessionDraft, (*body)["draft"].dump(), now));
      out = {{"saved_at", now}};
      return Status::Ok();
    });
  } else if (r.method == "DELETE") {
    status = vault_.Use([&](Vault& vault, RecordStore&) -> Status {
      return DeleteDraft(vault.db(), kSessionDraft);
    });
  } else {
    return ApiError(404, "not_found",
                    "no such API: " + r.method + " " + r.path);
  }
  if (!status.ok()) return FromStatus(status);
  return {200, out};
}

ApiReply Api::Wipe(const ApiRequest& r) {
  // The page asks the user to type a word first; the body must say "wipe"
  // so that no stray request destroys anything.
  StatusOr<json> body = BodyObject(r);
  if (!body.ok()) return FromStatus(body.status());
  if (StringField(*body, "confirm") != "wipe") {
    return ApiError(400, "bad_request", "confirm: must be \"wipe\"");
  }
  StatusOr<int64_t> removed = vault_.Wipe();
  if (!removed.ok()) return FromStatus(removed.status());
  return {200, {{"wiped", true}, {"files_removed", *removed}}};
}

}  // namespace palabre::ui

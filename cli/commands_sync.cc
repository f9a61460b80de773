// `palabre sync` and `palabre enroll`: this vault and the partner server
// (sync/sync_client.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "core/organisation.h"
#include "core/vault.h"
#include "platform/clock.h"
#include "platform/terminal.h"
#include "sync/bundle.h"
#include "sync/http_client.h"
#include "sync/invite.h"
#include "sync/last_sync.h"
#include "sync/sync_client.h"

namespace palabre::cli {
namespace {

struct SyncFlags {
  double max_wait_s = 120;
  std::string to_file;
  std::string from_file;
};

// A progress line on stderr when it is a terminal.
std::function<void(const sync::SyncProgress&)> ProgressLine() {
  if (!platform::IsTerminal(2)) return nullptr;
  return [](const sync::SyncProgress& p) {
    std::cerr << "\r\x1b[Ksync: " << p.stage << "; pushed " << p.pushed;
    if (p.to_push > 0) std::cerr << " of " << p.to_push;
    std::cerr << ", pulled " << p.pulled;
    if (p.attempts > 1) std::cerr << " (attempt " << p.attempts << ")";
    std::cerr << std::flush;
  };
}

void EndProgressLine() {
  if (platform::IsTerminal(2)) std::cerr << "\r\x1b[K" << std::flush;
}

nlohmann::json RejectedJson(const std::vector<sync::Rejection>& rejected) {
  nlohmann::json out = nlohmann::json::array();
  for (const sync::Rejection& r : rejected) {
    out.push_back({{"device", r.device_id},
                   {"seq", r.seq},
                   {"code", r.code},
                   {"message", r.message}});
  }
  return out;
}

// Prints a sync's result (text or JSON); a refusal makes the command fail
// after the rest went through.
Status PrintResult(Context& ctx, const sync::SyncResult& result,
                   const std::string& where) {
  if (ctx.json) {
    PrintJson({{"pushed", result.pushed},
               {"pulled", result.pulled},
               {"rejected", RejectedJson(result.rejected)}});
  } else {
    std::cout << "pushed " << result.pushed << " entries, pulled "
              << result.pulled << " (" << where << ")\n";
    for (const sync::Rejection& r : result.rejected) {
      std::cout << "refused: device " << r.device_id.substr(0, 8) << " seq "
                << r.seq << " [" << r.code << "] " << OneLine(r.message)
                << "\n";
    }
  }
  PALABRE_RETURN_IF_ERROR(FlushStdout());
  if (!result.rejected.empty()) {
    return FailedPreconditionError(
        std::to_string(result.rejected.size()) +
        " refusal(s): the rest of the sync went through; see above");
  }
  return Status::Ok();
}

Status IncompleteSync(const Status& status, const sync::SyncResult& result) {
  return Status(status.code(),
                status.message() + " (so far: pushed " +
                    std::to_string(result.pushed) + ", pulled " +
                    std::to_string(result.pulled) + " in " +
                    std::to_string(result.attempts) +
                    " attempts; run palabre sync again to continue)");
}

Status RunToFile(Context& ctx, const std::string& path) {
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(sync::Bundle bundle,
                           sync::MakeBundle(open.vault->db()));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  PALABRE_RETURN_IF_ERROR(WriteOutput(path, sync::EncodeBundle(bundle)));
  if (ctx.json) {
    PrintJson({{"written", path}, {"entries", bundle.envelopes.size()}});
  } else {
    std::cout << bundle.envelopes.size() << " entries written to " << path
              << " (encrypted for the organisation; import it with palabre "
                 "sync --from-file)\n";
  }
  return FlushStdout();
}

Status RunFromFile(Context& ctx, const SyncFlags& f) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           ReadInputText(f.from_file, sync::kMaxBundleBytes));
  if (bytes.size() > sync::kMaxBundleBytes) {
    return InvalidArgumentError(f.from_file + " is over 512 MiB");
  }
  PALABRE_ASSIGN_OR_RETURN(sync::Bundle bundle, sync::DecodeBundle(bytes));
  bytes.clear();
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  Database& db = open.vault->db();
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  sync::SyncResult result;
  if (LoadOrgSecrets(db).ok()) {
    // A coordinator's vault opens the envelopes and imports them itself.
    StatusOr<sync::BundleImport> imported = sync::ImportBundle(db, bundle);
    PALABRE_RETURN_IF_ERROR(open.vault->Lock());
    PALABRE_RETURN_IF_ERROR(imported.status());
    result.pulled = imported->added;
    result.rejected = imported->rejected;
    return PrintResult(ctx, result, "from " + f.from_file);
  }
  // Any other enrolled device relays them to the server.
  if (bundle.org_id != org.org_id) {
    return PermissionDeniedError("this bundle belongs to another organisation");
  }
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                           sync::HttpClient::Create(org.server));
  sync::SyncOptions options;
  options.max_wait_ms = static_cast<int64_t>(f.max_wait_s * 1000);
  options.progress = ProgressLine();
  Status status =
      sync::RelayBundle(db, *http, bundle.envelopes, options, &result);
  EndProgressLine();
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (!status.ok()) return IncompleteSync(status, result);
  return PrintResult(ctx, result, "relayed to " + org.server);
}

Status RunSyncCommand(Context& ctx, const SyncFlags& f) {
  if (!(f.max_wait_s >= 0 && f.max_wait_s <= 86400)) {
    return InvalidArgumentError("--max-wait: 0 to 86400 seconds");
  }
  if (!f.to_file.empty()) return RunToFile(ctx, f.to_file);
  if (!f.from_file.empty()) return RunFromFile(ctx, f);
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  Database& db = open.vault->db();
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(db));
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                           sync::HttpClient::Create(org.server));
  sync::SyncOptions options;
  options.max_wait_ms = static_cast<int64_t>(f.max_wait_s * 1000);
  options.progress = ProgressLine();
  sync::SyncResult result;
  Status status = sync::RunSync(db, *http, options, &result);
  EndProgressLine();
  // Kept for the next look (`palabre ui` shows it); a failure to keep it
  // must not hide the sync's own outcome.
  (void)sync::StoreLastSync(
      db, sync::MakeLastSync(status, result, NowUnixMillis()));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (!status.ok()) return IncompleteSync(status, result);
  return PrintResult(ctx, result, org.server);
}

Status RunEnroll(Context& ctx, const std::string& code_text) {
  std::string text = code_text;
  if (text == "-") {
    PALABRE_ASSIGN_OR_RETURN(text, ReadInputText("-", 8192));
  }
  // Checked before the passphrase is asked for.
  PALABRE_ASSIGN_OR_RETURN(sync::InviteCode code,
                           sync::DecodeInviteCode(text));
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                           sync::HttpClient::Create(code.org.server));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  sync::SyncOptions options;
  StatusOr<std::string> state =
      sync::EnrollDevice(open.vault->db(), *http, code, options);
  PALABRE_ASSIGN_OR_RETURN(DeviceKey key, LoadDeviceKey(open.vault->db()));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  PALABRE_RETURN_IF_ERROR(state.status());
  if (ctx.json) {
    PrintJson({{"device", key.device_id},
               {"org_id", code.org.org_id},
               {"organisation", code.org.name},
               {"name", code.grant.name},
               {"role", code.grant.role},
               {"status", *state}});
  } else {
    std::cout << "device " << key.device_id.substr(0, 8) << " (\""
              << code.grant.name << "\", " << code.grant.role
              << ") enrolled in organisation \"" << code.org.name << "\"\n";
    if (*state == "pending") {
      std::cout << "A coordinator must now approve it (palabre org approve); "
                   "then run palabre sync.\n";
    } else {
      std::cout << "It is " << *state << ".\n";
    }
  }
  return FlushStdout();
}

}  // namespace

Command AddSyncCommand(CLI::App& parent) {
  auto f = std::make_shared<SyncFlags>();
  CLI::App* app = parent.add_subcommand(
      "sync", "Push this vault's entries to the partner server, pull others'");
  app->add_option("--max-wait", f->max_wait_s,
                  "Seconds to keep retrying on a failing link (default 120)");
  CLI::Option* to = app->add_option(
      "--to-file", f->to_file,
      "Write every entry of this vault to FILE (encrypted), for a USB stick");
  CLI::Option* from = app->add_option(
      "--from-file", f->from_file,
      "Take the entries of a bundle FILE: imported on a coordinator's "
      "vault, relayed to the server from any other");
  to->excludes(from);
  app->footer(CommandFooter(
      "Pushes the entries the server lacks (resuming from what the server\n"
      "says it holds), checks and keeps the server's signed receipts, and on\n"
      "a coordinator's vault pulls every device's entries, verifies them\n"
      "and imports them. On a bad link it retries with growing pauses for\n"
      "--max-wait seconds, then exits 6 saying how far it got: run it again\n"
      "to continue. --json prints {\"pushed\", \"pulled\", \"rejected\"}.\n"
      "Entries refused (a fork, an altered envelope, ...) are listed with\n"
      "their device and seq, and the command exits 1 after the rest of the\n"
      "sync went through.\n"
      "Without a network: --to-file FILE writes the vault's entries, still\n"
      "encrypted for the organisation, and --from-file FILE takes them in\n"
      "(verified the same way) on a coordinator's vault, or relays them to\n"
      "the server from any enrolled device. Taking a bundle twice adds\n"
      "nothing.\n"));
  return Command{app, [f](Context& ctx) { return RunSyncCommand(ctx, *f); }};
}

Command AddEnrollCommand(CLI::App& parent) {
  auto code = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "enroll", "Join an organisation with an invitation code");
  app->add_option("CODE", *code,
                  "The invitation code from org invite (\"-\": read it "
                  "from stdin)")
      ->required();
  app->footer(CommandFooter(
      "Records the organisation's public identity in this vault and asks\n"
      "the partner server to enrol this vault's device, proving the\n"
      "invitation. A coordinator then approves it (palabre org approve);\n"
      "until then the server refuses its pushes. An invitation works once\n"
      "and expires (7 days unless the coordinator chose otherwise).\n"));
  return Command{app, [code](Context& ctx) { return RunEnroll(ctx, *code); }};
}

}  // namespace palabre::cli

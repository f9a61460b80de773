// `palabre org init|export-public|invite|approve|revoke|devices`: the
// organisation a coordinator's vault holds (core/organisation.h) and its
// devices on the partner server (sync/sync_client.h).
#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "core/organisation.h"
#include "core/sync_state.h"
#include "core/vault.h"
#include "platform/clock.h"
#include "sync/http_client.h"
#include "sync/invite.h"
#include "sync/sync_client.h"

namespace palabre::cli {
namespace {

struct InitOptions {
  std::string name;
  std::string server;
  std::string device_name = "coordinator";
};

Status RunInit(Context& ctx, const InitOptions& o) {
  // Checked before the passphrase is asked for.
  PALABRE_RETURN_IF_ERROR(CheckOrgName(o.name).WithContext("--name"));
  PALABRE_RETURN_IF_ERROR(CheckServerUrl(o.server));
  PALABRE_RETURN_IF_ERROR(
      CheckOrgName(o.device_name).WithContext("--device-name"));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org,
                           InitOrganisation(open.vault->db(), o.name, o.server,
                                            o.device_name, NowUnixMillis()));
  PALABRE_ASSIGN_OR_RETURN(std::vector<DeviceCertificate> certs,
                           LoadCertificates(open.vault->db()));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  const std::string device = certs.empty() ? "" : certs.front().device_id;
  if (ctx.json) {
    PrintJson({{"org_id", org.org_id},
               {"name", org.name},
               {"server", org.server},
               {"device", device},
               {"role", kRoleCoordinator}});
  } else {
    std::cout << "organisation " << org.org_id.substr(0, 8) << " \"" << org.name
              << "\" created; server " << org.server << "\n"
              << "this vault's device " << device.substr(0, 8)
              << " is certified as a coordinator\n"
              << "Next: palabre org export-public --output FILE, for the "
                 "partner server.\n";
  }
  return FlushStdout();
}

Status RunExportPublic(Context& ctx, const std::string& output) {
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org, LoadOrgIdentity(open.vault->db()));
  PALABRE_ASSIGN_OR_RETURN(std::vector<DeviceCertificate> certs,
                           LoadCertificates(open.vault->db()));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  const std::string text = OrgPublicJson(org, certs).dump(2) + "\n";
  PALABRE_RETURN_IF_ERROR(WriteOutput(output, text));
  if (!output.empty()) {
    if (ctx.json) {
      PrintJson({{"written", output}, {"org_id", org.org_id}});
    } else {
      std::cout << "public identity of organisation " << org.org_id.substr(0, 8)
                << " written to " << output << "\n";
    }
  }
  return FlushStdout();
}

struct InviteOptions {
  std::string name;
  std::string role = kRoleFacilitator;
  double days = 7;
};

Status RunInvite(Context& ctx, const InviteOptions& o) {
  PALABRE_RETURN_IF_ERROR(CheckOrgName(o.name).WithContext("--name"));
  if (o.role != kRoleFacilitator && o.role != kRoleCoordinator) {
    return InvalidArgumentError("--role: facilitator or coordinator");
  }
  if (!(o.days > 0 && o.days <= 90)) {
    return InvalidArgumentError("--days: more than 0, at most 90");
  }
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  Database& db = open.vault->db();
  sync::InviteCode code;
  PALABRE_ASSIGN_OR_RETURN(code.org, LoadOrgIdentity(db));
  PALABRE_ASSIGN_OR_RETURN(code.server_key, GetSyncValue(db, kSyncServerKey));
  if (code.server_key.empty()) {
    // Meet the server now if it can be reached, so that the code carries
    // its keys; otherwise the device trusts the keys it meets first.
    PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                             sync::HttpClient::Create(code.org.server));
    sync::SyncOptions quick;
    quick.max_wait_ms = 5000;
    quick.request_deadline_ms = 5000;
    Status met = sync::MeetServer(db, *http, quick);
    if (!met.ok()) {
      std::cerr << "palabre: note: the server could not be reached ("
                << OneLine(met.message())
                << "); the code carries no server key, so the device will "
                   "trust the key it meets first\n";
    }
    PALABRE_ASSIGN_OR_RETURN(code.server_key,
                             GetSyncValue(db, kSyncServerKey));
  }
  PALABRE_ASSIGN_OR_RETURN(code.tls_pin, GetSyncValue(db, kSyncTlsPin));
  PALABRE_ASSIGN_OR_RETURN(
      code.grant,
      IssueInviteGrant(db, o.name, o.role, NowUnixMillis(),
                       static_cast<int64_t>(o.days * 24 * 3600 * 1000),
                       code.tls_pin, code.server_key));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  const std::string text = sync::EncodeInviteCode(code);
  if (ctx.json) {
    PrintJson({{"code", text},
               {"invite_id", code.grant.invite_id},
               {"name", code.grant.name},
               {"role", code.grant.role},
               {"expires_at", code.grant.expires_at}});
  } else {
    std::cout << "Invitation for \"" << code.grant.name << "\" ("
              << code.grant.role << "), valid " << o.days
              << " day(s), usable once. On that device run: palabre enroll "
                 "CODE\n"
              << "Pass it like a password (whoever holds it can enrol "
                 "once). The code:\n"
              << text << "\n";
  }
  return FlushStdout();
}

// Opens the vault and a client for its organisation's server.
struct ServerAccess {
  OpenRecords open;
  std::unique_ptr<sync::HttpClient> http;
};

StatusOr<ServerAccess> OpenServerAccess(Context& ctx) {
  ServerAccess access;
  PALABRE_ASSIGN_OR_RETURN(access.open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(OrgIdentity org,
                           LoadOrgIdentity(access.open.vault->db()));
  PALABRE_ASSIGN_OR_RETURN(access.http, sync::HttpClient::Create(org.server));
  return access;
}

nlohmann::json DeviceJson(const sync::ServerDevice& d) {
  nlohmann::json j = {{"device_id", d.device_id}, {"name", d.name},
                      {"role", d.role},           {"status", d.status},
                      {"entries", d.head_seq}};
  if (d.revoked_at > 0) j["revoked_at"] = d.revoked_at;
  return j;
}

Status RunApprove(Context& ctx, bool all, const std::string& device) {
  if (all == !device.empty()) {
    return InvalidArgumentError("give --all or one DEVICE_ID");
  }
  PALABRE_ASSIGN_OR_RETURN(ServerAccess access, OpenServerAccess(ctx));
  StatusOr<std::vector<sync::ServerDevice>> approved = sync::ApproveDevices(
      access.open.vault->db(), *access.http, device, sync::SyncOptions());
  PALABRE_RETURN_IF_ERROR(access.open.vault->Lock());
  PALABRE_RETURN_IF_ERROR(approved.status());
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : *approved) list.push_back(DeviceJson(d));
    PrintJson({{"approved", list}});
  } else {
    for (const auto& d : *approved) {
      std::cout << "approved " << d.device_id.substr(0, 8) << " \"" << d.name
                << "\" (" << d.role << ")\n";
    }
  }
  return FlushStdout();
}

Status RunRevoke(Context& ctx, const std::string& device) {
  if (device.size() < 4) {
    return InvalidArgumentError("DEVICE_ID: at least its first 4 characters");
  }
  PALABRE_ASSIGN_OR_RETURN(ServerAccess access, OpenServerAccess(ctx));
  StatusOr<sync::ServerDevice> revoked = sync::RevokeDevice(
      access.open.vault->db(), *access.http, device, sync::SyncOptions());
  PALABRE_RETURN_IF_ERROR(access.open.vault->Lock());
  PALABRE_RETURN_IF_ERROR(revoked.status());
  if (ctx.json) {
    PrintJson(DeviceJson(*revoked));
  } else {
    std::cout << "revoked " << revoked->device_id.substr(0, 8) << " \""
              << revoked->name
              << "\": the server refuses it from now on; what it sent "
                 "before stays, marked\n";
  }
  return FlushStdout();
}

Status RunDevices(Context& ctx) {
  PALABRE_ASSIGN_OR_RETURN(ServerAccess access, OpenServerAccess(ctx));
  StatusOr<std::vector<sync::ServerDevice>> devices = sync::FetchDevices(
      access.open.vault->db(), *access.http, sync::SyncOptions());
  PALABRE_RETURN_IF_ERROR(access.open.vault->Lock());
  PALABRE_RETURN_IF_ERROR(devices.status());
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : *devices) list.push_back(DeviceJson(d));
    PrintJson({{"devices", list}});
  } else {
    for (const auto& d : *devices) {
      std::cout << d.device_id.substr(0, 8) << "  " << d.status << "  "
                << d.role << "  " << d.head_seq << " entries  \"" << d.name
                << "\"";
      if (d.revoked_at > 0) {
        const std::time_t t = static_cast<std::time_t>(d.revoked_at / 1000);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
        std::cout << "  revoked " << when;
      }
      std::cout << "\n";
    }
  }
  return FlushStdout();
}

}  // namespace

Command AddOrgCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "org", "The organisation: its keys and the devices it certifies");
  app->require_subcommand(1);
  app->footer(CommandFooter(
      "An organisation has a signing key (it certifies devices) and an\n"
      "encryption key (every entry's data key is wrapped for it). A\n"
      "coordinator's vault holds both; the partner server gets only the\n"
      "public identity. docs/protocol.md describes both.\n"));

  auto init = std::make_shared<InitOptions>();
  CLI::App* init_app = app->add_subcommand(
      "init", "Create the organisation in this (a coordinator's) vault");
  init_app->add_option("--name", init->name, "The organisation's name")
      ->required();
  init_app
      ->add_option("--server", init->server,
                   "The partner server's URL: https://HOST[:PORT] (http:// "
                   "only on this machine)")
      ->required();
  init_app->add_option("--device-name", init->device_name,
                       "What to call this vault's device (default "
                       "\"coordinator\")");
  init_app->footer(CommandFooter(
      "Creates the organisation's signing and encryption keys, kept in this\n"
      "vault, and certifies this vault's device as a coordinator. A vault\n"
      "belongs to one organisation: a second init exits 5.\n"));

  auto output = std::make_shared<std::string>();
  CLI::App* export_app = app->add_subcommand(
      "export-public", "Write the organisation's public identity (no secret)");
  export_app->add_option("--output", *output,
                         "Write to FILE instead of stdout");
  export_app->footer(CommandFooter(
      "The palabre.org/1 JSON document: name, server, public keys and the\n"
      "device certificates; what palabre serve --org reads. Exits 5 if the\n"
      "vault belongs to no organisation.\n"));

  auto invite = std::make_shared<InviteOptions>();
  CLI::App* invite_app = app->add_subcommand(
      "invite", "Print a one-line invitation code for a new device");
  invite_app->add_option("--name", invite->name, "What to call the device")
      ->required();
  invite_app
      ->add_option("--role", invite->role,
                   "facilitator (default) or coordinator")
      ->check(CLI::IsMember({kRoleFacilitator, kRoleCoordinator}));
  invite_app->add_option("--days", invite->days,
                         "How long the code stays valid (default 7)");
  invite_app->footer(CommandFooter(
      "Signs an invitation with the organisation's key and prints it as one\n"
      "line, alone on the last line of output: the server's URL (and its\n"
      "keys when known), the organisation's public keys, and the one-time\n"
      "grant. On the new device: palabre enroll CODE. Then approve it here:\n"
      "palabre org approve.\n"));

  auto approve_all = std::make_shared<bool>(false);
  auto approve_device = std::make_shared<std::string>();
  CLI::App* approve_app = app->add_subcommand(
      "approve", "Certify devices waiting on the partner server");
  approve_app->add_flag("--all", *approve_all, "Every pending device");
  approve_app->add_option("DEVICE_ID", *approve_device,
                          "One pending device (its id or a prefix)");
  approve_app->footer(CommandFooter(
      "Fetches the devices enrolled and waiting, checks that each came with\n"
      "an invitation this organisation signed, signs their certificates and\n"
      "uploads them. Until then the server refuses their pushes.\n"));

  auto revoke_device = std::make_shared<std::string>();
  CLI::App* revoke_app = app->add_subcommand(
      "revoke", "Revoke a lost or seized device");
  revoke_app->add_option("DEVICE_ID", *revoke_device,
                         "The device (its id or a prefix of it)")
      ->required();
  revoke_app->footer(CommandFooter(
      "Signs the device's revocation and uploads it: the server refuses it\n"
      "from then on. What it sent before stays, marked with the revocation\n"
      "time, which coordinators see (palabre org devices).\n"));

  CLI::App* devices_app = app->add_subcommand(
      "devices", "List the devices the partner server knows");
  devices_app->footer(CommandFooter(
      "Each device's id, state (pending, approved, revoked), role, how many\n"
      "entries the server holds of it, and its name.\n"));

  return Command{app, [=](Context& ctx) -> Status {
                   if (init_app->parsed()) return RunInit(ctx, *init);
                   if (invite_app->parsed()) return RunInvite(ctx, *invite);
                   if (approve_app->parsed()) {
                     return RunApprove(ctx, *approve_all, *approve_device);
                   }
                   if (revoke_app->parsed()) {
                     return RunRevoke(ctx, *revoke_device);
                   }
                   if (devices_app->parsed()) return RunDevices(ctx);
                   return RunExportPublic(ctx, *output);
                 }};
}

}  // namespace palabre::cli

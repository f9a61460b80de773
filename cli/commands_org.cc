// `palabre org init|export-public`: the organisation a coordinator's vault
// holds (core/organisation.h). Further org commands (invite, approve,
// revoke) come with the partner server.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "core/organisation.h"
#include "platform/clock.h"

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

  return Command{app, [=](Context& ctx) -> Status {
                   if (init_app->parsed()) return RunInit(ctx, *init);
                   return RunExportPublic(ctx, *output);
                 }};
}

}  // namespace palabre::cli

// `palabre ui`: the local web app for facilitators (ui/server.h,
// docs/ui-api.md). Serves on 127.0.0.1 only, prints the URL with its
// one-time token, opens the browser unless --no-browser, and stops on
// Ctrl-C or SIGTERM, locking the vault. The passphrase is typed in the
// page, never on the command line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/vault_checks.h"
#include "platform/browser.h"
#include "platform/signals.h"
#include "ui/server.h"

namespace palabre::cli {
namespace {

struct UiFlags {
  int port = 0;
  bool no_browser = false;
  int64_t idle_seconds = 300;
};

Status RunUi(Context& ctx, const UiFlags& f) {
  ui::UiOptions o;
  o.vault = ctx.vault;
  o.port = f.port;
  o.idle_ms = f.idle_seconds * 1000;
  PALABRE_RETURN_IF_ERROR(ui::CheckUiOptions(o));
  PALABRE_RETURN_IF_ERROR(InspectForUnlock(ctx.vault).status());
  o.on_listening = [&f](const std::string& url) {
    std::cout << "palabre ui: open " << url << std::endl;
    std::cout << "palabre ui: this link works once; the vault locks after "
              << f.idle_seconds << " s idle; Ctrl-C stops" << std::endl;
    if (!f.no_browser) {
      Status opened = platform::OpenInBrowser(url);
      if (!opened.ok()) {
        std::cout << "palabre ui: no browser could be opened ("
                  << opened.message() << "): open the link above in one"
                  << std::endl;
      }
    }
  };
  // Before the server's threads start, so that none of them takes the
  // signal.
  platform::BlockTerminationSignals();
  Status status = ui::ServeUi(o, [] { platform::WaitForTerminationSignal(); });
  if (status.ok())
    std::cout << "palabre ui: stopped, vault locked" << std::endl;
  return status;
}

}  // namespace

Command AddUiCommand(CLI::App& parent) {
  auto f = std::make_shared<UiFlags>();
  CLI::App* app = parent.add_subcommand(
      "ui", "Open the vault in a local web app (browser, 127.0.0.1 only)");
  app->add_option("--port", f->port,
                  "Port on 127.0.0.1 (default: any free port)")
      ->check(CLI::Range(0, 65535));
  app->add_flag("--no-browser", f->no_browser,
                "Print the link only; do not open a browser");
  app->add_option("--idle-lock", f->idle_seconds,
                  "Lock the vault after this many seconds without use "
                  "(default 300)")
      ->check(CLI::Range(int64_t{1}, int64_t{24 * 3600}));
  app->footer(CommandFooter(
      "Serves the web app on 127.0.0.1 only (never on the network) and\n"
      "prints a link holding a one-time token: opening it gives this browser\n"
      "a session cookie; the link does not work a second time. The page asks\n"
      "for the passphrase. Every page and file comes from the palabre\n"
      "binary; nothing is fetched from elsewhere. The vault locks after\n"
      "--idle-lock seconds without use, when the page's Lock button is\n"
      "pressed, and when palabre ui stops (Ctrl-C or SIGTERM).\n"
      "docs/ui-api.md describes the API and its protections.\n"));
  return Command{app, [f](Context& ctx) { return RunUi(ctx, *f); }};
}

}  // namespace palabre::cli

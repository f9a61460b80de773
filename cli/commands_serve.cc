// `palabre serve`: the partner server (sync/server.h). Needs no vault: the
// server holds only ciphertext and the organisation's public identity.
#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

#include "cli/command.h"
#include "core/device_key.h"
#include "platform/signals.h"
#include "sync/server.h"

namespace palabre::cli {
namespace {

struct ServeFlags {
  std::string org;
  std::string data;
  std::string listen;
  std::string tls_cert;
  std::string tls_key;
};

// HOST:PORT, with [v6]:PORT for IPv6.
Status ParseListen(const std::string& text, std::string* host, int* port) {
  const Status bad = InvalidArgumentError(
      "--listen " + text + ": expected HOST:PORT, e.g. 127.0.0.1:8443 "
      "(port 0: any free port)");
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad;
  *host = text.substr(0, colon);
  if (host->front() == '[') {
    if (host->back() != ']') return bad;
    *host = host->substr(1, host->size() - 2);
  }
  const std::string p = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), *port);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() ||
      *port < 0 || *port > 65535 || host->empty()) {
    return bad;
  }
  return Status::Ok();
}

Status RunServe(const ServeFlags& f) {
  sync::ServeOptions o;
  o.org_file = f.org;
  o.data_dir = f.data;
  o.tls_cert = f.tls_cert;
  o.tls_key = f.tls_key;
  PALABRE_RETURN_IF_ERROR(ParseListen(f.listen, &o.host, &o.port));
  PALABRE_RETURN_IF_ERROR(sync::CheckServeOptions(o));
  o.on_listening = [](const std::string& url, const std::string& pin) {
    std::cout << "palabre serve: listening on " << url << std::endl;
    if (!pin.empty()) {
      std::cout << "palabre serve: TLS key pin " << ToHex(pin)
                << " (devices pin it at their first contact)" << std::endl;
    }
  };
  o.log = [](const std::string& line) { std::clog << line << std::endl; };
  // Before the server's threads start, so that none of them takes the
  // signal.
  platform::BlockTerminationSignals();
  Status status =
      sync::Serve(o, [] { platform::WaitForTerminationSignal(); });
  if (status.ok()) std::cout << "palabre serve: stopped" << std::endl;
  return status;
}

}  // namespace

Command AddServeCommand(CLI::App& parent) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* app = parent.add_subcommand(
      "serve", "Run the partner server (holds ciphertext only)");
  app->add_option("--org", f->org,
                  "The organisation's public identity (org export-public)")
      ->required();
  app->add_option("--data", f->data,
                  "The server's data directory (created if missing)")
      ->required();
  app->add_option("--listen", f->listen,
                  "HOST:PORT to listen on; plain HTTP only on 127.0.0.1, "
                  "::1 or localhost")
      ->required();
  app->add_option("--tls-cert", f->tls_cert, "TLS certificate (PEM)");
  app->add_option("--tls-key", f->tls_key, "TLS private key (PEM)");
  app->footer(CommandFooter(
      "The partner server keeps the organisation's envelopes (encrypted;\n"
      "it cannot read them), the device certificates and its receipt key in\n"
      "SQLite under --data. It accepts a device's entries only in chain\n"
      "order, only from devices the organisation certified, and answers\n"
      "each with a signed receipt. It prints its URL once listening, then\n"
      "logs one line per request on stderr (never a record's content), and\n"
      "stops on Ctrl-C or SIGTERM. docs/protocol.md describes the protocol.\n"));
  return Command{app, [f](Context&) { return RunServe(*f); }};
}

}  // namespace palabre::cli

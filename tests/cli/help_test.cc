// The command line itself: --help on the app and on every command exits 0
// and documents the exit codes; global options work before and after the
// command; unknown options, commands and values are usage errors (exit 2)
// reported on one line.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

const char* const kCommands[] = {"init",    "status", "passphrase",
                                 "recover", "wipe",   "lock"};

void ExpectExitCodesListed(const std::string& help) {
  CHECK(help.find("Exit codes:") != std::string::npos);
  for (const char* line :
       {"  0  ok", "  1  other failure", "  2  usage error or invalid input",
        "  3  wrong passphrase or recovery code",
        "  4  vault damaged or tampered with",
        "  5  vault missing, or one already exists"}) {
    CHECK(help.find(line) != std::string::npos);
  }
}

TEST_CASE("help on the app and on every command exits 0 with exit codes",
          "[cli]") {
  SECTION("app") {
    RunResult r = RunPalabre({"--help"});
    INFO(r.Describe());
    REQUIRE(r.exit_code == 0);
    ExpectExitCodesListed(r.out);
    for (const char* command : kCommands) {
      CHECK(r.out.find(command) != std::string::npos);
    }
    for (const char* option : {"--vault", "--passphrase-fd", "--json"}) {
      CHECK(r.out.find(option) != std::string::npos);
    }
  }
  for (const char* command : kCommands) {
    SECTION(command) {
      for (const std::vector<std::string>& args :
           {std::vector<std::string>{command, "--help"},
            std::vector<std::string>{"--help", command},
            std::vector<std::string>{"--vault", "/nonexistent", command,
                                     "-h"}}) {
        RunResult r = RunPalabre(args);
        INFO(r.Describe());
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find(std::string("palabre ") + command) !=
              std::string::npos);
        CHECK(r.out.find("--passphrase-fd") != std::string::npos);
        ExpectExitCodesListed(r.out);
      }
    }
  }
}

TEST_CASE("global options are accepted before and after the command", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  // init with every global option after the command.
  RunOptions options;
  options.extra_fd_data = std::string(kPassphrase) + "\n";
  RunResult init = RunPalabre({"init", "--kdf", "interactive", "--vault", dir,
                               "--json", "--passphrase-fd", "3"},
                              options);
  INFO(init.Describe());
  REQUIRE(init.exit_code == 0);
  CHECK(nlohmann::json::parse(init.out).at("vault") == dir);

  const std::vector<std::vector<std::string>> orders = {
      {"--vault", dir, "--passphrase-fd", "3", "--json", "status"},
      {"status", "--vault", dir, "--passphrase-fd", "3", "--json"},
      {"--json", "status", "--vault", dir, "--passphrase-fd=3"},
      {"--vault=" + dir, "status", "--json", "--passphrase-fd", "3"},
  };
  for (const auto& args : orders) {
    RunResult r = RunPalabre(args, options);
    INFO(r.Describe());
    REQUIRE(r.exit_code == 0);
    nlohmann::json out = nlohmann::json::parse(r.out);
    CHECK(out.at("vault") == dir);
  }
}

TEST_CASE("unknown options, commands and values exit 2 on one line", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::vector<std::vector<std::string>> cases = {
      {"--vault", dir, "status", "--bogus"},
      {"--bogus", "--vault", dir, "status"},
      {"--vault", dir, "frobnicate"},
      {"--vault", dir},
      {},
      {"--vault", dir, "init", "--kdf", "extreme"},
      {"--vault", dir, "init", "--kdf"},
      {"--vault", dir, "--passphrase-fd", "-1", "init"},
      {"--vault", dir, "--passphrase-fd", "abc", "init"},
      {"--vault", dir, "wipe", "--yes", "extra"},
      {"--vault", "", "status"},
  };
  for (const auto& args : cases) {
    RunResult r = RunPalabre(args);
    std::string line;
    for (const std::string& arg : args) line += "[" + arg + "] ";
    INFO("args: " << line);
    ExpectFailure(r, 2);
    CHECK(r.out.empty());
  }
  CHECK(Snapshot(tmp.path()).empty());
}

}  // namespace
}  // namespace palabre::testing

// Prompts on a real (pseudo-)terminal: passphrases are asked with echo off
// (never shown in the terminal transcript), asked twice when new and refused
// if the two entries differ; `wipe` proceeds only when WIPE is typed.
#include <catch2/catch.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

RunResult RunOnTerminal(const std::vector<std::string>& args,
                        std::vector<TerminalStep> steps) {
  RunOptions options;
  options.terminal = std::move(steps);
  options.timeout = std::chrono::seconds(20);
  return RunPalabre(args, options);
}

TEST_CASE("init on a terminal asks twice without echo", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string line = std::string(kPassphrase) + "\n";
  RunResult r = RunOnTerminal(VaultArgs(dir, {"init", "--kdf", "interactive"}),
                              {{"passphrase", line}, {"Repeat", line}});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  CHECK(r.steps_done == 2);
  CHECK(r.terminal.find(kPassphrase) == std::string::npos);  // no echo
  CHECK(r.out.find("Recovery code") != std::string::npos);
  CHECK(RunStatus(dir).exit_code == 0);

  // status and passphrase on the terminal too.
  RunResult status =
      RunOnTerminal(VaultArgs(dir, {"status"}), {{"Passphrase", line}});
  INFO(status.Describe());
  CHECK(status.exit_code == 0);
  const std::string new_line = std::string(kOtherPassphrase) + "\n";
  RunResult change = RunOnTerminal(
      VaultArgs(dir, {"passphrase"}),
      {{"Current", line}, {"New", new_line}, {"Repeat", new_line}});
  INFO(change.Describe());
  CHECK(change.exit_code == 0);
  CHECK(change.terminal.find(kOtherPassphrase) == std::string::npos);
  CHECK(RunStatus(dir, kOtherPassphrase).exit_code == 0);
}

TEST_CASE("init on a terminal refuses two different entries (exit 2)",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  RunResult r =
      RunOnTerminal(VaultArgs(dir, {"init", "--kdf", "interactive"}),
                    {{"passphrase", std::string(kPassphrase) + "\n"},
                     {"Repeat", std::string(kOtherPassphrase) + "\n"}});
  ExpectFailure(r, 2);
  CHECK(r.err.find("do not match") != std::string::npos);
  CHECK(Snapshot(tmp.path()).empty());
}

TEST_CASE("wipe on a terminal needs WIPE typed", "[cli]") {
  struct Case {
    const char* answer;
    int exit_code;
    bool removed;
  };
  const Case cases[] = {
      {"WIPE\n", 0, true},
      {"wipe\n", 1, false},
      {"\n", 1, false},
      {"yes\n", 1, false},
  };
  for (const Case& c : cases) {
    SECTION(std::string("answer ") + c.answer) {
      TempDir tmp;
      const std::string dir = tmp.Sub("vault");
      InitVault(dir);
      const auto before = Snapshot(dir);
      RunResult r =
          RunOnTerminal(VaultArgs(dir, {"wipe"}), {{"WIPE", c.answer}});
      INFO(r.Describe());
      if (c.exit_code == 0) {
        CHECK(r.exit_code == 0);
        CHECK(r.out.find(dir + "/keys") != std::string::npos);
      } else {
        ExpectFailure(r, c.exit_code);
      }
      CHECK(Snapshot(dir).empty() == c.removed);
      if (!c.removed) CHECK(Snapshot(dir) == before);
    }
  }
}

}  // namespace
}  // namespace palabre::testing

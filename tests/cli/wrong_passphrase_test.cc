// A wrong passphrase: exit 3, exactly one line on stderr (never the
// passphrase), and every file of the vault byte-for-byte unchanged, whichever
// command was given it.
#include <catch2/catch.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("a wrong passphrase exits 3 and leaves every vault file unchanged",
          "[cli]") {
  struct Case {
    const char* what;
    std::vector<std::string> command;
    std::vector<std::string> lines;
  };
  const std::string wrong = "a long enough passphrasE";
  const Case cases[] = {
      {"status", {"status"}, {wrong}},
      {"status, trailing space", {"status"}, {std::string(kPassphrase) + " "}},
      {"status, empty line", {"status"}, {""}},
      {"passphrase, wrong old one", {"passphrase"}, {wrong, kOtherPassphrase}},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      TempDir tmp;
      const std::string dir = tmp.Sub("vault");
      InitVault(dir);
      const auto before = Snapshot(dir);
      REQUIRE_FALSE(before.empty());
      RunResult r = RunWithPassphrases(VaultArgs(dir, c.command), c.lines);
      ExpectFailure(r, 3);
      CHECK(r.out.empty());
      for (const std::string& line : c.lines) {
        if (!line.empty()) CHECK(r.err.find(line) == std::string::npos);
      }
      CHECK(Snapshot(dir) == before);
      CHECK(RunStatus(dir).exit_code == 0);
    }
  }
}

}  // namespace
}  // namespace palabre::testing

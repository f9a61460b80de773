// Scratch directories, raw file access and CLI-made vaults for the tests.
#include "tests/cli/fixture_util.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace palabre::testing {

namespace fs = std::filesystem;

std::vector<std::string> VaultArgs(const std::string& dir,
                                   std::vector<std::string> rest) {
  std::vector<std::string> args = {"--vault", dir};
  args.insert(args.end(), rest.begin(), rest.end());
  return args;
}

std::string InitVault(const std::string& dir, const std::string& passphrase) {
  RunResult r = RunWithPassphrases(
      VaultArgs(dir, {"init", "--kdf", "interactive", "--json"}), {passphrase});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  nlohmann::json out = nlohmann::json::parse(r.out);
  return out.at("recovery_code").get<std::string>();
}

RunResult RunStatus(const std::string& dir, const std::string& passphrase) {
  return RunWithPassphrases(VaultArgs(dir, {"status"}), {passphrase});
}

void ExpectFailure(const RunResult& result, int code) {
  INFO(result.Describe());
  CHECK_FALSE(result.signaled);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == code);
  std::vector<std::string> lines = Lines(result.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("palabre: ", 0) == 0);
  CHECK(lines[0].size() > std::string("palabre: ").size());
}

}  // namespace palabre::testing

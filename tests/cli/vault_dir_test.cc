// Which vault a command works on: --vault if given, else $PALABRE_VAULT,
// else $XDG_DATA_HOME/palabre; relative paths are made absolute.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

std::string VaultOfStatus(const RunResult& r) {
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out).at("vault").get<std::string>();
}

TEST_CASE("the vault is --vault, else PALABRE_VAULT, else XDG_DATA_HOME",
          "[cli]") {
  TempDir tmp;
  const std::string flag_dir = tmp.Sub("flag");
  const std::string env_dir = tmp.Sub("env");
  const std::string xdg_dir = tmp.Sub("xdg") + "/palabre";
  InitVault(flag_dir);
  InitVault(env_dir);
  InitVault(xdg_dir);

  RunOptions options;
  options.extra_fd_data = std::string(kPassphrase) + "\n";
  const std::vector<std::string> status = {"status", "--json",
                                           "--passphrase-fd", "3"};
  options.env = {{"PALABRE_VAULT", env_dir}, {"XDG_DATA_HOME", tmp.Sub("xdg")}};
  std::vector<std::string> with_flag = status;
  with_flag.insert(with_flag.end(), {"--vault", flag_dir});
  CHECK(VaultOfStatus(RunPalabre(with_flag, options)) == flag_dir);
  CHECK(VaultOfStatus(RunPalabre(status, options)) == env_dir);
  options.env = {{"XDG_DATA_HOME", tmp.Sub("xdg")}};
  CHECK(VaultOfStatus(RunPalabre(status, options)) == xdg_dir);
}

TEST_CASE("a relative --vault is reported as an absolute path", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  RunOptions options;
  options.extra_fd_data = std::string(kPassphrase) + "\n";
  // The child's working directory is the test's: name the vault relative
  // to it through "..".
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd) != nullptr);
  std::string up;
  for (const char* p = cwd; *p != '\0'; ++p) {
    if (*p == '/' && p[1] != '\0') up += "../";
  }
  const std::string relative = up + dir.substr(1);
  RunResult r = RunPalabre(
      {"--vault", relative, "status", "--json", "--passphrase-fd", "3"},
      options);
  CHECK(VaultOfStatus(r) == dir);
}

}  // namespace
}  // namespace palabre::testing

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

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
      "/palabre-cli-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add,
                      ec);
    }
  }
  fs::remove_all(path_, ec);
}

std::string TempDir::Sub(const std::string& name) const {
  return path_ + "/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) FAIL("cannot read " << path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) FAIL("cannot write " << path);
}

void FlipByte(const std::string& path, long offset) {
  std::string bytes = ReadAll(path);
  REQUIRE(offset >= 0);
  REQUIRE(static_cast<std::size_t>(offset) < bytes.size());
  bytes[static_cast<std::size_t>(offset)] ^= 0x5a;
  WriteAll(path, bytes);
}

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file()) {
      files[name] = ReadAll(entry.path().string());
    } else if (entry.is_directory()) {
      files[name] = "<dir>";
    } else {
      files[name] = "<other>";
    }
  }
  return files;
}

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

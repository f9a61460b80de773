// Hostile or broken vault files seen through the CLI: each gives one line on
// stderr and a documented exit code, never a crash. Damaged or mismatched
// files are "vault damaged" (4), except a keys file from another vault
// opened with a passphrase it does not know (3: wrong passphrase). A
// directory where a vault file should be is reported by core as "<path> is
// not a regular file: the vault is damaged" (4). A read-only vault directory
// is "not writable" (1).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

namespace fs = std::filesystem;

struct DamageCase {
  const char* what;
  // Breaks the vault in `dir`; `tmp` is scratch space.
  std::function<void(const std::string& dir, const TempDir& tmp)> damage;
  int exit_code;
  const char* message_part;  // expected in the error line, or nullptr
};

void ReplaceWithDirectory(const std::string& path) {
  fs::remove(path);
  fs::create_directory(path);
}

TEST_CASE("damaged, foreign or misplaced vault files give a clear exit code",
          "[cli]") {
  const DamageCase cases[] = {
      {"truncated keys file",
       [](const std::string& dir, const TempDir&) {
         const std::string keys = ReadAll(dir + "/keys");
         WriteAll(dir + "/keys", keys.substr(0, keys.size() / 2));
       },
       4, nullptr},
      {"garbage keys file of the same size",
       [](const std::string& dir, const TempDir&) {
         const std::size_t size = ReadAll(dir + "/keys").size();
         std::string garbage(size, '\0');
         for (std::size_t i = 0; i < size; ++i) {
           garbage[i] = static_cast<char>((i * 131 + 7) & 0xff);
         }
         WriteAll(dir + "/keys", garbage);
       },
       4, nullptr},
      {"keys file from another vault, another passphrase",
       [](const std::string& dir, const TempDir& tmp) {
         InitVault(tmp.Sub("other"), kOtherPassphrase);
         WriteAll(dir + "/keys", ReadAll(tmp.Sub("other") + "/keys"));
       },
       3, nullptr},
      {"keys file from another vault, same passphrase",
       [](const std::string& dir, const TempDir& tmp) {
         InitVault(tmp.Sub("other"), kPassphrase);
         WriteAll(dir + "/keys", ReadAll(tmp.Sub("other") + "/keys"));
       },
       4, nullptr},
      {"empty palabre.db",
       [](const std::string& dir, const TempDir&) {
         WriteAll(dir + "/palabre.db", "");
       },
       4, nullptr},
      {"a directory named keys",
       [](const std::string& dir, const TempDir&) {
         ReplaceWithDirectory(dir + "/keys");
       },
       4, "keys is not a regular file"},
      {"a directory named palabre.db",
       [](const std::string& dir, const TempDir&) {
         ReplaceWithDirectory(dir + "/palabre.db");
       },
       4, "palabre.db is not a regular file"},
  };
  for (const DamageCase& c : cases) {
    SECTION(c.what) {
      TempDir tmp;
      const std::string dir = tmp.Sub("vault");
      InitVault(dir, kPassphrase);
      c.damage(dir, tmp);
      const auto before = Snapshot(dir);
      RunResult r = RunStatus(dir, kPassphrase);
      ExpectFailure(r, c.exit_code);
      CHECK(r.out.empty());
      if (c.message_part != nullptr) {
        CHECK(r.err.find(c.message_part) != std::string::npos);
      }
      CHECK(Snapshot(dir) == before);
    }
  }
}

TEST_CASE("a read-only vault directory exits 1 saying it is not writable",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto before = Snapshot(dir);
  RunOptions options;
  options.extra_fd_data = std::string(kPassphrase) + "\n";
  const std::vector<std::string> args =
      VaultArgs(dir, {"status", "--passphrase-fd", "3"});
  RunResult r;
  if (geteuid() != 0) {
    REQUIRE(chmod(dir.c_str(), 0500) == 0);
    r = RunPalabre(args, options);
    REQUIRE(chmod(dir.c_str(), 0700) == 0);
  } else {
    // Root ignores permission bits. First choice: a read-only bind mount of
    // the vault in a private mount namespace (a read-only file system).
    options.read_only_mount = dir;
    r = RunPalabre(args, options);
    if (r.exit_code == 125) {
      // No mount namespaces here: run a copy of the binary as nobody, who
      // owns the vault files, with the directory read-only.
      WARN("no mount namespace; dropping to uid 65534 instead");
      constexpr unsigned kNobody = 65534;
      options.read_only_mount.reset();
      REQUIRE(chmod(tmp.path().c_str(), 0711) == 0);
      REQUIRE(chown(dir.c_str(), kNobody, kNobody) == 0);
      for (const auto& entry : fs::directory_iterator(dir)) {
        REQUIRE(chown(entry.path().c_str(), kNobody, kNobody) == 0);
      }
      const std::string copy = tmp.Sub("palabre");
      fs::copy_file(PALABRE_BINARY, copy);
      REQUIRE(chmod(copy.c_str(), 0755) == 0);
      options.binary = copy;
      options.run_as_uid = kNobody;
      REQUIRE(chmod(dir.c_str(), 0500) == 0);
      r = RunPalabre(args, options);
      REQUIRE(chmod(dir.c_str(), 0700) == 0);
      if (r.exit_code == 127) {
        // nobody cannot even reach the binary (e.g. inside a chroot whose
        // root directory is private): nothing here can make a directory
        // read-only for root, so this environment cannot run the check.
        WARN("cannot drop privileges here either; read-only check skipped");
        return;
      }
    }
  }
  ExpectFailure(r, 1);
  CHECK(r.err.find("not writable") != std::string::npos);
  CHECK(Snapshot(dir) == before);
}

TEST_CASE("a vault path that is a regular file is refused cleanly", "[cli]") {
  TempDir tmp;
  const std::string path = tmp.Sub("file");
  WriteAll(path, "not a vault");
  RunResult status = RunStatus(path);
  INFO(status.Describe());
  CHECK_FALSE(status.signaled);
  CHECK(status.exit_code >= 1);
  CHECK(status.exit_code <= 5);
  CHECK(Lines(status.err).size() == 1);
  RunResult init = RunWithPassphrases(
      VaultArgs(path, {"init", "--kdf", "interactive"}), {kPassphrase});
  INFO(init.Describe());
  CHECK_FALSE(init.signaled);
  CHECK(init.exit_code >= 1);
  CHECK(init.exit_code <= 5);
  CHECK(Lines(init.err).size() == 1);
  CHECK(ReadAll(path) == "not a vault");
}

}  // namespace
}  // namespace palabre::testing

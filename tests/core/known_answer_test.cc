// Known answers: a vault written by the format-1 code and committed under
// tests/data/vault-v1 must keep opening, with its passphrase and with its
// recovery code, and read back exactly what was written. A change to the
// keys file layout, Argon2id parameters, subkey derivation, page layout or
// associated data breaks this test.
#include <catch2/catch.hpp>
#include <vector>

#include "core/database.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

constexpr char kKatPassphrase[] = "known answer vault v1";
constexpr char kKatRecoveryCode[] = "6WC8-KG62-5S31-T0M0-8RNA-53EV-YTD9-HZP0";

std::string KatCopy(const TempDir& root) {
  const std::string dir = root.Sub("vault-v1");
  CopyFiles(std::string(PALABRE_SOURCE_DIR) + "/tests/data/vault-v1", dir);
  std::remove((dir + "/README.md").c_str());
  return dir;
}

std::vector<std::string> Words(Vault& vault) {
  auto stmt = vault.db().Prepare("SELECT word FROM kat ORDER BY id");
  REQUIRE(stmt.ok());
  std::vector<std::string> words;
  while (stmt->Step().value()) words.push_back(stmt->ColumnText(0));
  return words;
}

TEST_CASE("the committed format-1 vault still opens and reads back",
          "[core][kat]") {
  TempDir root;
  const std::string dir = KatCopy(root);
  auto info = Vault::Inspect(dir);
  REQUIRE(info.ok());
  CHECK(info->format_version == 1);
  CHECK(info->kdf == KdfLevel::kInteractive);
  CHECK(info->page_size == 4096);
  const std::vector<std::string> expected = {"palabre", "sécurité", "سنجار",
                                             "თბილისი"};
  {
    auto vault = Vault::Open(dir, kKatPassphrase);
    INFO(vault.status().ToString());
    REQUIRE(vault.ok());
    CHECK(Words(**vault) == expected);
    CHECK((*vault)->CheckIntegrity().ok());
  }
  auto by_code = Vault::OpenWithRecoveryCode(dir, kKatRecoveryCode);
  REQUIRE(by_code.ok());
  CHECK(Words(**by_code) == expected);
  CHECK(Vault::Open(dir, "known answer vault v2").status().code() ==
        StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace palabre::testing

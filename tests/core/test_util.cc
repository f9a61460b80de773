// Shared helpers for core tests (see test_util.h).
#include "tests/core/test_util.h"

#include <catch2/catch.hpp>

namespace palabre::testing {

std::string MakeVault(const std::string& dir) {
  auto code = Vault::Create(dir, kPassphrase, KdfLevel::kInteractive);
  REQUIRE(code.ok());
  return std::string(code->view());
}

std::unique_ptr<Vault> OpenVault(const std::string& dir) {
  auto vault = Vault::Open(dir, kPassphrase);
  INFO(vault.status().ToString());
  REQUIRE(vault.ok());
  return std::move(vault).value();
}

}  // namespace palabre::testing

// Shared helpers for core tests (see test_util.h).
#include "tests/core/test_util.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace palabre::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base ? base : "/tmp") +
                     "/palabre-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Sub(const std::string& name) const {
  return path_ + "/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  REQUIRE(out.good());
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

void FlipByte(const std::string& path, long offset) {
  std::string bytes = ReadAll(path);
  REQUIRE(offset < static_cast<long>(bytes.size()));
  bytes[static_cast<std::size_t>(offset)] ^= 0x01;
  WriteAll(path, bytes);
}

std::vector<std::pair<std::string, std::string>> Snapshot(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files.emplace_back(entry.path().filename().string(),
                         ReadAll(entry.path().string()));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void CopyDir(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(to);
  for (const auto& [name, bytes] : Snapshot(from)) WriteAll(to + "/" + name, bytes);
}

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

// Background `palabre serve` and a test organisation (server_util.h).
#include "tests/cli/server_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <chrono>
#include <thread>

#include "tests/cli/records_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {

ServerProcess::ServerProcess(std::string org_file, std::string data_dir,
                             std::string tls_cert, std::string tls_key)
    : org_file_(std::move(org_file)),
      data_dir_(std::move(data_dir)),
      tls_cert_(std::move(tls_cert)),
      tls_key_(std::move(tls_key)),
      out_path_(data_dir_ + "-stdout"),
      log_path_(data_dir_ + "-stderr") {}

void ServerProcess::SetTls(std::string tls_cert, std::string tls_key) {
  tls_cert_ = std::move(tls_cert);
  tls_key_ = std::move(tls_key);
}

ServerProcess::~ServerProcess() { Stop(SIGKILL); }

bool ServerProcess::Start() {
  Stop(SIGKILL);
  error_.clear();
  WriteAll(out_path_, "");
  const pid_t pid = fork();
  if (pid < 0) {
    error_ = "fork failed";
    return false;
  }
  if (pid == 0) {
    const int out = open(out_path_.c_str(), O_WRONLY | O_TRUNC);
    const int err =
        open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int in = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    setsid();
    const std::string bin = PALABRE_BINARY;
    if (tls_cert_.empty()) {
      execl(bin.c_str(), bin.c_str(), "serve", "--org", org_file_.c_str(),
            "--data", data_dir_.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    } else {
      execl(bin.c_str(), bin.c_str(), "serve", "--org", org_file_.c_str(),
            "--data", data_dir_.c_str(), "--listen", "127.0.0.1:0",
            "--tls-cert", tls_cert_.c_str(), "--tls-key", tls_key_.c_str(),
            static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  pid_ = pid;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const std::string marker = tls_cert_.empty()
                                 ? "listening on http://127.0.0.1:"
                                 : "listening on https://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = ReadAll(out_path_);
    const std::size_t at = out.find(marker);
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      port_ = std::atoi(out.c_str() + at + marker.size());
      return port_ > 0;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "the server exited: " + Log();
      return false;
    }
    // Waiting for another process to start: polling its output file is
    // the one wait here.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  error_ = "the server did not start within 20 s: " + Log();
  return false;
}

void ServerProcess::Stop(int signal) {
  if (pid_ <= 0) return;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::Log() const { return ReadAll(log_path_); }

TestOrg::TestOrg(const std::string& root, bool tls) : root_(root) {
  coord_ = root_ + "/coord";
  proxy_ = std::make_unique<TcpProxy>(1);
  REQUIRE(proxy_->Start().ok());
  InitVault(coord_);
  const RunResult init = RunRecords(
      coord_, {"org", "init", "--name", "Réseau test", "--server",
               std::string(tls ? "https" : "http") + "://127.0.0.1:" +
                   std::to_string(proxy_->port()),
               "--device-name", "bureau de Gao"});
  REQUIRE(init.exit_code == 0);
  const RunResult exported = RunRecords(
      coord_, {"org", "export-public", "--output", root_ + "/org.json"});
  REQUIRE(exported.exit_code == 0);
  std::string cert, key;
  if (tls) {
    cert = root_ + "/server-cert.pem";
    key = root_ + "/server-key.pem";
    MakeSelfSignedCert(cert, key);
  }
  server_ = std::make_unique<ServerProcess>(root_ + "/org.json",
                                            root_ + "/server", cert, key);
  RestartServer();
}

TestOrg::~TestOrg() {
  server_.reset();
  proxy_.reset();
}

void TestOrg::RestartServer() {
  INFO(server_->error());
  REQUIRE(server_->Start());
  proxy_->SetTarget(server_->port());
}

std::string TestOrg::AddFacilitator(const std::string& name) {
  const std::string dir = root_ + "/" + name;
  InitVault(dir);
  const nlohmann::json invite =
      RunJson(coord_, {"org", "invite", "--name", name});
  REQUIRE(invite.contains("code"));
  const RunResult enrolled =
      RunRecords(dir, {"enroll", invite["code"].get<std::string>()});
  INFO(enrolled.Describe());
  REQUIRE(enrolled.exit_code == 0);
  const RunResult approved = RunRecords(coord_, {"org", "approve", "--all"});
  INFO(approved.Describe());
  REQUIRE(approved.exit_code == 0);
  return dir;
}

void MakeSelfSignedCert(const std::string& cert_path,
                        const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key != nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 30);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"),
                             -1, -1, 0);
  X509_set_issuer_name(cert, name);
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  FILE* c = std::fopen(cert_path.c_str(), "wb");
  FILE* k = std::fopen(key_path.c_str(), "wb");
  REQUIRE(c != nullptr);
  REQUIRE(k != nullptr);
  REQUIRE(PEM_write_X509(c, cert) == 1);
  REQUIRE(PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr,
                               nullptr) == 1);
  std::fclose(c);
  std::fclose(k);
  X509_free(cert);
  EVP_PKEY_free(key);
}

RunResult SyncVault(const std::string& vault, int max_wait_s) {
  return RunRecords(vault, {"--json", "sync", "--max-wait",
                            std::to_string(max_wait_s)});
}

namespace {

void Collect(const std::string& path, std::string* out) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISREG(st.st_mode)) {
    *out += ReadAll(path);
    return;
  }
  if (!S_ISDIR(st.st_mode)) return;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    Collect(path + "/" + name, out);
  }
  closedir(dir);
}

}  // namespace

std::string AllBytesUnder(const std::string& dir) {
  std::string out;
  Collect(dir, &out);
  return out;
}

}  // namespace palabre::testing

// Running the real `palabre serve` in the background for end-to-end sync
// tests, and the organisation around it: a coordinator's vault with its
// organisation, facilitators' vaults invited, enrolled and approved, all
// talking to the server through the tests' own loopback proxy
// (tests/sync/tcp_proxy.h), so that a test can cut, slow or drop the link
// and kill and restart the server.
#ifndef PALABRE_TESTS_CLI_SERVER_UTIL_H_
#define PALABRE_TESTS_CLI_SERVER_UTIL_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/cli/run_util.h"
#include "tests/sync/tcp_proxy.h"

namespace palabre::testing {

// One `palabre serve --org FILE --data DIR --listen 127.0.0.1:0` process.
class ServerProcess {
 public:
  // With `tls_cert` and `tls_key` (PEM files), the server serves HTTPS.
  ServerProcess(std::string org_file, std::string data_dir,
                std::string tls_cert = "", std::string tls_key = "");
  // Serves HTTPS with another certificate and key from the next Start().
  void SetTls(std::string tls_cert, std::string tls_key);
  ~ServerProcess();  // SIGKILL if still running

  // Starts the server and waits (up to 20 s) for it to print its URL.
  // False, with the reason in error(), if it did not.
  bool Start();
  // SIGKILL (or `signal`) and reap. Safe when not running.
  void Stop(int signal = 9);
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // Everything the server wrote on stderr (its request log) so far, over
  // every start.
  std::string Log() const;
  const std::string& error() const { return error_; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  std::string org_file_;
  std::string data_dir_;
  std::string tls_cert_;
  std::string tls_key_;
  std::string out_path_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

// An organisation for tests: a coordinator's vault (`root`/coord), its
// server behind a proxy, and facilitators added on demand.
class TestOrg {
 public:
  // Creates the coordinator's vault and organisation (server URL: the
  // proxy), exports the public identity and starts the server (HTTPS with
  // a new self-signed certificate if `tls`). The test fails (REQUIRE) if
  // any step does.
  explicit TestOrg(const std::string& root, bool tls = false);
  ~TestOrg();

  // A new facilitator's vault `root`/NAME: init, invited by the
  // coordinator, enrolled, approved. Returns the vault directory.
  std::string AddFacilitator(const std::string& name);
  // Restarts the server (after Stop) and points the proxy at it.
  void RestartServer();

  const std::string& coordinator() const { return coord_; }
  ServerProcess& server() { return *server_; }
  TcpProxy& proxy() { return *proxy_; }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::string coord_;
  std::unique_ptr<TcpProxy> proxy_;
  std::unique_ptr<ServerProcess> server_;
};

// Writes a new self-signed certificate (EC P-256, CN 127.0.0.1) and its key
// as PEM files.
void MakeSelfSignedCert(const std::string& cert_path,
                        const std::string& key_path);

// `palabre sync --json --max-wait S` on a vault; returns the result.
RunResult SyncVault(const std::string& vault, int max_wait_s = 30);

// Every file under `dir` (recursively), concatenated: for canary checks.
std::string AllBytesUnder(const std::string& dir);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CLI_SERVER_UTIL_H_

// End to end over TLS: the server with its own self-signed certificate;
// the coordinator pins its key at the first contact, the invitation
// carries the pin to a new device, and a server with another key is
// refused before anything is sent.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/records_util.h"
#include "tests/cli/server_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

TEST_CASE("over TLS the server's key is pinned, and another key is refused",
          "[sync][tls]") {
  TempDir tmp;
  TestOrg org(tmp.path(), /*tls=*/true);
  // The coordinator's first contact pins the key; the invitation carries
  // it.
  const RunResult first = SyncVault(org.coordinator());
  INFO(first.Describe());
  REQUIRE(first.exit_code == 0);
  const std::string gao = org.AddFacilitator("gao");
  AddSessionFile(gao, MinimalSession("Dialogue chiffré"));
  const RunResult pushed = SyncVault(gao);
  INFO(pushed.Describe());
  CHECK(pushed.exit_code == 0);
  CHECK(json::parse(pushed.out)["pushed"] == 1);
  CHECK(json::parse(SyncVault(org.coordinator()).out)["pulled"] == 1);

  // Another machine answers with another key: refused, nothing sent.
  org.server().Stop();
  const std::size_t log_before = org.server().Log().size();
  MakeSelfSignedCert(tmp.Sub("other-cert.pem"), tmp.Sub("other-key.pem"));
  org.server().SetTls(tmp.Sub("other-cert.pem"), tmp.Sub("other-key.pem"));
  org.RestartServer();
  AddSessionFile(gao, MinimalSession("Dialogue détourné"));
  const RunResult refused = SyncVault(gao, 5);
  ExpectFailure(refused, 1);
  CHECK(refused.err.find("TLS key") != std::string::npos);
  CHECK(org.server().Log().substr(log_before).find("/v1/") ==
        std::string::npos);
  const RunResult coord = SyncVault(org.coordinator(), 5);
  ExpectFailure(coord, 1);
}

}  // namespace
}  // namespace palabre::testing

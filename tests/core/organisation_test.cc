// The organisation (core/organisation.h): names and server URLs are
// checked (plain http only on this machine); init creates the keys once and
// certifies the vault's own device as a coordinator; a certificate verifies
// with the organisation's key and a change to any field it covers, or
// another organisation's key, breaks it; the public identity holds no
// secret.
#include "core/organisation.h"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/device_key.h"
#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("server URLs: https anywhere, plain http only on this machine",
          "[org]") {
  struct Case {
    const char* url;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"https://sync.example.org", true},
      {"https://sync.example.org:8443", true},
      {"https://sync.example.org/palabre", true},
      {"https://10.0.0.5:443", true},
      {"https://[2001:db8::1]:8443", true},
      {"http://127.0.0.1:8080", true},
      {"http://127.1.2.3", true},
      {"http://localhost:9000", true},
      {"http://[::1]:9000", true},
      {"http://[::1]", true},
      {"https://[2001:db8::1]", true},
      {"https://[2001:db8::1]x", false},
      {"https://[2001:db8::1", false},
      {"http://sync.example.org", false},
      {"http://10.0.0.5:8080", false},
      {"http://127.0.0.1.example.org", false},
      {"http://128.0.0.1", false},
      {"http://127.0.0.256", false},
      {"ftp://sync.example.org", false},
      {"sync.example.org", false},
      {"https://", false},
      {"https://:443", false},
      {"https://host:0", false},
      {"https://host:65536", false},
      {"https://host:80a", false},
      {"https://host:", false},
      {"https://user@host", false},
      {"https://ho st", false},
      {"https://hôte.example", false},
      {"", false},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    const Status status = CheckServerUrl(c.url);
    CHECK(status.ok() == c.ok);
    if (!c.ok) CHECK(status.code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("organisation and device names are checked", "[org]") {
  CHECK(CheckOrgName("Réseau Sahel Paix").ok());
  CHECK(CheckOrgName("شبكة السلام").ok());
  CHECK(CheckOrgName(std::string(kMaxOrgNameChars, 'a')).ok());
  for (const std::string& bad :
       {std::string(), std::string(kMaxOrgNameChars + 1, 'a'),
        std::string("a\nb"), std::string("\xff"), std::string("a\0b", 3)}) {
    CHECK(CheckOrgName(bad).code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("init creates the organisation once and certifies this device",
          "[org]") {
  RecordsFixture f;
  Database& db = f.db();
  CHECK(LoadOrgIdentity(db).status().code() == StatusCode::kNotFound);
  auto org =
      InitOrganisation(db, "Réseau Sahel Paix", "https://sync.example.org",
                       "bureau de Gao", 1767225600000);
  REQUIRE(org.ok());
  CHECK(org->org_id == DeviceIdFor(org->signing_key));
  CHECK(org->signing_key.size() == 32);
  CHECK(org->encryption_key.size() == 32);
  auto loaded = LoadOrgIdentity(db);
  REQUIRE(loaded.ok());
  CHECK(loaded->org_id == org->org_id);
  CHECK(loaded->name == "Réseau Sahel Paix");
  CHECK(loaded->server == "https://sync.example.org");

  auto certs = LoadCertificates(db);
  REQUIRE(certs.ok());
  REQUIRE(certs->size() == 1);
  const DeviceCertificate& cert = certs->front();
  CHECK(cert.device_id ==
        f.db()
            .QueryText("SELECT device_id FROM device_keys WHERE secret_key "
                       "IS NOT NULL")
            .value());
  CHECK(cert.role == kRoleCoordinator);
  CHECK(cert.name == "bureau de Gao");
  CHECK(cert.issued_at == 1767225600000);
  CHECK(VerifyCertificate(cert, org->signing_key).ok());

  // A second init is refused and changes nothing.
  auto again = InitOrganisation(db, "Autre", "https://other.example.org", "x",
                                1767225600001);
  CHECK(again.status().code() == StatusCode::kAlreadyExists);
  CHECK(LoadOrgIdentity(db)->signing_key == org->signing_key);
  CHECK(LoadCertificates(db)->size() == 1);
  // Bad input writes nothing either.
  RecordsFixture g;
  CHECK(InitOrganisation(g.db(), "", "https://x.org", "d", 1).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(InitOrganisation(g.db(), "O", "http://x.org", "d", 1).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(LoadOrgIdentity(g.db()).status().code() == StatusCode::kNotFound);
}

TEST_CASE("a certificate breaks when any field it covers changes", "[org]") {
  RecordsFixture f;
  auto org = InitOrganisation(f.db(), "Org", "https://sync.example.org",
                              "coordinator", 1767225600000);
  REQUIRE(org.ok());
  const DeviceCertificate cert = LoadCertificates(f.db())->front();
  struct Mutation {
    const char* field;
    std::function<void(DeviceCertificate&)> apply;
  };
  const std::vector<Mutation> mutations = {
      {"device id", [](DeviceCertificate& c) { c.device_id[0] ^= 1; }},
      {"public key", [](DeviceCertificate& c) { c.public_key[5] ^= 1; }},
      {"role", [](DeviceCertificate& c) { c.role = kRoleFacilitator; }},
      {"name", [](DeviceCertificate& c) { c.name += "x"; }},
      {"issued at", [](DeviceCertificate& c) { c.issued_at += 1; }},
      {"signature", [](DeviceCertificate& c) { c.signature[9] ^= 1; }},
      {"org id", [](DeviceCertificate& c) { c.org_id[3] ^= 1; }},
  };
  for (const Mutation& m : mutations) {
    INFO(m.field);
    DeviceCertificate changed = cert;
    m.apply(changed);
    CHECK_FALSE(VerifyCertificate(changed, org->signing_key).ok());
  }
  // Another organisation's key does not verify it.
  RecordsFixture g(/*own_keys=*/true);
  auto other = InitOrganisation(g.db(), "Other", "https://o.example.org",
                                "coordinator", 1);
  REQUIRE(other.ok());
  CHECK(VerifyCertificate(cert, other->signing_key).code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("the public identity holds no secret", "[org]") {
  RecordsFixture f;
  auto org = InitOrganisation(f.db(), "Org", "https://sync.example.org",
                              "coordinator", 1767225600000);
  REQUIRE(org.ok());
  const nlohmann::json pub = OrgPublicJson(*org, *LoadCertificates(f.db()));
  CHECK(pub["format"] == "palabre.org/1");
  CHECK(pub["signing_key"] == ToHex(org->signing_key));
  CHECK(pub["encryption_key"] == ToHex(org->encryption_key));
  const std::string text = pub.dump();
  for (const char* column : {"signing_secret", "encryption_secret"}) {
    INFO(column);
    auto secret = Column(
        f.db(), std::string("SELECT hex(") + column + ") FROM organisation");
    REQUIRE(secret.size() == 1);
    REQUIRE(secret[0].size() >= 64);
    std::string lower = secret[0];
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    CHECK(text.find(lower) == std::string::npos);
    CHECK(text.find(lower.substr(0, 32)) == std::string::npos);
  }
}

}  // namespace
}  // namespace palabre::testing

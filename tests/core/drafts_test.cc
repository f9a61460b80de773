// Drafts in the vault (core/drafts.h): what the web app's session form
// saves as the facilitator types must come back after the window closed
// and the vault was locked and opened again; saving replaces, deleting
// forgets, and bad input is refused without touching the draft held.
#include "core/drafts.h"

#include <catch2/catch.hpp>
#include <string>

#include "core/database.h"
#include "core/vault.h"
#include "tests/core/records_fixture_util.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("a draft is kept in the vault, replaced and forgotten",
          "[core][drafts]") {
  RecordsFixture f;
  Database& db = f.db();
  auto none = LoadDraft(db, "session");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  const std::string first = R"({"title":"Réunion à Gao","notes":"brouillon"})";
  REQUIRE(SaveDraft(db, "session", first, 1000).ok());
  const std::string second = R"({"title":"ქართული","concerns":[{}]})";
  REQUIRE(SaveDraft(db, "session", second, 2000).ok());
  auto held = LoadDraft(db, "session");
  REQUIRE(held.ok());
  REQUIRE(held->has_value());
  CHECK((*held)->body == second);
  CHECK((*held)->saved_at == 2000);

  struct Case {
    const char* name;
    std::string body;
  };
  const Case refused[] = {
      {"not JSON", "{title"},
      {"an array", "[1, 2]"},
      {"a string", "\"draft\""},
      {"over 1 MiB", "{\"notes\":\"" + std::string(kMaxDraftBytes, 'x') + "\"}"},
  };
  for (const Case& c : refused) {
    INFO(c.name);
    CHECK(SaveDraft(db, "session", c.body, 3000).code() ==
          StatusCode::kInvalidArgument);
    CHECK((*LoadDraft(db, "session"))->body == second);
  }

  REQUIRE(DeleteDraft(db, "session").ok());
  REQUIRE(DeleteDraft(db, "session").ok());  // nothing left: still OK
  CHECK_FALSE(LoadDraft(db, "session")->has_value());
}

}  // namespace
}  // namespace palabre::testing

// Tampering seen through the CLI: one byte flipped in a database page makes
// `status` exit 4 (vault damaged), with one line on stderr and nothing on
// stdout, never a crash. Pages are 4096 bytes.
#include <catch2/catch.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

constexpr long kPageSize = 4096;

TEST_CASE("a flipped byte in a database page makes status exit 4", "[cli]") {
  struct Case {
    const char* what;
    long offset;
  };
  const Case cases[] = {
      {"page 1", 100},
      {"page 2", kPageSize + 100},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      TempDir tmp;
      const std::string dir = tmp.Sub("vault");
      InitVault(dir);
      REQUIRE(ReadAll(dir + "/palabre.db").size() >=
              static_cast<std::size_t>(2 * kPageSize));
      FlipByte(dir + "/palabre.db", c.offset);
      RunResult r = RunStatus(dir);
      ExpectFailure(r, 4);
      CHECK(r.out.empty());
    }
  }
}

}  // namespace
}  // namespace palabre::testing

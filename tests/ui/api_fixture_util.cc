// Checks shared by the API tests (api_fixture_util.h).
#include "tests/ui/api_fixture_util.h"

namespace palabre::testing {

using nlohmann::json;

void CheckError(const ui::ApiReply& r, int status, const std::string& code,
                const std::string& says) {
  INFO(r.status << " " << r.body.dump());
  CHECK(r.status == status);
  if (!r.body.is_object() || !r.body.contains("error")) {
    FAIL_CHECK("not an error reply");
    return;
  }
  CHECK(r.body.size() == 1);
  CHECK(r.body["error"]["code"] == code);
  REQUIRE(r.body["error"]["message"].is_string());
  CHECK_FALSE(r.body["error"]["message"].get<std::string>().empty());
  if (!says.empty()) {
    CHECK(r.body["error"]["message"].get<std::string>().find(says) !=
          std::string::npos);
  }
}

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it)
    keys.insert(it.key());
  return keys;
}

}  // namespace palabre::testing

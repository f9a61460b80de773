// The API of `palabre ui` on a real vault for the ui tests: Api::Handle
// called directly, with a fake monotonic clock, a fake wall clock and a
// fixed "today"; and the checks every API test makes of a reply.
#ifndef PALABRE_TESTS_UI_API_FIXTURE_UTIL_H_
#define PALABRE_TESTS_UI_API_FIXTURE_UTIL_H_

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/core/test_util.h"
#include "tests/ui/vault_copy_util.h"
#include "ui/api.h"
#include "ui/vault_holder.h"

namespace palabre::testing {

inline constexpr int64_t kIdleMs = 300'000;
inline constexpr char kToday[] = "2026-05-01";
inline constexpr char kCsrf[] = "c5rfc5rfc5rfc5rf";

// The API on a fresh vault, locked at first.
class ApiFixture {
 public:
  ApiFixture()
      : holder_(dir_.path(), kIdleMs, [this] { return mono_ms_; }),
        api_(
            holder_, [this] { return today_; }, [this] { return wall_ms_; }) {}

  ui::ApiReply Call(const std::string& method, const std::string& path,
                    const std::string& body = "",
                    const std::map<std::string, std::string>& query = {}) {
    ui::ApiRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    r.csrf = kCsrf;
    return api_.Handle(r);
  }
  ui::ApiReply Get(const std::string& path,
                   const std::map<std::string, std::string>& query = {}) {
    return Call("GET", path, "", query);
  }
  ui::ApiReply Post(const std::string& path, const nlohmann::json& body) {
    return Call("POST", path, body.dump());
  }

  void Unlock() {
    const ui::ApiReply r = Post("/api/unlock", {{"passphrase", kPassphrase}});
    INFO(r.body.dump());
    REQUIRE(r.status == 200);
  }
  void Lock() { REQUIRE(Call("POST", "/api/lock").status == 200); }

  // POST /api/sessions, REQUIRE-d to give 201; the reply's body.
  nlohmann::json AddSession(const nlohmann::json& session) {
    const ui::ApiReply r = Post("/api/sessions", session);
    INFO(r.body.dump());
    REQUIRE(r.status == 201);
    return r.body;
  }
  // GET /api/sessions with `query`, REQUIRE-d to give 200; the ids listed.
  std::vector<std::string> ListIds(
      const std::map<std::string, std::string>& query = {}) {
    const ui::ApiReply r = Get("/api/sessions", query);
    INFO(r.body.dump());
    REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    for (const nlohmann::json& s : r.body["sessions"]) ids.push_back(s["id"]);
    return ids;
  }
  int64_t SessionTotal() {
    const ui::ApiReply r = Get("/api/sessions");
    REQUIRE(r.status == 200);
    return r.body["total"].get<int64_t>();
  }
  // GET /api/commitments/<id>, REQUIRE-d to give 200.
  nlohmann::json Commitment(const std::string& id) {
    const ui::ApiReply r = Get("/api/commitments/" + id);
    INFO(r.body.dump());
    REQUIRE(r.status == 200);
    return r.body;
  }

  ui::VaultHolder& holder() { return holder_; }
  const std::string vault_path() const { return dir_.path(); }
  void set_wall_ms(int64_t ms) { wall_ms_ = ms; }
  void set_today(std::string today) { today_ = std::move(today); }

 private:
  VaultCopy dir_;
  int64_t mono_ms_ = 0;
  int64_t wall_ms_ = 1'777'000'000'000;
  std::string today_ = kToday;
  ui::VaultHolder holder_;
  ui::Api api_;
};

// The contract's error shape, with `code` and HTTP `status`; the message
// holds `says` if given.
void CheckError(const ui::ApiReply& r, int status, const std::string& code,
                const std::string& says = "");

// The keys of a JSON object.
std::set<std::string> Keys(const nlohmann::json& object);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_UI_API_FIXTURE_UTIL_H_

// Tests for platform/paths.h: which environment variables decide the default
// vault directory. The variables are restored after each case.
#include "platform/paths.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

namespace palabre::platform {
namespace {

// Saves environment variable `name` and puts it back when destroyed.
class EnvGuard {
 public:
  explicit EnvGuard(const char* name) : name_(name) {
    if (const char* value = getenv(name)) saved_ = value;
  }
  ~EnvGuard() {
    if (saved_) {
      setenv(name_, saved_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

  // Sets the variable, or unsets it for std::nullopt.
  void Set(const std::optional<std::string>& value) {
    if (value) {
      REQUIRE(setenv(name_, value->c_str(), 1) == 0);
    } else {
      REQUIRE(unsetenv(name_) == 0);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

TEST_CASE("DefaultVaultDirectory prefers an absolute XDG_DATA_HOME",
          "[platform]") {
  struct Case {
    std::optional<std::string> xdg_data_home, home;
    std::optional<std::string> expected;  // std::nullopt: kNotFound
  };
  const std::vector<Case> cases = {
      {"/data", "/home/u", "/data/palabre"},
      {"/data/", "/home/u", "/data/palabre"},
      {"/data//x/.", "/home/u", "/data/x/palabre"},
      {std::nullopt, "/home/u", "/home/u/.local/share/palabre"},
      {std::nullopt, "/home/u/", "/home/u/.local/share/palabre"},
      {"", "/home/u", "/home/u/.local/share/palabre"},
      {"relative/data", "/home/u", "/home/u/.local/share/palabre"},
      {std::nullopt, std::nullopt, std::nullopt},
      {std::nullopt, "relative/home", std::nullopt},
      {"relative/data", "", std::nullopt},
  };
  EnvGuard xdg("XDG_DATA_HOME");
  EnvGuard home("HOME");
  for (const Case& c : cases) {
    CAPTURE(c.xdg_data_home.value_or("(unset)"), c.home.value_or("(unset)"));
    xdg.Set(c.xdg_data_home);
    home.Set(c.home);
    auto dir = DefaultVaultDirectory();
    if (c.expected) {
      REQUIRE(dir.ok());
      CHECK(*dir == *c.expected);
    } else {
      REQUIRE_FALSE(dir.ok());
      CHECK(dir.status().code() == StatusCode::kNotFound);
      CHECK_THAT(dir.status().message(), Catch::Contains("XDG_DATA_HOME"));
    }
  }
}

TEST_CASE("GetEnv returns the value or an empty string", "[platform]") {
  EnvGuard var("PALABRE_PATHS_TEST_VARIABLE");
  var.Set("some value");
  CHECK(GetEnv("PALABRE_PATHS_TEST_VARIABLE") == "some value");
  var.Set(std::nullopt);
  CHECK(GetEnv("PALABRE_PATHS_TEST_VARIABLE").empty());
}

}  // namespace
}  // namespace palabre::platform

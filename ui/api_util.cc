// Helpers the API's handlers share (ui/api_util.h).
#include "ui/api_util.h"

#include <charconv>

#include "core/record.h"
#include "ui/vault_holder.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultLimit = 200;
constexpr std::size_t kMaxRequestBodyBytes = 1u << 20;

}  // namespace

// A core Status as an API error: the vault locked (423), a wrong
// passphrase (401), bad input (400, `invalid` its code), nothing there
// (404); anything else 500 without details (they may name files).
ApiReply FromStatus(const Status& status, std::string_view invalid) {
  if (IsLockedError(status)) {
    return ApiError(423, "locked", "the vault is locked: unlock it first");
  }
  if (IsBusyError(status)) {
    return ApiError(409, "busy", status.message());
  }
  switch (status.code()) {
    case StatusCode::kUnauthenticated:
      return ApiError(401, "wrong_passphrase", "wrong passphrase");
    case StatusCode::kInvalidArgument:
      return ApiError(400, invalid, status.message());
    case StatusCode::kNotFound:
      return ApiError(404, "not_found", status.message());
    default:
      return ApiError(500, "internal",
                      "palabre could not do this (" +
                          std::string(StatusCodeName(status.code())) +
                          "); nothing was changed");
  }
}

std::string Param(const ApiRequest& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

// A `limit` parameter: a whole number >= 0, kDefaultLimit if absent.
StatusOr<int64_t> LimitParam(const ApiRequest& r) {
  const std::string text = Param(r, "limit");
  if (text.empty()) return kDefaultLimit;
  int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgumentError("limit: a whole number, 0 or more");
  }
  return value;
}

// The JSON object a body holds, read with core's guards for hostile input
// (size, UTF-8, duplicate keys, nesting depth: a deep body would overflow
// the stack of anything that walks it); kInvalidArgument otherwise.
StatusOr<json> BodyObject(const ApiRequest& r) {
  PALABRE_ASSIGN_OR_RETURN(
      json j, ParseJsonText(r.body, "request body", kMaxRequestBodyBytes));
  if (!j.is_object()) {
    return InvalidArgumentError("the request body is not a JSON object");
  }
  return j;
}

// A filter parameter that must be a date or a vocabulary word, as
// `session list` checks its options.
Status CheckDateParam(const char* name, const std::string& value) {
  if (value.empty() || IsValidDate(value)) return Status::Ok();
  return InvalidArgumentError(std::string(name) + ": not a date (YYYY-MM-DD)");
}
Status CheckWordParam(const char* name, const std::string& value,
                      std::span<const std::string_view> vocabulary) {
  if (value.empty() || InVocabulary(vocabulary, value)) return Status::Ok();
  return InvalidArgumentError(std::string(name) + ": not one of the choices");
}

std::string StringField(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace palabre::ui

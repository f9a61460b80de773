// Helpers the API's handlers share (ui/api.cc, ui/api_reports.cc,
// ui/api_sync.cc): statuses as API errors, query parameters checked as the
// CLI checks its options, and request bodies read with core's guards.
// Internal to ui/.
#ifndef PALABRE_UI_API_UTIL_H_
#define PALABRE_UI_API_UTIL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "platform/status.h"
#include "ui/api.h"

namespace palabre::ui {

// A core Status as an API error: the vault locked (423), busy with a sync
// (409 busy), a wrong passphrase (401), bad input (400, `invalid` its
// code), nothing there (404); anything else 500 without details (they may
// name files).
ApiReply FromStatus(const Status& status,
                    std::string_view invalid = "bad_request");

// The query parameter `name`, "" if absent.
std::string Param(const ApiRequest& r, const char* name);

// A `limit` parameter: a whole number >= 0, 200 if absent.
StatusOr<int64_t> LimitParam(const ApiRequest& r);

// The JSON object a body holds, read with core's guards for hostile input
// (size, UTF-8, duplicate keys, nesting depth); kInvalidArgument otherwise.
StatusOr<nlohmann::json> BodyObject(const ApiRequest& r);

// A filter parameter that must be empty, a date (YYYY-MM-DD), or a word
// of `vocabulary`; kInvalidArgument naming it otherwise.
Status CheckDateParam(const char* name, const std::string& value);
Status CheckWordParam(const char* name, const std::string& value,
                      std::span<const std::string_view> vocabulary);

// The string at `key` of object `j`, "" if absent or not a string.
std::string StringField(const nlohmann::json& j, const char* key);

bool StartsWith(std::string_view s, std::string_view prefix);

}  // namespace palabre::ui

#endif  // PALABRE_UI_API_UTIL_H_

// Printing: results on stdout (human text or JSON), errors as one line on
// stderr. Nothing printed here may contain record content or a passphrase;
// the recovery code is printed only by `init`, through WriteJsonString or
// plain text, never copied into a std::string.
#ifndef PALABRE_CLI_OUTPUT_H_
#define PALABRE_CLI_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre::cli {

// `message` with control characters (newlines included) replaced by spaces,
// so that it fits on one line.
std::string OneLine(std::string_view message);

// Writes "palabre: <message>\n" to stderr, on one line.
void PrintError(std::string_view message);

// Writes `text` as a quoted, escaped JSON string to `out` without making a
// copy of it (used for secrets such as the recovery code).
void WriteJsonString(std::ostream& out, std::string_view text);

// Prints `value` as one line of JSON on stdout. Invalid UTF-8 (e.g. in a
// path) is replaced rather than thrown on.
void PrintJson(const nlohmann::json& value);

// Flushes stdout. kInternal if anything written to it was lost (closed pipe,
// full disk), so a command never reports success for output nobody saw.
Status FlushStdout();

}  // namespace palabre::cli

#endif  // PALABRE_CLI_OUTPUT_H_

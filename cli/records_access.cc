// Shared plumbing of the record commands (see records_access.h).
#include "cli/records_access.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/output.h"
#include "cli/vault_checks.h"
#include "core/record.h"
#include "platform/errno_text.h"
#include "platform/file_util.h"
#include "platform/terminal.h"

namespace palabre::cli {

StatusOr<OpenRecords> UnlockRecords(Context& ctx) {
  PALABRE_RETURN_IF_ERROR(InspectForUnlock(ctx.vault).status());
  PALABRE_ASSIGN_OR_RETURN(
      SecureBuffer passphrase,
      ctx.secrets.Read("Passphrase for " + ctx.vault + ": "));
  OpenRecords open;
  PALABRE_ASSIGN_OR_RETURN(open.vault,
                           Vault::Open(ctx.vault, passphrase.view()));
  passphrase.Clear();
  PALABRE_ASSIGN_OR_RETURN(RecordStore store, RecordStore::Open(*open.vault));
  open.store = std::make_unique<RecordStore>(std::move(store));
  return open;
}

StatusOr<std::string> ReadInputText(const std::string& path,
                                    std::size_t limit) {
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return InvalidArgumentError("cannot read " + path + ": " +
                                platform::ErrnoText(errno));
  }
  std::string text;
  char buf[65536];
  bool failed = false;
  while (text.size() <= limit) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, file);
    text.append(buf, n);
    if (n < sizeof buf) {
      failed = std::ferror(file) != 0;
      break;
    }
  }
  const int saved_errno = errno;
  if (file != stdin) std::fclose(file);
  if (failed) {
    return InvalidArgumentError("cannot read " + path + ": " +
                                platform::ErrnoText(saved_errno));
  }
  if (text.size() > limit + 1) text.resize(limit + 1);
  return text;
}

Status CheckDateOption(std::string_view option, const std::string& value) {
  if (value.empty() || IsValidDate(value)) return Status::Ok();
  return InvalidArgumentError(std::string(option) + ": '" + OneLine(value) +
                              "' is not a date (YYYY-MM-DD)");
}

Status CheckWordOption(std::string_view option, const std::string& value,
                       std::span<const std::string_view> vocabulary) {
  if (value.empty() || InVocabulary(vocabulary, value)) return Status::Ok();
  std::string words;
  for (std::string_view w : vocabulary) {
    if (!words.empty()) words += ", ";
    words += w;
  }
  return InvalidArgumentError(std::string(option) + ": unknown value '" +
                              OneLine(value) + "' (expected one of: " + words +
                              ")");
}

Status NormalizeCountryOption(std::string* value) {
  if (value->empty()) return Status::Ok();
  const std::optional<std::string> code = CountryCode(*value);
  if (!code.has_value()) {
    return InvalidArgumentError(
        "--country: expected a two-letter ISO 3166-1 code such as ML");
  }
  *value = *code;
  return Status::Ok();
}

const CLI::Validator& LimitValidator() {
  static const CLI::Validator validator(
      [](std::string& value) -> std::string {
        const bool digits =
            !value.empty() && value.size() <= 18 &&
            value.find_first_not_of("0123456789") == std::string::npos;
        return digits ? std::string() : std::string("must be 0 or more");
      },
      "N >= 0");
  return validator;
}

Status Confirm(bool yes, const std::string& question) {
  if (yes) return Status::Ok();
  if (!platform::IsTerminal(0)) {
    return InvalidArgumentError(question +
                                " (no terminal to ask on: pass --yes to "
                                "confirm)");
  }
  std::string answer;
  Status status = platform::PromptLine(question + " [y/N] ", &answer);
  if (!status.ok()) {
    return InvalidArgumentError(question + " (pass --yes to confirm)");
  }
  if (answer == "y" || answer == "Y" || answer == "yes" || answer == "YES") {
    return Status::Ok();
  }
  return CancelledError("cancelled; nothing changed");
}

Status WriteOutput(const std::string& path, std::string_view text) {
  if (path.empty()) {
    std::cout << text;
    return FlushStdout();
  }
  Status status = platform::WriteFileAtomically(path, text, 0600);
  if (!status.ok()) {
    return Status(status.code() == StatusCode::kNotFound
                      ? StatusCode::kInvalidArgument
                      : status.code(),
                  "cannot write " + path + ": " + status.message());
  }
  return Status::Ok();
}

}  // namespace palabre::cli

// What the record commands share: unlocking the vault and opening its
// record store, reading a record file (or stdin) with a size cap, checking
// option values against core's vocabularies, and asking for confirmation.
// None of it decides anything about records; core does.
#ifndef PALABRE_CLI_RECORDS_ACCESS_H_
#define PALABRE_CLI_RECORDS_ACCESS_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "core/record_store.h"
#include "core/vault.h"
#include "platform/status.h"

namespace CLI {
class Validator;
}  // namespace CLI

namespace palabre::cli {

// An unlocked vault and its records. The store points into the vault.
struct OpenRecords {
  std::unique_ptr<Vault> vault;
  std::unique_ptr<RecordStore> store;
};

// Checks the vault is there, reads the passphrase (ctx.secrets) and unlocks.
// Errors as Vault::Open (wrong passphrase kUnauthenticated, ...).
StatusOr<OpenRecords> UnlockRecords(Context& ctx);

// Reads the whole of `path` ("-" for stdin), at most `limit` + 1 bytes (so
// that core can say the input is too large). kInvalidArgument if it cannot
// be read ("cannot read FILE: ...").
StatusOr<std::string> ReadInputText(const std::string& path, std::size_t limit);

// Option checks, each kInvalidArgument naming the option ("--from: not a
// date (YYYY-MM-DD)"). Empty values pass (the option was not given).
Status CheckDateOption(std::string_view option, const std::string& value);
Status CheckWordOption(std::string_view option, const std::string& value,
                       std::span<const std::string_view> vocabulary);
// Upper-cases a --country value; kInvalidArgument unless two letters.
Status NormalizeCountryOption(std::string* value);

// The check of a --limit option: a whole number, 0 or more ("must be 0 or
// more" otherwise, a usage error).
const CLI::Validator& LimitValidator();

// Asks "`question` [y/N] " on the terminal unless `yes`. OK if confirmed;
// kCancelled if the user says no; kInvalidArgument if there is no terminal to
// ask on ("... pass --yes to confirm").
Status Confirm(bool yes, const std::string& question);

// Writes `text` to `path` atomically with mode 0600, or to stdout when
// `path` is empty.
Status WriteOutput(const std::string& path, std::string_view text);

}  // namespace palabre::cli

#endif  // PALABRE_CLI_RECORDS_ACCESS_H_

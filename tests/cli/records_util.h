// Helpers shared by the end-to-end tests of the record commands (session,
// commitment, verify, export, import): running a command on a vault with the
// test passphrase, adding sessions from JSON written to a scratch file and
// reading back the ids `--json` prints, the record counts `verify --json`
// reports, small session builders, and a runner that puts the child's
// stdin, stdout and stderr all on one pseudo-terminal (the interactive
// `session add` reads its answers from stdin, which RunPalabre's terminal
// option leaves a pipe).
#ifndef PALABRE_TESTS_CLI_RECORDS_UTIL_H_
#define PALABRE_TESTS_CLI_RECORDS_UTIL_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {

// Runs `palabre --vault DIR ARGS --passphrase-fd 3` with kPassphrase on fd 3
// and `stdin_data` on stdin.
RunResult RunRecords(const std::string& dir, std::vector<std::string> args,
                     const std::string& stdin_data = "");

// As RunRecords with "--json" added; the test fails unless the command
// exits 0 and prints valid JSON, which is returned.
nlohmann::json RunJson(const std::string& dir, std::vector<std::string> args,
                       const std::string& stdin_data = "");

// What `session add --json` printed for one session.
struct Added {
  std::string session;
  std::vector<std::string> commitments;
};

// Writes `record` (one session object) to a scratch file beside the vault,
// runs `session add --file FILE --json` and returns the ids it printed; the
// test fails unless it succeeds.
Added AddSessionFile(const std::string& dir, const nlohmann::json& record);
// The same for an array of sessions (one Added per session, in order).
std::vector<Added> AddSessionsFile(const std::string& dir,
                                   const nlohmann::json& records);

// A scratch file path beside the vault directory: DIR + "-" + name.
std::string ScratchPath(const std::string& dir, const std::string& name);

// `verify --json` on the vault; the test fails unless it exits 0 with
// "ok": true. The object also holds the counts (sessions, commitments,
// follow_ups, redacted, entries, devices).
nlohmann::json VerifyCounts(const std::string& dir);

// True if `id` is 32 lower-case hex digits.
bool IsFullId(const std::string& id);

// The shortest prefix of `id` (at least 4 characters) that no other id in
// `others` starts with.
std::string UniquePrefix(const std::string& id,
                         const std::vector<std::string>& others);

// The smallest valid session: format, kind, title, started_at and
// place.country (plus place.region when given).
nlohmann::json MinimalSession(
    const std::string& title,
    const std::string& started_at = "2026-03-14T09:30:00+00:00",
    const std::string& country = "ML", const std::string& region = "",
    const std::string& kind = "community_dialogue");

// A commitment object (no "due" when `due` is empty).
nlohmann::json Commitment(const std::string& action, const std::string& owner,
                          const std::string& due = "");

// Five sessions in four countries and three scripts, added in this order
// (index: local date, kind, place, commitments by owner and due date):
//   0  2026-01-10 community_dialogue           ML / Gao (commune Gao), title
//      with "sécurité"; "Mairie de Gao" due 2020-01-01, "Commissariat de
//      police de Gao" due 2099-01-01
//   1  2026-02-15 security_advisory_committee  NE / Tillabéri;
//      "Gendarmerie nationale" due 2020-06-01
//   2  2026-03-03 community_dialogue           IQ / Nineveh / Sinjar, Arabic
//      title (01:30+03:00: still 2 March in UTC); "Sinjar district police",
//      no due date
//   3  2026-04-11 training                     GE / Shida Kartli / Gori,
//      Georgian title; no commitment
//   4  2025-12-01 perception_survey            "ml" (lower case) / Mopti;
//      "Direction régionale de la police de Mopti" due 2099-06-30
nlohmann::json SampleSessions();

// The child runs with a new pseudo-terminal as controlling terminal and as
// stdin, stdout and stderr; `steps` answer what appears on it (the
// transcript, with the terminal's echo of what was typed, is in
// RunResult::terminal; out and err stay empty). `extra_fd_data`, if set, is
// readable on fd 3.
RunResult RunOnPty(
    const std::vector<std::string>& args,
    const std::vector<TerminalStep>& steps,
    const std::optional<std::string>& extra_fd_data = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CLI_RECORDS_UTIL_H_

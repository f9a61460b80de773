// The interactive `session add`: asks for each field in turn on stderr and
// reads the answers from stdin (a terminal, a pseudo-terminal or a pipe),
// with vocabularies as numbered choices and defaults in brackets (now, the
// last country and region used). Answers that core would refuse (a date, a
// number, a choice) are asked again at once; the finished record is
// validated by core (ParseSession) like any file.
#ifndef PALABRE_CLI_SESSION_PROMPT_H_
#define PALABRE_CLI_SESSION_PROMPT_H_

#include <optional>

#include "core/record.h"
#include "core/record_store.h"
#include "platform/status.h"

namespace palabre::cli {

// The session the user described and chose to save, or nullopt if they
// declined at the summary. kInvalidArgument if input ends before the record
// is complete or the record breaks a rule (nothing is saved either way).
StatusOr<std::optional<SessionInput>> PromptSession(RecordStore& store);

}  // namespace palabre::cli

#endif  // PALABRE_CLI_SESSION_PROMPT_H_

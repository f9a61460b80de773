// Human-readable rendering of sessions for the terminal: the one-line form
// of `session list` and the full form of `session show`. Presentation only:
// the content comes from core (RecordStore).
#ifndef PALABRE_CLI_SESSION_TEXT_H_
#define PALABRE_CLI_SESSION_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/record_store.h"

namespace palabre::cli {

// "a1b2c3d4  2026-03-14  security_advisory_committee  ML / Gao / Gao  Title
// (2 open)". Control characters in record text are shown as spaces.
std::string SessionLine(const SessionSummary& session);

// The whole session (as RecordStore::SessionJson gives it), one field per
// line, lists indented.
std::string SessionText(const nlohmann::json& session);

// "ML / Gao / Gao" from the parts that are present.
std::string PlaceText(const std::string& country, const std::string& region,
                      const std::string& commune);

}  // namespace palabre::cli

#endif  // PALABRE_CLI_SESSION_TEXT_H_

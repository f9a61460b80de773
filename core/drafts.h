// Drafts: a form's unfinished content, kept in the vault so that closing a
// window loses nothing.
//
// The local web app (ui/) saves the session form as the facilitator types.
// A draft lives in the vault's database, so it is encrypted at rest like
// every record, but it is not a record: it never enters the entry log, is
// never synced, and `palabre wipe` destroys it with the rest. One draft per
// name ("session" for the session form); saving replaces it.
#ifndef PALABRE_CORE_DRAFTS_H_
#define PALABRE_CORE_DRAFTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre {

class Database;

// The largest draft kept (its JSON text).
inline constexpr std::size_t kMaxDraftBytes = 1u << 20;

struct Draft {
  std::string body;      // JSON text, as saved
  int64_t saved_at = 0;  // unix milliseconds
};

// Replaces draft `name`. kInvalidArgument if `body` is over kMaxDraftBytes
// or not a JSON object.
Status SaveDraft(Database& db, std::string_view name, std::string_view body,
                 int64_t now_ms);
// Draft `name`, or nullopt if none is kept.
StatusOr<std::optional<Draft>> LoadDraft(Database& db, std::string_view name);
// Removes draft `name`; OK if there was none.
Status DeleteDraft(Database& db, std::string_view name);

}  // namespace palabre

#endif  // PALABRE_CORE_DRAFTS_H_

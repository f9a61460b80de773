// Drafts kept in the vault (core/drafts.h).
#include "core/drafts.h"

#include <nlohmann/json.hpp>

#include "core/database.h"

namespace palabre {

Status SaveDraft(Database& db, std::string_view name, std::string_view body,
                 int64_t now_ms) {
  if (body.size() > kMaxDraftBytes) {
    return InvalidArgumentError("the draft is larger than " +
                                std::to_string(kMaxDraftBytes >> 20) + " MiB");
  }
  if (!nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false)
           .is_object()) {
    return InvalidArgumentError("the draft is not a JSON object");
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT OR REPLACE INTO drafts(name, body, saved_at) "
                 "VALUES (?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, name));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(2, body));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(3, now_ms));
  return stmt.Run();
}

StatusOr<std::optional<Draft>> LoadDraft(Database& db, std::string_view name) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body, saved_at FROM drafts WHERE name = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, name));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Draft>();
  return std::optional<Draft>(Draft{stmt.ColumnText(0), stmt.ColumnInt(1)});
}

Status DeleteDraft(Database& db, std::string_view name) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("DELETE FROM drafts WHERE name = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, name));
  return stmt.Run();
}

}  // namespace palabre

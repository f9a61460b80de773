// Search words to an FTS5 expression through the index's tokenizer (see
// search_query.h).
//
// Debian's libsqlite3-dev does not ship fts5.h, so the few declarations of
// the FTS5 extension API used here (documented at sqlite.org/fts5.html,
// "Extending FTS5"; a stable C ABI, fts5_api version 2 and later) are
// written out below.
#include "core/search_query.h"

#include <sqlite3.h>

#include "core/database.h"

namespace palabre {
namespace {

struct Fts5Tokenizer;  // opaque
struct Fts5TokenizerMethods {
  int (*xCreate)(void*, const char** args, int nargs, Fts5Tokenizer** out);
  void (*xDelete)(Fts5Tokenizer*);
  int (*xTokenize)(Fts5Tokenizer*, void* ctx, int flags, const char* text,
                   int ntext,
                   int (*xToken)(void* ctx, int tflags, const char* token,
                                 int ntoken, int start, int end));
};
struct Fts5Api {
  int iVersion;
  int (*xCreateTokenizer)(Fts5Api*, const char* name, void* user_data,
                          Fts5TokenizerMethods* tokenizer,
                          void (*xDestroy)(void*));
  int (*xFindTokenizer)(Fts5Api*, const char* name, void** user_data,
                        Fts5TokenizerMethods* tokenizer);
  // xCreateFunction follows; not used.
};
constexpr int kTokenizeQuery = 0x0001;  // FTS5_TOKENIZE_QUERY

// The tokenizer arguments of sessions_fts (core/projection_schema.h; a
// test checks that the two agree).
constexpr const char* kTokenizerArgs[] = {"remove_diacritics", "2"};

StatusOr<Fts5Api*> FindFts5Api(Database& db) {
  Fts5Api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.handle(), "SELECT fts5(?1)", -1, &stmt, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt);
    return InternalError("full-text search (FTS5) is not available");
  }
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr",
                       nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr || api->iVersion < 2) {
    return InternalError("full-text search (FTS5) is not available");
  }
  return api;
}

// Called by SQLite's C code: no exception may leave it.
int CollectToken(void* ctx, int /*tflags*/, const char* token, int ntoken,
                 int /*start*/, int /*end*/) {
  if (ntoken <= 0) return SQLITE_OK;
  try {
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(token, ntoken);
  } catch (...) {
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

}  // namespace

StatusOr<std::vector<std::string>> SearchTerms(Database& db,
                                               std::string_view text) {
  if (text.size() > kMaxSearchBytes) {
    return InvalidArgumentError("the search text is too long (at most " +
                                std::to_string(kMaxSearchBytes) + " bytes)");
  }
  PALABRE_ASSIGN_OR_RETURN(Fts5Api * api, FindFts5Api(db));
  void* user_data = nullptr;
  Fts5TokenizerMethods methods{};
  if (api->xFindTokenizer(api, "unicode61", &user_data, &methods) !=
      SQLITE_OK) {
    return InternalError("the unicode61 tokenizer is not available");
  }
  const char* args[std::size(kTokenizerArgs)];
  for (std::size_t i = 0; i < std::size(kTokenizerArgs); ++i) {
    args[i] = kTokenizerArgs[i];
  }
  Fts5Tokenizer* tokenizer = nullptr;
  if (methods.xCreate(user_data, args, static_cast<int>(std::size(args)),
                      &tokenizer) != SQLITE_OK) {
    return InternalError("cannot create the unicode61 tokenizer");
  }
  std::vector<std::string> terms;
  const int rc =
      methods.xTokenize(tokenizer, &terms, kTokenizeQuery, text.data(),
                        static_cast<int>(text.size()), CollectToken);
  methods.xDelete(tokenizer);
  if (rc != SQLITE_OK) return InternalError("cannot tokenize the search");
  return terms;
}

StatusOr<std::string> FtsMatchExpression(Database& db, std::string_view words) {
  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> terms,
                           SearchTerms(db, words));
  std::string query;
  for (const std::string& term : terms) {
    if (!query.empty()) query += ' ';
    query += '"';
    for (char c : term) {
      if (c == '"') query += '"';  // cannot happen with unicode61; cheap
      query += c;
    }
    query += "\"*";
  }
  return query;
}

}  // namespace palabre

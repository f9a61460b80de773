// Turning the words a user searches for into an FTS5 MATCH expression.
//
// The search index stores terms without positions (detail=none, which
// keeps it about a quarter of its full size), so a MATCH expression may not
// hold a phrase of two or more terms. The user's words are therefore split
// by the index's own tokenizer (unicode61 with remove_diacritics 2, the
// same one the sessions_fts table uses, reached through the FTS5 C API),
// and every term becomes its own prefix query: "sécurité-civile" searches
// for sessions holding a word starting with "securite" and a word starting
// with "civile".
#ifndef PALABRE_CORE_SEARCH_QUERY_H_
#define PALABRE_CORE_SEARCH_QUERY_H_

#include <string>
#include <string_view>
#include <vector>

#include "platform/status.h"

namespace palabre {

class Database;

// The longest search text taken (far more than any search needs).
inline constexpr std::size_t kMaxSearchBytes = 64 * 1024;

// The terms the index's tokenizer makes of `text` (lower case, Latin
// diacritics removed), in order. kInvalidArgument if `text` is longer than
// kMaxSearchBytes; kInternal if FTS5 is unavailable.
StatusOr<std::vector<std::string>> SearchTerms(Database& db,
                                               std::string_view text);

// `"term1"* "term2"*...` (every term must match, each as a prefix), or ""
// when `words` holds no term at all (only punctuation or spaces). Errors as
// SearchTerms.
StatusOr<std::string> FtsMatchExpression(Database& db, std::string_view words);

}  // namespace palabre

#endif  // PALABRE_CORE_SEARCH_QUERY_H_

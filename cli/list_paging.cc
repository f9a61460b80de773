// Paging of list output (see list_paging.h).
#include "cli/list_paging.h"

#include "cli/records_access.h"

namespace palabre::cli {

void AddPagingOptions(CLI::App* list, Paging* paging, const std::string& noun) {
  CLI::Option* limit =
      list->add_option("--limit", paging->limit,
                       "At most N " + noun +
                           " (default: " + std::to_string(kDefaultPage) +
                           " on a terminal, all when piped or with --json)")
          ->check(LimitValidator());
  list->add_flag("--all", paging->all, "Every one of the " + noun)
      ->excludes(limit);
}

int64_t PageLimit(const Paging& paging, bool json, bool terminal) {
  if (paging.all) return -1;
  if (paging.limit >= 0) return paging.limit;
  return !json && terminal ? kDefaultPage : -1;
}

bool PageIsFull(std::size_t shown, int64_t limit) {
  return limit >= 0 && static_cast<int64_t>(shown) >= limit;
}

std::string MoreLine(std::size_t shown, int64_t total,
                     const std::string& noun) {
  if (total <= static_cast<int64_t>(shown)) return "";
  return std::to_string(shown) + " of " + std::to_string(total) + " " + noun +
         " shown; --limit N or --all shows more";
}

}  // namespace palabre::cli

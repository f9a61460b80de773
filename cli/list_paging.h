// How list commands page their output.
//
// On a vault of years of work a list can run to tens of thousands of rows,
// which nobody reads on a terminal and which take a while to fetch. So on a
// terminal `session list` and `commitment list` show the first kDefaultPage
// rows and then say how many there are in all; `--limit N` shows N, `--all`
// every one. Piped or with `--json` (programs, grep, wc) they give every row
// unless `--limit` is given: a pipe never gets a silently cut list.
#ifndef PALABRE_CLI_LIST_PAGING_H_
#define PALABRE_CLI_LIST_PAGING_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

namespace palabre::cli {

inline constexpr int64_t kDefaultPage = 50;

struct Paging {
  int64_t limit = -1;  // --limit N; < 0 when not given
  bool all = false;    // --all
};

// Adds --limit and --all (which exclude each other) to `list`; `noun` is
// the plural of what is listed ("sessions").
void AddPagingOptions(CLI::App* list, Paging* paging, const std::string& noun);

// The number of rows to fetch (< 0 for all of them): the options', else
// kDefaultPage for readable output on a terminal, else all.
int64_t PageLimit(const Paging& paging, bool json, bool terminal);

// True when a readable list of `shown` rows fetched with `limit` may have
// left rows out, so that the total is worth counting.
bool PageIsFull(std::size_t shown, int64_t limit);

// The line that ends a cut list: "50 of 1234 sessions shown; --limit N or
// --all shows more". "" when nothing was left out.
std::string MoreLine(std::size_t shown, int64_t total, const std::string& noun);

}  // namespace palabre::cli

#endif  // PALABRE_CLI_LIST_PAGING_H_

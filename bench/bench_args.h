// What the benchmarks do when their arguments do not parse: each parses its
// own options into a StatusOr (kCancelled for --help), and all three answer
// the same way, usage on stdout for --help (exit 0), the problem and usage
// on stderr otherwise (exit 1).
#ifndef PALABRE_BENCH_BENCH_ARGS_H_
#define PALABRE_BENCH_BENCH_ARGS_H_

#include <cstdio>
#include <optional>

#include "platform/status.h"

namespace palabre::bench {

// nullopt if `parsed` is OK (run on); otherwise the exit code, after
// printing what the user needs.
inline std::optional<int> ExitForArgs(const Status& parsed, const char* program,
                                      const char* usage) {
  if (parsed.ok()) return std::nullopt;
  if (parsed.code() == StatusCode::kCancelled) {
    std::fputs(usage, stdout);
    return 0;
  }
  std::fprintf(stderr, "%s: %s\n%s", program, parsed.message().c_str(), usage);
  return 1;
}

}  // namespace palabre::bench

#endif  // PALABRE_BENCH_BENCH_ARGS_H_

// records_bench: palabre's record operations on a vault of realistic size.
//
// Builds (or reuses) a vault of N dialogue sessions (default 100,000), each
// with about 3 commitments, generated deterministically from a fixed seed
// (bench/session_gen.h, shared with sync_bench): titles of 60-90 characters,
// 2-5 agenda items, 1-4 concerns of 80-250 characters, notes of 200-1500
// characters, participation counts, in a mix of French, English, Arabic and
// Georgian, in Mali (Gao, Mopti, Tombouctou), Niger (Tillabéri, Niamey), Iraq
// (Nineveh, Kirkuk) and Georgia (Shida Kartli), dated 2019-01-01 to 2026-11-25
// in the order they were lived, due dates past and future, and follow-ups on
// most past-due commitments (done, dropped, in progress, blocked). Sessions go
// in through RecordStore::AddSessions in batches (`--batch`, default 1000 per
// call) and follow-ups through the same RecordWrite path as
// RecordStore::AddFollowUp, one batch per transaction; the fill time is
// reported. Record ids are random, so two fills differ only in ids. Then it
// times, as the median of `--runs` runs (default 7):
//   1. adding one session (one AddSessions call, synchronous=FULL fsyncs);
//   2. `session list --region R` as it runs on a terminal: the first
//      page (ListSessions, limit 50) and the count of all (CountSessions);
//   3. `session list --text W`, the same, for a word in about 1% of the
//      sessions and for a common word;
//   4. `commitment list --overdue` (today 2026-11-26) as it runs on a
//      terminal: the first page (ListCommitments, limit 50) and the count;
//      then every row (`--all`, piped, `--json`), without a goal;
//   5. the report over everything (ComputeReport with an empty filter);
//   6. verify (VerifyRecords; no goal; `--verify-runs`, default 1, as one
//      run over 100,000 sessions takes about 20 minutes);
//   7. the vault's size on disk after locking (checkpointed) against the
//      same records as compact plaintext JSON (RecordStore::Export).
// Each run starts with an empty SQLite page cache (sqlite3_db_release_memory)
// as a fresh `palabre` process would, every page coming through the
// encrypting VFS (the OS page cache stays warm); the "warm" column repeats
// the run with the connection's 16 MiB cache kept, and the "CPU" column
// gives the thread's CPU time in the first runs (on a busy machine it is
// the steadier figure). The vault is unlocked at KdfLevel::kInteractive;
// the unlock itself is reported but not in a goal. The table is Markdown:
// measure, value, CPU, warm value, goal, met; then the space each table
// and index takes (dbstat).
//
// Run: `make bench` (after vfs_bench), or build the target records_bench
// with -DPALABRE_BUILD_BENCH=ON (the default) in a RelWithDebInfo build and
// run build/bench/records_bench.
// Options: `--sessions N`; `--vault DIR` keeps the vault in DIR and reuses
// it on the next run (filled up to N sessions if it holds fewer; each run
// adds 2 x `--runs` + 1 sessions through measure 1; a vault made before a
// change of the projection schema must be made again); `--keep` keeps the
// temporary vault (its path is printed; passphrase "records-bench
// passphrase"); `--plans` prints to stderr, for each query measure, the SQL
// statements it ran with their time and EXPLAIN QUERY PLAN; `--no-verify`
// skips 6. Default: a temporary vault under $TMPDIR (or /tmp), wiped at
// exit. A 100,000-session fill takes 5-10 minutes and about 1 GiB of disk.
//
// A developer tool, POSIX only. Exit status: 0 after printing the table
// (whatever the goals), 1 with a message on any error.
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bench/bench_args.h"
#include "bench/session_gen.h"
#include "core/crypto.h"
#include "core/database.h"
#include "core/kdf.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/report.h"
#include "core/vault.h"
#include "core/verify.h"
#include "platform/file_util.h"
#include "platform/status.h"

namespace palabre::bench {
namespace {

using nlohmann::json;

constexpr char kPassphrase[] = "records-bench passphrase";
constexpr char kToday[] = "2026-11-26";
constexpr char kRareWord[] = "transhumance";  // in about 1% of the sessions
constexpr char kCommonWord[] = "police";
constexpr char kListRegion[] = "Gao";
constexpr char kSmallRegion[] = "Kirkuk";
// The first page of a list on a terminal (cli/list_paging.h, kDefaultPage).
constexpr int kPageSize = 50;
// Indexes of the sessions measure 1 adds, far from the fill's.
constexpr int64_t kSingleAddBase = 1'000'000'000;

constexpr const char* kUsage =
    "usage: records_bench [--sessions N] [--vault DIR] [--keep] [--runs N]\n"
    "                     [--batch N] [--dir DIR] [--plans] [--no-verify]\n"
    "                     [--verify-runs N] [--verbose]\n"
    "  --sessions N  sessions in the vault (default 100000)\n"
    "  --vault DIR   use (and keep) the vault in DIR, creating and filling it\n"
    "                if needed; reused as is if it holds N sessions or more\n"
    "  --keep        keep the temporary vault (its path is printed)\n"
    "  --runs N      runs per measure, the median is reported (default 7)\n"
    "  --batch N     sessions per AddSessions call while filling (default "
    "1000)\n"
    "  --dir DIR     where the temporary vault goes (default $TMPDIR or "
    "/tmp)\n"
    "  --plans       print each query measure's SQL, time and query plan\n"
    "  --no-verify   skip timing verify\n"
    "  --verify-runs N  runs of verify, the median is reported (default 1)\n"
    "  --verbose     print each run's time to stderr\n";

struct Options {
  int64_t sessions = 100000;
  std::string vault;  // "" = a temporary one
  bool keep = false;
  int runs = 7;
  int batch = 1000;
  std::string dir;
  bool plans = false;
  bool verify = true;
  int verify_runs = 1;
  bool verbose = false;
};

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string WithCommas(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) {
        return line.substr(colon + 2);
      }
    }
  }
  return "unknown CPU";
}

std::string LoadAverage() {
  double load[3] = {-1, -1, -1};
  if (getloadavg(load, 3) != 3) return "unknown";
  return Fixed(load[0], 2) + ", " + Fixed(load[1], 2) + ", " +
         Fixed(load[2], 2);
}

// Vault set-up ----------------------------------------------------------------

struct FillStats {
  int64_t sessions = 0;
  int64_t commitments = 0;
  int64_t follow_ups = 0;
  int64_t rare = 0;
  double generate_ms = 0;
  double sessions_ms = 0;
  double follow_ups_ms = 0;
};

// Adds sessions [first, total) in batches, with their follow-ups.
Status Fill(Vault& vault, RecordStore& store, int64_t first, int64_t total,
            int batch, FillStats* stats) {
  const Clock::time_point start = Clock::now();
  for (int64_t begin = first; begin < total; begin += batch) {
    const int64_t end = std::min(total, begin + batch);
    Clock::time_point t = Clock::now();
    std::vector<GeneratedSession> generated;
    std::vector<SessionInput> inputs;
    for (int64_t i = begin; i < end; ++i) {
      PALABRE_ASSIGN_OR_RETURN(GeneratedSession g, MakeSession(i, total));
      inputs.push_back(g.input);
      generated.push_back(std::move(g));
    }
    stats->generate_ms += MillisSince(t);
    t = Clock::now();
    PALABRE_ASSIGN_OR_RETURN(std::vector<AddedSession> added,
                             store.AddSessions(inputs));
    stats->sessions_ms += MillisSince(t);
    t = Clock::now();
    int64_t follow_ups = 0;
    PALABRE_RETURN_IF_ERROR(
        AddPlannedFollowUps(vault.db(), generated, added, &follow_ups));
    stats->follow_ups_ms += MillisSince(t);
    stats->sessions += end - begin;
    stats->follow_ups += follow_ups;
    for (const GeneratedSession& g : generated) {
      stats->commitments += static_cast<int64_t>(g.input.commitments.size());
      stats->rare += g.rare_word ? 1 : 0;
    }
    if ((end - first) % (batch * 10) == 0 || end == total) {
      std::fprintf(stderr, "  filled %s / %s sessions, %.0f s\n",
                   WithCommas(end).c_str(), WithCommas(total).c_str(),
                   MillisSince(start) / 1000);
    }
  }
  return Status::Ok();
}

// Measuring -------------------------------------------------------------------

struct Traced {
  std::string sql;
  double ms = 0;
  int calls = 0;
};

// Statements run while tracing is on, with their total time (--plans).
// Only for the query measures: the first kMaxTraced distinct statements
// are kept, the rest only counted.
struct Tracer {
  static constexpr std::size_t kMaxTraced = 1000;
  std::vector<Traced> statements;
  std::unordered_map<std::string, std::size_t> index;  // sql -> statements[i]
  int64_t untraced = 0;
  static int Callback(unsigned type, void* ctx, void* p, void* x) {
    if (type != SQLITE_TRACE_PROFILE) return 0;
    auto* self = static_cast<Tracer*>(ctx);
    char* sql = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(p));
    std::string text = sql != nullptr ? sql : "";
    sqlite3_free(sql);
    const double ms = static_cast<double>(*static_cast<int64_t*>(x)) / 1e6;
    auto it = self->index.find(text);
    if (it != self->index.end()) {
      Traced& t = self->statements[it->second];
      t.ms += ms;
      ++t.calls;
    } else if (self->statements.size() < kMaxTraced) {
      self->index.emplace(text, self->statements.size());
      self->statements.push_back({std::move(text), ms, 1});
    } else {
      ++self->untraced;
    }
    return 0;
  }
};

struct Row {
  std::string measure;
  std::string value;
  std::string cpu;
  std::string warm;
  std::string goal;
  std::string met;
};

// Medians of one measure, in milliseconds.
struct Timing {
  double ms = 0;        // wall clock, empty page cache
  double cpu_ms = 0;    // this thread's CPU time (user + system), same runs
  double warm_ms = -1;  // wall clock, page cache kept; -1 if not measured
};

double ThreadCpuMillis() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000 +
         static_cast<double>(ts.tv_nsec) / 1e6;
}

class Bench {
 public:
  Bench(const Options& o, Vault& vault, RecordStore& store)
      : o_(o), vault_(vault), store_(store) {}

  // Times `fn`: `runs` times each after emptying the connection's page
  // cache, then (with `warm`) once untimed and `runs` times keeping it.
  // With --plans and `explain`, runs it once more to trace its statements.
  StatusOr<Timing> Time(const std::string& name, int runs, bool warm,
                        const std::function<Status()>& fn,
                        bool explain = true) {
    std::vector<double> cold_ms;
    std::vector<double> cpu_ms;
    std::vector<double> warm_ms;
    for (int r = 0; r < runs; ++r) {
      sqlite3_db_release_memory(vault_.db().handle());
      const double cpu_start = ThreadCpuMillis();
      const Clock::time_point start = Clock::now();
      PALABRE_RETURN_IF_ERROR(fn().WithContext(name));
      cold_ms.push_back(MillisSince(start));
      cpu_ms.push_back(ThreadCpuMillis() - cpu_start);
    }
    if (warm) {
      PALABRE_RETURN_IF_ERROR(fn().WithContext(name));
      for (int r = 0; r < runs; ++r) {
        const Clock::time_point start = Clock::now();
        PALABRE_RETURN_IF_ERROR(fn().WithContext(name));
        warm_ms.push_back(MillisSince(start));
      }
    }
    if (o_.verbose) {
      std::fprintf(stderr, "  %s, ms:", name.c_str());
      for (double v : cold_ms) std::fprintf(stderr, " %.1f", v);
      std::fprintf(stderr, " | cpu:");
      for (double v : cpu_ms) std::fprintf(stderr, " %.1f", v);
      if (warm) std::fprintf(stderr, " | warm:");
      for (double v : warm_ms) std::fprintf(stderr, " %.1f", v);
      std::fprintf(stderr, "\n");
    }
    if (o_.plans && explain) PALABRE_RETURN_IF_ERROR(Explain(name, fn));
    return Timing{Median(cold_ms), Median(cpu_ms),
                  warm ? Median(warm_ms) : -1.0};
  }

  static std::string Millis(double ms) {
    if (ms >= 10000) return Fixed(ms / 1000, 1) + " s";
    return Fixed(ms, ms < 100 ? 1 : 0) + " ms";
  }

  void Add(const std::string& measure, const Timing& t, double goal_ms) {
    Row row{measure,
            Millis(t.ms),
            Millis(t.cpu_ms),
            t.warm_ms < 0 ? "" : Millis(t.warm_ms),
            "",
            ""};
    if (goal_ms > 0) {
      row.goal = goal_ms >= 1000 ? "<= " + Fixed(goal_ms / 1000, 0) + " s"
                                 : "<= " + Fixed(goal_ms, 0) + " ms";
      row.met = t.ms <= goal_ms ? "yes" : "**no**";
    } else {
      row.goal = "-";
      row.met = "-";
    }
    rows_.push_back(std::move(row));
  }
  void AddRow(Row row) { rows_.push_back(std::move(row)); }

  void Print() const {
    std::printf("| measure | value | CPU | warm cache | goal | met |\n");
    std::printf("|---|---:|---:|---:|---|---|\n");
    for (const Row& r : rows_) {
      std::printf("| %s | %s | %s | %s | %s | %s |\n", r.measure.c_str(),
                  r.value.c_str(), r.cpu.c_str(), r.warm.c_str(),
                  r.goal.c_str(), r.met.c_str());
    }
  }

  // The plans of the statements `fn` runs, slowest first (--plans).
  Status Explain(const std::string& name, const std::function<Status()>& fn) {
    sqlite3* handle = vault_.db().handle();
    Tracer tracer;
    sqlite3_db_release_memory(handle);
    sqlite3_trace_v2(handle, SQLITE_TRACE_PROFILE, &Tracer::Callback, &tracer);
    const Status status = fn();
    sqlite3_trace_v2(handle, 0, nullptr, nullptr);
    PALABRE_RETURN_IF_ERROR(status);
    std::sort(tracer.statements.begin(), tracer.statements.end(),
              [](const Traced& a, const Traced& b) { return a.ms > b.ms; });
    std::fprintf(stderr,
                 "\n== %s: %zu distinct statements (+%" PRId64 " untraced)\n",
                 name.c_str(), tracer.statements.size(), tracer.untraced);
    int shown = 0;
    for (const Traced& t : tracer.statements) {
      if (++shown > 6) break;
      std::string sql = t.sql;
      if (sql.size() > 600) sql = sql.substr(0, 600) + "...";
      std::fprintf(stderr, "-- %.2f ms in %d call(s): %s\n", t.ms, t.calls,
                   sql.c_str());
      const bool read_only =
          t.sql.rfind("SELECT", 0) == 0 || t.sql.rfind("WITH", 0) == 0;
      if (!read_only) continue;
      StatusOr<Statement> plan =
          vault_.db().Prepare("EXPLAIN QUERY PLAN " + t.sql);
      if (!plan.ok()) continue;
      while (true) {
        StatusOr<bool> row = plan->Step();
        if (!row.ok() || !*row) break;
        std::fprintf(stderr, "     plan: [%" PRId64 "<-%" PRId64 "] %s\n",
                     plan->ColumnInt(0), plan->ColumnInt(1),
                     plan->ColumnText(3).c_str());
      }
    }
    return Status::Ok();
  }

 private:
  const Options& o_;
  Vault& vault_;
  RecordStore& store_;
  std::vector<Row> rows_;
};

// `session list` as it runs on a terminal: the first page, and the total
// when the page is full (cli/commands_session.cc).
Status ListLikeCli(RecordStore& store, const SessionFilter& f,
                   std::size_t* shown) {
  PALABRE_ASSIGN_OR_RETURN(auto list, store.ListSessions(f));
  *shown = list.size();
  if (static_cast<int64_t>(list.size()) >= f.limit) {
    PALABRE_RETURN_IF_ERROR(store.CountSessions(f).status());
  }
  return Status::Ok();
}

StatusOr<int64_t> Count(Database& db, const std::string& sql) {
  return db.QueryInt(sql);
}

// The size of one file, 0 if it is missing.
uint64_t SizeOf(const std::string& path) {
  StatusOr<uint64_t> size = platform::FileSize(path);
  return size.ok() ? *size : 0;
}

std::string Mib(uint64_t bytes) {
  return Fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB";
}

// Page usage per table and index (dbstat), largest first; empty if SQLite
// was built without the dbstat table.
struct PageUse {
  std::string name;
  int64_t bytes = 0;    // pages
  int64_t payload = 0;  // bytes of record payload in them
  int64_t unused = 0;   // free bytes in them
};
std::vector<PageUse> PageUsage(Database& db) {
  std::vector<PageUse> out;
  StatusOr<Statement> stmt = db.Prepare(
      "SELECT name, SUM(pgsize), SUM(payload), SUM(unused) FROM dbstat "
      "GROUP BY name ORDER BY 2 DESC");
  if (!stmt.ok()) return out;
  while (true) {
    StatusOr<bool> row = stmt->Step();
    if (!row.ok() || !*row) break;
    out.push_back({stmt->ColumnText(0), stmt->ColumnInt(1), stmt->ColumnInt(2),
                   stmt->ColumnInt(3)});
  }
  return out;
}

Status Run(const Options& o, const std::string& dir, bool* created) {
  // Unlock, creating the vault if there is none.
  StatusOr<VaultInfo> info = Vault::Inspect(dir);
  *created = false;
  if (!info.ok()) {
    if (info.status().code() != StatusCode::kNotFound) return info.status();
    PALABRE_RETURN_IF_ERROR(
        Vault::Create(dir, kPassphrase, KdfLevel::kInteractive).status());
    *created = true;
  }
  Clock::time_point t = Clock::now();
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<Vault> vault,
                           Vault::Open(dir, kPassphrase));
  const double unlock_ms = MillisSince(t);
  PALABRE_ASSIGN_OR_RETURN(RecordStore store, RecordStore::Open(*vault));
  Database& db = vault->db();

  // Fill up to --sessions.
  PALABRE_ASSIGN_OR_RETURN(int64_t present,
                           Count(db, "SELECT count(*) FROM sessions"));
  FillStats fill;
  if (present < o.sessions) {
    std::fprintf(stderr, "filling %s sessions into %s (%s there)\n",
                 WithCommas(o.sessions - present).c_str(), dir.c_str(),
                 WithCommas(present).c_str());
    PALABRE_RETURN_IF_ERROR(
        Fill(*vault, store, present, o.sessions, o.batch, &fill));
  } else {
    std::fprintf(stderr, "reusing the %s sessions in %s\n",
                 WithCommas(present).c_str(), dir.c_str());
  }
  PALABRE_ASSIGN_OR_RETURN(int64_t sessions,
                           Count(db, "SELECT count(*) FROM sessions"));
  PALABRE_ASSIGN_OR_RETURN(int64_t commitments,
                           Count(db, "SELECT count(*) FROM commitments"));
  PALABRE_ASSIGN_OR_RETURN(int64_t follow_ups,
                           Count(db, "SELECT count(*) FROM follow_ups"));
  PALABRE_ASSIGN_OR_RETURN(int64_t entries,
                           Count(db, "SELECT count(*) FROM log_entries"));
  std::printf(
      "vault: %s sessions, %s commitments, %s follow-ups, %s log entries, "
      "in %s\n",
      WithCommas(sessions).c_str(), WithCommas(commitments).c_str(),
      WithCommas(follow_ups).c_str(), WithCommas(entries).c_str(), dir.c_str());
  std::fflush(stdout);

  Bench bench(o, *vault, store);
  bench.AddRow({"unlock (Argon2id interactive + open)",
                Fixed(unlock_ms, 0) + " ms", "", "", "-", "-"});
  if (fill.sessions > 0) {
    const double total_s =
        (fill.generate_ms + fill.sessions_ms + fill.follow_ups_ms) / 1000;
    bench.AddRow(
        {"fill: " + WithCommas(fill.sessions) + " sessions (" +
             WithCommas(fill.commitments) + " commitments) in AddSessions of " +
             std::to_string(o.batch) + ", " + WithCommas(fill.follow_ups) +
             " follow-ups in transactions of one batch",
         Fixed(total_s, 0) + " s", "", "", "-", "-"});
    bench.AddRow({"fill, of which AddSessions",
                  Fixed(fill.sessions_ms / 1000, 0) + " s (" +
                      Fixed(fill.sessions_ms * 1000 / fill.sessions, 0) +
                      " us/session)",
                  "", "", "-", "-"});
    bench.AddRow({"fill, of which follow-ups",
                  Fixed(fill.follow_ups_ms / 1000, 0) + " s (" +
                      Fixed(fill.follow_ups_ms * 1000 /
                                static_cast<double>(
                                    std::max<int64_t>(1, fill.follow_ups)),
                            0) +
                      " us/follow-up)",
                  "", "", "-", "-"});
    bench.AddRow({"fill, of which generating and validating",
                  Fixed(fill.generate_ms / 1000, 0) + " s", "", "", "-", "-"});
  }

  // 1. Add one session.
  {
    std::vector<SessionInput> next;
    const int count = o.runs * 2 + 1;
    for (int i = 0; i < count; ++i) {
      PALABRE_ASSIGN_OR_RETURN(
          GeneratedSession g,
          MakeSession(kSingleAddBase + sessions + i, o.sessions));
      next.push_back(std::move(g.input));
    }
    std::size_t k = 0;
    PALABRE_ASSIGN_OR_RETURN(
        auto ms, bench.Time("add one session", o.runs, true, [&]() -> Status {
          return store.AddSessions({next[k++ % next.size()]}).status();
        }));
    bench.Add("1. add one session (AddSessions of 1, synchronous=FULL)", ms,
              20);
  }

  // 2. session list --region R, first page.
  for (const char* region : {kListRegion, kSmallRegion}) {
    SessionFilter f;
    f.region = region;
    f.limit = kPageSize;
    std::size_t n = 0;
    PALABRE_ASSIGN_OR_RETURN(
        int64_t in_region,
        Count(db,
              std::string("SELECT count(*) FROM sessions WHERE region = '") +
                  region + "'"));
    PALABRE_ASSIGN_OR_RETURN(
        auto ms,
        bench.Time(std::string("session list --region ") + region, o.runs, true,
                   [&]() -> Status { return ListLikeCli(store, f, &n); }));
    bench.Add(std::string("2. session list --region ") + region + " (" +
                  std::to_string(n) + " of " + WithCommas(in_region) +
                  ", and the count)",
              ms, 50);
  }

  // 3. Full-text search, first page.
  for (const char* word : {kRareWord, kCommonWord}) {
    SessionFilter f;
    f.text = word;
    f.limit = kPageSize;
    std::size_t n = 0;
    PALABRE_ASSIGN_OR_RETURN(
        int64_t matching,
        Count(db, std::string("SELECT count(*) FROM sessions_fts WHERE "
                              "sessions_fts MATCH '\"") +
                      word + "\"*'"));
    PALABRE_ASSIGN_OR_RETURN(
        auto ms,
        bench.Time(std::string("session list --text ") + word, o.runs, true,
                   [&]() -> Status { return ListLikeCli(store, f, &n); }));
    bench.Add(std::string("3. session list --text ") + word + " (" +
                  std::to_string(n) + " of " + WithCommas(matching) +
                  " matching, and the count, " +
                  Fixed(100.0 * static_cast<double>(matching) /
                            static_cast<double>(std::max<int64_t>(1, sessions)),
                        1) +
                  "%)",
              ms, 50);
  }

  // 4. commitment list --overdue: the first page and the count, as on a
  // terminal; then every row (--all, piped, --json), without a goal.
  {
    CommitmentFilter f;
    f.overdue = true;
    f.today = kToday;
    f.limit = kPageSize;
    std::size_t n = 0;
    int64_t total = 0;
    PALABRE_ASSIGN_OR_RETURN(
        auto ms,
        bench.Time("commitment list --overdue", o.runs, true, [&]() -> Status {
          PALABRE_ASSIGN_OR_RETURN(auto list, store.ListCommitments(f));
          n = list.size();
          PALABRE_ASSIGN_OR_RETURN(total, store.CountCommitments(f));
          return Status::Ok();
        }));
    bench.Add("4. commitment list --overdue (today " + std::string(kToday) +
                  ": " + std::to_string(n) + " of " + WithCommas(total) +
                  " rows, and the count)",
              ms, 50);
    f.limit = -1;
    PALABRE_ASSIGN_OR_RETURN(ms, bench.Time("commitment list --overdue --all",
                                            o.runs, true, [&]() -> Status {
                                              PALABRE_ASSIGN_OR_RETURN(
                                                  auto list,
                                                  store.ListCommitments(f));
                                              n = list.size();
                                              return Status::Ok();
                                            }));
    bench.Add("4. commitment list --overdue --all (" +
                  WithCommas(static_cast<int64_t>(n)) + " rows)",
              ms, 0);
  }

  // 5. The report over everything.
  {
    ReportFilter f;
    f.today = kToday;
    f.generated_at = std::string(kToday) + "T12:00:00Z";
    int64_t made = 0;
    PALABRE_ASSIGN_OR_RETURN(
        auto ms, bench.Time("report", o.runs, true, [&]() -> Status {
          PALABRE_ASSIGN_OR_RETURN(Report report, ComputeReport(db, f));
          made = report.commitments_total.made;
          return Status::Ok();
        }));
    bench.Add("5. report, empty filter (" + WithCommas(made) + " commitments)",
              ms, 1000);
  }

  // 6. Verify.
  if (o.verify) {
    const int runs = o.verify_runs;
    VerifyReport report;
    PALABRE_ASSIGN_OR_RETURN(auto ms, bench.Time(
                                          "verify", runs, false,
                                          [&]() -> Status {
                                            PALABRE_ASSIGN_OR_RETURN(
                                                report, VerifyRecords(db));
                                            return Status::Ok();
                                          },
                                          /*explain=*/false));
    bench.AddRow({"6. verify (" + WithCommas(report.entries) +
                      " entries; median of " + std::to_string(runs) + ")",
                  Fixed(ms.ms / 1000, 1) + " s",
                  Fixed(ms.cpu_ms / 1000, 1) + " s", "", "-", "-"});
  }

  // 7. Size on disk against plaintext JSON.
  t = Clock::now();
  PALABRE_ASSIGN_OR_RETURN(json exported, store.Export(false));
  const std::string json_text = exported.dump();
  const double export_ms = MillisSince(t);
  exported = json();
  const auto pages = PageUsage(db);
  PALABRE_RETURN_IF_ERROR(vault->Lock());
  const std::string db_path = platform::JoinPath(dir, kDbFileName);
  const uint64_t db_bytes = SizeOf(db_path);
  const uint64_t vault_bytes = SizeOf(platform::JoinPath(dir, kKeysFileName)) +
                               db_bytes + SizeOf(db_path + "-wal") +
                               SizeOf(db_path + "-shm");
  const double ratio =
      static_cast<double>(vault_bytes) /
      static_cast<double>(std::max<std::size_t>(1, json_text.size()));
  bench.AddRow({"export (Export + compact dump, for the size)",
                Fixed(export_ms / 1000, 1) + " s", "", "", "-", "-"});
  bench.AddRow({"7. vault on disk (locked) / compact JSON export: " +
                    Mib(vault_bytes) + " / " + Mib(json_text.size()),
                Fixed(ratio, 2) + "x", "", "", "<= 2x",
                ratio <= 2.0 ? "yes" : "**no**"});

  std::printf("\n");
  bench.Print();
  std::printf(
      "\nValues: median of %d runs (verify: of %d), each after emptying the "
      "connection's page cache, as a fresh palabre process starts (pages "
      "come through the encrypting VFS; the OS page cache is warm). CPU: "
      "the thread's CPU time in those runs (less than the value when the "
      "machine is busy or when waiting for fsync). Warm cache: the same "
      "with the connection's 16 MiB cache kept. Measure 1 "
      "adds %d sessions to the vault. Load average at the end: %s.\n",
      o.runs, o.verify_runs, o.runs * 2 + 1, LoadAverage().c_str());
  if (!pages.empty()) {
    std::printf("\nSpace per table and index (dbstat, before locking):\n\n");
    std::printf(
        "| object | size | share | payload | free in its pages |\n"
        "|---|---:|---:|---:|---:|\n");
    int64_t total = 0;
    for (const PageUse& p : pages) total += p.bytes;
    for (const PageUse& p : pages) {
      std::printf("| %s | %s | %s%% | %s | %s%% |\n", p.name.c_str(),
                  Mib(static_cast<uint64_t>(p.bytes)).c_str(),
                  Fixed(100.0 * static_cast<double>(p.bytes) /
                            static_cast<double>(std::max<int64_t>(1, total)),
                        1)
                      .c_str(),
                  Mib(static_cast<uint64_t>(p.payload)).c_str(),
                  Fixed(100.0 * static_cast<double>(p.unused) /
                            static_cast<double>(std::max<int64_t>(1, p.bytes)),
                        0)
                      .c_str());
    }
  }
  return Status::Ok();
}

bool ParseInt(std::string_view text, int64_t min, int64_t* out) {
  int64_t value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    return false;
  }
  *out = value;
  return true;
}

// kCancelled for --help.
StatusOr<Options> ParseArgs(int argc, char** argv) {
  Options o;
  const char* tmp = std::getenv("TMPDIR");
  o.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    int64_t value = 0;
    if (arg == "--keep") {
      o.keep = true;
    } else if (arg == "--plans") {
      o.plans = true;
    } else if (arg == "--no-verify") {
      o.verify = false;
    } else if (arg == "--verbose") {
      o.verbose = true;
    } else if (arg == "--sessions" && has_value) {
      if (!ParseInt(argv[++i], 1, &o.sessions)) {
        return InvalidArgumentError("--sessions takes a whole number >= 1");
      }
    } else if (arg == "--runs" && has_value) {
      if (!ParseInt(argv[++i], 1, &value) || value > 1000) {
        return InvalidArgumentError("--runs takes a whole number 1-1000");
      }
      o.runs = static_cast<int>(value);
    } else if (arg == "--verify-runs" && has_value) {
      if (!ParseInt(argv[++i], 1, &value) || value > 100) {
        return InvalidArgumentError("--verify-runs takes a whole number 1-100");
      }
      o.verify_runs = static_cast<int>(value);
    } else if (arg == "--batch" && has_value) {
      if (!ParseInt(argv[++i], 1, &value) || value > 100000) {
        return InvalidArgumentError("--batch takes a whole number 1-100000");
      }
      o.batch = static_cast<int>(value);
    } else if (arg == "--vault" && has_value) {
      o.vault = argv[++i];
    } else if (arg == "--dir" && has_value) {
      o.dir = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      return CancelledError("help");
    } else {
      return InvalidArgumentError("unknown or incomplete argument '" +
                                  std::string(arg) + "'");
    }
  }
  return o;
}

int Main(int argc, char** argv) {
  StatusOr<Options> options = ParseArgs(argc, argv);
  if (std::optional<int> code =
          bench::ExitForArgs(options.status(), "records_bench", kUsage)) {
    return *code;
  }
  const Options& o = *options;
  Status status = crypto::Initialize();
  if (!status.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  std::string dir = o.vault;
  const bool temporary = dir.empty();
  if (temporary) {
    std::string templ = platform::JoinPath(o.dir, "palabre-records-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) {
      std::fprintf(stderr,
                   "records_bench: cannot create a directory in %s: %s\n",
                   o.dir.c_str(), std::strerror(errno));
      return 1;
    }
    dir = templ;
  }
  std::printf(
      "machine: %s, nproc %ld, load average %s; SQLite %s, libsodium %s\n",
      CpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN), LoadAverage().c_str(),
      sqlite3_libversion(), sodium_version_string());
  std::fflush(stdout);
  bool created = false;
  status = Run(o, dir, &created);
  std::fflush(stdout);
  if (temporary && !o.keep) {
    Vault::Wipe(dir).status().IgnoreError();
    platform::RemoveEmptyDirectory(dir).IgnoreError();
  } else {
    std::fprintf(stderr, "vault kept in %s (passphrase \"%s\")\n", dir.c_str(),
                 kPassphrase);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace palabre::bench

int main(int argc, char** argv) { return palabre::bench::Main(argc, argv); }

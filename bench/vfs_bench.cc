// vfs_bench: what the encrypting VFS costs, measured against plain SQLite.
//
// Runs one workload twice per round, each time in a fresh temporary
// directory: once through SQLite's default VFS and once through CryptVfs,
// with the vault's settings in both (page size 4096, 40 reserved bytes per
// page, WAL, synchronous=FULL, temp_store=MEMORY, secure_delete=ON, a 16 MiB
// page cache, no mmap), so that encryption is the only difference. The
// workload: 10,000 inserts of 1 KiB random payloads under random text keys
// in transactions of 100; 10,000 point reads by key; one full scan. The
// connection is closed (checkpointing) and reopened before each phase, so
// each read phase starts with an empty SQLite page cache and every page it
// needs comes through the VFS. The files stay in the OS page cache unless
// `--cold` asks the kernel to drop them before each phase. Each phase's
// median over the rounds is printed as a Markdown table with the ratio
// encrypted/plain; palabre's goal is every ratio at most 1.3. Plain and
// encrypted alternate going first across rounds.
//
// It also times one Argon2id derivation at each KDF level, which is what
// unlocking a vault costs (`--no-kdf` skips it: "sensitive" takes seconds
// and 1 GiB of memory).
//
// A developer tool, POSIX only (mkdtemp, posix_fadvise). Exit status: 0
// after printing the tables (whatever the ratios), 1 with a message on any
// error.
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/bench_args.h"
#include "core/crypt_vfs.h"
#include "core/crypto.h"
#include "core/database.h"
#include "core/kdf.h"
#include "core/keyslot.h"
#include "core/secure_buffer.h"
#include "core/vault.h"
#include "platform/file_util.h"
#include "platform/status.h"

namespace palabre::bench {
namespace {

constexpr std::size_t kPayloadBytes = 1024;
constexpr std::size_t kBatchRows = 100;
constexpr double kGoalRatio = 1.3;
constexpr const char* kDbName = "bench.db";

constexpr const char* kUsage =
    "usage: vfs_bench [--rounds N] [--rows N] [--dir DIR] [--cold] "
    "[--no-kdf] [--verbose]\n"
    "  --rounds N  rounds, the median per phase is reported (default 3)\n"
    "  --rows N    rows inserted, and point reads (default 10000)\n"
    "  --dir DIR   where the temporary databases go (default $TMPDIR or "
    "/tmp)\n"
    "  --cold      drop the database from the OS page cache before each "
    "phase\n"
    "  --no-kdf    skip timing the KDF levels\n"
    "  --verbose   print each round's times to stderr\n";

struct Options {
  int rounds = 3;
  int rows = 10000;  // also the number of point reads
  std::string dir;   // where the temporary directories go
  bool cold = false;
  bool kdf = true;
  bool verbose = false;
};

enum class Mode { kPlain, kEncrypted };

const char* ModeName(Mode mode) {
  return mode == Mode::kPlain ? "plain" : "encrypted";
}

// One round's data, shared by the plain and the encrypted run.
struct Workload {
  std::vector<std::string> keys;  // 32 hex characters each, random order
  std::string payloads;           // rows * kPayloadBytes random bytes
  std::vector<uint32_t> lookups;  // indexes into `keys`, random
};

enum Phase { kInsert, kPointReads, kScan, kPhaseCount };

struct PhaseResult {
  double ms = 0;
  int pages_read = 0;     // SQLite page cache misses: reads through the VFS
  int pages_written = 0;  // pages SQLite wrote (WAL frames and checkpoints)
};
using RunResult = std::array<PhaseResult, kPhaseCount>;

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

Workload MakeWorkload(int rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Workload w;
  w.keys.reserve(static_cast<std::size_t>(rows));
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < rows; ++i) {
    std::string key(32, '0');
    for (char& c : key) c = kHex[rng() & 0xf];
    w.keys.push_back(std::move(key));
  }
  w.payloads.resize(static_cast<std::size_t>(rows) * kPayloadBytes);
  for (std::size_t i = 0; i < w.payloads.size(); i += 8) {
    const uint64_t v = rng();
    std::memcpy(&w.payloads[i], &v,
                std::min<std::size_t>(8, w.payloads.size() - i));
  }
  std::uniform_int_distribution<uint32_t> pick(0,
                                               static_cast<uint32_t>(rows - 1));
  w.lookups.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) w.lookups.push_back(pick(rng));
  return w;
}

// A directory made with mkdtemp, removed with its files on destruction.
class TempDir {
 public:
  static StatusOr<std::unique_ptr<TempDir>> Create(const std::string& base) {
    std::string templ = platform::JoinPath(base, "palabre-bench-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) {
      return InternalError("cannot create a temporary directory in " + base +
                           ": " + std::strerror(errno));
    }
    return std::unique_ptr<TempDir>(new TempDir(templ));
  }
  ~TempDir() {
    StatusOr<std::vector<std::string>> names = platform::ListDirectory(path_);
    if (names.ok()) {
      for (const std::string& name : *names) {
        platform::RemoveFile(platform::JoinPath(path_, name)).IgnoreError();
      }
    }
    platform::RemoveEmptyDirectory(path_).IgnoreError();
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Asks the kernel to drop the (clean, checkpointed and synced) file at
// `path` from its page cache, so the next reads come from the disk.
Status DropFromOsCache(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return InternalError("cannot open " + path + ": " + std::strerror(errno));
  }
  const int rc =
      fdatasync(fd) == 0 ? posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) : errno;
  close(fd);
  if (rc != 0) {
    return InternalError("cannot drop " + path +
                         " from the OS cache: " + std::strerror(rc));
  }
  return Status::Ok();
}

// Creates the database the way Vault::Create does (page size, reserve,
// settings, WAL) with the benchmark's table, and checks the layout took.
Status CreateDatabase(const std::string& path, const std::string& vfs) {
  PALABRE_ASSIGN_OR_RETURN(auto db, Database::Open(path, vfs, true));
  PALABRE_RETURN_IF_ERROR(
      PrepareNewVaultDatabase(*db, kVaultPageSize, kVaultReserveBytes));
  PALABRE_RETURN_IF_ERROR(
      db->Exec("CREATE TABLE records ("
               "  id INTEGER PRIMARY KEY,"
               "  key TEXT NOT NULL UNIQUE,"
               "  payload BLOB NOT NULL)"));
  PALABRE_ASSIGN_OR_RETURN(int64_t page_size, db->QueryInt("PRAGMA page_size"));
  int actual_reserve = -1;  // negative: read without changing
  PALABRE_RETURN_IF_ERROR(db->StatusFor(
      sqlite3_file_control(db->handle(), "main", SQLITE_FCNTL_RESERVE_BYTES,
                           &actual_reserve),
      "reading the page reserve"));
  if (page_size != kVaultPageSize ||
      actual_reserve != static_cast<int>(kVaultReserveBytes)) {
    return InternalError("the database did not get the vault's page layout");
  }
  return db->Close(true);
}

Status InsertPhase(Database& db, const Workload& w, double* ms) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO records(key, payload) VALUES (?1, ?2)"));
  const std::string_view payloads = w.payloads;
  const std::size_t rows = w.keys.size();
  const Clock::time_point start = Clock::now();
  for (std::size_t first = 0; first < rows; first += kBatchRows) {
    const std::size_t last = std::min(rows, first + kBatchRows);
    PALABRE_RETURN_IF_ERROR(db.Transaction([&]() -> Status {
      for (std::size_t i = first; i < last; ++i) {
        PALABRE_RETURN_IF_ERROR(insert.BindText(1, w.keys[i]));
        PALABRE_RETURN_IF_ERROR(insert.BindBlob(
            2, payloads.substr(i * kPayloadBytes, kPayloadBytes)));
        PALABRE_RETURN_IF_ERROR(insert.Run());
        insert.Reset();
      }
      return Status::Ok();
    }));
  }
  *ms = MillisSince(start);
  return Status::Ok();
}

Status PointReadPhase(Database& db, const Workload& w, double* ms) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement select,
      db.Prepare("SELECT payload FROM records WHERE key = ?1"));
  uint64_t bytes = 0;
  const Clock::time_point start = Clock::now();
  for (uint32_t index : w.lookups) {
    PALABRE_RETURN_IF_ERROR(select.BindText(1, w.keys[index]));
    PALABRE_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return InternalError("an inserted record is missing");
    bytes += select.ColumnText(0).size();
    select.Reset();
  }
  *ms = MillisSince(start);
  if (bytes != w.lookups.size() * kPayloadBytes) {
    return InternalError("point reads returned the wrong payload sizes");
  }
  return Status::Ok();
}

Status ScanPhase(Database& db, const Workload& w, double* ms) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement scan, db.Prepare("SELECT sum(length(payload)) FROM records"));
  const Clock::time_point start = Clock::now();
  PALABRE_ASSIGN_OR_RETURN(bool row, scan.Step());
  *ms = MillisSince(start);
  if (!row || static_cast<uint64_t>(scan.ColumnInt(0)) !=
                  w.keys.size() * kPayloadBytes) {
    return InternalError("the full scan returned the wrong total");
  }
  return Status::Ok();
}

int DbStatus(Database& db, int op) {
  int current = 0;
  int highwater = 0;
  sqlite3_db_status(db.handle(), op, &current, &highwater, 0);
  return current;
}

// One run of the three phases in a fresh directory.
StatusOr<RunResult> RunOnce(Mode mode, const Workload& w,
                            const Options& options) {
  PALABRE_ASSIGN_OR_RETURN(auto dir, TempDir::Create(options.dir));
  const std::string path = platform::JoinPath(dir->path(), kDbName);
  std::unique_ptr<CryptVfs> vfs;  // outlives every connection below
  std::string vfs_name;
  if (mode == Mode::kEncrypted) {
    SecureBuffer master(crypto::kKeyBytes);
    crypto::RandomBytes(master.data(), master.size());
    std::array<uint8_t, 16> vault_id{};
    crypto::RandomBytes(vault_id.data(), vault_id.size());
    PALABRE_ASSIGN_OR_RETURN(
        vfs,
        CryptVfs::Create(master, vault_id, kVaultPageSize, kVaultReserveBytes));
    vfs_name = vfs->name();
  } else {
    vfs_name = sqlite3_vfs_find(nullptr)->zName;
  }
  PALABRE_RETURN_IF_ERROR(CreateDatabase(path, vfs_name));

  using PhaseFn = Status (*)(Database&, const Workload&, double*);
  constexpr PhaseFn kPhases[kPhaseCount] = {InsertPhase, PointReadPhase,
                                            ScanPhase};
  RunResult result;
  for (int phase = 0; phase < kPhaseCount; ++phase) {
    if (options.cold) PALABRE_RETURN_IF_ERROR(DropFromOsCache(path));
    PALABRE_ASSIGN_OR_RETURN(auto db, Database::Open(path, vfs_name, false));
    PALABRE_RETURN_IF_ERROR(ConfigureVaultConnection(*db));
    PhaseResult& r = result[phase];
    PALABRE_RETURN_IF_ERROR(kPhases[phase](*db, w, &r.ms));
    r.pages_read = DbStatus(*db, SQLITE_DBSTATUS_CACHE_MISS);
    r.pages_written = DbStatus(*db, SQLITE_DBSTATUS_CACHE_WRITE);
    PALABRE_RETURN_IF_ERROR(db->Close(true));
  }
  if (vfs != nullptr && vfs->auth_failures() != 0) {
    return InternalError("pages failed authentication during the run");
  }
  return result;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
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

Status RunVfsBenchmark(const Options& o) {
  std::vector<RunResult> plain;
  std::vector<RunResult> encrypted;
  for (int round = 0; round < o.rounds; ++round) {
    const Workload w = MakeWorkload(o.rows, 0x70616c6162726500u + round);
    const bool plain_first = round % 2 == 0;
    for (int k = 0; k < 2; ++k) {
      const Mode mode =
          (k == 0) == plain_first ? Mode::kPlain : Mode::kEncrypted;
      StatusOr<RunResult> r = RunOnce(mode, w, o);
      if (!r.ok()) {
        return r.status().WithContext(std::string(ModeName(mode)) + " run");
      }
      (mode == Mode::kPlain ? plain : encrypted).push_back(*r);
    }
    if (o.verbose) {
      const RunResult& p = plain.back();
      const RunResult& e = encrypted.back();
      std::fprintf(stderr,
                   "round %d (%s first), ms plain/encrypted: insert "
                   "%.1f/%.1f, point reads %.1f/%.1f, scan %.2f/%.2f\n",
                   round + 1, plain_first ? "plain" : "encrypted",
                   p[kInsert].ms, e[kInsert].ms, p[kPointReads].ms,
                   e[kPointReads].ms, p[kScan].ms, e[kScan].ms);
    }
  }

  const std::string n = std::to_string(o.rows);
  const std::string labels[kPhaseCount] = {
      "insert (" + n + " rows of 1 KiB, " + std::to_string(kBatchRows) +
          " per transaction)",
      "point reads (" + n + " by key)",
      "full scan (sum of length(payload))",
  };
  std::printf("| phase | plain (ms) | encrypted (ms) | ratio |\n");
  std::printf("|---|---:|---:|---:|\n");
  bool all_met = true;
  double extra_us_per_page[kPhaseCount] = {};
  for (int phase = 0; phase < kPhaseCount; ++phase) {
    std::vector<double> p;
    std::vector<double> e;
    for (const RunResult& r : plain) p.push_back(r[phase].ms);
    for (const RunResult& r : encrypted) e.push_back(r[phase].ms);
    const double mp = Median(p);
    const double me = Median(e);
    const double ratio = mp > 0 ? me / mp : 0;
    if (!(ratio <= kGoalRatio)) all_met = false;
    const int decimals = phase == kScan ? 2 : 1;
    std::printf("| %s | %s | %s | %s |\n", labels[phase].c_str(),
                Fixed(mp, decimals).c_str(), Fixed(me, decimals).c_str(),
                Fixed(ratio, 2).c_str());
    const PhaseResult& last = encrypted.back()[phase];
    const int pages = phase == kInsert ? last.pages_written : last.pages_read;
    if (pages > 0) extra_us_per_page[phase] = (me - mp) * 1000 / pages;
  }
  const RunResult& pages = encrypted.back();
  std::printf(
      "\nMedian of %d rounds, plain and encrypted alternating which goes "
      "first. Both runs: page size %" PRIu32 ", %" PRIu32
      " reserved bytes, WAL, synchronous=FULL, secure_delete=ON, "
      "cache_size=-16384, mmap_size=0; the connection is closed "
      "(checkpointing the WAL) and reopened before each phase, so every page "
      "a phase needs goes through the VFS; %s.\n",
      o.rounds, kVaultPageSize, kVaultReserveBytes,
      o.cold ? "the database file is dropped from the OS page cache before "
               "each phase (--cold)"
             : "the OS page cache is left warm");
  std::printf(
      "Pages through the VFS: the inserts write %d to the WAL (checkpoints "
      "read them back into the database), the point reads read %d, the scan "
      "%d. Encrypted minus plain: %.1f us per WAL page written, %.1f and "
      "%.1f us per page read.\n",
      pages[kInsert].pages_written, pages[kPointReads].pages_read,
      pages[kScan].pages_read, extra_us_per_page[kInsert],
      extra_us_per_page[kPointReads], extra_us_per_page[kScan]);
  std::printf("Every ratio at most %.1f: %s.\n", kGoalRatio,
              all_met ? "yes" : "no");
  return Status::Ok();
}

Status RunKdfBenchmark() {
  std::printf("\n| level | unlock (s) |\n");
  std::printf("|---|---:|\n");
  for (KdfLevel level :
       {KdfLevel::kInteractive, KdfLevel::kModerate, KdfLevel::kSensitive}) {
    const KdfParams params = ParamsForLevel(level);
    std::array<uint8_t, crypto::kSaltBytes> salt{};
    crypto::RandomBytes(salt.data(), salt.size());
    SecureBuffer key(crypto::kKeyBytes);
    const Clock::time_point start = Clock::now();
    PALABRE_RETURN_IF_ERROR(crypto::DeriveKeyFromSecret(
        "correct horse battery staple", salt.data(), params, key.data()));
    const double seconds = MillisSince(start) / 1000;
    std::printf("| %s (Argon2id, %" PRIu64 " passes, %" PRIu64 " MiB) | %s |\n",
                std::string(KdfLevelName(level)).c_str(), params.opslimit,
                params.memlimit >> 20, Fixed(seconds, 2).c_str());
    std::fflush(stdout);
  }
  std::printf(
      "\nUnlock time: one Argon2id derivation (crypto_pwhash) at the level's "
      "parameters, timed once; unwrapping the master key and opening the "
      "database add milliseconds.\n");
  return Status::Ok();
}

bool ParseInt(std::string_view text, int min, int* out) {
  int value = 0;
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
    if (arg == "--no-kdf") {
      o.kdf = false;
    } else if (arg == "--cold") {
      o.cold = true;
    } else if (arg == "--verbose") {
      o.verbose = true;
    } else if (arg == "--rounds" && has_value) {
      if (!ParseInt(argv[++i], 1, &o.rounds)) {
        return InvalidArgumentError("--rounds takes a whole number >= 1");
      }
    } else if (arg == "--rows" && has_value) {
      if (!ParseInt(argv[++i], 1, &o.rows)) {
        return InvalidArgumentError("--rows takes a whole number >= 1");
      }
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
          bench::ExitForArgs(options.status(), "vfs_bench", kUsage)) {
    return *code;
  }
  Status status = crypto::Initialize();
  if (status.ok()) {
    double load[1] = {-1};
    if (getloadavg(load, 1) != 1) load[0] = -1;
    std::printf(
        "machine: %s, nproc %ld, load average %.2f; SQLite %s, libsodium "
        "%s; databases in %s\n\n",
        CpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN), load[0],
        sqlite3_libversion(), sodium_version_string(), options->dir.c_str());
    std::fflush(stdout);
    status = RunVfsBenchmark(*options);
  }
  if (status.ok() && options->kdf) {
    std::fflush(stdout);
    status = RunKdfBenchmark();
  }
  std::fflush(stdout);
  if (!status.ok()) {
    std::fprintf(stderr, "vfs_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace palabre::bench

int main(int argc, char** argv) { return palabre::bench::Main(argc, argv); }

// sync_bench: palabre's sync against the goals of the sync issue.
//
// Everything runs in this process, as on a real deployment but on loopback:
// a partner server (sync::Serve on 127.0.0.1 with its own data directory),
// a coordinator's vault that creates the organisation, facilitators'
// vaults filled with generated sessions (bench/session_gen.h, the
// records_bench generator: each session with about 3 commitments and the
// follow-ups most past-due ones got), each enrolled with an invitation code
// (IssueInviteGrant, EncodeInviteCode, EnrollDevice) and approved
// (ApproveDevices), and the sync client (sync::RunSync with the CLI's
// default options). Vaults use KdfLevel::kInteractive. It measures:
//   1. bytes on the wire for the push of a facilitator's vault of
//      `--sessions` sessions (default 1,000), against the physical floor:
//      per entry, its stored compressed body (core/body_codec.h PackBody, as
//      the vault holds it) + the AEAD tag (16) + the signature (64) + one
//      wrapped data key (80, crypto_box_seal of 32 bytes); the nonce is
//      fixed and not sent. The wire is every byte through a TCP proxy
//      (tests/sync/tcp_proxy.h) between client and server, both directions,
//      HTTP headers included; a counting relay behind it (bench/byte_tap.h)
//      splits up from down. Goal: wire / floor <= 1.25. The HTTP requests
//      (round trips) of that push are reported, and where the bytes go: the
//      floor, the envelope's own framing, the batch framing, the receipts
//      and the HTTP headers (from the server's request log, which gives each
//      request's body sizes);
//   2. the same push (a second vault of `--slow-sessions` sessions, default
//      `--sessions`) through the proxy set to 50 kbit/s each way and a
//      600 ms round trip (TcpProxy::SetLink), against the time its bytes
//      alone need at that rate (wire bytes * 8 / 50,000 s). Goal <= 1.5x. A
//      sync that gives up (the CLI's --max-wait of 120 s spent on a failing
//      link) is run again, as a user would, and counted;
//   3. server ingest: `--devices` facilitators' vaults (default 20) of
//      `--device-sessions` sessions each (default 100, about 610 entries),
//      all enrolled and approved, then as many threads each running
//      RunSync against the server at once (no proxy). Entries acknowledged
//      / wall time from the start to the last finish. Goal >= 2,000/s. The
//      clients run on the same machine and take their share of the CPU: the
//      CPU time of the client threads and of the rest of the process (the
//      server) is reported.
// Output: the machine, a Markdown table (measure, value, goal, met), the
// raw numbers, where the bytes of measure 1 and the time of measure 2 go,
// and the command line; measure 2's requests in order go to stderr.
//
// Run: build the target sync_bench (-DPALABRE_BUILD_BENCH=ON, the default)
// in a RelWithDebInfo build and run build/bench/sync_bench. Measure 2 takes
// at least (wire bytes * 8 / 50,000) s: about 16 minutes for 1,000 sessions
// with today's client (11 for the bytes of a clean push alone);
// `--slow-sessions 200` makes it about 3 minutes, `--no-slow` skips it.
// Options: see kUsage. Vaults and the server's data go to a temporary
// directory under $TMPDIR (or /tmp, or --dir), removed at exit unless
// --keep.
//
// A developer tool, POSIX only. Exit status: 0 after printing the table
// (whatever the goals), 1 with a message on any error.
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench/bench_args.h"
#include "bench/byte_tap.h"
#include "bench/session_gen.h"
#include "core/crypto.h"
#include "core/database.h"
#include "core/entry_log.h"
#include "core/kdf.h"
#include "core/organisation.h"
#include "core/receipt.h"
#include "core/record_store.h"
#include "core/sync_state.h"
#include "core/vault.h"
#include "platform/clock.h"
#include "platform/file_util.h"
#include "platform/status.h"
#include "sync/envelope.h"
#include "sync/http_client.h"
#include "sync/invite.h"
#include "sync/protocol.h"
#include "sync/server.h"
#include "sync/sync_client.h"
#include "tests/sync/tcp_proxy.h"

namespace palabre::bench {
namespace {

constexpr char kPassphrase[] = "sync-bench passphrase";
constexpr char kOrgName[] = "Sync bench";
// The physical floor's fixed part per entry: AEAD tag, signature, one
// wrapped data key.
constexpr int64_t kFloorFixedBytes = 16 + 64 + 80;
// Sessions per AddSessions call while filling.
constexpr int64_t kFillBatch = 1000;

constexpr const char* kUsage =
    "usage: sync_bench [--sessions N] [--slow-sessions N] [--no-slow]\n"
    "                  [--rate BPS] [--rtt MS] [--devices N]\n"
    "                  [--device-sessions N] [--no-ingest] [--max-runs N]\n"
    "                  [--dir DIR] [--keep] [--verbose]\n"
    "  --sessions N         sessions of the pushing vault, measure 1 "
    "(default 1000)\n"
    "  --slow-sessions N    sessions of the vault pushed over the slow link,\n"
    "                       measure 2 (default: --sessions)\n"
    "  --no-slow            skip measure 2\n"
    "  --rate BPS           the slow link's rate, bits/s each way (default "
    "50000)\n"
    "  --rtt MS             the slow link's round trip (default 600)\n"
    "  --devices N          devices pushing at once, measure 3 (default 20)\n"
    "  --device-sessions N  sessions of each of those vaults (default 100)\n"
    "  --no-ingest          skip measure 3\n"
    "  --max-runs N         syncs run at most for one push when a sync gives\n"
    "                       up on the link (default 30)\n"
    "  --dir DIR            where the temporary directory goes (default\n"
    "                       $TMPDIR or /tmp)\n"
    "  --keep               keep the vaults and the server's data\n"
    "  --verbose            print the server's request log to stderr\n";

struct Options {
  int64_t sessions = 1000;
  int64_t slow_sessions = -1;  // -1: = sessions
  bool slow = true;
  int64_t rate = 50000;
  int64_t rtt_ms = 600;
  int64_t devices = 20;
  int64_t device_sessions = 100;
  bool ingest = true;
  int64_t max_runs = 30;
  std::string dir;
  bool keep = false;
  bool verbose = false;
};

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
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

double Ratio(int64_t a, int64_t b) {
  return static_cast<double>(a) / static_cast<double>(std::max<int64_t>(1, b));
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

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
             1e6;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The server's request log ----------------------------------------------------

// One request as the server logged it (sync/server.cc LogLine): its body
// sizes, not its headers.
struct LoggedRequest {
  std::string method;
  std::string path;
  int status = 0;
  int64_t body_in = 0;
  int64_t body_out = 0;
  double ms = 0;
};

// Collects the server's log lines while recording; prints them with
// --verbose.
class RequestLog {
 public:
  explicit RequestLog(bool verbose) : verbose_(verbose) {}

  void Add(const std::string& line) {
    if (verbose_) std::fprintf(stderr, "  server: %s\n", line.c_str());
    // TIME PEER METHOD PATH STATUS in=N out=N device=D N.Nms
    std::istringstream in(line);
    std::string when, peer, in_field, out_field, device, ms;
    LoggedRequest r;
    in >> when >> peer >> r.method >> r.path >> r.status >> in_field >>
        out_field >> device >> ms;
    if (in_field.rfind("in=", 0) != 0 || out_field.rfind("out=", 0) != 0) {
      return;
    }
    r.body_in = std::atoll(in_field.c_str() + 3);
    r.body_out = std::atoll(out_field.c_str() + 4);
    r.ms = std::atof(ms.c_str());
    std::lock_guard<std::mutex> lock(mu_);
    if (recording_) requests_.push_back(std::move(r));
  }

  void Start() {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.clear();
    recording_ = true;
  }

  std::vector<LoggedRequest> Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    recording_ = false;
    return std::move(requests_);
  }

 private:
  const bool verbose_;
  std::mutex mu_;
  bool recording_ = false;               // guarded by mu_
  std::vector<LoggedRequest> requests_;  // guarded by mu_
};

// The server ------------------------------------------------------------------

// sync::Serve on its own thread, until Stop().
class ServerThread {
 public:
  ~ServerThread() { Stop(); }

  // Starts serving; answers the URL once it listens.
  StatusOr<std::string> Start(sync::ServeOptions options) {
    options.on_listening = [this](const std::string& url, const std::string&) {
      std::lock_guard<std::mutex> lock(mu_);
      url_ = url;
      cv_.notify_all();
    };
    options_ = std::move(options);
    thread_ = std::thread([this] {
      Status status = sync::Serve(options_, [this] {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_; });
      });
      std::lock_guard<std::mutex> lock(mu_);
      status_ = std::move(status);
      done_ = true;
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_ || !url_.empty(); });
    if (done_) {
      return status_.ok() ? InternalError("the server stopped at once")
                          : status_;
    }
    return url_;
  }

  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    thread_.join();
  }

 private:
  sync::ServeOptions options_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string url_;    // guarded by mu_
  bool stop_ = false;  // guarded by mu_
  bool done_ = false;  // guarded by mu_
  Status status_;      // guarded by mu_
};

int PortOf(const std::string& url) {
  const std::size_t colon = url.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(url.c_str() + colon + 1);
}

// Vaults ----------------------------------------------------------------------

struct EntryStats {
  int64_t entries = 0;
  std::map<std::string, int64_t> by_type;
  std::map<std::string, int64_t> packed_by_type;
  int64_t with_parent = 0;
  int64_t body_bytes = 0;      // JSON text
  int64_t packed_bytes = 0;    // as stored (PackBody)
  int64_t floor_bytes = 0;     // packed + kFloorFixedBytes per entry
  int64_t envelope_bytes = 0;  // EncodeEnvelope with one wrap, summed
};

struct Facilitator {
  std::string name;
  std::string dir;
  std::unique_ptr<Vault> vault;
  int64_t sessions = 0;
  int64_t follow_ups = 0;
  double fill_seconds = 0;
  EntryStats stats;
};

// The coordinator's side: the organisation, the server, the proxy.
struct World {
  std::string root;
  std::unique_ptr<Vault> coordinator;
  OrgIdentity org;
  std::unique_ptr<RequestLog> log;
  std::unique_ptr<ServerThread> server;
  std::string server_url;
  std::unique_ptr<testing::TcpProxy> proxy;
  std::unique_ptr<ByteTap> tap;
  std::string proxy_url;
  std::vector<std::string> vault_dirs;  // to wipe at the end
};

StatusOr<std::unique_ptr<Vault>> NewVault(World& w, const std::string& name) {
  const std::string dir = platform::JoinPath(w.root, name);
  PALABRE_RETURN_IF_ERROR(
      Vault::Create(dir, kPassphrase, KdfLevel::kInteractive).status());
  w.vault_dirs.push_back(dir);
  return Vault::Open(dir, kPassphrase);
}

StatusOr<EntryStats> CountEntries(Database& db,
                                  const std::string& recipient_key) {
  EntryStats s;
  const std::vector<std::string> recipients = {recipient_key};
  PALABRE_RETURN_IF_ERROR(
      ForEachEntry(db, /*by_chain=*/true, [&](const Entry& e) -> Status {
        if (!e.packed_body.has_value() || !e.body.has_value()) {
          return InternalError("a generated entry has no body");
        }
        ++s.entries;
        ++s.by_type[e.type];
        s.packed_by_type[e.type] += static_cast<int64_t>(e.packed_body->size());
        if (!e.parent_id.empty()) ++s.with_parent;
        s.body_bytes += static_cast<int64_t>(e.body->size());
        s.packed_bytes += static_cast<int64_t>(e.packed_body->size());
        s.floor_bytes +=
            static_cast<int64_t>(e.packed_body->size()) + kFloorFixedBytes;
        PALABRE_ASSIGN_OR_RETURN(sync::Envelope env,
                                 sync::EnvelopeForEntry(e, recipients));
        s.envelope_bytes +=
            static_cast<int64_t>(sync::EncodeEnvelope(env).size());
        return Status::Ok();
      }));
  return s;
}

// A facilitator's vault with sessions [first, first + count) of `total`,
// enrolled (pending approval).
StatusOr<Facilitator> MakeFacilitator(World& w, const std::string& name,
                                      int64_t first, int64_t count,
                                      int64_t total) {
  Facilitator f;
  f.name = name;
  PALABRE_ASSIGN_OR_RETURN(f.vault, NewVault(w, name));
  f.dir = f.vault->directory();
  PALABRE_ASSIGN_OR_RETURN(RecordStore store, RecordStore::Open(*f.vault));
  const Clock::time_point start = Clock::now();
  for (int64_t begin = first; begin < first + count; begin += kFillBatch) {
    const int64_t end = std::min(first + count, begin + kFillBatch);
    std::vector<GeneratedSession> generated;
    std::vector<SessionInput> inputs;
    for (int64_t i = begin; i < end; ++i) {
      PALABRE_ASSIGN_OR_RETURN(GeneratedSession g, MakeSession(i, total));
      inputs.push_back(g.input);
      generated.push_back(std::move(g));
    }
    PALABRE_ASSIGN_OR_RETURN(std::vector<AddedSession> added,
                             store.AddSessions(inputs));
    int64_t follow_ups = 0;
    PALABRE_RETURN_IF_ERROR(
        AddPlannedFollowUps(f.vault->db(), generated, added, &follow_ups));
    f.sessions += end - begin;
    f.follow_ups += follow_ups;
  }
  f.fill_seconds = SecondsSince(start);
  PALABRE_ASSIGN_OR_RETURN(f.stats,
                           CountEntries(f.vault->db(), w.org.encryption_key));

  // The invitation, as `palabre org invite` makes it, then `enroll`.
  Database& coord = w.coordinator->db();
  sync::InviteCode code;
  PALABRE_ASSIGN_OR_RETURN(code.org, LoadOrgIdentity(coord));
  PALABRE_ASSIGN_OR_RETURN(code.server_key,
                           GetSyncValue(coord, kSyncServerKey));
  PALABRE_ASSIGN_OR_RETURN(code.tls_pin, GetSyncValue(coord, kSyncTlsPin));
  PALABRE_ASSIGN_OR_RETURN(
      code.grant,
      IssueInviteGrant(coord, name, kRoleFacilitator, NowUnixMillis(),
                       sync::kDefaultInviteMs, code.tls_pin, code.server_key));
  PALABRE_ASSIGN_OR_RETURN(
      sync::InviteCode decoded,
      sync::DecodeInviteCode(sync::EncodeInviteCode(code)));
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                           sync::HttpClient::Create(w.server_url));
  PALABRE_ASSIGN_OR_RETURN(
      std::string state,
      sync::EnrollDevice(f.vault->db(), *http, decoded, sync::SyncOptions()));
  if (state != "pending") {
    return InternalError(name + ": enrolled as \"" + state + "\", not pending");
  }
  return f;
}

// `palabre org approve --all` on the coordinator's vault.
StatusOr<int64_t> ApproveAll(World& w) {
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                           sync::HttpClient::Create(w.server_url));
  PALABRE_ASSIGN_OR_RETURN(std::vector<sync::ServerDevice> approved,
                           sync::ApproveDevices(w.coordinator->db(), *http, "",
                                                sync::SyncOptions()));
  return static_cast<int64_t>(approved.size());
}

Status SetUpWorld(const Options& o, World& w) {
  // The proxy first: its address is the organisation's server URL.
  w.proxy = std::make_unique<testing::TcpProxy>(1);
  PALABRE_RETURN_IF_ERROR(w.proxy->Start());
  w.proxy_url = "http://127.0.0.1:" + std::to_string(w.proxy->port());
  PALABRE_ASSIGN_OR_RETURN(w.coordinator, NewVault(w, "coordinator"));
  Database& db = w.coordinator->db();
  PALABRE_ASSIGN_OR_RETURN(
      w.org, InitOrganisation(db, kOrgName, w.proxy_url, kRoleCoordinator,
                              NowUnixMillis()));
  PALABRE_ASSIGN_OR_RETURN(std::vector<DeviceCertificate> certs,
                           LoadCertificates(db));
  const std::string org_file = platform::JoinPath(w.root, "org.json");
  PALABRE_RETURN_IF_ERROR(platform::WriteFileAtomically(
      org_file, OrgPublicJson(w.org, certs).dump(2) + "\n"));

  w.log = std::make_unique<RequestLog>(o.verbose);
  w.server = std::make_unique<ServerThread>();
  sync::ServeOptions serve;
  serve.org_file = org_file;
  serve.data_dir = platform::JoinPath(w.root, "server");
  serve.host = "127.0.0.1";
  serve.port = 0;
  RequestLog* log = w.log.get();
  serve.log = [log](const std::string& line) { log->Add(line); };
  PALABRE_ASSIGN_OR_RETURN(w.server_url, w.server->Start(serve));
  w.tap = std::make_unique<ByteTap>(PortOf(w.server_url));
  PALABRE_RETURN_IF_ERROR(w.tap->Start());
  w.proxy->SetTarget(w.tap->port());

  // The coordinator meets the server (pins its receipt key), as `org
  // invite` does before making the first code.
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                           sync::HttpClient::Create(w.server_url));
  return sync::MeetServer(db, *http, sync::SyncOptions());
}

// Pushing ---------------------------------------------------------------------

struct PushRun {
  int64_t pushed = 0;
  int64_t syncs = 0;        // RunSync calls (a user running sync again)
  int64_t attempts = 0;     // exchanges, retries included
  int64_t requests = 0;     // HTTP requests the client sent
  int64_t client_sent = 0;  // the client's own estimate
  int64_t client_received = 0;
  double seconds = 0;
  std::vector<std::string> failures;  // why a sync gave up
};

// Runs sync on `f`'s vault against `url` until it completes, as a user
// would after a sync that gave up on a failing link (at most `max_runs`).
StatusOr<PushRun> PushAll(Facilitator& f, const std::string& url,
                          int64_t max_runs, bool show_progress) {
  PushRun run;
  const Clock::time_point start = Clock::now();
  sync::SyncOptions options;
  if (show_progress) {
    options.progress = [&](const sync::SyncProgress& p) {
      std::fprintf(stderr,
                   "  %6.1f s: %s, %" PRId64 " / %" PRId64
                   " entries acknowledged, attempt %" PRId64 "\n",
                   SecondsSince(start), p.stage.c_str(), p.pushed, p.to_push,
                   p.attempts);
    };
  }
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<sync::HttpClient> http,
                             sync::HttpClient::Create(url));
    sync::SyncResult result;
    ++run.syncs;
    const Status status = sync::RunSync(f.vault->db(), *http, options, &result);
    run.pushed += result.pushed;
    run.attempts += result.attempts;
    run.requests += result.requests;
    run.client_sent += result.bytes_sent;
    run.client_received += result.bytes_received;
    http.reset();  // closes the connection, as the CLI's exit does
    if (!result.rejected.empty()) {
      return InternalError(f.name + ": the server refused an entry: " +
                           result.rejected.front().code + ": " +
                           result.rejected.front().message);
    }
    if (status.ok()) break;
    if (status.code() != StatusCode::kUnavailable) return status;
    run.failures.push_back(status.message());
    if (show_progress) {
      std::fprintf(stderr, "  %6.1f s: sync %" PRId64 " gave up (%s); again\n",
                   SecondsSince(start), run.syncs, status.message().c_str());
    }
    if (run.syncs >= max_runs) {
      return UnavailableError("the push did not complete in " +
                              std::to_string(max_runs) +
                              " syncs: " + status.message());
    }
  }
  run.seconds = SecondsSince(start);
  return run;
}

// What went over the wire in one measured push.
struct Wire {
  int64_t up = 0;     // client -> server, from the tap
  int64_t down = 0;   // server -> client
  int64_t proxy = 0;  // TcpProxy::BytesForwarded, both ways
  int64_t connections = 0;
  std::vector<LoggedRequest> requests;
  int64_t Total() const { return up + down; }
};

// Runs `push` with the wire counters reset before and read after.
StatusOr<Wire> MeasureWire(World& w, const std::function<Status()>& push) {
  w.proxy->ResetCounters();
  w.tap->ResetCounters();
  w.log->Start();
  const Status status = push();
  // Every byte the client read was delivered; give the relays a moment to
  // account for the last ones.
  for (int i = 0; i < 50 && w.proxy->BytesForwarded() !=
                                w.tap->BytesUp() + w.tap->BytesDown();
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Wire wire;
  wire.requests = w.log->Stop();
  PALABRE_RETURN_IF_ERROR(status);
  wire.up = w.tap->BytesUp();
  wire.down = w.tap->BytesDown();
  wire.proxy = w.proxy->BytesForwarded();
  wire.connections = w.proxy->ConnectionsAccepted();
  return wire;
}

// Where the bytes go ----------------------------------------------------------

struct Row {
  std::string measure;
  std::string value;
  std::string goal;
  std::string met;
};

void PrintRows(const std::vector<Row>& rows) {
  std::printf("| measure | value | goal | met |\n|---|---:|---|---|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %s | %s | %s |\n", r.measure.c_str(), r.value.c_str(),
                r.goal.c_str(), r.met.c_str());
  }
}

struct PathTotals {
  int64_t count = 0;
  int64_t body_in = 0;
  int64_t body_out = 0;
  double ms = 0;
};

std::map<std::string, PathTotals> ByPath(
    const std::vector<LoggedRequest>& requests) {
  std::map<std::string, PathTotals> out;
  for (const LoggedRequest& r : requests) {
    PathTotals& t = out[r.method + " " + r.path];
    ++t.count;
    t.body_in += r.body_in;
    t.body_out += r.body_out;
    t.ms += r.ms;
  }
  return out;
}

// The breakdown of measure 1's bytes: each component, its bytes, per entry
// and its share of the wire.
void PrintBreakdown(const EntryStats& s, const Wire& wire) {
  const auto paths = ByPath(wire.requests);
  int64_t bodies_in = 0;
  int64_t bodies_out = 0;
  for (const auto& [path, t] : paths) {
    bodies_in += t.body_in;
    bodies_out += t.body_out;
  }
  const PathTotals push =
      paths.count("POST /v1/push") ? paths.at("POST /v1/push") : PathTotals();
  const int64_t n = s.entries;
  const int64_t tags = 16 * n;
  const int64_t sigs = 64 * n;
  const int64_t wraps = 80 * n;
  // Per sealed envelope: magic 4, version 1, kind 1, ciphertext length 4,
  // number of wraps 1, recipient hint 8; the 64-byte header; inside the
  // ciphertext the payload's own prefix (version 1, device id 16, seq 8,
  // record id 16, type 1, op 1, parent flag 1, parent id 16 if any).
  const int64_t framing = 19 * n;
  const int64_t header = 64 * n;
  const int64_t prefix = 44 * n + 16 * s.with_parent;
  const int64_t envelope_check =
      s.floor_bytes + framing + header + prefix - s.envelope_bytes;
  // A device's own push is a compact (version 2) batch: each envelope
  // goes without its magic and version (5) and of its header only the hlc
  // (8); the device, first seq and first prev hash go once a push.
  const int64_t framing_sent = 14 * n;
  const int64_t header_sent = 8 * n;
  const int64_t batch_framing =
      push.body_in - (s.envelope_bytes - (5 + 64 - 8) * n);
  const int64_t other_up = bodies_in - push.body_in;
  // One receipt a push: each push is one run of the device's chain.
  const int64_t receipts = static_cast<int64_t>(kReceiptWireBytes) * push.count;
  const int64_t reply_framing = push.body_out - receipts;
  const int64_t other_down = bodies_out - push.body_out;
  const int64_t headers_up = wire.up - bodies_in;
  const int64_t headers_down = wire.down - bodies_out;
  const int64_t total = wire.Total();
  struct Part {
    std::string what;
    int64_t bytes;
  };
  const std::vector<Part> parts = {
      {"floor: stored compressed bodies (PackBody)", s.packed_bytes},
      {"floor: AEAD tags (16)", tags},
      {"floor: signatures (64)", sigs},
      {"floor: wrapped data keys (80)", wraps},
      {"up: entry header in the clear (of its 64 bytes only the hlc, 8: "
       "device, seq and prev hash follow from the batch)",
       header_sent},
      {"up: payload prefix inside the ciphertext (44, +16 with a parent: "
       "version, device id, seq, record id, type, op, parent)",
       prefix},
      {"up: envelope framing (14: kind, length, wrap count, recipient hint)",
       framing_sent},
      {"up: batch framing (65 per push: magic, version, device, first seq, "
       "first prev hash, count; + 4 per envelope)",
       batch_framing},
      {"up: other request bodies", other_up},
      {"up: HTTP request lines and headers", headers_up},
      {"down: receipts (144 per push: one for the run of entries it added)",
       receipts},
      {"down: push reply framing (13 per reply: magic, version, count, refusal "
       "length)",
       reply_framing},
      {"down: other response bodies (hello, device state)", other_down},
      {"down: HTTP status lines and headers", headers_down},
  };
  std::printf("\nWhere measure 1's bytes go (%s entries, %" PRId64
              " HTTP requests):\n\n",
              WithCommas(n).c_str(),
              static_cast<int64_t>(wire.requests.size()));
  std::printf(
      "| component | bytes | per entry | share of the wire |\n"
      "|---|---:|---:|---:|\n");
  int64_t sum = 0;
  for (const Part& p : parts) {
    sum += p.bytes;
    std::printf("| %s | %s | %s | %s%% |\n", p.what.c_str(),
                WithCommas(p.bytes).c_str(),
                Fixed(Ratio(p.bytes, n), 1).c_str(),
                Fixed(100 * Ratio(p.bytes, total), 1).c_str());
  }
  std::printf("| **total (the wire)** | %s | %s | 100%% |\n",
              WithCommas(sum).c_str(), Fixed(Ratio(sum, n), 1).c_str());
  if (sum != total || envelope_check != 0) {
    std::printf(
        "\n(The components do not add up: %s components, %s on the wire; "
        "envelopes %s bytes, %s expected from the format.)\n",
        WithCommas(sum).c_str(), WithCommas(total).c_str(),
        WithCommas(s.envelope_bytes).c_str(),
        WithCommas(s.envelope_bytes + envelope_check).c_str());
  }
  std::printf("\nRequests of that push, as the server logged them:\n\n");
  std::printf(
      "| request | count | request bodies | response bodies | server time |\n"
      "|---|---:|---:|---:|---:|\n");
  for (const auto& [path, t] : paths) {
    std::printf("| %s | %" PRId64 " | %s | %s | %s ms |\n", path.c_str(),
                t.count, WithCommas(t.body_in).c_str(),
                WithCommas(t.body_out).c_str(), Fixed(t.ms, 1).c_str());
  }
  std::printf("\nPush bodies, in order (bytes up):");
  for (const LoggedRequest& r : wire.requests) {
    if (r.path == "/v1/push") std::printf(" %s", WithCommas(r.body_in).c_str());
  }
  std::printf("\n");
}

// Where measure 2's time goes, at the link's rate: the bytes of the same
// push on a clean link, the bytes of pushes the server refused (a push that
// timed out on the client but went on over the link, arriving after the
// retry's signed requests: stale_counter), the other extra bytes, the round
// trips; the rest is timeouts, backoff and server time, less the overlap
// of connections (the proxy gives each connection its own link).
void PrintSlowBreakdown(const Options& o, const Wire& wire, const PushRun& run,
                        int64_t clean_bytes) {
  const auto seconds = [&](int64_t bytes) {
    return static_cast<double>(bytes) * 8 / static_cast<double>(o.rate);
  };
  std::map<std::string, PathTotals> by_status;
  for (const LoggedRequest& r : wire.requests) {
    PathTotals& t =
        by_status[r.method + " " + r.path + " " + std::to_string(r.status)];
    ++t.count;
    t.body_in += r.body_in;
    t.body_out += r.body_out;
  }
  int64_t refused = 0;
  int64_t refused_count = 0;
  for (const LoggedRequest& r : wire.requests) {
    if (r.path == "/v1/push" && r.status != 200) {
      refused += r.body_in;
      ++refused_count;
    }
  }
  const int64_t other = wire.Total() - clean_bytes - refused;
  const double rtts =
      static_cast<double>(run.requests) * static_cast<double>(o.rtt_ms) / 1000;
  const double rest = run.seconds - seconds(clean_bytes) - seconds(refused) -
                      seconds(other) - rtts;
  std::printf("\nWhere measure 2's time goes (bytes at %s bit/s):\n\n",
              WithCommas(o.rate).c_str());
  std::printf("| part | seconds |\n|---|---:|\n");
  std::printf("| the bytes of the same push on a clean link (%s) | %s |\n",
              WithCommas(clean_bytes).c_str(),
              Fixed(seconds(clean_bytes), 1).c_str());
  std::printf(
      "| pushes the server refused (%" PRId64
      ", HTTP 409 stale_counter: the client had given up on them, they went "
      "on over the link and arrived after the retry's signed requests; %s "
      "bytes) | %s |\n",
      refused_count, WithCommas(refused).c_str(),
      Fixed(seconds(refused), 1).c_str());
  std::printf("| other bytes beyond the clean push (%s) | %s |\n",
              WithCommas(other).c_str(), Fixed(seconds(other), 1).c_str());
  std::printf("| round trips (%" PRId64 " requests x %" PRId64 " ms) | %s |\n",
              run.requests, o.rtt_ms, Fixed(rtts, 1).c_str());
  std::printf(
      "| the rest: timeouts, backoff, server time, less overlapping "
      "connections | %s |\n",
      Fixed(rest, 1).c_str());
  std::printf("| **total** | %s |\n", Fixed(run.seconds, 1).c_str());
  std::printf(
      "\nRequests of measure 2 as the server logged them (replies of requests "
      "the client had given up on were not delivered):\n\n");
  std::printf(
      "| request | status | count | request bodies | response bodies |\n"
      "|---|---|---:|---:|---:|\n");
  for (const auto& [key, t] : by_status) {
    const std::size_t space = key.rfind(' ');
    std::printf("| %s | %s | %" PRId64 " | %s | %s |\n",
                key.substr(0, space).c_str(), key.substr(space + 1).c_str(),
                t.count, WithCommas(t.body_in).c_str(),
                WithCommas(t.body_out).c_str());
  }
}

std::string TypeCounts(const EntryStats& s) {
  std::string out;
  for (const auto& [type, count] : s.by_type) {
    if (!out.empty()) out += ", ";
    out += WithCommas(count) + " " + type + " (body " +
           Fixed(Ratio(s.packed_by_type.at(type), count), 0) + " bytes stored)";
  }
  return out;
}

// The measures ----------------------------------------------------------------

Status Run(const Options& o, const std::string& command_line, World& w) {
  std::vector<Row> rows;
  std::vector<std::string> raw;
  const Clock::time_point setup = Clock::now();
  PALABRE_RETURN_IF_ERROR(SetUpWorld(o, w));
  std::fprintf(stderr, "server at %s, proxy at %s, tap at port %d\n",
               w.server_url.c_str(), w.proxy_url.c_str(), w.tap->port());

  // 1. Bytes on the wire.
  std::fprintf(stderr, "1. filling a vault of %s sessions\n",
               WithCommas(o.sessions).c_str());
  PALABRE_ASSIGN_OR_RETURN(
      Facilitator first,
      MakeFacilitator(w, "facilitator-1", 0, o.sessions, o.sessions));
  PALABRE_RETURN_IF_ERROR(ApproveAll(w).status());
  std::fprintf(stderr, "   %s entries (filled in %.1f s); pushing\n",
               WithCommas(first.stats.entries).c_str(), first.fill_seconds);
  PushRun push1;
  PALABRE_ASSIGN_OR_RETURN(
      Wire wire1, MeasureWire(w, [&]() -> Status {
        PALABRE_ASSIGN_OR_RETURN(
            push1, PushAll(first, w.proxy_url, o.max_runs, false));
        return Status::Ok();
      }));
  if (push1.pushed != first.stats.entries) {
    return InternalError("measure 1: the server acknowledged " +
                         std::to_string(push1.pushed) + " of " +
                         std::to_string(first.stats.entries) + " entries");
  }
  const EntryStats& s1 = first.stats;
  const double ratio1 = Ratio(wire1.Total(), s1.floor_bytes);
  rows.push_back({"1. wire / floor, push of " + WithCommas(first.sessions) +
                      " sessions (" + WithCommas(s1.entries) +
                      " entries; both directions, HTTP headers included)",
                  Fixed(ratio1, 2) + "x", "<= 1.25x",
                  ratio1 <= 1.25 ? "yes" : "**no**"});
  rows.push_back({"1. round trips (HTTP requests) of that push",
                  std::to_string(push1.requests), "-", "-"});
  raw.push_back(
      "measure 1: " + WithCommas(first.sessions) + " sessions, " +
      WithCommas(s1.entries) + " entries (" + TypeCounts(s1) + "), filled in " +
      Fixed(first.fill_seconds, 1) + " s; bodies " + WithCommas(s1.body_bytes) +
      " bytes of JSON, stored compressed " + WithCommas(s1.packed_bytes) +
      " (" + Fixed(Ratio(s1.packed_bytes, s1.entries), 1) +
      " per entry); floor " + WithCommas(s1.floor_bytes) + " bytes (" +
      Fixed(Ratio(s1.floor_bytes, s1.entries), 1) + " per entry); envelopes " +
      WithCommas(s1.envelope_bytes) + " bytes (" +
      Fixed(Ratio(s1.envelope_bytes, s1.entries), 1) +
      " per entry, envelopes / floor " +
      Fixed(Ratio(s1.envelope_bytes, s1.floor_bytes), 2) + "x)");
  raw.push_back(
      "measure 1: wire " + WithCommas(wire1.Total()) + " bytes: up " +
      WithCommas(wire1.up) + ", down " + WithCommas(wire1.down) +
      " (TcpProxy counted " + WithCommas(wire1.proxy) + "); " +
      std::to_string(push1.requests) + " HTTP requests on " +
      std::to_string(wire1.connections) + " connection(s), " +
      std::to_string(push1.syncs) + " sync(s), " +
      std::to_string(push1.attempts) + " exchange(s); " +
      Fixed(push1.seconds, 2) + " s on loopback (" +
      WithCommas(static_cast<int64_t>(static_cast<double>(s1.entries) /
                                      std::max(push1.seconds, 1e-9))) +
      " entries/s); the client's own estimate: " +
      WithCommas(push1.client_sent) + " up, " +
      WithCommas(push1.client_received) + " down");

  // 2. The same push on a 2G link.
  Wire wire2;
  PushRun push2;
  EntryStats s2;
  int64_t clean2_bytes = 0;
  if (o.slow) {
    const int64_t n = o.slow_sessions > 0 ? o.slow_sessions : o.sessions;
    std::fprintf(stderr, "2. filling a vault of %s sessions\n",
                 WithCommas(n).c_str());
    PALABRE_ASSIGN_OR_RETURN(Facilitator second,
                             MakeFacilitator(w, "facilitator-2", 0, n, n));
    PALABRE_RETURN_IF_ERROR(ApproveAll(w).status());
    s2 = second.stats;
    std::fprintf(
        stderr,
        "   %s entries; pushing at %s bit/s, %" PRId64
        " ms round trip: about %.0f s for the floor's bytes alone\n",
        WithCommas(s2.entries).c_str(), WithCommas(o.rate).c_str(), o.rtt_ms,
        static_cast<double>(s2.floor_bytes) * 8 / static_cast<double>(o.rate));
    w.proxy->SetLink(o.rate, static_cast<int>(o.rtt_ms));
    StatusOr<Wire> measured = MeasureWire(w, [&]() -> Status {
      PALABRE_ASSIGN_OR_RETURN(push2, PushAll(second, w.proxy_url, o.max_runs,
                                              /*show_progress=*/true));
      return Status::Ok();
    });
    w.proxy->SetLink(0, 0);
    PALABRE_RETURN_IF_ERROR(measured.status());
    wire2 = *measured;
    if (push2.pushed != s2.entries) {
      return InternalError("measure 2: the server acknowledged " +
                           std::to_string(push2.pushed) + " of " +
                           std::to_string(s2.entries) + " entries");
    }
    const double bytes_s =
        static_cast<double>(wire2.Total()) * 8 / static_cast<double>(o.rate);
    const double ratio2 = push2.seconds / bytes_s;
    rows.push_back(
        {"2. push of " + WithCommas(second.sessions) + " sessions at " +
             Fixed(static_cast<double>(o.rate) / 1000, 0) + " kbit/s, " +
             std::to_string(o.rtt_ms) + " ms RTT: " + Fixed(push2.seconds, 0) +
             " s / " + Fixed(bytes_s, 0) + " s its wire bytes need",
         Fixed(ratio2, 2) + "x", "<= 1.5x", ratio2 <= 1.5 ? "yes" : "**no**"});
    const double floor_s =
        static_cast<double>(s2.floor_bytes) * 8 / static_cast<double>(o.rate);
    // The same push on a clean link: measure 1's wire / floor, scaled.
    clean2_bytes =
        static_cast<int64_t>(ratio1 * static_cast<double>(s2.floor_bytes));
    const double clean_s =
        static_cast<double>(clean2_bytes) * 8 / static_cast<double>(o.rate);
    rows.push_back(
        {"2. the same against the bytes of the same push on a "
         "clean link (" +
             Fixed(clean_s, 0) + " s: measure 1's wire / floor x this floor)",
         Fixed(push2.seconds / clean_s, 2) + "x", "-", "-"});
    rows.push_back(
        {"2. the same against the floor's bytes (" + Fixed(floor_s, 0) + " s)",
         Fixed(push2.seconds / floor_s, 2) + "x", "-", "-"});
    std::map<std::string, int64_t> reasons;
    for (const std::string& f : push2.failures) ++reasons[f];
    std::string failures;
    for (const auto& [reason, count] : reasons) {
      failures += (failures.empty() ? "" : "; ") + std::to_string(count) +
                  " x \"" + reason + "\"";
    }
    raw.push_back(
        "measure 2: " + WithCommas(second.sessions) + " sessions, " +
        WithCommas(s2.entries) + " entries, floor " +
        WithCommas(s2.floor_bytes) + " bytes; wire " +
        WithCommas(wire2.Total()) + " bytes (up " + WithCommas(wire2.up) +
        ", down " + WithCommas(wire2.down) + "; TcpProxy " +
        WithCommas(wire2.proxy) + "), wire / floor " +
        Fixed(Ratio(wire2.Total(), s2.floor_bytes), 2) + "x; " +
        Fixed(push2.seconds, 1) + " s; " + std::to_string(push2.requests) +
        " HTTP requests (" + std::to_string(wire2.requests.size()) +
        " reached the server) on " + std::to_string(wire2.connections) +
        " connection(s); " + std::to_string(push2.syncs) + " sync(s), " +
        std::to_string(push2.attempts) + " exchange(s)" +
        (failures.empty() ? "" : "; syncs that gave up: " + failures));
    std::fprintf(stderr,
                 "measure 2, requests in the order the server "
                 "finished them:\n");
    for (const LoggedRequest& r : wire2.requests) {
      std::fprintf(stderr, "  %s %s %d: %s up, %s down\n", r.method.c_str(),
                   r.path.c_str(), r.status, WithCommas(r.body_in).c_str(),
                   WithCommas(r.body_out).c_str());
    }
  }

  // 3. Server ingest, devices pushing at once.
  if (o.ingest) {
    const int64_t d = o.devices;
    const int64_t m = o.device_sessions;
    std::fprintf(stderr,
                 "3. filling %" PRId64 " vaults of %" PRId64 " sessions\n", d,
                 m);
    std::vector<Facilitator> devices;
    int64_t expected = 0;
    const Clock::time_point fill_start = Clock::now();
    for (int64_t i = 0; i < d; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "device-%02" PRId64, i + 1);
      PALABRE_ASSIGN_OR_RETURN(Facilitator f,
                               MakeFacilitator(w, name, i * m, m, d * m));
      expected += f.stats.entries;
      devices.push_back(std::move(f));
    }
    PALABRE_ASSIGN_OR_RETURN(int64_t approved, ApproveAll(w));
    if (approved != d) {
      return InternalError("measure 3: " + std::to_string(approved) + " of " +
                           std::to_string(d) + " devices approved");
    }
    std::fprintf(stderr,
                 "   %s entries in %.0f s; %" PRId64
                 " devices pushing at once\n",
                 WithCommas(expected).c_str(), SecondsSince(fill_start), d);
    struct Outcome {
      Status status;
      sync::SyncResult result;
      double end_s = 0;
      double cpu_s = 0;
    };
    std::vector<Outcome> outcomes(static_cast<std::size_t>(d));
    std::mutex mu;
    std::condition_variable cv;
    bool go = false;
    Clock::time_point start;
    std::vector<std::thread> threads;
    for (int64_t i = 0; i < d; ++i) {
      threads.emplace_back([&, i] {
        Outcome& out = outcomes[static_cast<std::size_t>(i)];
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return go; });
        }
        const double cpu0 = ThreadCpuSeconds();
        StatusOr<std::unique_ptr<sync::HttpClient>> http =
            sync::HttpClient::Create(w.server_url);
        if (!http.ok()) {
          out.status = http.status();
        } else {
          out.status =
              sync::RunSync(devices[static_cast<std::size_t>(i)].vault->db(),
                            **http, sync::SyncOptions(), &out.result);
          http->reset();
        }
        out.end_s = SecondsSince(start);
        out.cpu_s = ThreadCpuSeconds() - cpu0;
      });
    }
    w.log->Start();
    const double cpu0 = ProcessCpuSeconds();
    {
      std::lock_guard<std::mutex> lock(mu);
      start = Clock::now();
      go = true;
    }
    cv.notify_all();
    for (std::thread& t : threads) t.join();
    const double cpu_s = ProcessCpuSeconds() - cpu0;
    const std::vector<LoggedRequest> logged = w.log->Stop();
    int64_t acked = 0;
    int64_t requests = 0;
    int64_t retried = 0;
    double wall = 0;
    double client_cpu = 0;
    std::vector<double> ends;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const Outcome& out = outcomes[i];
      if (!out.status.ok()) {
        return out.status.WithContext("measure 3, " + devices[i].name);
      }
      if (!out.result.rejected.empty()) {
        return InternalError("measure 3, " + devices[i].name + ": refused: " +
                             out.result.rejected.front().message);
      }
      acked += out.result.pushed;
      requests += out.result.requests;
      retried += out.result.attempts > 1 ? 1 : 0;
      wall = std::max(wall, out.end_s);
      client_cpu += out.cpu_s;
      ends.push_back(out.end_s);
    }
    if (acked != expected) {
      return InternalError("measure 3: " + std::to_string(acked) + " of " +
                           std::to_string(expected) + " entries acknowledged");
    }
    std::sort(ends.begin(), ends.end());
    const double rate = static_cast<double>(acked) / wall;
    rows.push_back({"3. server ingest, " + std::to_string(d) +
                        " devices pushing at once (" + WithCommas(acked) +
                        " entries in " + Fixed(wall, 2) + " s)",
                    WithCommas(static_cast<int64_t>(rate)) + " entries/s",
                    ">= 2,000/s", rate >= 2000 ? "yes" : "**no**"});
    const auto paths = ByPath(logged);
    const PathTotals push =
        paths.count("POST /v1/push") ? paths.at("POST /v1/push") : PathTotals();
    raw.push_back(
        "measure 3: " + std::to_string(d) + " devices x " + std::to_string(m) +
        " sessions, " + WithCommas(acked) + " entries acknowledged in " +
        Fixed(wall, 2) + " s; devices finished after " +
        Fixed(ends.front(), 2) + " s (first), " +
        Fixed(ends[ends.size() / 2], 2) + " s (median), " +
        Fixed(ends.back(), 2) + " s (last); " + std::to_string(requests) +
        " HTTP requests, of which " + std::to_string(push.count) + " pushes (" +
        WithCommas(push.body_in) + " bytes, " +
        Fixed(Ratio(push.body_in, push.count) / 1024, 0) +
        " KiB on average, the server's time in them " +
        Fixed(push.ms / 1000, 2) + " s summed, waits for its lock included); " +
        std::to_string(retried) + " device(s) retried; CPU " + Fixed(cpu_s, 2) +
        " s of the " + Fixed(2 * wall, 2) +
        " s two cores give in that time: client threads " +
        Fixed(client_cpu, 2) + " s, server and the rest " +
        Fixed(cpu_s - client_cpu, 2) + " s (" +
        WithCommas(static_cast<int64_t>(static_cast<double>(acked) /
                                        std::max(cpu_s - client_cpu, 1e-9))) +
        " entries per server CPU second)");
  }

  std::printf("\n");
  PrintRows(rows);
  std::printf("\nRaw numbers:\n\n");
  for (const std::string& line : raw) std::printf("- %s\n", line.c_str());
  PrintBreakdown(s1, wire1);
  if (o.slow) PrintSlowBreakdown(o, wire2, push2, clean2_bytes);
  std::printf(
      "\nFloor per entry: the stored compressed body + 16 (AEAD tag) + 64 "
      "(signature) + 80 (one wrapped data key). Wire: every byte between "
      "client and server in both directions (HTTP headers included, TCP/IP "
      "headers not). Set-up and measures took %.0f s. Load average at the "
      "end: %s.\n\nCommand: %s\n",
      SecondsSince(setup), LoadAverage().c_str(), command_line.c_str());
  return Status::Ok();
}

bool ParseInt(std::string_view text, int64_t min, int64_t max, int64_t* out) {
  int64_t value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
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
  struct IntOption {
    const char* name;
    int64_t* value;
    int64_t min;
    int64_t max;
  };
  const IntOption ints[] = {
      {"--sessions", &o.sessions, 1, 10'000'000},
      {"--slow-sessions", &o.slow_sessions, 1, 10'000'000},
      {"--rate", &o.rate, 1000, 1'000'000'000},
      {"--rtt", &o.rtt_ms, 0, 60'000},
      {"--devices", &o.devices, 1, 1000},
      {"--device-sessions", &o.device_sessions, 1, 1'000'000},
      {"--max-runs", &o.max_runs, 1, 1000},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    bool matched = false;
    for (const IntOption& opt : ints) {
      if (arg != opt.name) continue;
      matched = true;
      if (!has_value || !ParseInt(argv[++i], opt.min, opt.max, opt.value)) {
        return InvalidArgumentError(
            std::string(opt.name) + " takes a whole number " +
            std::to_string(opt.min) + "-" + std::to_string(opt.max));
      }
    }
    if (matched) continue;
    if (arg == "--no-slow") {
      o.slow = false;
    } else if (arg == "--no-ingest") {
      o.ingest = false;
    } else if (arg == "--keep") {
      o.keep = true;
    } else if (arg == "--verbose") {
      o.verbose = true;
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
          bench::ExitForArgs(options.status(), "sync_bench", kUsage)) {
    return *code;
  }
  const Options& o = *options;
  std::string command_line;
  for (int i = 0; i < argc; ++i) {
    command_line += (i > 0 ? " " : "") + std::string(argv[i]);
  }
  Status status = crypto::Initialize();
  if (!status.ok()) {
    std::fprintf(stderr, "sync_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  std::string root = platform::JoinPath(o.dir, "palabre-sync-XXXXXX");
  if (mkdtemp(root.data()) == nullptr) {
    std::fprintf(stderr, "sync_bench: cannot create a directory in %s: %s\n",
                 o.dir.c_str(), std::strerror(errno));
    return 1;
  }
  std::printf(
      "machine: %s, nproc %ld, load average %s; SQLite %s, libsodium %s\n",
      CpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN), LoadAverage().c_str(),
      sqlite3_libversion(), sodium_version_string());
  std::fflush(stdout);
  std::vector<std::string> vault_dirs;
  {
    World w;
    w.root = root;
    status = Run(o, command_line, w);
    std::fflush(stdout);
    // Stop the clients' way in, then the server, then close the vaults.
    w.proxy.reset();
    w.tap.reset();
    if (w.server) w.server->Stop();
    vault_dirs = w.vault_dirs;
  }
  if (o.keep) {
    std::fprintf(stderr, "kept in %s (passphrase \"%s\")\n", root.c_str(),
                 kPassphrase);
  } else {
    for (const std::string& dir : vault_dirs) {
      Vault::Wipe(dir).status().IgnoreError();
    }
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "sync_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace palabre::bench

int main(int argc, char** argv) { return palabre::bench::Main(argc, argv); }

// Record-command helpers for the end-to-end tests (see records_util.h).
#include "tests/cli/records_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

namespace palabre::testing {

using nlohmann::json;

RunResult RunRecords(const std::string& dir, std::vector<std::string> args,
                     const std::string& stdin_data) {
  RunOptions options;
  options.stdin_data = stdin_data;
  options.extra_fd_data = std::string(kPassphrase) + "\n";
  std::vector<std::string> all = VaultArgs(dir, std::move(args));
  all.push_back("--passphrase-fd");
  all.push_back(std::to_string(options.extra_fd));
  return RunPalabre(all, options);
}

json RunJson(const std::string& dir, std::vector<std::string> args,
             const std::string& stdin_data) {
  args.push_back("--json");
  RunResult r = RunRecords(dir, std::move(args), stdin_data);
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  json out = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(out.is_discarded());
  return out;
}

std::string ScratchPath(const std::string& dir, const std::string& name) {
  return dir + "-" + name;
}

namespace {

Added ToAdded(const json& j) {
  REQUIRE(j.is_object());
  REQUIRE(j.size() == 2);
  Added added;
  added.session = j.at("session").get<std::string>();
  CHECK(IsFullId(added.session));
  REQUIRE(j.at("commitments").is_array());
  for (const json& c : j.at("commitments")) {
    added.commitments.push_back(c.get<std::string>());
    CHECK(IsFullId(added.commitments.back()));
  }
  return added;
}

int file_counter = 0;

std::string WriteScratch(const std::string& dir, const json& value) {
  const std::string path =
      ScratchPath(dir, "input" + std::to_string(++file_counter) + ".json");
  WriteAll(path, value.dump(2));
  return path;
}

}  // namespace

Added AddSessionFile(const std::string& dir, const json& record) {
  REQUIRE(record.is_object());
  const json out =
      RunJson(dir, {"session", "add", "--file", WriteScratch(dir, record)});
  return ToAdded(out);
}

std::vector<Added> AddSessionsFile(const std::string& dir,
                                   const json& records) {
  REQUIRE(records.is_array());
  const json out =
      RunJson(dir, {"session", "add", "--file", WriteScratch(dir, records)});
  REQUIRE(out.is_array());
  REQUIRE(out.size() == records.size());
  std::vector<Added> added;
  for (const json& one : out) added.push_back(ToAdded(one));
  return added;
}

json VerifyCounts(const std::string& dir) {
  const json out = RunJson(dir, {"verify"});
  REQUIRE(out.is_object());
  CHECK(out.value("ok", false));
  return out;
}

bool IsFullId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string UniquePrefix(const std::string& id,
                         const std::vector<std::string>& others) {
  for (std::size_t n = 4; n < id.size(); ++n) {
    const std::string prefix = id.substr(0, n);
    bool unique = true;
    for (const std::string& other : others) {
      if (other != id && other.rfind(prefix, 0) == 0) unique = false;
    }
    if (unique) return prefix;
  }
  return id;
}

json MinimalSession(const std::string& title, const std::string& started_at,
                    const std::string& country, const std::string& region,
                    const std::string& kind) {
  json place = {{"country", country}};
  if (!region.empty()) place["region"] = region;
  return {{"format", "palabre.session/1"},
          {"kind", kind},
          {"title", title},
          {"started_at", started_at},
          {"place", place}};
}

json Commitment(const std::string& action, const std::string& owner,
                const std::string& due) {
  json c = {{"action", action}, {"owner", owner}};
  if (!due.empty()) c["due"] = due;
  return c;
}

json SampleSessions() {
  json gao = MinimalSession("Dialogue sur la sécurité au marché de Gao",
                            "2026-01-10T09:00:00+00:00", "ML", "Gao");
  gao["place"]["commune"] = "Gao";
  gao["participants"] = {{"by_sex", {{"female", 5}, {"male", 7}}}};
  gao["concerns"] = {{{"category", "service_delivery"},
                      {"raised_by", "womens_groups"},
                      {"summary", "Le marché n'est plus éclairé le soir."}}};
  gao["commitments"] = {
      Commitment("Réparer l'éclairage du marché.", "Mairie de Gao",
                 "2020-01-01"),
      Commitment("Publier les horaires des patrouilles.",
                 "Commissariat de police de Gao", "2099-01-01")};

  json tillaberi = MinimalSession("Comité consultatif de Tillabéri",
                                  "2026-02-15T10:00:00+01:00", "NE",
                                  "Tillabéri", "security_advisory_committee");
  tillaberi["commitments"] = {Commitment("Recevoir les jeunes chaque mois.",
                                         "Gendarmerie nationale",
                                         "2020-06-01")};

  json sinjar = MinimalSession("حوار مجتمعي حول عودة النازحين إلى سنجار",
                               "2026-03-03T01:30:00+03:00", "IQ", "Nineveh");
  sinjar["place"]["commune"] = "Sinjar";
  sinjar["languages"] = {"ar", "ku", "en"};
  sinjar["commitments"] = {Commitment("Open a women's desk at the station.",
                                      "Sinjar district police")};

  json gori = MinimalSession("ტრენინგი სოფლის წარმომადგენლებისთვის",
                             "2026-04-11T11:00:00+04:00", "GE", "Shida Kartli",
                             "training");
  gori["place"]["commune"] = "Gori";

  json mopti =
      MinimalSession("Enquête de perception à Mopti", "2025-12-01T08:00:00Z",
                     "ml", "Mopti", "perception_survey");
  mopti["commitments"] = {
      Commitment("Partager les résultats de l'enquête.",
                 "Direction régionale de la police de Mopti", "2099-06-30")};
  return json::array({gao, tillaberi, sinjar, gori, mopti});
}

// Pseudo-terminal runner --------------------------------------------------

namespace {

// A pipe whose read end holds `data`, then EOF (data must fit the pipe).
int FilledPipe(const std::string& data) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  if (data.size() > 60000 || write(fds[1], data.data(), data.size()) !=
                                 static_cast<ssize_t>(data.size())) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  close(fds[1]);
  return fds[0];
}

[[noreturn]] void ExecOnPty(const std::vector<std::string>& args,
                            const char* tty_name, int extra) {
  setsid();
  // A session leader opening a terminal acquires it as controlling terminal.
  const int tty = open(tty_name, O_RDWR);
  if (tty < 0) _exit(126);
  if (dup2(tty, 0) < 0 || dup2(tty, 1) < 0 || dup2(tty, 2) < 0) _exit(126);
  if (tty > 2) close(tty);
  if (extra >= 0) {
    if (extra == 3) {
      if (fcntl(extra, F_SETFD, 0) != 0) _exit(126);
    } else if (dup2(extra, 3) < 0) {
      _exit(126);
    }
  }
  unsetenv("PALABRE_VAULT");
  std::vector<std::string> copy = args;
  std::string binary = PALABRE_BINARY;
  std::vector<char*> argv = {binary.data()};
  for (std::string& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

enum class Read { kQuiet, kData, kClosed };

// Waits up to `wait_ms` for output on `master`, appends it to
// `result->terminal` and types the answers whose prompts have appeared.
Read ReadAndAnswer(int master, int wait_ms,
                   const std::vector<TerminalStep>& steps, RunResult* result,
                   std::size_t* search_from) {
  pollfd pfd = {master, POLLIN, 0};
  const int ready = poll(&pfd, 1, wait_ms);
  if (ready < 0 && errno == EINTR) return Read::kQuiet;
  if (ready == 0) return Read::kQuiet;
  if (ready < 0) return Read::kClosed;
  char buf[4096];
  const ssize_t n = read(master, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Read::kQuiet;
  if (n <= 0) return Read::kClosed;
  result->terminal.append(buf, static_cast<std::size_t>(n));
  while (result->steps_done < steps.size()) {
    const TerminalStep& step = steps[result->steps_done];
    const std::size_t at = result->terminal.find(step.expect, *search_from);
    if (at == std::string::npos) break;
    *search_from = at + step.expect.size();
    if (write(master, step.send.data(), step.send.size()) !=
        static_cast<ssize_t>(step.send.size())) {
      break;
    }
    ++result->steps_done;
  }
  return Read::kData;
}

}  // namespace

RunResult RunOnPty(const std::vector<std::string>& args,
                   const std::vector<TerminalStep>& steps,
                   const std::optional<std::string>& extra_fd_data,
                   std::chrono::milliseconds timeout) {
  RunResult result;
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const char* name = ptsname(master);
  REQUIRE(name != nullptr);
  const std::string tty_name = name;
  // Held open by the parent until the child has exited, so that the master
  // never reports a hang-up early.
  const int slave = open(tty_name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(slave >= 0);
  const int extra = extra_fd_data ? FilledPipe(*extra_fd_data) : -1;
  REQUIRE((!extra_fd_data || extra >= 0));

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const pid_t pid = fork();
  if (pid == 0) ExecOnPty(args, tty_name.c_str(), extra);
  if (extra >= 0) close(extra);
  REQUIRE(pid > 0);
  std::size_t search_from = 0;
  int status = 0;
  bool exited = false;
  while (!exited) {
    if (std::chrono::steady_clock::now() > deadline) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    ReadAndAnswer(master, 50, steps, &result, &search_from);
    const pid_t done = waitpid(pid, &status, WNOHANG);
    exited = done == pid;
  }
  // What the child wrote last may still be on its way through the line
  // discipline: read until the terminal stays quiet.
  while (ReadAndAnswer(master, 200, steps, &result, &search_from) ==
         Read::kData) {
  }
  close(slave);
  close(master);
  if (!result.timed_out) {
    if (WIFSIGNALED(status)) {
      result.signaled = true;
      result.signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    }
  }
  return result;
}

}  // namespace palabre::testing

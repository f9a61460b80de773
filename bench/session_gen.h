// session_gen: the benchmarks' deterministic, realistic dialogue sessions.
//
// MakeSession(index, total) draws session number `index` of `total` from a
// fixed seed: titles of 60-90 characters, 2-5 agenda items, 1-4 concerns of
// 80-250 characters, notes of 200-1500 characters, participation counts,
// 2-4 commitments (about 3; 10% without a due date), in a mix of French,
// English, Arabic and Georgian, in Mali (Gao, Mopti, Tombouctou), Niger
// (Tillabéri, Niamey), Iraq (Nineveh, Kirkuk) and Georgia (Shida Kartli),
// dated 2019-01-01 to 2026-11-25 in the order they were lived, and the
// follow-ups most past-due commitments got (done, dropped, in progress,
// blocked). The same index, total and seed always give the same session;
// only the record ids a vault draws when storing it differ. About 1% of
// the sessions mention the rare word "transhumance" in their notes.
//
// Shared by records_bench and sync_bench (a library of bench/ only).
#ifndef PALABRE_BENCH_SESSION_GEN_H_
#define PALABRE_BENCH_SESSION_GEN_H_

#include <cstdint>
#include <vector>

#include "core/record.h"
#include "core/record_store.h"
#include "platform/status.h"

namespace palabre {
class Database;
}

namespace palabre::bench {

// The seed every session is drawn from ("records!").
inline constexpr uint64_t kSessionSeed = 0x7265636f72647321u;

struct PlannedFollowUp {
  int commitment = 0;  // index in the session's commitments
  FollowUpInput follow_up;
};

struct GeneratedSession {
  SessionInput input;
  std::vector<PlannedFollowUp> follow_ups;
  bool rare_word = false;
};

// Session number `index` of `total` (the same for the same index, total and
// seed). `index` >= total gives sessions dated in the last week. Internal
// error if the generated session does not validate (a bug here).
StatusOr<GeneratedSession> MakeSession(int64_t index, int64_t total);

// Writes the follow-ups planned in `generated`, whose sessions
// RecordStore::AddSessions stored as `added` (same order), in one
// transaction through the same path as RecordStore::AddFollowUp; sets
// `*count` to the follow-ups written.
Status AddPlannedFollowUps(Database& db,
                           const std::vector<GeneratedSession>& generated,
                           const std::vector<AddedSession>& added,
                           int64_t* count);

}  // namespace palabre::bench

#endif  // PALABRE_BENCH_SESSION_GEN_H_

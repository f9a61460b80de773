// The projection tables: what queries read, all derived from the entry log.
//
// This DDL creates them in the `temp` schema, where `verify` rebuilds them
// from the log to compare with the stored ones, and is the shape the last
// migration gives the `main` ones (through a frozen copy in
// core/migrations.cc; a test checks that the two agree): changing it means
// writing a new migration. A macro, for the schema name.
//
//   sessions       one row per live session; `seq`/`device_id` point at the
//                  log entry holding its current body; `num` is the
//                  full-text index's rowid; `*_key` are FoldForMatch'ed
//                  (core/text_fold.h) for case- and accent-blind filters
//   participation  per-session counts by dimension (group, sex, age)
//   concerns       per-session concerns (category, raised_by; the summaries
//                  stay in the session's body, read from the log)
//   commitments    one row per live commitment, status = latest follow-up's
//   follow_ups     one row per follow-up
//   redacted       ids of redacted records (a put on one is refused)
//   sessions_fts   contentless FTS5 index of every session's text, terms
//                  without positions (detail=none; core/search_query.h)
#ifndef PALABRE_CORE_PROJECTION_SCHEMA_H_
#define PALABRE_CORE_PROJECTION_SCHEMA_H_

// clang-format off
#define PALABRE_PROJECTION_DDL(S)                                            \
  "CREATE TABLE " S ".sessions ("                                            \
  "  num INTEGER PRIMARY KEY,"                                               \
  "  id TEXT NOT NULL UNIQUE,"                                               \
  "  kind TEXT NOT NULL,"                                                    \
  "  title TEXT NOT NULL,"                                                   \
  "  started_at TEXT NOT NULL,"                                              \
  "  start_utc INTEGER NOT NULL,"                                            \
  "  day TEXT NOT NULL,"                                                     \
  "  country TEXT NOT NULL COLLATE NOCASE,"                                  \
  "  region TEXT NOT NULL COLLATE NOCASE,"                                   \
  "  commune TEXT NOT NULL COLLATE NOCASE,"                                  \
  "  region_key TEXT NOT NULL,"                                              \
  "  commune_key TEXT NOT NULL,"                                             \
  "  participants INTEGER NOT NULL,"                                         \
  "  device_id TEXT NOT NULL,"                                               \
  "  seq INTEGER NOT NULL,"                                                  \
  "  created_at TEXT NOT NULL,"                                              \
  "  updated_at TEXT NOT NULL"                                               \
  ");"                                                                       \
  "CREATE INDEX " S ".sessions_by_day ON sessions(day DESC, start_utc DESC);" \
  "CREATE INDEX " S ".sessions_by_place"                                     \
  "  ON sessions(country, region_key, day DESC, start_utc DESC);"               \
  "CREATE TABLE " S ".participation ("                                       \
  "  session_num INTEGER NOT NULL,"                                          \
  "  dimension TEXT NOT NULL,"                                               \
  "  key TEXT NOT NULL,"                                                     \
  "  count INTEGER NOT NULL,"                                                \
  "  PRIMARY KEY (session_num, dimension, key)"                              \
  ") WITHOUT ROWID;"                                                         \
  "CREATE TABLE " S ".concerns ("                                            \
  "  session_num INTEGER NOT NULL,"                                          \
  "  position INTEGER NOT NULL,"                                             \
  "  category TEXT NOT NULL,"                                                \
  "  raised_by TEXT NOT NULL,"                                               \
  "  PRIMARY KEY (session_num, position)"                                    \
  ") WITHOUT ROWID;"                                                         \
  "CREATE TABLE " S ".commitments ("                                         \
  "  id TEXT PRIMARY KEY NOT NULL,"                                          \
  "  session_id TEXT NOT NULL,"                                              \
  "  position INTEGER NOT NULL,"                                             \
  "  action TEXT NOT NULL,"                                                  \
  "  owner TEXT NOT NULL,"                                                   \
  "  owner_key TEXT NOT NULL,"                                               \
  "  due TEXT NOT NULL,"                                                     \
  "  status TEXT NOT NULL,"                                                  \
  "  status_date TEXT NOT NULL"                                              \
  ") WITHOUT ROWID;"                                                         \
  "CREATE INDEX " S ".commitments_by_session"                                \
  "  ON commitments(session_id, position);"                                  \
  "CREATE INDEX " S ".commitments_open_by_due"                               \
  "  ON commitments(due, session_id, position, status)"                      \
  "  WHERE status IN ('open', 'in_progress');"                               \
  "CREATE TABLE " S ".follow_ups ("                                          \
  "  id TEXT PRIMARY KEY NOT NULL,"                                          \
  "  commitment_id TEXT NOT NULL,"                                           \
  "  status TEXT NOT NULL,"                                                  \
  "  note TEXT NOT NULL,"                                                    \
  "  date TEXT NOT NULL,"                                                    \
  "  hlc INTEGER NOT NULL,"                                                  \
  "  created_at TEXT NOT NULL"                                               \
  ") WITHOUT ROWID;"                                                         \
  "CREATE INDEX " S ".follow_ups_by_commitment"                              \
  "  ON follow_ups(commitment_id, date, hlc);"                               \
  "CREATE TABLE " S ".redacted ("                                            \
  "  record_id TEXT PRIMARY KEY NOT NULL,"                                   \
  "  type TEXT NOT NULL"                                                     \
  ") WITHOUT ROWID;"                                                         \
  "CREATE VIRTUAL TABLE " S ".sessions_fts USING fts5("                      \
  "  text, content='', tokenize='unicode61 remove_diacritics 2',"           \
  "  detail=none);"
// clang-format on

#endif  // PALABRE_CORE_PROJECTION_SCHEMA_H_

// POSIX clock: clock_gettime for UTC, localtime_r for the local date and
// offset (see clock.h).
#include <time.h>

#include <cstdio>

#include "platform/clock.h"

namespace palabre {

int64_t NowUnixMillis() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

namespace {

struct tm LocalNow() {
  time_t now = time(nullptr);
  struct tm local;
  if (localtime_r(&now, &local) == nullptr) gmtime_r(&now, &local);
  return local;
}

}  // namespace

std::string TodayLocalDate() {
  struct tm t = LocalNow();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday);
  return buf;
}

std::string NowLocalRfc3339() {
  struct tm t = LocalNow();
  long offset_min = t.tm_gmtoff / 60;
  char sign = offset_min < 0 ? '-' : '+';
  if (offset_min < 0) offset_min = -offset_min;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00%c%02ld:%02ld",
                t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min,
                sign, offset_min / 60, offset_min % 60);
  return buf;
}

}  // namespace palabre

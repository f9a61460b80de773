// The wall clock, as palabre reads it: the time now in UTC and the local
// calendar date and UTC offset, which a facilitator's records are written in.
//
// Field laptops' clocks are often wrong; nothing here is trusted for
// security. The entry log only needs a clock that mostly moves forward (its
// hybrid logical clock corrects for one that jumps back), and "today" decides
// only which commitments count as overdue.
#ifndef PALABRE_PLATFORM_CLOCK_H_
#define PALABRE_PLATFORM_CLOCK_H_

#include <cstdint>
#include <string>

namespace palabre {

// Milliseconds since 1970-01-01T00:00:00Z.
int64_t NowUnixMillis();

// The local date today as "YYYY-MM-DD".
std::string TodayLocalDate();

// The local time now as RFC 3339 with the local UTC offset, to the minute:
// "2026-03-14T09:30:00+01:00".
std::string NowLocalRfc3339();

}  // namespace palabre

#endif  // PALABRE_PLATFORM_CLOCK_H_

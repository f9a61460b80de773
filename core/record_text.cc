// Text and time helpers of the record model (see record.h): UTF-8
// validation and code-point counting, calendar dates, RFC 3339 date-times
// and UTC formatting. Pure computation on the proleptic Gregorian calendar
// (Howard Hinnant's days-from-civil algorithms); no OS time functions, so
// the results never depend on the machine's time zone.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/record.h"

namespace palabre {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2999;
// RFC 3339 allows any offset; real ones lie within -12:00..+14:00, and
// ±18:00 is the bound most libraries (java.time, ...) accept.
constexpr int kMaxOffsetMinutes = 18 * 60;
constexpr int kMaxFractionDigits = 9;

constexpr char kNotDateTime[] =
    "not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS followed by Z "
    "or +HH:MM / -HH:MM)";

bool InRange(uint8_t byte, uint8_t low, uint8_t high) {
  return byte >= low && byte <= high;
}

// The length of the valid UTF-8 sequence starting at `text[pos]`, or 0 if
// none starts there (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF).
std::size_t SequenceLength(std::string_view text, std::size_t pos) {
  const auto at = [&](std::size_t i) -> int {
    return pos + i < text.size() ? static_cast<uint8_t>(text[pos + i]) : -1;
  };
  const auto cont = [&](std::size_t i, uint8_t low = 0x80,
                        uint8_t high = 0xBF) {
    const int byte = at(i);
    return byte >= 0 && InRange(static_cast<uint8_t>(byte), low, high);
  };
  const int lead = at(0);
  if (lead < 0) return 0;
  const auto b = static_cast<uint8_t>(lead);
  if (b <= 0x7F) return 1;
  if (InRange(b, 0xC2, 0xDF)) return cont(1) ? 2 : 0;
  if (b == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
  if (InRange(b, 0xE1, 0xEC) || InRange(b, 0xEE, 0xEF)) {
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b == 0xF0) return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
  if (InRange(b, 0xF1, 0xF3)) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` ASCII digits at `text[pos]` into `out`.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count,
                int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year =
      (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

// The inverse of DaysFromCivil.
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 +
                               day_of_era / 36524 - day_of_era / 146096) /
                              365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void AppendPadded(std::string& out, int64_t value, std::size_t width) {
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  const std::string digits = std::to_string(value);
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out.append(digits);
}

// Checks "YYYY-MM-DD" at the start of `text`: "" if it is a date, else why.
std::string_view CheckDatePart(std::string_view text, int* year, int* month,
                               int* day) {
  if (text.size() < 10 || !ReadDigits(text, 0, 4, year) || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' ||
      !ReadDigits(text, 8, 2, day)) {
    return "bad";
  }
  if (*year < kMinYear || *year > kMaxYear) {
    return "year out of range (1900-2999)";
  }
  if (*month < 1 || *month > 12 || *day < 1 ||
      *day > DaysInMonth(*year, *month)) {
    return "no such calendar date";
  }
  return "";
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = SequenceLength(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

std::size_t Utf8Length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::optional<std::string> CountryCode(std::string_view text) {
  if (text.size() != 2) return std::nullopt;
  std::string code;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return std::nullopt;
    code += c;
  }
  return code;
}

bool IsValidDate(std::string_view text) {
  int year = 0, month = 0, day = 0;
  return text.size() == 10 && CheckDatePart(text, &year, &month, &day).empty();
}

// Leap seconds (":60") are refused: no field device records them, and
// accepting them would make two different texts name the same instant.
StatusOr<DateTime> ParseDateTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 16 ||
      (text.size() >= 10 && text[10] != 'T' && text[10] != 't')) {
    return InvalidArgumentError(kNotDateTime);
  }
  const std::string_view date_problem =
      CheckDatePart(text, &year, &month, &day);
  if (date_problem == "bad") return InvalidArgumentError(kNotDateTime);
  if (!ReadDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &minute)) {
    return InvalidArgumentError(kNotDateTime);
  }
  if (text.size() < 19 || text[16] != ':' ||
      !ReadDigits(text, 17, 2, &second)) {
    return InvalidArgumentError(
        "seconds are required (YYYY-MM-DDTHH:MM:SS followed by Z or an "
        "offset)");
  }
  if (!date_problem.empty()) {
    return InvalidArgumentError(std::string(date_problem));
  }
  if (hour > 23) return InvalidArgumentError("hour out of range (00-23)");
  if (minute > 59) return InvalidArgumentError("minute out of range (00-59)");
  if (second > 59) {
    return InvalidArgumentError(
        "second out of range (00-59; leap seconds are not accepted)");
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t digits = 0;
    ++pos;
    while (pos < text.size() && IsDigit(text[pos])) {
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > kMaxFractionDigits) {
      return InvalidArgumentError(
          "bad fraction of a second (a '.' followed by 1 to 9 digits)");
    }
  }
  if (pos == text.size()) {
    return InvalidArgumentError("missing UTC offset (Z or +HH:MM / -HH:MM)");
  }
  int offset_minutes = 0;
  const char sign = text[pos];
  if (sign == 'Z' || sign == 'z') {
    if (pos + 1 != text.size()) {
      return InvalidArgumentError(
          "bad UTC offset (expected Z or +HH:MM / -HH:MM)");
    }
  } else if (sign == '+' || sign == '-') {
    int offset_hours = 0, offset_mins = 0;
    if (text.size() - pos != 6 ||
        !ReadDigits(text, pos + 1, 2, &offset_hours) || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, &offset_mins)) {
      return InvalidArgumentError(
          "bad UTC offset (expected Z or +HH:MM / -HH:MM)");
    }
    if (offset_mins > 59 ||
        offset_hours * 60 + offset_mins > kMaxOffsetMinutes) {
      return InvalidArgumentError("UTC offset out of range (at most 18:00)");
    }
    offset_minutes = (offset_hours * 60 + offset_mins) * (sign == '-' ? -1 : 1);
  } else {
    return InvalidArgumentError(
        "bad UTC offset (expected Z or +HH:MM / -HH:MM)");
  }
  DateTime result;
  result.offset_minutes = offset_minutes;
  result.utc_seconds = DaysFromCivil(year, month, day) * 86400 +
                       int64_t{hour} * 3600 + int64_t{minute} * 60 + second -
                       int64_t{offset_minutes} * 60;
  result.local_date = std::string(text.substr(0, 10));
  return result;
}

std::string FormatUtc(int64_t unix_millis) {
  const int64_t seconds = FloorDiv(unix_millis, 1000);
  const int64_t days = FloorDiv(seconds, 86400);
  const int64_t second_of_day = seconds - days * 86400;
  const CivilDate date = CivilFromDays(days);
  std::string out;
  out.reserve(20);
  AppendPadded(out, date.year, 4);
  out.push_back('-');
  AppendPadded(out, date.month, 2);
  out.push_back('-');
  AppendPadded(out, date.day, 2);
  out.push_back('T');
  AppendPadded(out, second_of_day / 3600, 2);
  out.push_back(':');
  AppendPadded(out, second_of_day / 60 % 60, 2);
  out.push_back(':');
  AppendPadded(out, second_of_day % 60, 2);
  out.push_back('Z');
  return out;
}

}  // namespace palabre

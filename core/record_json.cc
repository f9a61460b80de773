// The guards every JSON text from outside passes before it is interpreted
// (see ParseJsonText in record.h): a size limit, strict UTF-8, a nesting
// limit checked before nlohmann parses (its DOM could otherwise be made to
// exhaust memory or the stack with "[[[[..."), syntax errors reported by
// line and column, and duplicate keys refused (nlohmann silently keeps the
// last one, which would let a record say two things at once).
//
// nlohmann::json throws; every exception is caught here and becomes a
// kInvalidArgument Status. Messages never quote the input's content beyond
// key names.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/record.h"

namespace palabre {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 32;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// 1-based line and column (in code points) of byte `offset` of `text`.
std::string LineColumn(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  const std::string_view before = text.substr(line_start, offset - line_start);
  const std::size_t column =
      (IsValidUtf8(before) ? Utf8Length(before) : before.size()) + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::size_t LineOf(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

// The offset of the first byte of `text` that does not start a valid UTF-8
// sequence (`text` is known to be invalid somewhere).
std::size_t FirstInvalidUtf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t length = 0;
    // A valid sequence has no valid proper prefix, so the first length
    // that validates is the sequence's.
    for (std::size_t n = 1; n <= 4 && pos + n <= text.size(); ++n) {
      if (IsValidUtf8(text.substr(pos, n))) {
        length = n;
        break;
      }
    }
    if (length == 0) return pos;
    pos += length;
  }
  return text.size();
}

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Finds the first bracket nested deeper than kMaxDepth, outside strings.
// Unbalanced brackets are left to the parser to report.
std::optional<std::size_t> TooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// The reason in nlohmann's parse error text, without its
// "[json.exception...] parse error at line L, column C: syntax error while
// parsing X - " head and without the "last read: '...'" part, which would
// quote the input.
std::string SyntaxReason(std::string_view what) {
  // "... syntax error while parsing value - unexpected ','; expected ...":
  // the part after " - " says what went wrong.
  const std::size_t start = what.find("syntax error");
  if (start == std::string_view::npos) return "not valid JSON";
  std::string reason(what.substr(start));
  const std::size_t dash = reason.find(" - ");
  if (dash != std::string::npos) reason.erase(0, dash + 3);
  constexpr std::string_view kLastRead = "; last read: '";
  const std::size_t last_read = reason.find(kLastRead);
  if (last_read != std::string::npos) {
    const std::size_t expected = reason.rfind("; expected ");
    if (expected != std::string::npos && expected > last_read) {
      reason.erase(last_read, expected - last_read);
    } else {
      reason.erase(last_read);
    }
  }
  return reason;
}

// Tracks where the parser is, to name the object holding a duplicate key.
struct Frame {
  bool is_object = false;
  std::unordered_set<std::string> keys;
  std::string key;     // the current key, in an object
  int64_t index = -1;  // the current element, in an array
};

std::string FramePath(const std::vector<Frame>& frames) {
  std::string path;
  // The last frame holds the duplicate; the ones before lead to it.
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    if (frames[i].is_object) {
      if (!path.empty()) path.push_back('.');
      path += frames[i].key;
    } else {
      path += "[" + std::to_string(frames[i].index) + "]";
    }
  }
  return path;
}

Status Guarded(std::string_view text, std::size_t max_bytes, json* out) {
  if (text.size() > max_bytes) {
    return InvalidArgumentError(
        "too large: " + std::to_string(text.size()) + " bytes (at most " +
        std::to_string(max_bytes) + " bytes, " +
        std::to_string(max_bytes >> 20) + " MiB)");
  }
  std::string_view body = text;
  if (body.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    body.remove_prefix(kUtf8Bom.size());
  }
  bool blank = true;
  for (char c : body) {
    if (!IsJsonSpace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) return InvalidArgumentError("empty input: expected JSON");
  if (!IsValidUtf8(text)) {
    const std::size_t offset = FirstInvalidUtf8(text);
    return InvalidArgumentError("invalid UTF-8 at byte " +
                                std::to_string(offset) + " (line " +
                                std::to_string(LineOf(text, offset)) + ")");
  }
  if (const auto deep = TooDeep(text)) {
    return InvalidArgumentError("nested deeper than " +
                                std::to_string(kMaxDepth) + " levels at " +
                                LineColumn(text, *deep));
  }

  std::vector<Frame> frames;
  std::optional<std::string> duplicate;
  const json::parser_callback_t track = [&](int /*depth*/,
                                            json::parse_event_t event,
                                            json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (!frames.empty() && !frames.back().is_object) {
          ++frames.back().index;
        }
        frames.emplace_back();
        frames.back().is_object = event == json::parse_event_t::object_start;
        break;
      case json::parse_event_t::key: {
        Frame& frame = frames.back();
        std::string key = parsed.is_string() ? parsed.get<std::string>() : "";
        if (!duplicate && !frame.keys.insert(key).second) {
          const std::string path = FramePath(frames);
          duplicate = (path.empty() ? "" : path + ": ") + "duplicate key " +
                      json(key).dump();
        }
        frame.key = std::move(key);
        break;
      }
      case json::parse_event_t::value:
        if (!frames.empty() && !frames.back().is_object) {
          ++frames.back().index;
        }
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
    }
    return true;
  };

  try {
    json value = json::parse(text.begin(), text.end(), track);
    if (duplicate) return InvalidArgumentError(*duplicate);
    *out = std::move(value);
    return Status::Ok();
  } catch (const json::parse_error& e) {
    // e.byte counts the characters read, the offending one included.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    return InvalidArgumentError("JSON syntax error at " +
                                LineColumn(text, offset) + ": " +
                                SyntaxReason(e.what()));
  } catch (const json::out_of_range&) {
    return InvalidArgumentError("a JSON number is out of range");
  } catch (const json::exception&) {
    return InvalidArgumentError("not valid JSON");
  }
}

}  // namespace

StatusOr<nlohmann::json> ParseJsonText(std::string_view text,
                                       std::string_view what,
                                       std::size_t max_bytes) {
  json value;
  const Status status = Guarded(text, max_bytes, &value);
  if (!status.ok()) {
    return what.empty() ? status : status.WithContext(what);
  }
  return value;
}

}  // namespace palabre

// Output helpers: one-line errors on stderr, JSON on stdout.
#include "cli/output.h"

#include <cstdio>
#include <iostream>

namespace palabre::cli {

std::string OneLine(std::string_view message) {
  std::string line(message);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return line;
}

void PrintError(std::string_view message) {
  std::cout.flush();
  std::cerr << "palabre: " << OneLine(message) << '\n';
  std::cerr.flush();
}

void WriteJsonString(std::ostream& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out << '"';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out << "\\\"";
        break;
      case '\\':
        out << "\\\\";
        break;
      case '\n':
        out << "\\n";
        break;
      case '\r':
        out << "\\r";
        break;
      case '\t':
        out << "\\t";
        break;
      default:
        if (u < 0x20) {
          out << "\\u00" << kHex[u >> 4] << kHex[u & 0xf];
        } else {
          out << c;
        }
    }
  }
  out << '"';
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(-1, ' ', false,
                          nlohmann::json::error_handler_t::replace)
            << '\n';
}

Status FlushStdout() {
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    return InternalError("could not write to standard output");
  }
  return Status::Ok();
}

}  // namespace palabre::cli

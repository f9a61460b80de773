// Case and diacritic folding for matching (see text_fold.h).
#include "core/text_fold.h"

#include <cstdint>

namespace palabre {
namespace {

// Base letters of U+00C0..U+00FF ('\0' = keep as is; "?" two letters).
constexpr const char* kLatin1[64] = {
    "a", "a", "a", "a",     "a",  "a",  "ae", "c", "e", "e", "e",     "e", "i",
    "i", "i", "i", "d",     "n",  "o",  "o",  "o", "o", "o", nullptr, "o", "u",
    "u", "u", "u", "y",     "th", "ss", "a",  "a", "a", "a", "a",     "a", "ae",
    "c", "e", "e", "e",     "e",  "i",  "i",  "i", "i", "d", "n",     "o", "o",
    "o", "o", "o", nullptr, "o",  "u",  "u",  "u", "u", "y", "th",    "y"};

// Base letters of U+0100..U+017F (Latin Extended-A), in pairs mostly.
constexpr char kExtendedA[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one code point at `i`; returns its length, 0 if invalid.
std::size_t Decode(std::string_view s, std::size_t i, uint32_t* cp) {
  const auto b = [&](std::size_t k) {
    return static_cast<unsigned char>(s[i + k]);
  };
  const unsigned char c = b(0);
  std::size_t len = c < 0x80         ? 1
                    : (c >> 5) == 6  ? 2
                    : (c >> 4) == 14 ? 3
                    : (c >> 3) == 30 ? 4
                                     : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t v = len == 1   ? c
               : len == 2 ? (c & 0x1F)
               : len == 3 ? (c & 0x0F)
                          : (c & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  *cp = v;
  return len;
}

}  // namespace

std::string FoldForMatch(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const std::size_t len = Decode(text, i, &cp);
    if (len == 0) {  // not UTF-8: keep the byte
      out += text[i++];
      continue;
    }
    i += len;
    if (cp >= 'A' && cp <= 'Z') {
      out += static_cast<char>(cp - 'A' + 'a');
    } else if (cp >= 0xC0 && cp <= 0xFF && kLatin1[cp - 0xC0] != nullptr) {
      out += kLatin1[cp - 0xC0];
    } else if (cp >= 0x100 && cp <= 0x17F) {
      if (cp == 0x152 || cp == 0x153) {
        out += "oe";
      } else if (cp == 0x132 || cp == 0x133) {
        out += "ij";
      } else {
        out += kExtendedA[cp - 0x100];
      }
    } else if (cp >= 0x391 && cp <= 0x3A9) {  // Greek capitals
      AppendUtf8(out, cp + 0x20);
    } else if (cp >= 0x410 && cp <= 0x42F) {  // Cyrillic capitals
      AppendUtf8(out, cp + 0x20);
    } else if (cp >= 0x400 && cp <= 0x40F) {
      AppendUtf8(out, cp + 0x50);
    } else {
      AppendUtf8(out, cp);
    }
  }
  return out;
}

}  // namespace palabre

// Recovery code generation and normalisation (see recovery_code.h).
#include "core/recovery_code.h"

#include <cstdint>

#include "core/crypto.h"

namespace palabre {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kRandomBytes = 20;  // 160 bits = 32 base32 digits
constexpr std::size_t kDigits = 32;

// Value of a canonical base32 digit, or -1.
int DigitValue(char c) {
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

}  // namespace

SecureBuffer GenerateRecoveryCode() {
  SecureBuffer random(kRandomBytes);
  crypto::RandomBytes(random.data(), random.size());
  SecureBuffer code(kDigits + kDigits / 4 - 1);
  std::size_t out = 0;
  uint32_t acc = 0;
  int bits = 0;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < kRandomBytes; ++i) {
    acc = (acc << 8) | random.data()[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      if (digits > 0 && digits % 4 == 0) code.chars()[out++] = '-';
      code.chars()[out++] = kAlphabet[(acc >> bits) & 31];
      ++digits;
    }
  }
  acc = 0;
  return code;
}

StatusOr<SecureBuffer> NormalizeRecoveryCode(std::string_view typed) {
  SecureBuffer canonical(kDigits);
  std::size_t n = 0;
  for (char c : typed) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (DigitValue(c) < 0 || n == kDigits) {
      return InvalidArgumentError(
          "a recovery code is 32 letters and digits in groups of four, as "
          "printed by `palabre init`");
    }
    canonical.chars()[n++] = c;
  }
  if (n != kDigits) {
    return InvalidArgumentError(
        "a recovery code is 32 letters and digits in groups of four, as "
        "printed by `palabre init`");
  }
  return canonical;
}

}  // namespace palabre

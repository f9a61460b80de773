// How entry bodies are stored: the JSON text of a record, deflated.
//
// Most bodies are small (a commitment is about 200 bytes, a follow-up
// about 100), too small for deflate to find repetitions within one body.
// So bodies are deflated against a fixed preset dictionary (the record
// format's keys, vocabulary words and JSON skeletons; kDictionaryV1 in
// body_codec.cc): a follow-up comes out about 30% smaller than with deflate
// alone, a commitment about 12%.
// The dictionary is part of the stored format: it never changes; a better
// one would be a new method byte.
//
// Stored form: one method byte, then
//   0  raw: the body itself;
//   1  zlib (RFC 1950) without dictionary, after the inflated size as 4
//      bytes big-endian;
//   2  zlib with kBodyDictionaryV1, after the same 4-byte size.
// PackBody writes 2 (or 0 when deflating does not pay); UnpackBody reads
// all three, so bodies written by earlier versions stay readable.
#ifndef PALABRE_CORE_BODY_CODEC_H_
#define PALABRE_CORE_BODY_CODEC_H_

#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre {

// The largest body UnpackBody inflates (a record file is at most 16 MiB).
inline constexpr std::size_t kMaxStoredBodyBytes = 32 << 20;

// The stored form of `body`. Never fails.
std::string PackBody(std::string_view body);

// The body back from its stored form. kDataLoss if the method byte is
// unknown, the size is over kMaxStoredBodyBytes, or the data does not
// inflate to exactly the recorded size.
StatusOr<std::string> UnpackBody(std::string_view stored);

// The preset dictionary of method 2 (exposed for tests).
std::string_view BodyDictionaryV1();

}  // namespace palabre

#endif  // PALABRE_CORE_BODY_CODEC_H_

// Small helpers shared by the binary formats (keys file, entry format 2,
// envelopes, device certificates, invitations): big-endian integers,
// length-prefixed and optional fields, and the check of a hex id.
#ifndef PALABRE_CORE_BYTE_ORDER_H_
#define PALABRE_CORE_BYTE_ORDER_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace palabre {

// Appends `v` as 4 bytes, big-endian.
inline void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

// Appends `v` as 8 bytes, big-endian.
inline void PutU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

// Appends `bytes` after its length as 2 bytes, big-endian (at most 65535
// bytes: the caller checks).
inline void PutU16Prefixed(std::string& out, std::string_view bytes) {
  out += static_cast<char>((bytes.size() >> 8) & 0xff);
  out += static_cast<char>(bytes.size() & 0xff);
  out += bytes;
}

// Appends an optional fixed-size value: 0x00 if `bytes` is empty, else 0x01
// and `bytes`.
inline void PutFlagged(std::string& out, std::string_view bytes) {
  out += bytes.empty() ? '\x00' : '\x01';
  out += bytes;
}

// The first 4 / 8 bytes of `in` (at least that long), big-endian.
inline uint32_t GetU32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
inline uint64_t GetU64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// True for 32 lower-case hex characters (a record, device or organisation
// id as palabre writes them).
inline bool IsHexId(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace palabre

#endif  // PALABRE_CORE_BYTE_ORDER_H_

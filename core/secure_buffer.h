// SecureBuffer: memory for keys, passphrases and recovery codes.
//
// Backed by libsodium's sodium_malloc: guard pages around the allocation,
// locked into RAM where the OS allows it (so it is never swapped to disk),
// and zeroed when freed. Move-only; copying a secret is always explicit.
#ifndef PALABRE_CORE_SECURE_BUFFER_H_
#define PALABRE_CORE_SECURE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace palabre {

class SecureBuffer {
 public:
  // An empty buffer (size 0, no allocation).
  SecureBuffer() = default;
  // `size` zeroed bytes. Aborts the process if the allocation fails: running
  // on without secure memory would be worse than stopping.
  explicit SecureBuffer(std::size_t size);
  // A copy of `bytes` in secure memory.
  static SecureBuffer CopyOf(std::string_view bytes);

  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&& other) noexcept;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  ~SecureBuffer();

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  char* chars() { return reinterpret_cast<char*>(data_); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The first `size()` bytes as text (for passphrases and codes).
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  // Shrinks the logical size to `n` <= capacity; the dropped tail is zeroed.
  void Truncate(std::size_t n);

  // Zeroes and frees the memory now; the buffer becomes empty.
  void Clear();

 private:
  uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace palabre

#endif  // PALABRE_CORE_SECURE_BUFFER_H_

// SecureBuffer over sodium_malloc (see secure_buffer.h).
#include "core/secure_buffer.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "core/crypto.h"

namespace palabre {

SecureBuffer::SecureBuffer(std::size_t size) {
  if (size == 0) return;
  if (!crypto::Initialize().ok()) std::abort();
  data_ = static_cast<uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) std::abort();
  sodium_memzero(data_, size);
  size_ = capacity_ = size;
}

SecureBuffer SecureBuffer::CopyOf(std::string_view bytes) {
  SecureBuffer b(bytes.size());
  if (!bytes.empty()) std::memcpy(b.data_, bytes.data(), bytes.size());
  return b;
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

SecureBuffer::~SecureBuffer() { Clear(); }

void SecureBuffer::Truncate(std::size_t n) {
  if (n >= size_) return;
  sodium_memzero(data_ + n, size_ - n);
  size_ = n;
}

void SecureBuffer::Clear() {
  if (data_ != nullptr) sodium_free(data_);  // zeroes before unmapping
  data_ = nullptr;
  size_ = capacity_ = 0;
}

}  // namespace palabre

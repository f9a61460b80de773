// Capped request bodies (sync/http_body.h).
#include "sync/http_body.h"

#include <cstdlib>

namespace palabre::sync {

BodyRead ReadCappedBody(const httplib::ContentReader& reader, std::size_t cap,
                        std::string* body,
                        const std::function<void(std::size_t)>& on_progress) {
  bool too_large = false;
  const bool ok = reader([&](const char* data, size_t n) {
    if (body->size() + n > cap) {
      too_large = true;
      return false;  // stop reading: the rest is never taken in
    }
    body->append(data, n);
    if (on_progress) on_progress(body->size());
    return true;
  });
  if (too_large) return BodyRead::kTooLarge;
  return ok ? BodyRead::kOk : BodyRead::kBroken;
}

bool AnnouncesMoreThan(const httplib::Request& request, std::size_t cap) {
  const std::string length = request.get_header_value("Content-Length");
  return !length.empty() && (length.size() > 12 ||
                             std::strtoull(length.c_str(), nullptr, 10) > cap);
}

}  // namespace palabre::sync

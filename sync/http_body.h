// Reading an HTTP request body with a cap of our own: cpp-httplib 0.11's
// set_payload_max_length checks only Content-Length, so a chunked or gzip
// body would be read whole into memory. This reader counts the bytes after
// any decoding and stops reading at the cap. Used by the partner server
// (sync/server.cc) and the local web app (ui/server.cc).
#ifndef PALABRE_SYNC_HTTP_BODY_H_
#define PALABRE_SYNC_HTTP_BODY_H_

#include <httplib.h>

#include <cstddef>
#include <string>

namespace palabre::sync {

enum class BodyRead {
  kOk,
  kTooLarge,  // more than the cap: the rest was never read
  kBroken,    // the connection or the encoding failed
};

// Reads the body `reader` gives into `*body`, at most `cap` bytes;
// `on_progress(bytes so far)` is called as it grows (may be empty).
BodyRead ReadCappedBody(
    const httplib::ContentReader& reader, std::size_t cap, std::string* body,
    const std::function<void(std::size_t)>& on_progress = {});

// True if the request announces (Content-Length) a body over `cap`: to
// refuse it before any of it is read.
bool AnnouncesMoreThan(const httplib::Request& request, std::size_t cap);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_HTTP_BODY_H_

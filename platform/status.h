// Status and StatusOr<T>: how every palabre function reports failure.
//
// No exception crosses a module boundary; a function that can fail returns a
// Status (or a StatusOr<T> carrying a value on success). The set of codes is
// closed and small so that the CLI can map each one to a documented exit code
// (see cli/exit_codes.h). Messages are for people: they name the file or the
// field at fault, and never contain record content or secrets.
#ifndef PALABRE_PLATFORM_STATUS_H_
#define PALABRE_PLATFORM_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace palabre {

enum class StatusCode {
  kOk = 0,
  kCancelled,         // the user declined (a confirmation prompt)
  kInvalidArgument,   // bad input: usage, a malformed value, a weak passphrase
  kNotFound,          // the thing asked for does not exist (e.g. no vault)
  kAlreadyExists,     // refusing to overwrite (e.g. a vault is already there)
  kPermissionDenied,  // the OS refused (read-only directory, permissions)
  kUnauthenticated,   // wrong passphrase or recovery code
  kFailedPrecondition,  // the state does not allow it (e.g. newer format)
  kResourceExhausted,   // disk full, out of memory
  kDataLoss,            // damaged or tampered data (authentication failure)
  kUnavailable,         // busy or temporarily unreachable; retrying may help
  kInternal,            // a bug or an unexpected library failure
};

// Returns a stable lower-case name for `code` ("data_loss", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  // A status with `code` and a human-readable `message`. A kOk code ignores
  // the message.
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "data_loss: page 3 failed authentication"; "ok" when ok().
  std::string ToString() const;

  // Returns a copy whose message is "`context`: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  // Explicitly discards a status whose failure does not matter.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Shorthands, one per code.
Status CancelledError(std::string message);
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnauthenticatedError(std::string message);
Status FailedPreconditionError(std::string message);
Status ResourceExhaustedError(std::string message);
Status DataLossError(std::string message);
Status UnavailableError(std::string message);
Status InternalError(std::string message);

// Either a value of type T or a non-OK Status. Accessing value() when !ok()
// is a programming error (asserted).
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const T& value) : value_(value) {}  // NOLINT: implicit by design
  StatusOr(T&& value) : value_(std::move(value)) {}       // NOLINT
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "StatusOr built from an OK status has no value");
    if (status_.ok()) status_ = InternalError("StatusOr without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace palabre

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define PALABRE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::palabre::Status palabre_status_ = (expr);        \
    if (!palabre_status_.ok()) return palabre_status_; \
  } while (0)

#define PALABRE_CONCAT_INNER_(a, b) a##b
#define PALABRE_CONCAT_(a, b) PALABRE_CONCAT_INNER_(a, b)

// `lhs = value of expr` (a StatusOr), or returns its status from the
// enclosing function. `lhs` may be a declaration: `auto x`.
#define PALABRE_ASSIGN_OR_RETURN(lhs, expr)                                   \
  PALABRE_ASSIGN_OR_RETURN_IMPL_(PALABRE_CONCAT_(palabre_or_, __LINE__), lhs, \
                                 expr)
#define PALABRE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

#endif  // PALABRE_PLATFORM_STATUS_H_

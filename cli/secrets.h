// Reading passphrases for a command: from the descriptor named by
// --passphrase-fd (one line per secret, in the order the command documents),
// or from the terminal with echo off. Secrets only ever live in SecureBuffer
// (locked, zeroed on free), never in a std::string, argv or the environment.
#ifndef PALABRE_CLI_SECRETS_H_
#define PALABRE_CLI_SECRETS_H_

#include <cstddef>
#include <string>

#include "core/secure_buffer.h"
#include "platform/status.h"

namespace palabre::cli {

// Longest secret accepted, in bytes (including room for the terminator the
// platform reader needs).
inline constexpr std::size_t kMaxSecretBytes = 1024;

class SecretReader {
 public:
  // Reads from descriptor `fd` if it is >= 0, else from the terminal.
  explicit SecretReader(int fd) : fd_(fd) {}

  // Reads one secret (e.g. the current passphrase). From the descriptor:
  // its next line, without prompting. On the terminal: shows `prompt` and
  // reads without echo. kInvalidArgument if the descriptor is closed, empty
  // or the line too long, or if there is no terminal (the message tells to
  // use --passphrase-fd). The caller owns the returned buffer.
  StatusOr<SecureBuffer> Read(const std::string& prompt);

  // Reads a new passphrase for the vault in `vault` and checks it against
  // core's policy (CheckPassphrasePolicy). From the descriptor: one line. On
  // the terminal: asked twice ("New passphrase for VAULT (at least N
  // characters)", then "Repeat the new passphrase"); both entries must
  // match. kInvalidArgument if the policy refuses it or the entries differ,
  // or as for Read.
  StatusOr<SecureBuffer> ReadNew(const std::string& vault);

  // True when secrets come from a descriptor rather than the terminal.
  bool from_fd() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace palabre::cli

#endif  // PALABRE_CLI_SECRETS_H_

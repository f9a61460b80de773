// SecretReader: passphrases from --passphrase-fd or the terminal, straight
// into SecureBuffer.
#include "cli/secrets.h"

#include "core/vault.h"
#include "platform/terminal.h"

namespace palabre::cli {

StatusOr<SecureBuffer> SecretReader::Read(const std::string& prompt) {
  SecureBuffer buffer(kMaxSecretBytes);
  std::size_t len = 0;
  if (fd_ >= 0) {
    Status status =
        platform::ReadSecretLine(fd_, buffer.chars(), buffer.size(), &len);
    if (!status.ok()) {
      return status.WithContext("--passphrase-fd " + std::to_string(fd_));
    }
  } else {
    Status status =
        platform::PromptSecret(prompt, buffer.chars(), buffer.size(), &len);
    if (status.code() == StatusCode::kUnavailable) {
      return InvalidArgumentError(
          "no terminal to ask for the passphrase; pass it on a file "
          "descriptor with --passphrase-fd N");
    }
    if (!status.ok()) return status;
  }
  buffer.Truncate(len);
  return buffer;
}

StatusOr<SecureBuffer> SecretReader::ReadNew(const std::string& vault) {
  PALABRE_ASSIGN_OR_RETURN(
      SecureBuffer first,
      Read("New passphrase for " + vault + " (at least " +
           std::to_string(kMinPassphraseChars) + " characters): "));
  PALABRE_RETURN_IF_ERROR(CheckPassphrasePolicy(first.view()));
  if (from_fd()) return first;
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer second,
                           Read("Repeat the new passphrase: "));
  if (first.view() != second.view()) {
    return InvalidArgumentError("the two passphrases do not match");
  }
  return first;
}

}  // namespace palabre::cli

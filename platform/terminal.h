// Reading secrets: passphrases come from the terminal with echo off, or from
// a file descriptor the caller names (--passphrase-fd), never from argv or the
// environment.
//
// Secrets are read into a buffer the caller owns (core's SecureBuffer, locked
// and zeroed on free), one byte at a time so that a descriptor carrying
// several lines (old and new passphrase) is never over-read. The trailing
// "\n" (and "\r") is dropped and never stored.
#ifndef PALABRE_PLATFORM_TERMINAL_H_
#define PALABRE_PLATFORM_TERMINAL_H_

#include <cstddef>
#include <string>

#include "platform/status.h"

namespace palabre::platform {

// Reads one line from `fd` into `buf` (capacity `cap`), setting `*len`.
// kInvalidArgument if `fd` is not open, if the line is longer than cap - 1
// bytes, or if the descriptor is at end of file before any byte
// ("no passphrase on descriptor N"). A final line without "\n" is accepted.
Status ReadSecretLine(int fd, char* buf, std::size_t cap, std::size_t* len);

// Writes `prompt` to the controlling terminal (/dev/tty), reads one line with
// echo turned off (restored afterwards, also on error), and prints a newline.
// kUnavailable if there is no controlling terminal.
Status PromptSecret(const std::string& prompt, char* buf, std::size_t cap,
                    std::size_t* len);

// Writes `prompt` to the terminal and reads one visible line into `*line`
// (used for confirmations such as typing WIPE). kUnavailable without a
// terminal.
Status PromptLine(const std::string& prompt, std::string* line);

// True if `fd` refers to a terminal.
bool IsTerminal(int fd);

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_TERMINAL_H_

// Files and directories: the only place palabre touches the file system
// directly (SQLite does its own I/O through core/crypt_vfs).
//
// Durability matters here: a keys file half-written by a power cut would lock
// a facilitator out of every record, so WriteFileAtomically writes a
// temporary file, fsyncs it, renames it over the target and fsyncs the
// directory. Errors map to Status codes: kNotFound for a missing path,
// kPermissionDenied for EACCES/EPERM/EROFS, kResourceExhausted for
// ENOSPC/EDQUOT, kFailedPrecondition for a path of the wrong kind (a
// directory where a file should be), kInternal otherwise. Messages name the
// path and the OS reason.
#ifndef PALABRE_PLATFORM_FILE_UTIL_H_
#define PALABRE_PLATFORM_FILE_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/status.h"

namespace palabre::platform {

enum class PathKind { kMissing, kFile, kDirectory, kOther };

// What is at `path` (symlinks followed). Never fails: an unreadable path
// that exists is kOther.
PathKind GetPathKind(const std::string& path);

// Size in bytes of the regular file at `path`. kNotFound if missing,
// kFailedPrecondition if not a regular file.
StatusOr<uint64_t> FileSize(const std::string& path);

// Reads the whole regular file at `path`. Fails with kFailedPrecondition if
// it is not a regular file or is larger than `max_bytes` (hostile input must
// not exhaust memory).
StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes);

// Replaces `path` with `contents` atomically and durably: writes
// `path`.tmp-<random> with `mode`, fsyncs it, renames it over `path`, fsyncs
// the directory. On failure the old file (if any) is untouched and the
// temporary file is removed.
Status WriteFileAtomically(const std::string& path, std::string_view contents,
                           int mode = 0600);

// Like WriteFileAtomically, then overwrites the file that was replaced with
// zeros (through a descriptor opened before the rename) and fsyncs it, so
// that its old contents do not linger in freed blocks. For key material;
// on SSDs and copy-on-write file systems this is best effort. A missing
// `path` is simply created.
Status ReplaceFileAndShredOld(const std::string& path,
                              std::string_view contents, int mode = 0600);

// Creates `path` and missing parents with `mode` (existing directories are
// fine). kFailedPrecondition if a component exists and is not a directory.
Status CreateDirectories(const std::string& path, int mode = 0700);

// fsyncs the directory itself so that renames and unlinks in it are durable.
Status SyncDirectory(const std::string& path);

// Removes the file at `path`. kNotFound if it does not exist.
Status RemoveFile(const std::string& path);

// Overwrites the regular file at `path` in place with zeros over its whole
// length, fsyncs, then removes it and fsyncs its directory. Used to destroy
// key material. kNotFound if missing.
Status OverwriteAndRemove(const std::string& path);

// Removes the directory at `path` if it is empty. kFailedPrecondition if it
// is not empty, kNotFound if missing.
Status RemoveEmptyDirectory(const std::string& path);

// Names (not paths) of the entries in directory `path`, sorted, without "."
// and "..".
StatusOr<std::vector<std::string>> ListDirectory(const std::string& path);

// OK if the current process may create files in directory `path`;
// kPermissionDenied (read-only file system, or no write permission) else.
Status CheckWritableDirectory(const std::string& path);

// `dir` + "/" + `name`, without doubling a trailing slash.
std::string JoinPath(std::string_view dir, std::string_view name);

// The absolute, lexically normalised form of `path` (relative paths are taken
// from the current directory; the path need not exist).
std::string AbsolutePath(const std::string& path);

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_FILE_UTIL_H_

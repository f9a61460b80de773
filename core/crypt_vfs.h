// CryptVfs: an SQLite VFS shim that seals every page palabre writes.
//
// Every page of the main database and every page image in its WAL is
// encrypted with XChaCha20-Poly1305 under a page key derived from the vault's
// master key. Each write draws a fresh random 24-byte nonce; nonce and
// 16-byte tag live in the 40 reserved bytes at the end of each page
// (SQLITE_FCNTL_RESERVE_BYTES), and the associated data binds the vault id,
// the file's role (database or WAL) and the page number, so a page moved to
// another slot, another file or another vault fails to authenticate. Page 1
// is encrypted whole: page size and reserve come from the keys file, and the
// database file is indistinguishable from random bytes.
//
// What the shim refuses, so that nothing reaches the disk in plaintext:
// temporary, anonymous and journal files (palabre runs in WAL mode with
// temp_store=MEMORY), any write that is not a whole page, a page 1 whose
// header announces another page size or reserve, memory-mapped reads
// (xFetch always returns no mapping). A page that fails authentication is
// reported as SQLITE_IOERR_DATA, which core maps to kDataLoss ("damaged").
//
// WAL frame headers (page number, commit size, salts, SQLite's checksums of
// the plaintext) stay in the clear; the vault checkpoints with TRUNCATE when
// it locks so the WAL does not linger. See docs/vault-format.md for the
// format and the limits (no defence against replaying an older copy of a
// page or of the whole file).
//
// One CryptVfs serves one vault and one connection; it registers itself with
// SQLite under a unique name on Create and unregisters when destroyed, which
// must happen after the connection using it is closed.
#ifndef PALABRE_CORE_CRYPT_VFS_H_
#define PALABRE_CORE_CRYPT_VFS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/secure_buffer.h"
#include "platform/status.h"

struct sqlite3;

namespace palabre {

class CryptVfs {
 public:
  // Registers a new VFS that seals pages with a key derived from
  // `master_key` (32 bytes) and binds `vault_id` as associated data.
  // `page_size` and `reserve_bytes` must be those of the keys file.
  static StatusOr<std::unique_ptr<CryptVfs>> Create(
      const SecureBuffer& master_key, const std::array<uint8_t, 16>& vault_id,
      uint32_t page_size, uint32_t reserve_bytes);

  ~CryptVfs();
  CryptVfs(const CryptVfs&) = delete;
  CryptVfs& operator=(const CryptVfs&) = delete;

  // The name to pass to sqlite3_open_v2.
  const std::string& name() const { return name_; }
  uint32_t page_size() const { return page_size_; }
  uint32_t reserve_bytes() const { return reserve_bytes_; }

  // Detects a WAL cut in the middle: SQLite's recovery stops at the first
  // frame it cannot validate and silently drops the rest, which is right for
  // the last transaction torn by a crash but hides a frame someone altered
  // in an earlier one. With the write lock held on `db` (BEGIN IMMEDIATE),
  // scans the frames beyond the last one SQLite accepted: SQLite syncs the
  // WAL at every commit, so only the first transaction there may be torn; an
  // authenticated commit frame of the same WAL generation after it means
  // committed data was cut off, and this returns kDataLoss. OK otherwise
  // (including when no WAL is open).
  Status CheckWalTail(sqlite3* db);

  // Number of pages that failed authentication so far (for messages/tests).
  uint64_t auth_failures() const { return auth_failures_.load(); }
  // Page number of the last page that failed authentication (0 if none).
  uint32_t last_failed_page() const { return last_failed_page_.load(); }

  // Test hook, fault injection: after `writes` more successful page writes,
  // every further write fails with SQLITE_IOERR_WRITE until called again
  // with a negative value (the default: never fail).
  void InjectWriteFailureAfter(int64_t writes) { fail_after_.store(writes); }

  // Implementation details shared with the file methods in crypt_vfs.cc.
  struct Impl;

 private:
  CryptVfs() = default;

  std::string name_;
  uint32_t page_size_ = 0;
  uint32_t reserve_bytes_ = 0;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> auth_failures_{0};
  std::atomic<uint32_t> last_failed_page_{0};
  std::atomic<int64_t> fail_after_{-1};
  friend struct Impl;
};

}  // namespace palabre

#endif  // PALABRE_CORE_CRYPT_VFS_H_

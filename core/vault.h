// Vault: palabre's encrypted store on disk, and its life cycle.
//
// A vault is a directory holding `keys` (the keyslot file: the master key
// wrapped once under the passphrase and once under the recovery code) and
// `palabre.db` (+ `-wal`, `-shm`), an SQLite database whose every page is
// sealed by the encrypting VFS (core/crypt_vfs.h). Nothing in the directory
// is readable without the passphrase or the recovery code; `Wipe` destroys the
// wrapped keys first so that what remains is noise.
//
// Status codes returned here, which the CLI maps to exit codes:
//   kInvalidArgument   weak passphrase, malformed recovery code, bad option
//   kUnauthenticated   wrong passphrase or recovery code (nothing touched)
//   kDataLoss          a vault file is damaged or tampered with, or the keys
//                      and the database do not belong together
//   kNotFound          no vault in the directory
//   kAlreadyExists     a vault (or leftovers of one) is already there
//   kPermissionDenied  the OS refuses (e.g. read-only vault directory)
//   kFailedPrecondition the vault was written by a newer palabre
#ifndef PALABRE_CORE_VAULT_H_
#define PALABRE_CORE_VAULT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/kdf.h"
#include "core/secure_buffer.h"
#include "platform/status.h"

namespace palabre {

class Database;
class CryptVfs;

// File names inside a vault directory.
inline constexpr char kKeysFileName[] = "keys";
inline constexpr char kDbFileName[] = "palabre.db";

// The shortest passphrase accepted, in characters (UTF-8 code points).
inline constexpr int kMinPassphraseChars = 10;

// OK if `passphrase` is acceptable for a vault: at least kMinPassphraseChars
// characters of valid UTF-8 without control characters; kInvalidArgument
// with a reason otherwise.
Status CheckPassphrasePolicy(std::string_view passphrase);

// Applies the settings every vault connection runs with (temp_store=MEMORY,
// secure_delete=ON, mmap_size=0, synchronous=FULL, a 16 MiB page cache,
// foreign keys, trusted_schema=OFF, cell_size_check=ON, a 5 s busy
// timeout). Exposed so that tools (bench/) measure exactly what the vault
// runs.
Status ConfigureVaultConnection(Database& db);

// Lays out a brand-new, empty database the way every vault database is:
// `page_size` and `reserve_bytes` (from the keys file), the connection
// settings above, WAL mode. Must run before anything is written.
Status PrepareNewVaultDatabase(Database& db, uint32_t page_size,
                               uint32_t reserve_bytes);

// What can be learned about a vault without unlocking it.
struct VaultInfo {
  std::string directory;        // absolute path
  uint32_t format_version = 0;  // keys file format
  // Level of the passphrase slot; kModerate (the default for a new
  // passphrase) when its parameters match no standard level.
  KdfLevel kdf = KdfLevel::kModerate;
  bool kdf_is_standard = true;  // false if its parameters match no level
  uint32_t page_size = 0;
  uint64_t size_bytes = 0;         // keys + database + WAL + shm
  std::vector<std::string> files;  // names of vault files present
};

// One table of the vault and how many rows it holds.
struct TableCount {
  std::string table;
  int64_t rows = 0;
};

class Vault {
 public:
  // Creates a new vault in `directory` (created with mode 0700 if missing;
  // an existing empty directory is fine) protected by `passphrase`, whose
  // passphrase slot uses `kdf`. Returns the recovery code (shown once to the
  // user; it is not stored anywhere in readable form).
  // Fails with kAlreadyExists if the directory holds a vault or any vault
  // file, kInvalidArgument if the passphrase breaks the policy,
  // kPermissionDenied if the directory cannot be written. The keys file is
  // written last, so an interrupted Create leaves no openable half-vault.
  static StatusOr<SecureBuffer> Create(const std::string& directory,
                                       std::string_view passphrase,
                                       KdfLevel kdf);

  // Unlocks the vault in `directory` with `passphrase`, recovers the WAL if a
  // crash left one, and brings the schema up to date (core/migrations.h).
  // kNotFound if there is no vault, kUnauthenticated for a wrong passphrase
  // (no vault file is modified), kDataLoss if a file is damaged, tampered
  // with, or belongs to another vault.
  static StatusOr<std::unique_ptr<Vault>> Open(const std::string& directory,
                                               std::string_view passphrase);

  // OK if `passphrase` unlocks the vault in `directory`, without opening its
  // database (a vault already open elsewhere in this process stays as it
  // is). Errors as Open: kUnauthenticated for a wrong passphrase.
  static Status CheckPassphrase(const std::string& directory,
                                std::string_view passphrase);

  // Like Open, unlocking with the recovery code instead.
  static StatusOr<std::unique_ptr<Vault>> OpenWithRecoveryCode(
      const std::string& directory, std::string_view recovery_code);

  // Replaces the passphrase slot: unwraps the master key with
  // `old_passphrase` and wraps it under `new_passphrase` with `kdf` (the
  // data is never re-encrypted). kUnauthenticated if the old passphrase is
  // wrong; kInvalidArgument if the new one breaks the policy. The keys file
  // is replaced atomically: on any failure the old passphrase still works.
  static Status ChangePassphrase(const std::string& directory,
                                 std::string_view old_passphrase,
                                 std::string_view new_passphrase, KdfLevel kdf);

  // Sets a new passphrase using the recovery code (the passphrase was lost).
  // The recovery code stays valid. Errors as for ChangePassphrase.
  static Status Recover(const std::string& directory,
                        std::string_view recovery_code,
                        std::string_view new_passphrase, KdfLevel kdf);

  // Destroys the vault without needing any secret: overwrites and removes
  // `keys` first (after which nothing can be decrypted), then removes the
  // database files and the directory if it is then empty. Returns the paths
  // removed, in order. kNotFound if there was no vault file at all.
  static StatusOr<std::vector<std::string>> Wipe(const std::string& directory);

  // Reads the keys file's public header. kNotFound if no vault, kDataLoss if
  // the keys file is damaged.
  static StatusOr<VaultInfo> Inspect(const std::string& directory);

  // Locks: checkpoints the WAL into the database with TRUNCATE (unless the
  // vault is damaged, in which case the WAL is kept for inspection), closes
  // the database and zeroes the keys. Idempotent. The destructor calls it.
  Status Lock();
  bool locked() const { return db_ == nullptr; }

  ~Vault();
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;

  // The encrypted database, for core's stores. Valid until Lock().
  Database& db();

  const std::string& directory() const { return directory_; }

  // Row counts of the vault's own tables (not SQLite's internal ones).
  // kDataLoss if a page fails authentication while counting.
  StatusOr<std::vector<TableCount>> Counts();

  // Reads every page (PRAGMA integrity_check). OK if the database is intact;
  // kDataLoss naming the first problem otherwise.
  Status CheckIntegrity();

  // The schema version the database is at (PRAGMA user_version).
  StatusOr<int> SchemaVersion();

 private:
  // Unlocks with keys-file slot `slot_kind` (see core/keyslot.h) and opens
  // the database.
  static StatusOr<std::unique_ptr<Vault>> OpenWithSlot(
      const std::string& directory, uint8_t slot_kind, std::string_view secret);
  Vault(std::string directory, std::unique_ptr<CryptVfs> vfs,
        std::unique_ptr<Database> db);

  std::string directory_;
  std::unique_ptr<CryptVfs> vfs_;
  std::unique_ptr<Database> db_;
};

}  // namespace palabre

#endif  // PALABRE_CORE_VAULT_H_

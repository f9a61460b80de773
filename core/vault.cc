// Vault life cycle: create, open, lock, change passphrase, recover, wipe
// (see vault.h). The order of steps is what makes each operation safe:
// Create writes the keys file last; ChangePassphrase and Recover replace it
// atomically; Wipe destroys it first.
#include "core/vault.h"

#include <sqlite3.h>

#include <cstring>
#include <utility>

#include "core/crypt_vfs.h"
#include "core/crypto.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/keyslot.h"
#include "core/migrations.h"
#include "core/projection.h"
#include "core/recovery_code.h"
#include "platform/file_util.h"

namespace palabre {
namespace {

using platform::PathKind;

constexpr uint64_t kMaxKeysFileBytes = 64 * 1024;
constexpr const char* kDbSuffixes[] = {"", "-wal", "-shm"};

std::string KeysPath(const std::string& dir) {
  return platform::JoinPath(dir, kKeysFileName);
}
std::string DbPath(const std::string& dir) {
  return platform::JoinPath(dir, kDbFileName);
}

// Decodes one UTF-8 code point at s[i]; returns its length or 0 if invalid.
int Utf8Length(std::string_view s, std::size_t i, uint32_t* cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80         ? 1
            : (b >> 5) == 6  ? 2
            : (b >> 4) == 14 ? 3
            : (b >> 3) == 30 ? 4
                             : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t v = len == 1 ? b : b & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 2) return 0;
    v = (v << 6) | (c & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
  *cp = v;
  return len;
}

// The keys file of `dir`, parsed. kNotFound when there is no vault at all.
StatusOr<KeyFile> LoadKeyFile(const std::string& dir) {
  switch (platform::GetPathKind(dir)) {
    case PathKind::kMissing:
      return NotFoundError("no vault at " + dir +
                           " (create one with `palabre init`)");
    case PathKind::kDirectory:
      break;
    default:
      return InvalidArgumentError(dir + " is not a directory");
  }
  const std::string keys = KeysPath(dir);
  switch (platform::GetPathKind(keys)) {
    case PathKind::kFile:
      break;
    case PathKind::kMissing:
      if (platform::GetPathKind(DbPath(dir)) != PathKind::kMissing) {
        return DataLossError("the keys file of the vault at " + dir +
                             " is missing; without it the vault cannot be "
                             "opened");
      }
      return NotFoundError("no vault at " + dir +
                           " (create one with `palabre init`)");
    default:
      return DataLossError(keys +
                           " is not a regular file: the vault is damaged");
  }
  StatusOr<std::string> bytes = platform::ReadFile(keys, kMaxKeysFileBytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kFailedPrecondition) {
      return DataLossError("the keys file is damaged (too large)");
    }
    return bytes.status();
  }
  return ParseKeyFile(*bytes);
}

}  // namespace

Status ConfigureVaultConnection(Database& db) {
  sqlite3_busy_timeout(db.handle(), 5000);
  return db.Exec(
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA secure_delete = ON;"
      "PRAGMA mmap_size = 0;"
      "PRAGMA cache_size = -16384;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA trusted_schema = OFF;"
      "PRAGMA cell_size_check = ON;");
}

Status PrepareNewVaultDatabase(Database& db, uint32_t page_size,
                               uint32_t reserve_bytes) {
  PALABRE_RETURN_IF_ERROR(
      db.Exec("PRAGMA page_size = " + std::to_string(page_size)));
  int reserve = static_cast<int>(reserve_bytes);
  PALABRE_RETURN_IF_ERROR(
      db.StatusFor(sqlite3_file_control(db.handle(), "main",
                                        SQLITE_FCNTL_RESERVE_BYTES, &reserve),
                   "setting the page reserve"));
  PALABRE_RETURN_IF_ERROR(ConfigureVaultConnection(db));
  // Switching to WAL writes page 1 in a rollback-journal transaction; an
  // in-memory journal keeps that journal off the disk (the encrypting VFS
  // refuses journal files).
  PALABRE_RETURN_IF_ERROR(
      db.QueryText("PRAGMA journal_mode = MEMORY").status());
  PALABRE_ASSIGN_OR_RETURN(std::string mode,
                           db.QueryText("PRAGMA journal_mode = WAL"));
  if (mode != "wal") return InternalError("could not enable WAL mode");
  return Status::Ok();
}

namespace {

// Unlocks the database of `dir` with `master`, checks it belongs to these
// keys, recovers the WAL and migrates. `db_out`/`vfs_out` receive ownership.
Status OpenDatabase(const std::string& dir, const KeyFile& keys,
                    const SecureBuffer& master,
                    std::unique_ptr<CryptVfs>* vfs_out,
                    std::unique_ptr<Database>* db_out) {
  const std::string db_path = DbPath(dir);
  switch (platform::GetPathKind(db_path)) {
    case PathKind::kFile:
      break;
    case PathKind::kMissing:
      return DataLossError("the vault database " + db_path + " is missing");
    default:
      return DataLossError(db_path +
                           " is not a regular file: the vault is damaged");
  }
  for (const char* suffix : {"-wal", "-shm"}) {
    const PathKind kind = platform::GetPathKind(db_path + suffix);
    if (kind != PathKind::kMissing && kind != PathKind::kFile) {
      return DataLossError(db_path + suffix +
                           " is not a regular file: the vault is damaged");
    }
  }
  PALABRE_ASSIGN_OR_RETURN(uint64_t size, platform::FileSize(db_path));
  if (size == 0) {
    return DataLossError("the vault database " + db_path +
                         " is empty: the vault is damaged");
  }
  PALABRE_RETURN_IF_ERROR(platform::CheckWritableDirectory(dir));
  PALABRE_ASSIGN_OR_RETURN(
      auto vfs, CryptVfs::Create(master, keys.vault_id, keys.page_size,
                                 keys.reserve_bytes));
  PALABRE_ASSIGN_OR_RETURN(auto db,
                           Database::Open(db_path, vfs->name(), false));
  PALABRE_RETURN_IF_ERROR(ConfigureVaultConnection(*db));
  // First read: page 1 must open under these keys, the WAL is recovered,
  // and (holding the write lock) nothing committed may lie past its end.
  Status status = db->Transaction([&]() -> Status {
    StatusOr<std::string> mode = db->QueryText("PRAGMA journal_mode");
    if (!mode.ok()) return mode.status();
    if (*mode != "wal") {
      return DataLossError("the vault database is not in WAL mode");
    }
    PALABRE_RETURN_IF_ERROR(
        db->QueryInt("SELECT count(*) FROM sqlite_schema").status());
    return vfs->CheckWalTail(db->handle());
  });
  if (!status.ok()) {
    if (status.code() == StatusCode::kDataLoss &&
        vfs->last_failed_page() == 1) {
      status = DataLossError(
          "the vault database does not belong to this keys file, or its "
          "first page is damaged");
    }
    db->Close(false).IgnoreError();
    return status;
  }
  PALABRE_RETURN_IF_ERROR(ApplyMigrations(*db, VaultMigrations()));
  PALABRE_RETURN_IF_ERROR(RebuildStaleProjections(*db));
  // Vaults made before records existed get their device key now.
  PALABRE_RETURN_IF_ERROR(EnsureDeviceKey(*db));
  *vfs_out = std::move(vfs);
  *db_out = std::move(db);
  return Status::Ok();
}

}  // namespace

Status CheckPassphrasePolicy(std::string_view passphrase) {
  int chars = 0;
  for (std::size_t i = 0; i < passphrase.size();) {
    uint32_t cp = 0;
    const int len = Utf8Length(passphrase, i, &cp);
    if (len == 0)
      return InvalidArgumentError("the passphrase is not valid UTF-8");
    if (cp < 0x20 || cp == 0x7f) {
      return InvalidArgumentError(
          "the passphrase contains a control character");
    }
    i += static_cast<std::size_t>(len);
    ++chars;
  }
  if (chars < kMinPassphraseChars) {
    return InvalidArgumentError("the passphrase must be at least " +
                                std::to_string(kMinPassphraseChars) +
                                " characters long (a few unrelated words are "
                                "easier to remember)");
  }
  return Status::Ok();
}

Vault::Vault(std::string directory, std::unique_ptr<CryptVfs> vfs,
             std::unique_ptr<Database> db)
    : directory_(std::move(directory)),
      vfs_(std::move(vfs)),
      db_(std::move(db)) {}

Vault::~Vault() { Lock().IgnoreError(); }

Database& Vault::db() { return *db_; }

StatusOr<SecureBuffer> Vault::Create(const std::string& directory,
                                     std::string_view passphrase,
                                     KdfLevel kdf) {
  PALABRE_RETURN_IF_ERROR(crypto::Initialize());
  PALABRE_RETURN_IF_ERROR(CheckPassphrasePolicy(passphrase));
  const std::string dir = platform::AbsolutePath(directory);
  const PathKind dir_kind = platform::GetPathKind(dir);
  if (dir_kind == PathKind::kMissing) {
    PALABRE_RETURN_IF_ERROR(platform::CreateDirectories(dir, 0700));
  } else if (dir_kind != PathKind::kDirectory) {
    return InvalidArgumentError(dir + " exists and is not a directory");
  }
  if (platform::GetPathKind(KeysPath(dir)) != PathKind::kMissing) {
    return AlreadyExistsError("a vault already exists at " + dir);
  }
  for (const char* suffix : kDbSuffixes) {
    if (platform::GetPathKind(DbPath(dir) + suffix) != PathKind::kMissing) {
      return AlreadyExistsError(
          dir +
          " holds database files without a keys file (an unfinished "
          "or damaged vault); remove them with `palabre wipe` first");
    }
  }
  PALABRE_RETURN_IF_ERROR(platform::CheckWritableDirectory(dir));

  SecureBuffer master(crypto::kKeyBytes);
  crypto::RandomBytes(master.data(), master.size());
  KeyFile keys;
  crypto::RandomBytes(keys.vault_id.data(), keys.vault_id.size());
  PALABRE_RETURN_IF_ERROR(WrapMasterKey(keys, SlotKind::kPassphrase, passphrase,
                                        ParamsForLevel(kdf), master));
  SecureBuffer code = GenerateRecoveryCode();
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer canonical,
                           NormalizeRecoveryCode(code.view()));
  PALABRE_RETURN_IF_ERROR(
      WrapMasterKey(keys, SlotKind::kRecoveryCode, canonical.view(),
                    ParamsForLevel(KdfLevel::kInteractive), master));

  // The database first, checkpointed whole; the keys file last.
  auto remove_db_files = [&dir] {
    for (const char* suffix : kDbSuffixes) {
      platform::RemoveFile(DbPath(dir) + suffix).IgnoreError();
    }
  };
  Status status = [&]() -> Status {
    // An empty file first, so the database (and its WAL and shm, which
    // SQLite creates with the database's mode) is private to the owner.
    PALABRE_RETURN_IF_ERROR(
        platform::WriteFileAtomically(DbPath(dir), "", 0600));
    PALABRE_ASSIGN_OR_RETURN(
        auto vfs, CryptVfs::Create(master, keys.vault_id, keys.page_size,
                                   keys.reserve_bytes));
    PALABRE_ASSIGN_OR_RETURN(auto db,
                             Database::Open(DbPath(dir), vfs->name(), true));
    PALABRE_RETURN_IF_ERROR(
        PrepareNewVaultDatabase(*db, keys.page_size, keys.reserve_bytes));
    PALABRE_RETURN_IF_ERROR(ApplyMigrations(*db, VaultMigrations()));
    PALABRE_RETURN_IF_ERROR(RebuildStaleProjections(*db));
    PALABRE_RETURN_IF_ERROR(EnsureDeviceKey(*db));
    return db->Close(true);
  }();
  if (status.ok()) {
    status = platform::WriteFileAtomically(KeysPath(dir),
                                           SerializeKeyFile(keys), 0600);
  }
  if (!status.ok()) {
    remove_db_files();
    return status.WithContext("creating the vault");
  }
  return code;
}

StatusOr<std::unique_ptr<Vault>> Vault::OpenWithSlot(
    const std::string& directory, uint8_t slot_kind, std::string_view secret) {
  const auto kind = static_cast<SlotKind>(slot_kind);
  PALABRE_RETURN_IF_ERROR(crypto::Initialize());
  const std::string dir = platform::AbsolutePath(directory);
  PALABRE_ASSIGN_OR_RETURN(KeyFile keys, LoadKeyFile(dir));
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer master,
                           UnwrapMasterKey(keys, kind, secret));
  std::unique_ptr<CryptVfs> vfs;
  std::unique_ptr<Database> db;
  PALABRE_RETURN_IF_ERROR(OpenDatabase(dir, keys, master, &vfs, &db));
  return std::unique_ptr<Vault>(new Vault(dir, std::move(vfs), std::move(db)));
}

StatusOr<std::unique_ptr<Vault>> Vault::Open(const std::string& directory,
                                             std::string_view passphrase) {
  return OpenWithSlot(directory, static_cast<uint8_t>(SlotKind::kPassphrase),
                      passphrase);
}

Status Vault::CheckPassphrase(const std::string& directory,
                              std::string_view passphrase) {
  PALABRE_RETURN_IF_ERROR(crypto::Initialize());
  PALABRE_ASSIGN_OR_RETURN(KeyFile keys,
                           LoadKeyFile(platform::AbsolutePath(directory)));
  return UnwrapMasterKey(keys, SlotKind::kPassphrase, passphrase).status();
}

StatusOr<std::unique_ptr<Vault>> Vault::OpenWithRecoveryCode(
    const std::string& directory, std::string_view recovery_code) {
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer canonical,
                           NormalizeRecoveryCode(recovery_code));
  return OpenWithSlot(directory, static_cast<uint8_t>(SlotKind::kRecoveryCode),
                      canonical.view());
}

namespace {

// Unwraps with (`kind`, `secret`) and rewraps the passphrase slot under
// `new_passphrase`, replacing the keys file atomically.
Status Rewrap(const std::string& directory, SlotKind kind,
              std::string_view secret, std::string_view new_passphrase,
              KdfLevel kdf) {
  PALABRE_RETURN_IF_ERROR(crypto::Initialize());
  PALABRE_RETURN_IF_ERROR(CheckPassphrasePolicy(new_passphrase));
  const std::string dir = platform::AbsolutePath(directory);
  PALABRE_ASSIGN_OR_RETURN(KeyFile keys, LoadKeyFile(dir));
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer master,
                           UnwrapMasterKey(keys, kind, secret));
  PALABRE_RETURN_IF_ERROR(WrapMasterKey(keys, SlotKind::kPassphrase,
                                        new_passphrase, ParamsForLevel(kdf),
                                        master));
  // The old keys file still wraps the master key under the old passphrase:
  // it is zeroed, not just unlinked.
  return platform::ReplaceFileAndShredOld(KeysPath(dir), SerializeKeyFile(keys),
                                          0600);
}

}  // namespace

Status Vault::ChangePassphrase(const std::string& directory,
                               std::string_view old_passphrase,
                               std::string_view new_passphrase, KdfLevel kdf) {
  return Rewrap(directory, SlotKind::kPassphrase, old_passphrase,
                new_passphrase, kdf);
}

Status Vault::Recover(const std::string& directory,
                      std::string_view recovery_code,
                      std::string_view new_passphrase, KdfLevel kdf) {
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer canonical,
                           NormalizeRecoveryCode(recovery_code));
  return Rewrap(directory, SlotKind::kRecoveryCode, canonical.view(),
                new_passphrase, kdf);
}

StatusOr<std::vector<std::string>> Vault::Wipe(const std::string& directory) {
  const std::string dir = platform::AbsolutePath(directory);
  if (platform::GetPathKind(dir) != PathKind::kDirectory) {
    return NotFoundError("no vault at " + dir);
  }
  std::vector<std::string> removed;
  // Key material first: the keys file and any temporary copy an interrupted
  // atomic write left behind.
  std::vector<std::string> key_files = {KeysPath(dir)};
  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> names,
                           platform::ListDirectory(dir));
  for (const std::string& name : names) {
    if (name.rfind(std::string(kKeysFileName) + ".tmp-", 0) == 0) {
      key_files.push_back(platform::JoinPath(dir, name));
    }
  }
  for (const std::string& path : key_files) {
    if (platform::GetPathKind(path) != PathKind::kFile) continue;
    PALABRE_RETURN_IF_ERROR(platform::OverwriteAndRemove(path));
    removed.push_back(path);
  }
  for (const char* suffix : kDbSuffixes) {
    const std::string path = DbPath(dir) + suffix;
    if (platform::GetPathKind(path) != PathKind::kFile) continue;
    PALABRE_RETURN_IF_ERROR(platform::RemoveFile(path));
    removed.push_back(path);
  }
  if (removed.empty()) return NotFoundError("no vault at " + dir);
  PALABRE_RETURN_IF_ERROR(platform::SyncDirectory(dir));
  if (platform::RemoveEmptyDirectory(dir).ok()) removed.push_back(dir);
  return removed;
}

StatusOr<VaultInfo> Vault::Inspect(const std::string& directory) {
  VaultInfo info;
  info.directory = platform::AbsolutePath(directory);
  PALABRE_ASSIGN_OR_RETURN(KeyFile keys, LoadKeyFile(info.directory));
  info.format_version = keys.version;
  info.page_size = keys.page_size;
  const KeySlot* slot = keys.Find(SlotKind::kPassphrase);
  info.kdf_is_standard = false;
  info.kdf = KdfLevel::kModerate;  // what a rewrap uses for a non-standard slot
  for (KdfLevel level :
       {KdfLevel::kInteractive, KdfLevel::kModerate, KdfLevel::kSensitive}) {
    const KdfParams p = ParamsForLevel(level);
    if (slot != nullptr && slot->kdf.opslimit == p.opslimit &&
        slot->kdf.memlimit == p.memlimit) {
      info.kdf = level;
      info.kdf_is_standard = true;
    }
  }
  const std::string names[] = {kKeysFileName, std::string(kDbFileName),
                               std::string(kDbFileName) + "-wal",
                               std::string(kDbFileName) + "-shm"};
  for (const std::string& name : names) {
    StatusOr<uint64_t> size =
        platform::FileSize(platform::JoinPath(info.directory, name));
    if (!size.ok()) continue;
    info.files.push_back(name);
    info.size_bytes += *size;
  }
  return info;
}

Status Vault::Lock() {
  if (db_ == nullptr) return Status::Ok();
  Status status = db_->Close(true);
  if (db_->is_open()) {
    // SQLite still holds the connection: its VFS must outlive it, so it is
    // deliberately leaked rather than freed under a live connection.
    static_cast<void>(vfs_.release());
    static_cast<void>(db_.release());
    return status;
  }
  db_.reset();
  vfs_.reset();  // zeroes the page key
  return status;
}

StatusOr<std::vector<TableCount>> Vault::Counts() {
  std::vector<std::string> tables;
  {
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db_->Prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                     "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND "
                     "name NOT LIKE 'sessions\\_fts%' ESCAPE '\\' "
                     "ORDER BY name"));
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      tables.push_back(stmt.ColumnText(0));
    }
  }
  std::vector<TableCount> counts;
  for (const std::string& table : tables) {
    std::string quoted = "\"";
    for (char c : table)
      quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    PALABRE_ASSIGN_OR_RETURN(int64_t rows,
                             db_->QueryInt("SELECT count(*) FROM " + quoted));
    counts.push_back({table, rows});
  }
  return counts;
}

Status Vault::CheckIntegrity() {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt,
                           db_->Prepare("PRAGMA integrity_check"));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return InternalError("integrity_check returned nothing");
  const std::string first = stmt.ColumnText(0);
  if (first != "ok") {
    return DataLossError("the vault database is damaged: " + first);
  }
  return Status::Ok();
}

StatusOr<int> Vault::SchemaVersion() {
  PALABRE_ASSIGN_OR_RETURN(int64_t v, db_->QueryInt("PRAGMA user_version"));
  return static_cast<int>(v);
}

}  // namespace palabre

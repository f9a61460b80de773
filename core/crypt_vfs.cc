// The encrypting VFS shim (see crypt_vfs.h for what and why).
//
// Layout of a sealed page of size P with R = 40 reserved bytes:
//   [0, P-R)        ciphertext of SQLite's page content
//   [P-R, P-R+24)   nonce
//   [P-R+24, P)     Poly1305 tag
// Associated data: vault id (16) | role ('D' database, 'W' WAL) | page
// number (u32 big-endian).
//
// What SQLite sends (traced on SQLite 3.40; ../shared/notes): on the
// database, whole pages plus sub-page reads inside page 1 (100 bytes at 0, 16
// at 24); on the WAL, a 32-byte header, 24-byte frame headers, pages at
// frame+24, whole-frame reads during recovery and checksum rewrites, and
// 8-byte reads inside frame headers.
#include "core/crypt_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <new>
#include <vector>

#include "core/crypto.h"

#ifndef SQLITE_IOCAP_SUBPAGE_READ
#define SQLITE_IOCAP_SUBPAGE_READ 0x00008000
#endif

namespace palabre {

namespace {

constexpr int kWalHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;
constexpr char kRoleDatabase = 'D';
constexpr char kRoleWal = 'W';
constexpr std::size_t kAdBytes = 16 + 1 + 4;

uint32_t GetU32Be(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool AllZero(const uint8_t* p, std::size_t n) {
  uint8_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= p[i];
  return acc == 0;
}

struct CryptFile;

}  // namespace

struct CryptVfs::Impl {
  CryptVfs* owner = nullptr;
  sqlite3_vfs vfs{};
  sqlite3_vfs* real = nullptr;
  SecureBuffer page_key;
  std::array<uint8_t, 16> vault_id{};
  CryptFile* wal = nullptr;  // the open WAL of this VFS's connection
  void MakeAd(char role, uint32_t pgno, uint8_t* ad) const {
    std::memcpy(ad, vault_id.data(), 16);
    ad[16] = static_cast<uint8_t>(role);
    ad[17] = static_cast<uint8_t>(pgno >> 24);
    ad[18] = static_cast<uint8_t>(pgno >> 16);
    ad[19] = static_cast<uint8_t>(pgno >> 8);
    ad[20] = static_cast<uint8_t>(pgno);
  }

  // Seals `page` (page_size bytes) in place.
  void Seal(char role, uint32_t pgno, uint8_t* page) {
    const uint32_t p = owner->page_size_;
    const uint32_t r = owner->reserve_bytes_;
    uint8_t ad[kAdBytes];
    MakeAd(role, pgno, ad);
    uint8_t* nonce = page + p - r;
    crypto::RandomBytes(nonce, crypto::kNonceBytes);  // fresh per write
    crypto::SealInPlace(page_key.data(), nonce, ad, sizeof ad, page, p - r,
                        nonce + crypto::kNonceBytes);
  }

  // Opens `page` in place; false (content zeroed) if it does not
  // authenticate. The reserved bytes are handed to SQLite as zeros, as
  // SQLite itself keeps them: its WAL checksums cover the whole page, so
  // recovery only validates frames whose reserve reads back as written.
  bool Open(char role, uint32_t pgno, uint8_t* page) const {
    const uint32_t p = owner->page_size_;
    const uint32_t r = owner->reserve_bytes_;
    uint8_t ad[kAdBytes];
    MakeAd(role, pgno, ad);
    uint8_t* nonce = page + p - r;
    const bool ok =
        crypto::OpenInPlace(page_key.data(), nonce, ad, sizeof ad, page, p - r,
                            nonce + crypto::kNonceBytes);
    std::memset(nonce, 0, r);
    return ok;
  }

  void NoteFailure(uint32_t pgno) {
    owner->auth_failures_.fetch_add(1);
    owner->last_failed_page_.store(pgno);
  }

  // Consumes one write from the fault-injection budget; false if this write
  // must fail.
  bool WriteAllowed() {
    int64_t left = owner->fail_after_.load();
    if (left < 0) return true;
    if (left == 0) return false;
    owner->fail_after_.store(left - 1);
    return true;
  }
};

namespace {

enum class Role { kDatabase, kWal };

struct CryptFile {
  sqlite3_file base;  // must be first: SQLite sees a CryptFile as this
  CryptVfs::Impl* vfs;
  Role role;
  sqlite3_file* real;
  uint8_t* scratch;  // one frame (header + page), new[]-allocated
  sqlite3_int64 cached_header_offset;
  uint8_t cached_header[kFrameHeaderBytes];
};

uint32_t PageSize(const CryptFile* f) { return f->vfs->owner->page_size(); }

int RealRead(CryptFile* f, void* buf, int amt, sqlite3_int64 off) {
  return f->real->pMethods->xRead(f->real, buf, amt, off);
}
int RealWrite(CryptFile* f, const void* buf, int amt, sqlite3_int64 off) {
  return f->real->pMethods->xWrite(f->real, buf, amt, off);
}

// Checks that a plaintext page 1 still announces our page size and reserve:
// anything else would put SQLite's data where the nonce and tag go.
bool PageOneHeaderMatches(const CryptFile* f, const uint8_t* page) {
  const uint32_t announced = (uint32_t{page[16]} << 8) | page[17];
  const uint32_t size = announced == 1 ? 65536 : announced;
  return size == PageSize(f) &&
         uint32_t{page[20]} == f->vfs->owner->reserve_bytes();
}

// ---- database file ----

// Reads page `pgno` (whole) into `out`, opened. SQLITE_IOERR_SHORT_READ with
// `out` zeroed if the page lies beyond the end of the file.
int ReadDbPage(CryptFile* f, uint32_t pgno, uint8_t* out) {
  const uint32_t p = PageSize(f);
  int rc = RealRead(f, out, static_cast<int>(p),
                    static_cast<sqlite3_int64>(pgno - 1) * p);
  if (rc == SQLITE_IOERR_SHORT_READ) {
    // Past the end: SQLite expects zeros. A partial page is damage.
    if (AllZero(out, p)) return SQLITE_IOERR_SHORT_READ;
    f->vfs->NoteFailure(pgno);
    return SQLITE_IOERR_DATA;
  }
  if (rc != SQLITE_OK) return rc;
  if (!f->vfs->Open(kRoleDatabase, pgno, out)) {
    f->vfs->NoteFailure(pgno);
    return SQLITE_IOERR_DATA;
  }
  return SQLITE_OK;
}

int DbRead(CryptFile* f, uint8_t* buf, int amt, sqlite3_int64 off) {
  const uint32_t p = PageSize(f);
  const sqlite3_int64 in_page = off % p;
  const uint32_t pgno = static_cast<uint32_t>(off / p) + 1;
  if (in_page == 0 && static_cast<uint32_t>(amt) == p) {
    return ReadDbPage(f, pgno, buf);
  }
  if (in_page + amt > p) return SQLITE_IOERR_READ;  // never sent by SQLite
  uint8_t* page = f->scratch;
  int rc = ReadDbPage(f, pgno, page);
  if (rc == SQLITE_IOERR_SHORT_READ) {
    std::memset(buf, 0, static_cast<std::size_t>(amt));
    return rc;
  }
  if (rc != SQLITE_OK) return rc;
  std::memcpy(buf, page + in_page, static_cast<std::size_t>(amt));
  return SQLITE_OK;
}

int DbWrite(CryptFile* f, const uint8_t* buf, int amt, sqlite3_int64 off) {
  const uint32_t p = PageSize(f);
  if (static_cast<uint32_t>(amt) != p || off % p != 0) {
    sqlite3_log(SQLITE_IOERR_WRITE, "palabre: refusing a non-page write");
    return SQLITE_IOERR_WRITE;
  }
  const uint32_t pgno = static_cast<uint32_t>(off / p) + 1;
  if (pgno == 1 && !PageOneHeaderMatches(f, buf)) {
    sqlite3_log(SQLITE_IOERR_WRITE, "palabre: page 1 layout changed; refused");
    return SQLITE_IOERR_WRITE;
  }
  if (!f->vfs->WriteAllowed()) return SQLITE_IOERR_WRITE;
  uint8_t* page = f->scratch;
  std::memcpy(page, buf, p);
  f->vfs->Seal(kRoleDatabase, pgno, page);
  return RealWrite(f, page, amt, off);
}

// ---- WAL file ----

sqlite3_int64 FrameBytes(const CryptFile* f) {
  return kFrameHeaderBytes + static_cast<sqlite3_int64>(PageSize(f));
}

int WalRead(CryptFile* f, uint8_t* buf, int amt, sqlite3_int64 off) {
  if (off < kWalHeaderBytes) {
    if (off + amt > kWalHeaderBytes) return SQLITE_IOERR_READ;
    return RealRead(f, buf, amt, off);
  }
  const sqlite3_int64 frame = FrameBytes(f);
  const sqlite3_int64 in_frame = (off - kWalHeaderBytes) % frame;
  const sqlite3_int64 frame_off = off - in_frame;
  if (in_frame + amt > frame) return SQLITE_IOERR_READ;
  if (in_frame + amt <= kFrameHeaderBytes) {
    return RealRead(f, buf, amt, off);  // frame header bytes only
  }
  if (in_frame == 0 && amt == frame) {
    // A whole frame: SQLite is recovering the WAL or rewriting checksums.
    // A page that does not authenticate here may be one a crash tore, so it
    // is handed back zeroed and SQLite's own checksum rejects the frame and
    // ends the log there; CheckWalTail then makes sure nothing committed
    // was cut off behind it.
    int rc = RealRead(f, buf, amt, off);
    if (rc != SQLITE_OK) return rc;
    if (!f->vfs->Open(kRoleWal, GetU32Be(buf), buf + kFrameHeaderBytes)) {
      std::memset(buf + kFrameHeaderBytes, 0, PageSize(f));
    }
    return SQLITE_OK;
  }
  // A page (or part of one) of a frame SQLite accepted: must authenticate.
  uint8_t* whole = f->scratch;
  int rc = RealRead(f, whole, static_cast<int>(frame), frame_off);
  if (rc == SQLITE_IOERR_SHORT_READ) {
    // SQLite accepted this frame, so the WAL was cut after the fact.
    f->vfs->NoteFailure(GetU32Be(whole));
    return SQLITE_IOERR_DATA;
  }
  if (rc != SQLITE_OK) return rc;
  const uint32_t pgno = GetU32Be(whole);
  if (!f->vfs->Open(kRoleWal, pgno, whole + kFrameHeaderBytes)) {
    f->vfs->NoteFailure(pgno);
    return SQLITE_IOERR_DATA;
  }
  std::memcpy(buf, whole + in_frame, static_cast<std::size_t>(amt));
  return SQLITE_OK;
}

int WalWrite(CryptFile* f, const uint8_t* buf, int amt, sqlite3_int64 off) {
  if (off < kWalHeaderBytes) {
    if (off + amt > kWalHeaderBytes) return SQLITE_IOERR_WRITE;
    return RealWrite(f, buf, amt, off);
  }
  const uint32_t p = PageSize(f);
  const sqlite3_int64 frame = FrameBytes(f);
  const sqlite3_int64 in_frame = (off - kWalHeaderBytes) % frame;
  if (in_frame == 0 && amt == kFrameHeaderBytes) {
    std::memcpy(f->cached_header, buf, kFrameHeaderBytes);
    f->cached_header_offset = off;
    return RealWrite(f, buf, amt, off);
  }
  uint8_t* whole = f->scratch;
  if (in_frame == kFrameHeaderBytes && static_cast<uint32_t>(amt) == p) {
    // The page of a frame whose header was written just before (or earlier:
    // SQLite rewrites pages of frames in the current transaction).
    if (f->cached_header_offset == off - kFrameHeaderBytes) {
      std::memcpy(whole, f->cached_header, kFrameHeaderBytes);
    } else {
      int rc = RealRead(f, whole, kFrameHeaderBytes, off - kFrameHeaderBytes);
      if (rc != SQLITE_OK) return SQLITE_IOERR_WRITE;
    }
    std::memcpy(whole + kFrameHeaderBytes, buf, p);
  } else if (in_frame == 0 && amt == frame) {
    std::memcpy(whole, buf, static_cast<std::size_t>(frame));
    std::memcpy(f->cached_header, buf, kFrameHeaderBytes);
    f->cached_header_offset = off;
  } else {
    sqlite3_log(SQLITE_IOERR_WRITE, "palabre: refusing a partial WAL write");
    return SQLITE_IOERR_WRITE;
  }
  const uint32_t pgno = GetU32Be(whole);
  uint8_t* page = whole + kFrameHeaderBytes;
  if (pgno == 1 && !PageOneHeaderMatches(f, page)) {
    sqlite3_log(SQLITE_IOERR_WRITE, "palabre: page 1 layout changed; refused");
    return SQLITE_IOERR_WRITE;
  }
  if (!f->vfs->WriteAllowed()) return SQLITE_IOERR_WRITE;
  f->vfs->Seal(kRoleWal, pgno, page);
  if (amt == frame) return RealWrite(f, whole, amt, off);
  return RealWrite(f, page, amt, off);
}

// ---- sqlite3_io_methods ----

CryptFile* Cast(sqlite3_file* file) {
  return reinterpret_cast<CryptFile*>(file);
}

int XClose(sqlite3_file* file) {
  CryptFile* f = Cast(file);
  int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  if (f->vfs->wal == f) f->vfs->wal = nullptr;
  // The scratch frame may hold a decrypted page (page 1 for sub-page reads).
  crypto::Wipe(f->scratch, kFrameHeaderBytes + PageSize(f));
  delete[] f->scratch;
  f->scratch = nullptr;
  return rc;
}

int XRead(sqlite3_file* file, void* buf, int amt, sqlite3_int64 off) {
  CryptFile* f = Cast(file);
  auto* b = static_cast<uint8_t*>(buf);
  return f->role == Role::kDatabase ? DbRead(f, b, amt, off)
                                    : WalRead(f, b, amt, off);
}

int XWrite(sqlite3_file* file, const void* buf, int amt, sqlite3_int64 off) {
  CryptFile* f = Cast(file);
  auto* b = static_cast<const uint8_t*>(buf);
  return f->role == Role::kDatabase ? DbWrite(f, b, amt, off)
                                    : WalWrite(f, b, amt, off);
}

int XTruncate(sqlite3_file* file, sqlite3_int64 size) {
  CryptFile* f = Cast(file);
  f->cached_header_offset = -1;
  return f->real->pMethods->xTruncate(f->real, size);
}
int XSync(sqlite3_file* file, int flags) {
  return Cast(file)->real->pMethods->xSync(Cast(file)->real, flags);
}
int XFileSize(sqlite3_file* file, sqlite3_int64* size) {
  return Cast(file)->real->pMethods->xFileSize(Cast(file)->real, size);
}
int XLock(sqlite3_file* file, int lock) {
  return Cast(file)->real->pMethods->xLock(Cast(file)->real, lock);
}
int XUnlock(sqlite3_file* file, int lock) {
  return Cast(file)->real->pMethods->xUnlock(Cast(file)->real, lock);
}
int XCheckReservedLock(sqlite3_file* file, int* out) {
  return Cast(file)->real->pMethods->xCheckReservedLock(Cast(file)->real, out);
}

int XFileControl(sqlite3_file* file, int op, void* arg) {
  CryptFile* f = Cast(file);
  if (op == SQLITE_FCNTL_PRAGMA) {
    char** args = static_cast<char**>(arg);
    if (args[1] != nullptr && args[2] != nullptr &&
        sqlite3_stricmp(args[1], "page_size") == 0 &&
        static_cast<uint32_t>(std::atoi(args[2])) != PageSize(f)) {
      args[0] = sqlite3_mprintf(
          "the page size of a palabre vault is fixed by its keys file");
      return SQLITE_ERROR;
    }
  }
  if (op == SQLITE_FCNTL_MMAP_SIZE) {
    // No memory-mapped I/O: mapped bytes would bypass decryption.
    *static_cast<sqlite3_int64*>(arg) = 0;
    return SQLITE_OK;
  }
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int XSectorSize(sqlite3_file* file) {
  return Cast(file)->real->pMethods->xSectorSize(Cast(file)->real);
}
int XDeviceCharacteristics(sqlite3_file* file) {
  int caps =
      Cast(file)->real->pMethods->xDeviceCharacteristics(Cast(file)->real);
  return caps & ~(SQLITE_IOCAP_SUBPAGE_READ | SQLITE_IOCAP_BATCH_ATOMIC);
}
int XShmMap(sqlite3_file* file, int region, int size, int extend,
            void volatile** out) {
  CryptFile* f = Cast(file);
  return f->real->pMethods->xShmMap(f->real, region, size, extend, out);
}
int XShmLock(sqlite3_file* file, int offset, int n, int flags) {
  CryptFile* f = Cast(file);
  return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}
void XShmBarrier(sqlite3_file* file) {
  CryptFile* f = Cast(file);
  f->real->pMethods->xShmBarrier(f->real);
}
int XShmUnmap(sqlite3_file* file, int delete_flag) {
  CryptFile* f = Cast(file);
  return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}
int XFetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;  // never hand out mapped (encrypted) bytes
  return SQLITE_OK;
}
int XUnfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kIoMethods = {
    3,
    XClose,
    XRead,
    XWrite,
    XTruncate,
    XSync,
    XFileSize,
    XLock,
    XUnlock,
    XCheckReservedLock,
    XFileControl,
    XSectorSize,
    XDeviceCharacteristics,
    XShmMap,
    XShmLock,
    XShmBarrier,
    XShmUnmap,
    XFetch,
    XUnfetch,
};

// ---- sqlite3_vfs ----

CryptVfs::Impl* ImplOf(sqlite3_vfs* vfs) {
  return static_cast<CryptVfs::Impl*>(vfs->pAppData);
}

int VfsOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file,
            int flags, int* out_flags) {
  CryptVfs::Impl* impl = ImplOf(vfs);
  CryptFile* f = Cast(file);
  std::memset(f, 0, sizeof(CryptFile));
  const bool is_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  const bool is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  if (name == nullptr || (!is_db && !is_wal)) {
    // Temp files, journals, anything anonymous: nothing may reach the disk
    // unencrypted, so palabre never opens them.
    sqlite3_log(SQLITE_CANTOPEN,
                "palabre: refusing to open an unencrypted file");
    return SQLITE_CANTOPEN;
  }
  f->vfs = impl;
  f->role = is_db ? Role::kDatabase : Role::kWal;
  f->real = reinterpret_cast<sqlite3_file*>(
      reinterpret_cast<char*>(f) + ((sizeof(CryptFile) + 7) & ~std::size_t{7}));
  f->cached_header_offset = -1;
  int rc = impl->real->xOpen(impl->real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    return rc;
  }
  // No exception may cross SQLite's C frames: allocate without throwing.
  f->scratch =
      new (std::nothrow) uint8_t[kFrameHeaderBytes + impl->owner->page_size()];
  if (f->scratch == nullptr) {
    f->real->pMethods->xClose(f->real);
    return SQLITE_NOMEM;
  }
  f->base.pMethods = &kIoMethods;
  if (is_wal) impl->wal = f;
  return SQLITE_OK;
}

int VfsDelete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return ImplOf(vfs)->real->xDelete(ImplOf(vfs)->real, name, sync_dir);
}
int VfsAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return ImplOf(vfs)->real->xAccess(ImplOf(vfs)->real, name, flags, out);
}
int VfsFullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return ImplOf(vfs)->real->xFullPathname(ImplOf(vfs)->real, name, n, out);
}
void* VfsDlOpen(sqlite3_vfs* vfs, const char* name) {
  return ImplOf(vfs)->real->xDlOpen(ImplOf(vfs)->real, name);
}
void VfsDlError(sqlite3_vfs* vfs, int n, char* out) {
  ImplOf(vfs)->real->xDlError(ImplOf(vfs)->real, n, out);
}
void (*VfsDlSym(sqlite3_vfs* vfs, void* handle, const char* sym))(void) {
  return ImplOf(vfs)->real->xDlSym(ImplOf(vfs)->real, handle, sym);
}
void VfsDlClose(sqlite3_vfs* vfs, void* handle) {
  ImplOf(vfs)->real->xDlClose(ImplOf(vfs)->real, handle);
}
int VfsRandomness(sqlite3_vfs* vfs, int n, char* out) {
  return ImplOf(vfs)->real->xRandomness(ImplOf(vfs)->real, n, out);
}
int VfsSleep(sqlite3_vfs* vfs, int micros) {
  return ImplOf(vfs)->real->xSleep(ImplOf(vfs)->real, micros);
}
int VfsCurrentTime(sqlite3_vfs* vfs, double* out) {
  return ImplOf(vfs)->real->xCurrentTime(ImplOf(vfs)->real, out);
}
int VfsGetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return ImplOf(vfs)->real->xGetLastError(ImplOf(vfs)->real, n, out);
}
int VfsCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return ImplOf(vfs)->real->xCurrentTimeInt64(ImplOf(vfs)->real, out);
}

std::atomic<uint64_t> g_vfs_counter{0};

}  // namespace

StatusOr<std::unique_ptr<CryptVfs>> CryptVfs::Create(
    const SecureBuffer& master_key, const std::array<uint8_t, 16>& vault_id,
    uint32_t page_size, uint32_t reserve_bytes) {
  PALABRE_RETURN_IF_ERROR(crypto::Initialize());
  if (master_key.size() != crypto::kKeyBytes ||
      reserve_bytes != crypto::kNonceBytes + crypto::kTagBytes ||
      page_size < 1024 || page_size > 65536 ||
      (page_size & (page_size - 1)) != 0) {
    return InternalError("invalid encrypting VFS parameters");
  }
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr || real->iVersion < 2) {
    return InternalError("SQLite has no default VFS");
  }
  std::unique_ptr<CryptVfs> self(new CryptVfs());
  self->page_size_ = page_size;
  self->reserve_bytes_ = reserve_bytes;
  self->name_ = "palabre-crypt-" + std::to_string(g_vfs_counter.fetch_add(1));
  self->impl_ = std::make_unique<Impl>();
  Impl& impl = *self->impl_;
  impl.owner = self.get();
  impl.real = real;
  impl.vault_id = vault_id;
  impl.page_key = SecureBuffer(crypto::kKeyBytes);
  crypto::DeriveSubkey(master_key.data(), 1, "palabrDB", impl.page_key.data());

  sqlite3_vfs& v = impl.vfs;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(((sizeof(CryptFile) + 7) & ~std::size_t{7}) +
                                static_cast<std::size_t>(real->szOsFile));
  v.mxPathname = real->mxPathname;
  v.zName = self->name_.c_str();
  v.pAppData = &impl;
  v.xOpen = VfsOpen;
  v.xDelete = VfsDelete;
  v.xAccess = VfsAccess;
  v.xFullPathname = VfsFullPathname;
  v.xDlOpen = VfsDlOpen;
  v.xDlError = VfsDlError;
  v.xDlSym = VfsDlSym;
  v.xDlClose = VfsDlClose;
  v.xRandomness = VfsRandomness;
  v.xSleep = VfsSleep;
  v.xCurrentTime = VfsCurrentTime;
  v.xGetLastError = VfsGetLastError;
  v.xCurrentTimeInt64 = VfsCurrentTimeInt64;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) {
    return InternalError("could not register the encrypting VFS");
  }
  return self;
}

CryptVfs::~CryptVfs() {
  if (impl_ != nullptr) sqlite3_vfs_unregister(&impl_->vfs);
}

Status CryptVfs::CheckWalTail(sqlite3* db) {
  CryptFile* wal = impl_->wal;
  if (wal == nullptr) return Status::Ok();
  sqlite3_file* main = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &main) !=
          SQLITE_OK ||
      main == nullptr) {
    return InternalError("cannot reach the database file");
  }
  // The WAL-index header (walformat: first copy at offset 0 of the -shm,
  // mxFrame at byte 16, native byte order) says how far SQLite accepted.
  void volatile* shm = nullptr;
  if (main->pMethods->xShmMap(main, 0, 32768, 0, &shm) != SQLITE_OK ||
      shm == nullptr) {
    return Status::Ok();  // no WAL index: no WAL in use
  }
  uint32_t mx_frame = 0;
  std::memcpy(&mx_frame,
              const_cast<const char*>(static_cast<volatile char*>(shm)) + 16,
              sizeof mx_frame);

  uint8_t header[kWalHeaderBytes];
  if (RealRead(wal, header, kWalHeaderBytes, 0) != SQLITE_OK) {
    return Status::Ok();  // empty or short WAL: nothing beyond
  }
  sqlite3_int64 size = 0;
  if (wal->real->pMethods->xFileSize(wal->real, &size) != SQLITE_OK) {
    return InternalError("cannot read the WAL size");
  }
  const sqlite3_int64 frame = FrameBytes(wal);
  const sqlite3_int64 frames = (size - kWalHeaderBytes) / frame;
  // With synchronous=FULL SQLite syncs the WAL at every commit, so only the
  // last transaction can be torn by a crash or power cut. Transactions end
  // at commit frames (marked in the frame header). If an intact commit frame
  // of this WAL generation lies beyond the end of the first transaction past
  // mxFrame, a transaction that was synced has been cut off: damage.
  std::vector<uint8_t> buf(static_cast<std::size_t>(frame));
  bool first_transaction_ended = false;
  for (sqlite3_int64 k = sqlite3_int64{mx_frame} + 1; k <= frames; ++k) {
    const sqlite3_int64 off = kWalHeaderBytes + (k - 1) * frame;
    if (RealRead(wal, buf.data(), static_cast<int>(frame), off) != SQLITE_OK) {
      break;
    }
    const bool same_generation =
        std::memcmp(buf.data() + 8, header + 16, 8) == 0;
    const bool commit = GetU32Be(buf.data() + 4) != 0;
    if (!same_generation || !commit) continue;
    if (first_transaction_ended &&
        impl_->Open(kRoleWal, GetU32Be(buf.data()),
                    buf.data() + kFrameHeaderBytes)) {
      return DataLossError(
          "the write-ahead log was cut before committed data (frame " +
          std::to_string(k) +
          " is intact but an earlier transaction is not): "
          "the vault is damaged or was tampered with");
    }
    first_transaction_ended = true;
  }
  return Status::Ok();
}

}  // namespace palabre

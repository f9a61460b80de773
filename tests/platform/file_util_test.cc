// Tests for platform/file_util.h: atomic writes, bounded reads, removal,
// listing, writability checks and path arithmetic, each against a fresh
// directory made by mkdtemp and removed afterwards.
#include "platform/file_util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace palabre::platform {
namespace {

// A directory under $TMPDIR (or /tmp) that exists for the lifetime of the
// object and is removed with everything in it afterwards.
class TempDir {
 public:
  TempDir() {
    std::string base = "/tmp";
    if (const char* tmp = getenv("TMPDIR"); tmp != nullptr && tmp[0] == '/') {
      base = tmp;
    }
    std::string pattern = base + "/palabre-platform-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    REQUIRE(mkdtemp(buf.data()) != nullptr);
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ignored;
    // Permissions a test took away would stop the removal.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(std::string_view name) const {
    return JoinPath(path_, name);
  }

 private:
  std::string path_;
};

std::vector<std::string> List(const std::string& dir) {
  auto names = ListDirectory(dir);
  REQUIRE(names.ok());
  return *names;
}

std::string Read(const std::string& path) {
  auto contents = ReadFile(path, 1 << 24);
  REQUIRE(contents.ok());
  return *contents;
}

int ModeBits(const std::string& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 07777);
}

// Sets the process umask for the lifetime of the object.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : previous_(umask(mask)) {}
  ~UmaskGuard() { umask(previous_); }
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;

 private:
  mode_t previous_;
};

// Returns to the current directory when destroyed.
class CwdGuard {
 public:
  CwdGuard() : fd_(open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    REQUIRE(fd_ >= 0);
  }
  ~CwdGuard() {
    if (fchdir(fd_) != 0) FAIL_CHECK("cannot return to the previous directory");
    close(fd_);
  }
  CwdGuard(const CwdGuard&) = delete;
  CwdGuard& operator=(const CwdGuard&) = delete;

 private:
  int fd_;
};

TEST_CASE("WriteFileAtomically replaces contents and leaves no temp file",
          "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("keys");
  const std::vector<std::string> versions = {
      "first version", "", "a longer second version\nwith two lines\n",
      std::string("binary\0zero", 11), "short"};
  for (const std::string& contents : versions) {
    CAPTURE(contents);
    REQUIRE(WriteFileAtomically(path, contents).ok());
    CHECK(Read(path) == contents);
    CHECK(List(dir.path()) == std::vector<std::string>{"keys"});
  }
}

TEST_CASE("WriteFileAtomically round-trips contents larger than one chunk",
          "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("big");
  std::string contents(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < contents.size(); ++i) {
    contents[i] = static_cast<char>(i * 131 % 251);
  }
  REQUIRE(WriteFileAtomically(path, contents).ok());
  auto size = FileSize(path);
  REQUIRE(size.ok());
  CHECK(*size == contents.size());
  CHECK(Read(path) == contents);
}

TEST_CASE("WriteFileAtomically gives the file the requested mode",
          "[platform]") {
  UmaskGuard mask(022);
  TempDir dir;
  const std::string path = dir.Join("keys");
  SECTION("default mode is 0600") {
    REQUIRE(WriteFileAtomically(path, "secret").ok());
    CHECK(ModeBits(path) == 0600);
  }
  SECTION("replacing a wider file narrows it to 0600") {
    REQUIRE(WriteFileAtomically(path, "old", 0644).ok());
    CHECK(ModeBits(path) == 0644);
    REQUIRE(WriteFileAtomically(path, "new").ok());
    CHECK(ModeBits(path) == 0600);
  }
  SECTION("explicit modes") {
    for (int mode : {0400, 0600, 0640}) {
      CAPTURE(mode);
      REQUIRE(WriteFileAtomically(path, "x", mode).ok());
      CHECK(ModeBits(path) == mode);
    }
  }
}

TEST_CASE("WriteFileAtomically into a missing directory fails cleanly",
          "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("missing/keys");
  Status status = WriteFileAtomically(path, "secret");
  CHECK(status.code() == StatusCode::kNotFound);
  CHECK_THAT(status.message(), Catch::Contains(path));
  CHECK_THAT(status.message(), Catch::Contains("No such file or directory"));
  CHECK(List(dir.path()).empty());
}

TEST_CASE("WriteFileAtomically over a directory fails and removes its temp",
          "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("keys");
  REQUIRE(CreateDirectories(path).ok());
  Status status = WriteFileAtomically(path, "secret");
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(status.message(), Catch::Contains(path));
  CHECK(List(dir.path()) == std::vector<std::string>{"keys"});
  CHECK(GetPathKind(path) == PathKind::kDirectory);
}

TEST_CASE("ReadFile refuses files larger than max_bytes", "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("data");
  struct Case {
    std::string contents;
    uint64_t max_bytes;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"", 0, true},
      {std::string(100, 'x'), 100, true},
      {std::string(100, 'x'), 99, false},
      {std::string(100, 'x'), 0, false},
      {"abc", 1 << 20, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.contents.size(), c.max_bytes);
    REQUIRE(WriteFileAtomically(path, c.contents).ok());
    auto read = ReadFile(path, c.max_bytes);
    REQUIRE(read.ok() == c.ok);
    if (c.ok) {
      CHECK(*read == c.contents);
    } else {
      CHECK(read.status().code() == StatusCode::kFailedPrecondition);
      CHECK_THAT(read.status().message(), Catch::Contains(path));
    }
  }
}

TEST_CASE("ReadFile and FileSize name the path and the kind of failure",
          "[platform]") {
  TempDir dir;
  const std::string file = dir.Join("file");
  REQUIRE(WriteFileAtomically(file, "12345").ok());
  struct Case {
    std::string path;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {dir.Join("missing"), StatusCode::kNotFound},
      {dir.path(), StatusCode::kFailedPrecondition},  // a directory
      {JoinPath(file, "child"), StatusCode::kFailedPrecondition},  // ENOTDIR
      {"/dev/null", StatusCode::kFailedPrecondition},  // not a regular file
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    auto read = ReadFile(c.path, 1024);
    REQUIRE_FALSE(read.ok());
    CHECK(read.status().code() == c.code);
    CHECK_THAT(read.status().message(), Catch::Contains(c.path));
    auto size = FileSize(c.path);
    REQUIRE_FALSE(size.ok());
    CHECK(size.status().code() == c.code);
    CHECK_THAT(size.status().message(), Catch::Contains(c.path));
  }
  auto size = FileSize(file);
  REQUIRE(size.ok());
  CHECK(*size == 5);
}

TEST_CASE("GetPathKind tells files, directories and missing paths apart",
          "[platform]") {
  TempDir dir;
  const std::string file = dir.Join("file");
  REQUIRE(WriteFileAtomically(file, "x").ok());
  struct Case {
    std::string path;
    PathKind kind;
  };
  const std::vector<Case> cases = {
      {file, PathKind::kFile},
      {dir.path(), PathKind::kDirectory},
      {dir.Join("missing"), PathKind::kMissing},
      {JoinPath(file, "child"), PathKind::kMissing},
      {"/dev/null", PathKind::kOther},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    CHECK(GetPathKind(c.path) == c.kind);
  }
}

TEST_CASE("CreateDirectories makes missing parents and accepts existing ones",
          "[platform]") {
  UmaskGuard mask(022);
  TempDir dir;
  const std::string nested = dir.Join("a/b/c");
  REQUIRE(CreateDirectories(nested).ok());
  CHECK(GetPathKind(nested) == PathKind::kDirectory);
  CHECK(ModeBits(dir.Join("a")) == 0700);
  CHECK(ModeBits(nested) == 0700);
  CHECK(CreateDirectories(nested).ok());
  CHECK(CreateDirectories(dir.Join("a/b/")).ok());
  CHECK(CreateDirectories(dir.Join("a//d/")).ok());
  CHECK(GetPathKind(dir.Join("a/d")) == PathKind::kDirectory);

  REQUIRE(WriteFileAtomically(dir.Join("file"), "x").ok());
  for (const std::string& path : {dir.Join("file"), dir.Join("file/sub")}) {
    CAPTURE(path);
    Status status = CreateDirectories(path);
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK_THAT(status.message(), Catch::Contains(dir.Join("file")));
  }
}

TEST_CASE("SyncDirectory accepts directories only", "[platform]") {
  TempDir dir;
  REQUIRE(WriteFileAtomically(dir.Join("file"), "x").ok());
  CHECK(SyncDirectory(dir.path()).ok());
  CHECK(SyncDirectory(dir.Join("missing")).code() == StatusCode::kNotFound);
  CHECK(SyncDirectory(dir.Join("file")).code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("RemoveFile removes a file and reports a missing one", "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("file");
  REQUIRE(WriteFileAtomically(path, "x").ok());
  REQUIRE(RemoveFile(path).ok());
  CHECK(GetPathKind(path) == PathKind::kMissing);
  Status again = RemoveFile(path);
  CHECK(again.code() == StatusCode::kNotFound);
  CHECK_THAT(again.message(), Catch::Contains(path));
  CHECK(RemoveFile(dir.path()).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("OverwriteAndRemove zeroes the contents before removing the file",
          "[platform]") {
  TempDir dir;
  const std::string path = dir.Join("key");
  const std::string alias = dir.Join("alias");
  const std::string secret(200 * 1024 + 3, 'K');
  REQUIRE(WriteFileAtomically(path, secret).ok());
  // A second link to the same inode shows what happened to the data.
  REQUIRE(link(path.c_str(), alias.c_str()) == 0);

  REQUIRE(OverwriteAndRemove(path).ok());
  CHECK(GetPathKind(path) == PathKind::kMissing);
  CHECK(Read(alias) == std::string(secret.size(), '\0'));
  CHECK(List(dir.path()) == std::vector<std::string>{"alias"});

  CHECK(OverwriteAndRemove(path).code() == StatusCode::kNotFound);
  CHECK(OverwriteAndRemove(dir.path()).code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("RemoveEmptyDirectory removes only empty directories", "[platform]") {
  TempDir dir;
  const std::string empty = dir.Join("empty");
  const std::string full = dir.Join("full");
  REQUIRE(CreateDirectories(empty).ok());
  REQUIRE(CreateDirectories(full).ok());
  REQUIRE(WriteFileAtomically(JoinPath(full, "file"), "x").ok());

  REQUIRE(RemoveEmptyDirectory(empty).ok());
  CHECK(GetPathKind(empty) == PathKind::kMissing);

  Status not_empty = RemoveEmptyDirectory(full);
  CHECK(not_empty.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(not_empty.message(), Catch::Contains(full));
  CHECK_THAT(not_empty.message(), Catch::Contains("not empty"));
  CHECK(GetPathKind(JoinPath(full, "file")) == PathKind::kFile);

  CHECK(RemoveEmptyDirectory(empty).code() == StatusCode::kNotFound);
  CHECK(RemoveEmptyDirectory(JoinPath(full, "file")).code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("ListDirectory returns sorted names without . and ..", "[platform]") {
  TempDir dir;
  for (const char* name : {"b", "a", "C", ".hidden"}) {
    REQUIRE(WriteFileAtomically(dir.Join(name), "x").ok());
  }
  REQUIRE(CreateDirectories(dir.Join("sub")).ok());
  CHECK(List(dir.path()) ==
        std::vector<std::string>{".hidden", "C", "a", "b", "sub"});

  auto missing = ListDirectory(dir.Join("missing"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  auto file = ListDirectory(dir.Join("a"));
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("CheckWritableDirectory tells why a vault directory is unusable",
          "[platform]") {
  TempDir dir;
  CHECK(CheckWritableDirectory(dir.path()).ok());

  Status missing = CheckWritableDirectory(dir.Join("missing"));
  CHECK(missing.code() == StatusCode::kNotFound);
  CHECK_THAT(missing.message(), Catch::Contains(dir.Join("missing")));

  REQUIRE(WriteFileAtomically(dir.Join("file"), "x").ok());
  Status file = CheckWritableDirectory(dir.Join("file"));
  CHECK(file.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(file.message(), Catch::Contains(dir.Join("file")));

  const std::string read_only = dir.Join("read-only");
  REQUIRE(CreateDirectories(read_only).ok());
  REQUIRE(chmod(read_only.c_str(), 0500) == 0);
  Status status = CheckWritableDirectory(read_only);
  if (geteuid() == 0) {
    WARN(
        "running as root: permission bits do not stop root, so the "
        "read-only directory case is not checked");
  } else {
    CHECK(status.code() == StatusCode::kPermissionDenied);
    CHECK_THAT(
        status.message(),
        Catch::Contains("vault directory " + read_only + " is not writable: "));
  }
}

TEST_CASE("JoinPath adds exactly one separator", "[platform]") {
  struct Case {
    std::string dir, name, joined;
  };
  const std::vector<Case> cases = {
      {"/a", "b", "/a/b"},   {"/a/", "b", "/a/b"}, {"/", "b", "/b"},
      {"a", "b/c", "a/b/c"}, {"", "b", "b"},       {"/a", "", "/a/"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.dir, c.name);
    CHECK(JoinPath(c.dir, c.name) == c.joined);
  }
}

TEST_CASE("AbsolutePath normalises lexically", "[platform]") {
  struct Case {
    std::string path, absolute;
  };
  const std::vector<Case> cases = {
      {"/", "/"},
      {"/a/b", "/a/b"},
      {"/a/b/", "/a/b"},
      {"//a///b//", "/a/b"},
      {"/a/./b/.", "/a/b"},
      {"/a/b/../c", "/a/c"},
      {"/a/../../b", "/b"},
      {"/..", "/"},
      {"/a/b/c/../../..", "/"},
      {"/a/.../b", "/a/.../b"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    CHECK(AbsolutePath(c.path) == c.absolute);
  }
}

TEST_CASE("AbsolutePath takes relative paths from the current directory",
          "[platform]") {
  TempDir dir;
  REQUIRE(CreateDirectories(dir.Join("a/b")).ok());
  CwdGuard restore_cwd;
  REQUIRE(chdir(dir.Join("a/b").c_str()) == 0);
  std::vector<char> cwd_buf(4096);
  REQUIRE(getcwd(cwd_buf.data(), cwd_buf.size()) != nullptr);
  const std::string cwd = cwd_buf.data();
  const std::string parent = cwd.substr(0, cwd.rfind('/'));

  struct Case {
    std::string path, absolute;
  };
  const std::vector<Case> cases = {
      {"", cwd},
      {".", cwd},
      {"x", cwd + "/x"},
      {"./x/", cwd + "/x"},
      {"x/../y", cwd + "/y"},
      {"../x", parent + "/x"},
      {"..", parent},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    CHECK(AbsolutePath(c.path) == c.absolute);
  }
}

}  // namespace
}  // namespace palabre::platform

namespace palabre::platform {
namespace {

TEST_CASE("replacing a key file zeroes the replaced copy", "[platform]") {
  char tmpl[] = "/tmp/palabre-shred-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const std::string path = dir + "/keys";
  const std::string link = dir + "/old-link";
  REQUIRE(WriteFileAtomically(path, "old secret bytes").ok());
  // A second name for the old inode lets the test look at it afterwards.
  REQUIRE(::link(path.c_str(), link.c_str()) == 0);
  REQUIRE(ReplaceFileAndShredOld(path, "new contents").ok());
  CHECK(ReadFile(path, 1024).value() == "new contents");
  CHECK(ReadFile(link, 1024).value() == std::string(16, '\0'));
  // A missing file is simply created.
  REQUIRE(ReplaceFileAndShredOld(dir + "/fresh", "x").ok());
  CHECK(ReadFile(dir + "/fresh", 16).value() == "x");
  for (const char* name : {"/keys", "/old-link", "/fresh"}) {
    REQUIRE(RemoveFile(dir + name).ok());
  }
  REQUIRE(RemoveEmptyDirectory(dir).ok());
}

}  // namespace
}  // namespace palabre::platform

// File helpers shared by every test module: scratch directories, whole-file
// reads and writes, byte flips for tamper tests, directory snapshots. A
// failure here fails the calling test.
#ifndef PALABRE_TESTS_COMMON_FILES_UTIL_H_
#define PALABRE_TESTS_COMMON_FILES_UTIL_H_

#include <map>
#include <string>

namespace palabre::testing {

// The passphrase test vaults are made with (and a second, different one).
inline constexpr char kPassphrase[] = "a long enough passphrase";
inline constexpr char kOtherPassphrase[] = "another passphrase, also long";

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object dies (permissions are restored first so removal works).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

// Whole-file read and write.
std::string ReadAll(const std::string& path);
void WriteAll(const std::string& path, const std::string& bytes);
// Flips the lowest bit of the byte at `offset`.
void FlipByte(const std::string& path, long offset);
// Contents of every entry of `dir` by name: a regular file's bytes, or
// "<dir>" / "<other>". Empty map if `dir` does not exist.
std::map<std::string, std::string> Snapshot(const std::string& dir);
// Copies every regular file of `from` into directory `to` (created).
void CopyFiles(const std::string& from, const std::string& to);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_COMMON_FILES_UTIL_H_

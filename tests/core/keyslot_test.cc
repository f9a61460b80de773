// The keyslot file: round trip, wrong secrets, and hostile files. Every
// single-byte change must be refused (kDataLoss or kUnauthenticated), never
// yield a key, never crash.
#include "core/keyslot.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "core/recovery_code.h"

namespace palabre {
namespace {

KdfParams Fast() { return ParamsForLevel(KdfLevel::kInteractive); }

KeyFile MakeFile(const SecureBuffer& master) {
  KeyFile file;
  file.vault_id.fill(0x42);
  REQUIRE(WrapMasterKey(file, SlotKind::kPassphrase, "passphrase one", Fast(),
                        master)
              .ok());
  REQUIRE(WrapMasterKey(file, SlotKind::kRecoveryCode, "CODE", Fast(), master)
              .ok());
  return file;
}

SecureBuffer Master() {
  SecureBuffer master(32);
  for (int i = 0; i < 32; ++i) master.data()[i] = static_cast<uint8_t>(i * 7);
  return master;
}

TEST_CASE("a keys file round-trips and unwraps with either secret",
          "[core][keyslot]") {
  const SecureBuffer master = Master();
  const std::string bytes = SerializeKeyFile(MakeFile(master));
  CHECK(bytes.size() == 40 + 2 * 108 + 32);
  auto parsed = ParseKeyFile(bytes);
  REQUIRE(parsed.ok());
  for (auto [kind, secret] :
       {std::pair{SlotKind::kPassphrase, "passphrase one"},
        std::pair{SlotKind::kRecoveryCode, "CODE"}}) {
    auto key = UnwrapMasterKey(*parsed, kind, secret);
    REQUIRE(key.ok());
    CHECK(std::memcmp(key->data(), master.data(), 32) == 0);
  }
  CHECK(UnwrapMasterKey(*parsed, SlotKind::kPassphrase, "passphrase two")
            .status()
            .code() == StatusCode::kUnauthenticated);
  CHECK(UnwrapMasterKey(*parsed, SlotKind::kRecoveryCode, "passphrase one")
            .status()
            .code() == StatusCode::kUnauthenticated);
}

TEST_CASE("no single-byte change to a keys file yields a key",
          "[core][keyslot]") {
  const SecureBuffer master = Master();
  const std::string pristine = SerializeKeyFile(MakeFile(master));
  for (std::size_t i = 0; i < pristine.size(); ++i) {
    std::string bytes = pristine;
    bytes[i] ^= 0x20;
    auto parsed = ParseKeyFile(bytes);
    INFO("byte " << i);
    REQUIRE(!parsed.ok());  // the checksum catches every change
    CHECK(parsed.status().code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("an edited slot fails to unwrap even with a fixed checksum",
          "[core][keyslot]") {
  // Someone who recomputes the checksum still cannot change the slot's
  // parameters or the header: they are bound as associated data.
  const SecureBuffer master = Master();
  const KeyFile original = MakeFile(master);
  struct Case {
    const char* what;
    void (*edit)(KeyFile&);
  };
  const Case cases[] = {
      {"vault id", [](KeyFile& f) { f.vault_id[0] ^= 1; }},
      {"salt", [](KeyFile& f) { f.slots[0].salt[3] ^= 1; }},
      {"nonce", [](KeyFile& f) { f.slots[0].nonce[5] ^= 1; }},
      {"wrapped key", [](KeyFile& f) { f.slots[0].wrapped[9] ^= 1; }},
      {"opslimit", [](KeyFile& f) { f.slots[0].kdf.opslimit += 1; }},
  };
  for (const Case& c : cases) {
    KeyFile edited = original;
    c.edit(edited);
    auto parsed = ParseKeyFile(SerializeKeyFile(edited));
    REQUIRE(parsed.ok());
    INFO(c.what);
    CHECK(UnwrapMasterKey(*parsed, SlotKind::kPassphrase, "passphrase one")
              .status()
              .code() == StatusCode::kUnauthenticated);
  }
}

TEST_CASE("hostile keys files are refused before any key derivation",
          "[core][keyslot]") {
  const SecureBuffer master = Master();
  KeyFile huge = MakeFile(master);
  huge.slots[0].kdf.memlimit = uint64_t{1} << 40;  // 1 TiB of Argon2 memory
  KeyFile no_slots = MakeFile(master);
  no_slots.slots.clear();
  KeyFile wrong_page = MakeFile(master);
  wrong_page.page_size = 1024;
  KeyFile newer = MakeFile(master);
  newer.version = 2;
  struct Case {
    const char* what;
    std::string bytes;
    StatusCode code;
  };
  const Case cases[] = {
      {"empty", "", StatusCode::kDataLoss},
      {"garbage", std::string(288, '\x5a'), StatusCode::kDataLoss},
      {"truncated", SerializeKeyFile(MakeFile(master)).substr(0, 200),
       StatusCode::kDataLoss},
      {"1 TiB memlimit", SerializeKeyFile(huge), StatusCode::kDataLoss},
      {"no slots", SerializeKeyFile(no_slots), StatusCode::kDataLoss},
      {"other page size", SerializeKeyFile(wrong_page), StatusCode::kDataLoss},
      {"newer format", SerializeKeyFile(newer),
       StatusCode::kFailedPrecondition},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(ParseKeyFile(c.bytes).status().code() == c.code);
  }
}

TEST_CASE("recovery codes are 32 base32 digits and normalise typing slips",
          "[core][keyslot]") {
  const SecureBuffer code = GenerateRecoveryCode();
  const std::string text(code.view());
  REQUIRE(text.size() == 39);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 5 == 4) {
      CHECK(text[i] == '-');
    } else {
      CHECK(std::string("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(text[i]) !=
            std::string::npos);
    }
  }
  CHECK(std::string(GenerateRecoveryCode().view()) != text);
  struct Case {
    const char* typed;
    const char* canonical;  // nullptr: refused
  };
  const Case cases[] = {
      {"0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ",
       "0123456789ABCDEFGHJKMNPQRSTVWXYZ"},
      {"o123 4567 89ab cdef ghjk mnpq rstv wxyz",
       "0123456789ABCDEFGHJKMNPQRSTVWXYZ"},
      {"I1L1-0000-0000-0000-0000-0000-0000-0000",
       "11110000000000000000000000000000"},
      {"0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXY", nullptr},    // too short
      {"0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ0", nullptr},  // too long
      {"U123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ", nullptr},  // U is not a digit
      {"", nullptr},
  };
  for (const Case& c : cases) {
    INFO(c.typed);
    auto normal = NormalizeRecoveryCode(c.typed);
    if (c.canonical == nullptr) {
      CHECK(normal.status().code() == StatusCode::kInvalidArgument);
    } else {
      REQUIRE(normal.ok());
      CHECK(normal->view() == c.canonical);
    }
  }
}

}  // namespace
}  // namespace palabre

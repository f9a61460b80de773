// Request signing bytes and the binary bodies of the server protocol
// (sync/protocol.h).
#include "sync/protocol.h"

#include <nlohmann/json.hpp>

#include "core/byte_order.h"
#include "core/device_key.h"
#include "core/entry_seal.h"
#include "sync/envelope.h"

namespace palabre::sync {
namespace {

constexpr char kRequestDomain[] = "palabre.request/1";  // + its NUL
constexpr std::size_t kMagicBytes = 4;

// Reads from a hostile buffer; every read checks what is left.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Take(std::size_t n, std::string_view* out) {
    if (in_.size() - pos_ < n) return false;
    *out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool U8(uint8_t* v) {
    std::string_view b;
    if (!Take(1, &b)) return false;
    *v = static_cast<uint8_t>(b[0]);
    return true;
  }
  bool U32(uint32_t* v) {
    std::string_view b;
    if (!Take(4, &b)) return false;
    *v = GetU32(b);
    return true;
  }
  bool U64(uint64_t* v) {
    std::string_view b;
    if (!Take(8, &b)) return false;
    *v = GetU64(b);
    return true;
  }
  std::size_t left() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

bool Magic(Reader& r, const char* magic, uint8_t want = 1) {
  std::string_view m;
  uint8_t version = 0;
  return r.Take(kMagicBytes, &m) && m == std::string_view(magic, 4) &&
         r.U8(&version) && version == want;
}

Status Malformed(const char* what) {
  return InvalidArgumentError(std::string("a malformed ") + what);
}

}  // namespace

std::string RequestSigningBytes(std::string_view org_id_hex,
                                std::string_view method,
                                std::string_view target, std::string_view body,
                                uint64_t counter) {
  std::string out(kRequestDomain, sizeof kRequestDomain);
  out += FromHex(org_id_hex);
  out += method;
  out += '\n';
  out += target;
  out += '\n';
  out += CiphertextHash(body);  // BLAKE2b-256
  PutU64(out, counter);
  return out;
}

namespace {

constexpr std::size_t kEnvelopePrefixBytes = 5;  // "PLEV" and the version
constexpr std::size_t kHlcBytes = 8;

// The envelopes decoded, if they are one device's chain in order (each
// prev hash the hash of the one before): what the compact form can carry.
bool IsOneChain(const std::vector<std::string>& envelopes,
                std::vector<Envelope>* decoded) {
  if (envelopes.empty()) return false;
  for (const std::string& bytes : envelopes) {
    StatusOr<Envelope> env = DecodeEnvelope(bytes);
    if (!env.ok()) return false;
    if (!decoded->empty()) {
      const Envelope& last = decoded->back();
      if (env->device_id != last.device_id || env->seq != last.seq + 1 ||
          env->prev_hash != EnvelopeEntryHash(last)) {
        return false;
      }
    }
    decoded->push_back(std::move(*env));
  }
  return true;
}

}  // namespace

std::string EncodeBatch(const std::vector<std::string>& envelopes) {
  std::vector<Envelope> chain;
  if (IsOneChain(envelopes, &chain)) {
    // Version 2: the device, first seq and first prev hash once; each
    // envelope without its magic and header but for its hlc.
    std::string out = "PLBT";
    out += '\x02';
    out += FromHex(chain.front().device_id);
    PutU64(out, static_cast<uint64_t>(chain.front().seq));
    out += chain.front().prev_hash;
    PutU32(out, static_cast<uint32_t>(envelopes.size()));
    for (std::size_t i = 0; i < envelopes.size(); ++i) {
      const std::string_view tail = std::string_view(envelopes[i]).substr(
          kEnvelopePrefixBytes + kEntryHeaderBytes);
      PutU32(out, static_cast<uint32_t>(kHlcBytes + tail.size()));
      PutU64(out, static_cast<uint64_t>(chain[i].hlc));
      out += tail;
    }
    return out;
  }
  std::string out = "PLBT";
  out += '\x01';
  PutU32(out, static_cast<uint32_t>(envelopes.size()));
  for (const std::string& e : envelopes) {
    PutU32(out, static_cast<uint32_t>(e.size()));
    out += e;
  }
  return out;
}

namespace {

StatusOr<std::vector<std::string>> DecodeCompactBatch(Reader& r) {
  std::string_view device, prev;
  uint64_t seq = 0;
  uint32_t count = 0;
  if (!r.Take(16, &device) || !r.U64(&seq) || !r.Take(32, &prev) ||
      !r.U32(&count) || seq == 0 ||
      seq > static_cast<uint64_t>(INT64_MAX) - count ||
      count > r.left() / (kBatchItemOverhead + kHlcBytes)) {
    return Malformed("batch");
  }
  const std::string device_id = ToHex(device);
  std::string prev_hash(prev);
  std::vector<std::string> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t n = 0;
    uint64_t hlc = 0;
    std::string_view tail;
    if (!r.U32(&n) || n < kHlcBytes || !r.U64(&hlc) ||
        !r.Take(n - kHlcBytes, &tail) ||
        hlc > static_cast<uint64_t>(INT64_MAX)) {
      return Malformed("batch");
    }
    std::string envelope = "PLEV";
    envelope += '\x01';
    envelope += EntryHeader(device_id, static_cast<int64_t>(seq + i),
                            prev_hash, static_cast<int64_t>(hlc));
    envelope += tail;
    StatusOr<Envelope> env = DecodeEnvelope(envelope);
    out.push_back(std::move(envelope));
    // A broken envelope ends the chain: it is handed on (and refused as
    // malformed, after the ones before it), the rest cannot be rebuilt.
    if (!env.ok()) return out;
    prev_hash = EnvelopeEntryHash(*env);
  }
  if (r.left() != 0) return Malformed("batch");
  return out;
}

}  // namespace

StatusOr<std::vector<std::string>> DecodeBatch(std::string_view body) {
  Reader r(body);
  std::string_view magic;
  uint8_t version = 0;
  if (!r.Take(kMagicBytes, &magic) || magic != "PLBT" || !r.U8(&version)) {
    return Malformed("batch");
  }
  if (version == 2) return DecodeCompactBatch(r);
  uint32_t count = 0;
  if (version != 1 || !r.U32(&count)) return Malformed("batch");
  // Each item takes at least its length field: a count the body cannot
  // hold is refused before anything is reserved.
  if (count > r.left() / kBatchItemOverhead) return Malformed("batch");
  std::vector<std::string> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t n = 0;
    std::string_view e;
    if (!r.U32(&n) || !r.Take(n, &e)) return Malformed("batch");
    out.emplace_back(e);
  }
  if (r.left() != 0) return Malformed("batch");
  return out;
}

std::string EncodePushReply(const PushReply& reply) {
  std::string out = "PLRS";
  out += '\x02';
  PutU32(out, static_cast<uint32_t>(reply.receipts.size()));
  for (const Receipt& receipt : reply.receipts) out += EncodeReceipt(receipt);
  std::string refusal;
  if (!reply.refused_code.empty()) {
    refusal = nlohmann::json{{"code", reply.refused_code},
                             {"message", reply.refused_message},
                             {"device", reply.refused_device},
                             {"seq", reply.refused_seq}}
                  .dump(-1, ' ', false,
                        nlohmann::json::error_handler_t::replace);
  }
  PutU32(out, static_cast<uint32_t>(refusal.size()));
  out += refusal;
  return out;
}

StatusOr<PushReply> DecodePushReply(std::string_view body) {
  Reader r(body);
  uint32_t count = 0;
  if (!Magic(r, "PLRS", 2) || !r.U32(&count) ||
      count > r.left() / kReceiptWireBytes) {
    return Malformed("push reply");
  }
  PushReply reply;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view b;
    if (!r.Take(kReceiptWireBytes, &b)) return Malformed("push reply");
    PALABRE_ASSIGN_OR_RETURN(Receipt receipt, DecodeReceipt(b));
    reply.receipts.push_back(std::move(receipt));
  }
  uint32_t n = 0;
  std::string_view refusal;
  if (!r.U32(&n) || !r.Take(n, &refusal) || r.left() != 0) {
    return Malformed("push reply");
  }
  if (n > 0) {
    const nlohmann::json j = nlohmann::json::parse(refusal, nullptr, false);
    if (!j.is_object() || !j.contains("code") || !j["code"].is_string() ||
        !j.contains("message") || !j["message"].is_string() ||
        !j.contains("device") || !j["device"].is_string() ||
        !j.contains("seq") || !j["seq"].is_number_integer()) {
      return Malformed("push reply");
    }
    reply.refused_code = j["code"].get<std::string>();
    reply.refused_message = j["message"].get<std::string>();
    reply.refused_device = j["device"].get<std::string>();
    reply.refused_seq = j["seq"].get<int64_t>();
    if (reply.refused_code.empty()) return Malformed("push reply");
  }
  return reply;
}

std::string EncodePullPage(const PullPage& page) {
  std::string out = "PLPL";
  out += '\x01';
  PutU64(out, static_cast<uint64_t>(page.next_cursor));
  out += page.more ? '\x01' : '\x00';
  PutU32(out, static_cast<uint32_t>(page.items.size()));
  for (const PulledEnvelope& item : page.items) {
    PutU64(out, static_cast<uint64_t>(item.cursor));
    PutU32(out, static_cast<uint32_t>(item.envelope.size()));
    out += item.envelope;
  }
  return out;
}

StatusOr<PullPage> DecodePullPage(std::string_view body) {
  Reader r(body);
  uint64_t next = 0;
  uint8_t more = 0;
  uint32_t count = 0;
  if (!Magic(r, "PLPL") || !r.U64(&next) || !r.U8(&more) || more > 1 ||
      !r.U32(&count) || count > r.left() / 12 ||
      next > static_cast<uint64_t>(INT64_MAX)) {
    return Malformed("pull page");
  }
  PullPage page;
  page.next_cursor = static_cast<int64_t>(next);
  page.more = more == 1;
  int64_t last = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t cursor = 0;
    uint32_t n = 0;
    std::string_view e;
    if (!r.U64(&cursor) || !r.U32(&n) || !r.Take(n, &e) ||
        cursor > static_cast<uint64_t>(INT64_MAX) ||
        static_cast<int64_t>(cursor) <= last) {
      return Malformed("pull page");
    }
    last = static_cast<int64_t>(cursor);
    page.items.push_back({last, std::string(e)});
  }
  if (r.left() != 0 || last > page.next_cursor) return Malformed("pull page");
  return page;
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  return nlohmann::json{{"error",
                         {{"code", std::string(code)},
                          {"message", std::string(message)}}}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace palabre::sync

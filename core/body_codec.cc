// Body compression against a preset dictionary (see body_codec.h).
//
// The dictionary below is stored-format data, like a magic number: every
// body written with method 2 needs exactly these bytes to inflate. Do not
// edit it; add a method 3 with a new dictionary instead.
#include "core/body_codec.h"

#include <zlib.h>

#include <cstdint>

namespace palabre {
namespace {

constexpr char kRaw = 0;
constexpr char kZlib = 1;
constexpr char kZlibDictV1 = 2;
constexpr std::size_t kHeaderBytes = 5;  // method + inflated size

// Deflate keeps the last 32 KiB as its window and finds the closest
// matches cheapest, so the likeliest strings come last: words of the
// vocabularies and common words of the working languages first, then the
// JSON skeletons of a session, a commitment and a follow-up as the record
// code writes them (keys sorted, compact).
constexpr char kDictionaryV1[] =
    // Common words in French and English.
    " de la le les des du et en pour dans sur avec par une un au aux que qui"
    " est sont ont été pas plus the of and to in for on with by from that"
    " will be was were are has have not this at as police gendarmerie"
    " commune mairie préfet région village quartier comité réunion session"
    " sécurité dialogue jeunes femmes leaders chefs autorités services"
    " rapport suivi engagement engagements committee meeting security youth"
    " women leaders authorities community follow-up report office ministry"
    " Ministère Ministry Direction régionale Service local Police nationale"
    " Gendarmerie Tribunal Mairie de Préfecture Conseil Governorate"
    " Directorate council "
    // Vocabularies: session kinds, stakeholder groups, concern categories,
    // statuses, participation keys, attribution rules.
    "\"community_dialogue\"\"security_advisory_committee\""
    "\"perception_survey\"\"hybrid_justice_hearing\"\"training\""
    "\"security_forces\"\"local_authority\"\"traditional_leaders\""
    "\"religious_leaders\"\"cso\"\"youth\"\"womens_groups\"\"idps\""
    "\"persons_with_disabilities\"\"media\"\"private_sector\"\"other\""
    "\"police_conduct\"\"armed_groups\"\"gender_based_violence\""
    "\"land_dispute\"\"intercommunal_conflict\"\"corruption\""
    "\"justice_access\"\"detention\"\"displacement\"\"youth_unemployment\""
    "\"trafficking\"\"misinformation\"\"hrd_safety\"\"service_delivery\""
    "\"chatham_house\"\"on_record\"\"not_for_attribution\""
    "\"undisclosed\"\"languages\":[\"fr\",\"en\",\"ar\",\"ku\",\"ka\","
    "\"ru\",\"bm\",\"son\",\"ff\",\"ha\",\"tmh\"]"
    // A session.
    "{\"agenda\":[\"Follow-up on the commitments of the previous meeting\"],"
    "\"agreements\":[\"\"],\"attribution\":\"chatham_house\","
    "\"concerns\":[{\"category\":\"police_conduct\","
    "\"raised_by\":\"womens_groups\",\"summary\":\"\"},{\"category\":\""
    "\"ended_at\":\"2026-01-01T10:00:00+00:00\","
    "\"facilitators\":[\"\"],\"format\":\"palabre.session/1\","
    "\"kind\":\"community_dialogue\",\"languages\":[\"fr\"],"
    "\"next_meeting\":\"2026-01-01\",\"notes\":\"\","
    "\"participants\":{\"by_age\":{\"18_35\":1,\"36_plus\":1,"
    "\"under_18\":1,\"undisclosed\":1},\"by_group\":{\"cso\":1,"
    "\"local_authority\":1,\"security_forces\":1,\"youth\":1},"
    "\"by_sex\":{\"female\":1,\"male\":1,\"other\":1}},"
    "\"place\":{\"commune\":\"\",\"country\":\"ML\",\"region\":\"\","
    "\"site\":\"\"},\"started_at\":\"2026-01-01T08:00:00+00:00\","
    "\"title\":\"\"}"
    // A commitment.
    "{\"action\":\"\",\"due\":\"2026-01-01\",\"owner\":\"\","
    "\"position\":0,\"session\":\""
    // A follow-up.
    "{\"commitment\":\"\",\"date\":\"2026-01-01\",\"note\":\"\","
    "\"status\":\"in_progress\"}{\"commitment\":\"\",\"date\":\"2026-"
    "\",\"status\":\"done\"}\",\"status\":\"open\"}\",\"status\":\"dropped\"}"
    "\",\"status\":\"blocked\"}";

void PutSize(std::string& out, uint32_t n) {
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
}

// Deflates `body` against the dictionary into out[kHeaderBytes...];
// false if zlib fails or the result is not smaller than the body.
bool Deflate(std::string_view body, std::string& out) {
  z_stream z{};
  if (deflateInit(&z, 6) != Z_OK) return false;
  const std::string_view dict = BodyDictionaryV1();
  bool ok =
      deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dict.data()),
                           static_cast<uInt>(dict.size())) == Z_OK;
  const uLong bound = deflateBound(&z, body.size());
  out.assign(kHeaderBytes + bound, '\0');
  if (ok) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data() + kHeaderBytes);
    z.avail_out = static_cast<uInt>(bound);
    ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
  }
  const std::size_t written = bound - z.avail_out;
  deflateEnd(&z);
  if (!ok || written + kHeaderBytes >= body.size() + 1) return false;
  out.resize(kHeaderBytes + written);
  return true;
}

}  // namespace

std::string_view BodyDictionaryV1() {
  return std::string_view(kDictionaryV1, sizeof kDictionaryV1 - 1);
}

std::string PackBody(std::string_view body) {
  std::string out;
  if (body.size() >= 16 && body.size() <= kMaxStoredBodyBytes &&
      Deflate(body, out)) {
    out[0] = kZlibDictV1;
    PutSize(out, static_cast<uint32_t>(body.size()));
    return out;
  }
  out.assign(1, kRaw);
  out.append(body);
  return out;
}

StatusOr<std::string> UnpackBody(std::string_view stored) {
  if (stored.empty()) return DataLossError("empty stored body");
  if (stored[0] == kRaw) return std::string(stored.substr(1));
  if ((stored[0] != kZlib && stored[0] != kZlibDictV1) ||
      stored.size() < kHeaderBytes) {
    return DataLossError("unknown body encoding");
  }
  const auto* p = reinterpret_cast<const uint8_t*>(stored.data());
  const std::size_t n = (std::size_t{p[1]} << 24) | (std::size_t{p[2]} << 16) |
                        (std::size_t{p[3]} << 8) | p[4];
  if (n > kMaxStoredBodyBytes) return DataLossError("stored body too large");
  std::string out(n, '\0');
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return DataLossError("inflate failed");
  z.next_in = const_cast<Bytef*>(p + kHeaderBytes);
  z.avail_in = static_cast<uInt>(stored.size() - kHeaderBytes);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(n);
  int rc = inflate(&z, Z_FINISH);
  if (rc == Z_NEED_DICT && stored[0] == kZlibDictV1) {
    const std::string_view dict = BodyDictionaryV1();
    rc = inflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dict.data()),
                              static_cast<uInt>(dict.size()));
    if (rc == Z_OK) rc = inflate(&z, Z_FINISH);
  }
  const bool whole = rc == Z_STREAM_END && z.avail_out == 0 && z.avail_in == 0;
  inflateEnd(&z);
  if (!whole) return DataLossError("stored body does not inflate");
  return out;
}

}  // namespace palabre

// Terminal rendering of sessions (see session_text.h).
#include "cli/session_text.h"

#include <sstream>

#include "cli/output.h"

namespace palabre::cli {
namespace {

using nlohmann::json;

std::string Str(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const json& v = object[key];
  return v.is_string() ? v.get<std::string>() : "";
}

// Multi-line text indented under a heading.
void Block(std::ostringstream& out, const std::string& text) {
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) out << "    " << OneLine(line) << '\n';
}

void List(std::ostringstream& out, const char* heading, const json& items) {
  if (!items.is_array() || items.empty()) return;
  out << heading << ":\n";
  for (const json& item : items) {
    if (item.is_string())
      out << "  - " << OneLine(item.get<std::string>()) << '\n';
  }
}

void Counts(std::ostringstream& out, const char* label, const json& counts) {
  if (!counts.is_object() || counts.empty()) return;
  out << "  " << label << ":";
  for (auto it = counts.begin(); it != counts.end(); ++it) {
    out << ' ' << it.key() << ' ' << it.value().dump() << ';';
  }
  out.seekp(-1, std::ios_base::cur);
  out << '\n';
}

}  // namespace

std::string PlaceText(const std::string& country, const std::string& region,
                      const std::string& commune) {
  std::string out = country;
  if (!region.empty()) out += " / " + region;
  if (!commune.empty() && commune != region) out += " / " + commune;
  return OneLine(out);
}

std::string SessionLine(const SessionSummary& s) {
  std::ostringstream out;
  out << ShortId(s.id) << "  " << s.date << "  " << s.kind;
  for (std::size_t i = s.kind.size(); i < 28; ++i) out << ' ';
  out << "  " << PlaceText(s.country, s.region, s.commune) << "  "
      << OneLine(s.title) << "  (" << s.open_commitments << " open)";
  // In an organisation's vault: the device the session came from.
  if (!s.device_name.empty()) {
    out << "  [" << OneLine(s.device_name);
    if (s.device_revoked_at > 0) out << ", device revoked";
    out << "]";
  }
  return out.str();
}

std::string SessionText(const json& s) {
  std::ostringstream out;
  out << OneLine(Str(s, "title")) << '\n';
  out << "id:            " << Str(s, "id") << '\n';
  out << "kind:          " << Str(s, "kind") << '\n';
  out << "started:       " << Str(s, "started_at") << '\n';
  if (!Str(s, "ended_at").empty()) {
    out << "ended:         " << Str(s, "ended_at") << '\n';
  }
  const json place = s.contains("place") ? s["place"] : json::object();
  out << "place:         "
      << PlaceText(Str(place, "country"), Str(place, "region"),
                   Str(place, "commune"))
      << '\n';
  if (!Str(place, "site").empty()) {
    out << "site:          " << OneLine(Str(place, "site"))
        << "  (sensitive)\n";
  }
  auto joined = [&](const char* key) {
    std::string text;
    if (s.contains(key) && s[key].is_array()) {
      for (const json& v : s[key]) {
        if (!v.is_string()) continue;
        if (!text.empty()) text += ", ";
        text += OneLine(v.get<std::string>());
      }
    }
    return text;
  };
  if (!joined("languages").empty()) {
    out << "languages:     " << joined("languages") << '\n';
  }
  if (!joined("facilitators").empty()) {
    out << "facilitators:  " << joined("facilitators") << '\n';
  }
  out << "attribution:   " << Str(s, "attribution") << '\n';
  if (s.contains("participants") && s["participants"].is_object()) {
    const json& p = s["participants"];
    out << "participants:\n";
    Counts(out, "by sex", p.contains("by_sex") ? p["by_sex"] : json());
    Counts(out, "by age", p.contains("by_age") ? p["by_age"] : json());
    Counts(out, "by group", p.contains("by_group") ? p["by_group"] : json());
  }
  List(out, "agenda", s.contains("agenda") ? s["agenda"] : json());
  if (s.contains("concerns") && s["concerns"].is_array() &&
      !s["concerns"].empty()) {
    out << "concerns:\n";
    for (const json& c : s["concerns"]) {
      out << "  - " << Str(c, "category");
      if (!Str(c, "raised_by").empty()) {
        out << " (raised by " << Str(c, "raised_by") << ")";
      }
      out << ": " << OneLine(Str(c, "summary")) << '\n';
    }
  }
  List(out, "agreements", s.contains("agreements") ? s["agreements"] : json());
  if (s.contains("commitments") && s["commitments"].is_array() &&
      !s["commitments"].empty()) {
    out << "commitments:\n";
    for (const json& c : s["commitments"]) {
      out << "  " << ShortId(Str(c, "id")) << "  " << Str(c, "status");
      if (!Str(c, "due").empty()) out << ", due " << Str(c, "due");
      out << "  " << OneLine(Str(c, "owner")) << ": "
          << OneLine(Str(c, "action")) << '\n';
    }
  }
  if (!Str(s, "notes").empty()) {
    out << "notes:\n";
    Block(out, Str(s, "notes"));
  }
  if (!Str(s, "next_meeting").empty()) {
    out << "next meeting:  " << Str(s, "next_meeting") << '\n';
  }
  out << "recorded:      " << Str(s, "created_at");
  if (Str(s, "updated_at") != Str(s, "created_at")) {
    out << " (updated " << Str(s, "updated_at") << ")";
  }
  out << '\n';
  return out.str();
}

}  // namespace palabre::cli

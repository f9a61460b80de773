// The web app's string tables on the server side (ui/strings.h).
#include "ui/strings.h"

#include "ui/assets.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

// Every embedded table (ui/assets/i18n/<language>.json), parsed.
std::map<std::string, json, std::less<>> ParseAll() {
  std::map<std::string, json, std::less<>> tables;
  constexpr std::string_view kDir = "i18n/";
  for (const Asset& a : AllAssets()) {
    if (a.name.substr(0, kDir.size()) != kDir || !a.name.ends_with(".json")) {
      continue;
    }
    json table = json::parse(a.body, nullptr, /*allow_exceptions=*/false);
    if (!table.is_object()) continue;
    tables.emplace(std::string(a.name.substr(kDir.size(),
                                             a.name.size() - kDir.size() - 5)),
                   std::move(table));
  }
  return tables;
}

const json* Lookup(const json& table, const std::string& key) {
  auto it = table.find(key);
  return it != table.end() && it->is_string() ? &*it : nullptr;
}

}  // namespace

const json* StringTable(std::string_view language) {
  static const auto* const kTables =
      new std::map<std::string, json, std::less<>>(ParseAll());
  const bool word = !language.empty() && language.size() <= 16 &&
                    language.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") ==
                        std::string_view::npos;
  if (!word) return nullptr;
  auto it = kTables->find(language);
  return it == kTables->end() ? nullptr : &it->second;
}

Strings Strings::For(std::string_view language) {
  static const json kEmpty = json::object();
  Strings s;
  s.fallback_ = StringTable("en");
  if (s.fallback_ == nullptr) s.fallback_ = &kEmpty;
  s.table_ = StringTable(language);
  s.language_ = s.table_ != nullptr ? std::string(language) : "en";
  if (s.table_ == nullptr) s.table_ = s.fallback_;
  return s;
}

std::string Strings::Get(
    std::string_view key,
    const std::map<std::string, std::string>& values) const {
  const std::string name(key);
  const json* text = Lookup(*table_, name);
  if (text == nullptr) text = Lookup(*fallback_, name);
  if (text == nullptr) return name;
  const std::string& tmpl = text->get_ref<const std::string&>();
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      const std::size_t end = tmpl.find('}', i);
      if (end != std::string::npos) {
        auto it = values.find(tmpl.substr(i + 1, end - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = end;
          continue;
        }
      }
    }
    out += tmpl[i];
  }
  return out;
}

std::string Strings::Word(std::string_view prefix,
                          std::string_view word) const {
  const std::string key = std::string(prefix) + "." + std::string(word);
  const std::string text = Get(key);
  return text == key ? std::string(word) : text;
}

}  // namespace palabre::ui

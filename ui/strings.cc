// The web app's string tables on the server side (ui/strings.h).
#include "ui/strings.h"

#include "ui/assets.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

json Table(std::string_view language) {
  const Asset* asset = FindAsset("i18n/" + std::string(language) + ".json");
  if (asset == nullptr) return json::object();
  json table = json::parse(asset->body, nullptr, /*allow_exceptions=*/false);
  return table.is_object() ? table : json::object();
}

const json* Lookup(const json& table, const std::string& key) {
  auto it = table.find(key);
  return it != table.end() && it->is_string() ? &*it : nullptr;
}

}  // namespace

Strings Strings::For(std::string_view language) {
  Strings s;
  const bool word = !language.empty() && language.size() <= 16 &&
                    language.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") ==
                        std::string_view::npos;
  s.table_ = word ? Table(language) : json::object();
  s.fallback_ = Table("en");
  s.language_ = s.table_.empty() ? "en" : std::string(language);
  if (s.table_.empty()) s.table_ = s.fallback_;
  return s;
}

std::string Strings::Get(
    std::string_view key,
    const std::map<std::string, std::string>& values) const {
  const std::string name(key);
  const json* text = Lookup(table_, name);
  if (text == nullptr) text = Lookup(fallback_, name);
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

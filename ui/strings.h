// The web app's string tables (ui/assets/i18n/<language>.json), read on
// the server side for the few texts it writes itself: the titles, labels
// and descriptions inside the SVG charts of the brief and report views,
// which core draws (core/svg_chart.h) and the page shows as they come.
//
// A missing language falls back to English, a missing key to the key
// itself, so that a gap shows rather than breaks.
#ifndef PALABRE_UI_STRINGS_H_
#define PALABRE_UI_STRINGS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace palabre::ui {

// The string table of `language` ("en", "fr", ...) as JSON, parsed once
// for the life of the process; nullptr if there is none (or `language` is
// not a lower-case language tag of at most 16 characters). Thread-safe.
const nlohmann::json* StringTable(std::string_view language);

class Strings {
 public:
  // The table of `language` ("en", "fr", ...), or English's. Never fails.
  static Strings For(std::string_view language);

  // The text of `key`, `{name}` placeholders replaced by `values`.
  std::string Get(std::string_view key,
                  const std::map<std::string, std::string>& values = {}) const;
  // A vocabulary word's name: `prefix` + "." + `word` ("sex.female"), or
  // the word itself if the table has none.
  std::string Word(std::string_view prefix, std::string_view word) const;
  const std::string& language() const { return language_; }

 private:
  std::string language_;
  const nlohmann::json* table_ = nullptr;     // never null once made
  const nlohmann::json* fallback_ = nullptr;  // English; never null
};

}  // namespace palabre::ui

#endif  // PALABRE_UI_STRINGS_H_

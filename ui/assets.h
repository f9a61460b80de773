// The web app's files (ui/assets/), embedded in the binary at build time by
// ui/embed_assets.cmake: HTML, CSS, plain JavaScript and the string tables.
// Nothing is read from disk at run time and nothing is fetched from
// anywhere else.
#ifndef PALABRE_UI_ASSETS_H_
#define PALABRE_UI_ASSETS_H_

#include <span>
#include <string_view>

namespace palabre::ui {

struct Asset {
  std::string_view name;          // path under ui/assets/, e.g. "app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

// Every embedded file, in the order CMake listed them.
std::span<const Asset> AllAssets();

// The file named `name` ("app.js", "i18n/fr.json"), or nullptr.
const Asset* FindAsset(std::string_view name);

}  // namespace palabre::ui

#endif  // PALABRE_UI_ASSETS_H_

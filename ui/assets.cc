// Lookup of the embedded web app files (ui/assets.h).
#include "ui/assets.h"

namespace palabre::ui {

const Asset* FindAsset(std::string_view name) {
  for (const Asset& asset : AllAssets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace palabre::ui

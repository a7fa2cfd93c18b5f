// The admin web UI's files, built into the binary (cmake/embed_ui.mjs from
// web/build.mjs's output; an empty list when the build had no UI).
#pragma once

#include <string_view>
#include <vector>

namespace provisiond::api::ui {

struct UiAsset {
  std::string_view path;    // "index.html", "app-3f9a1c2b.js"
  std::string_view type;    // Content-Type
  std::string_view sha256;  // hex, of `data`
  bool hashed;              // the name holds its content hash: cache forever
  std::string_view data;
  std::string_view gzip;    // precompressed, or empty
};

const std::vector<UiAsset>& UiAssets();

}  // namespace provisiond::api::ui

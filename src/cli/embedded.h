// Files built into the binary (see cmake/embed_files.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace provisiond::cli {

struct EmbeddedFile {
  std::string_view name;
  std::string_view contents;
};

// data/sample/*.csv: the data directory a first start creates.
const std::vector<EmbeddedFile>& SampleDataFiles();

}  // namespace provisiond::cli

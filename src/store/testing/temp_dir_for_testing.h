// Test helpers: a temporary directory removed on destruction, file I/O.
// Header-only, for *_test.cc files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace provisiond::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pvstore-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Copies `from` into `to` with its subdirectories, every copy writable.
inline void CopyDir(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(to);
  std::filesystem::copy(from, to,
                        std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  for (const auto& e : std::filesystem::recursive_directory_iterator(to))
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
}

inline std::string SourceDir() {
  const char* env = std::getenv("PROVISIOND_SOURCE_DIR");
  if (env != nullptr && *env != '\0') return env;
#ifdef PROVISIOND_SOURCE_DIR
  return PROVISIOND_SOURCE_DIR;
#else
  return ".";
#endif
}

// The original service's sample, byte-identical (tests/data/original).
inline std::string OriginalSampleDir() { return SourceDir() + "/tests/data/original"; }

}  // namespace provisiond::store::testing

// Test helpers for the content hub (header-only, used by *_test.cc only).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "api/http.h"

namespace provisiond::api::content::testing {

// A fresh folder under the system temp dir, removed with its content.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("pv-content-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::filesystem::path& p, const std::string& data) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A request as net/ would build it: the path decoded once, the query parsed.
inline Request MakeRequest(std::string method, std::string target, ExternalOrigin origin = {}) {
  Request r;
  r.method = std::move(method);
  r.target = target;
  size_t q = target.find('?');
  std::string raw_path = target.substr(0, q);
  auto decoded = PercentDecode(raw_path, false);
  r.path = decoded ? *decoded : raw_path;
  if (q != std::string::npos) r.query = ParseQuery(std::string_view(target).substr(q + 1));
  if (origin.host.empty()) {
    origin.host = "pv.example";
    origin.port = 12176;
  }
  r.origin = std::move(origin);
  return r;
}

// The bytes a FileBody describes, read from its descriptor.
inline std::string ReadBody(const FileBody& f) {
  std::string out(f.length, '\0');
  size_t done = 0;
  while (done < f.length) {
    ssize_t n = ::pread(f.fd, out.data() + done, f.length - done, static_cast<off_t>(f.offset + done));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace provisiond::api::content::testing

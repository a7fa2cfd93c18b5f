// Cost of one login attempt per users.csv hash scheme (pki/password_hash.h):
// argon2id at the defaults new hashes get, and the original's formats at the
// parameters werkzeug writes. Prints the median of N verifications.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "pki/password_hash.h"

namespace {

double MedianMs(const std::string& stored, int runs) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = provisiond::pki::VerifyPassword("correct horse", stored);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok() || !r->match) {
      std::fprintf(stderr, "verification failed: %s\n", r.status().ToString().c_str());
      return -1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 9;
  provisiond::pki::Argon2Params defaults;
  auto argon = provisiond::pki::HashPassword("correct horse", defaults);
  if (!argon.ok()) return 1;
  struct Case {
    const char* name;
    std::string stored;
  } cases[] = {
      {"argon2id t=3 m=64MiB p=1 (new hashes)", *argon},
      {"werkzeug scrypt:32768:8:1", "scrypt:32768:8:1$Xq3vK9aZ0b1c2d3e$13dc662fe58ee0b244c3d16c747fb95a7e5cbba72e5b6316c2"
                                    "cfb069e8547b2931fba97433028c2386a917c0decac7841c614be4bc363901ca113175a60511c3"},
      {"werkzeug pbkdf2:sha256:600000",
       "pbkdf2:sha256:600000$Xq3vK9aZ0b1c2d3e$a650b1f1543df30b8a568920f5cba51189fba858d061d410f9c7209e86c63130"},
  };
  std::printf("%-40s %s\n", "scheme", "median ms per verification");
  for (const auto& c : cases) std::printf("%-40s %.1f\n", c.name, MedianMs(c.stored, runs));
  return 0;
}

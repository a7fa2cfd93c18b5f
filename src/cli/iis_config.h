// `provisiond iis-config`: the IIS web.config (URL Rewrite + ARR) that puts
// provisiond under a prefix of an IIS site. One inbound rule per scheme sets
// the X-Forwarded-Prefix/Host/Proto/Port headers provisiond trusts from the
// proxy; there is deliberately no outbound rule: provisiond writes every URL
// with the prefix itself, and rewriting bodies would corrupt downloads.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace provisiond::cli {

struct IisConfigInput {
  std::string prefix = "/provision";  // "/name[/name...]"
  std::string backend;                // "http://10.1.2.3:12176" (no path)
  uint64_t max_upload_bytes = 4ULL << 30;  // IIS caps maxAllowedContentLength at 4294967295
};

// The web.config text, or InvalidArgument naming --prefix / --backend and how to fix it.
Result<std::string> IisWebConfig(const IisConfigInput& in);

// The command: iis-config --prefix P --backend URL [--max-upload-bytes N] [--out FILE]. Exit code.
int RunIisConfig(int argc, char** argv);

}  // namespace provisiond::cli

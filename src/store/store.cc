#include "store/store.h"

#include "base/strings.h"

namespace provisiond::store {

uint64_t TypeVersion(const model::Tables& tables, std::string_view type) {
  // FNV-1a over the content: any backend computes the same value from the
  // same rows, and a reload of unchanged rows keeps it.
  const std::string key = ToUpper(Trim(type));
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1f;  // separator, so ("ab","c") != ("a","bc")
    h *= 1099511628211ull;
  };
  bool any = false;
  mix(key);
  for (const auto& ta : tables.type_apps) {
    if (ToUpper(Trim(ta.type)) != key) continue;
    any = true;
    mix(ToUpper(Trim(ta.application)));
  }
  if (!any) return 0;
  // 53 bits: the version travels through JSON clients (JavaScript numbers
  // are exact only up to 2^53).
  h &= (uint64_t{1} << 53) - 1;
  return h == 0 ? 1 : h;
}

}  // namespace provisiond::store

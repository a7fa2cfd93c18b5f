#include "base/pattern.h"

#include <atomic>
#include <unordered_map>

#include <re2/re2.h>

namespace provisiond {
namespace {

// Python constructs RE2 does not implement (it guarantees linear time, so it
// has no backtracking features). Named so the admin knows what to rewrite.
Status CheckUnsupported(std::string_view s) {
  struct Construct { std::string_view token, name; };
  static constexpr Construct kConstructs[] = {
      {"(?=", "lookahead (?=...)"},  {"(?!", "negative lookahead (?!...)"},
      {"(?<=", "lookbehind (?<=...)"}, {"(?<!", "negative lookbehind (?<!...)"},
      {"(?(", "conditional group (?(...)...)"}, {"(?P=", "named backreference (?P=name)"},
      {"(?#", "comment group (?#...)"}, {"(?>", "atomic group (?>...)"},
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[i + 1];
      if (c >= '1' && c <= '9') {
        return Status::InvalidArgument("backreference \\" + std::string(1, c) + " at offset " +
                                       std::to_string(i) +
                                       " is a Python-only construct RE2 cannot run; "
                                       "rewrite the expression without it");
      }
      ++i;  // skip the escaped character
      continue;
    }
    for (const auto& k : kConstructs) {
      if (s.substr(i, k.token.size()) == k.token) {
        return Status::InvalidArgument(std::string(k.name) + " at offset " + std::to_string(i) +
                                       " is a Python-only construct RE2 cannot run; "
                                       "rewrite the expression without it");
      }
    }
  }
  return Status::Ok();
}

// Python's (?<name>...) group is RE2's (?P<name>...).
std::string Translate(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 4);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[i];
      out += s[++i];
      continue;
    }
    if (s.substr(i, 3) == "(?<" && i + 3 < s.size() && s[i + 3] != '=' && s[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

std::atomic<uint64_t> g_next_id{1};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Per-thread answers of each compiled pattern; no lock on the hot path.
// Bounded: cleared when it grows past kMaxEntries (long subjects not kept).
class MatchMemo {
 public:
  static constexpr size_t kMaxEntries = 1 << 16;
  static constexpr size_t kMaxSubject = 256;

  const bool* Find(uint64_t id, std::string_view subject) {
    auto p = by_pattern_.find(id);
    if (p == by_pattern_.end()) return nullptr;
    auto it = p->second.find(subject);
    return it == p->second.end() ? nullptr : &it->second;
  }
  void Put(uint64_t id, std::string_view subject, bool matched) {
    if (subject.size() > kMaxSubject) return;
    if (++entries_ > kMaxEntries) {
      by_pattern_.clear();
      entries_ = 1;
    }
    by_pattern_[id].emplace(std::string(subject), matched);
  }

 private:
  std::unordered_map<uint64_t, std::unordered_map<std::string, bool, StringHash, std::equal_to<>>> by_pattern_;
  size_t entries_ = 0;
};

}  // namespace

Result<Pattern> Pattern::Compile(std::string_view source) {
  Pattern p;
  p.source_ = std::string(source);
  if (source.empty()) return p;
  PV_RETURN_IF_ERROR(CheckUnsupported(source));
  RE2::Options opts;
  opts.set_case_sensitive(false);
  opts.set_log_errors(false);
  opts.set_encoding(RE2::Options::EncodingUTF8);
  auto re = std::make_shared<const RE2>(Translate(source), opts);
  if (!re->ok()) {
    return Status::InvalidArgument("invalid regular expression '" + p.source_ + "': " + re->error());
  }
  p.re_ = std::move(re);
  p.id_ = g_next_id.fetch_add(1, std::memory_order_relaxed);
  return p;
}

bool Pattern::Matches(std::string_view subject) const {
  if (!re_) return true;
  thread_local MatchMemo memo;
  if (const bool* known = memo.Find(id_, subject)) return *known;
  bool matched = RE2::PartialMatch(re2::StringPiece(subject.data(), subject.size()), *re_);
  memo.Put(id_, subject, matched);
  return matched;
}

}  // namespace provisiond

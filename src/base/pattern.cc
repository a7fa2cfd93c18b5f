#include "base/pattern.h"

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
  return p;
}

bool Pattern::Matches(std::string_view subject) const {
  if (!re_) return true;
  return RE2::PartialMatch(re2::StringPiece(subject.data(), subject.size()), *re_);
}

}  // namespace provisiond

// Pattern: an admin-supplied regular expression, compiled once with RE2.
// Semantics follow the original service: Python syntax where RE2 can run it,
// case-insensitive, matching anywhere in the subject (search, not full match).
// Immutable after Compile(); safe to share and use from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace re2 { class RE2; }

namespace provisiond {

class Pattern {
 public:
  Pattern() = default;  // empty: matches everything (an empty filter column)

  // Compiles `source`. Returns InvalidArgument with RE2's reason, or naming
  // the Python-only construct (lookahead, lookbehind, backreference,
  // conditional) that RE2 cannot run, with a hint how to rewrite it.
  static Result<Pattern> Compile(std::string_view source);

  // True if the pattern occurs anywhere in `subject`; an empty pattern
  // matches everything. Answers are memoised per thread: a fleet has a few
  // dozen models, and RE2 leaves its fast DFA for patterns with \b.
  bool Matches(std::string_view subject) const;

  const std::string& source() const { return source_; }
  bool empty() const { return source_.empty(); }

  friend bool operator==(const Pattern& a, const Pattern& b) { return a.source_ == b.source_; }

 private:
  std::string source_;
  std::shared_ptr<const re2::RE2> re_;
  uint64_t id_ = 0;  // unique per compilation: the memo key (never reused)
};

}  // namespace provisiond

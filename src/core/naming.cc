#include "core/naming.h"

#include <charconv>

#include "base/strings.h"

namespace provisiond::core {

Result<std::string> ExpandNamingTemplate(std::string_view tmpl, const NamingInputs& in,
                                         const RandomSource& random) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c == '}' ) {
      if (i + 1 < tmpl.size() && tmpl[i + 1] == '}') ++i;
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) {
      return Status::BadField("naming_template", "'{' at offset " + std::to_string(i) +
                                     " is not closed; write {name} or {{ for a literal brace");
    }
    std::string_view body = tmpl.substr(i + 1, close - i - 1);
    std::string where = "naming_template: placeholder {" + std::string(body) + "} at offset " +
                        std::to_string(i);
    std::string_view name = body;
    std::optional<int> length;
    if (size_t colon = body.find(':'); colon != std::string_view::npos) {
      name = body.substr(0, colon);
      std::string_view num = body.substr(colon + 1);
      int n = 0;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
      if (num.empty() || ec != std::errc() || p != num.data() + num.size() || n == 0 ||
          n > 255 || n < -255) {
        return Status::InvalidArgument(where + ": length '" + std::string(num) +
                                       "' must be a non-zero integer between -255 and 255");
      }
      length = n;
    }
    std::string lname = ToLower(Trim(name));
    std::string value;
    if (lname == "rand") {
      if (!length || *length < 0) {
        return Status::InvalidArgument(where + ": write {rand:N} with N > 0 characters");
      }
      if (!random) return Status::InvalidArgument(where + ": no random source available");
      for (int k = 0; k < *length; ++k) out += kAlphabet[random() % kAlphabet.size()];
      i = close;
      continue;
    }
    if (lname == "serial") value = std::string(Trim(in.serial));
    else if (lname == "model") value = std::string(Trim(in.model));
    else if (lname == "type") value = std::string(Trim(in.type));
    else if (lname == "country") value = std::string(Trim(in.country));
    else {
      return Status::InvalidArgument(where + ": unknown name '" + std::string(name) +
                                     "'; known: serial, model, type, country, rand");
    }
    if (length) {
      size_t n = static_cast<size_t>(*length < 0 ? -*length : *length);
      if (n < value.size()) value = *length > 0 ? value.substr(0, n) : value.substr(value.size() - n);
    }
    out += value;
    i = close;
  }
  return out;
}

Result<NameSuggestion> SuggestName(std::string_view tmpl, const NamingInputs& in,
                                   const RandomSource& random) {
  PV_ASSIGN_OR_RETURN(std::string expanded, ExpandNamingTemplate(tmpl, in, random));
  NameSuggestion s;
  s.name = SanitizeComputerName(expanded);
  s.violation = CheckComputerName(s.name);
  return s;
}

}  // namespace provisiond::core

#include "base/status.h"

namespace provisiond {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kConflict: return "Conflict";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kIoError: return "IoError";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kTooLarge: return "TooLarge";
    case StatusCode::kUnauthenticated: return "Unauthenticated";
  }
  return "Unknown";
}

Status Status::IoError(std::string_view path, std::string_view reason) {
  std::string m(path);
  m += ": ";
  m += reason;
  return {StatusCode::kIoError, std::move(m)};
}

Status Status::Prefixed(StatusCode code, std::string prefix, std::string_view reason) {
  Status s(code, std::move(prefix));
  s.reason_at_ = s.message_.size();
  s.message_ += reason;
  return s;
}

Status Status::BadField(std::string_view field, std::string_view reason) {
  Status s = Prefixed(StatusCode::kInvalidArgument, std::string(field) + ": ", reason);
  s.field_ = field;
  return s;
}

Status Status::BadInputAt(int line, int column, std::string_view reason) {
  std::string at = "line " + std::to_string(line);
  if (column > 0) at += ", column " + std::to_string(column);
  Status s = Prefixed(StatusCode::kInvalidArgument, at + ": ", reason);
  s.line_ = line;
  s.column_ = column;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(StatusCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status s = *this;
  s.message_ = std::string(context) + ": " + message_;
  s.reason_at_ += context.size() + 2;
  return s;
}

Status Status::WithField(std::string_view field) const {
  if (ok()) return *this;
  Status s = Prefixed(code_, std::string(field) + ": ", reason());
  s.field_ = field;
  s.line_ = line_;
  s.column_ = column_;
  return s;
}

}  // namespace provisiond

// Status and Result<T>: errors as values between layers.
// A Status is ok or carries a code and a message that says what, where and
// how to fix. Where a bad input is (a request field, a line and column of an
// input text) also travels as data, so that no caller reads it back from the
// message. Result<T> holds a T or a non-ok Status. Both are cheap to move.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace provisiond {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input: message names file:line:col or field, reason, fix
  kNotFound,
  kConflict,         // stale version: re-read, re-apply
  kUnavailable,      // retry the call later
  kIoError,
  kPermissionDenied,
  kFailedPrecondition,
  kInternal,
  kTooLarge,         // over a size limit (HTTP 413): the message names the limit and its setting
  kUnauthenticated,  // no valid credentials came with the request (HTTP 401)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  // "path: reason", e.g. IoError(path, std::strerror(errno)).
  static Status IoError(std::string_view path, std::string_view reason);
  // InvalidArgument "field: reason", with field() = `field`.
  static Status BadField(std::string_view field, std::string_view reason);
  // InvalidArgument "line L, column C: reason" (1-based; column 0 = whole
  // line), with line() and column() set.
  static Status BadInputAt(int line, int column, std::string_view reason);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The message without its "field: " or "line L, column C: " prefix.
  std::string_view reason() const { return std::string_view(message_).substr(reason_at_); }
  // The request field at fault, or empty.
  const std::string& field() const { return field_; }
  // Position in the input text, or 0 when the error has none.
  int line() const { return line_; }
  int column() const { return column_; }
  // "Conflict: message" or "OK".
  std::string ToString() const;
  // Same code, field and position, "context: message".
  Status WithContext(std::string_view context) const;
  // Same error, its field named `field` ("field: reason"): a route whose
  // body calls a field other than the store does (computer_name -> computerName).
  Status WithField(std::string_view field) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  // `prefix` + `reason`, with reason() = `reason`.
  static Status Prefixed(StatusCode code, std::string prefix, std::string_view reason);

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
  int line_ = 0;
  int column_ = 0;
  size_t reason_at_ = 0;  // where reason() starts in message_
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                       // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  // The error, or Ok if a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace provisiond

// Propagate a non-ok Status from an expression returning Status.
#define PV_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::provisiond::Status pv_s_ = (expr);      \
    if (!pv_s_.ok()) return pv_s_;            \
  } while (0)

#define PV_CONCAT_INNER(a, b) a##b
#define PV_CONCAT(a, b) PV_CONCAT_INNER(a, b)
// `PV_ASSIGN_OR_RETURN(auto x, F());` declares x from a Result or returns its Status.
#define PV_ASSIGN_OR_RETURN(lhs, expr)                              \
  auto PV_CONCAT(pv_r_, __LINE__) = (expr);                         \
  if (!PV_CONCAT(pv_r_, __LINE__).ok()) return PV_CONCAT(pv_r_, __LINE__).status(); \
  lhs = std::move(PV_CONCAT(pv_r_, __LINE__)).value()

#pragma once
// Domain errors carry a stable code; only http/ maps codes to statuses (http/errors.cpp).
#include <stdexcept>
#include <string>

namespace sangam {

enum class ErrorCode {
  bad_request,  // the HTTP message itself: framing, target, Host
  invalid_json,
  validation_failed,
  unauthorized,
  invalid_credentials,
  forbidden,
  csrf_failed,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  too_many_attempts,
  internal,
};

const char* error_code_name(ErrorCode c);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string field = {})
      : std::runtime_error(message), code_(code), field_(std::move(field)) {}
  ErrorCode code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  ErrorCode code_;
  std::string field_;
};

inline Error validation(std::string field, std::string message) {
  return Error(ErrorCode::validation_failed, field + ": " + message, field);
}
inline Error not_found(std::string what = "not found") { return Error(ErrorCode::not_found, std::move(what)); }
inline Error forbidden(std::string what) { return Error(ErrorCode::forbidden, std::move(what)); }
inline Error conflict(std::string field, std::string message) {
  return Error(ErrorCode::conflict, std::move(message), std::move(field));
}

}  // namespace sangam

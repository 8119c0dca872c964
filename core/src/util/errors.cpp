#include "util/errors.hpp"

namespace sangam {

const char* error_code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::validation_failed: return "validation_failed";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::invalid_credentials: return "invalid_credentials";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::csrf_failed: return "csrf_failed";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::too_many_attempts: return "too_many_attempts";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

}  // namespace sangam

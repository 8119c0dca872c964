#pragma once
// Several fields wrong at once (a form saved with three mistakes): every field with its own sentence,
// so the dashboard shows each next to its field. The error's code, field and message are the first's;
// http/ adds them all as `errors: [{field, message}]` to the envelope.
#include "util/errors.hpp"

#include <vector>

namespace sangam {

struct FieldError {
  std::string field, message;
};

class FieldErrors : public Error {
 public:
  explicit FieldErrors(std::vector<FieldError> errors)
      : Error(ErrorCode::validation_failed, errors.at(0).message, errors.at(0).field), errors_(std::move(errors)) {}
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace sangam

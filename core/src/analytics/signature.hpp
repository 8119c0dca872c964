#pragma once
// HMAC-SHA256 signatures of raw bodies: checked on website lead intake (`X-Sangam-Signature:
// sha256=<hex>`, per-project secret) and written on outgoing webhooks (per-webhook secret).
#include <string>
#include <string_view>

namespace sangam::analytics {

// "sha256=" + lower-case hex of HMAC-SHA256(secret, body).
std::string sign_body(std::string_view secret, std::string_view body);

enum class SignatureCheck { ok, missing, malformed, mismatch };
// Compares in constant time (libsodium); `header` is the header's value as received.
SignatureCheck verify_body(std::string_view secret, std::string_view body, std::string_view header);
const char* signature_problem(SignatureCheck c);  // words for the 401 answer

}  // namespace sangam::analytics

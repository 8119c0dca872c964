#include "analytics/signature.hpp"

#include "util/crypto.hpp"

#include <sodium.h>

#include <cctype>

namespace sangam::analytics {

namespace {
void hmac(std::string_view secret, std::string_view body, unsigned char out[crypto_auth_hmacsha256_BYTES]) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&st, out);
}
}  // namespace

std::string sign_body(std::string_view secret, std::string_view body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  hmac(secret, body, mac);
  return "sha256=" + crypto::to_hex(mac, sizeof mac);
}

SignatureCheck verify_body(std::string_view secret, std::string_view body, std::string_view header) {
  while (!header.empty() && std::isspace(static_cast<unsigned char>(header.front()))) header.remove_prefix(1);
  while (!header.empty() && std::isspace(static_cast<unsigned char>(header.back()))) header.remove_suffix(1);
  if (header.empty()) return SignatureCheck::missing;
  constexpr std::string_view prefix = "sha256=";
  if (header.substr(0, prefix.size()) != prefix) return SignatureCheck::malformed;
  auto given = crypto::from_hex(header.substr(prefix.size()));
  if (!given || given->size() != crypto_auth_hmacsha256_BYTES) return SignatureCheck::malformed;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  hmac(secret, body, mac);
  return sodium_memcmp(mac, given->data(), sizeof mac) == 0 ? SignatureCheck::ok : SignatureCheck::mismatch;
}

const char* signature_problem(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::ok: return "";
    case SignatureCheck::missing: return "the X-Sangam-Signature header is missing; sign the raw body with the project's lead secret";
    case SignatureCheck::malformed: return "X-Sangam-Signature must be sha256= followed by 64 hex digits";
    case SignatureCheck::mismatch: return "the signature does not match the body: the body changed, or another secret signed it";
  }
  return "";
}

}  // namespace sangam::analytics

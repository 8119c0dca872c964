#pragma once
// Thin wrappers over libsodium: random tokens, fast hashes of random secrets, argon2id passwords,
// and XChaCha20-Poly1305 for secrets at rest.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sangam::crypto {

void init();  // sodium_init; call once at start
std::string random_token(size_t bytes);   // URL-safe base64 without padding
std::string base64_encode(std::string_view bytes);               // standard alphabet, padded
std::optional<std::string> base64_decode(std::string_view text);
std::string to_hex(const unsigned char* data, size_t n);
std::optional<std::vector<unsigned char>> from_hex(std::string_view hex);
// BLAKE2b-256 of a high-entropy secret (session ids, API tokens), hex. A slow KDF buys nothing for
// 256-bit random values and would cost ~70 ms on every request.
std::string hash_secret(std::string_view secret);
// argon2id with libsodium's INTERACTIVE limits (2 passes, 64 MiB): ~70 ms per hash on this machine.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& stored, std::string_view password);

struct SecretKey {
  std::vector<unsigned char> bytes;  // 32 bytes
};
// XChaCha20-Poly1305: nonce || ciphertext. `ad` (associated data) is authenticated, not stored: open()
// succeeds only with the same ad, so a sealed value copied to another row or owner does not open.
// An empty ad is the same as none (what seal() wrote before associated data was used).
std::string seal(const SecretKey& key, std::string_view plaintext, std::string_view ad = {});
std::optional<std::string> open(const SecretKey& key, std::string_view sealed, std::string_view ad = {});
// A check value of the key (BLAKE2b-256 keyed with it, of a fixed label; hex): equal for the same
// key, reveals nothing about it. Stored in the database so a node with another key refuses to start.
std::string key_check_value(const SecretKey& key);

}  // namespace sangam::crypto

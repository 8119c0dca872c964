#include "analytics/links.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>
#include <vector>

namespace sangam::analytics {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr size_t kCodeLength = 12;

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += '%', out += hex[c >> 4], out += hex[c & 15];
  }
  return out;
}
}  // namespace

std::string new_link_code() {
  std::string code;
  code.reserve(kCodeLength);
  for (size_t i = 0; i < kCodeLength; ++i) code += kAlphabet[randombytes_uniform(62)];  // no modulo bias
  return code;
}

namespace {
constexpr size_t kTagLength = 11;  // 62^11 > 2^64

std::string base62(uint64_t v, size_t width = 0) {
  std::string out;
  do {
    out += kAlphabet[v % 62];
    v /= 62;
  } while (v);
  while (out.size() < width) out += kAlphabet[0];
  return {out.rbegin(), out.rend()};
}

std::optional<uint64_t> unbase62(std::string_view s) {
  if (s.empty() || s.size() > kTagLength) return std::nullopt;
  unsigned __int128 v = 0;
  for (char ch : s) {
    const char* p = std::strchr(kAlphabet, ch);
    if (!ch || !p) return std::nullopt;
    v = v * 62 + static_cast<unsigned>(p - kAlphabet);
  }
  if (v > UINT64_MAX) return std::nullopt;
  return static_cast<uint64_t>(v);
}
}  // namespace

RecipientCodes::RecipientCodes(const std::vector<unsigned char>& secret) {
  unsigned char key[32];
  if (secret.size() >= 16) {
    static const char label[] = "sangam link codes v1";
    crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(label), sizeof label - 1, secret.data(), secret.size());
  } else {
    randombytes_buf(key, sizeof key);
  }
  crypto_auth_hmacsha256_init(&keyed_, key, sizeof key);
  sodium_memzero(key, sizeof key);
}

uint64_t RecipientCodes::tag_value(std::string_view body) const {
  crypto_auth_hmacsha256_state st = keyed_;
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | mac[i];
  return v;
}

std::string RecipientCodes::tag(std::string_view body) const { return base62(tag_value(body), kTagLength); }

namespace {
// base62 of v into the end of buf (most significant digit first), at least `width` digits; returns
// where it starts.
char* base62_into(char* end, uint64_t v, size_t width) {
  char* p = end;
  do {
    *--p = kAlphabet[v % 62];
    v /= 62;
  } while (v);
  while (static_cast<size_t>(end - p) < width) *--p = kAlphabet[0];
  return p;
}
}  // namespace

void RecipientCodes::append(std::string& out, std::string_view link, char kind, int64_t id) const {
  // link + kind + base62(id) + base62(tag) on the stack: ≤ 12 + 1 + 11 + 11 bytes (a longer link,
  // never made by new_link_code, takes the general path).
  if (link.size() > kCodeLength) {
    out += make(RecipientCode{std::string(link), kind, id});
    return;
  }
  char body[64];
  std::memcpy(body, link.data(), link.size());
  size_t n = link.size();
  body[n++] = kind;
  char digits[16];
  char* d = base62_into(digits + sizeof digits, static_cast<uint64_t>(id), 0);
  size_t dn = static_cast<size_t>(digits + sizeof digits - d);
  std::memcpy(body + n, d, dn);
  n += dn;
  char tag_digits[16];
  char* t = base62_into(tag_digits + sizeof tag_digits, tag_value(std::string_view(body, n)), kTagLength);
  out.append(body, n);
  out.append(t, static_cast<size_t>(tag_digits + sizeof tag_digits - t));
}

std::string RecipientCodes::make(const RecipientCode& r) const {
  std::string body = r.link + r.kind + base62(static_cast<uint64_t>(r.id));
  return body + tag(body);
}

std::optional<RecipientCode> RecipientCodes::parse(const std::string& code) const {
  // link (12) + kind (1) + id (1..11) + tag (11)
  if (code.size() < kCodeLength + 2 + kTagLength || code.size() > kCodeLength + 1 + 2 * kTagLength) return std::nullopt;
  std::string_view all(code), body = all.substr(0, code.size() - kTagLength), given = all.substr(body.size());
  char kind = body[kCodeLength];
  if (kind != 'c' && kind != 'g') return std::nullopt;
  std::string link(body.substr(0, kCodeLength));
  if (!looks_like_link_code(link)) return std::nullopt;
  auto id = unbase62(body.substr(kCodeLength + 1));
  if (!id || *id == 0 || *id > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  std::string want = tag(body);
  if (given.size() != want.size() || sodium_memcmp(given.data(), want.data(), want.size()) != 0) return std::nullopt;
  return RecipientCode{std::move(link), kind, static_cast<int64_t>(*id)};
}

std::string replace_links(const std::string& text, const std::string& keep_prefix,
                          const std::function<std::string(const std::string&)>& replace) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t at = text.find("http", pos);
    if (at == std::string::npos) break;
    size_t scheme = text.compare(at, 8, "https://") == 0 ? 8 : text.compare(at, 7, "http://") == 0 ? 7 : 0;
    // Part of a longer word ("xhttp://") is not a link.
    bool starts_word = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
    if (!scheme || !starts_word) {
      out.append(text, pos, at + 4 - pos);
      pos = at + 4;
      continue;
    }
    size_t end = at + scheme;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' && text[end] != '\'' &&
           text[end] != '<' && text[end] != '>')
      ++end;
    while (end > at + scheme && std::strchr(".,;:!?)]}*_~", text[end - 1])) --end;
    out.append(text, pos, at - pos);
    std::string url = text.substr(at, end - at);
    if (end == at + scheme || (!keep_prefix.empty() && url.rfind(keep_prefix, 0) == 0)) out += url;
    else out += replace(url);
    pos = end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

bool looks_like_link_code(const std::string& code) {
  return code.size() == kCodeLength && std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isalnum(c); });
}

std::optional<std::string> with_utm(const std::string& url, const std::map<std::string, std::string>& utm) {
  static const std::regex abs(R"(^https?://[^\s/?#]+[^\s]*$)", std::regex::icase);
  if (!std::regex_match(url, abs)) return std::nullopt;
  std::string base = url, fragment;
  if (auto h = base.find('#'); h != std::string::npos) fragment = base.substr(h), base.resize(h);
  std::string path = base, query;
  if (auto q = base.find('?'); q != std::string::npos) path = base.substr(0, q), query = base.substr(q + 1);
  std::vector<std::pair<std::string, std::string>> params;  // raw key, raw "key=value" piece
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t amp = query.find('&', start);
    std::string piece = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!piece.empty()) params.emplace_back(piece.substr(0, piece.find('=')), piece);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  for (const auto& [k, v] : utm) {
    std::string piece = percent_encode(k) + "=" + percent_encode(v);
    auto it = std::find_if(params.begin(), params.end(), [&](auto& p) { return p.first == k; });
    if (it != params.end()) it->second = piece;
    else params.emplace_back(k, piece);
  }
  std::string out = path;
  for (size_t i = 0; i < params.size(); ++i) out += (i ? "&" : "?") + params[i].second;
  return out + fragment;
}

bool is_preview_fetcher(const std::string& ua, const std::string& method) {
  if (method == "HEAD") return true;
  if (ua.empty()) return true;
  // Substring search on a lower-cased copy. The std::regex alternation this replaced was 10 % of
  // sangam_analytics_bench's CPU in `perf` (std::regex backtracks per character per alternative);
  // core/tests/analytics_pure_test.cpp checks this answers as that regex did.
  static constexpr std::string_view kTokens[] = {
      "whatsapp", "facebookexternalhit", "facebot", "meta-externalagent", "twitterbot", "slackbot", "telegrambot",
      "discordbot", "linkedinbot", "skypeuripreview", "googlebot", "bingbot", "applebot", "pinterest", "embedly",
      "iframely", "vkshare", "redditbot", "google-pagerenderer", "curl/", "wget/", "python-requests",
      "go-http-client", "headlesschrome", "crawler", "spider", "preview"};
  std::string low(ua.size(), '\0');
  std::transform(ua.begin(), ua.end(), low.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (auto t : kTokens)
    if (low.find(t) != std::string::npos) return true;
  // "bot" at the end of a word ("Discordbot/2.0", "some-bot"), not inside one ("botany", "bot_x").
  for (size_t at = low.find("bot"); at != std::string::npos; at = low.find("bot", at + 1)) {
    size_t after = at + 3;
    if (after == low.size()) return true;
    unsigned char c = static_cast<unsigned char>(low[after]);
    if (!std::isalnum(c) && c != '_') return true;
  }
  return false;
}

}  // namespace sangam::analytics

#include "analytics/links.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
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
  static const std::regex bots(
      "whatsapp|facebookexternalhit|facebot|meta-externalagent|twitterbot|slackbot|telegrambot|discordbot|"
      "linkedinbot|skypeuripreview|googlebot|bingbot|applebot|pinterest|embedly|iframely|vkshare|redditbot|"
      "google-pagerenderer|curl/|wget/|python-requests|go-http-client|headlesschrome|bot\\b|crawler|spider|preview",
      std::regex::icase);
  return ua.empty() || std::regex_search(ua, bots);
}

}  // namespace sangam::analytics

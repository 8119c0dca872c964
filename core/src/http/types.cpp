#include "http/types.hpp"

#include <algorithm>
#include <cctype>

namespace sangam::http {

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+' && plus_is_space) out.push_back(' ');
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit((unsigned char)s[i + 1]) && std::isxdigit((unsigned char)s[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else out.push_back(s[i]);
  }
  return out;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    auto eq = part.find('=');
    if (url_decode(part.substr(0, eq), true) == name)
      return eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1), true);
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  for (auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view c = v;
    while (!c.empty()) {
      auto semi = c.find(';');
      auto part = c.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
      if (semi == std::string_view::npos) break;
      c.remove_prefix(semi + 1);
    }
  }
  return std::nullopt;
}

Response Response::json_body(int status, const json& j) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response Response::json_text(int status, std::string text) {
  Response r;
  r.status = status;
  r.body = std::move(text);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

void split_target(Request& r) {
  auto q = r.target.find('?');
  // '+' means a space only in query strings (HTML form encoding); in a path it is a plus (RFC 3986).
  r.path = url_decode(std::string_view(r.target).substr(0, q), false);
  r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
}

bool normalize_target(std::string& target) {
  if (!target.empty() && target.front() == '/') return true;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() <= scheme.size()) continue;
    bool match = true;
    for (size_t i = 0; i < scheme.size() && match; ++i) match = std::tolower((unsigned char)target[i]) == scheme[i];
    if (!match) continue;
    auto slash = target.find('/', scheme.size());
    auto query = target.find('?', scheme.size());
    if (slash == std::string::npos || (query != std::string::npos && query < slash)) {
      target = "/" + (query == std::string::npos ? std::string() : target.substr(query));
    } else {
      target = target.substr(slash);
    }
    return true;
  }
  return false;
}

namespace {
std::string trimmed_lower(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string out(v);
  for (auto& ch : out) ch = static_cast<char>(std::tolower((unsigned char)ch));
  return out;
}
}  // namespace

std::optional<std::string> framing_error(unsigned version,
                                         const std::vector<std::pair<std::string, std::string>>& headers) {
  int te = 0, cl = 0, host = 0;
  std::string te_value;
  for (auto& [k, v] : headers) {
    if (k == "transfer-encoding") {
      ++te;
      te_value = trimmed_lower(v);
    } else if (k == "content-length") {
      ++cl;
    } else if (k == "host") {
      ++host;
    }
  }
  if (te > 1 || (te == 1 && te_value != "chunked"))
    return "Transfer-Encoding must be exactly 'chunked' (no other coding is supported)";
  if (te && cl) return "a request must not carry both Transfer-Encoding and Content-Length";
  if (te && version < 11) return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
  if (version >= 11 && host != 1) return host ? "an HTTP/1.1 request must carry one Host header, not several"
                                              : "an HTTP/1.1 request must carry a Host header";
  return std::nullopt;
}

}  // namespace sangam::http

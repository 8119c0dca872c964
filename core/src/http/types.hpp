#pragma once
// HTTP request/response as plain structs, so handlers and their tests never include Boost.Beast
// (one Beast translation unit costs ~35 s to compile here).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sangam::http {

using json = nlohmann::json;

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/api/v1/projects?x=1"
  std::string path;    // "/api/v1/projects"
  std::string query;   // "x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;

  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json_body(int status, const json& j);
  static Response json_text(int status, std::string text);  // already-serialized JSON
  static Response no_content();
};

void split_target(Request& r);  // fills path and query from target
// Origin-form ("/path?q") stays; absolute-form ("http://host/path?q", which RFC 9112 says a server must
// accept) becomes origin-form. False for anything else ("x/etc/passwd", "*", "").
bool normalize_target(std::string& target);
// Why the request's framing is refused, or nullopt when it is fine. Behind a proxy, a body the two
// sides frame differently becomes a smuggled second request (RFC 9112 section 6.3), so we accept
// exactly one Transfer-Encoding, "chunked", never together with Content-Length, never on HTTP/1.0,
// and HTTP/1.1 needs exactly one Host. `headers` have lower-case names.
std::optional<std::string> framing_error(unsigned version, const std::vector<std::pair<std::string, std::string>>& headers);
std::string url_decode(std::string_view s, bool plus_is_space);

}  // namespace sangam::http

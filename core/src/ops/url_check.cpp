#include "ops/url_check.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

namespace sangam::ops {

bool is_private_address(const std::string& a) {
  in_addr v4{};
  if (inet_pton(AF_INET, a.c_str(), &v4) == 1) {
    uint32_t x = ntohl(v4.s_addr);
    auto in = [&](uint32_t net, int bits) { return (x >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x7F000000, 8) || in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0xA9FE0000, 16) ||
           in(0x64400000, 10) || in(0x00000000, 8);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
    const unsigned char* b = v6.s6_addr;
    static const unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char any[16] = {};
    if (!std::memcmp(b, loop, 16) || !std::memcmp(b, any, 16)) return true;
    if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique local
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (!std::memcmp(b, mapped, 12)) {
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, b + 12, buf, sizeof buf);
      return is_private_address(buf);
    }
    return false;
  }
  return true;  // not an address at all: refuse rather than guess
}

std::optional<std::string> check_webhook_url(const std::string& url, bool allow_private, UrlTarget* out) {
  UrlTarget t;
  auto sep = url.find("://");
  if (sep == std::string::npos) return "the URL must start with http:// or https://";
  t.scheme = url.substr(0, sep);
  for (auto& ch : t.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t.scheme != "http" && t.scheme != "https") return "the URL must start with http:// or https://";
  std::string rest = url.substr(sep + 3);
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos) return "the URL must not carry a user name or password";
  if (authority.empty()) return "the URL has no host";
  std::string port_text;
  if (authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return "the URL's IPv6 address is not closed with ]";
    t.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "the URL's host is malformed";
      port_text = authority.substr(close + 2);
    }
  } else {
    auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  t.port = t.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) return "the URL's port is not a number";
    t.port = std::stoi(port_text);
    if (t.port < 1 || t.port > 65535) return "the URL's port must be from 1 to 65535";
  }
  if (t.host.empty()) return "the URL has no host";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(t.host.c_str(), nullptr, &hints, &res) != 0 || !res) return "the host '" + t.host + "' cannot be resolved";
  for (addrinfo* p = res; p; p = p->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* addr = p->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
                                                : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
    if (inet_ntop(p->ai_family, addr, buf, sizeof buf)) t.addresses.push_back(buf);
  }
  freeaddrinfo(res);
  if (t.addresses.empty()) return "the host '" + t.host + "' cannot be resolved";
  if (!allow_private)
    for (auto& a : t.addresses)
      if (is_private_address(a))
        return "the URL points at a loopback or private address (" + a +
               "); only an administrator can allow that, with allow_private";
  if (out) *out = std::move(t);
  return std::nullopt;
}

}  // namespace sangam::ops

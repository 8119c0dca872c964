#pragma once
// Where an outgoing webhook may point. A URL that reaches the loopback, a private or link-local range
// (or the cloud metadata address 169.254.169.254) would let anyone who may add a webhook make this
// server call its own internal services (SSRF); such URLs are refused unless an administrator allows
// them. Checked when the webhook is saved and again at every delivery, whose connection is then pinned
// to the address checked (a DNS answer that changes in between cannot redirect it).
#include <optional>
#include <string>
#include <vector>

namespace sangam::ops {

struct UrlTarget {
  std::string scheme, host;
  int port = 0;
  std::vector<std::string> addresses;  // resolved, numeric
};

// The problem with `url`, in words for the user, or nullopt. `resolved` gets the target when fine.
std::optional<std::string> check_webhook_url(const std::string& url, bool allow_private, UrlTarget* resolved = nullptr);

// 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, 0/8, ::1, fc00::/7, fe80::/10, ::ffff:mapped private.
bool is_private_address(const std::string& numeric);

}  // namespace sangam::ops

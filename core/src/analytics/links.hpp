#pragma once
// Click tracking (issue 9 item 3): per-recipient (or per-post) short links /r/{code} that redirect to
// the target with UTM parameters, and the link-preview fetchers whose requests are not clicks.
#include <sodium.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sangam::analytics {

// 12 characters of [A-Za-z0-9] from the OS's random source: 71 bits, so guessing one of a million
// live codes takes ~2^51 tries.
std::string new_link_code();
bool looks_like_link_code(const std::string& code);

// Per-recipient codes of campaign links, with no row per recipient (a launch of 1,000,000 direct
// messages must plan in < 10 s; a links row each would double its writes). A campaign has one links
// row per target URL; the code a recipient gets is that row's 12-character code, the recipient
// ('c' + contact id, or 'g' + group id for a post) and a tag of 11 base62 characters: HMAC-SHA256 of
// the rest under a key derived from the install's secret key, truncated to 64 bits. So the code says
// whom it was made for, and changing any character of it (another contact's id, say) needs 2^64
// tries to hit a valid tag. Old 12-character codes stay rows and keep working.
struct RecipientCode {
  std::string link;  // the links row's code
  char kind = 'c';   // 'c' contact, 'g' group
  int64_t id = 0;
};

class RecipientCodes {
 public:
  // `secret`: the install's 32-byte key; the HMAC key is derived from it (BLAKE2b keyed with it, of a
  // fixed label), so the secret itself never signs anything. An empty secret gets a random key (tests).
  explicit RecipientCodes(const std::vector<unsigned char>& secret);
  std::string make(const RecipientCode& r) const;
  // make()'s code appended to `out` without a temporary string (the launch does this 1M times).
  void append(std::string& out, std::string_view link, char kind, int64_t id) const;
  // nullopt: not such a code, or its tag does not match (compared in constant time).
  std::optional<RecipientCode> parse(const std::string& code) const;

 private:
  std::string tag(std::string_view body) const;
  uint64_t tag_value(std::string_view body) const;
  // The HMAC keyed once: a tag is then two SHA-256 blocks (~0.5 us), not four.
  crypto_auth_hmacsha256_state keyed_;
};

// `url` with utm_source/medium/campaign/content (and any others) set; parameters the URL already has
// keep their place and value unless `utm` sets them; the fragment stays last. nullopt when `url` is
// not an absolute http(s) URL.
std::optional<std::string> with_utm(const std::string& url, const std::map<std::string, std::string>& utm);

// WhatsApp's own preview fetcher and the other crawlers that fetch a link to draw its card
// (facebookexternalhit, Twitterbot, Slackbot, TelegramBot, Discordbot, Googlebot, …), and clients
// that fetch headers only. Their requests are recorded as previews, never counted as clicks.
bool is_preview_fetcher(const std::string& user_agent, const std::string& method = "GET");

// Every http(s) link in `text` replaced by what `replace` gives for it (a link ends at white space
// or a quote; a closing .,;:!?)]} right after it is punctuation, not part of it). Links starting with
// `keep_prefix` (our own short links) stay.
std::string replace_links(const std::string& text, const std::string& keep_prefix,
                          const std::function<std::string(const std::string&)>& replace);

}  // namespace sangam::analytics

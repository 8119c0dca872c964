#pragma once
// Click tracking (issue 9 item 3): per-recipient (or per-post) short links /r/{code} that redirect to
// the target with UTM parameters, and the link-preview fetchers whose requests are not clicks.
#include <map>
#include <optional>
#include <string>

namespace sangam::analytics {

// 12 characters of [A-Za-z0-9] from the OS's random source: 71 bits, so guessing one of a million
// live codes takes ~2^51 tries.
std::string new_link_code();
bool looks_like_link_code(const std::string& code);

// `url` with utm_source/medium/campaign/content (and any others) set; parameters the URL already has
// keep their place and value unless `utm` sets them; the fragment stays last. nullopt when `url` is
// not an absolute http(s) URL.
std::optional<std::string> with_utm(const std::string& url, const std::map<std::string, std::string>& utm);

// WhatsApp's own preview fetcher and the other crawlers that fetch a link to draw its card
// (facebookexternalhit, Twitterbot, Slackbot, TelegramBot, Discordbot, Googlebot, …), and clients
// that fetch headers only. Their requests are recorded as previews, never counted as clicks.
bool is_preview_fetcher(const std::string& user_agent, const std::string& method = "GET");

}  // namespace sangam::analytics

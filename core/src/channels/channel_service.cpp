#include "channels/channel_service.hpp"

#include "campaigns/campaign_plan.hpp"
#include "projects/audit.hpp"
#include "safety/local_time.hpp"
#include "util/errors.hpp"
#include "util/json_input.hpp"
#include "util/mix.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <map>

namespace sangam::channels {

namespace {
bool starts(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(0, p.size()) == p; }

std::string mb(size_t bytes) { return std::to_string(bytes >> 20) + " MB"; }
}  // namespace

std::string media_kind_of(const std::string& content_type, std::string_view head) {
  std::string ct = content_type.substr(0, content_type.find(';'));
  if (ct == "image/jpeg" && starts(head, "\xFF\xD8\xFF")) return "image";
  if (ct == "image/png" && starts(head, "\x89PNG\r\n\x1A\n")) return "image";
  if (ct == "image/webp" && head.size() >= 12 && starts(head, "RIFF") && head.substr(8, 4) == "WEBP") return "image";
  if (ct == "video/mp4" && head.size() >= 8 && head.substr(4, 4) == "ftyp") return "video";
  if (ct == "application/pdf" && starts(head, "%PDF-")) return "document";
  return "";
}

ChannelService::ChannelService(store::Database& db, const Clock& clock, ChannelOptions opts) : db_(db), clock_(clock), opts_(opts) {}

json ChannelService::media_upload(const User& u, int64_t pid, const std::string& content_type, const std::string& filename,
                                  std::string bytes) {
  static const char* kTypes = "a JPEG, PNG or WebP image, an MP4 video or a PDF document";
  if (bytes.empty()) throw validation("file", "is empty: choose " + std::string(kTypes));
  std::string kind = media_kind_of(content_type, std::string_view(bytes).substr(0, 16));
  if (kind.empty())
    throw validation("file", "must be " + std::string(kTypes) + ", and its content must match its type (sent as " +
                                 (content_type.empty() ? std::string("no type") : content_type) + ")");
  size_t limit = kind == "image" ? opts_.max_image_bytes : kind == "video" ? opts_.max_video_bytes : opts_.max_document_bytes;
  if (bytes.size() > limit)
    throw validation("file", "is " + std::to_string((bytes.size() + (1 << 19)) >> 20) + " MB; WhatsApp takes at most " + mb(limit) +
                                 " for " + (kind == "image" ? "an image" : kind == "video" ? "a video" : "a document"));
  std::string name = trim(filename);
  if (name.empty()) name = kind == "image" ? "image" : kind == "video" ? "video.mp4" : "document.pdf";
  if (utf8_length(name) > 200 || name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    throw validation("filename", "must be a file name of at most 200 characters, without folders");
  int64_t now = clock_.now_ms();
  std::string mimetype = content_type.substr(0, content_type.find(';'));
  int64_t size = static_cast<int64_t>(bytes.size());
  return db_.write([&](store::Conn& c) {
    if (c.run("project-by-id", {pid}).empty()) throw not_found("no such project");
    int64_t id = c.run("media-insert", {pid, kind, mimetype, name, size, store::Blob{std::move(bytes)}, now})[0].i64("id");
    json out = {{"id", id}, {"kind", kind}, {"mimetype", mimetype}, {"filename", name}, {"size", size}, {"created_at", format_iso8601(now)}};
    audit(c, now, pid, {u.id, u.email}, "media.uploaded", "media:" + std::to_string(id), nullptr, out);
    return out;
  });
}

json ChannelService::media_list(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    json items = json::array();
    auto r = c.run("media-list", {pid});
    for (size_t i = 0; i < r.size(); ++i)
      items.push_back({{"id", r[i].i64("id")}, {"kind", r[i].str("kind")}, {"mimetype", r[i].str("mimetype")},
                       {"filename", r[i].str("filename")}, {"size", r[i].i64("size")}, {"created_at", format_iso8601(r[i].i64("created_at"))}});
    return json{{"items", items}};
  });
}

json ChannelService::channels(int64_t pid) {
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    auto pr = c.run("project-by-id", {pid});
    if (pr.empty()) throw not_found("no such project");
    std::string tz = pr[0].str("time_zone");
    int64_t today = safety::local_time(tz, now).day;
    auto hist = c.run("channel-followers-history", {pid, campaigns::format_day(today - opts_.history_days + 1)});
    std::map<int64_t, json> by_channel;
    for (size_t i = 0; i < hist.size(); ++i)
      by_channel[hist[i].i64("group_id")].push_back({{"date", hist[i].str("day")}, {"followers", hist[i].i64("followers")}});
    json items = json::array();
    auto r = c.run("channel-list", {pid});
    for (size_t i = 0; i < r.size(); ++i) {
      int64_t gid = r[i].i64("id");
      json h = by_channel.count(gid) ? by_channel[gid] : json::array();
      auto change = [&](int days) -> json {
        if (h.empty()) return nullptr;
        std::string from = campaigns::format_day(today - days);
        for (auto& x : h)
          if (x["date"].get<std::string>() >= from) return h.back()["followers"].get<int64_t>() - x["followers"].get<int64_t>();
        return nullptr;
      };
      items.push_back({{"id", gid},
                       {"wa_id", r[i].str("wa_id")},
                       {"name", r[i].str("name")},
                       {"description", r[i].str("description")},
                       {"followers", r[i].i64("size")},
                       {"ours", r[i].i64("our_admins") > 0},
                       {"invite_link", r[i].is_null("invite_link") ? json(nullptr) : json(r[i].str("invite_link"))},
                       {"synced_at", r[i].is_null("synced_at") ? json(nullptr) : json(format_iso8601(r[i].i64("synced_at")))},
                       {"change_7d", change(7)},
                       {"change_30d", change(opts_.history_days)},
                       // WhatsApp tells a channel's owner how many follow it, not how many saw a post.
                       {"views", nullptr},
                       {"history", h}});
    }
    return json{{"items", items},
                {"history_days", opts_.history_days},
                {"views_note", "WhatsApp gives channel owners no view counts, so Sangam shows none; followers are counted once a day."}};
  });
}

void ChannelService::snapshot_now() {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto r = c.run("channels-synced-all");
    for (size_t i = 0; i < r.size(); ++i) {
      std::string day = campaigns::format_day(safety::local_time(r[i].str("time_zone"), now).day);
      c.run("channel-followers-upsert", {r[i].i64("project_id"), r[i].i64("id"), day, r[i].i64("size"), now});
    }
  });
}

void ChannelService::tick() {
  {
    std::lock_guard g(mu_);
    int64_t now = clock_.now_ms();
    if (now - last_snapshot_ < opts_.snapshot_interval_ms) return;
    last_snapshot_ = now;
  }
  try {
    snapshot_now();
  } catch (const std::exception& e) {
    spdlog::error("event=channels.snapshot_failed reason=\"{}\"", e.what());
  }
}

void ChannelService::seed_history_for_demo(int64_t pid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    std::string tz = c.run("project-by-id", {pid})[0].str("time_zone");
    int64_t today = safety::local_time(tz, now).day;
    auto r = c.run("channel-list", {pid});
    for (size_t i = 0; i < r.size(); ++i) {
      int64_t gid = r[i].i64("id"), size = r[i].i64("size");
      // Steady growth with a jump on the days a post was shared widely: 0.6-1.4% a week.
      double weekly = 0.006 + double(mix64(static_cast<uint64_t>(gid)) % 9) / 1000.0;
      for (int d = opts_.history_days - 1; d >= 0; --d) {
        double noise = double(mix64(static_cast<uint64_t>(gid * 1000 + d)) % 7) - 3.0;
        int64_t n = static_cast<int64_t>(std::llround(double(size) / std::pow(1.0 + weekly, d / 7.0) + (d ? noise : 0)));
        c.run("channel-followers-upsert", {pid, gid, campaigns::format_day(today - d), std::max<int64_t>(n, 0), now - d * 86400000LL});
      }
    }
  });
}

}  // namespace sangam::channels

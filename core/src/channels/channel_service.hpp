#pragma once
// Our channels (issue 10 item 10): their follower counts kept once a day, the growth shown as a
// chart, and the media files posts attach. WhatsApp gives channel owners a follower count (the
// channel's metadata, subscribersCount — what the daily group sync reads) and no view counts, so
// none is kept or shown. Media files are kept by the core (type-checked by their first bytes,
// size-limited) and attached by the dispatcher when it claims a row that names one. Knows nothing of HTTP.
#include "auth/user.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <string>

namespace sangam::channels {

using json = nlohmann::json;

struct ChannelOptions {
  // WhatsApp's own limits for what a message may carry: 5 MB for an image, 16 MB for a video or a
  // document sent this way (larger files need the document path the connector does not offer).
  size_t max_image_bytes = 5u << 20;
  size_t max_video_bytes = 16u << 20;
  size_t max_document_bytes = 16u << 20;
  // The follower snapshot runs at most this often (the count changes with the daily sync).
  int64_t snapshot_interval_ms = 15 * 60'000;
  int history_days = 30;
};

class ChannelService {
 public:
  ChannelService(store::Database& db, const Clock& clock, ChannelOptions opts = {});

  // A file for posts: `content_type` must match the bytes (JPEG, PNG, WebP, MP4, PDF).
  json media_upload(const User& u, int64_t pid, const std::string& content_type, const std::string& filename, std::string bytes);
  json media_list(int64_t pid);

  // The channels with their followers now and per day for the last `history_days` days.
  json channels(int64_t pid);

  // Keeps today's follower count of every synced channel (scheduler).
  void tick();
  void snapshot_now();
  // Demo only: 30 days of follower history ending at each channel's count now.
  void seed_history_for_demo(int64_t pid);

 private:
  store::Database& db_;
  const Clock& clock_;
  ChannelOptions opts_;
  std::mutex mu_;
  int64_t last_snapshot_ = 0;
};

// The media kind of a file whose first bytes are `head`, declared as `content_type`, or "" when the
// two do not agree or the type is not one a post can carry.
std::string media_kind_of(const std::string& content_type, std::string_view head);

}  // namespace sangam::channels

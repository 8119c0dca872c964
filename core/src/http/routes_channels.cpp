// Channels and media files (issue 10 item 10; docs/api.md, Content calendar and channels).
#include "http/app.hpp"

#include "channels/channel_service.hpp"

namespace sangam::http {

void add_channel_routes(Router& r, App& app) {
  channels::ChannelService& ch = *app.services().channels;
  r.add({"GET", "/api/v1/projects/{id}/channels",
         "Our channels: followers now, per day for 30 days, change over 7 and 30 days (WhatsApp gives no view counts)", Access::viewer,
         nullptr, 200, "channels", [&ch](Ctx& c) { return Response::json_body(200, ch.channels(c.id("id"))); }});
  r.add({"GET", "/api/v1/projects/{id}/media", "Uploaded media files for posts, newest first", Access::viewer, nullptr, 200, "channels",
         [&ch](Ctx& c) { return Response::json_body(200, ch.media_list(c.id("id"))); }});
  Route up{"POST", "/api/v1/projects/{id}/media",
           "Upload a file for posts: the raw bytes with their Content-Type (image/jpeg, image/png, image/webp, video/mp4, "
           "application/pdf), ?filename=; images up to 5 MB, videos and documents up to 16 MB",
           Access::manager, nullptr, 201, "channels", [&ch](Ctx& c) {
             auto pid = c.id("id");
             std::string type(c.req.header("content-type").value_or(""));
             std::string name = c.req.query_param("filename").value_or("");
             return Response::json_body(201, ch.media_upload(c.user(), pid, type, name, c.req.body));
           }};
  up.upload = true;
  r.add(std::move(up));
}

}  // namespace sangam::http

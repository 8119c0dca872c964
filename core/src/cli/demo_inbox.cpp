#include "cli/demo_inbox.hpp"

#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

void DemoInbox::tick(int64_t now) {
  // Every 5 s: answers stay a trickle that the dispatcher's reply pacing (8-20 s per number) keeps up with.
  if (now > until_ || now - last_ < 5000) return;
  last_ = now;
  try {
    auto r = db_.read([&](store::Conn& c) { return c.run("user-by-email", {admin_email_}); });
    if (r.empty()) return;
    User admin = user_from_row(r[0]);
    auto projects = db_.read([&](store::Conn& c) { return c.run("project-list-all", {}); });
    for (size_t i = 0; i < projects.size(); ++i) {
      int64_t pid = projects[i].i64("id");
      if (!seeded_ && inbox_.saved_replies(pid)["items"].empty()) {
        inbox_.create_saved_reply(admin, pid, {{"name", "Price list"},
                                               {"body", "Namaste {{first_name|ji}}! Here is our price list: {{project}} starts at ₹499. Shall I send the full list?"},
                                               {"keywords", {"price", "rate", "how much", "wholesale rate", "price list"}}});
        inbox_.create_saved_reply(admin, pid, {{"name", "Delivery"},
                                               {"body", "Hi {{first_name|there}}, we deliver across Tamil Nadu in 2-3 days, cash on delivery too."},
                                               {"keywords", {"delivery", "deliver", "available", "cod"}}});
        inbox_.create_saved_reply(admin, pid, {{"name", "Details"},
                                               {"body", "Thank you for your interest, {{first_name|friend}}! {{agent}} from {{project}} will call you today."},
                                               {"keywords", {"details", "interested", "catalogue", "demo"}}});
      }
      json page = inbox_.list(pid, {{"needs_reply", "true"}, {"limit", "50"}}, admin.id);
      int answered = 0;
      for (auto& conv : page["items"]) {
        int64_t cid = conv["id"];
        // One in three, by id, so the same ones are answered on every start; two per project per tick.
        if (cid % 3 != 0 || conv["kind"] != "direct" || tried_.count(cid) || answered >= 2) continue;
        tried_.insert(cid);
        try {
          inbox_.reply(admin, pid, cid, {{"text", "Thank you for writing! Our team will get back to you with the details today."},
                                         {"idempotency_key", "demo-" + std::to_string(cid)}});
          ++answered;
        } catch (const Error& e) {
          spdlog::debug("event=demo.inbox_skip project={} conversation={} reason={}", pid, cid, log_value(e.what()));
        }
      }
    }
    seeded_ = true;
  } catch (const std::exception& e) {
    spdlog::warn("event=demo.inbox_failed error={}", log_value(e.what()));
  }
}

}  // namespace sangam

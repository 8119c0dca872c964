#include "cli/demo_own_groups.hpp"

#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {
namespace {
// Two groups per project: the seed's example purpose and a regional one.
struct DemoGroup {
  const char* name;
  const char* purpose;
  const char* description;
};
const DemoGroup kGroups[] = {
    {"Best Practices Circle", "Best practices from our most engaged customers",
     "Weekly tips, honest questions and answers. No forwards, no spam: links only from admins."},
    {"Early Adopters", "First look at new products and group-exclusive trials", "Members get new products first and tell us what works."},
};
}  // namespace

void DemoOwnGroups::tick(int64_t now) {
  // Every 10 s for the first 20 minutes: a project whose number connects late still gets its groups.
  if (now > until_ || now - last_ < 10000 || busy_) return;
  last_ = now;
  busy_ = true;
  // The engine answers are waited for: on a worker, never the scheduler thread.
  executor_([this] {
    try {
      auto projects = db_.read([&](store::Conn& c) { return c.run("project-list-all", {}); });
      for (size_t i = 0; i < projects.size(); ++i) {
        int64_t pid = projects[i].i64("id");
        if (done_.count(pid)) continue;
        try {
          seed(pid);
        } catch (const Error& e) {
          spdlog::debug("event=demo.own_groups_later project={} reason={}", pid, log_value(e.what()));
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("event=demo.own_groups_failed error={}", log_value(e.what()));
    }
    busy_ = false;
  });
}

void DemoOwnGroups::seed(int64_t pid) {
  auto r = db_.read([&](store::Conn& c) { return c.run("user-by-email", {admin_email_}); });
  if (r.empty()) return;
  User admin = user_from_row(r[0]);
  if (!own_.list(pid)["items"].empty()) {
    done_.insert(pid);
    return;
  }
  auto acc = db_.read([&](store::Conn& c) { return c.run("own-demo-account", {pid}); });
  if (acc.empty()) return;
  int64_t aid = acc[0].i64("id");
  json first;
  for (size_t k = 0; k < 2; ++k) {
    json g = own_.create(admin, pid, {{"name", std::string(kGroups[k].name)}, {"purpose", kGroups[k].purpose},
                                      {"description", kGroups[k].description}, {"account_id", aid}, {"admins_add_only", true}});
    if (k == 0) first = g;
  }
  done_.insert(pid);
  int64_t gid = first["group_id"];
  std::string wa = first["wa_id"];
  // Six opted-in contacts added paced (10 s apart: the Invitations table fills over a minute).
  auto contacts = db_.read([&](store::Conn& c) { return c.run("own-demo-contacts", {pid, int64_t(6)}); });
  json ids = json::array();
  for (size_t i = 0; i < contacts.size(); ++i) ids.push_back(contacts[i].i64("id"));
  if (!ids.empty()) {
    try {
      own_.invite(admin, pid, gid, {{"contact_ids", ids}, {"method", "add"}});
    } catch (const Error& e) {
      spdlog::debug("event=demo.own_groups_invite_skipped project={} reason={}", pid, log_value(e.what()));
    }
  }
  // Two people ask to join; the moderation rules (dry run) report a spam link.
  engine_.command(aid, "sim.join_request", {{"chat", wa}, {"members", {"+919845012301", "+971501234567"}}}, [](const EngineResult&) {});
  moderation_.put(admin, pid, gid, {{"dry_run", true}, {"rules", {{"links", true}, {"banned_words", {"loan offer"}}, {"strikes_to_remove", 3}}}});
  engine_.command(aid, "sim.incoming", {{"chat", wa}, {"from", "+919845012399"}, {"body", "Earn from home!! Join now https://quick-cash.example/offer"}},
                  [](const EngineResult&) {});
  spdlog::info("event=demo.own_groups_seeded project={} account={} group={}", pid, aid, gid);
}

}  // namespace sangam

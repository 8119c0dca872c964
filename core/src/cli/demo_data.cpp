#include "cli/demo_data.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

void seed_demo(store::Database& db, ProjectService& projects, AccountService& accounts, const std::string& admin_email) {
  auto r = db.read([&](store::Conn& c) { return c.run("user-by-email", {admin_email}); });
  if (r.empty()) return;
  User admin = user_from_row(r[0]);
  projects.seed(admin, {{"name", "PoultryCare"},
                        {"slug", "poultrycare"},
                        {"regions", {"Tamil Nadu", "Karnataka", "Andhra Pradesh"}},
                        {"personas", {"Broiler farmer", "Layer farmer", "Feed dealer", "Veterinarian"}}});
  projects.seed(admin, {{"name", "Restopi"},
                        {"slug", "restopi"},
                        {"working_hours", {{{"start", "10:00"}, {"end", "12:00"}}, {{"start", "15:00"}, {"end", "18:00"}}}},
                        {"regions", {"Chennai", "Bengaluru", "Hyderabad"}},
                        {"personas", {"Restaurant owner", "Cloud kitchen", "Cafe manager"}}});
  projects.seed(admin, {{"name", "Textopi"},
                        {"slug", "textopi"},
                        {"weekend_factor", 0.8},
                        {"regions", {"Tiruppur", "Erode", "Coimbatore", "Surat"}},
                        {"personas", {"Textile shop owner", "Wholesaler", "Boutique"}}});
  // The seed's five numbers on the simulated network (1.1): three production numbers, one backup and
  // one in warm-up. DemoLinker links them by simulated scans at start (relink any by hand from the
  // Accounts page with "Simulate scan").
  json list = json::parse(projects.list(admin));  // kept alive: the loop below walks into it
  auto pid = [&](const char* slug) {
    for (auto& p : list["items"])
      if (p["slug"] == slug) return p["id"].get<int64_t>();
    throw std::logic_error(std::string("demo project missing: ") + slug);
  };
  accounts.seed(pid("poultrycare"), "+919800000001", "PoultryCare main", "sim", AccountRole::production);
  accounts.seed(pid("restopi"), "+919800000002", "Restopi main", "sim", AccountRole::production);
  accounts.seed(pid("textopi"), "+919800000003", "Textopi main", "sim", AccountRole::production);
  accounts.seed(pid("poultrycare"), "+919800000004", "Backup", "sim", AccountRole::backup);
  accounts.seed(pid("poultrycare"), "+919800000005", "Warm-up", "sim", AccountRole::warmup);
}

void DemoLinker::tick(int64_t now) {
  if (done_ || now > until_ || !engine_.available()) return;
  try {
    auto r = db_.read([&](store::Conn& c) { return c.run("user-by-email", {admin_email_}); });
    if (r.empty()) return;
    User admin = user_from_row(r[0]);
    auto rows = db_.read([&](store::Conn& c) { return c.run("project-list-all", {}); });
    bool pending = false;
    for (size_t i = 0; i < rows.size(); ++i) {
      int64_t pid = rows[i].i64("id");
      json list = accounts_.list(admin, pid);  // kept alive: a range-for over list(...)["items"] would dangle
      for (auto& a : list["items"]) {
        int64_t aid = a["id"];
        std::string status = a["status"];
        if (a["engine"] != "sim" || (status != "new" && status != "linking")) continue;
        pending = true;
        // The sim shows its first QR 0.3-0.9 s after the client starts; a scan before that is refused
        // and tried again 2 s later.
        if (now - last_try_[aid] < 2000) continue;
        last_try_[aid] = now;
        if (status == "new") {
          accounts_.link(admin, pid, aid, json::object());
          spdlog::info("event=demo.linking project={} account={}", pid, aid);
        } else {
          accounts_.sim(admin, pid, aid, "scan", json::object());
        }
      }
    }
    if (!pending && now - start_ > 10000) done_ = true;
  } catch (const std::exception& e) {
    spdlog::warn("event=demo.link_failed error=\"{}\"", e.what());
  }
}

}  // namespace sangam

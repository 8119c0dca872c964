#include "cli/demo_data.hpp"

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
  // one in warm-up. They start unlinked: link them from the Accounts page with "Simulate scan".
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

}  // namespace sangam

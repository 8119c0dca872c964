#include "cli/demo_data.hpp"

namespace sangam {

void seed_demo(store::Database& db, ProjectService& projects, const std::string& admin_email) {
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
}

}  // namespace sangam

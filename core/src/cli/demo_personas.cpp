#include "cli/demo_personas.hpp"

namespace sangam {

namespace {

struct Rule {
  const char* persona;
  std::vector<std::string> keywords;
};

// Keywords that appear in the simulated groups' names (connector/src/sim/names.ts), so each persona
// wins for the members of its kind of group and members of mixed groups get a lower confidence.
const std::map<std::string, std::vector<Rule>>& demo_rules() {
  static const std::map<std::string, std::vector<Rule>> rules = {
      {"poultrycare",
       {{"Broiler farmer", {"broiler", "country chicken", "integrators"}},
        {"Layer farmer", {"layer", "hatchery", "egg"}},
        {"Feed dealer", {"feed", "traders"}},
        {"Veterinarian", {"medicine", "vaccine"}}}},
      {"restopi",
       {{"Restaurant owner", {"restaurant", "restaurants", "hotel", "hotels", "mess", "tiffin"}},
        {"Cloud kitchen", {"cloud kitchen", "qsr", "franchise", "food entrepreneurs"}},
        {"Cafe manager", {"cafe", "bakery"}}}},
      {"textopi",
       {{"Textile shop owner", {"garment shops", "readymade", "retailers", "traders"}},
        {"Wholesaler", {"wholesalers", "exporters"}},
        {"Boutique", {"silk", "sungudi", "handloom", "weavers"}}}},
  };
  return rules;
}

}  // namespace

void seed_demo_personas(store::Database& db, ContactBase& contacts) {
  auto projects = db.read([&](store::Conn& c) { return c.run("project-list-all", {}); });
  for (size_t i = 0; i < projects.size(); ++i) {
    auto it = demo_rules().find(projects[i].str("slug"));
    if (it == demo_rules().end()) continue;
    int64_t pid = projects[i].i64("id");
    if (!contacts.persona_rules(pid).value("rules", json::array()).empty()) continue;
    json body = {{"rules", json::array()}};
    for (const auto& r : it->second) body["rules"].push_back({{"persona", r.persona}, {"keywords", r.keywords}});
    contacts.set_persona_rules(pid, body, {});
  }
}

}  // namespace sangam
